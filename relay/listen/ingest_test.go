package listen

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
)

// batchKeeper is a Submitter that keeps every batch as it was handed
// over: the slice itself, not a copy of its events.
type batchKeeper struct {
	mu      sync.Mutex
	batches [][]*event.Event
}

func (k *batchKeeper) Submit(_ context.Context, b *pipeline.Batch) error {
	k.mu.Lock()
	k.batches = append(k.batches, b.Events)
	k.mu.Unlock()
	return nil
}

func (k *batchKeeper) TrySubmit(b *pipeline.Batch) bool {
	return k.Submit(context.Background(), b) == nil
}

func (k *batchKeeper) events() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, b := range k.batches {
		n += len(b)
	}
	return n
}

// TestDatagramBatchesStayTheirs: a datagram reader keeps its batch slice
// between batches (ingester.reuse), so a batch the pipeline still holds
// must be a slice of its own: the reader's next batches never write over
// it.
func TestDatagramBatchesStayTheirs(t *testing.T) {
	k := &batchKeeper{}
	tl := startTestWith(t, Config{Name: "t", Protocol: "udp", Address: "127.0.0.1:0"}, k)
	out, err := net.Dial("udp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	const sends = 5
	for i := range sends {
		// One datagram at a time, each batch handed over before the
		// next is sent: every batch is the reader's reused slice's.
		if _, err := fmt.Fprintf(out, "<13>Jan  2 03:04:05 host app: message %d", i); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for k.events() < i+1 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	var got []string
	for _, b := range k.batches {
		for _, e := range b {
			if e == nil { // cleared by the reader
				got = append(got, "<nil>")
				continue
			}
			got = append(got, e.Message)
		}
	}
	var want []string
	for i := range sends {
		want = append(want, fmt.Sprintf("message %d", i))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("batches held hold %q, want %q", got, want)
	}
}
