package lru

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/stage/arena"
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
			if seed%4 == 3 {
				k += strings.Repeat("k", 60) // a head of two bytes (a key of 64 bytes or more)
			}
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
				if err := c.check(); err != nil {
					t.Fatalf("seed %d op %d before: %v", seed, op, err)
				}
				before := keys(c)
				for range 1 + rng.IntN(3) { // again: the last record of the arena, changed in place
					n := rng.IntN(300)
					if rng.IntN(5) == 0 {
						n = 0 // none: the record has no length for them
					}
					if seed%3 == 1 && rng.IntN(20) == 0 {
						n = rng.IntN(3 * arena.PageLen) // longer than a page, maybe: a page of its own
					}
					x := bytes.Repeat([]byte{byte(op)}, n)
					if old := c.Extra(v); rng.IntN(3) == 0 && len(old) > 0 {
						x = old[1:] // its old bytes, in the arena, one shorter
					}
					want := slices.Clone(x)
					c.SetExtra(v, x, func(k string, _ *int) { t.Fatalf("%s evicted by SetExtra", k) })
					model[k] = want
					if err := c.check(); err != nil {
						t.Fatalf("seed %d op %d setextra %d: %v", seed, op, len(want), err)
					}
				}
				if after := keys(c); !slices.Equal(before, after) {
					t.Fatalf("seed %d op %d: SetExtra changed the order: %v, then %v", seed, op, before, after)
				}
			}
			if err := c.check(); err != nil {
				t.Fatalf("seed %d op %d: %v", seed, op, err)
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
		c.Put(fmt.Sprintf("k%d", i), i, ev) // 3 bytes each
	}
	v, _ := c.Peek("k0") // the least recently used
	c.SetExtra(v, bytes.Repeat([]byte{'x'}, 190), ev)
	if c.pages.End() > c.arenaMax {
		t.Fatalf("arena of %d bytes", c.pages.End())
	}
	if got := c.Extra(v); len(got) != 190 {
		t.Fatalf("k0's extra: %d bytes", len(got))
	}
	if _, ok := c.Peek("k0"); !ok || len(evicted) == 0 || slices.Contains(evicted, "k0") {
		t.Fatalf("evicted %v", evicted)
	}
}

// The one-search calls do what their two-call forms do: the same values,
// order and evictions.
func TestOneSearchCalls(t *testing.T) {
	c := New[int](3)
	var evicted []string
	ev := func(k string, v *int) { evicted = append(evicted, fmt.Sprint(k, "=", *v)) }
	for i, k := range []string{"a", "b", "c"} {
		v, found := c.GetOrPutBytes([]byte(k), ev)
		if found || *v != 0 {
			t.Fatalf("%s: new key found=%v value %d", k, found, *v)
		}
		*v = i + 1
	}
	if v, found := c.PeekOrPutBytes([]byte("a"), ev); !found || *v != 1 {
		t.Fatalf("peek a = %v %v", *v, found)
	}
	if got := keys(c); !slices.Equal(got, []string{"c", "b", "a"}) {
		t.Errorf("a peeked: order = %v", got)
	}
	if v, found := c.GetOrPutBytes([]byte("a"), ev); !found || *v != 1 {
		t.Fatalf("get a = %v %v", *v, found)
	}
	if got := keys(c); !slices.Equal(got, []string{"a", "c", "b"}) {
		t.Errorf("a used: order = %v", got)
	}
	v, found := c.PeekOrPutBytes([]byte("d"), ev) // full: evicts b
	if found || *v != 0 {
		t.Fatalf("new d found=%v value %d", found, *v)
	}
	*v = 4
	if !slices.Equal(evicted, []string{"b=2"}) {
		t.Errorf("evicted = %v", evicted)
	}
	c.MarkUsed(c.mustPeek(t, "c"))
	if got := keys(c); !slices.Equal(got, []string{"c", "d", "a"}) {
		t.Errorf("c marked used: order = %v", got)
	}
	for _, k := range []string{"d", "c", "a"} { // middle, head, last
		c.DeleteValue(c.mustPeek(t, k))
		if _, ok := c.Peek(k); ok {
			t.Errorf("%s still there", k)
		}
	}
	if c.Len() != 0 {
		t.Errorf("len %d", c.Len())
	}
	// A freed node comes back with the zero value.
	if v, found := c.GetOrPutBytes([]byte("e"), ev); found || *v != 0 {
		t.Errorf("reused node: found=%v value %d", found, *v)
	}
}

func (c *Map[V]) mustPeek(t *testing.T, k string) *V {
	t.Helper()
	v, ok := c.Peek(k)
	if !ok {
		t.Fatalf("%s missing", k)
	}
	return v
}
