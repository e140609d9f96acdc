package output

import (
	"log/slog"
	"time"
)

// failureLog rate-limits failure logs: the first failure of a run at once,
// then one summary per logEvery, and a line when writes work again.
type failureLog struct {
	since    time.Time // first failure of the current run; zero when healthy
	last     time.Time // last log line
	attempts int       // failures since the last log line
	total    int
}

func (f *failureLog) failed(log *slog.Logger, now time.Time, err error, events int) {
	f.attempts++
	f.total++
	if f.since.IsZero() {
		f.since, f.last = now, now
		log.Warn("output: failed, retrying", "err", err, "events", events)
		f.attempts = 0
		return
	}
	if now.Sub(f.last) >= logEvery {
		log.Warn("output: still failing, retrying", "err", err, "events", events,
			"failures", f.attempts, "failing_for", now.Sub(f.since).Round(time.Second))
		f.last, f.attempts = now, 0
	}
}

func (f *failureLog) recovered(log *slog.Logger, now time.Time) {
	if f.since.IsZero() {
		return
	}
	log.Info("output: delivering again", "failures", f.total, "after", now.Sub(f.since).Round(time.Millisecond))
	*f = failureLog{}
}
