package output

import "github.com/nomenhq/nomen/internal/panics"

// A panic on the worker's goroutine outside writing events (poison.go)
// would end the process, and every output with it. It is a bug in nomen
// (or in a sink) and what it means depends on where it happened; nothing
// is committed by it, so the journal keeps every event not delivered:
//
//   - opening the sink: a failed open (nomen_output_failures_total
//     {kind="open"}), retried with the backoff like any other;
//   - closing the sink, or reopening its files (SIGHUP): a failed close
//     or reopen; the worker goes on (opening it again when it must);
//   - anywhere else while delivering (reading the journal, filtering,
//     committing, a sink's error path): the sink is closed, the reader
//     goes back to the committed position (the events in hand were not
//     committed, and are read and written again: at-least-once) and the
//     worker starts over after the backoff;
//   - closing the journal reader or the dead-letter file when the worker
//     stops: a failed close; the cursor holds what was committed;
//   - reading the lag on the lag reporter's goroutine: that reporter
//     ends, the gauge is set after each commit only.
//
// Each is counted in nomen_output_worker_panics_total{output} and logged
// with its stack (internal/panics).

// guarded runs f, turning a panic in it into its error (a *panics.Panic),
// counted and logged as a panic of the worker while doing what.
func (w *Worker) guarded(what string, f func() error) (err error) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			p.Report(w.m.workerPanics, w.throttle, "output: "+what+" panicked (a bug in nomen: please report it); the output goes on, its undelivered events stay in the journal")
			err = p
		}
	}()
	return f()
}

// isPanic says err is a panic guarded turned into an error (already
// logged with its stack).
func isPanic(err error) bool {
	_, ok := err.(*panics.Panic)
	return ok
}
