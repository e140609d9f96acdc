package output

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/relay/event"
)

// A configuration error (an HTTP 404, say) dead-letters nothing: the
// output is not ready with the reason and the fix, is counted, retries
// every ConfigRetry, logs the error once, and delivers everything once the
// destination accepts it.
func TestConfigErrorWaitsNotReadyAndRecovers(t *testing.T) {
	h := memoryHarness(t)
	var fixed atomic.Bool
	sink := &fakeSink{respond: func(int, []*event.Event) error {
		if fixed.Load() {
			return nil
		}
		return forward.Misconfigured(forward.Permanentf("http: server answered 404: no such index"), "check url")
	}}
	w, delays := h.worker(Options{Sink: sink, BatchSize: 10, ConfigRetry: 42 * time.Second})
	h.append(testEvents(0, 30))
	waitFor(t, "three failed writes", func() bool { _, wr, _ := sink.snapshot(); return len(wr) >= 3 })
	st, _ := w.State()
	reason := w.NotReady()
	if st != StateConfigError || !strings.Contains(reason, "output out: config_error: http: server answered 404") || !strings.Contains(reason, "fix: check url") {
		t.Fatalf("state %s, NotReady %q", st, reason)
	}
	if v := value(h.m.State.WithLabelValues("out", string(StateConfigError))); v != 1 {
		t.Fatalf("nomen_output_state{state=config_error} = %v", v)
	}
	if v := value(h.m.State.WithLabelValues("out", string(StateOK))); v != 0 {
		t.Fatalf("nomen_output_state{state=ok} = %v", v)
	}
	if n := h.logs.count("refuses the output's configuration"); n != 1 {
		t.Fatalf("the configuration error was logged %d times, want once", n)
	}
	fixed.Store(true)
	waitFor(t, "delivery", delivered(sink, 30))
	if w.NotReady() != "" {
		t.Fatalf("still not ready after recovery: %s", w.NotReady())
	}
	h.stop(w)
	for _, d := range *delays {
		if d != 42*time.Second {
			t.Fatalf("delays %v: want ConfigRetry", *delays)
		}
	}
	if _, err := os.Stat(h.dl); !os.IsNotExist(err) {
		t.Fatalf("a configuration error dead-lettered events: %v", err)
	}
	if v := value(h.m.Failures.WithLabelValues("out", KindConfig)); v < 3 {
		t.Fatalf("config failures = %v", v)
	}
	got, _, _ := sink.snapshot()
	wantRange(t, got, 0, 30)
}

// When the dead-letter file and its .1 are full, the worker waits with the
// events uncommitted and the output not ready; nothing is deleted. Once
// .1 is moved away it goes on, and every rejected event is in a file.
func TestDeadLetterFullBlocksUntilMovedAway(t *testing.T) {
	h := memoryHarness(t)
	h.dlMax = 4000
	h.nap = time.Millisecond
	sink := &fakeSink{respond: func(int, []*event.Event) error { return forward.Permanentf("400: bad document") }}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 5})
	h.append(testEvents(0, 100))
	waitFor(t, "the dead-letter file to fill", func() bool { st, _ := w.State(); return st == StateDeadLetterFull })
	if r := w.NotReady(); !strings.Contains(r, "dead-letter file full") || !strings.Contains(r, ".1 is still there") {
		t.Fatalf("NotReady %q", r)
	}
	if lag := value(h.m.Lag.WithLabelValues("out")); lag == 0 {
		t.Fatal("every event committed while events could not be dead-lettered")
	}
	if err := os.Rename(h.dl+".1", h.dl+".read-1"); err != nil {
		t.Fatal(err)
	}
	// Keep moving parts away until everything is through.
	parts := []string{h.dl + ".read-1"}
	waitFor(t, "everything dead-lettered", func() bool {
		if _, err := os.Stat(h.dl + ".1"); err == nil {
			p := h.dl + ".read-" + string(rune('1'+len(parts)))
			if err := os.Rename(h.dl+".1", p); err == nil {
				parts = append(parts, p)
			}
		}
		_, wr, _ := sink.snapshot()
		return len(wr) == 20 && value(h.m.Lag.WithLabelValues("out")) == 0
	})
	h.stop(w)
	seen := map[string]bool{}
	for _, p := range append(parts, h.dl) {
		for _, l := range readDeadLetter(t, p) {
			seen[l["event"].(map[string]any)["event"].(map[string]any)["original"].(string)] = true
		}
	}
	if len(seen) != 100 {
		t.Fatalf("%d distinct events in the dead-letter files, want 100", len(seen))
	}
	if v := value(h.m.DeadLettered.WithLabelValues("out")); v != 100 {
		t.Fatalf("dead-lettered = %v", v)
	}
}

// Dead-lettering batch after batch logs one line per interval, not one per
// batch.
func TestDeadLetterWarningsAreRateLimited(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{respond: func(int, []*event.Event) error { return forward.Permanentf("422: bad document") }}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 1})
	h.append(testEvents(0, 50))
	waitFor(t, "all rejected", func() bool {
		_, wr, _ := sink.snapshot()
		return len(wr) == 50 && value(h.m.Lag.WithLabelValues("out")) == 0
	})
	h.stop(w)
	if n := h.logs.count("written to the dead-letter file"); n != 1 {
		t.Fatalf("%d warnings for 50 dead-lettered batches, want 1 per %s", n, logEvery)
	}
}

// Stop without a deadline (a reload replacing the output) returns while
// the output is failing, leaving its events in the journal.
func TestStopDoesNotWaitForAFailingOutput(t *testing.T) {
	h := memoryHarness(t)
	h.nap = time.Hour // a retry would wait that long
	sink := &fakeSink{respond: func(int, []*event.Event) error {
		return forward.Misconfigured(errors.New("401"), "check token")
	}}
	w, _ := h.worker(Options{Sink: sink})
	h.append(testEvents(0, 10))
	waitFor(t, "a failed write", func() bool { _, wr, _ := sink.snapshot(); return len(wr) > 0 })
	done := make(chan error, 1)
	go func() { done <- w.Stop(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second): // guards against a hang only
		t.Fatal("Stop waited for a failing output")
	}
	if c := h.committed(); c != 0 {
		t.Fatalf("committed %d undelivered events", c)
	}
}
