package sinktest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/relay/event"
)

// Suite describes a sink and a real receiver for it to the conformance
// suite (Run). Only Receiver and Want are required; a check whose field is
// nil is skipped with the reason logged.
type Suite struct {
	// Receiver starts a fresh, empty receiver (a temp dir, a listener, a
	// schema, a stream) for one check and returns how to reach and read
	// it; it cleans up with t.Cleanup.
	Receiver func(t *testing.T) Receiver
	// Want is the record the receiver must hold for e, exactly.
	Want func(e *event.Event) string

	// Unreachable returns a sink whose receiver is down or refuses the
	// connection: Open or Write must fail with a retryable error.
	Unreachable func(t *testing.T) forward.Sink
	// Rejecting returns a sink whose receiver takes the connection but
	// rejects the events of batch as records: Write must fail permanently
	// for them (a permanent error, or a *forward.BatchError whose items
	// for them are permanent). Nil: the sink cannot tell.
	Rejecting func(t *testing.T) (s forward.Sink, batch []*event.Event)
	// Stalled returns a sink whose receiver takes a write and never
	// answers, and a channel closed once the write has reached the
	// receiver (is blocked there). A write must return once its context
	// is cancelled, and Close after it.
	Stalled func(t *testing.T) (s forward.Sink, blocked <-chan struct{})
	// Misconfigured returns a sink whose destination refuses the sink's
	// configuration (credentials, a wrong endpoint, a stream or schema
	// that belongs to someone else): Open or Write must fail with a
	// *forward.ConfigError that says what to fix, and not dead-letter the
	// events (the worker keeps them in the journal). Nil: not checked.
	Misconfigured func(t *testing.T) forward.Sink
}

// Receiver is one running receiver.
type Receiver struct {
	// NewSink builds a sink that writes to the receiver (a new one on each
	// call, to the same receiver).
	NewSink func() (forward.Sink, error)
	// Got returns the records the receiver holds, in the order received.
	Got func() ([]string, error)
}

// waitLimit bounds waiting for a receiver to show what it was sent, and
// for a cancelled write to return: it only detects hangs.
const waitLimit = 20 * time.Second

// Run runs the conformance checks against s.
func Run(t *testing.T, s Suite) {
	t.Run("delivers-in-order", func(t *testing.T) { checkDelivery(t, s) })
	t.Run("reopens-after-close", func(t *testing.T) { checkReopen(t, s) })
	t.Run("unreachable-is-retryable", func(t *testing.T) { checkUnreachable(t, s) })
	t.Run("rejected-is-permanent", func(t *testing.T) { checkRejected(t, s) })
	t.Run("cancelled-write-returns", func(t *testing.T) { checkStalled(t, s) })
	t.Run("misconfigured-is-a-config-error", func(t *testing.T) { checkMisconfigured(t, s) })
}

func checkMisconfigured(t *testing.T, s Suite) {
	if s.Misconfigured == nil {
		t.Skip("no misconfigured receiver for this sink")
	}
	sink := s.Misconfigured(t)
	err := sink.Open(context.Background())
	if err == nil {
		defer sink.Close()
		err = sink.Write(context.Background(), SampleEvents(t, 1, 2))
	}
	ce, ok := forward.AsConfigError(err)
	if !ok {
		t.Fatalf("misconfigured: got %v, want a *forward.ConfigError", err)
	}
	if ce.Fix == "" {
		t.Errorf("configuration error %v says nothing about what to fix", err)
	}
}

// suiteEvents are n realistic events from ID first, with one that has
// characters every format must escape.
func suiteEvents(t *testing.T, first uint64, n int) []*event.Event {
	evs := SampleEvents(t, first, n)
	if n > 3 {
		evs[3] = TrickyEvent(t, first+3)
	}
	return evs
}

func checkDelivery(t *testing.T, s Suite) {
	r := s.Receiver(t)
	sink := open(t, r)
	evs := suiteEvents(t, 1, 40)
	for _, b := range [][]*event.Event{evs[:1], evs[1:4], evs[4:]} {
		MustWrite(t, sink, b)
	}
	closeSink(t, sink)
	expect(t, s, r, evs)
}

func checkReopen(t *testing.T, s Suite) {
	r := s.Receiver(t)
	sink := open(t, r)
	evs := suiteEvents(t, 1, 10)
	MustWrite(t, sink, evs[:5])
	closeSink(t, sink)
	if err := sink.Open(context.Background()); err != nil {
		t.Fatalf("open after close: %v", err)
	}
	MustWrite(t, sink, evs[5:])
	closeSink(t, sink)
	expect(t, s, r, evs)
}

func checkUnreachable(t *testing.T, s Suite) {
	if s.Unreachable == nil {
		t.Skip("no unreachable receiver for this sink")
	}
	sink := s.Unreachable(t)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	err := sink.Open(ctx)
	if err == nil {
		err = sink.Write(ctx, suiteEvents(t, 1, 3))
		sink.Close()
	}
	if err == nil {
		t.Fatal("open and write succeeded with the receiver down")
	}
	var be *forward.BatchError
	if forward.IsPermanent(err) || errors.As(err, &be) && anyPermanent(be) {
		t.Fatalf("receiver down: %v is permanent; want retryable (the events wait for it)", err)
	}
}

func anyPermanent(be *forward.BatchError) bool {
	for _, it := range be.Items {
		if forward.IsPermanent(it.Err) {
			return true
		}
	}
	return false
}

func checkRejected(t *testing.T, s Suite) {
	if s.Rejecting == nil {
		t.Skip("the sink cannot tell a rejected record from a failure")
	}
	sink, batch := s.Rejecting(t)
	if err := sink.Open(context.Background()); err != nil {
		t.Fatalf("open: %v", err)
	}
	defer sink.Close()
	err := sink.Write(context.Background(), batch)
	if err == nil {
		t.Fatal("a rejected batch was written without error")
	}
	if forward.IsPermanent(err) {
		return
	}
	var be *forward.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("rejected: %v is retryable; want permanent", err)
	}
	failed := map[int]bool{}
	for _, it := range be.Items {
		if !forward.IsPermanent(it.Err) {
			t.Errorf("rejected item %d: %v is retryable; want permanent", it.Index, it.Err)
		}
		failed[it.Index] = true
	}
	if len(failed) != len(batch) {
		t.Errorf("%d of %d rejected events reported", len(failed), len(batch))
	}
}

func checkStalled(t *testing.T, s Suite) {
	if s.Stalled == nil {
		t.Skip("no receiver that stalls a write for this sink")
	}
	sink, blocked := s.Stalled(t)
	if err := sink.Open(context.Background()); err != nil {
		t.Fatalf("open: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sink.Write(ctx, SampleEvents(t, 1, 2000)) }()
	select {
	case <-blocked:
	case err := <-done:
		t.Fatalf("the write returned (%v) before the receiver stalled it", err)
	case <-time.After(waitLimit):
		t.Fatal("the write never reached the receiver")
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the write succeeded: the receiver did not stall it")
		}
	case <-time.After(waitLimit):
		t.Fatal("a write blocked on the receiver did not return when its context was cancelled")
	}
	closed := make(chan error, 1)
	go func() { closed <- sink.Close() }()
	select {
	case <-closed:
	case <-time.After(waitLimit):
		t.Fatal("Close after a cancelled write did not return")
	}
}

func open(t *testing.T, r Receiver) forward.Sink {
	t.Helper()
	sink, err := r.NewSink()
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Open(context.Background()); err != nil {
		t.Fatalf("open: %v", err)
	}
	return sink
}

func closeSink(t *testing.T, sink forward.Sink) {
	t.Helper()
	if err := sink.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// expect waits until the receiver holds as many records as evs (some
// receivers see the bytes after Write returned) and compares them.
func expect(t *testing.T, s Suite, r Receiver, evs []*event.Event) {
	t.Helper()
	var got []string
	var err error
	for deadline := time.Now().Add(waitLimit); ; time.Sleep(10 * time.Millisecond) {
		got, err = r.Got()
		if err == nil && len(got) >= len(evs) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("reading the receiver: %v", err)
	}
	if len(got) != len(evs) {
		t.Fatalf("the receiver holds %d records, want %d", len(got), len(evs))
	}
	for i, e := range evs {
		if want := s.Want(e); got[i] != want {
			t.Errorf("record %d (event %d):\n got: %s\nwant: %s", i, e.ID, got[i], want)
		}
	}
}

// Lines splits b into lines without their line feeds, for receivers that
// store one record per line.
func Lines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i]))
		b = b[i+1:]
	}
	return out
}
