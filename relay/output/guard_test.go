package output

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/journal"
)

// brittleSink is a fakeSink whose first openPanics Opens and first
// closePanics Closes panic (a bug in a sink), after recording the call.
type brittleSink struct {
	*fakeSink
	openPanics, closePanics atomic.Int32
}

func (s *brittleSink) Open(ctx context.Context) error {
	s.fakeSink.Open(ctx)
	if s.openPanics.Add(-1) >= 0 {
		panic("open: nil map")
	}
	return nil
}

func (s *brittleSink) Close() error {
	s.fakeSink.Close()
	if s.closePanics.Add(-1) >= 0 {
		panic("close: nil pointer")
	}
	return nil
}

// TestPanickingOpenIsAFailedOpen: an Open that panics is a failed open,
// retried with the backoff; counted as an open failure and a worker
// panic, logged with the stack; then everything is delivered.
func TestPanickingOpenIsAFailedOpen(t *testing.T) {
	h := memoryHarness(t)
	sink := &brittleSink{fakeSink: &fakeSink{}}
	sink.openPanics.Store(2)
	w, delays := h.worker(Options{Sink: sink})
	h.append(testEvents(0, 10))
	waitFor(t, "delivery", delivered(sink.fakeSink, 10))
	h.stop(w)
	got, _, log := sink.snapshot()
	wantRange(t, got, 0, 10)
	if n := countOf(log, "open"); n != 3 {
		t.Errorf("%d opens, want 3 (two panicked): %v", n, log)
	}
	if len(*delays) != 2 {
		t.Errorf("waits %v, want one backoff per panicked open", *delays)
	}
	if v := value(h.m.Failures.WithLabelValues("out", KindOpen)); v != 2 {
		t.Errorf("open failures = %v, want 2", v)
	}
	if v := value(h.m.WorkerPanics.WithLabelValues("out")); v != 2 {
		t.Errorf("nomen_output_worker_panics_total = %v, want 2", v)
	}
	if h.logs.count("opening the sink panicked") != 1 || h.logs.count("guard_test.go") != 1 {
		t.Errorf("want one (throttled) log line with the panic's stack")
	}
	h.wantCommitted(10)
}

// TestPanickingCloseIsAFailedClose: a Close that panics, when the worker
// reconnects after a failed write and when it stops, is a failed close:
// the worker reopens the sink and delivers, and stops cleanly.
func TestPanickingCloseIsAFailedClose(t *testing.T) {
	h := memoryHarness(t)
	sink := &brittleSink{fakeSink: &fakeSink{respond: func(call int, _ []*event.Event) error {
		if call == 0 {
			return errors.New("broken pipe") // reconnect: Close, then Open
		}
		return nil
	}}}
	sink.closePanics.Store(2)
	w, _ := h.worker(Options{Sink: sink})
	h.append(testEvents(0, 10))
	waitFor(t, "delivery", delivered(sink.fakeSink, 10))
	h.stop(w)
	got, _, log := sink.snapshot()
	wantRange(t, got, 0, 10)
	if n := countOf(log, "close"); n != 2 {
		t.Errorf("%d closes, want 2 (reconnect, stop): %v", n, log)
	}
	if v := value(h.m.WorkerPanics.WithLabelValues("out")); v != 2 {
		t.Errorf("nomen_output_worker_panics_total = %v, want 2", v)
	}
	if h.logs.count("closing the sink panicked") != 1 {
		t.Errorf("no log line for the panicked close")
	}
	h.wantCommitted(10)
}

// brittleReader is the worker's journal reader, whose Commit panics on
// the call failCommit counts down to, and whose Close panics too.
type brittleReader struct {
	*journal.Reader
	failCommit atomic.Int32
}

func (r *brittleReader) Commit(id uint64) error {
	if r.failCommit.Add(-1) == 0 {
		panic("commit: index out of range")
	}
	return r.Reader.Commit(id)
}

func (r *brittleReader) Close() error {
	r.Reader.Close()
	panic("close: nil pointer")
}

// TestPanicWhileDeliveringStartsOverFromTheCommitted: a panic in the
// worker's loop outside writing (here committing a written batch) is
// counted and logged; the worker starts over, after the backoff, from the
// committed position: the uncommitted batch is written again
// (at-least-once), nothing is lost, and the cursor reaches the end. A
// reader whose Close panics does not hold up Stop.
func TestPanicWhileDeliveringStartsOverFromTheCommitted(t *testing.T) {
	h := memoryHarness(t)
	h.source = func(r *journal.Reader) Source {
		br := &brittleReader{Reader: r}
		br.failCommit.Store(2) // the second batch's commit
		return br
	}
	sink := &fakeSink{}
	h.append(testEvents(0, 10))
	w, delays := h.worker(Options{Sink: sink, BatchSize: 4})
	waitFor(t, "delivery", delivered(sink, 14))
	h.stop(w)
	got, writes, log := sink.snapshot()
	want := []int{0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7, 8, 9} // the second batch twice
	if len(got) != len(want) {
		t.Fatalf("delivered %v (writes %v), want %v", got, writes, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delivered %v, want %v", got, want)
		}
	}
	if n := countOf(log, "open"); n != 2 || log[len(log)-1] != "close" {
		t.Errorf("sink calls %v: want the sink closed and opened again after the panic", log)
	}
	if len(*delays) != 1 {
		t.Errorf("waits %v, want one backoff before starting over", *delays)
	}
	if v := value(h.m.WorkerPanics.WithLabelValues("out")); v != 2 {
		t.Errorf("nomen_output_worker_panics_total = %v, want 2 (commit, reader's close)", v)
	}
	if h.logs.count("delivering panicked") != 1 || h.logs.count("closing its journal reader panicked") != 1 {
		t.Errorf("want a log line for each panic")
	}
	h.wantCommitted(10)
}

// clockedReader panics on its first `panics` commits; before the last of
// them it moves the worker's clock on by two minutes, as if the worker
// had delivered for that long since the panic before.
type clockedReader struct {
	*journal.Reader
	commits, panics int
	now             *time.Time
}

func (r *clockedReader) Commit(id uint64) error {
	r.commits++
	if r.commits == r.panics {
		*r.now = r.now.Add(2 * time.Minute)
	}
	if r.commits <= r.panics {
		panic("commit: index out of range")
	}
	return r.Reader.Commit(id)
}

// TestWorkerBackoffStartsOverAfterAHealthyRun: panics in a row make the
// worker's restart backoff grow towards MaxBackoff; a panic after the
// worker ran healthily for longer than healthyRun waits MinBackoff at
// most again, instead of MaxBackoff for ever. (MinBackoff 1ns, MaxBackoff
// an hour: a backoff that did not start over would wait 1ns or less with
// a chance of one in 3.6e12.)
func TestWorkerBackoffStartsOverAfterAHealthyRun(t *testing.T) {
	h := memoryHarness(t)
	now := time.Unix(0, 0)
	h.source = func(r *journal.Reader) Source { return &clockedReader{Reader: r, panics: 40, now: &now} }
	sink := &fakeSink{}
	h.append(testEvents(0, 1))
	w, delays := h.worker(Options{Sink: sink, MinBackoff: time.Nanosecond, MaxBackoff: time.Hour, now: func() time.Time { return now }})
	waitFor(t, "delivery", func() bool { return w.o.Source.Committed() == 1 })
	h.stop(w)
	if len(*delays) != 40 {
		t.Fatalf("%d waits, want one per panic (40)", len(*delays))
	}
	if last := (*delays)[39]; last > time.Nanosecond {
		t.Errorf("waited %v after a healthy run, want MinBackoff (1ns) at most", last)
	}
	if v := value(h.m.WorkerPanics.WithLabelValues("out")); v != 40 {
		t.Errorf("nomen_output_worker_panics_total = %v, want 40", v)
	}
}
