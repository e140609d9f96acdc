package keyset

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/stage/arena"
)

// TestAgainstMap adds and looks up random keys (short, longer than a
// one-byte length, a few longer than a page) in a Set and a Go map, with
// the hashes narrowed in some runs so that most keys collide: every
// answer is the map's, and All gives the map's keys.
func TestAgainstMap(t *testing.T) {
	for seed := range uint64(24) {
		rng := rand.New(rand.NewPCG(seed, 3))
		s := New()
		switch seed % 3 {
		case 1:
			s.mask = 0xff00000000000007 // 8 places' worth of hashes, tags apart
		case 2:
			s.mask = 0 // every key the same hash and tag
		}
		model := map[string]bool{}
		ops := 3000
		if seed%3 == 2 {
			ops = 600
		}
		for op := range ops {
			k := fmt.Sprint(rng.IntN(ops))
			switch r := rng.IntN(50); {
			case r == 0 && seed%4 == 0:
				k += strings.Repeat("p", arena.PageLen+rng.IntN(100)) // a page of its own
			case r < 15:
				k += strings.Repeat("x", rng.IntN(300))
			}
			key := []byte(k)
			if rng.IntN(2) == 0 {
				added := s.Add(key)
				if added == model[k] {
					t.Fatalf("seed %d op %d: Add(%.20q) = %v, held before: %v", seed, op, k, added, model[k])
				}
				model[k] = true
				clear(key) // the caller's buffer is reused
			} else if got := s.Has(key); got != model[k] {
				t.Fatalf("seed %d op %d: Has(%.20q) = %v, want %v", seed, op, k, got, model[k])
			}
			if s.Len() != len(model) {
				t.Fatalf("seed %d op %d: Len %d, want %d", seed, op, s.Len(), len(model))
			}
			if 8*s.n > 7*s.idx.Len() {
				t.Fatalf("seed %d op %d: %d keys in %d places", seed, op, s.n, s.idx.Len())
			}
		}
		var got []string
		s.All(func(k string) bool { got = append(got, k); return true })
		slices.Sort(got)
		var want []string
		for k := range model {
			want = append(want, k)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: All gave %d keys, want %d", seed, len(got), len(want))
		}
	}
}

// TestSmallStaysSmall: a set of a few short keys holds a few hundred
// bytes, not a page.
func TestSmallStaysSmall(t *testing.T) {
	s := New()
	for i := range 10 {
		s.Add(fmt.Appendf(nil, "host%d", i))
	}
	if pages := s.keys.Pages(); len(pages) != 1 || cap(pages[0]) > firstPage {
		t.Errorf("10 keys in %d pages, the first of %d bytes", len(pages), cap(pages[0]))
	}
	for i := range 3000 {
		s.Add(fmt.Appendf(nil, "another-host-%d", i))
	}
	pages := s.keys.Pages()
	for k, p := range pages {
		if k < len(pages)-1 && cap(p)-len(p) > 64 {
			t.Errorf("page %d of %d: %d bytes unused", k, len(pages), cap(p)-len(p))
		}
	}
}

// TestStop: All stops when fn returns false.
func TestStop(t *testing.T) {
	s := New()
	s.Add([]byte("a"))
	s.Add([]byte("b"))
	n := 0
	s.All(func(string) bool { n++; return false })
	if n != 1 {
		t.Errorf("All went on after false: %d calls", n)
	}
}

// FuzzAgainstMap reads ops from the input (a byte: add or ask, and a
// key's length, then the key) and checks every answer against a Go map,
// with the hashes narrowed so that keys collide.
func FuzzAgainstMap(f *testing.F) {
	f.Add([]byte("\x83abc\x03abc\x80\x00\x02ab"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		s := New()
		s.mask = 0xff0000000000000f
		model := map[string]bool{}
		for len(ops) > 0 {
			op, l := ops[0]&0x80 != 0, int(ops[0]&0x7f)
			ops = ops[1:]
			l = min(l, len(ops))
			k := ops[:l]
			ops = ops[l:]
			if op {
				if s.Add(k) == model[string(k)] {
					t.Fatalf("Add(%q): held before %v", k, model[string(k)])
				}
				model[string(k)] = true
			} else if s.Has(k) != model[string(k)] {
				t.Fatalf("Has(%q) = %v", k, !model[string(k)])
			}
		}
		if s.Len() != len(model) {
			t.Fatalf("Len %d, want %d", s.Len(), len(model))
		}
	})
}
