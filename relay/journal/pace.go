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
// output is still reading it from memory (or is behind it by less than
// paceBehind times what it holds, and catches up while appends wait:
// it delivers a batch per commit, an append adds one pipeline batch),
// and that output committed
// (or opened) less than paceMax ago, an append waits for its next
// commit, until paceMax after its last commit at the latest. "Reading
// from memory" is judged by what the output has read, not committed:
// the batch it is writing may leave the tail (it holds the events
// itself) without costing it anything; judged by its commits, one wait
// that ran out made it look fallen off, and pacing stopped for good
// while it still read from memory, until it really fell off. The rule, then: an output
// holds ingest for at most paceMax after each of its commits. One that
// stopped delivering holds it for what is left of paceMax after its last
// commit, then never again; one whose commits come further apart than
// paceMax (a slow remote sink) lets the tail overflow, falls behind and
// reads from disk, as it would without pacing. The price: while an
// output that commits more often stays in the tail, stream inputs go at
// its pace (the pipeline waits, and stream listeners feel back-pressure).
// The pipeline ends a wait (stop) before its datagram listeners, which
// cannot be held, would drop (relay/pipeline).
//
// Why 100 ms after the last commit and not 10 ms from the wait's start: the tail holds
// the batch an output is writing until it commits it (a file output's
// batch of 2,000 mixed events is ~4.5 MiB of the 8 MiB default tail), so
// the tail is three quarters full for most of every batch, and writing a
// batch takes ~10 ms of CPU itself. A 10 ms bound ran out whenever the
// output waited for a CPU on a busy machine, and it fell to the disk in
// most benchmark runs (up to 1.1M of 1M events read back); the output
// needs a few scheduling quanta, not one.
//
// Why 4 tails behind and not a quarter of one: the default tail holds
// ~3,700 mixed events, 50 ms of a TCP sender's flow; an output held up
// once for longer than paceMax (a slow write or fsync, no CPU) came back
// further behind than a quarter tail, was never paced again, and read
// everything from disk from then on, slower than the inputs appended.
// Four tails (a fraction of a second of ingest) lets it come back; an
// output catching up a real backlog (after an outage) is further behind
// and holds nothing.
const (
	paceMax    = 100 * time.Millisecond
	paceBehind = 4
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
		ch := j.committed
		deadline, wait := j.paceLocked()
		j.mu.Unlock()
		if !wait {
			break
		}
		if timer == nil {
			timer = time.NewTimer(time.Until(deadline))
			defer timer.Stop()
			j.m.Paced.Inc()
		} else {
			timer.Reset(time.Until(deadline)) // a commit moved the deadline on
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
// reader, and until when: the tail is three quarters full, that reader
// reads it from memory or is close behind it, and it committed less than
// paceMax ago (the deadline is paceMax after that commit).
func (j *Journal) paceLocked() (time.Time, bool) {
	if j.closed || j.tail.empty() || j.tail.bytes < j.tailMax/4*3 {
		return time.Time{}, false
	}
	var slowest *cursor
	for _, c := range j.cursors {
		if c.open && (slowest == nil || c.read < slowest.read) {
			slowest = c
		}
	}
	if slowest == nil {
		return time.Time{}, false
	}
	deadline := slowest.lastCommit.Add(paceMax)
	if !time.Now().Before(deadline) {
		return time.Time{}, false
	}
	held := j.next - j.tail.first() // events in the tail
	return deadline, slowest.read+1+paceBehind*held >= j.tail.first()
}
