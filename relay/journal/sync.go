package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// WaitDurable waits until the event with this ID (and every one before
// it) is fsynced per the fsync policy: with "always" that is the next
// group commit, with "interval" the next periodic fsync. With "never", and
// in memory mode, it returns at once.
func (j *Journal) WaitDurable(ctx context.Context, id uint64) error {
	if !j.disk || j.cfg.Fsync == FsyncNever {
		return nil
	}
	for {
		j.mu.Lock()
		synced, err, closed, ch := j.synced, j.syncErr, j.closed, j.syncedCh
		j.mu.Unlock()
		switch {
		case synced >= id:
			return nil
		case err != nil:
			return err
		case closed:
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// syncLoop is the group-commit goroutine: one fsync covers every append
// made since the previous one.
func (j *Journal) syncLoop() {
	defer close(j.syncerDone)
	var tick <-chan time.Time
	if j.cfg.Fsync == FsyncInterval {
		t := time.NewTicker(j.cfg.FsyncInterval.D())
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-j.kick:
		case <-tick:
		case <-j.stop:
			return
		}
		j.syncNow()
	}
}

// syncNow fsyncs everything written so far: rolled segments, the active
// one, the directory and dirty cursors.
func (j *Journal) syncNow() {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	target, active, rolled, dirDirty := j.next-1, j.syncFile, j.toSync, j.dirDirty
	j.toSync, j.dirDirty = nil, false
	var cursors []*os.File
	for _, c := range j.cursors {
		if c.dirty && c.f != nil {
			cursors = append(cursors, c.f)
			c.dirty = false
		}
	}
	if target == j.synced && len(rolled) == 0 && !dirDirty && len(cursors) == 0 {
		j.mu.Unlock()
		return
	}
	j.mu.Unlock()

	var err error
	for _, f := range rolled {
		err = errors.Join(err, f.Sync(), f.Close())
	}
	if active != nil {
		err = errors.Join(err, active.Sync())
	}
	if dirDirty {
		err = errors.Join(err, syncDir(j.cfg.Dir), syncDir(filepath.Join(j.cfg.Dir, cursorSubdir)))
	}
	for _, f := range cursors {
		if cerr := f.Sync(); cerr != nil && !errors.Is(cerr, os.ErrClosed) {
			err = errors.Join(err, cerr)
		}
	}
	j.m.Fsyncs.Inc()

	j.mu.Lock()
	if err != nil {
		j.log.Error("journal: fsync failed: events may not survive a power loss", "err", err)
		j.syncErr = fmt.Errorf("journal: fsync: %w", err)
	} else if target > j.synced {
		j.synced = target
	}
	wake(&j.syncedCh)
	j.mu.Unlock()
}

// kickSyncer asks for an fsync soon; kicks that arrive while one is
// pending or running are merged into the next.
func (j *Journal) kickSyncer() {
	select {
	case j.kick <- struct{}{}:
	default:
	}
}
