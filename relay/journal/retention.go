package journal

import (
	"errors"
	"os"
)

// makeRoom applies retention and the budget before an append of need
// bytes. It reports whether there is room; if not, ch is closed when space
// is freed. Called with appendMu held.
func (j *Journal) makeRoom(need int64) (room bool, ch chan struct{}, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return false, nil, ErrClosed
	}
	j.retainLocked()
	for j.usedLocked()+need > int64(j.cfg.MaxBytes) {
		// Nothing older than what is being written: exceed the budget
		// rather than wait forever.
		if j.disk && len(j.segs) < 2 || !j.disk && j.tail.empty() {
			return true, nil, nil
		}
		if j.cfg.OnFull == OnFullBlock {
			return false, j.freed, nil
		}
		j.dropOldestLocked()
	}
	return true, nil, nil
}

func (j *Journal) usedLocked() int64 {
	if j.disk {
		return j.diskBytes
	}
	return j.tail.bytes
}

// retainLocked deletes what every cursor has passed: segments (disk) or
// chunks (memory). Called with mu held.
func (j *Journal) retainLocked() {
	min := j.minCommittedLocked()
	freed := false
	if j.disk {
		for len(j.segs) > 1 && j.segs[0].end <= min+1 {
			j.removeOldestSegmentLocked()
			freed = true
		}
		j.trimTailLocked()
	} else {
		for !j.tail.empty() && j.tail.chunks[0].end() <= min+1 {
			j.tail.popFront()
			freed = true
		}
	}
	if freed {
		j.freedLocked()
	}
}

// dropOldestLocked deletes the oldest segment (chunk in memory mode)
// whether or not every reader has read it, counting and logging what some
// reader had not committed yet. Called with mu held.
func (j *Journal) dropOldestLocked() {
	var first, end uint64
	if j.disk {
		first, end = j.segs[0].first, j.segs[0].end
		j.removeOldestSegmentLocked()
	} else {
		c := j.tail.popFront()
		first, end = c.first, c.end()
	}
	if from := max(first, j.minCommittedLocked()+1); from < end {
		lost := end - from
		j.dropBudget.Add(float64(lost))
		j.log.Warn("journal: budget full (on_full = drop_oldest): deleted events not yet delivered by every output",
			"first_id", from, "last_id", end-1, "count", lost, "max_bytes", int64(j.cfg.MaxBytes))
	}
	j.freedLocked()
}

// removeOldestSegmentLocked forgets segs[0] and unlinks its file. Readers
// that have it open keep reading it; the others skip to the new oldest.
func (j *Journal) removeOldestSegmentLocked() {
	s := j.segs[0]
	j.segs[0] = nil
	j.segs = j.segs[1:]
	j.diskBytes -= s.size
	j.dirDirty = true
	if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		j.log.Error("journal: cannot delete segment", "segment", s.path, "err", err)
	}
	for !j.tail.empty() && j.tail.chunks[0].end() <= s.end {
		j.tail.popFront()
	}
	j.cache.forget(s.end)
}

func (j *Journal) freedLocked() {
	wake(&j.freed)
	j.updateGaugesLocked()
}

// minCommittedLocked is the position every cursor has reached.
// trimTailLocked drops (disk mode) the chunks of the tail that every open
// reader has committed: nobody will read them from memory again (a reader
// that seeks back, or opens later, reads the disk). Outputs that keep up
// thus hold only what they have not delivered yet, however large
// Options.TailBytes is; it bounds what an output behind may find there.
func (j *Journal) trimTailLocked() {
	need := j.next - 1
	for _, c := range j.cursors {
		if c.open {
			need = min(need, c.committed)
		}
	}
	trimmed := false
	for !j.tail.empty() && j.tail.chunks[0].end() <= need+1 {
		j.tail.popFront()
		trimmed = true
	}
	if trimmed {
		j.m.TailBytes.Set(float64(j.tail.bytes))
	}
}

func (j *Journal) minCommittedLocked() uint64 {
	m := j.next - 1
	for _, c := range j.cursors {
		m = min(m, c.committed)
	}
	return m
}
