package output

// The worker tests' fixtures: a scripted sink, a journal and worker
// harness, test events and waits.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/retry"
	"github.com/nomenhq/nomen/internal/testwait"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/journal"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// fakeSink is a test double: it records what it was given and answers
// with what the test scripted. It delivers a batch all or nothing, except
// for the items a *forward.BatchError names, as the Sink contract says.
type fakeSink struct {
	mu        sync.Mutex
	respond   func(call int, batch []*event.Event) error // nil: accept
	openErrs  []error                                    // answers of the first Opens
	position  *uint64                                    // non-nil: a forward.Positioned sink
	delivered []int                                      // seqs, in order
	writes    [][]int                                    // every Write call's seqs
	log       []string                                   // "open", "write", "reopen", "close"
	calls     int
}

func (s *fakeSink) Open(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, "open")
	if len(s.openErrs) > 0 {
		err := s.openErrs[0]
		s.openErrs = s.openErrs[1:]
		return err
	}
	return nil
}

func (s *fakeSink) Write(ctx context.Context, batch []*event.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, "write")
	seqs := make([]int, len(batch))
	for i, e := range batch {
		seqs[i] = seqOf(e)
	}
	s.writes = append(s.writes, seqs)
	var err error
	if s.respond != nil {
		err = s.respond(s.calls, batch)
	}
	s.calls++
	var be *forward.BatchError
	switch {
	case err == nil:
		s.delivered = append(s.delivered, seqs...)
	case errors.As(err, &be):
		failed := map[int]bool{}
		for _, it := range be.Items {
			failed[it.Index] = true
		}
		for i, seq := range seqs {
			if !failed[i] {
				s.delivered = append(s.delivered, seq)
			}
		}
	}
	if err == nil && s.position != nil && len(batch) > 0 {
		*s.position = batch[len(batch)-1].ID
	}
	return err
}

func (s *fakeSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, "close")
	return nil
}

func (s *fakeSink) Reopen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, "reopen")
	return nil
}

func (s *fakeSink) snapshot() (delivered []int, writes [][]int, log []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.delivered), slices.Clone(s.writes), slices.Clone(s.log)
}

// positionedSink adds forward.Positioned.
type positionedSink struct{ *fakeSink }

func (s positionedSink) Position() (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.position, *s.position > 0
}

func testEvent(seq int) *event.Event {
	e := event.New(time.Date(2026, 11, 22, 10, 15, 2, 0, time.UTC))
	e.Original = fmt.Sprintf("<38>Nov 22 10:15:02 web1 sshd[392]: event %d", seq)
	e.Message = e.Original[36:]
	e.Pri = 38
	e.Hostname, e.AppName, e.ProcID = "web1", "sshd", "392"
	e.SetInt("event.sequence", int64(seq))
	if seq%3 == 0 {
		e.SetStr("event.kind", "alert")
	}
	return e
}

func testEvents(from, n int) []*event.Event {
	evs := make([]*event.Event, n)
	for i := range evs {
		evs[i] = testEvent(from + i)
	}
	return evs
}

func seqOf(e *event.Event) int {
	v, _ := e.Field("event.sequence")
	return int(v.Num)
}

type harness struct {
	t     *testing.T
	j     *journal.Journal
	m     *Metrics
	dl    string
	dlMax int64         // the dead-letter file's max bytes (0: default)
	nap   time.Duration // how long a recorded delay really waits (0: not at all)
	logs  *logLines     // every line the worker logged
	// source, if set, wraps the worker's journal reader (tests inject panics).
	source func(*journal.Reader) Source
}

func newHarness(t *testing.T, cfg journal.Config) *harness {
	t.Helper()
	j, err := journal.Open(cfg, journal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return &harness{t: t, j: j, m: NewMetrics(prometheus.NewRegistry()), dl: filepath.Join(t.TempDir(), "dl", "out.jsonl")}
}

func memoryHarness(t *testing.T) *harness {
	return newHarness(t, journal.Config{Mode: journal.ModeMemory}.WithDefaults(""))
}

func (h *harness) append(evs []*event.Event) {
	h.t.Helper()
	if err := h.j.Append(context.Background(), evs); err != nil {
		h.t.Fatal(err)
	}
}

// worker starts a worker on reader "out"; o's Name, Source, Metrics,
// DeadLetter and Logger are filled in. Delays are recorded, not slept.
func (h *harness) worker(o Options) (*Worker, *[]time.Duration) {
	h.t.Helper()
	r, err := h.j.Reader("out", journal.StartOldest)
	if err != nil {
		h.t.Fatal(err)
	}
	o.Name, o.Source, o.Metrics = "out", r, h.m
	if h.source != nil {
		o.Source = h.source(r)
	}
	o.DeadLetter = NewDeadLetter(h.dl, h.dlMax, "relay1")
	h.logs = &logLines{}
	o.Logger = slog.New(slog.NewTextHandler(testWriter{h.t, h.logs}, nil))
	w := New(o)
	var mu sync.Mutex
	delays := &[]time.Duration{}
	w.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*delays = append(*delays, d)
		mu.Unlock()
		if h.nap > 0 {
			return retry.Sleep(ctx, h.nap)
		}
		return ctx.Err()
	}
	w.Start()
	h.t.Cleanup(func() { w.Stop(context.Background()) })
	return w, delays
}

func (h *harness) stop(w *Worker) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.Stop(ctx); err != nil {
		h.t.Fatal(err)
	}
}

// waitFor polls cond; the timeout only guards against a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, what, 20*time.Second, cond)
}

func delivered(s *fakeSink, n int) func() bool {
	return func() bool { d, _, _ := s.snapshot(); return len(d) >= n }
}

func wantRange(t *testing.T, got []int, from, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("got %d events, want %d: %v", len(got), n, got[:min(len(got), 20)])
	}
	for i, s := range got {
		if s != from+i {
			t.Fatalf("event %d is %d, want %d", i, s, from+i)
		}
	}
}

func value(m prometheus.Metric) float64 {
	var d dto.Metric
	m.Write(&d)
	if d.Counter != nil {
		return d.Counter.GetValue()
	}
	return d.Gauge.GetValue()
}

type testWriter struct {
	t    *testing.T
	logs *logLines
}

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	if w.logs != nil {
		w.logs.add(string(p))
	}
	return len(p), nil
}

// logLines collects log lines for tests that count them.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}

// count returns how many lines contain s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

// committed is the worker's committed position in the journal.
func (h *harness) committed() uint64 {
	h.t.Helper()
	r, err := h.j.Reader("out", journal.StartOldest)
	if err != nil {
		h.t.Fatal(err)
	}
	defer r.Close()
	return r.Committed()
}

// wantCommitted checks that the worker committed up to n: everything it
// was given, in the tests that call it.
func (h *harness) wantCommitted(n uint64) {
	h.t.Helper()
	if c := h.committed(); c != n {
		h.t.Errorf("committed %d, want %d", c, n)
	}
}
