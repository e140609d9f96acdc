package journal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func cursorSlotBytes(id uint64, seq uint32) []byte {
	b := make([]byte, cursorSlot)
	binary.LittleEndian.PutUint64(b, id)
	binary.LittleEndian.PutUint32(b[8:], seq)
	binary.LittleEndian.PutUint32(b[12:], crc32.Checksum(b[:12], castagnoli))
	return b
}

func highWaterSlotBytes(next uint64, seq uint32, exact bool) []byte {
	b := make([]byte, highWaterSlot)
	binary.LittleEndian.PutUint64(b, next)
	binary.LittleEndian.PutUint32(b[8:], seq)
	if exact {
		b[12] = 1
	}
	binary.LittleEndian.PutUint32(b[20:], crc32.Checksum(b[:20], castagnoli))
	return b
}

// FuzzCursorState feeds an output's cursor file damaged contents. Opening
// must never panic nor fail (an unreadable cursor is !ok: the caller logs
// it and restarts the output at the oldest event, see loadCursors), and
// whatever was there, the next commit is the position read back.
func FuzzCursorState(f *testing.F) {
	f.Add(append(cursorSlotBytes(1041, 6), cursorSlotBytes(1042, 7)...))
	f.Add(append(cursorSlotBytes(1042, 8), cursorSlotBytes(1041, 7)...))
	f.Add(cursorSlotBytes(5, 1))
	f.Add(append(cursorSlotBytes(1041, 6), cursorSlotBytes(1042, 7)[:9]...))
	f.Add(append(cursorSlotBytes(9, 0), cursorSlotBytes(8, math.MaxUint32)...))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		name := "siem"
		os.WriteFile(filepath.Join(dir, cursorFile(name)), data, 0o600)
		c, ok, err := openCursor(dir, name)
		if err != nil {
			t.Fatal(err)
		}
		if !ok && len(data) >= cursorSlot && crc32.Checksum(data[:12], castagnoli) == binary.LittleEndian.Uint32(data[12:16]) {
			t.Fatal("a valid first slot was not read")
		}
		id, seq := c.committed+3, c.seq+1
		if err := writeCursor(c.f, id, seq); err != nil {
			t.Fatal(err)
		}
		c.f.Close()
		c2, ok, err := openCursor(dir, name)
		if err != nil || !ok || c2.committed != id || c2.seq != seq {
			t.Fatalf("committed %d (seq %d) after %x, read back %d seq %d, %v %v", id, seq, data, c2.committed, c2.seq, ok, err)
		}
		c2.f.Close()
	})
}

// FuzzHighWaterState feeds the journal's high-water file (next-id)
// damaged contents. Opening must never panic nor fail; a file with bytes
// but no valid slot is marked damaged (openDisk logs it); and whatever was
// there, the next mark written is the one read back, so IDs are never
// handed out twice after it.
func FuzzHighWaterState(f *testing.F) {
	f.Add(append(highWaterSlotBytes(1<<20+1, 2, false), highWaterSlotBytes(2<<20+1, 3, false)...))
	f.Add(append(highWaterSlotBytes(3000001, 4, true), highWaterSlotBytes(2<<20+1, 3, false)...))
	f.Add(highWaterSlotBytes(1<<20+1, 1, false))
	f.Add(append(highWaterSlotBytes(1<<20+1, 2, false), highWaterSlotBytes(2<<20+1, 3, false)[:11]...))
	f.Add(append(highWaterSlotBytes(7, 0, true), highWaterSlotBytes(5, math.MaxUint32, true)...))
	f.Add([]byte("garbage garbage garbage!"))
	f.Add([]byte{})
	dir := f.TempDir()
	sync := func(f *os.File) error { return nil }
	f.Fuzz(func(t *testing.T, data []byte) {
		os.WriteFile(filepath.Join(dir, highWaterName), data, 0o600)
		h, next, exact, ok, err := openHighWater(dir)
		if err != nil {
			t.Fatal(err)
		}
		if h.damaged != (len(data) > 0 && !ok) {
			t.Fatalf("%d bytes, ok %v: damaged %v", len(data), ok, h.damaged)
		}
		if ok && exact && h.reserved.Load() != next {
			t.Fatalf("exact mark %d, reserved %d", next, h.reserved.Load())
		}
		want := next + highWaterStep
		if err := h.write(want, !exact, sync); err != nil {
			t.Fatal(err)
		}
		h.f.Close()
		h2, got, gotExact, ok, err := openHighWater(dir)
		if err != nil || !ok || got != want || gotExact == exact {
			t.Fatalf("wrote %d (exact %v) after %x, read back %d %v %v %v", want, !exact, data, got, gotExact, ok, err)
		}
		h2.f.Close()
	})
}

// A slot counter that wrapped around still makes the newer slot win
// (before, the older slot was read: a cursor one commit back, or a
// high-water mark one reservation back, whose IDs would be handed out
// again).
func TestSlotSequenceWraps(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, cursorFile("siem")), append(cursorSlotBytes(9, 0), cursorSlotBytes(8, math.MaxUint32)...), 0o600)
	c, ok, err := openCursor(dir, "siem")
	if err != nil || !ok || c.committed != 9 {
		t.Errorf("cursor %d %v %v, want 9", c.committed, ok, err)
	}
	c.f.Close()
	os.WriteFile(filepath.Join(dir, highWaterName), append(highWaterSlotBytes(3<<20, 0, false), highWaterSlotBytes(2<<20, math.MaxUint32, false)...), 0o600)
	h, next, _, ok, err := openHighWater(dir)
	if err != nil || !ok || next != 3<<20 {
		t.Errorf("high-water %d %v %v, want %d", next, ok, err, 3<<20)
	}
	h.f.Close()
}

// FuzzNoEventsState feeds the no-events file damaged contents: loading
// never panics, gives only well-formed ranges (first <= last) ending at
// or after the oldest ID, or none; and what saveNoEvents writes is read
// back as it was.
func FuzzNoEventsState(f *testing.F) {
	f.Add([]byte("60706 1048577\n1159595 2097409\n"), uint64(1))
	f.Add([]byte("5 3\n"), uint64(1))
	f.Add([]byte("1 2\n3 x\n"), uint64(0))
	f.Add([]byte("18446744073709551615 18446744073709551615\n"), uint64(7))
	f.Add([]byte{}, uint64(0))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, oldest uint64) {
		os.WriteFile(filepath.Join(dir, noEventsName), data, 0o600)
		rs := loadNoEvents(dir, oldest)
		for _, r := range rs {
			if r.first > r.last || r.last < oldest {
				t.Fatalf("%q: range %v (oldest %d)", data, r, oldest)
			}
		}
		if err := saveNoEvents(dir, rs); err != nil {
			t.Fatal(err)
		}
		if again := loadNoEvents(dir, oldest); fmt.Sprint(again) != fmt.Sprint(rs) {
			t.Fatalf("saved %v, read back %v", rs, again)
		}
	})
}
