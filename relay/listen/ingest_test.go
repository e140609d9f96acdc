package listen

import (
	"bytes"
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
	return k.eventsLocked()
}

func (k *batchKeeper) eventsLocked() int {
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

// gatedKeeper is a batchKeeper whose first Submit waits until gate is
// closed: the reader is held while its socket fills.
type gatedKeeper struct {
	batchKeeper
	gate  chan struct{}
	first sync.Once
}

func (k *gatedKeeper) Submit(ctx context.Context, b *pipeline.Batch) error {
	k.first.Do(func() { <-k.gate })
	return k.batchKeeper.Submit(ctx, b)
}

// sendWhileWaiting sends a first line and then data to a TCP listener
// whose pipeline takes nothing until the rest is in the socket (the
// reader waits for room with its first batch), then lets it take
// everything, and returns what it was handed, batch by batch, once want
// events have arrived (or 10 s have passed).
func sendWhileWaiting(t *testing.T, data []byte, want int) [][]*event.Event {
	t.Helper()
	k := &gatedKeeper{gate: make(chan struct{})}
	tl := startTestWith(t, Config{Name: "t", Protocol: "tcp", Address: "127.0.0.1:0"}, k)
	c, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "<13>Jan  2 03:04:05 host app: first\n")
	if _, err := c.Write(data); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the socket take it all while the reader waits (no timing is asserted)
	close(k.gate)
	deadline := time.Now().Add(10 * time.Second)
	for k.events() < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if got := k.eventsLocked(); got != want {
		t.Fatalf("%d events arrived, want %d", got, want)
	}
	return slices.Clone(k.batches)
}

// TestStreamBatchBound: what a connection's socket holds is handed to the
// pipeline in batches of maxStreamBatch events (the rest in smaller
// ones), never more.
func TestStreamBatchBound(t *testing.T) {
	const lines = 2*maxStreamBatch + 100
	var all []byte
	for i := range lines {
		all = fmt.Appendf(all, "<13>Jan  2 03:04:05 host app: %d\n", i)
	}
	biggest := 0
	for _, b := range sendWhileWaiting(t, all, lines+1) {
		biggest = max(biggest, len(b))
	}
	if biggest != maxStreamBatch {
		t.Fatalf("batches of at most %d events, want %d", biggest, maxStreamBatch)
	}
}

// TestStreamBatchBytesBound: large frames make smaller batches, so what a
// busy connection holds while it waits for room is bounded in bytes too
// (maxBatchBytes), not only in events; every frame still arrives.
func TestStreamBatchBytesBound(t *testing.T) {
	const lines, size = 300, 4000 // 1.2 MB: several byte-bound batches
	var all []byte
	for i := range lines {
		line := fmt.Appendf(nil, "<13>Jan  2 03:04:05 host app: %d ", i)
		line = append(line, bytes.Repeat([]byte("x"), size-len(line)-1)...)
		all = append(append(all, line...), '\n')
	}
	for i, b := range sendWhileWaiting(t, all, lines+1) {
		n := 0
		for _, e := range b {
			n += len(e.Original)
		}
		// The frame that reaches the bound is the batch's last.
		if n-len(b[len(b)-1].Original) >= 256<<10 {
			t.Errorf("batch %d: %d events, %d bytes of frames: over the 256 KiB bound before its last frame", i, len(b), n)
		}
	}
}

// fullQueue is a Submitter whose queue is full: TrySubmit refuses, and
// Submit waits until room is closed (or its context ends).
type fullQueue struct {
	batchKeeper
	room chan struct{}
}

func (q *fullQueue) TrySubmit(*pipeline.Batch) bool { return false }

func (q *fullQueue) Submit(ctx context.Context, b *pipeline.Batch) error {
	select {
	case <-q.room:
		return q.batchKeeper.Submit(ctx, b)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestDatagramWaitsForRoom: a datagram reader that finds the pipeline's
// queue full waits a while for room (datagramQueueWait), the socket's
// buffer holding what arrives, instead of dropping its batch at once; a
// queue that stays full longer still costs the batch, counted.
func TestDatagramWaitsForRoom(t *testing.T) {
	for _, stall := range []time.Duration{datagramQueueWait / 4, -1} {
		t.Run(fmt.Sprint(stall), func(t *testing.T) {
			q := &fullQueue{room: make(chan struct{})}
			if stall > 0 {
				time.AfterFunc(stall, func() { close(q.room) })
			}
			tl := startTestWith(t, Config{Name: "t", Protocol: "udp", Address: "127.0.0.1:0", Readers: 1}, q)
			out, err := net.Dial("udp", tl.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			if _, err := fmt.Fprint(out, "<13>Jan  2 03:04:05 host app: one"); err != nil {
				t.Fatal(err)
			}
			dropped := tl.metrics.Dropped.WithLabelValues("listener", "queue_full")
			deadline := time.Now().Add(10 * time.Second)
			for q.events() == 0 && value(dropped) == 0 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if stall > 0 && (q.events() != 1 || value(dropped) != 0) {
				t.Errorf("room after %v: %d handed on, %v dropped; want 1 and 0", stall, q.events(), value(dropped))
			}
			if stall < 0 && (q.events() != 0 || value(dropped) != 1) {
				t.Errorf("no room: %d handed on, %v dropped; want 0 and 1", q.events(), value(dropped))
			}
		})
	}
}
