package file

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// posSlot is one slot as write lays it out, for seeds and tests.
func posSlot(seq uint64, rec posRecord) []byte {
	s := make([]byte, posSlotSize)
	copy(s, posMagic)
	s[4] = posVersion
	binary.LittleEndian.PutUint64(s[8:], seq)
	binary.LittleEndian.PutUint64(s[16:], rec.LastID)
	binary.LittleEndian.PutUint64(s[24:], uint64(rec.Size))
	binary.LittleEndian.PutUint64(s[32:], rec.Inode)
	binary.LittleEndian.PutUint64(s[40:], uint64(rec.Created))
	binary.LittleEndian.PutUint32(s[60:], crc32.Checksum(s[:60], crc32c))
	return s
}

// FuzzPositionFile feeds the file sink's position record (<path>.pos)
// damaged contents. Reading must never panic; it gives a record, nothing
// (an empty file) or errPosCorrupt, never a size no file has; and
// whatever was there, the next record written is the one read back.
func FuzzPositionFile(f *testing.F) {
	a := posRecord{LastID: 1042, Size: 123456, Inode: 2883617, Created: 1796544000000000000}
	b := posRecord{LastID: 1100, Size: 130001, Inode: 2883617, Created: 1796544000000000000}
	f.Add(append(posSlot(2, a), posSlot(3, b)...))
	f.Add(append(posSlot(4, b), posSlot(3, a)...))
	f.Add(posSlot(1, a))
	f.Add(append(posSlot(2, a), posSlot(3, b)[:40]...)) // torn second slot
	f.Add(append(posSlot(math.MaxUint64, a), posSlot(0, b)...))
	f.Add(posSlot(7, posRecord{Size: -1}))
	f.Add([]byte("NPOS\x01"))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(dir, "events.jsonl.pos")
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := openPosFile(name, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer p.close()
		rec, ok, err := p.read()
		switch {
		case err != nil && !errors.Is(err, errPosCorrupt):
			t.Fatalf("read: %v", err)
		case err != nil && len(data) == 0, err == nil && !ok && len(data) > 0:
			t.Fatalf("%d bytes: ok %v, err %v", len(data), ok, err)
		case ok && rec.Size < 0:
			t.Fatalf("record of a file of %d bytes", rec.Size)
		}
		next := posRecord{LastID: rec.LastID + 7, Size: rec.Size + 99, Inode: 2883617, Created: 1796544000000000000}
		if err := p.write(next, false); err != nil {
			t.Fatal(err)
		}
		q, err := openPosFile(name, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer q.close()
		got, ok, err := q.read()
		if err != nil || !ok || got != next {
			t.Fatalf("wrote %+v after %x, read back %+v %v %v", next, data, got, ok, err)
		}
	})
}

// A sequence number that wrapped around still makes the newer slot win,
// and a record with a negative size is not one (before, the older slot was
// read after a wrap, and a negative size made Open fail on every try:
// truncate to the recorded position).
func TestPositionFileWrapAndNegativeSize(t *testing.T) {
	name := filepath.Join(t.TempDir(), "events.jsonl.pos")
	old := posRecord{LastID: 5, Size: 10, Inode: 1}
	newer := posRecord{LastID: 9, Size: 20, Inode: 1}
	for _, tc := range []struct {
		data []byte
		want posRecord
		ok   bool
	}{
		{append(posSlot(0, newer), posSlot(math.MaxUint64, old)...), newer, true},
		{append(posSlot(3, posRecord{LastID: 9, Size: -5}), posSlot(2, old)...), old, true},
	} {
		os.WriteFile(name, tc.data, 0o600)
		p, err := openPosFile(name, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := p.read()
		p.close()
		if err != nil || ok != tc.ok || got != tc.want {
			t.Errorf("read %+v %v %v, want %+v", got, ok, err, tc.want)
		}
	}
}
