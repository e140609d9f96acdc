package output

import (
	"cmp"
	"errors"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/internal/retry"
	"github.com/nomenhq/nomen/relay/event"
)

// What the worker does with a failed Write: retry, partial delivery,
// dead-letter. The loop that calls it is in worker.go.

// writeFailed handles a failed Write of batch: it dead-letters what was
// rejected and returns what must be written again and how. An error means
// the worker must stop.
func (w *Worker) writeFailed(batch []*event.Event, err error) ([]*event.Event, nextAttempt, error) {
	var be *forward.BatchError
	if errors.As(err, &be) {
		again, failed, err := w.partial(batch, be)
		if err != nil {
			return nil, nextAttempt{}, err
		}
		if failed.p != nil {
			// Written again alone, at once: waiting would not help, and
			// the parts the sink delivered are not in it (poison.go).
			if err := w.isolate(failed.panicked, failed.p); err != nil {
				return nil, nextAttempt{}, err
			}
		}
		if len(again) == 0 {
			w.recovered()
			return nil, nextAttempt{}, nil
		}
		w.m.retryable.Inc()
		w.failing(failed.firstRetryable, len(again))
		if d, ok := retryDelayOf(be); ok {
			return again, nextAttempt{wait: retry.After(be, d)}, nil
		}
		return again, nextAttempt{wait: be}, nil
	}
	if ce, ok := forward.AsConfigError(err); ok {
		w.m.configErrors.Inc()
		return batch, nextAttempt{wait: w.configError(ce, len(batch)), reconnect: true}, nil
	}
	if forward.IsPermanent(err) {
		w.m.rejected.Inc()
		items := make([]Rejected, len(batch))
		for i, e := range batch {
			items[i] = Rejected{e, err}
		}
		if err := w.deadLetter(items); err != nil {
			return nil, nextAttempt{}, err
		}
		return nil, nextAttempt{}, nil
	}
	w.m.retryable.Inc()
	w.failing(err, len(batch))
	_, hinted := forward.RetryDelay(err)
	return batch, nextAttempt{wait: err, reconnect: !hinted}, nil
}

// itemFailures is what partial found in a *forward.BatchError besides the
// items it dead-lettered and those to write again.
type itemFailures struct {
	// panicked are the events whose item's error is a *panics.Panic:
	// writing the part of the batch they were in panicked (a sink that
	// writes parts at the same time, on goroutines of its own); p is the
	// first part's panic.
	panicked []*event.Event
	p        *panics.Panic
	// firstRetryable is the first retryable item's error.
	firstRetryable error
}

// partial handles a *forward.BatchError: the events it does not name were
// delivered, its permanent items are dead-lettered, its retryable ones
// are returned to be written again, its panicked ones to be isolated.
func (w *Worker) partial(batch []*event.Event, be *forward.BatchError) ([]*event.Event, itemFailures, error) {
	seen := make(map[int]bool, len(be.Items))
	var retry []*event.Event
	var failed itemFailures
	var rejected []Rejected
	for _, it := range be.Items {
		if it.Index < 0 || it.Index >= len(batch) || seen[it.Index] || it.Err == nil {
			w.log.Warn("output: sink reported an invalid batch item, ignoring it", "index", it.Index, "batch", len(batch))
			continue
		}
		seen[it.Index] = true
		var p *panics.Panic
		switch {
		case errors.As(it.Err, &p):
			failed.panicked = append(failed.panicked, batch[it.Index])
			failed.p = cmp.Or(failed.p, p)
		case forward.IsPermanent(it.Err):
			rejected = append(rejected, Rejected{batch[it.Index], it.Err})
		default:
			retry = append(retry, batch[it.Index])
			failed.firstRetryable = cmp.Or(failed.firstRetryable, it.Err)
		}
	}
	w.m.events.Add(float64(len(batch) - len(seen)))
	if len(rejected) > 0 {
		w.m.rejected.Inc()
		if err := w.deadLetter(rejected); err != nil {
			return nil, itemFailures{}, err
		}
	}
	return retry, failed, nil
}

// retryDelayOf returns the Retry-After of the first retryable item that
// carries one.
func retryDelayOf(be *forward.BatchError) (time.Duration, bool) {
	for _, it := range be.Items {
		if d, ok := forward.RetryDelay(it.Err); ok && !forward.IsPermanent(it.Err) {
			return d, true
		}
	}
	return 0, false
}

// deadLetter writes rejected events to the dead-letter file, retrying
// until it works or the worker is stopped (a full disk, or a full
// dead-letter file, must not lose them: the output waits, its events in
// the journal). One line per logEvery says what was dead-lettered.
func (w *Worker) deadLetter(items []Rejected) error {
	if w.o.DeadLetter == nil {
		w.throttle.Error("output: events rejected permanently and no dead-letter file configured: dropped",
			"count", len(items), "err", items[0].Err)
		return nil
	}
	return retry.Do(w.ctx, w.retryPolicy(), func(int) error {
		err := w.o.DeadLetter.Write(w.o.Name, w.now(), items)
		if errors.Is(err, ErrDeadLetterFull) {
			w.setState(StateDeadLetterFull, err.Error()+": move it away (after reading it) and the output goes on")
			w.throttle.Error("output: dead-letter file full; the output waits, its events in the journal, until the previous part is moved away",
				"err", err, "waiting", len(items))
			return err
		}
		if err != nil {
			w.setState(StateDeadLetterFull, err.Error())
			w.throttle.Error("output: cannot write the dead-letter file, retrying", "err", err)
			return err
		}
		w.setState(StateOK, "")
		w.m.deadLettered.Add(float64(len(items)))
		w.throttle.Warn("output: events rejected permanently, written to the dead-letter file",
			"count", len(items), "file", w.o.DeadLetter.Path(), "err", items[0].Err)
		return nil
	})
}
