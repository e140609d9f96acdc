package journal

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nomenhq/nomen/internal/statelock"
)

// openDisk locks the directory, finds the segments, repairs the last one,
// continues IDs after the highest ever handed out and loads the cursors.
func (j *Journal) openDisk() error {
	dir := j.cfg.Dir
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	lock, err := statelock.Acquire(dir) // before anything in dir is opened
	if err != nil {
		return err
	}
	j.lock = lock
	j.segLimit = segmentLimit(j.cfg)
	if j.segLimit < int64(j.cfg.SegmentSize) {
		j.log.Info("journal: small filesystem, using smaller segments", "dir", dir, "segment_size", j.segLimit)
	}
	if err := os.MkdirAll(filepath.Join(dir, cursorSubdir), 0o750); err != nil {
		return err
	}
	hw, hwNext, exact, hwOK, err := openHighWater(dir)
	if err != nil {
		return err
	}
	if hw.damaged {
		j.log.Warn("journal: the high-water file is damaged; IDs continue after the last event in the journal",
			"file", filepath.Join(dir, highWaterName))
	}
	j.hw, j.dirDirty = hw, true
	segs, err := listSegments(dir)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		s, f, err := createSegment(dir, max(1, hwNext))
		if err != nil {
			return err
		}
		segs, j.active = []*segment{s}, f
	} else if err := j.recoverLast(segs[len(segs)-1]); err != nil {
		return err
	}
	j.noEvents = loadNoEvents(dir, segs[0].first)
	if last := segs[len(segs)-1]; hwOK && hwNext > last.end {
		j.lostAtTail(last, hwNext, exact)
		// A new segment at hwNext: IDs inside a segment only grow by
		// blocks, and readers take what lies past the old one's clean end
		// for IDs never written.
		if err := j.active.Sync(); err != nil {
			return err
		}
		j.active.Close()
		s, f, err := createSegment(dir, hwNext)
		if err != nil {
			j.active = nil
			return err
		}
		segs, j.active = append(segs, s), f
	}
	for i := 0; i < len(segs)-1; i++ {
		segs[i].end = segs[i+1].first
		j.diskBytes += segs[i].size
	}
	last := segs[len(segs)-1]
	j.diskBytes += last.size
	j.segs, j.syncFile, j.activeSeg, j.activeSize = segs, j.active, last, last.size
	j.next = last.end
	j.synced = j.next - 1
	if err := j.active.Sync(); err != nil { // what a crash left in the page cache is durable from here on
		return err
	}
	// Reserve the first IDs now rather than at the first append: that
	// fsync would hold the pipeline when traffic starts, and a datagram
	// burst then overflows its queue (highwater.go).
	if err := j.hw.reserve(j.next+1, j.fsync); err != nil {
		return fmt.Errorf("record the ID high-water mark: %w", err)
	}
	return j.loadCursors()
}

// lostAtTail reports the IDs from the end of the last segment up to next,
// the high-water mark. After a clean Close (exact) they were all handed
// out, so the events are lost to damage: counted. After a crash the mark
// was a reservation: some of them were written and lost with the torn
// tail (not fsynced before a power loss), the others never used.
func (j *Journal) lostAtTail(last *segment, next uint64, exact bool) {
	j.noEvents = append(j.noEvents, idRange{first: last.end, last: next - 1})
	if err := saveNoEvents(j.cfg.Dir, j.noEvents); err != nil {
		j.log.Warn("journal: cannot record the IDs that hold no event; outputs' lag counts them until they deliver past them",
			"file", filepath.Join(j.cfg.Dir, noEventsName), "err", err)
	}
	if exact {
		j.dropCorrupt.Add(float64(next - last.end))
		j.log.Error("journal: events at the end of the journal are lost to damage; their IDs are not reused",
			"segment", filepath.Base(last.path), "first_id", last.end, "last_id", next-1, "count", next-last.end)
		return
	}
	j.log.Warn("journal: not closed cleanly; continuing after the highest ID reserved, so that no ID is reused (events appended after the last fsync may be lost)",
		"first_skipped_id", last.end, "next_id", next)
}

// recoverLast verifies the segment being written when nomen stopped, logs
// damaged blocks found between good ones (readers count their events) and
// cuts off a torn or damaged tail.
func (j *Journal) recoverLast(s *segment) error {
	f, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	j.active = f
	r := scan(f, s, s.size, true)
	for _, sk := range r.skipped {
		j.log.Error("journal: damaged block(s) skipped, reading on from the next good block",
			"segment", filepath.Base(s.path), "offset", sk.off, "bytes", sk.size, "reason", sk.why)
	}
	if r.err != nil {
		j.log.Warn("journal: cutting off a damaged or torn tail (a crash during a write)",
			"segment", filepath.Base(s.path), "offset", r.valid, "bytes", s.size-r.valid, "reason", r.err)
		if err := f.Truncate(r.valid); err != nil {
			return err
		}
		if r.valid == 0 {
			if _, err := f.WriteAt([]byte(segMagic), 0); err != nil {
				return err
			}
			r.valid = segHdrLen
		}
	}
	if _, err := f.Seek(r.valid, io.SeekStart); err != nil {
		return err
	}
	s.size, s.end, s.index, s.built, s.clean = r.valid, r.end, r.index, true, true
	return nil
}

func (j *Journal) loadCursors() error {
	dir := filepath.Join(j.cfg.Dir, cursorSubdir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	oldest, last := j.oldestLocked(), j.next-1
	for _, e := range ents {
		name, ok := cursorName(e.Name())
		if !ok || e.IsDir() {
			j.log.Warn("journal: ignoring unexpected file among cursors", "file", e.Name())
			continue
		}
		c, ok, err := openCursor(dir, name)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			j.log.Warn("journal: cursor unreadable, the output restarts at the oldest retained event", "output", name)
			c.committed = oldest - 1
		case c.committed > last:
			j.log.Warn("journal: cursor is past the end of the journal (events lost to a power failure?), moving it back",
				"output", name, "cursor", c.committed, "last", last)
			c.committed = last
		}
		j.cursors[name] = c
	}
	return nil
}
