// Package lru is a bounded map that remembers the order in which keys were
// last used. The stages that keep per-key state (sequence streams,
// correlation windows, first-seen sets, open processes) use it so that an
// attacker sending random host names or addresses cannot exhaust memory:
// when full, the least recently used key is evicted and counted.
//
// It is not safe for concurrent use (the stages are single-goroutine).
package lru

import "math"

// Map is a string-keyed map bounded to Max entries. The zero value is not
// usable; call New.
//
// Entries live in chunks of nodes linked by index, not in a heap object
// each: a rule at its max_keys of 100,000 is ~1,600 objects for the
// garbage collector to mark rather than 100,000, and a new key allocates
// nothing once its node is reused. A node never moves, so the pointer to a value
// that Get, Put and the others return stays valid until its key is deleted
// or evicted; after that its node is reused for another key.
type Map[V any] struct {
	m          map[string]int32 // key -> node
	chunks     [][]node[V]
	made       int32 // nodes handed out so far, free or not
	free       int32 // first free node (linked by next), or none
	head, tail int32 // most and least recently used, or none
	max        int
}

type node[V any] struct {
	key        string
	val        V
	prev, next int32
}

const (
	none      = -1
	chunkBits = 6 // 64 nodes a chunk
	chunkLen  = 1 << chunkBits
)

// New returns a map that holds at most n entries (n < 1 means 1).
func New[V any](n int) *Map[V] {
	c := &Map[V]{m: make(map[string]int32), free: none, head: none, tail: none}
	c.SetMax(n)
	return c
}

// Len returns the number of entries.
func (c *Map[V]) Len() int { return len(c.m) }

// Max returns the bound.
func (c *Map[V]) Max() int { return c.max }

// SetMax changes the bound; it takes effect at the next Put.
func (c *Map[V]) SetMax(n int) {
	c.max = min(max(n, 1), math.MaxInt32)
}

func (c *Map[V]) at(i int32) *node[V] { return &c.chunks[i>>chunkBits][i&(chunkLen-1)] }

// Get returns the value of key and marks it most recently used.
func (c *Map[V]) Get(key string) (*V, bool) {
	i, ok := c.m[key]
	if !ok {
		return nil, false
	}
	c.toFront(i)
	return &c.at(i).val, true
}

// GetBytes is Get for a key held in a scratch buffer (no allocation).
func (c *Map[V]) GetBytes(key []byte) (*V, bool) {
	i, ok := c.m[string(key)]
	if !ok {
		return nil, false
	}
	c.toFront(i)
	return &c.at(i).val, true
}

// Peek returns the value of key without changing its position.
func (c *Map[V]) Peek(key string) (*V, bool) {
	i, ok := c.m[key]
	if !ok {
		return nil, false
	}
	return &c.at(i).val, true
}

// PeekBytes is Peek for a key held in a scratch buffer (no allocation).
func (c *Map[V]) PeekBytes(key []byte) (*V, bool) {
	i, ok := c.m[string(key)]
	if !ok {
		return nil, false
	}
	return &c.at(i).val, true
}

// Put adds key (most recently used) with value v, or replaces its value.
// If the map was full, the least recently used entry is removed and passed
// to evicted (which may be nil; it must not keep the pointer). It returns
// a pointer to the stored value.
func (c *Map[V]) Put(key string, v V, evicted func(key string, v *V)) *V {
	if i, ok := c.m[key]; ok {
		n := c.at(i)
		n.val = v
		c.toFront(i)
		return &n.val
	}
	for len(c.m) >= c.max && c.tail != none {
		old := c.tail
		n := c.at(old)
		c.unlink(old)
		delete(c.m, n.key)
		if evicted != nil {
			evicted(n.key, &n.val)
		}
		c.release(old)
	}
	i := c.alloc()
	n := c.at(i)
	n.key, n.val = key, v
	c.m[key] = i
	c.pushFront(i)
	return &n.val
}

// PutBack adds key as the least recently used entry (used when restoring
// a snapshot written newest first). It does nothing if key exists or the
// map is full.
func (c *Map[V]) PutBack(key string, v V) {
	if _, ok := c.m[key]; ok || len(c.m) >= c.max {
		return
	}
	i := c.alloc()
	n := c.at(i)
	n.key, n.val, n.prev, n.next = key, v, c.tail, none
	if c.tail != none {
		c.at(c.tail).next = i
	} else {
		c.head = i
	}
	c.tail = i
	c.m[key] = i
}

// Delete removes key.
func (c *Map[V]) Delete(key string) {
	if i, ok := c.m[key]; ok {
		c.unlink(i)
		delete(c.m, key)
		c.release(i)
	}
}

// Oldest returns the least recently used entry.
func (c *Map[V]) Oldest() (string, *V, bool) {
	if c.tail == none {
		return "", nil, false
	}
	n := c.at(c.tail)
	return n.key, &n.val, true
}

// All calls fn for every entry, most recently used first, until fn returns
// false. fn must not add entries; it may delete the one it is given.
func (c *Map[V]) All(fn func(key string, v *V) bool) {
	for i := c.head; i != none; {
		n := c.at(i)
		next := n.next
		if !fn(n.key, &n.val) {
			return
		}
		i = next
	}
}

// alloc returns a free node, from the free list or a new one.
func (c *Map[V]) alloc() int32 {
	if i := c.free; i != none {
		c.free = c.at(i).next
		return i
	}
	i := c.made
	if int(i)>>chunkBits == len(c.chunks) {
		c.chunks = append(c.chunks, make([]node[V], chunkLen))
	}
	c.made++
	return i
}

// release clears node i (so that it keeps nothing alive) and frees it.
// The chunks made stay, for keys to come, until the last entry is gone:
// then all but the first go too, so that a map that was full once does
// not keep its peak memory after its keys expired.
func (c *Map[V]) release(i int32) {
	*c.at(i) = node[V]{next: c.free}
	c.free = i
	if len(c.m) == 0 {
		// Every node is cleared: start again at the first.
		c.chunks, c.made, c.free = c.chunks[:1:1], 0, none
	}
}

func (c *Map[V]) toFront(i int32) {
	if c.head == i {
		return
	}
	c.unlink(i)
	c.pushFront(i)
}

func (c *Map[V]) pushFront(i int32) {
	n := c.at(i)
	n.prev, n.next = none, c.head
	if c.head != none {
		c.at(c.head).prev = i
	}
	c.head = i
	if c.tail == none {
		c.tail = i
	}
}

func (c *Map[V]) unlink(i int32) {
	n := c.at(i)
	if n.prev != none {
		c.at(n.prev).next = n.next
	} else {
		c.head = n.next
	}
	if n.next != none {
		c.at(n.next).prev = n.prev
	} else {
		c.tail = n.prev
	}
	n.prev, n.next = none, none
}
