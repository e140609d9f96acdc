package listen

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// sink is a Submitter that keeps what it is given; block, while open,
// holds Submit (a full journal).
type sink struct {
	mu     sync.Mutex
	events []*event.Event
	block  chan struct{} // nil: never blocks
}

func (s *sink) Submit(ctx context.Context, b *pipeline.Batch) error {
	s.mu.Lock()
	block := s.block
	s.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	s.events = append(s.events, b.Events...)
	s.mu.Unlock()
	return nil
}

func (s *sink) TrySubmit(b *pipeline.Batch) bool { return s.Submit(context.Background(), b) == nil }

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

func (s *sink) messages() []string { return s.each(func(e *event.Event) string { return e.Message }) }

// originals returns the events' event.original: the messages as framed.
func (s *sink) originals() []string { return s.each(func(e *event.Event) string { return e.Original }) }

// each returns f of every event held, in order.
func (s *sink) each(f func(*event.Event) string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.events {
		out = append(out, f(e))
	}
	return out
}

// octetFrame is msg octet-counted (RFC 6587: MSG-LEN SP MSG).
func octetFrame(msg string) string { return fmt.Sprintf("%d %s", len(msg), msg) }

// waitCount waits until the sink holds n events or timeout passes.
func (s *sink) waitCount(n int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for s.count() < n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	return s.count()
}

// testListener is one listener started for a test, with its sink, metrics
// and log.
type testListener struct {
	Listener
	sink    *sink
	metrics *Metrics
	log     *syncbuf.Buffer
}

// startTest starts a listener for cfg (defaults filled in) and closes it
// when the test ends.
func startTest(t testing.TB, cfg Config, s *sink) *testListener {
	t.Helper()
	tl := startTestWith(t, cfg, s)
	tl.sink = s
	return tl
}

// startTestWith is startTest for any Submitter.
func startTestWith(t testing.TB, cfg Config, sub Submitter, mods ...func(*Options)) *testListener {
	t.Helper()
	tl, err := tryStartTest(t, cfg, sub, mods...)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

// tryStartTest is startTestWith for a start that may fail: its error,
// and the listener's log either way.
func tryStartTest(t testing.TB, cfg Config, sub Submitter, mods ...func(*Options)) (*testListener, error) {
	t.Helper()
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	norm, err := normalize.New(normalize.Config{})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	dropped := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nomen_dropped_events_total"}, []string{"stage", "reason"})
	reg.MustRegister(dropped)
	tl := &testListener{metrics: NewMetrics(reg, dropped), log: &syncbuf.Buffer{}}
	o := Options{
		Config:   cfg,
		Rules:    decode.Fixed(norm),
		Pipeline: sub,
		Metrics:  tl.metrics,
		Decode:   decode.NewMetrics(reg),
		Log:      slog.New(slog.NewTextHandler(tl.log, nil)),
	}
	for _, mod := range mods {
		mod(&o)
	}
	l, err := Start(context.Background(), o)
	if err != nil {
		return tl, err
	}
	tl.Listener = l
	t.Cleanup(func() {
		l.Close()
		l.Wait()
	})
	return tl, nil
}

func (tl *testListener) rejected(reason string) float64 {
	return value(tl.metrics.Rejected.WithLabelValues("t", reason))
}

// value is a counter's or gauge's value.
func value(c prometheus.Metric) float64 {
	var d dto.Metric
	if err := c.Write(&d); err != nil {
		panic(err)
	}
	return d.GetCounter().GetValue() + d.GetGauge().GetValue()
}
