// Package output runs nomen's outputs: one generic Worker per [[output]]
// reads the journal from the output's cursor and feeds a forward.Sink,
// which only knows how to open, write a batch and close (Benthos' split).
//
// # What the worker does
//
//   - Reads events after the output's cursor (journal.Reader), drops those
//     its where / where_not filters leave out (they still advance the
//     cursor), and hands the rest to Sink.Write in batches of at most
//     batch_size.
//   - Batching: a batch is written as soon as the journal has nothing more
//     to give, so an idle relay delivers each event at once, while under
//     load batches fill up by themselves (events pile up while the previous
//     batch is being written). flush_interval > 0 makes a partial batch
//     wait up to that long for more events: fewer, larger requests for
//     sinks that pay per request, at the cost of latency.
//   - At-least-once: the cursor is committed only after the sink has taken
//     the batch (or its rejected events are in the dead-letter file). A
//     crash between the two sends the batch again after restart. A sink
//     that implements forward.Positioned is asked, after each Open, where
//     its own data reaches, and the reader is moved there: no repeat.
//   - Retryable errors (anything not forward.Permanent): the worker waits
//     (exponential backoff from 100ms with full jitter, capped at 30s, or
//     exactly the delay the error carries from forward.RetryAfter, capped
//     at 5m) and writes the batch again, for as long as it takes. Before
//     retrying a whole-batch error without a Retry-After, it closes and
//     reopens the sink, so sinks need not reconnect by themselves.
//   - Permanent errors go to the dead-letter file (see DeadLetter): the
//     whole batch, or the permanent items of a *forward.BatchError, whose
//     retryable items are written again (alone). When the dead-letter file
//     is full (its .1 not moved away yet), the worker waits: nothing is
//     deleted unread, and the events wait in the journal.
//   - Configuration errors (forward.ConfigError, and permanent Open
//     errors): the destination refuses the output as configured. The
//     error is logged once at error level with the fix, the output is
//     marked not ready (NotReady, nomen_output_state), nothing is
//     dead-lettered, and the write or open is tried again every
//     ConfigRetry (default 1m). A reload that changes the output replaces
//     the worker at once.
//   - Other Open failures are retried with backoff. Events wait in the
//     journal meanwhile.
//   - A panic in Sink.Write (a bug in nomen, found by one event: see
//     poison.go) stops neither the worker nor the relay: the batch is
//     written again an event at a time, and the event whose writing
//     panics is written in its safe form (safeForm: nomen.encode_error
//     and the event's original) or, if that panics too, dead-lettered;
//     counted in nomen_output_panics_total and logged with the stack. A
//     sink that writes parts of a batch at the same time (postgres'
//     lanes) or one after another (syslog's chunks) reports a part's panic
//     as its items' error in a *forward.BatchError: only those events are
//     written again so, at once; the parts it delivered are not written
//     twice.
//   - A panic elsewhere on the worker's goroutines (opening or closing the
//     sink, reading the journal, committing; guard.go) is counted in
//     nomen_output_worker_panics_total and logged with the stack: an
//     Open that panics is a failed open, a Close a failed close, and
//     anywhere else the worker starts over from its committed position
//     after the backoff. Nothing is committed that was not written.
//   - Reopen (SIGHUP) asks a forward.Reopener sink to reopen its files
//     before the next write.
//   - Stop drains: it writes what the journal already holds, then closes
//     the sink. With a deadline, half the remaining time goes to draining;
//     then in-flight writes and retries are cancelled (their events stay
//     uncommitted and are sent again after restart) and the sink closed.
//     An output that is failing when Stop is called (waiting to retry)
//     stops at once: its events stay in the journal for the next worker,
//     so a reload is never held up by an output that cannot deliver.
//
// Failures are logged at most once per 30 seconds per output (the first
// one at once, then a summary), and recovery is logged too.
//
// The batch slice handed to Sink.Write is reused after Write returns (the
// events themselves may be kept, read-only). Stop workers before closing
// the journal they read.
package output

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/internal/retry"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
)

// Source is where a worker reads events: a *journal.Reader.
type Source interface {
	// Next waits for and returns events after the last ones returned.
	Next(ctx context.Context, max int) ([]*event.Event, error)
	// TryNext returns what is available without waiting.
	TryNext(max int) ([]*event.Event, error)
	// Commit records that every event up to id is done with.
	Commit(id uint64) error
	// Seek repositions after id (and commits id).
	Seek(id uint64) error
	// Committed is the last ID committed.
	Committed() uint64
	// Lag is the number of events not committed yet; it is called from
	// another goroutine too.
	Lag() uint64
	Close() error
}

// Options configure a Worker.
type Options struct {
	Name   string
	Sink   forward.Sink
	Source Source // the worker owns it and closes it when it stops

	Where, WhereNot filter.Filter
	BatchSize       int           // default 500
	FlushInterval   time.Duration // default 0: write as soon as nothing more is available

	// DeadLetter receives permanently rejected events; nil logs and counts
	// them only.
	// The worker closes it when it stops (a later Write reopens it).
	DeadLetter *DeadLetter

	Metrics *Metrics     // default: unregistered
	Logger  *slog.Logger // default: discard

	// MinBackoff and MaxBackoff bound the retry delays (defaults 100ms, 30s).
	MinBackoff, MaxBackoff time.Duration
	// ConfigRetry is the wait after a configuration error (default 1m).
	ConfigRetry time.Duration

	now func() time.Time // the worker's clock (default time.Now); tests set it
}

// Retry tuning.
const (
	// healthyRun is how long the worker's loop must have run before a
	// panic for the backoff to start again from MinBackoff (run).
	healthyRun        = time.Minute
	defaultMinBackoff = retry.DefaultMin
	defaultMaxBackoff = retry.DefaultMax
	maxRetryAfter     = retry.DefaultMaxHint
	logEvery          = 30 * time.Second
	// DefaultConfigRetry is how often an output whose configuration the
	// destination refuses tries again.
	DefaultConfigRetry = time.Minute
	// configLogEvery is how often the same configuration error is logged
	// again (it is logged at once when it first happens or changes).
	configLogEvery = 10 * time.Minute
)

// Worker runs one output. Create it with New, then Start; Stop it once.
type Worker struct {
	o   Options
	log *slog.Logger
	m   series
	mv  *Metrics

	batch []*event.Event

	// ctx is cancelled to force a stop: it aborts writes and retries.
	ctx   context.Context
	force context.CancelFunc
	// readCtx is cancelled when Stop is called: the worker stops waiting
	// for new events and drains.
	readCtx    context.Context
	stopReads  context.CancelFunc
	stopOnce   sync.Once
	done       chan struct{}
	reopenWant atomic.Bool

	opened bool // the sink is open (Close is due)
	// repositioned: the last open moved the reader to the sink's position.
	repositioned bool

	failures failureLog
	// throttle rate-limits the per-batch lines (dead-lettered events,
	// configuration errors, a full dead-letter file).
	throttle *logthrottle.Logger
	// configLog logs a configuration error; it is new for each new error.
	configLog *logthrottle.Logger
	status    status
	sleep     func(ctx context.Context, d time.Duration) error // tests replace it
	now       func() time.Time
}

// New returns a worker for o; it does nothing until Start.
func New(o Options) *Worker {
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = defaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = defaultMaxBackoff
	}
	if o.ConfigRetry <= 0 {
		o.ConfigRetry = DefaultConfigRetry
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(nil)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	w := &Worker{
		o:     o,
		log:   o.Logger.With("output", o.Name),
		m:     o.Metrics.series(o.Name),
		mv:    o.Metrics,
		batch: make([]*event.Event, 0, o.BatchSize),
		done:  make(chan struct{}),
		sleep: retry.Sleep,
		now:   time.Now,
	}
	if o.now != nil {
		w.now = o.now
	}
	w.throttle = logthrottle.New(w.log, logEvery)
	if o.DeadLetter != nil {
		o.DeadLetter.panicked = w.deadLetterPanicked
	}
	w.setState(StateOK, "")
	w.ctx, w.force = context.WithCancel(context.Background())
	w.readCtx, w.stopReads = context.WithCancel(w.ctx)
	return w
}

// Start runs the worker in its own goroutine.
func (w *Worker) Start() { go w.run() }

// Done is closed when the worker has stopped.
func (w *Worker) Done() <-chan struct{} { return w.done }

// Reopen asks the sink, if it is a forward.Reopener, to reopen its files
// before its next write (SIGHUP, after logrotate moved them).
func (w *Worker) Reopen() { w.reopenWant.Store(true) }

// Stop drains and stops the worker (see the package comment) and returns
// once the sink is closed, or ctx's error if ctx ends first.
func (w *Worker) Stop(ctx context.Context) error {
	w.stopOnce.Do(w.stopReads)
	defer w.mv.Lag.DeleteLabelValues(w.o.Name)
	defer w.forgetState()
	if deadline, ok := ctx.Deadline(); ok {
		grace := time.NewTimer(time.Until(deadline) / 2)
		defer grace.Stop()
		select {
		case <-w.done:
			return nil
		case <-grace.C:
			w.log.Warn("output: stop deadline half gone, abandoning undelivered events (sent again after restart)")
			w.force()
		}
	}
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		w.force()
		return fmt.Errorf("output %s: stop: %w", w.o.Name, ctx.Err())
	}
}

func (w *Worker) run() {
	defer close(w.done)
	defer w.guarded("closing its journal reader", w.o.Source.Close)
	if w.o.DeadLetter != nil {
		defer w.guarded("closing its dead-letter file", w.o.DeadLetter.Close)
	}
	go w.reportLag()
	defer w.closeSink()
	// A panic while delivering (guard.go) resumes, after the backoff,
	// from the committed position: the events in hand were not committed.
	// The backoff starts over once the worker ran healthyRun: else every
	// panic after the ninth, however rare, would stop the output for up
	// to MaxBackoff.
	p := w.retryPolicy()
	p.Healthy, p.Now = healthyRun, w.now
	retry.Do(w.ctx, p, func(n int) error {
		return w.guarded("delivering", func() error {
			if n > 0 {
				w.closeSink()
				if err := w.o.Source.Seek(w.o.Source.Committed()); err != nil {
					w.log.Error("output: cannot go back to the committed position after a panic, stopping", "err", err)
					return nil
				}
			}
			w.deliverAll()
			return nil
		})
	})
}

// deliverAll opens the sink and delivers what the journal holds until
// the worker stops (or the journal fails).
func (w *Worker) deliverAll() {
	if !w.open() {
		return
	}
	for {
		last, err := w.collect()
		if err != nil || last == 0 {
			if err != nil && w.ctx.Err() == nil {
				w.log.Error("output: reading the journal failed, stopping", "err", err)
			}
			return
		}
		if len(w.batch) > 0 {
			if err := w.deliver(w.batch); err != nil {
				if errors.Is(err, errRepositioned) {
					continue // the sink told us where to go on from
				}
				return // forced stop: nothing is committed
			}
		}
		if err := w.o.Source.Commit(last); err != nil {
			w.log.Error("output: commit failed, stopping", "err", err)
			return
		}
		w.m.lag.Set(float64(w.o.Source.Lag()))
	}
}

// reportLag keeps the lag gauge fresh while a write is slow or the worker
// waits to retry. A panic reading the lag ends it (counted and logged, guard.go): the
// gauge is then set after each commit only.
func (w *Worker) reportLag() {
	w.guarded("reporting its lag", func() error {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				w.m.lag.Set(float64(w.o.Source.Lag()))
			case <-w.done:
				return nil
			}
		}
	})
}

// collect fills w.batch with the next events that pass the filters and
// returns the ID of the last event read (0: stopped, nothing left).
func (w *Worker) collect() (uint64, error) {
	clear(w.batch) // do not pin delivered events
	w.batch = w.batch[:0]
	draining := w.readCtx.Err() != nil
	evs, err := w.read(w.readCtx, draining, w.o.BatchSize)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	last := w.take(evs)
	if w.o.FlushInterval <= 0 || draining {
		return last, nil
	}
	// Linger: give a partial batch up to FlushInterval to fill.
	ctx, cancel := context.WithTimeout(w.readCtx, w.o.FlushInterval)
	defer cancel()
	for len(w.batch) < w.o.BatchSize {
		evs, err := w.o.Source.Next(ctx, w.o.BatchSize-len(w.batch))
		if err != nil || len(evs) == 0 {
			break // the timeout, or Stop: write what we have
		}
		last = w.take(evs)
	}
	return last, nil
}

// read returns events: waiting for them unless draining; switching to
// draining when Stop interrupts the wait. No events (and no error) means
// the journal has nothing more for a stopping worker.
func (w *Worker) read(ctx context.Context, draining bool, max int) ([]*event.Event, error) {
	if !draining {
		evs, err := w.o.Source.Next(ctx, max)
		if err == nil || ctx.Err() == nil {
			return evs, err
		}
		if w.ctx.Err() != nil {
			return nil, w.ctx.Err()
		}
	}
	return w.o.Source.TryNext(max)
}

// take adds the events that pass the filters to the batch and returns the
// last event's ID.
func (w *Worker) take(evs []*event.Event) uint64 {
	n := 0
	for _, e := range evs {
		if Passes(w.o.Where, w.o.WhereNot, e) {
			w.batch = append(w.batch, e)
		} else {
			n++
		}
	}
	if n > 0 {
		w.m.filtered.Add(float64(n))
	}
	return evs[len(evs)-1].ID
}

// errRepositioned: the sink was reopened and the reader moved to the
// sink's own position; the batch in hand is dropped and read again.
var errRepositioned = errors.New("repositioned")

// deliver writes batch until every event is delivered or dead-lettered.
// It fails only when the worker is stopped or forced to stop, or with
// errRepositioned.
func (w *Worker) deliver(batch []*event.Event) error {
	reconnect := false
	var stop error // why the worker must stop delivering, if it must
	err := retry.Do(w.ctx, w.retryPolicy(), func(int) error {
		if reconnect {
			// The last write failed without a Retry-After: the connection
			// may be gone, start afresh.
			reconnect = false
			w.closeSink()
			if !w.open() {
				stop = cmp.Or(w.ctx.Err(), w.readCtx.Err())
				return retry.Permanent(stop)
			}
			if w.repositioned {
				stop = errRepositioned
				return retry.Permanent(stop)
			}
		}
		w.applyReopen()
		err := w.write(batch)
		if w.ctx.Err() != nil {
			stop = w.ctx.Err()
			return retry.Permanent(stop)
		}
		if err == nil {
			w.m.events.Add(float64(len(batch)))
			w.recovered()
			return nil
		}
		if p, ok := err.(*panics.Panic); ok {
			if err := w.isolate(batch, p); err != nil {
				stop = err
				return retry.Permanent(stop)
			}
			return nil
		}
		again, next, err := w.writeFailed(batch, err)
		if err != nil {
			stop = err
			return retry.Permanent(stop)
		}
		batch, reconnect = again, next.reconnect
		return next.wait
	})
	if stop != nil {
		return stop
	}
	return err // nil, or the context's error: a (forced) stop
}

// nextAttempt says how deliver goes on after a failed write: wait is nil
// (done) or the error retry.Do waits on; reconnect reopens the sink first.
type nextAttempt struct {
	wait      error
	reconnect bool
}

// failing logs a retryable failure (rate-limited) and marks the output
// failing.
func (w *Worker) failing(err error, events int) {
	w.failures.failed(w.log, w.now(), err, events)
	w.setState(StateFailing, err.Error())
}

// recovered marks the output delivering again.
func (w *Worker) recovered() {
	w.failures.recovered(w.log, w.now())
	w.setState(StateOK, "")
}

// configError reports a configuration error: at error level, with the
// fix, when it first happens or changes and then every configLogEvery;
// the output is marked not ready. It returns the error retry.Do waits on:
// ConfigRetry, and never permanent (the operator's fix is awaited).
func (w *Worker) configError(ce *forward.ConfigError, events int) error {
	reason := ce.Error()
	if ce.Fix != "" {
		reason += "; fix: " + ce.Fix
	}
	if w.setState(StateConfigError, reason) || w.configLog == nil {
		w.configLog = logthrottle.New(w.log, configLogEvery)
	}
	w.configLog.Log(slog.LevelError, reason, "output: the destination refuses the output's configuration; events wait in the journal, retrying every "+w.o.ConfigRetry.String()+" or on reload",
		"err", ce.Err, "fix", ce.Fix, "events", events)
	w.failures.since = cmp.Or(w.failures.since, w.now()) // so that recovery is logged
	return retry.After(errors.New(reason), w.o.ConfigRetry)
}

// applyReopen reopens a forward.Reopener sink's files if Reopen was asked.
func (w *Worker) applyReopen() {
	if !w.reopenWant.Swap(false) {
		return
	}
	if r, ok := w.o.Sink.(forward.Reopener); ok {
		if err := w.guarded("reopening the sink's files", r.Reopen); err != nil && !isPanic(err) {
			w.log.Warn("output: reopen failed", "err", err)
		}
	}
}

// closeSink closes the sink if it is open.
func (w *Worker) closeSink() {
	if !w.opened {
		return
	}
	w.opened = false
	if err := w.guarded("closing the sink", w.o.Sink.Close); err != nil && !isPanic(err) {
		w.log.Warn("output: close", "err", err)
	}
}

// open opens the sink, retrying until it works; false means the worker was
// stopped. Afterwards a Positioned sink's position is applied. A
// permanent Open error is a configuration error (nothing else can fix it).
func (w *Worker) open() bool {
	w.repositioned = false
	err := retry.Do(w.ctx, w.retryPolicy(), func(int) error {
		err := w.guarded("opening the sink", func() error { return w.o.Sink.Open(w.ctx) })
		if err == nil || w.ctx.Err() != nil {
			return err
		}
		w.m.openFailed.Inc()
		err = fmt.Errorf("open: %w", err)
		ce, ok := forward.AsConfigError(err)
		if !ok && forward.IsPermanent(err) {
			ce = &forward.ConfigError{Err: err}
		}
		if ce != nil {
			w.m.configErrors.Inc()
			return w.configError(ce, 0)
		}
		w.failures.failed(w.log, w.now(), err, 0)
		w.setState(StateCannotOpen, err.Error())
		return err
	})
	if err != nil {
		return false
	}
	w.opened = true
	// An open failure is over; a write's failure is over only once a write works.
	if st, reason := w.State(); st == StateCannotOpen || st == StateConfigError && strings.HasPrefix(reason, "open: ") {
		w.setState(StateOK, "")
	}
	if p, ok := w.o.Sink.(forward.Positioned); ok {
		if id, ok := p.Position(); ok {
			if err := w.o.Source.Seek(id); err != nil {
				w.log.Error("output: cannot move to the sink's position", "position", id, "err", err)
			} else {
				w.repositioned = true
			}
		}
	}
	return true
}

// retryPolicy is the worker's backoff for retry.Do. Its waits end when
// Stop is called: an output that is failing stops without delivering
// (its events stay in the journal), instead of holding up a reload or a
// shutdown.
func (w *Worker) retryPolicy() retry.Policy {
	return retry.Policy{Min: w.o.MinBackoff, Max: w.o.MaxBackoff, MaxHint: max(maxRetryAfter, w.o.ConfigRetry),
		// w.sleep is read only when a wait is due (tests set it after Start).
		Sleep: func(_ context.Context, d time.Duration) error { return w.sleep(w.readCtx, d) }}
}
