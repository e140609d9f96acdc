package pipeline

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// panickyJournal is a countingJournal whose appends and durability waits
// panic on the calls given (1-based).
type panickyJournal struct {
	countingJournal
	appendPanics, waitPanics int32
	appends, waits           atomic.Int32
}

func (j *panickyJournal) Append(ctx context.Context, events []*event.Event) error {
	if j.appends.Add(1) == j.appendPanics {
		panic("journal: index out of range [2] with length 2")
	}
	return j.countingJournal.Append(ctx, events)
}

func (j *panickyJournal) AppendPaced(ctx context.Context, events []*event.Event, _ <-chan struct{}) error {
	return j.Append(ctx, events)
}

func (j *panickyJournal) WaitDurable(context.Context, uint64) error {
	if j.waits.Add(1) == j.waitPanics {
		panic("journal: nil segment")
	}
	return nil
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	c.Write(&m)
	return m.GetCounter().GetValue()
}

// submitWait submits a Durable batch of n events and returns what Done
// was told.
func submitWait(t *testing.T, p *Pipeline, n int) error {
	t.Helper()
	done := make(chan error, 1)
	evs := make([]*event.Event, n)
	for i := range evs {
		evs[i] = &event.Event{}
	}
	if err := p.Submit(context.Background(), &Batch{Events: evs, Durable: true, Done: func(err error) { done <- err }}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("Done was never called")
		return nil
	}
}

func startPanicky(t *testing.T, j *panickyJournal) (*Pipeline, *Metrics, *syncbuf.Buffer) {
	var logged syncbuf.Buffer
	m := NewMetrics(prometheus.NewRegistry(), nil)
	p := New(j, nil, nil, 4, 64, m, slog.New(slog.NewTextHandler(&logged, nil)))
	p.Start()
	t.Cleanup(func() { p.Stop(context.Background()) })
	return p, m, &logged
}

func wantLogged(t *testing.T, logged *syncbuf.Buffer, msg string) {
	t.Helper()
	if out := logged.String(); !strings.Contains(out, msg) || !strings.Contains(out, "panic_test.go") {
		t.Errorf("want %q logged with the stack:\n%s", msg, out)
	}
}

// TestAppendPanicIsSurvived: a panic while the pipeline journals a batch
// (a bug in nomen) does not end the pipeline: the batch's reader is told
// it failed (an agent sends it again), its events are counted as dropped,
// the panic is counted and logged with its stack, and the next batch is
// journaled and acknowledged.
func TestAppendPanicIsSurvived(t *testing.T) {
	j := &panickyJournal{appendPanics: 1}
	p, m, logged := startPanicky(t, j)
	if err := submitWait(t, p, 3); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("Done(%v) for the batch whose append panicked, want the panic", err)
	}
	if err := submitWait(t, p, 5); err != nil {
		t.Fatalf("the next batch: %v", err)
	}
	if j.LastID() != 5 {
		t.Errorf("%d events journaled, want the 5 of the next batch", j.LastID())
	}
	if v := counterValue(m.Panics.WithLabelValues(TaskPipeline)); v != 1 {
		t.Errorf("nomen_background_panics_total{task=pipeline} = %v, want 1", v)
	}
	if v := counterValue(m.Dropped.WithLabelValues("pipeline", "panic")); v != 3 {
		t.Errorf("nomen_dropped_events_total{stage=pipeline,reason=panic} = %v, want 3", v)
	}
	wantLogged(t, logged, "the pipeline panicked on a batch")
	if !p.Healthy() {
		t.Error("the pipeline is not healthy after surviving the panic")
	}
}

// TestWaitDurablePanicIsSurvived: a panic while waiting for a batch's
// fsync is that batch's error (not acknowledged: the agent sends it
// again), counted and logged with its stack; the next one is
// acknowledged.
func TestWaitDurablePanicIsSurvived(t *testing.T) {
	j := &panickyJournal{waitPanics: 1}
	p, m, logged := startPanicky(t, j)
	if err := submitWait(t, p, 3); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("Done(%v) for the batch whose wait panicked, want the panic", err)
	}
	if err := submitWait(t, p, 5); err != nil {
		t.Fatalf("the next batch: %v", err)
	}
	if v := counterValue(m.Panics.WithLabelValues(TaskWaitDurable)); v != 1 {
		t.Errorf("nomen_background_panics_total{task=wait_durable} = %v, want 1", v)
	}
	if v := counterValue(m.Panics.WithLabelValues(TaskPipeline)); v != 0 {
		t.Errorf("nomen_background_panics_total{task=pipeline} = %v, want 0", v)
	}
	wantLogged(t, logged, "waiting for the journal's fsync panicked")
}

// panickyPublisher panics on its first batch.
type panickyPublisher struct{ calls atomic.Int32 }

func (pp *panickyPublisher) Publish([]*event.Event) {
	if pp.calls.Add(1) == 1 {
		panic("live: send on closed channel")
	}
}

// TestPublishPanicKeepsTheBatch: a panic after the batch was journaled
// (publishing it live) loses nothing: the batch is still acknowledged
// once durable, nothing is counted as dropped, the panic is counted.
func TestPublishPanicKeepsTheBatch(t *testing.T) {
	j := &panickyJournal{}
	var logged syncbuf.Buffer
	m := NewMetrics(prometheus.NewRegistry(), nil)
	p := New(j, nil, &panickyPublisher{}, 4, 64, m, slog.New(slog.NewTextHandler(&logged, nil)))
	p.Start()
	t.Cleanup(func() { p.Stop(context.Background()) })
	if err := submitWait(t, p, 3); err != nil {
		t.Fatalf("Done(%v) for a journaled batch whose publishing panicked, want nil", err)
	}
	if j.waits.Load() != 1 {
		t.Errorf("%d durability waits, want 1: the batch is acknowledged once durable", j.waits.Load())
	}
	if v := counterValue(m.Dropped.WithLabelValues("pipeline", "panic")); v != 0 {
		t.Errorf("%v events counted as dropped, want none", v)
	}
	if v := counterValue(m.Panics.WithLabelValues(TaskPipeline)); v != 1 {
		t.Errorf("nomen_background_panics_total{task=pipeline} = %v, want 1", v)
	}
	wantLogged(t, &logged, "the pipeline panicked on a batch")
}
