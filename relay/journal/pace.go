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
// output reads it from memory, or is less than paceBehind tails behind
// it, or behind by no more than the journal took in the last paceWindow
// (it catches up while appends wait: it delivers a batch per commit,
// and the appends wait until it is back in the tail), and that output
// committed (or opened) less than paceMax ago, an append waits for its
// next commit, until paceMax after its last commit at the latest.
//
// The rule, then: an output holds ingest for at most paceMax after each
// of its commits. One that stopped delivering holds it for what is left
// of paceMax after its last commit, then never again; one whose commits
// come further apart than paceMax (a slow remote sink) lets the tail
// overflow, falls behind and reads from disk, as it would without
// pacing, and one catching up a backlog further behind than paceBehind
// tails and than paceWindow of ingest (after an outage) holds nothing;
// while appends wait, the window's start moves on, so an output that has
// not caught up within about paceWindow is let go. The price: while an
// output that commits more often stays in the tail, stream inputs go at
// its pace (the pipeline waits, and stream listeners feel back-pressure).
// The pipeline ends a wait (stop) before its datagram listeners, which
// cannot be held, would drop (relay/pipeline).
//
// Why, measured with the mixed corpus (1M messages, metrics scraped
// during the run): the default tail holds ~3,700 events with rule
// fields (2.2 KB estimated each), 2,000 of them the batch the file
// output is writing until it commits it, so the tail is three quarters
// full for most of every batch, and one stall (no CPU, a slow write)
// past the wait let the inputs push the output past the tail's end in
// 50 ms of ingest. Pacing judged it by its commit position and by a
// quarter tail, so it never paced it again (paced appends stopped
// counting), and it read up to 1.1M of the 1M events from disk. Hence:
// "in the tail" is judged by what the output has read (the batch it is
// writing may leave the tail without costing it anything: it holds the
// events itself), a fallen-off output within paceBehind tails is paced
// back in, and the wait is for the commit, bounded from the last commit
// rather than 10 ms from the wait's start (a few scheduling quanta of a
// busy machine, not one). 100 ms alone, without the other two, still
// let it fall off for good (515k and 883k disk reads).
//
// paceWindow: four tails are ~30,000 events of the harness's JSON
// corpus, what the pipeline takes in 35 ms at 870,000 events/s, so one
// stall of the output longer than paceMax (no CPU for it on a loaded
// machine, a slow write to the page cache) could leave it further behind
// than paceBehind tails, never paced again, reading the rest of the run
// from disk: 1.57M of 2M events in 1 of 44 rounds of the harness's
// corpus at load 25-35, 7.2 CPU s against 4.3-4.8 (docs/performance.md,
// "JSON bimodality").
// Measured in time, how far a stall may leave an output behind no longer
// depends on the ingest rate.
const (
	paceMax    = 100 * time.Millisecond
	paceBehind = 4
	paceWindow = time.Second
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
	if slowest.read+1+paceBehind*held >= j.tail.first() {
		return deadline, true
	}
	return deadline, slowest.read+1 >= j.recent.at(time.Now().Add(-paceWindow), j.next)
}

// recentIDs samples where the journal was (its next ID) as appends go
// on, at most one sample per paceWindow/8, to tell how far behind
// paceWindow of ingest reaches. Guarded by Journal.mu.
type recentIDs struct {
	t  [16]time.Time // 16 samples at least paceWindow/8 apart span more than paceWindow
	id [16]uint64
	n  int // samples taken; the newest is at (n-1) % 16
}

// note records that the journal's next ID was next at now (before an
// append), unless the newest sample is less than paceWindow/8 old.
func (r *recentIDs) note(now time.Time, next uint64) {
	if r.n > 0 && now.Sub(r.t[(r.n-1)%len(r.t)]) < paceWindow/8 {
		return
	}
	i := r.n % len(r.t)
	r.t[i], r.id[i] = now, next
	r.n++
}

// at returns where the journal was at time t: the ID noted by the newest
// sample not after t; the oldest sample's when all are later (the
// journal was opened since, and what it held then is a backlog); current
// when there is none (nothing appended since it opened).
func (r *recentIDs) at(t time.Time, current uint64) uint64 {
	k := min(r.n, len(r.t))
	if k == 0 {
		return current
	}
	for back := 1; back <= k; back++ {
		i := (r.n - back) % len(r.t)
		if !r.t[i].After(t) {
			return r.id[i]
		}
	}
	return r.id[(r.n-k)%len(r.t)]
}
