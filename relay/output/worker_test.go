package output

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/retry"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/nomenhq/nomen/relay/journal"
)

func TestDeliversEverythingOnceInOrder(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 64})
	for i := 0; i < 3000; i += 100 {
		h.append(testEvents(i, 100))
	}
	waitFor(t, "delivery", delivered(sink, 3000))
	h.stop(w)
	got, writes, log := sink.snapshot()
	wantRange(t, got, 0, 3000)
	for _, wr := range writes {
		if len(wr) > 64 {
			t.Fatalf("a batch of %d events, batch_size is 64", len(wr))
		}
	}
	if log[0] != "open" || log[len(log)-1] != "close" || slices.Contains(log[1:len(log)-1], "close") {
		t.Fatalf("sink calls: %v", log)
	}
	if v := value(h.m.Events.WithLabelValues("out")); v != 3000 {
		t.Fatalf("nomen_output_events_total = %v", v)
	}
	h.wantCommitted(3000)
}

func TestWritesPartialBatchAtOnceWithoutFlushInterval(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 500})
	h.append(testEvents(0, 10))
	waitFor(t, "the first write", delivered(sink, 10))
	h.append(testEvents(10, 5))
	waitFor(t, "the second write", delivered(sink, 15))
	h.stop(w)
	_, writes, _ := sink.snapshot()
	if len(writes) != 2 || len(writes[0]) != 10 || len(writes[1]) != 5 {
		t.Fatalf("writes %v", writes)
	}
}

func TestFlushIntervalFillsTheBatch(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 100, FlushInterval: time.Hour})
	h.append(testEvents(0, 10))
	h.append(testEvents(10, 150))
	waitFor(t, "a full batch", delivered(sink, 100))
	h.append(testEvents(160, 1))
	h.stop(w) // a stop does not wait for the linger
	_, writes, _ := sink.snapshot()
	if len(writes) != 2 || len(writes[0]) != 100 || len(writes[1]) != 61 {
		t.Fatalf("batch sizes: %d writes, %v", len(writes), writes)
	}
}

func TestRetriesWithBackoffAndRetryAfter(t *testing.T) {
	h := memoryHarness(t)
	refused := errors.New("connection refused")
	sink := &fakeSink{respond: func(call int, batch []*event.Event) error {
		switch call {
		case 0, 1, 2:
			return refused
		case 3:
			return forward.RetryAfter(errors.New("429 Too Many Requests"), 7*time.Second)
		}
		return nil
	}}
	w, delays := h.worker(Options{Sink: sink, BatchSize: 500, MinBackoff: 100 * time.Millisecond, MaxBackoff: 30 * time.Second})
	h.append(testEvents(0, 20))
	waitFor(t, "delivery", delivered(sink, 20))
	h.stop(w)
	got, writes, log := sink.snapshot()
	wantRange(t, got, 0, 20)
	if len(writes) != 5 {
		t.Fatalf("%d writes, want 5", len(writes))
	}
	if len(*delays) != 4 {
		t.Fatalf("delays %v", *delays)
	}
	for i, d := range (*delays)[:3] {
		if ceil := 100 * time.Millisecond << i; d < 0 || d > ceil {
			t.Errorf("backoff %d = %v, want within [0, %v]", i, d, ceil)
		}
	}
	if (*delays)[3] != 7*time.Second {
		t.Errorf("Retry-After 7s: waited %v", (*delays)[3])
	}
	// A plain failure reopens the sink; a Retry-After does not.
	if opens := countOf(log, "open"); opens != 4 {
		t.Errorf("%d opens, want 1 + one per plain failure (3): %v", opens, log)
	}
	if v := value(h.m.Failures.WithLabelValues("out", KindRetryable)); v != 4 {
		t.Errorf("retryable failures = %v, want 4", v)
	}
}

func countOf(log []string, what string) int {
	n := 0
	for _, s := range log {
		if s == what {
			n++
		}
	}
	return n
}

func readDeadLetter(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("dead letter line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestPermanentErrorGoesToDeadLetter(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{respond: func(call int, batch []*event.Event) error {
		if call == 0 {
			return forward.Permanentf("400 Bad Request: mapper_parsing_exception")
		}
		return nil
	}}
	w, delays := h.worker(Options{Sink: sink})
	h.append(testEvents(0, 3))
	waitFor(t, "the rejection", func() bool { _, wr, _ := sink.snapshot(); return len(wr) == 1 })
	h.append(testEvents(3, 2))
	waitFor(t, "delivery", delivered(sink, 2))
	h.stop(w)
	got, _, _ := sink.snapshot()
	wantRange(t, got, 3, 2)
	if len(*delays) != 0 {
		t.Fatalf("a permanent error was retried: %v", *delays)
	}
	lines := readDeadLetter(t, h.dl)
	if len(lines) != 3 {
		t.Fatalf("%d dead-letter lines, want 3", len(lines))
	}
	for i, l := range lines {
		ev, _ := l["event"].(map[string]any)
		orig := ev["event"].(map[string]any)["original"]
		if l["output"] != "out" || l["error"] != "400 Bad Request: mapper_parsing_exception" ||
			orig != testEvent(i).Original || l["@timestamp"] == nil {
			t.Fatalf("dead-letter line %d: %v", i, l)
		}
	}
	if v := value(h.m.DeadLettered.WithLabelValues("out")); v != 3 {
		t.Fatalf("dead-lettered = %v", v)
	}
	if c := h.committed(); c != 5 {
		t.Fatalf("committed %d: the rejected events must not hold the cursor", c)
	}
}

func TestPartialBatchError(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{respond: func(call int, batch []*event.Event) error {
		if call == 0 {
			return &forward.BatchError{Items: []forward.ItemError{
				{Index: 1, Err: forward.Permanentf("mapping error")},
				{Index: 3, Err: forward.RetryAfter(errors.New("429"), time.Second)},
				{Index: 4, Err: errors.New("es_rejected_execution_exception")},
			}}
		}
		return nil
	}}
	w, delays := h.worker(Options{Sink: sink})
	h.append(testEvents(0, 6))
	waitFor(t, "delivery", delivered(sink, 5))
	h.stop(w)
	got, writes, log := sink.snapshot()
	if !slices.Equal(got, []int{0, 2, 5, 3, 4}) {
		t.Fatalf("delivered %v", got)
	}
	if len(writes) != 2 || !slices.Equal(writes[1], []int{3, 4}) {
		t.Fatalf("writes %v: only the retryable items are written again", writes)
	}
	if countOf(log, "open") != 1 {
		t.Fatalf("item errors must not reopen the sink: %v", log)
	}
	if !slices.Equal(*delays, []time.Duration{time.Second}) {
		t.Fatalf("delays %v, want the items' Retry-After", *delays)
	}
	lines := readDeadLetter(t, h.dl)
	if len(lines) != 1 || lines[0]["error"] != "mapping error" {
		t.Fatalf("dead letter: %v", lines)
	}
	if v := value(h.m.Events.WithLabelValues("out")); v != 5 {
		t.Fatalf("events delivered = %v, want 5", v)
	}
}

func TestFiltersAdvanceTheCursor(t *testing.T) {
	h := memoryHarness(t)
	where, _ := filter.Compile(map[string]any{"event.kind": "alert"})
	whereNot, _ := filter.Compile(map[string]any{"event.sequence": []any{int64(3), int64(6)}})
	sink := &fakeSink{}
	w, _ := h.worker(Options{Sink: sink, Where: where, WhereNot: whereNot})
	h.append(testEvents(0, 20)) // alerts: 0 3 6 9 12 15 18
	waitFor(t, "delivery", delivered(sink, 5))
	h.stop(w)
	if c := h.committed(); c != 20 {
		t.Fatalf("committed %d: filtered-out events must advance the cursor", c)
	}
	got, _, _ := sink.snapshot()
	if !slices.Equal(got, []int{0, 9, 12, 15, 18}) {
		t.Fatalf("delivered %v", got)
	}
	if v := value(h.m.Filtered.WithLabelValues("out")); v != 15 {
		t.Fatalf("filtered = %v, want 15", v)
	}
}

// committed returns the cursor's position once the worker has stopped
// (and closed its reader).
func TestPositionedSinkResumesAtItsOwnPosition(t *testing.T) {
	h := memoryHarness(t)
	h.append(testEvents(0, 100))
	pos := uint64(60)
	sink := positionedSink{&fakeSink{position: &pos}}
	w, _ := h.worker(Options{Sink: sink})
	waitFor(t, "delivery", delivered(sink.fakeSink, 40))
	h.stop(w)
	got, _, _ := sink.snapshot()
	wantRange(t, got, 60, 40)
}

func TestPositionedSinkAfterFailedWrite(t *testing.T) {
	// A sink that wrote part of a batch before failing records how far it
	// got; after the reopen the worker goes on from there: no repeat.
	h := memoryHarness(t)
	pos := uint64(0)
	fs := &fakeSink{position: &pos}
	fs.respond = func(call int, batch []*event.Event) error {
		if call == 0 {
			pos = batch[9].ID // ten events made it
			fs.delivered = append(fs.delivered, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
			return errors.New("broken pipe")
		}
		return nil
	}
	w, _ := h.worker(Options{Sink: positionedSink{fs}})
	h.append(testEvents(0, 50))
	waitFor(t, "delivery", delivered(fs, 50))
	h.stop(w)
	got, _, _ := fs.snapshot()
	wantRange(t, got, 0, 50)
}

func TestReopen(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{}
	w, _ := h.worker(Options{Sink: sink})
	h.append(testEvents(0, 1))
	waitFor(t, "delivery", delivered(sink, 1))
	w.Reopen()
	h.append(testEvents(1, 1))
	waitFor(t, "delivery", delivered(sink, 2))
	h.stop(w)
	_, _, log := sink.snapshot()
	if !slices.Equal(log, []string{"open", "write", "reopen", "write", "close"}) {
		t.Fatalf("sink calls %v", log)
	}
}

func TestOpenIsRetried(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{openErrs: []error{errors.New("dial: refused"), forward.Permanentf("bad certificate")}}
	w, delays := h.worker(Options{Sink: sink, MaxBackoff: 30 * time.Second})
	h.append(testEvents(0, 5))
	waitFor(t, "delivery", delivered(sink, 5))
	h.stop(w)
	if v := value(h.m.Failures.WithLabelValues("out", KindOpen)); v != 2 {
		t.Fatalf("open failures = %v", v)
	}
	if len(*delays) != 2 || (*delays)[1] != DefaultConfigRetry {
		t.Fatalf("delays %v: a permanent open error is a configuration error, retried every ConfigRetry", *delays)
	}
	if v := value(h.m.Failures.WithLabelValues("out", KindConfig)); v != 1 {
		t.Fatalf("config failures = %v", v)
	}
}

func TestStopDrainsWhatIsJournaled(t *testing.T) {
	h := memoryHarness(t)
	h.append(testEvents(0, 5000))
	sink := &fakeSink{}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 100})
	h.stop(w)
	got, _, log := sink.snapshot()
	wantRange(t, got, 0, 5000)
	if log[len(log)-1] != "close" || countOf(log, "close") != 1 {
		t.Fatalf("the sink must be closed once, after the last write: %v", log[len(log)-3:])
	}
	if h.committed() != 5000 {
		t.Fatalf("committed %d", h.committed())
	}
}

func TestStopGivesUpOnADeadSinkAtTheDeadline(t *testing.T) {
	h := memoryHarness(t)
	sink := &fakeSink{respond: func(int, []*event.Event) error { return errors.New("down") }}
	w, _ := h.worker(Options{Sink: sink})
	w.sleep = retry.Sleep // really wait, so the deadline matters
	h.append(testEvents(0, 10))
	waitFor(t, "a failed write", func() bool { _, wr, _ := sink.snapshot(); return len(wr) > 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := w.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v (the forced half should end the worker in time)", err)
	}
	if c := h.committed(); c != 0 {
		t.Fatalf("committed %d: undelivered events must stay in the journal", c)
	}
}

// TestRestartResumesWithNothingLost stops a worker while its sink is down
// (forced at the deadline), closes and reopens the journal (a restart),
// and checks that a new worker delivers everything the first did not.
func TestRestartResumesWithNothingLost(t *testing.T) {
	cfg := journal.Config{Dir: t.TempDir(), Fsync: journal.FsyncNever}.WithDefaults("")
	h := newHarness(t, cfg)
	sink1 := &fakeSink{respond: func(call int, _ []*event.Event) error {
		if call >= 3 {
			return errors.New("down")
		}
		return nil
	}}
	w, _ := h.worker(Options{Sink: sink1, BatchSize: 100})
	w.sleep = retry.Sleep
	for i := 0; i < 1000; i += 100 {
		h.append(testEvents(i, 100))
	}
	waitFor(t, "the sink to go down", func() bool { _, wr, _ := sink1.snapshot(); return len(wr) > 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	w.Stop(ctx)
	cancel()
	h.j.Close()

	h = newHarness(t, cfg)
	h.append(testEvents(1000, 100))
	sink2 := &fakeSink{}
	w, _ = h.worker(Options{Sink: sink2, BatchSize: 100})
	first, _, _ := sink1.snapshot()
	waitFor(t, "delivery", delivered(sink2, 1100-len(first)))
	h.stop(w)
	second, _, _ := sink2.snapshot()
	all := append(first, second...)
	wantRange(t, all, 0, 1100) // at-least-once, and here exactly once
}
