package syslog

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
)

// TestSyslogPanicAfterAChunkKeepsItsPart: a batch longer than a chunk
// (256 KiB) whose formatting panics after its first chunk went out (a nil
// event stands for any bug one event finds) is not raised as a panic of
// the whole batch, which the worker would write again event by event, the
// chunks already sent with it (each of their events a second time). The
// events sent and acknowledged are delivered; the rest are the batch's
// failed items, with the panic, which the worker writes again alone (the
// panicking one in its safe form). The receiver gets every event once.
func TestSyslogPanicAfterAChunkKeepsItsPart(t *testing.T) {
	r := listenLines(t, "127.0.0.1:0", 0)
	defer r.kill()
	s, err := New(Config{Address: r.l.Addr().String(), Framing: "lf", Format: "raw"}, forward.Runtime{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	batch := make([]*event.Event, 4000)
	for i, e := range sinktest.SampleEvents(t, 1, len(batch)) {
		c := *e
		c.Original = fmt.Sprintf("event %04d %0200d", i, 0) // one line each, 211 bytes
		batch[i] = &c
	}
	const poison = 3000 // past the first chunks (1,243 lines each)
	batch[poison] = nil

	var raised *panics.Panic
	func() {
		defer panics.Catch(&raised)
		err = s.Write(ctx, batch)
	}()
	if raised != nil {
		t.Fatalf("Write raised the panic (%v): the worker would write the chunks already sent again", raised.Value)
	}
	var be *forward.BatchError
	if !errors.As(err, &be) || len(be.Items) == 0 {
		t.Fatalf("Write = %v, want a BatchError of the events not sent", err)
	}
	first := be.Items[0].Index
	if first == 0 || first > poison {
		t.Fatalf("first failed item %d, want one after the first chunk and not after the event that panics (%d)", first, poison)
	}
	for k, it := range be.Items {
		var p *panics.Panic
		if it.Index != first+k || !errors.As(it.Err, &p) {
			t.Fatalf("item %d: index %d, %v; want every event from %d on, with the panic", k, it.Index, it.Err, first)
		}
	}
	if len(be.Items) != len(batch)-first {
		t.Fatalf("%d failed items, want %d (from %d to the end)", len(be.Items), len(batch)-first, first)
	}
	// What the worker does next: each failed item alone (the one that
	// panics in its safe form, left out here).
	for _, it := range be.Items {
		if e := batch[it.Index]; e != nil {
			if err := s.Write(ctx, []*event.Event{e}); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := len(batch) - 1
	deadline := time.Now().Add(10 * time.Second)
	for len(r.got()) < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := r.got()
	seen := map[string]int{}
	for _, line := range got {
		seen[line]++
	}
	for line, n := range seen {
		if n > 1 {
			t.Errorf("%.10q received %d times", line, n)
		}
	}
	if len(got) != want || len(seen) != want {
		t.Errorf("received %d lines (%d distinct), want each of the %d events once", len(got), len(seen), want)
	}
}
