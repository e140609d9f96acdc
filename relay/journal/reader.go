package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// Start says where a reader without a cursor begins.
type Start int

const (
	// StartEnd: after the last event appended so far (the default).
	StartEnd Start = iota
	// StartOldest: at the oldest event the journal still holds.
	StartOldest
)

// Reader reads the journal from its own cursor. A Reader is used by one
// goroutine.
type Reader struct {
	j    *Journal
	name string
	c    *cursor
	pos  uint64 // last ID returned by Next

	out     []*event.Event
	blk     *decoded // the block being read from disk
	f       *os.File // the segment file being read from disk
	fseg    *segment
	scratch []byte
	ahead   []*pending // blocks of fseg being read ahead, in order (readahead.go)
	spare   [][]byte   // buffers of read-ahead blocks taken, to reuse
	closed  bool

	diskReads prometheus.Counter // events read from disk (behind the tail)
}

// Reader opens the reader called name (an output's name), whose committed
// position persists in <dir>/cursors/<name>. With no cursor yet, it starts
// as start says and the cursor is created at once, so that a restart before
// the first commit does not skip what was appended meanwhile. Only one
// Reader per name may be open at a time.
func (j *Journal) Reader(name string, start Start) (*Reader, error) {
	if name == "" {
		return nil, errors.New("journal: reader name is empty")
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	c := j.cursors[name]
	switch {
	case c == nil:
		c = &cursor{name: name, committed: j.next - 1}
		if start == StartOldest {
			c.committed = j.oldestLocked() - 1
		}
		if j.disk {
			dir := filepath.Join(j.cfg.Dir, cursorSubdir)
			nc, _, err := openCursor(dir, name)
			if err != nil {
				return nil, fmt.Errorf("journal: reader %q: %w", name, err)
			}
			nc.committed = c.committed
			c = nc
			c.seq = 1
			if err := writeCursor(c.f, c.committed, c.seq); err != nil {
				c.f.Close()
				return nil, fmt.Errorf("journal: reader %q: write cursor: %w", name, err)
			}
			c.dirty, j.dirDirty = true, true
		}
		j.cursors[name] = c
	case c.open:
		return nil, fmt.Errorf("journal: reader %q is already open", name)
	}
	c.open, c.lastCommit, c.read = true, time.Now(), c.committed // a new output is paced for from its start
	return &Reader{j: j, name: name, c: c, pos: c.committed, diskReads: j.m.DiskReads.WithLabelValues(name)}, nil
}

// Next returns up to max events (at least one) that follow the last ones
// returned, in ID order, waiting for them if needed until ctx is done. The
// slice is reused by the next call; the events are shared and read-only.
func (r *Reader) Next(ctx context.Context, max int) ([]*event.Event, error) {
	j := r.j
	for {
		out, err := r.TryNext(max)
		if err != nil || len(out) > 0 {
			return out, err
		}
		j.mu.Lock()
		ready, closed, ch := j.next-1 > r.pos, j.closed, j.appended
		j.mu.Unlock()
		switch {
		case closed:
			return nil, ErrClosed
		case ready:
			continue
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// TryNext is Next without waiting: it returns what is there, possibly
// nothing. maxEvents below 1 counts as 1.
func (r *Reader) TryNext(maxEvents int) ([]*event.Event, error) {
	if r.closed {
		return nil, errors.New("journal: reader is closed")
	}
	limit := min(max(maxEvents, 1), 1<<20)
	clear(r.out) // do not pin events the caller is done with
	r.out = r.out[:0]
	j := r.j
	for len(r.out) < limit {
		j.mu.Lock()
		if j.closed {
			j.mu.Unlock()
			return nil, ErrClosed
		}
		r.c.read = r.pos
		if r.pos >= j.next-1 {
			j.mu.Unlock()
			break
		}
		if oldest := j.oldestLocked(); r.pos+1 < oldest {
			j.log.Warn("journal: output skips events deleted before it read them (on_full = drop_oldest)",
				"output", r.name, "first_id", r.pos+1, "last_id", oldest-1, "count", oldest-1-r.pos)
			r.pos = oldest - 1
			r.blk = nil
			j.mu.Unlock()
			continue
		}
		if !j.tail.empty() && r.pos+1 >= j.tail.first() {
			n := len(r.out)
			r.out = j.tail.copyFrom(r.out, r.pos+1, limit-n)
			r.c.read = r.pos + uint64(len(r.out)-n)
			j.mu.Unlock()
			r.closeFile() // a deleted segment's space is freed only once nobody has it open
			r.pos += uint64(len(r.out) - n)
			continue
		}
		seg, end := j.segmentLocked(r.pos + 1)
		j.mu.Unlock()
		if err := r.readDisk(seg, end, limit); err != nil {
			return r.out, err
		}
	}
	return r.out, nil
}

// segmentLocked returns the segment holding id (at least the oldest
// retained) and its end. A segment file missing in the middle makes the
// one before it look longer; readers find its index stops short.
func (j *Journal) segmentLocked(id uint64) (*segment, uint64) {
	i, found := slices.BinarySearchFunc(j.segs, id, func(s *segment, id uint64) int {
		switch {
		case s.first > id:
			return 1
		case s.first < id:
			return -1
		}
		return 0
	})
	if !found && i > 0 {
		i-- // the last segment starting before id
	}
	s := j.segs[i]
	return s, s.end
}

// readDisk appends to r.out events from id r.pos+1 on, read from disk,
// from segment s (which ends at end). It always makes progress: events, or
// a skip over what cannot be read (counted as lost).
func (r *Reader) readDisk(s *segment, end uint64, max int) error {
	id := r.pos + 1
	if id < s.first || id >= end {
		return fmt.Errorf("journal: event %d is beyond segment %d, which ends at %d", id, s.first, end)
	}
	if r.blk == nil || id < r.blk.first || id >= r.blk.end() {
		blk, err := r.loadBlock(s, id, end)
		if err != nil || blk == nil {
			return err
		}
		r.blk = blk
	}
	n := len(r.out)
	r.out = r.blk.appendFrom(r.out, id, max-n)
	r.pos += uint64(len(r.out) - n)
	r.diskReads.Add(float64(len(r.out) - n))
	return nil
}

// loadBlock returns the decoded block of s holding id. When the block
// cannot be read it skips what is lost (moving r.pos) and returns nil.
func (r *Reader) loadBlock(s *segment, id, end uint64) (*decoded, error) {
	index, clean := s.blocks()
	bp, i, ok := findBlock(index, id)
	switch {
	case ok:
	case i < len(index): // a hole between good blocks: damage
		r.lose(s, id, index[i].first, "damaged block(s) before the next good block")
		return nil, nil
	case clean: // after the last block: IDs skipped after a crash, never written
		r.j.log.Debug("journal: skipping IDs that were never written", "output", r.name, "first_id", id, "last_id", end-1)
		r.pos, r.blk = end-1, nil
		return nil, nil
	default:
		r.lose(s, id, end, "damaged block header: the rest of the segment cannot be located")
		return nil, nil
	}
	if d := r.j.cache.get(bp.first); d != nil {
		return d, nil
	}
	if r.fseg != s {
		r.closeFile()
		f, err := os.Open(s.path)
		if err != nil {
			if r.j.hasSegment(s) {
				r.lose(s, id, end, err.Error())
			} // else: deleted meanwhile; the caller skips to the new oldest
			return nil, nil
		}
		r.f, r.fseg = f, s
	}
	d := r.takeAhead(s, bp)
	if d == nil {
		var err error
		d, r.scratch, err = readBlock(r.f, bp, r.scratch)
		if err != nil {
			r.dropAhead()
			r.lose(s, id, bp.first+uint64(bp.count), fmt.Sprintf("block at offset %d: %v", bp.off, err))
			return nil, nil
		}
	}
	r.startAhead(s, index, i)
	r.j.cache.put(d)
	return d, nil
}

// lose skips events [from, to) that cannot be read back, counting them the
// first time any reader finds them.
func (r *Reader) lose(s *segment, from, to uint64, why string) {
	j := r.j
	s.mu.Lock()
	first := !s.damaged || from >= s.damagedTo
	if first {
		s.damaged, s.damagedTo = true, to
	}
	s.mu.Unlock()
	if first {
		j.dropCorrupt.Add(float64(to - from))
	}
	j.log.Error("journal: events cannot be read back and are skipped", "output", r.name,
		"segment", filepath.Base(s.path), "first_id", from, "last_id", to-1, "count", to-from, "reason", why)
	r.pos = to - 1
	r.blk = nil
}

func (j *Journal) hasSegment(s *segment) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Contains(j.segs, s)
}

func (r *Reader) closeFile() {
	r.dropAhead()
	if r.f != nil {
		r.f.Close()
		r.f, r.fseg = nil, nil
	}
}

// Commit records that every event up to id is done with (delivered or
// deliberately skipped). It is one small write; segments every reader has
// passed are then deleted.
func (r *Reader) Commit(id uint64) error {
	j := r.j
	j.mu.Lock()
	id = min(id, j.next-1)
	closed := j.closed
	j.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if id == r.c.committed {
		return nil
	}
	seq := r.c.seq + 1
	if r.c.f != nil {
		if err := writeCursor(r.c.f, id, seq); err != nil {
			return fmt.Errorf("journal: reader %q: write cursor: %w", r.name, err)
		}
	}
	j.mu.Lock()
	r.c.committed, r.c.seq, r.c.dirty = id, seq, true
	r.c.read = max(r.c.read, id)
	r.c.lastCommit = time.Now()
	j.retainLocked()
	wake(&j.committed)
	j.mu.Unlock()
	if j.disk && j.cfg.Fsync == FsyncAlways {
		j.kickSyncer()
	}
	return nil
}

// Seek moves the reader so that Next continues after id, and commits id:
// for sinks that record their own position atomically with their data
// (forward.Positioned), whose word is better than the cursor's. An id
// beyond the journal's end is taken back to the end (the journal lost
// events the sink has: reading on from there must not skip new ones); an id
// before the oldest retained event goes to the oldest.
func (r *Reader) Seek(id uint64) error {
	j := r.j
	j.mu.Lock()
	last, oldest := j.next-1, j.oldestLocked()
	j.mu.Unlock()
	if id > last {
		j.log.Warn("journal: output's own position is past the journal's end, resuming at the end",
			"output", r.name, "position", id, "last_id", last)
		id = last
	}
	if id+1 < oldest {
		id = oldest - 1
	}
	r.pos, r.blk = id, nil
	return r.Commit(id)
}

// Position returns the ID of the last event Next returned.
func (r *Reader) Position() uint64 { return r.pos }

// Committed returns the committed position.
func (r *Reader) Committed() uint64 {
	r.j.mu.Lock()
	defer r.j.mu.Unlock()
	return r.c.committed
}

// Lag returns how many appended events are not committed yet: the IDs
// after the committed one, less those that hold no event (noEvents).
func (r *Reader) Lag() uint64 {
	j := r.j
	j.mu.Lock()
	defer j.mu.Unlock()
	c := r.c.committed
	if c >= j.next-1 {
		return 0
	}
	lag := j.next - 1 - c
	for _, g := range j.noEvents {
		if from := max(g.first, c+1); from <= g.last {
			lag -= g.last - from + 1
		}
	}
	return lag
}

// Close releases the reader; its cursor stays (and keeps holding the
// events it has not committed) until RemoveStaleCursors.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.closeFile()
	clear(r.out)
	r.blk, r.spare = nil, nil
	r.j.mu.Lock()
	r.c.open = false
	r.j.mu.Unlock()
	return nil
}

// Discard closes the reader and deletes its cursor: for a reader that
// only looks (start-up recovery), which must neither hold events nor
// leave a cursor file behind.
func (r *Reader) Discard() error {
	if err := r.Close(); err != nil {
		return err
	}
	j := r.j
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cursors[r.name] != r.c {
		return nil
	}
	err := j.removeCursorLocked(r.name, r.c)
	if !j.closed {
		j.retainLocked()
	}
	return err
}

// removeCursorLocked closes and deletes a cursor's file and forgets it.
func (j *Journal) removeCursorLocked(name string, c *cursor) error {
	var err error
	if c.f != nil {
		c.f.Close()
		if rerr := os.Remove(c.f.Name()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = rerr
		}
		j.dirDirty = true
	}
	delete(j.cursors, name)
	return err
}

// RemoveStaleCursors deletes the cursors of readers not named in keep
// (outputs removed from the configuration), so that they stop holding
// events, and returns their names. Open readers are never removed.
func (j *Journal) RemoveStaleCursors(keep []string) ([]string, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var removed []string
	var err error
	for name, c := range j.cursors {
		if c.open || slices.Contains(keep, name) {
			continue
		}
		err = errors.Join(err, j.removeCursorLocked(name, c))
		removed = append(removed, name)
	}
	slices.Sort(removed)
	if !j.closed {
		j.retainLocked()
	}
	if err != nil {
		err = fmt.Errorf("journal: remove stale cursors: %w", err)
	}
	return removed, err
}
