package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nomenhq/nomen/internal/panics"
)

// Retrying a failed fsync: first after syncRetryMin, doubling up to
// syncRetryMax while it keeps failing.
const (
	syncRetryMin = 100 * time.Millisecond
	syncRetryMax = 5 * time.Second
	maxUnsynced  = 32 // failed ranges remembered one by one (older ones are merged)
)

// idRange is the events first..last.
type idRange struct{ first, last uint64 }

// WaitDurable waits until the event with this ID (and every one before
// it) is fsynced. It asks for the fsync at once (with fsync = "interval"
// too, rather than waiting for the next tick): every batch waiting at that
// moment shares one fsync, and appends go on meanwhile. With "never", and
// in memory mode, it returns at once.
//
// Events written while an fsync failed are never acknowledged: WaitDurable
// returns an error for them (the sender keeps them and sends them again),
// while events written after fsync works again are acknowledged normally.
func (j *Journal) WaitDurable(ctx context.Context, id uint64) error {
	if !j.disk || j.cfg.Fsync == FsyncNever {
		return nil
	}
	for {
		j.mu.Lock()
		synced, closed, ch := j.synced, j.closed, j.syncedCh
		failed, isFailed := j.unsyncedLocked(id)
		j.mu.Unlock()
		switch {
		case isFailed:
			return fmt.Errorf("journal: fsync failed for events %d to %d: they may not survive a power loss", failed.first, failed.last)
		case synced >= id:
			return nil
		case closed:
			return ErrClosed
		}
		j.kickSyncer()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// unsyncedLocked returns the failed range holding id, if any.
func (j *Journal) unsyncedLocked(id uint64) (idRange, bool) {
	for _, r := range j.unsynced {
		if r.first <= id && id <= r.last {
			return r, true
		}
	}
	return idRange{}, false
}

// syncLoop is the group-commit goroutine: one fsync covers every append
// made since the previous one. After a failure it retries on its own.
//
// A panic here (a bug in nomen) is not survived: syncNow had taken the
// files and cursors to fsync out of the journal, and may hold its lock,
// so going on could acknowledge events as durable that were never
// fsynced, or hang every append and every agent waiting for an
// acknowledgement. The process fails instead, loudly (panics.Fatal: the
// panic is logged with its stack, then ends nomen), and its service
// manager restarts it; what was appended is in the page cache and the
// journal's recovery finds it, what was not acknowledged agents send
// again.
func (j *Journal) syncLoop() {
	defer close(j.syncerDone)
	defer panics.Fatal(j.log, "journal: the fsync goroutine panicked (a bug in nomen: please report it); nomen stops, since it can no longer make events durable, and a restart recovers the journal")
	var tick <-chan time.Time
	if j.cfg.Fsync == FsyncInterval {
		t := time.NewTicker(j.cfg.FsyncInterval.D())
		defer t.Stop()
		tick = t.C
	}
	retry := time.NewTimer(0)
	<-retry.C
	backoff := syncRetryMin
	for {
		select {
		case <-j.kick:
		case <-tick:
		case <-retry.C:
		case <-j.stop:
			return
		}
		j.reserveAhead()
		if j.syncNow() {
			backoff = syncRetryMin
			continue
		}
		retry.Reset(backoff)
		backoff = min(2*backoff, syncRetryMax)
	}
}

// syncNow fsyncs everything written so far: rolled segments, the active
// one, the directory and dirty cursors. It reports whether every fsync
// worked.
//
// When one fails, the events written since the last good fsync are marked
// unsynced for good (Linux may have dropped the dirty pages, so a later
// fsync that works proves nothing about them) and the rest is tried again
// later: the directory and cursors are still dirty; segment data written
// after the failure is covered by the next fsync.
func (j *Journal) syncNow() bool {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	from, target, active, rolled, dirDirty := j.synced+1, j.next-1, j.syncFile, j.toSync, j.dirDirty
	j.toSync, j.dirDirty = nil, false
	var cursors []*cursor
	for _, c := range j.cursors {
		if c.dirty && c.f != nil {
			cursors = append(cursors, c)
			c.dirty = false
		}
	}
	// After a failure, the retry fsyncs the active segment even with
	// nothing new: it is how recovery is noticed.
	if target == j.synced && len(rolled) == 0 && !dirDirty && len(cursors) == 0 && j.syncFailure == nil {
		j.mu.Unlock()
		return true
	}
	j.mu.Unlock()

	var dataErr, dirErr error
	for _, f := range rolled {
		dataErr = errors.Join(dataErr, j.fsync(f))
		f.Close()
	}
	if active != nil {
		dataErr = errors.Join(dataErr, j.fsync(active))
	}
	if dirDirty {
		dirErr = errors.Join(syncDir(j.cfg.Dir), syncDir(filepath.Join(j.cfg.Dir, cursorSubdir)))
	}
	var failedCursors []*cursor
	var cursorErr error
	for _, c := range cursors {
		if err := j.fsync(c.f); err != nil && !errors.Is(err, os.ErrClosed) {
			failedCursors = append(failedCursors, c)
			cursorErr = errors.Join(cursorErr, err)
		}
	}
	j.m.Fsyncs.Inc()

	err := errors.Join(dataErr, dirErr, cursorErr)
	j.mu.Lock()
	defer j.mu.Unlock()
	if err == nil {
		j.syncFailure = nil
	} else {
		j.m.FsyncErrors.Inc()
		j.syncFailure = err
		j.dirDirty = j.dirDirty || dirErr != nil
		for _, c := range failedCursors {
			c.dirty = true
		}
		if (dataErr != nil || dirErr != nil) && target >= from {
			j.addUnsyncedLocked(idRange{from, target})
			j.log.Error("journal: fsync failed: these events may not survive a power loss and are not acknowledged as durable; retrying for later ones",
				"first_id", from, "last_id", target, "err", err)
		} else {
			j.log.Error("journal: fsync failed, retrying", "err", err)
		}
	}
	j.synced = max(j.synced, target)
	wake(&j.syncedCh)
	j.updateBlockedLocked()
	return err == nil
}

// addUnsyncedLocked remembers a failed range; when there are too many,
// the two oldest merge (acknowledging less, never more).
func (j *Journal) addUnsyncedLocked(r idRange) {
	j.unsynced = append(j.unsynced, r)
	if len(j.unsynced) > maxUnsynced {
		j.unsynced[1].first = j.unsynced[0].first
		j.unsynced = j.unsynced[1:]
	}
}

// reserveAhead renews the ID reservation before the appender reaches it
// (highwater.go). If its fsync fails, the appender tries again when it
// needs the IDs, and fails the append with the error.
func (j *Journal) reserveAhead() {
	j.mu.Lock()
	next := j.next
	j.mu.Unlock()
	j.hw.reserveAhead(next, j.fsync)
}

// kickSyncer asks for an fsync soon; kicks that arrive while one is
// pending or running are merged into the next.
func (j *Journal) kickSyncer() {
	select {
	case j.kick <- struct{}{}:
	default:
	}
}

// Blocked reports whether the journal cannot currently do its job, and
// why, for /readyz: appends wait because the disk refuses writes (full or
// failing), or fsync fails (nothing new is acknowledged as durable).
func (j *Journal) Blocked() (bool, string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.writeFailure != nil:
		// The failures' own "journal: " is said once (/readyz read
		// "journal: journal: appends wait: journal: write segment ...").
		return true, "journal: appends wait: " + strings.TrimPrefix(j.writeFailure.Error(), "journal: ")
	case j.syncFailure != nil:
		return true, "journal: fsync failing: " + strings.TrimPrefix(j.syncFailure.Error(), "journal: ")
	}
	return false, ""
}

func (j *Journal) updateBlockedLocked() {
	v := 0.0
	if j.writeFailure != nil || j.syncFailure != nil {
		v = 1
	}
	j.m.Blocked.Set(v)
}
