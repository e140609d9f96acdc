package file

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// The position file (<path>.pos) records which journal ID the data file's
// bytes reach, so that after a crash the file sink can cut off a batch that
// was written but not recorded and the worker replays it: every event ends
// up in the file exactly once.
//
// It holds two fixed-size slots written alternately with pwrite(2), each
// with a sequence number and a CRC-32C. A slot is written in one system
// call, so a killed process leaves either the old or the new record; after
// a power loss a torn slot fails its checksum and the other slot, one batch
// older, is used (then the data file is cut back to that older record and
// the worker replays a little more).
//
//	slot (64 bytes, little endian):
//	  0  magic "NPOS"
//	  4  version (1), 3 bytes zero
//	  8  seq      u64  increases with every write; the higher valid slot wins
//	 16  last ID  u64  journal ID of the last event in the file (0: none yet)
//	 24  size     u64  bytes of the data file that are complete
//	 32  inode    u64  the data file the record describes
//	 40  created  i64  Unix ns when that file was started (for rotate_age)
//	 48  zero padding
//	 60  crc32c of bytes 0..59

const (
	posSlotSize = 64
	posMagic    = "NPOS"
	posVersion  = 1
)

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// errPosCorrupt: no slot of the position file is valid.
var errPosCorrupt = errors.New("file: position record is corrupt")

type posRecord struct {
	LastID  uint64
	Size    int64
	Inode   uint64
	Created int64
}

type posFile struct {
	f    *os.File
	seq  uint64
	slot [posSlotSize]byte
}

func openPosFile(name string, mode os.FileMode) (*posFile, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, mode)
	if err != nil {
		return nil, fmt.Errorf("file: position record: %w", err)
	}
	return &posFile{f: f}, nil
}

// read returns the newest valid record; ok is false when there is none (a
// new file).
func (p *posFile) read() (rec posRecord, ok bool, err error) {
	var b [2 * posSlotSize]byte
	n, err := p.f.ReadAt(b[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return rec, false, fmt.Errorf("file: read position record: %w", err)
	}
	var best uint64
	for i := 0; i+posSlotSize <= n; i += posSlotSize {
		s := b[i : i+posSlotSize]
		if string(s[0:4]) != posMagic || s[4] != posVersion ||
			binary.LittleEndian.Uint32(s[60:]) != crc32.Checksum(s[:60], crc32c) {
			continue
		}
		r := posRecord{
			LastID:  binary.LittleEndian.Uint64(s[16:]),
			Size:    int64(binary.LittleEndian.Uint64(s[24:])),
			Inode:   binary.LittleEndian.Uint64(s[32:]),
			Created: int64(binary.LittleEndian.Uint64(s[40:])),
		}
		if r.Size < 0 {
			continue // no file has that size: not a record write made
		}
		// The slots are written alternately with seq+1: the newer one is
		// one ahead of the other, modulo 2^64 (serial number arithmetic,
		// so that a wrapped counter still wins).
		seq := binary.LittleEndian.Uint64(s[8:])
		if ok && int64(seq-best) <= 0 {
			continue
		}
		ok, best, rec = true, seq, r
	}
	if n > 0 && !ok {
		return rec, false, errPosCorrupt
	}
	p.seq = best
	return rec, ok, nil
}

// write records rec in the slot not holding the newest record.
func (p *posFile) write(rec posRecord, sync bool) error {
	p.seq++
	s := p.slot[:]
	clear(s)
	copy(s, posMagic)
	s[4] = posVersion
	binary.LittleEndian.PutUint64(s[8:], p.seq)
	binary.LittleEndian.PutUint64(s[16:], rec.LastID)
	binary.LittleEndian.PutUint64(s[24:], uint64(rec.Size))
	binary.LittleEndian.PutUint64(s[32:], rec.Inode)
	binary.LittleEndian.PutUint64(s[40:], uint64(rec.Created))
	binary.LittleEndian.PutUint32(s[60:], crc32.Checksum(s[:60], crc32c))
	if _, err := p.f.WriteAt(s, int64(p.seq%2)*posSlotSize); err != nil {
		return fmt.Errorf("file: write position record: %w", err)
	}
	if sync {
		if err := p.f.Sync(); err != nil {
			return fmt.Errorf("file: fsync position record: %w", err)
		}
	}
	return nil
}

func (p *posFile) close() error { return p.f.Close() }
