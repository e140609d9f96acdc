package journal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A cursor file holds two 16-byte slots written alternately with pwrite:
//
//	offset 0 (slot 0) and 16 (slot 1):
//	8 bytes  committed ID
//	4 bytes  sequence number (the slot with the higher one is current)
//	4 bytes  CRC32C of the 12 bytes before it
//
// A commit overwrites the older slot, so a write torn by a power loss
// leaves the other slot, one commit behind, intact: the output sends a few
// events again rather than losing any. A commit is one pwrite (no rename,
// no allocation), cheap enough to do per batch.
const (
	cursorSlot   = 16
	cursorSize   = 2 * cursorSlot
	cursorSubdir = "cursors"
)

// cursor is one reader's committed position. Its fields are guarded by
// Journal.mu, except that the file is written by the reader holding it.
type cursor struct {
	name      string
	committed uint64
	seq       uint32
	f         *os.File // nil in memory mode
	open      bool     // a Reader holds it
	dirty     bool     // written since the last fsync
	// lastCommit is when the reader last committed, or opened (pacing:
	// an output that is delivering may be waited for, briefly; one that
	// is not, not).
	lastCommit time.Time
	// read is the last ID the reader has taken (pacing: what it has read
	// but not committed yet may leave the tail without costing it a disk
	// read). Set when Next takes the lock; at least committed.
	read uint64
}

// cursorFile maps a reader name to a file name: bytes other than letters,
// digits, '-', '_' and '.' (and a leading '.') are %XX-escaped, so any
// output name is safe and names map back one to one.
func cursorFile(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' && i > 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func cursorName(file string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(file); i++ {
		if file[i] != '%' {
			b.WriteByte(file[i])
			continue
		}
		if i+2 >= len(file) {
			return "", false
		}
		var c byte
		if _, err := fmt.Sscanf(file[i+1:i+3], "%02X", &c); err != nil {
			return "", false
		}
		b.WriteByte(c)
		i += 2
	}
	return b.String(), cursorFile(b.String()) == file
}

// openCursor opens (creating if needed) the cursor file of name in dir and
// reads its position; ok is false for a new or unreadable file.
func openCursor(dir, name string) (c *cursor, ok bool, err error) {
	f, err := os.OpenFile(filepath.Join(dir, cursorFile(name)), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, false, err
	}
	c = &cursor{name: name, f: f}
	var buf [cursorSize]byte
	n, _ := f.ReadAt(buf[:], 0)
	for slot := 0; slot+cursorSlot <= n; slot += cursorSlot {
		b := buf[slot : slot+cursorSlot]
		if crc32.Checksum(b[:12], castagnoli) != binary.LittleEndian.Uint32(b[12:]) {
			continue
		}
		seq := binary.LittleEndian.Uint32(b[8:])
		if !ok || newerSeq(seq, c.seq) {
			c.committed, c.seq, ok = binary.LittleEndian.Uint64(b), seq, true
		}
	}
	return c, ok, nil
}

// newerSeq reports whether slot sequence number a was written after b:
// the two slots are written alternately, each one ahead of the other
// modulo 2^32 (serial number arithmetic, so that a counter that wrapped
// around still wins).
func newerSeq(a, b uint32) bool { return int32(a-b) > 0 }

// write stores id in the older slot. It is called with the new sequence
// number already chosen, outside Journal.mu.
func writeCursor(f *os.File, id uint64, seq uint32) error {
	var b [cursorSlot]byte
	binary.LittleEndian.PutUint64(b[:], id)
	binary.LittleEndian.PutUint32(b[8:], seq)
	binary.LittleEndian.PutUint32(b[12:], crc32.Checksum(b[:12], castagnoli))
	_, err := f.WriteAt(b[:], int64(seq%2)*cursorSlot)
	return err
}
