package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A segment file is a file header followed by blocks. It is named by the
// ID of its first event, zero-padded so names sort like IDs:
// 00000000000000000001.seg.
const (
	segMagic  = "NOMENJ01"
	segHdrLen = int64(len(segMagic))
	segSuffix = ".seg"
)

func segName(first uint64) string { return fmt.Sprintf("%020d%s", first, segSuffix) }

// segment is one file of the journal.
//
// first never changes; size and end are guarded by Journal.mu (they grow
// while the segment is the active one); index by segment.mu.
type segment struct {
	first uint64
	path  string
	size  int64  // bytes published (whole blocks only)
	end   uint64 // ID after its last event

	mu    sync.Mutex
	index []blockPos // nil until built; maintained by the appender for the active segment
	built bool
	// clean: the index reaches the end of the file, which ends at a block
	// boundary. IDs between the last block and the next segment were then
	// never written (skipped after a crash), not lost to damage.
	clean bool
	// A reader found events it cannot read back, up to damagedTo: the loss
	// is counted once, not once per reader.
	damaged   bool
	damagedTo uint64
}

// blockPos locates one block.
type blockPos struct {
	first uint64
	count uint32
	off   int64
	size  int64 // header and body
}

// listSegments returns the segment files in dir, oldest first.
func listSegments(dir string) ([]*segment, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var segs []*segment
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), segSuffix)
		if !ok || e.IsDir() {
			continue
		}
		first, err := strconv.ParseUint(name, 10, 64)
		if err != nil || first == 0 {
			return nil, fmt.Errorf("unexpected file %s in the journal directory", e.Name())
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		segs = append(segs, &segment{first: first, path: filepath.Join(dir, e.Name()), size: info.Size()})
	}
	slices.SortFunc(segs, func(a, b *segment) int {
		switch {
		case a.first < b.first:
			return -1
		case a.first > b.first:
			return 1
		}
		return 0
	})
	return segs, nil
}

// createSegment creates an empty segment file and returns it open for writing.
func createSegment(dir string, first uint64) (*segment, *os.File, error) {
	s := &segment{first: first, path: filepath.Join(dir, segName(first)), end: first, built: true, clean: true}
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return nil, nil, err
	}
	if _, err := f.Write([]byte(segMagic)); err != nil {
		f.Close()
		return nil, nil, err
	}
	s.size = segHdrLen
	return s, f, nil
}

// scanResult is what scanning a segment's blocks found.
type scanResult struct {
	index []blockPos
	valid int64  // offset after the last good block
	end   uint64 // ID after the last good block
	err   error  // why the scan stopped before the end of the file, if it did
	// skipped are the damaged regions between good blocks (the events in
	// them are the holes in index).
	skipped []skippedRegion
}

// skippedRegion is damage between two good blocks.
type skippedRegion struct {
	off, size int64
	why       error
}

// scan reads the block headers of a segment from the start; with verify it
// also reads each body and checks its CRC (used for the last segment on
// open, where a crash may have left a torn block). At a block that is
// damaged, out of sequence or cut short it looks for the next good block
// (see resync) and goes on from there; it stops where none follows.
func scan(f *os.File, s *segment, size int64, verify bool) scanResult {
	r := scanResult{valid: segHdrLen, end: s.first}
	var magic [segHdrLen]byte
	if _, err := f.ReadAt(magic[:], 0); err != nil || string(magic[:]) != segMagic {
		r.valid, r.err = 0, errors.New("bad file header")
		return r
	}
	var hdr [headerLen]byte
	var body []byte
	for off := segHdrLen; off < size; {
		var h blockHeader
		var err error
		if size-off < headerLen {
			err = fmt.Errorf("%d bytes of a block header at offset %d", size-off, off)
		} else if _, err = f.ReadAt(hdr[:], off); err != nil {
			err = fmt.Errorf("read at offset %d: %w", off, err)
		}
		if err == nil {
			h, err = parseHeader(hdr[:])
		}
		if err == nil && h.first < r.end {
			err = fmt.Errorf("block at offset %d starts at event %d, want %d or later", off, h.first, r.end)
		}
		if err == nil && off+h.size() > size {
			err = fmt.Errorf("block at offset %d is cut short", off)
		}
		if err == nil && verify {
			body = slices.Grow(body[:0], int(h.bodyLen))[:h.bodyLen]
			if _, err = f.ReadAt(body, off+headerLen); err == nil {
				err = checkBlock(h, hdr[:], body)
			}
		}
		if err != nil {
			if errors.Is(err, errCorruptBlock) {
				err = fmt.Errorf("damaged block at offset %d", off)
			}
			next, nh, found := resync(f, off+1, size, r.end)
			if !found {
				r.err = err
				return r
			}
			r.skipped = append(r.skipped, skippedRegion{off: off, size: next - off, why: err})
			off, h = next, nh
		}
		r.index = append(r.index, blockPos{first: h.first, count: h.count, off: off, size: h.size()})
		off += h.size()
		r.valid, r.end = off, h.first+uint64(h.count)
	}
	return r
}

// resync looks for the first good block at or after offset from: its
// magic, a header that parses, IDs from minFirst on, and a body whose CRC
// matches (so a magic inside compressed data is not mistaken for one).
func resync(f *os.File, from, size int64, minFirst uint64) (int64, blockHeader, bool) {
	const chunk = 1 << 20
	buf := make([]byte, chunk)
	var hdr [headerLen]byte
	var body []byte
	for pos := from; pos < size; pos += chunk - int64(len(blockMagic)) + 1 {
		n, _ := f.ReadAt(buf[:min(int64(chunk), size-pos)], pos)
		for k := 0; ; k++ {
			i := bytes.Index(buf[k:n], []byte(blockMagic))
			if i < 0 {
				break
			}
			k += i
			off := pos + int64(k)
			if _, err := f.ReadAt(hdr[:], off); err != nil {
				continue
			}
			h, err := parseHeader(hdr[:])
			if err != nil || h.first < minFirst || off+h.size() > size {
				continue
			}
			body = slices.Grow(body[:0], int(h.bodyLen))[:h.bodyLen]
			if _, err := f.ReadAt(body, off+headerLen); err == nil && checkBlock(h, hdr[:], body) == nil {
				return off, h, true
			}
		}
		if int64(n) < chunk {
			break
		}
	}
	return 0, blockHeader{}, false
}

// blocks returns the segment's block index, building it from the file's
// headers the first time (segments written before this process started),
// and whether it is clean (see segment.clean).
func (s *segment) blocks() ([]blockPos, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.built {
		s.built = true
		if f, err := os.Open(s.path); err == nil {
			st, _ := f.Stat()
			var size int64
			if st != nil {
				size = st.Size()
			}
			r := scan(f, s, size, false)
			s.index, s.clean = r.index, r.err == nil
			f.Close()
		}
	}
	return s.index, s.clean
}

// addBlock records a block the appender wrote to the active segment.
func (s *segment) addBlock(b blockPos) {
	s.mu.Lock()
	s.index = append(s.index, b)
	s.mu.Unlock()
}

// find returns the block holding id (which must be in [s.first, s.end)),
// or ok = false when the index stops short of it (a damaged segment).
func findBlock(index []blockPos, id uint64) (blockPos, int, bool) {
	i, _ := slices.BinarySearchFunc(index, id, func(b blockPos, id uint64) int {
		switch {
		case b.first+uint64(b.count) <= id:
			return -1
		case b.first > id:
			return 1
		}
		return 0
	})
	if i < len(index) && index[i].first <= id && id < index[i].first+uint64(index[i].count) {
		return index[i], i, true
	}
	return blockPos{}, i, false
}

// readFull is ReadAt that treats a short read at the end of file as an error.
func readFull(f *os.File, b []byte, off int64) error {
	n, err := f.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// syncDir fsyncs a directory so that created and removed files survive a
// power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
