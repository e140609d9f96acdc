package correlate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestValueIndex: a dispatch field's value index finds exactly the values
// of its table, for values of every length up to beyond 16 bytes, among
// them values that share their first and last bytes, their length and
// their last 8 bytes, and the empty value.
func TestValueIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	word := func() string {
		n := rng.IntN(30)
		if rng.IntN(3) == 0 && n > 16 { // same first and last 8 bytes as others of its length
			return "abcdefgh" + strings.Repeat(string(rune('a'+rng.IntN(3))), n-16) + "stuvwxyz"
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = "ab.4"[rng.IntN(4)]
		}
		return string(b)
	}
	for round := range 300 {
		table := map[string][]int{}
		for i := range rng.IntN(40) {
			table[word()] = []int{i}
		}
		x := newValueIndex(table)
		for range 200 {
			s := word()
			if got, want := x.lookup(s), table[s]; !slices.Equal(got, want) {
				t.Fatalf("round %d: %q: entries %v, want %v", round, s, got, want)
			}
		}
		for s, want := range table {
			if got := x.lookup(s); !slices.Equal(got, want) {
				t.Fatalf("round %d: %q: entries %v, want %v", round, s, got, want)
			}
		}
	}
}
