package journal

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// A write the disk refuses (ENOSPC above all) is back-pressure, like a
// full budget, not a loss: Append undoes the failed write, reports the
// state (Blocked, nomen_journal_blocked), makes room where it can, and
// waits until readers free space (segments are deleted as their cursors
// pass) or writeRetryMin..Max has passed, then tries again. TryAppend
// returns ErrFull instead.
const (
	writeRetryMin = 50 * time.Millisecond
	writeRetryMax = 2 * time.Second
	// A segment is at most 1/segmentsPerFS of the filesystem, so that on a
	// filesystem smaller than max_bytes there are always older segments to
	// delete when it is full.
	segmentsPerFS = 8
)

// noSpace reports whether err means the filesystem (or quota) is full.
func noSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// segmentLimit is segment_size, or less on a filesystem too small for
// segmentsPerFS of them (never below the minimum segment size).
func segmentLimit(cfg Config) int64 {
	limit := int64(cfg.SegmentSize)
	if size, ok := filesystemSize(cfg.Dir); ok {
		limit = min(limit, max(size/segmentsPerFS, minSegmentSize))
	}
	return limit
}

// noteWrite records the outcome of a write: the blocked state is set (and
// logged once) on an error and cleared on success. On a full disk it makes
// what room it can. It returns the channel closed when space is freed.
// Called with appendMu held.
func (j *Journal) noteWrite(err error) chan struct{} {
	if err != nil && noSpace(err) {
		j.makeSpace()
		j.kickSyncer() // it closes rolled segments: deleted ones free their space only then
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err != nil && j.writeFailure == nil {
		// Throttled: a disk that stays nearly full flips between the states.
		j.throttled.Error("journal: the disk refuses writes; appends wait (TCP senders feel back-pressure, datagram listeners drop) until there is room",
			"dir", j.cfg.Dir, "err", err)
	}
	if err == nil && j.writeFailure != nil {
		// Said as the failure was (throttled the same): an operator who
		// saw appends wait learns when they went on.
		j.throttled.Log(slog.LevelInfo, "journal: writes work again", "journal: the disk takes writes again; appends go on",
			"dir", j.cfg.Dir, "after", time.Since(j.writeFailedAt).Round(time.Millisecond))
	}
	if err != nil && j.writeFailure == nil {
		j.writeFailedAt = time.Now()
	}
	j.writeFailure = err
	j.updateBlockedLocked()
	return j.freed
}

// makeSpace is what a full disk allows besides waiting: when every reader
// has read all of the journal, the segment being written (the only one
// left then) starts afresh; otherwise a segment with data is closed early,
// so that it can be deleted as soon as readers pass it. Called with
// appendMu held.
func (j *Journal) makeSpace() {
	j.mu.Lock()
	caughtUp := j.minCommittedLocked() >= j.next-1 && len(j.segs) == 1
	hasData := j.activeSize > segHdrLen
	j.mu.Unlock()
	switch {
	case caughtUp && hasData:
		if err := j.restartActive(); err != nil {
			j.log.Warn("journal: cannot start the segment afresh", "err", err)
		}
	case hasData:
		if err := j.roll(j.next); err != nil {
			j.log.Debug("journal: cannot start a new segment on a full disk", "err", err)
		}
	}
}

// restartActive empties the segment being written, which every reader
// has read, and renames it for the next ID: truncating frees the space, and
// renaming first means a crash in between leaves either the old segment or
// one whose stale blocks the next open cuts off. Called with appendMu held.
func (j *Journal) restartActive() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	old := j.activeSeg
	s := &segment{first: j.next, path: filepath.Join(j.cfg.Dir, segName(j.next)), end: j.next, built: true, clean: true, size: segHdrLen}
	if err := os.Rename(old.path, s.path); err != nil {
		return err
	}
	j.segs, j.activeSeg, j.activeSize, j.diskBytes, j.dirDirty = []*segment{s}, s, segHdrLen, segHdrLen, true
	for !j.tail.empty() {
		j.tail.popFront()
	}
	j.cache.forget(old.end)
	j.dirtyTail = true // the old blocks: cut off now, or before the next write
	err := j.undoFailedWrite()
	j.freedLocked()
	j.throttled.Warn("journal: disk full with every event delivered: started the segment being written afresh",
		"old_segment", filepath.Base(old.path), "segment", filepath.Base(s.path))
	return err
}
