package output

import (
	"log/slog"
	"time"
)

// failureLog rate-limits failure logs: the first failure of a run at once,
// then one summary per logEvery, and a line when writes work again. Every
// line's failures is the run's count so far (it was the count since the
// previous line, which read as "only 2 failures in 2 minutes").
type failureLog struct {
	since time.Time // first failure of the current run; zero when healthy
	last  time.Time // last log line
	total int
}

func (f *failureLog) failed(log *slog.Logger, now time.Time, err error, events int) {
	f.total++
	if f.since.IsZero() {
		f.since, f.last = now, now
		log.Warn("output: failed, retrying", "err", err, "events", events)
		return
	}
	if now.Sub(f.last) >= logEvery {
		log.Warn("output: still failing, retrying", "err", err, "events", events,
			"failures", f.total, "failing_for", now.Sub(f.since).Round(time.Second))
		f.last = now
	}
}

func (f *failureLog) recovered(log *slog.Logger, now time.Time) {
	if f.since.IsZero() {
		return
	}
	log.Info("output: delivering again", "failures", f.total, "after", now.Sub(f.since).Round(time.Millisecond))
	*f = failureLog{}
}
