package journal

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// The high-water file records an ID above every ID ever handed out, so
// that IDs are never reused, even when a crash or a damaged disk loses the
// last events written: those were published already (NATS deduplicates by
// ID, outputs' positions refer to IDs).
//
// IDs are reserved ahead, highWaterStep at a time, the file written and
// fsynced before any ID beyond the previous reservation is handed out: one
// small fsync per million events. Open makes the first reservation and the
// syncer renews it once less than half a step is left (reserveAhead), so
// the appender does not wait for that fsync: traffic that starts with a
// burst of datagrams, or runs at a steady rate, would overflow the
// pipeline's queue meanwhile. Only an appender that reaches the
// reservation first (fsync = "never" has no syncer) writes it itself. A
// clean Close records the exact next ID, so a restart continues without a
// gap; after a crash the journal continues after the reservation, and
// readers skip the IDs in between (never written, or lost with the torn
// tail).
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

// highWater is the open high-water file, used by the appender, the syncer
// (reserveAhead) and Close.
type highWater struct {
	mu       sync.Mutex // one write at a time
	f        *os.File
	seq      uint32
	reserved atomic.Uint64 // IDs below it may be handed out; read without mu
	damaged  bool          // the file had bytes but no valid slot
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
		h.reserved.Store(next)
	}
	h.damaged = n > 0 && !ok
	return h, next, exact, ok, nil
}

// reserve makes sure IDs below need may be handed out, recording a new
// reservation (and fsyncing it) when they may not yet.
func (h *highWater) reserve(need uint64, fsync func(*os.File) error) error {
	if need <= h.reserved.Load() {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if need <= h.reserved.Load() { // renewed meanwhile (reserveAhead)
		return nil
	}
	return h.writeLocked(need+highWaterStep, false, fsync)
}

// reserveAhead renews the reservation once fewer than half a step of IDs
// are left after next, the next ID to hand out.
func (h *highWater) reserveAhead(next uint64, fsync func(*os.File) error) error {
	return h.reserve(next+highWaterStep/2, fsync)
}

// low reports whether reserveAhead would renew the reservation.
func (h *highWater) low(next uint64) bool { return next+highWaterStep/2 > h.reserved.Load() }

// write records next (exact: no ID at or above it was handed out).
func (h *highWater) write(next uint64, exact bool, fsync func(*os.File) error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.writeLocked(next, exact, fsync)
}

func (h *highWater) writeLocked(next uint64, exact bool, fsync func(*os.File) error) error {
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
	h.seq = seq
	h.reserved.Store(next)
	return nil
}
