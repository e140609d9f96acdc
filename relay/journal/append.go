package journal

// The write path: Append and its variants, waiting for room in the budget,
// writing encoded blocks to the active segment (rolling to a new one when
// it is full) and publishing the events to readers.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// Append journals events, in order, setting their IDs. It returns once
// they are written (see the package comment for durability); when the
// budget is full it waits as on_full says, or until ctx is done. The
// events must not be modified afterwards: readers share them. An event
// whose encoding panics (a bug it found) is replaced in events by its
// safe form (poison.go).
//
// On a write error, a prefix of the events may have been journaled (those
// have their ID set).
func (j *Journal) Append(ctx context.Context, events []*event.Event) error {
	return j.append(ctx, events, true)
}

// AppendPaced is Append for the pipeline: it may first wait, briefly, for
// an output about to fall behind the memory tail (pace.go); closing stop
// ends the wait (the pipeline's datagram listeners are filling its queue).
func (j *Journal) AppendPaced(ctx context.Context, events []*event.Event, stop <-chan struct{}) error {
	j.pace(ctx, stop)
	return j.append(ctx, events, true)
}

// TryAppend is Append for callers that cannot wait: with on_full =
// "block" and no room it returns ErrFull at once.
func (j *Journal) TryAppend(events []*event.Event) error {
	return j.append(context.Background(), events, false)
}

// AppendDurable is Append followed by WaitDurable for the last event.
func (j *Journal) AppendDurable(ctx context.Context, events []*event.Event) error {
	if err := j.Append(ctx, events); err != nil || len(events) == 0 {
		return err
	}
	return j.WaitDurable(ctx, events[len(events)-1].ID)
}

func (j *Journal) append(ctx context.Context, events []*event.Event, wait bool) error {
	if len(events) == 0 {
		return nil
	}
	var memBytes, need int64
	var enc *encoder
	if !j.disk {
		for _, e := range events {
			memBytes += eventSize(e)
		}
		need = memBytes
	} else {
		enc = j.encoders.Get().(*encoder)
		defer j.encoders.Put(enc)
		enc.reset()
		if err := j.encode(enc, events); err != nil {
			return err
		}
		need = int64(len(enc.out))
	}

	pw := &pendingWrite{enc: enc, events: events}
	backoff := writeRetryMin
	for {
		if err := j.lockWithRoom(ctx, need, wait); err != nil {
			return err
		}
		if !j.disk {
			j.publish(events, memBytes, nil)
			j.appendMu.Unlock()
			return nil
		}
		err := j.write(pw)
		freed := j.noteWrite(err)
		j.appendMu.Unlock()
		if err == nil {
			return nil
		}
		// The disk refused the write (full, most likely): wait, as for a
		// full budget, until space is freed or it is time to try again.
		if !wait {
			return fmt.Errorf("%w: %w", ErrFull, err)
		}
		select {
		case <-freed:
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
		backoff = min(2*backoff, writeRetryMax)
		need = int64(len(enc.out) - enc.blocks[pw.i].off) // what is left to write
	}
}

// lockWithRoom takes appendMu once the budget has room for need bytes
// (waiting as on_full says, if wait).
func (j *Journal) lockWithRoom(ctx context.Context, need int64, wait bool) error {
	j.appendMu.Lock()
	for {
		room, ch, err := j.makeRoom(need)
		if err != nil {
			j.appendMu.Unlock()
			return err
		}
		if room {
			return nil
		}
		j.appendMu.Unlock()
		if !wait {
			return ErrFull
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		j.appendMu.Lock()
	}
}

// pendingWrite is an append in progress: its encoded blocks, from block i
// on, are still to be written for events.
type pendingWrite struct {
	enc    *encoder
	i      int
	events []*event.Event
}

// write writes the pending blocks to the active segment, rolling to a new
// segment when it is full, and publishes them. On an error, what was
// written before it stays published and pw says what is left; the failed
// write itself is undone. Called with appendMu held.
func (j *Journal) write(pw *pendingWrite) error {
	if err := j.undoFailedWrite(); err != nil {
		return err
	}
	if err := j.hw.reserve(j.next+uint64(len(pw.events)), j.fsync); err != nil {
		return fmt.Errorf("journal: record the ID high-water mark: %w", err)
	}
	enc, id := pw.enc, j.next
	var run []blockPos
	for pw.i < len(enc.blocks) {
		// The run of blocks that fits in the active segment (at least one
		// block when the segment is empty).
		run = run[:0]
		i := pw.i
		start, off := enc.blocks[i].off, j.activeSize
		k := i
		for ; k < len(enc.blocks); k++ {
			size := int64(enc.blockEnd(k) - enc.blocks[k].off)
			if off+size > j.segLimit && off > segHdrLen {
				break
			}
			enc.seal(k, id)
			run = append(run, blockPos{first: id, count: enc.blocks[k].count, off: off, size: size})
			id += uint64(enc.blocks[k].count)
			off += size
		}
		if k == i {
			if err := j.roll(id); err != nil {
				return err
			}
			continue
		}
		if _, err := j.writeAt(j.active, enc.out[start:enc.blockEnd(k-1)], j.activeSize); err != nil {
			j.dirtyTail = true // undone by undoFailedWrite, now or before the next write
			if uerr := j.undoFailedWrite(); uerr != nil {
				err = errors.Join(err, uerr)
			}
			return fmt.Errorf("journal: write segment %d: %w", j.activeSeg.first, err)
		}
		n := int(id - j.next)
		var mem int64
		for _, e := range pw.events[:n] {
			mem += eventSize(e)
		}
		j.activeSize = off
		j.publish(pw.events[:n], mem, run)
		pw.events = pw.events[n:]
		pw.i = k
	}
	if j.cfg.Fsync == FsyncAlways || j.hw.low(j.next) {
		j.kickSyncer() // low: the syncer renews the ID reservation (reserveAhead)
	}
	return nil
}

// undoFailedWrite cuts off what a failed write left after the last block
// published, so that no partial block stays between good ones.
func (j *Journal) undoFailedWrite() error {
	if !j.dirtyTail {
		return nil
	}
	if err := j.active.Truncate(j.activeSize); err != nil {
		return fmt.Errorf("journal: segment %d: cannot undo a failed write: %w", j.activeSeg.first, err)
	}
	j.dirtyTail = false
	return nil
}

// publish makes appended events visible to readers: it sets their IDs,
// adds them to the tail and, in disk mode, records the blocks written for
// them in the active segment. Called with appendMu held.
func (j *Journal) publish(events []*event.Event, mem int64, blocks []blockPos) {
	first := j.next
	for i, e := range events {
		e.ID = first + uint64(i)
	}
	j.mu.Lock()
	if len(blocks) > 0 {
		s := j.activeSeg
		for _, b := range blocks {
			s.addBlock(b)
			s.size += b.size
			j.diskBytes += b.size
		}
		s.end = first + uint64(len(events))
	}
	j.recent.note(time.Now(), first)
	j.next += uint64(len(events))
	j.tail.push(chunk{first: first, events: slices.Clone(events), bytes: mem})
	if j.disk {
		for j.tail.bytes > j.tailMax && len(j.tail.chunks) > 1 {
			j.tail.popFront()
		}
	}
	wake(&j.appended)
	j.updateGaugesLocked()
	j.mu.Unlock()
	j.m.Appended.Add(float64(len(events)))
}

// roll closes the active segment and starts a new one whose first event
// will be id. Called with appendMu held.
func (j *Journal) roll(id uint64) error {
	s, f, err := createSegment(j.cfg.Dir, id)
	if err != nil {
		return fmt.Errorf("journal: create segment %d: %w", id, err)
	}
	old := j.active
	j.active, j.activeSeg, j.activeSize = f, s, s.size
	j.mu.Lock()
	j.segs = append(j.segs, s)
	j.diskBytes += s.size
	j.syncFile = f
	j.dirDirty = true
	if j.cfg.Fsync != FsyncNever {
		j.toSync = append(j.toSync, old) // the syncer fsyncs and closes it
		old = nil
	}
	j.updateGaugesLocked()
	j.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return nil
}
