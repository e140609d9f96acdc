package lru

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestExtraAgainstModel: extra bytes of every length, rewritten, through
// deletions, evictions and compactions, stay their entry's, and setting
// them does not change the order.
func TestExtraAgainstModel(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 2))
		c := New[int](1 + rng.IntN(100))
		if seed%2 == 0 {
			c.mask = 7
		}
		model := map[string][]byte{} // key -> its extra bytes
		for op := range 4000 {
			k := fmt.Sprint(rng.IntN(300))
			switch r := rng.IntN(10); {
			case r < 4:
				c.Put(k, op, func(k string, _ *int) { delete(model, k) })
				model[k] = nil
			case r < 5:
				c.Delete(k)
				delete(model, k)
			default:
				v, ok := c.Peek(k)
				if !ok {
					continue
				}
				if got := c.Extra(v); !bytes.Equal(got, model[k]) {
					t.Fatalf("seed %d op %d: Extra(%s) = %q, want %q", seed, op, k, got, model[k])
				}
				before := keys(c)
				for range 1 + rng.IntN(3) { // again: the last record of the arena, changed in place
					x := bytes.Repeat([]byte{byte(op)}, rng.IntN(300))
					if old := c.Extra(v); rng.IntN(3) == 0 && len(old) > 0 {
						x = old[1:] // its old bytes, in the arena, one shorter
					}
					want := slices.Clone(x)
					c.SetExtra(v, x, func(k string, _ *int) { t.Fatalf("%s evicted by SetExtra", k) })
					model[k] = want
				}
				if after := keys(c); !slices.Equal(before, after) {
					t.Fatalf("seed %d op %d: SetExtra changed the order: %v, then %v", seed, op, before, after)
				}
			}
			if c.Len() != len(model) {
				t.Fatalf("seed %d op %d: Len %d, model %d", seed, op, c.Len(), len(model))
			}
		}
		c.All(func(k string, v *int) bool {
			if got := c.Extra(v); !bytes.Equal(got, model[k]) {
				t.Fatalf("seed %d: Extra(%s) = %q, want %q", seed, k, got, model[k])
			}
			return true
		})
	}
}

// TestExtraArenaBound: extra bytes past the arena's bound (narrowed here)
// evict the least recently used entries, never the one being set.
func TestExtraArenaBound(t *testing.T) {
	c := New[int](1000)
	c.arenaMax = 200
	var evicted []string
	ev := func(k string, _ *int) { evicted = append(evicted, k) }
	for i := range 5 {
		c.Put(fmt.Sprintf("k%d", i), i, ev) // 4 bytes each
	}
	v, _ := c.Peek("k0") // the least recently used
	c.SetExtra(v, bytes.Repeat([]byte{'x'}, 180), ev)
	if uint64(len(c.keys)) > c.arenaMax {
		t.Fatalf("arena of %d bytes", len(c.keys))
	}
	if got := c.Extra(v); len(got) != 180 {
		t.Fatalf("k0's extra: %d bytes", len(got))
	}
	if _, ok := c.Peek("k0"); !ok || len(evicted) == 0 || slices.Contains(evicted, "k0") {
		t.Fatalf("evicted %v", evicted)
	}
}
