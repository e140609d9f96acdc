package main

import (
	"context"
	"time"
)

// gatherDelay is how long a source that has caught up lets new records
// gather, once woken, before it reads them: they wait for the batch
// anyway (-batch-delay), and one wakeup for several records costs far
// less than one for each. At 100 records a second the wakeups, not the
// records, were most of the agent's CPU time: 1.9 % of a core waking for
// each record, 0.6 % every 50 ms, 0.3 % every 100 ms. Half the batch
// delay, at most 100 ms: a record reaches the relay at most 300 ms after
// it was written with the default -batch-delay.
func gatherDelay(batchDelay time.Duration) time.Duration {
	return min(batchDelay/2, 100*time.Millisecond)
}

// pacer lets a source produce records at a steady rate, like an event
// log being written to: record i (from 0) may go i/rate seconds after the
// first. It wakes on a ticker, no more often than every gather delay (as
// a source reading a log, see gatherDelay), and lets the records due
// since go together: no busy loop, so the pacing itself costs next to
// nothing.
type pacer struct {
	rate  float64
	start time.Time
	sent  int
	tick  *time.Ticker
}

func newPacer(rate int, gather time.Duration) *pacer {
	period := max(time.Second/time.Duration(rate), gather, time.Millisecond)
	return &pacer{rate: float64(rate), start: time.Now(), tick: time.NewTicker(period)}
}

// wait returns once one more record may go, or with ctx's error.
func (p *pacer) wait(ctx context.Context) error {
	for float64(p.sent) > time.Since(p.start).Seconds()*p.rate {
		select {
		case <-p.tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	p.sent++
	return nil
}

func (p *pacer) stop() { p.tick.Stop() }
