package lru

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/nomenhq/nomen/relay/stage/arena"
)

// check reports an entry whose record is not where its node says (in
// its page), or an arena whose bytes are not what it counts.
func (c *Map[V]) check() error {
	pages := c.pages.Pages()
	if used := c.pages.Len(); used != c.used {
		return fmt.Errorf("pages of %d bytes, %d counted", used, c.used)
	}
	for i := range c.made {
		n := c.at(i)
		if n.stamp == 0 {
			continue
		}
		pg := int(n.off >> arena.Shift)
		if pg >= len(pages) {
			return fmt.Errorf("node %d off %x page %d of %d", i, n.off, pg, len(pages))
		}
		pos := int(n.off & arena.Mask)
		if pos >= len(pages[pg]) {
			var ls []string
			for _, p := range pages {
				ls = append(ls, fmt.Sprintf("%d/%d", len(p), cap(p)))
			}
			return fmt.Errorf("node %d off %x pos %d page len %d cap %d, pages %v used %d dead %d", i, n.off, pos, len(pages[pg]), cap(pages[pg]), ls, c.used, c.dead)
		}
	}
	return nil
}

// arenaCap is the capacity of c's pages.
func arenaCap[V any](c *Map[V]) int { return c.pages.Cap() }

func keys[V any](c *Map[V]) []string {
	var out []string
	c.All(func(k string, _ *V) bool { out = append(out, k); return true })
	return out
}

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	c := New[int](3)
	var evicted []string
	ev := func(k string, v *int) { evicted = append(evicted, fmt.Sprint(k, "=", *v)) }
	c.Put("a", 1, ev)
	c.Put("b", 2, ev)
	c.Put("c", 3, ev)
	if _, ok := c.Get("a"); !ok { // a becomes most recent
		t.Fatal("a missing")
	}
	c.Put("d", 4, ev) // evicts b
	if got := keys(c); !slices.Equal(got, []string{"d", "a", "c"}) {
		t.Errorf("order = %v", got)
	}
	if !slices.Equal(evicted, []string{"b=2"}) {
		t.Errorf("evicted = %v", evicted)
	}
	if _, ok := c.GetBytes([]byte("c")); !ok {
		t.Fatal("c missing")
	}
	c.Delete("a")
	if k, _, _ := c.Oldest(); k != "d" {
		t.Errorf("oldest = %q", k)
	}
	if got := keys(c); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("order = %v", got)
	}
	c.PutBack("z", 26)
	if got := keys(c); !slices.Equal(got, []string{"c", "d", "z"}) {
		t.Errorf("order after PutBack = %v", got)
	}
	c.PutBack("y", 25) // full: ignored
	if c.Len() != 3 {
		t.Errorf("len = %d", c.Len())
	}
}

func TestDeleteDuringAll(t *testing.T) {
	c := New[int](10)
	for i := range 5 {
		c.Put(fmt.Sprint(i), i, nil)
	}
	c.All(func(k string, v *int) bool {
		if *v%2 == 0 {
			c.Delete(k)
		}
		return true
	})
	if got := keys(c); !slices.Equal(got, []string{"3", "1"}) {
		t.Errorf("keys = %v", got)
	}
}

// TestAgainstModel runs random operations on a Map and on a plain slice
// in recency order, and compares them after each: order, values, what was
// evicted. It also holds on to the pointer Put returned for every live key
// and checks that it still points at that key's value, across the reuse of
// freed nodes and the growth past several chunks.
func TestAgainstModel(t *testing.T) {
	type entry struct {
		k string
		v int
	}
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 1))
		max := 1 + rng.IntN(3*chunkLen)
		if seed%5 == 1 {
			max = 1 + rng.IntN(6) // a small index, whose runs of keys wrap around its end
		}
		c := New[int](max)
		switch seed % 6 {
		case 0:
			c.mask = 7 // few hashes, all at the index's first place: most keys share theirs with others
		case 3:
			c.mask = 0xe0000000 // few hashes, spread over the index: runs of them wrap around its end
		}
		if seed%2 == 0 {
			c.distCap = 3 // probe distances past 2 are worked out from hashes
		}
		long := 200
		if seed%4 == 3 {
			long = 3000 // the arena past a page: records in several
		}
		if seed%7 == 3 {
			// The stamps run out often: renumbered (nodes.go).
			c.clock, c.low = math.MaxUint32-300, 20
		}
		var model []entry // most recently used first
		ptrs := map[string]*int{}
		find := func(k string) int {
			return slices.IndexFunc(model, func(e entry) bool { return e.k == k })
		}
		for op := range 5000 {
			k := fmt.Sprint(rng.IntN(4 * max))
			if rng.IntN(2) == 0 {
				k += strings.Repeat("x", rng.IntN(long)) // long keys: the arena compacts
			}
			switch r := rng.IntN(12); {
			case r == 10: // PutBack: the least recently used, if new and not full
				p := c.PutBack(k, op)
				if i := find(k); i >= 0 || len(model) >= max {
					if p != nil {
						t.Fatalf("seed %d op %d: PutBack(%s) added", seed, op, k)
					}
					break
				}
				model = append(model, entry{k, op})
				ptrs[k] = p
			case r == 11: // MarkUsed, DeleteValue by the pointer Put gave
				p, ok := ptrs[k]
				if !ok {
					break
				}
				i := find(k)
				if rng.IntN(2) == 0 {
					c.MarkUsed(p)
					e := model[i]
					model = slices.Insert(slices.Delete(model, i, i+1), 0, e)
				} else {
					c.DeleteValue(p)
					model = slices.Delete(model, i, i+1)
					delete(ptrs, k)
				}
			case r < 5: // Put
				var evicted []string
				put := c.Put
				if op%2 == 0 {
					put = func(k string, v int, ev func(string, *int)) *int { return c.PutBytes([]byte(k), v, ev) }
				}
				p := put(k, op, func(k string, v *int) { evicted = append(evicted, fmt.Sprint(k, "=", *v)) })
				var want []string
				if i := find(k); i >= 0 {
					model = slices.Delete(model, i, i+1)
				} else if len(model) >= max {
					last := model[len(model)-1]
					want = append(want, fmt.Sprint(last.k, "=", last.v))
					model = model[:len(model)-1]
					delete(ptrs, last.k)
				}
				model = slices.Insert(model, 0, entry{k, op})
				ptrs[k] = p
				if !slices.Equal(evicted, want) {
					t.Fatalf("seed %d op %d: evicted %v, want %v", seed, op, evicted, want)
				}
			case r < 7: // Get
				v, ok := c.Get(k)
				i := find(k)
				if ok != (i >= 0) || ok && *v != model[i].v {
					t.Fatalf("seed %d op %d: Get(%s) = %v, %v", seed, op, k, v, ok)
				}
				if ok {
					e := model[i]
					model = slices.Insert(slices.Delete(model, i, i+1), 0, e)
				}
			case r < 9: // Delete
				if op%2 == 0 {
					c.DeleteBytes([]byte(k))
				} else {
					c.Delete(k)
				}
				if i := find(k); i >= 0 {
					model = slices.Delete(model, i, i+1)
				}
				delete(ptrs, k)
			default: // Delete all, down to empty
				for _, e := range model {
					c.Delete(e.k)
				}
				model, ptrs = nil, map[string]*int{}
			}
			if err := c.check(); err != nil {
				t.Fatalf("seed %d op %d: %v", seed, op, err)
			}
			var got []entry
			c.All(func(k string, v *int) bool { got = append(got, entry{k, *v}); return true })
			if !slices.Equal(got, model) {
				t.Fatalf("seed %d op %d: entries %v, want %v", seed, op, got, model)
			}
			if c.Len() != len(model) {
				t.Fatalf("seed %d op %d: Len %d, want %d", seed, op, c.Len(), len(model))
			}
			for k, p := range ptrs {
				if *p != model[find(k)].v {
					t.Fatalf("seed %d op %d: the pointer Put gave for %s no longer points at its value", seed, op, k)
				}
			}
			if k, v, ok := c.Oldest(); ok != (len(model) > 0) || ok && (k != model[len(model)-1].k || *v != model[len(model)-1].v) {
				t.Fatalf("seed %d op %d: Oldest = %s", seed, op, k)
			}
		}
	}
}

// TestEmptiedMapLetsGo: once its last key is gone, a map keeps one chunk
// of nodes, not its peak.
func TestEmptiedMapLetsGo(t *testing.T) {
	c := New[string](10 * chunkLen)
	for i := range 10 * chunkLen {
		c.Put(fmt.Sprint(i), "value", nil)
	}
	if len(c.chunks) != 10 {
		t.Fatalf("%d chunks for %d keys", len(c.chunks), 10*chunkLen)
	}
	for i := range 10 * chunkLen {
		c.Delete(fmt.Sprint(i))
	}
	if len(c.chunks) != 1 || c.made != 0 || c.used != 0 {
		t.Errorf("emptied: %d chunks, %d nodes made", len(c.chunks), c.made)
	}
	for _, n := range c.chunks[0] {
		if n.stamp != 0 || n.val != "" { // (a free node's off links the free ones)
			t.Fatal("a freed node still holds its value or is in the order")
		}
	}
	c.Put("a", "1", nil)
	if v, ok := c.Get("a"); !ok || *v != "1" || c.Len() != 1 {
		t.Errorf("after emptying: Get = %v, %v", v, ok)
	}
}

// TestNewKeyReusesNode: a key that evicts another takes its node (no
// allocation but the key's string, made by the caller).
func TestNewKeyReusesNode(t *testing.T) {
	c := New[int](100)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprint("key", i)
	}
	for _, k := range keys[:100] {
		c.Put(k, 1, nil)
	}
	i := 100
	allocs := testing.AllocsPerRun(500, func() {
		c.Put(keys[i%len(keys)], i, nil) // evicts the oldest
		i++
	})
	if allocs != 0 {
		t.Errorf("Put evicting into a full map: %v allocations", allocs)
	}
}

func BenchmarkGetBytes(b *testing.B) {
	c := New[int](1000)
	for i := range 1000 {
		c.Put(fmt.Sprintf("host%d/app", i), i, nil)
	}
	key := []byte("host500/app")
	b.ReportAllocs()
	for b.Loop() {
		c.GetBytes(key)
	}
}

// TestArenaCompacts: keys evicted and deleted leave dead bytes in the
// arena; it is compacted, so that it stays within about twice the keys in
// use, its capacity too (no arena kept in reserve), and every key still
// finds its value (under colliding hashes too).
func TestArenaCompacts(t *testing.T) {
	for _, mask := range []uint32{math.MaxUint32, 3} {
		c := New[int](50)
		c.mask = mask
		if mask == 3 {
			c.distCap = 5
		}
		key := func(i int) string { return fmt.Sprintf("%06d", i) + strings.Repeat("k", 100) }
		for i := range 5000 {
			c.Put(key(i), i, nil)
			if i%7 == 0 {
				c.DeleteBytes([]byte(key(i - 3)))
			}
			if live := 50 * (1 + len(key(0))); arenaCap(c) > 2*live+minCompact {
				t.Fatalf("mask %x, key %d: arena of %d bytes (%d used) for %d of live keys", mask, i, arenaCap(c), c.used, live)
			}
		}
		n := 0
		c.All(func(k string, v *int) bool {
			n++
			if k != key(*v) {
				t.Fatalf("mask %x: %s holds the value of %s", mask, k, key(*v))
			}
			if p, ok := c.Peek(k); !ok || p != v {
				t.Fatalf("mask %x: Peek(%s) = %v, %v", mask, k, p, ok)
			}
			return true
		})
		if n != 50 || c.Len() != 50 {
			t.Errorf("mask %x: %d keys, Len %d, want 50", mask, n, c.Len())
		}
	}
}

// TestArenaBound: keys past the arena's bound (4 GiB; narrowed here)
// evict the least recently used ones, counted like any eviction, and the
// keys kept still find their values.
func TestArenaBound(t *testing.T) {
	c := New[int](1000)
	c.arenaMax = 10 * 12 // ten records of a 10-byte key (and no extra bytes)
	evicted := 0
	for i := range 25 {
		c.Put(fmt.Sprintf("key%07d", i), i, func(string, *int) { evicted++ })
		if c.pages.End() > c.arenaMax {
			t.Fatalf("key %d: arena of %d bytes", i, c.pages.End())
		}
	}
	if c.Len() != 10 || evicted != 15 {
		t.Fatalf("Len %d, %d evicted; want 10 and 15", c.Len(), evicted)
	}
	for i := 15; i < 25; i++ {
		if v, ok := c.Get(fmt.Sprintf("key%07d", i)); !ok || *v != i {
			t.Errorf("key %d: %v, %v", i, v, ok)
		}
	}
}

// TestNodeSize: a node adds 12 bytes to a value of alignment 4 or less
// (the package's memory figures, and the stages' values, count on it).
func TestNodeSize(t *testing.T) {
	if s := unsafe.Sizeof(node[struct{}]{}); s != 8 {
		t.Errorf("node of no value: %d bytes", s)
	}
	if s := unsafe.Sizeof(node[[12]byte]{}); s != 20 {
		t.Errorf("node of a 12-byte value: %d bytes", s)
	}
	if s := unsafe.Sizeof(node[struct {
		a [8]byte
		b int32
		c [4]uint8
	}]{}); s != 24 {
		t.Errorf("node of a 16-byte value of alignment 4: %d bytes", s)
	}
}

// TestMaxBound: a bound past what a place of the index can number
// (maxNodes) is that many, not a map whose node numbers would overflow
// into the probe distances.
func TestMaxBound(t *testing.T) {
	if m := New[int](math.MaxInt32).Max(); m != maxNodes {
		t.Errorf("Max = %d, want %d", m, maxNodes)
	}
	c := New[int](10)
	c.SetMax(math.MaxInt)
	if c.Max() != maxNodes {
		t.Errorf("SetMax(MaxInt): Max = %d, want %d", c.Max(), maxNodes)
	}
}

// TestEvictionOrderLarge: in a map of thousands of keys (the queue of
// the least recently used filled from a sample of the stamps, not from
// all of them), every key evicted is the least recently used of the
// model's, and Oldest is too, across uses, deletions and renumbering.
func TestEvictionOrderLarge(t *testing.T) {
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 7))
		const max = 3000
		c := New[int](max)
		if seed == 2 {
			c.clock = math.MaxUint32 - 20000 // renumbered on the way
		}
		last := map[string]int{} // key -> when last used, the model
		oldest := func() string {
			k, at := "", math.MaxInt
			for m, a := range last {
				if a < at {
					k, at = m, a
				}
			}
			return k
		}
		for op := range 40000 {
			k := fmt.Sprint(rng.IntN(2 * max))
			switch r := rng.IntN(10); {
			case r < 6:
				var want string
				if _, ok := last[k]; !ok && len(last) >= max {
					want = oldest()
				}
				var got []string
				c.Put(k, op, func(k string, _ *int) { got = append(got, k) })
				if want != "" && (len(got) != 1 || got[0] != want) || want == "" && len(got) != 0 {
					t.Fatalf("seed %d op %d: evicted %v, want %q", seed, op, got, want)
				}
				if want != "" {
					delete(last, want)
				}
				last[k] = op
			case r < 9:
				if _, ok := c.Get(k); ok {
					last[k] = op
				}
			default:
				c.Delete(k)
				delete(last, k)
			}
			if op%1000 == 0 {
				if k, _, ok := c.Oldest(); !ok || k != oldest() {
					t.Fatalf("seed %d op %d: Oldest %q, want %q", seed, op, k, oldest())
				}
			}
		}
	}
}
