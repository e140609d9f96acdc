package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func batchOf(n int) *Batch { return &Batch{Events: make([]*event.Event, n)} }

// TestPipelineQueueBound: the queue holds at most queue_events events
// (a batch alone may be larger); a stream reader waits for room, a
// datagram reader's batch is refused, and room comes back as the pipeline
// goroutine takes batches.
func TestPipelineQueueBound(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry(), nil)
	p := New(nil, nil, nil, 16, 300, m, nil) // not started: the test takes batches itself
	ctx := context.Background()
	if err := p.Submit(ctx, batchOf(256)); err != nil {
		t.Fatal(err)
	}
	if p.TrySubmit(batchOf(100)) {
		t.Fatal("a datagram batch past the event bound was queued")
	}
	if !p.TrySubmit(batchOf(44)) {
		t.Fatal("a datagram batch that fits was refused")
	}
	// A stream reader waits...
	done := make(chan error, 1)
	go func() { done <- p.Submit(ctx, batchOf(256)) }()
	select {
	case err := <-done:
		t.Fatalf("Submit past the bound returned (%v) instead of waiting", err)
	case <-time.After(50 * time.Millisecond):
	}
	// ...until the pipeline takes enough.
	p.take(<-p.in) // 256
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if q, g := p.queued.Load(), gaugeValue(m.QueueEvents); q != 44+256 || g != 300 {
		t.Errorf("%d events counted as queued (gauge %v), want 300", q, g)
	}
	p.take(<-p.in)
	p.take(<-p.in)
	// An empty queue takes a batch larger than the bound.
	if !p.TrySubmit(batchOf(1000)) {
		t.Error("an empty queue refused a batch larger than the bound")
	}
	p.take(<-p.in)
	if q, g := p.queued.Load(), gaugeValue(m.QueueEvents); q != 0 || g != 0 {
		t.Errorf("%d events counted as queued (gauge %v) after all were taken", q, g)
	}
}

func gaugeValue(g prometheus.Gauge) float64 {
	var m dto.Metric
	g.Write(&m)
	return m.GetGauge().GetValue()
}

// TestPipelineQueueWaitEnds: a stream reader waiting for room gives up
// when its context ends or the pipeline stops, and what it had counted is
// given back.
func TestPipelineQueueWaitEnds(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry(), nil)
	p := New(nil, nil, nil, 16, 256, m, nil)
	if err := p.Submit(context.Background(), batchOf(256)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Submit(ctx, batchOf(10)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Submit: %v, want the context's deadline", err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Submit(context.Background(), batchOf(10)) }()
	time.Sleep(20 * time.Millisecond)
	p.stopOnce.Do(func() { close(p.stopping) })
	if err := <-done; !errors.Is(err, errStopping) {
		t.Errorf("Submit while stopping: %v, want errStopping", err)
	}
	if q := p.queued.Load(); q != 256 {
		t.Errorf("%d events counted as queued, want the first batch's 256", q)
	}
}

// countingJournal counts what is appended, and how: paced or not.
type countingJournal struct {
	mu       sync.Mutex
	appended int
	paced    int // appends made through AppendPaced
	plain    int // and through Append
	stopped  int // paced appends whose wait was ended by stop
	last     uint64
	hold     chan struct{} // if set, the first append waits for it to close
}

func (j *countingJournal) AppendPaced(_ context.Context, events []*event.Event, stop <-chan struct{}) error {
	if j.hold != nil && stop != nil {
		select { // a paced append waits until released or stopped
		case <-j.hold:
		case <-stop:
			j.mu.Lock()
			j.stopped++
			j.mu.Unlock()
		}
		return j.add(events, &j.paced, false)
	}
	return j.add(events, &j.paced, true)
}

func (j *countingJournal) Append(_ context.Context, events []*event.Event) error {
	return j.add(events, &j.plain, true)
}

func (j *countingJournal) add(events []*event.Event, calls *int, hold bool) error {
	if hold && j.hold != nil {
		<-j.hold
	}
	j.mu.Lock()
	*calls++
	defer j.mu.Unlock()
	for _, e := range events {
		j.last++
		e.ID = j.last
	}
	j.appended += len(events)
	return nil
}

func (j *countingJournal) WaitDurable(context.Context, uint64) error { return nil }

func (j *countingJournal) LastID() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last
}

// TestStopJournalsEveryAcceptedBatch: a batch that Submit or TrySubmit
// accepted is journaled, even when Stop comes while readers still submit:
// a reader that accepted it has nothing left to count it as dropped.
func TestStopJournalsEveryAcceptedBatch(t *testing.T) {
	for round := 0; round < 50; round++ {
		j := &countingJournal{}
		p := New(j, nil, nil, 4, 64, NewMetrics(prometheus.NewRegistry(), nil), slog.New(slog.DiscardHandler))
		p.Start()
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					var ok bool
					if w%2 == 0 {
						ok = p.Submit(context.Background(), &Batch{Events: []*event.Event{{}}}) == nil
					} else {
						ok = p.TrySubmit(&Batch{Events: []*event.Event{{}}})
					}
					if ok {
						accepted.Add(1)
					} else if p.stopped() {
						return
					}
				}
			}()
		}
		time.Sleep(time.Millisecond)
		if err := p.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if got := j.appended; int64(got) != accepted.Load() {
			t.Fatalf("round %d: %d events accepted by Submit/TrySubmit, %d journaled", round, accepted.Load(), got)
		}
	}
}

// TestDatagramPressureEndsPacing: a paced append (the journal holding
// the pipeline for an output that keeps up) is ended when a datagram
// listener finds the queue half full, and no append is paced for a while
// after: datagram listeners cannot be held, they would drop. Stream
// listeners' Submit does not end it (they feel back-pressure).
func TestDatagramPressureEndsPacing(t *testing.T) {
	j := &countingJournal{hold: make(chan struct{})}
	p := New(j, nil, nil, 64, 64, NewMetrics(prometheus.NewRegistry(), nil), slog.New(slog.DiscardHandler))
	p.Start()
	one := func() *Batch { return &Batch{Events: []*event.Event{{}}} }
	if err := p.Submit(context.Background(), one()); err != nil { // paced, held
		t.Fatal(err)
	}
	for p.queued.Load() != 0 {
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < 40; i++ { // stream batches: the wait goes on
		if err := p.Submit(context.Background(), one()); err != nil {
			t.Fatal(err)
		}
	}
	j.mu.Lock()
	stopped := j.stopped
	j.mu.Unlock()
	if stopped != 0 {
		t.Fatal("stream listeners' batches ended the pacing wait")
	}
	if !p.TrySubmit(one()) { // a datagram batch finds 40 of 64 queued
		t.Fatal("TrySubmit refused with room left")
	}
	close(j.hold)
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if j.appended != 42 {
		t.Fatalf("%d events journaled, want 42", j.appended)
	}
	if j.stopped != 1 {
		t.Fatalf("%d paced waits ended by the datagram batch, want 1", j.stopped)
	}
	if j.plain == 0 {
		t.Fatal("appends after the datagram pressure were still paced")
	}
}

func (p *Pipeline) stopped() bool {
	select {
	case <-p.stopping:
		return true
	default:
		return false
	}
}
