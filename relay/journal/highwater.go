package journal

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
)

// The high-water file records an ID above every ID ever handed out, so
// that IDs are never reused, even when a crash or a damaged disk loses the
// last events written: those were published already (NATS deduplicates by
// ID, outputs' positions refer to IDs).
//
// The appender reserves IDs ahead, highWaterStep at a time, writing and
// fsyncing the file before handing out any ID beyond the previous
// reservation: one small fsync per million events. A clean Close records
// the exact next ID, so a restart continues without a gap; after a crash
// the journal continues after the reservation, and readers skip the IDs in
// between (never written, or lost with the torn tail).
//
// Like a cursor, the file holds two slots written alternately, so a torn
// write leaves the previous one:
//
//	offset 0 (slot 0) and 24 (slot 1):
//	8 bytes  next ID: every ID handed out is below it
//	4 bytes  sequence number (the slot with the higher one is current)
//	4 bytes  1 if next is exact (written by Close), 0 if it is a reservation
//	4 bytes  zero
//	4 bytes  CRC32C of the 20 bytes before it
const (
	highWaterName = "next-id"
	highWaterSlot = 24
	highWaterStep = 1 << 20
)

// highWater is the open high-water file. It is used by the appender (under
// appendMu) and by Close.
type highWater struct {
	f        *os.File
	seq      uint32
	reserved uint64 // IDs below it may be handed out
	damaged  bool   // the file had bytes but no valid slot
}

// openHighWater opens (creating) the file in dir and returns the recorded
// next ID; ok is false when there is none (a new journal, or one written
// before the file existed).
func openHighWater(dir string) (h *highWater, next uint64, exact, ok bool, err error) {
	f, err := os.OpenFile(filepath.Join(dir, highWaterName), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, 0, false, false, err
	}
	h = &highWater{f: f}
	var buf [2 * highWaterSlot]byte
	n, _ := f.ReadAt(buf[:], 0)
	for off := 0; off+highWaterSlot <= n; off += highWaterSlot {
		b := buf[off : off+highWaterSlot]
		if crc32.Checksum(b[:20], castagnoli) != binary.LittleEndian.Uint32(b[20:]) {
			continue
		}
		seq := binary.LittleEndian.Uint32(b[8:])
		if !ok || newerSeq(seq, h.seq) {
			next, h.seq, exact, ok = binary.LittleEndian.Uint64(b), seq, b[12] == 1, true
		}
	}
	if ok && exact {
		h.reserved = next
	}
	h.damaged = n > 0 && !ok
	return h, next, exact, ok, nil
}

// reserve makes sure IDs below need may be handed out, recording a new
// reservation (and fsyncing it) when they may not yet.
func (h *highWater) reserve(need uint64, fsync func(*os.File) error) error {
	if need <= h.reserved {
		return nil
	}
	return h.write(need+highWaterStep, false, fsync)
}

// write records next (exact: no ID at or above it was handed out).
func (h *highWater) write(next uint64, exact bool, fsync func(*os.File) error) error {
	var b [highWaterSlot]byte
	seq := h.seq + 1
	binary.LittleEndian.PutUint64(b[:], next)
	binary.LittleEndian.PutUint32(b[8:], seq)
	if exact {
		b[12] = 1
	}
	binary.LittleEndian.PutUint32(b[20:], crc32.Checksum(b[:20], castagnoli))
	if _, err := h.f.WriteAt(b[:], int64(seq%2)*highWaterSlot); err != nil {
		return err
	}
	if err := fsync(h.f); err != nil {
		return err
	}
	h.seq, h.reserved = seq, next
	return nil
}
