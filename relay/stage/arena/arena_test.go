package arena

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestUvarintLen(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 16383, 16384, 1 << 21, 1<<31 - 1} {
		if got, want := UvarintLen(n), len(binary.AppendUvarint(nil, uint64(n))); got != want {
			t.Errorf("UvarintLen(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestRecords: records of keys and extra bytes of random lengths (a head
// of one byte and of several, none, short and long extra bytes), each
// readied and appended in turn, read back whole from their places; each
// as long as Size says, none straddling two pages but one longer than a
// page, which starts a page of its own.
func TestRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var a Pages
	type rec struct {
		off    uint32
		key, x string
	}
	var recs []rec
	lens := []int{0, 1, 5, 63, 64, 200, 20000, PageLen + 3}
	for range 3000 {
		key := strings.Repeat(string(rune('a'+rng.IntN(26))), lens[rng.IntN(6)]+rng.IntN(3))
		x := ""
		if rng.IntN(2) == 0 {
			x = strings.Repeat("x", lens[rng.IntN(len(lens))])
		}
		need := Size(len(key), len(x))
		off := a.Ready(need, 64)
		p := a.Last()
		l := len(*p)
		*p = AppendRecord(*p, key, []byte(x))
		if len(*p)-l != need {
			t.Fatalf("record of %d and %d bytes: %d long, Size %d", len(key), len(x), len(*p)-l, need)
		}
		if need <= PageLen && int(off&Mask)+need > PageLen {
			t.Fatalf("record of %d bytes at %d of its page", need, off&Mask)
		}
		if need > PageLen && off&Mask != 0 {
			t.Fatalf("record of %d bytes at %d of its page, not a page of its own", need, off&Mask)
		}
		recs = append(recs, rec{off, key, x})
	}
	for i, r := range recs {
		b := a.Rec(r.off)
		_, kend := KeySpan(b)
		xs, xe := ExtraSpan(b, kend)
		if !bytes.Equal(Key(b), []byte(r.key)) || string(b[xs:xe]) != r.x || RecordLen(b) != Size(len(r.key), len(r.x)) {
			t.Fatalf("record %d at %x: key of %d bytes, extra %d, want %d and %d", i, r.off, len(Key(b)), xe-xs, len(r.key), len(r.x))
		}
	}
	if a.Len() > a.Cap() || uint64(a.Len()) > a.End() {
		t.Errorf("%d bytes in pages of %d, ending at %d", a.Len(), a.Cap(), a.End())
	}
}

// TestSmallFirstPage: an arena of a few records holds a page of their
// size (twice as long at most), not 64 KiB; Reset keeps it.
func TestSmallFirstPage(t *testing.T) {
	var a Pages
	for i := range 10 {
		a.Ready(Size(6, 0), 16)
		p := a.Last()
		*p = AppendRecord(*p, "host"+string(rune('0'+i))+"!", nil)
	}
	if len(a.Pages()) != 1 || a.Cap() > 2*a.Len() {
		t.Errorf("%d bytes in %d pages of %d", a.Len(), len(a.Pages()), a.Cap())
	}
	a.Reset(4096)
	if len(a.Pages()) != 1 || a.Len() != 0 || a.Ready(Size(6, 0), 16) != 0 {
		t.Errorf("after Reset: %d bytes in %d pages", a.Len(), len(a.Pages()))
	}
}
