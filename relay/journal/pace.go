package journal

import (
	"context"
	"time"
)

// Pacing: an output that keeps up reads the events it delivers from the
// memory tail, as the very values the pipeline appended. One that falls
// further behind than the tail holds reads them back from disk, which
// costs more CPU than keeping up did (read, check, decompress, decode),
// and on a busy machine that extra work keeps it behind: throughput is
// bimodal. So when the tail is three quarters full and the slowest
// output is still reading it from memory (or is behind it by less than a
// quarter of what it holds, and may catch up), and that output is
// delivering (it committed within paceActive), an append waits for its
// commits, at most paceMax; an output that stopped delivering is never
// waited for. The price: while an output that commits often stays in the
// tail, stream inputs go at its pace (the pipeline waits, and stream
// listeners feel back-pressure); an output whose commits come further
// apart than paceMax lets the tail overflow, falls behind and reads from
// disk as before. The pipeline ends a wait (stop) before its datagram
// listeners, which cannot be held, would drop (relay/pipeline).
const (
	paceMax    = 10 * time.Millisecond
	paceActive = 250 * time.Millisecond
)

// pace waits as described above, or until stop is closed. Called before
// an append, without locks.
func (j *Journal) pace(ctx context.Context, stop <-chan struct{}) {
	if !j.disk {
		return
	}
	var timer *time.Timer
	for {
		j.mu.Lock()
		ch, wait := j.committed, j.paceLocked()
		j.mu.Unlock()
		if !wait {
			break
		}
		if timer == nil {
			timer = time.NewTimer(paceMax)
			defer timer.Stop()
			j.m.Paced.Inc()
		}
		select {
		case <-ch:
		case <-timer.C:
			return
		case <-stop:
			return
		case <-ctx.Done():
			return
		}
	}
}

// paceLocked reports whether an append should wait for the slowest open
// reader: the tail is three quarters full, that reader reads it from
// memory or is close behind it, and it committed recently.
func (j *Journal) paceLocked() bool {
	if j.closed || j.tail.empty() || j.tail.bytes < j.tailMax/4*3 {
		return false
	}
	var slowest *cursor
	for _, c := range j.cursors {
		if c.open && (slowest == nil || c.committed < slowest.committed) {
			slowest = c
		}
	}
	if slowest == nil || time.Since(slowest.lastCommit) >= paceActive {
		return false
	}
	held := j.next - j.tail.first() // events in the tail
	return slowest.committed+1+held/4 >= j.tail.first()
}
