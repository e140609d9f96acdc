// Package pipeline is the single goroutine between the listeners and the
// journal: it takes batches of decoded events from a bounded queue, runs
// the stages (relay/stage: sequence tracking, correlation) on each in
// arrival order, appends the result to the journal and publishes it to
// live subscribers.
//
// It may import relay/event, relay/stage and internal helpers; it knows
// neither the listeners nor the journal's or stages' concrete types (see
// Journal and Publisher), so that the relay package wires them.
package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// Batch is a run of events from one source, in order, handed to the pipeline.
type Batch struct {
	Events []*event.Event
	// Durable asks the pipeline to call Done only once the journal holds the
	// events per its fsync policy (the agent protocol acks on it).
	Durable bool
	// Done, if set, is called once the batch is journaled (err == nil) or
	// could not be.
	Done func(err error)
}

// Journal is what the pipeline needs of relay/journal.
type Journal interface {
	Append(ctx context.Context, events []*event.Event) error
	// AppendPaced may first wait, briefly, for an output about to fall
	// behind the journal's memory tail (relay/journal/pace.go), unless
	// stop is closed.
	AppendPaced(ctx context.Context, events []*event.Event, stop <-chan struct{}) error
	WaitDurable(ctx context.Context, id uint64) error
	LastID() uint64
}

// Publisher receives every journaled event (the live subscription hub).
type Publisher interface {
	Publish(events []*event.Event)
}

// Pipeline is the single goroutine between the readers and the journal:
// it runs the stages on each batch in arrival order and appends the result
// to the journal. Readers block in Submit when it falls behind (TCP
// backpressure); TrySubmit fails instead (UDP drops, counted).
//
// The queue is bounded twice: in batches (the channel) and in events
// (queued). Datagram readers hand over many small batches, which the
// first bound must allow; stream readers hand over full ones, which
// would otherwise pile up in memory whenever the stages are the
// bottleneck, and the collector would mark them over and over.
type Pipeline struct {
	in      chan *Batch
	queued  atomic.Int64  // events in the batches in `in`
	maxQ    int64         // bound on queued (a batch alone may exceed it)
	room    chan struct{} // a batch was taken: waiting submitters may look again
	journal Journal
	stages  atomic.Pointer[[]stage.Stage]
	pub     Publisher
	metrics *Metrics
	log     *slog.Logger
	tick    time.Duration

	stopping chan struct{} // closed by Stop: no more submissions
	stopOnce sync.Once
	// submitting is read-held by Submit and TrySubmit; the pipeline
	// goroutine write-locks it once stopping is closed, so that no batch
	// can be queued after its last look at the queue (a batch accepted
	// and then never journaled would be lost uncounted).
	submitting sync.RWMutex
	done       chan struct{}
	ctx        context.Context // canceled when Stop's deadline passes
	cancel     context.CancelFunc

	lastProgress atomic.Int64 // Unix ns of the last batch or idle tick, for the watchdog
	inAppend     atomic.Bool  // waiting for the journal (possibly for room: backpressure, not a hang)
	// Pacing (relay/journal/pace.go) holds the pipeline briefly for an
	// output that keeps up, which stream listeners feel as back-pressure
	// but datagram listeners, which never wait (TrySubmit), as drops. So
	// a datagram batch that finds the queue half full ends a pacing wait
	// (paceStop) and none starts for a second after (pressureAt).
	paceStop   atomic.Pointer[chan struct{}]
	pressureAt atomic.Int64 // UnixNano of the last datagram batch that found the queue half full
	dropped    *logthrottle.Logger
	// panics and waitPanics are the pipeline's series of
	// nomen_background_panics_total (Metrics.Panics).
	panics, waitPanics prometheus.Counter
	panicLog           *logthrottle.Logger
}

// New creates a pipeline with a queue of queueLen batches and queueEvents
// events. pub may be nil.
func New(j Journal, stages []stage.Stage, pub Publisher, queueLen, queueEvents int, m *Metrics, log *slog.Logger) *Pipeline {
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pipeline{
		in:       make(chan *Batch, queueLen),
		maxQ:     int64(queueEvents),
		room:     make(chan struct{}, 1),
		journal:  j,
		pub:      pub,
		metrics:  m,
		log:      log,
		tick:     time.Second,
		stopping: make(chan struct{}),
		done:     make(chan struct{}),
		ctx:      ctx,
		cancel:   cancel,
		dropped:  logthrottle.New(log, logthrottle.DefaultEvery),
		panicLog: logthrottle.New(cmp.Or(log, slog.New(slog.DiscardHandler)), logthrottle.DefaultEvery),
	}
	p.panics, p.waitPanics = m.Panics.WithLabelValues(TaskPipeline), m.Panics.WithLabelValues(TaskWaitDurable)
	p.SetStages(stages)
	p.lastProgress.Store(time.Now().UnixNano())
	return p
}

// SetStages replaces the stages (configuration reload); it takes effect
// from the next batch.
func (p *Pipeline) SetStages(stages []stage.Stage) { p.stages.Store(&stages) }

// Start runs the pipeline goroutine.
func (p *Pipeline) Start() { go p.run() }

// Submit queues b, waiting for room unless ctx ends or the pipeline stops.
func (p *Pipeline) Submit(ctx context.Context, b *Batch) error {
	p.submitting.RLock()
	defer p.submitting.RUnlock()
	select {
	case <-p.stopping:
		return errStopping
	default:
	}
	n := int64(len(b.Events))
	for !p.reserve(n) {
		select {
		case <-p.room:
		case <-ctx.Done():
			return ctx.Err()
		case <-p.stopping:
			return errStopping
		}
	}
	select {
	case p.in <- b:
		p.metrics.Queue.Set(float64(len(p.in)))
		p.wake() // there may be room for another waiting submitter too
		return nil
	case <-ctx.Done():
		p.release(n)
		return ctx.Err()
	case <-p.stopping:
		p.release(n)
		return errStopping
	}
}

// TrySubmit queues b if there is room right now.
func (p *Pipeline) TrySubmit(b *Batch) bool {
	p.submitting.RLock()
	defer p.submitting.RUnlock()
	select {
	case <-p.stopping:
		return false
	default:
	}
	n := int64(len(b.Events))
	if p.queued.Load()+n > p.maxQ/2 {
		p.datagramPressure()
	}
	if !p.reserve(n) {
		return false
	}
	select {
	case p.in <- b:
		return true
	default:
		p.release(n)
		return false
	}
}

// datagramPressure: a datagram listener found the queue half full; a
// pacing wait now could make it drop.
func (p *Pipeline) datagramPressure() {
	p.pressureAt.Store(time.Now().UnixNano())
	if stop := p.paceStop.Swap(nil); stop != nil {
		close(*stop)
	}
}

// mayPace reports whether an append may be paced: no datagram listener
// found the queue half full within the last second.
func (p *Pipeline) mayPace() bool {
	return time.Since(time.Unix(0, p.pressureAt.Load())) > time.Second
}

// reserve counts n more queued events if they fit the bound, or if the
// queue holds none (so a batch larger than the bound still goes).
func (p *Pipeline) reserve(n int64) bool {
	for {
		q := p.queued.Load()
		if q > 0 && q+n > p.maxQ {
			return false
		}
		if p.queued.CompareAndSwap(q, q+n) {
			p.setQueueGauge()
			return true
		}
	}
}

// release un-counts n queued events (a batch taken, or not queued after
// all) and wakes a submitter waiting for room.
func (p *Pipeline) release(n int64) {
	p.queued.Add(-n)
	p.setQueueGauge()
	p.wake()
}

// setQueueGauge exports the queued events. Concurrent updates may land out
// of order; the pipeline's tick sets it again every second.
func (p *Pipeline) setQueueGauge() { p.metrics.QueueEvents.Set(float64(p.queued.Load())) }

func (p *Pipeline) wake() {
	select {
	case p.room <- struct{}{}:
	default:
	}
}

// take is the pipeline goroutine receiving b from the queue.
func (p *Pipeline) take(b *Batch) *Batch {
	p.release(int64(len(b.Events)))
	return b
}

var errStopping = errors.New("pipeline: stopping")

// Healthy reports whether the pipeline goroutine is alive (the systemd
// watchdog and /healthz use it): it made progress within a minute, or it
// is waiting for the journal to have room, which is backpressure (outputs
// behind), not a hang that a restart would cure.
func (p *Pipeline) Healthy() bool {
	return p.inAppend.Load() || time.Since(time.Unix(0, p.lastProgress.Load())) < time.Minute
}

// Stop stops accepting batches, processes what is queued and returns when
// done or when ctx ends (then what is left is counted as dropped).
func (p *Pipeline) Stop(ctx context.Context) error {
	p.stopOnce.Do(func() { close(p.stopping) })
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		p.cancel() // unblocks a journal append waiting for room
		<-p.done
		return ctx.Err()
	}
}

func (p *Pipeline) run() {
	defer close(p.done)
	t := time.NewTicker(p.tick)
	defer t.Stop()
	for {
		select {
		case b := <-p.in:
			p.handle(p.take(b))
		case now := <-t.C:
			p.lastProgress.Store(now.UnixNano())
			p.setQueueGauge()
			var found []*event.Event
			// The stages guard their own timer work (stage.Guard.Do);
			// a panic around it skips this tick.
			p.guard(p.panics, "the pipeline's timer work panicked (a bug in nomen: please report it); this tick is skipped", func() {
				for _, s := range *p.stages.Load() {
					found = append(found, s.Tick(now)...)
				}
			})
			if len(found) > 0 {
				p.handle(&Batch{Events: found})
			}
		case <-p.stopping:
			// Submitters see stopping and leave; once they have, nothing
			// more can be queued: drain what is.
			p.submitting.Lock()
			p.submitting.Unlock() // empty: waiting for the submitters is the point
			for {
				select {
				case b := <-p.in:
					p.handle(p.take(b))
					continue
				default:
				}
				break
			}
			return
		}
	}
}

// Applied tells the stages that care which journal ID the events they
// last processed reached (also after recovery, before the pipeline runs).
func Applied(stages []stage.Stage, lastID uint64) {
	for _, s := range stages {
		s.Applied(lastID)
	}
}

// handle runs b through the stages and into the journal. A panic there
// (a bug in nomen outside the stages' own guards: in the journal, the
// live publisher, a Done callback) would end the pipeline's goroutine and
// with it the relay, every listener waiting for it: it is survived
// instead, counted in nomen_background_panics_total{task="pipeline"} and
// logged with its stack, and the pipeline goes on with the next batch
// (afterPanic says what becomes of this one).
func (p *Pipeline) handle(b *Batch) {
	var h handling
	if pn := p.guard(p.panics, "the pipeline panicked on a batch (a bug in nomen: please report it); it goes on with the next", func() { p.process(b, &h) },
		"events", len(b.Events)); pn != nil {
		p.afterPanic(b, &h, pn)
	}
}

// handling is how far process got with a batch.
type handling struct {
	appended bool   // the journal holds the events
	last     uint64 // the ID of the last, once appended
	done     bool   // b.Done was called
}

// afterPanic ends a batch whose handling panicked. Events the journal did
// not take are lost (they may be in it or not: a panic inside the
// journal's append leaves that unknown, and appending them again could
// journal them twice), counted in
// nomen_dropped_events_total{stage="pipeline",reason="panic"}; a Durable
// batch's Done is told so, and the agent sends it again. Done is not
// called twice: a panic inside it leaves it called.
func (p *Pipeline) afterPanic(b *Batch, h *handling, pn *panics.Panic) {
	p.inAppend.Store(false)
	p.paceStop.Store(nil)
	p.lastProgress.Store(time.Now().UnixNano())
	if !h.appended {
		p.metrics.Dropped.WithLabelValues("pipeline", "panic").Add(float64(len(b.Events)))
		// The stages may have predicted IDs the journal did not give.
		p.guard(p.panics, "the pipeline panicked telling the stages where the journal is", func() { Applied(*p.stages.Load(), p.journal.LastID()) })
	}
	switch {
	case h.done || b.Done == nil:
	case h.appended && b.Durable:
		go p.waitDurable(b, h.last) // journaled: acknowledged as usual
	default:
		var err error // journaled: only what came after (publishing) failed
		if !h.appended {
			err = fmt.Errorf("pipeline: handling the batch panicked (a bug in nomen): %w", pn)
		}
		p.guard(p.panics, "the pipeline panicked telling a reader how its batch went", func() { b.Done(err) })
	}
}

// guard runs f; a panic in it is counted in c, logged with its stack and
// returned.
func (p *Pipeline) guard(c prometheus.Counter, msg string, f func(), args ...any) (pn *panics.Panic) {
	defer func() {
		if pn = panics.Of(recover()); pn != nil {
			pn.Report(c, p.panicLog, msg, args...)
		}
	}()
	f()
	return nil
}

func (p *Pipeline) process(b *Batch, h *handling) {
	events := b.Events
	stages := *p.stages.Load()
	for _, s := range stages {
		events = s.Process(events)
	}
	if len(events) == 0 {
		h.appended, h.done = true, true
		if b.Done != nil {
			b.Done(nil)
		}
		return
	}
	p.inAppend.Store(true)
	// Once a stop past its deadline has cancelled a waiting append, nothing
	// more is journaled: a later batch that happens to fit must not follow
	// the dropped one (a hole in a connection's stream).
	err := p.ctx.Err()
	switch {
	case err != nil:
	case p.mayPace():
		stop := make(chan struct{})
		p.paceStop.Store(&stop)
		err = p.journal.AppendPaced(p.ctx, events, stop)
		p.paceStop.Store(nil)
	default:
		err = p.journal.Append(p.ctx, events)
	}
	p.inAppend.Store(false)
	p.lastProgress.Store(time.Now().UnixNano())
	if err != nil {
		// The stages saw the events; tell them where the journal really
		// is so the IDs they predict for the next events stay right.
		Applied(stages, p.journal.LastID())
		p.metrics.Dropped.WithLabelValues("journal", "append_failed").Add(float64(len(events)))
		p.dropped.Warn("events not journaled", "count", len(events), "err", err)
		h.appended, h.done = true, true // counted as dropped already
		if b.Done != nil {
			b.Done(err)
		}
		return
	}
	last := events[len(events)-1].ID
	h.appended, h.last = true, last
	p.metrics.Batches.Inc()
	Applied(stages, last)
	if p.pub != nil {
		p.pub.Publish(events)
	}
	if b.Done != nil {
		h.done = true
		if !b.Durable {
			b.Done(nil)
		} else {
			go p.waitDurable(b, last)
		}
	}
}

// waitDurable tells b.Done once the journal holds b durably, up to last.
// A panic there (a bug in nomen) is counted in
// nomen_background_panics_total{task="wait_durable"} and logged with its
// stack: one in the wait is Done's error (the batch is not acknowledged
// and the agent sends it again: it may be journaled twice, never lost),
// one in Done ends it.
func (p *Pipeline) waitDurable(b *Batch, last uint64) {
	var err error
	if pn := p.guard(p.waitPanics, "waiting for the journal's fsync panicked (a bug in nomen: please report it); the batch is not acknowledged", func() {
		err = p.journal.WaitDurable(p.ctx, last)
	}, "last_id", last); pn != nil {
		err = fmt.Errorf("pipeline: waiting for the fsync panicked (a bug in nomen): %w", pn)
	}
	p.guard(p.waitPanics, "acknowledging a durable batch panicked (a bug in nomen: please report it)", func() { b.Done(err) }, "last_id", last)
}
