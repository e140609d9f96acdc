package main

import (
	"context"
	"time"
)

// pacer lets a source produce records at a steady rate, like an event
// log being written to: record i (from 0) may go i/rate seconds after the
// first. It wakes on a ticker (at most 100 times a second, releasing the
// records due since the last tick), not in a busy loop, so the pacing
// itself costs next to nothing.
type pacer struct {
	rate  float64
	start time.Time
	sent  int
	tick  *time.Ticker
}

// pacerTick is the shortest wait between two bursts of records.
const pacerTick = 10 * time.Millisecond

func newPacer(rate int) *pacer {
	return &pacer{rate: float64(rate), start: time.Now(), tick: time.NewTicker(max(time.Second/time.Duration(rate), pacerTick))}
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
