package windows

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestQuoteOrBackslash8: the lowest byte flagged is the first quote or
// backslash of the word, and a word without one has no flag, whatever
// the other bytes (those at 0x80 and above, and those one above or below
// a quote or backslash, are where a borrow could set a false flag).
func TestQuoteOrBackslash8(t *testing.T) {
	bytesOf := []byte{'"', '\\', '"' + 1, '"' - 1, '\\' + 1, '\\' - 1, 0, 0x7f, 0x80, 0x81, '"' | 0x80, '\\' | 0x80, 0xff, 'a', ' '}
	r := rand.New(rand.NewPCG(1, 2))
	var w [8]byte
	for range 200000 {
		for k := range w {
			w[k] = bytesOf[r.IntN(len(bytesOf))]
		}
		want := 8
		for k, c := range w {
			if c == '"' || c == '\\' {
				want = k
				break
			}
		}
		got := 8
		if m := quoteOrBackslash8(binary.LittleEndian.Uint64(w[:])); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != want {
			t.Fatalf("word %q: first quote or backslash at %d, flagged at %d", w, want, got)
		}
	}
}
