package journal

import (
	"os"
	"unsafe"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
)

// Read-ahead: an output that has fallen behind the memory tail reads the
// journal from disk, and reading and decoding a block is work its own
// goroutine would otherwise do between two batches, while the sink waits.
// Once a reader reads a segment from disk, the next blocks of that
// segment are read and decoded on other goroutines, readAhead blocks
// ahead, so that the reader finds them decoded. A read-ahead block that
// fails for any reason (damage, a file closed or deleted meanwhile) is
// simply dropped: the reader then reads that block itself, on the one
// path that handles damage and counts losses.

// readAhead is how many blocks (of ~128 KiB raw, ~500 typical events) a
// reader behind the tail has read and decoded ahead: about one output
// batch of 2,000 events.
const readAhead = 4

// pending is one block being read ahead.
type pending struct {
	seg  *segment
	bp   blockPos
	done chan struct{}
	blk  *decoded // set when done, nil on any failure
	buf  []byte   // the compressed block; the reader's to reuse once done
}

// readBlock reads, checks and decodes the block at bp from f; buf is
// scratch space (grown as needed and returned). It only reads: the caller
// decides what a failure means.
func readBlock(f *os.File, bp blockPos, buf []byte) (*decoded, []byte, error) {
	if int64(cap(buf)) < bp.size {
		buf = make([]byte, bp.size)
	}
	buf = buf[:bp.size]
	err := readFull(f, buf, bp.off)
	var h blockHeader
	if err == nil {
		h, err = parseHeader(buf)
	}
	if err == nil && (h.first != bp.first || h.size() != bp.size) {
		err = errCorruptBlock
	}
	if err == nil {
		err = checkBlock(h, buf[:headerLen], buf[headerLen:])
	}
	var evs []event.Event
	if err == nil {
		evs, err = decodeBody(h, buf[headerLen:], make([]event.Event, 0, h.count))
	}
	if err != nil {
		return nil, buf, err
	}
	d := &decoded{first: h.first, events: evs, bytes: int64(h.rawLen) + int64(len(evs))*int64(unsafe.Sizeof(event.Event{}))}
	for i := range evs {
		d.bytes += int64(len(evs[i].Fields)) * int64(unsafe.Sizeof(event.Field{}))
	}
	return d, buf, nil
}

// takeAhead returns the block at bp of s if it was read ahead, waiting
// for it if it is still being read, and drops read-ahead blocks before
// it (the reader moved on). nil: read it yourself.
func (r *Reader) takeAhead(s *segment, bp blockPos) *decoded {
	for len(r.ahead) > 0 {
		p := r.ahead[0]
		if p.seg != s || p.bp.first > bp.first {
			r.dropAhead()
			return nil
		}
		r.ahead[0] = nil
		r.ahead = r.ahead[1:]
		if p.bp.first == bp.first {
			<-p.done
			if len(r.spare) < readAhead {
				r.spare = append(r.spare, p.buf)
			}
			return p.blk
		}
	}
	return nil
}

// startAhead reads ahead the blocks of s after index i that are not being
// read yet, up to readAhead of them, from r.f.
func (r *Reader) startAhead(s *segment, index []blockPos, i int) {
	next := i + 1
	if n := len(r.ahead); n > 0 {
		_, k, ok := findBlock(index, r.ahead[n-1].bp.first)
		if !ok || r.ahead[n-1].seg != s {
			r.dropAhead()
		} else {
			next = k + 1
		}
	}
	for ; next < len(index) && len(r.ahead) < readAhead; next++ {
		p := &pending{seg: s, bp: index[next], done: make(chan struct{})}
		if n := len(r.spare); n > 0 {
			p.buf, r.spare = r.spare[n-1], r.spare[:n-1]
		}
		r.ahead = append(r.ahead, p)
		go r.readAhead(p, r.f)
	}
}

// readAhead reads p from f on its own goroutine. A panic there (a bug in
// nomen that the block found) is survived as any other failure of a
// read-ahead is: the block is dropped and the reader reads it itself, on
// the path that handles damage (where the same bug is its output's to
// survive: relay/output's worker guard). It is counted
// (Metrics.ReadAheadPanics) and logged with its stack.
func (r *Reader) readAhead(p *pending, f *os.File) {
	defer close(p.done)
	defer func() {
		if pn := panics.Of(recover()); pn != nil {
			pn.Report(r.j.m.ReadAheadPanics, r.j.throttled, "journal: reading a block ahead panicked (a bug in nomen: please report it); the reader reads it itself",
				"reader", r.name, "first_id", p.bp.first)
		}
	}()
	blk, buf, err := r.j.readAheadBlock(f, p.bp, p.buf)
	if err == nil {
		p.blk = blk
	}
	p.buf = buf
}

// dropAhead forgets the blocks being read ahead (their goroutines finish
// on their own; a closed file only makes them fail).
func (r *Reader) dropAhead() {
	clear(r.ahead)
	r.ahead = r.ahead[:0]
}
