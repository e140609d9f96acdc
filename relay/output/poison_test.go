package output

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
)

// poisonSink stands for a sink whose encoder has a bug: writing a batch
// that holds an event with the field test.poison panics, and one whose
// original says "poison-all" panics in any form. It records what it
// delivered.
type poisonSink struct {
	mu        sync.Mutex
	delivered []*event.Event
	writes    int
}

func (s *poisonSink) Open(context.Context) error { return nil }
func (s *poisonSink) Close() error               { return nil }

func (s *poisonSink) Write(_ context.Context, batch []*event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	for _, e := range batch {
		if e.Has("test.poison") || strings.Contains(e.Original, "poison-all") {
			panic("runtime error: index out of range [5] with length 5")
		}
	}
	s.delivered = append(s.delivered, batch...)
	return nil
}

func (s *poisonSink) snapshot() ([]*event.Event, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*event.Event(nil), s.delivered...), s.writes
}

// TestPanicWritesThePoisonInItsSafeForm: a batch whose writing panics is
// written again an event at a time; the event that makes the sink panic is
// written in its safe form (its original, nomen.encode_error); every other
// event is delivered as it is, in order; the cursor moves past all of
// them; the panics are counted and logged once per interval; the output
// goes on writing whole batches.
func TestPanicWritesThePoisonInItsSafeForm(t *testing.T) {
	h := memoryHarness(t)
	sink := &poisonSink{}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 100})
	evs := testEvents(0, 10)
	evs[3].SetStr("test.poison", "yes")
	evs[7].SetStr("test.poison", "yes")
	h.append(evs)
	waitFor(t, "delivery", func() bool { d, _ := sink.snapshot(); return len(d) == 10 })
	got, _ := sink.snapshot()
	for i, e := range got {
		safe := i == 3 || i == 7
		if e.ID != uint64(i+1) || e.Original != evs[i].Original || e.Has(FieldEncodeError) != safe || e.Has("test.poison") {
			t.Errorf("event %d: id %d, original %q, encode_error %v, poison %v; want id %d, its original, encode_error %v",
				i, e.ID, e.Original, e.Has(FieldEncodeError), e.Has("test.poison"), i+1, safe)
		}
	}
	if v := got[3].Str(FieldEncodeError); !strings.Contains(v, "index out of range") {
		t.Errorf("nomen.encode_error = %q, want the panic in it", v)
	}
	if v := value(h.m.Panics.WithLabelValues("out")); v != 2 {
		t.Errorf("nomen_output_panics_total = %v, want 2", v)
	}
	if n := h.logs.count("writing an event panicked"); n != 1 {
		t.Errorf("%d log lines for two panics within an interval, want 1", n)
	}
	if n := h.logs.count("poison_test.go"); n != 1 {
		t.Errorf("the log line has no stack")
	}
	_, before := sink.snapshot()
	h.append(testEvents(10, 5))
	waitFor(t, "delivery", func() bool { d, _ := sink.snapshot(); return len(d) == 15 })
	if _, after := sink.snapshot(); after != before+1 {
		t.Errorf("%d writes for a clean batch after the poison, want 1", after-before)
	}
	h.stop(w)
	h.wantCommitted(15)
}

// TestPanicInEveryFormIsDeadLettered: an event whose safe form panics too
// is dead-lettered, and the output goes on: no write is repeated forever.
func TestPanicInEveryFormIsDeadLettered(t *testing.T) {
	h := memoryHarness(t)
	sink := &poisonSink{}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 100})
	evs := testEvents(0, 4)
	evs[1].Original = "<38>Nov 22 10:15:02 web1 sshd[392]: poison-all"
	h.append(evs)
	waitFor(t, "delivery", func() bool { d, _ := sink.snapshot(); return len(d) == 3 })
	h.stop(w)
	h.wantCommitted(4)
	got, _ := sink.snapshot()
	if len(got) != 3 || got[0].ID != 1 || got[1].ID != 3 || got[2].ID != 4 {
		t.Fatalf("delivered %d events, want 1, 3 and 4", len(got))
	}
	lines := readDeadLetter(t, h.dl)
	if len(lines) != 1 || !strings.Contains(lines[0]["error"].(string), "panicked") {
		t.Fatalf("dead letter %v, want the poison with the panic", lines)
	}
	ev := lines[0]["event"].(map[string]any)
	if ev["event"].(map[string]any)["original"] != evs[1].Original || ev["nomen"].(map[string]any)["encode_error"] == nil {
		t.Errorf("dead-lettered %v, want the safe form of the poison", ev)
	}
	if v := value(h.m.Panics.WithLabelValues("out")); v != 2 {
		t.Errorf("nomen_output_panics_total = %v, want 2 (the event, then its safe form)", v)
	}
	if v := value(h.m.DeadLettered.WithLabelValues("out")); v != 1 {
		t.Errorf("dead-lettered %v, want 1", v)
	}
}

// TestPanicWhileDeadLetteringKeepsTheOriginal: if even the dead-letter
// file's encoding of the event panics (the bug is in the JSON encoder
// every form goes through), the event's original message alone is
// dead-lettered with nomen.encode_error, the panic is counted, and the
// output goes on.
func TestPanicWhileDeadLetteringKeepsTheOriginal(t *testing.T) {
	h := memoryHarness(t)
	sink := &poisonSink{}
	w, _ := h.worker(Options{Sink: sink, BatchSize: 100})
	w.o.DeadLetter.appendJSON = func(enc *event.Encoder, b []byte, e *event.Event) []byte {
		if strings.Contains(e.Original, "poison-all") {
			b = append(b, `{"half":`...) // what a panic may leave
			var fields []event.Field
			_ = fields[len(e.Fields)] // index out of range
		}
		return enc.AppendJSON(b, e)
	}
	evs := testEvents(0, 4)
	evs[1].Original = "<38>Nov 22 10:15:02 web1 sshd[392]: poison-all \"quoted\""
	h.append(evs)
	waitFor(t, "delivery", func() bool { d, _ := sink.snapshot(); return len(d) == 3 })
	h.stop(w)
	h.wantCommitted(4)
	lines := readDeadLetter(t, h.dl)
	if len(lines) != 1 {
		t.Fatalf("dead letter %v, want the poison", lines)
	}
	ev := lines[0]["event"].(map[string]any)
	why, _ := ev["nomen"].(map[string]any)["encode_error"].(string)
	if ev["event"].(map[string]any)["original"] != evs[1].Original || !strings.Contains(why, "index out of range") || len(ev) != 2 {
		t.Errorf("dead-lettered %v, want the poison's original and the panic only", ev)
	}
	if v := value(h.m.Panics.WithLabelValues("out")); v != 3 {
		t.Errorf("nomen_output_panics_total = %v, want 3 (the event, its safe form, its dead-letter line)", v)
	}
	if n := h.logs.count("dead-lettering an event panicked"); n != 1 {
		t.Errorf("%d log lines for the dead-letter panic, want 1", n)
	}
}

// laneSink stands for a sink that writes a batch in parts at the same
// time (postgres' lanes): a part whose writing panics is reported as
// the panic of its items in a *forward.BatchError, the other part being
// delivered; a batch of one event is one part, and its panic is raised.
type laneSink struct{ poisonSink }

func (s *laneSink) Write(ctx context.Context, batch []*event.Event) error {
	if len(batch) == 1 {
		return s.poisonSink.Write(ctx, batch)
	}
	var be forward.BatchError
	half := len(batch) / 2
	for _, part := range [][2]int{{0, half}, {half, len(batch)}} {
		var p *panics.Panic
		func() {
			defer panics.Catch(&p)
			s.poisonSink.Write(ctx, batch[part[0]:part[1]])
		}()
		for i := part[0]; p != nil && i < part[1]; i++ {
			be.Items = append(be.Items, forward.ItemError{Index: i, Err: p})
		}
	}
	if len(be.Items) > 0 {
		return &be
	}
	return nil
}

// TestPanickedPartIsIsolatedAlone: a sink that delivered part of a batch
// and reports the panic of another part (forward.BatchError items whose
// error is a *panics.Panic) gets only that part again, an event at a
// time and at once: the delivered part is not written twice, the poison
// is written in its safe form, no failure or backoff is due.
func TestPanickedPartIsIsolatedAlone(t *testing.T) {
	h := memoryHarness(t)
	sink := &laneSink{}
	w, delays := h.worker(Options{Sink: sink, BatchSize: 100})
	evs := testEvents(0, 10)
	evs[7].SetStr("test.poison", "yes")
	h.append(evs)
	waitFor(t, "delivery", func() bool { d, _ := sink.snapshot(); return len(d) >= 10 })
	h.stop(w)
	h.wantCommitted(10)
	got, _ := sink.snapshot()
	seen := map[uint64]int{}
	for _, e := range got {
		seen[e.ID]++
		if e.Has(FieldEncodeError) != (e.ID == 8) {
			t.Errorf("event %d: encode_error %v", e.ID, e.Has(FieldEncodeError))
		}
	}
	for id := uint64(1); id <= 10; id++ {
		if seen[id] != 1 {
			t.Errorf("event %d delivered %d times, want once", id, seen[id])
		}
	}
	if len(*delays) != 0 {
		t.Errorf("waited %v before isolating the panicked part, want no wait", *delays)
	}
	if v := value(h.m.Panics.WithLabelValues("out")); v != 1 {
		t.Errorf("nomen_output_panics_total = %v, want 1", v)
	}
}
