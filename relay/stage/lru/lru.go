// Package lru is a bounded map that remembers the order in which keys were
// last used. The stages that keep per-key state (sequence streams,
// correlation windows, first-seen sets, open processes) use it so that an
// attacker sending random host names or addresses cannot exhaust memory:
// when full, the least recently used key is evicted and counted.
//
// It is not safe for concurrent use (the stages are single-goroutine).
package lru

import (
	"hash/maphash"
	"math"
)

// Map is a string-keyed map bounded to Max entries. The zero value is not
// usable; call New.
//
// It is laid out for the garbage collector, which marks every pointer of
// the live heap at every cycle, and a rule at its max_keys of 100,000 is a
// large live heap:
//
//   - Entries live in chunks of nodes linked by index, not in a heap object
//     each (~1,600 objects for 100,000 keys), and a new key allocates
//     nothing once its node is reused. A node never moves, so the pointer
//     to a value that Get, Put and the others return stays valid until its
//     key is deleted or evicted; after that its node is reused.
//   - The keys are bytes in one arena, not a string each, and the index
//     is a table of node numbers by hash of the key (open addressing,
//     linear probing, at most half full): neither holds a pointer, so with
//     a value type without pointers the collector has nothing to mark in
//     the whole map. A node keeps its key's hash; keys are compared byte
//     for byte, so a collision costs a comparison, never a wrong answer.
type Map[V any] struct {
	seed       maphash.Seed
	slots      []int32 // the index: node numbers at their hash's place or after, or none; len a power of two
	chunks     [][]node[V]
	keys       []byte // the arena: every entry's key, and the dead keys not compacted yet
	spare      []byte // the previous arena, reused by the next compaction
	dead       int    // bytes of keys that no entry uses
	n          int    // entries
	made       int32  // nodes handed out so far, free or not
	free       int32  // first free node (linked by next), or none
	head, tail int32  // most and least recently used, or none
	max        int
	mask       uint32 // of the hashes: all ones (tests narrow it to make keys collide)
}

type node[V any] struct {
	val        V
	off        int    // key in Map.keys
	klen       int32  // its length
	hash       uint32 // of the key
	prev, next int32
}

const (
	none      = -1
	chunkBits = 6 // 64 nodes a chunk
	chunkLen  = 1 << chunkBits
	// minCompact: an arena smaller than this is not compacted (its dead
	// keys cost less than copying it).
	minCompact = 4096
)

// New returns a map that holds at most n entries (n < 1 means 1).
func New[V any](n int) *Map[V] {
	c := &Map[V]{seed: maphash.MakeSeed(), mask: math.MaxUint32, free: none, head: none, tail: none}
	c.SetMax(n)
	return c
}

// Len returns the number of entries.
func (c *Map[V]) Len() int { return c.n }

// Max returns the bound.
func (c *Map[V]) Max() int { return c.max }

// SetMax changes the bound; it takes effect at the next Put.
func (c *Map[V]) SetMax(n int) {
	c.max = min(max(n, 1), math.MaxInt32)
}

func (c *Map[V]) at(i int32) *node[V] { return &c.chunks[i>>chunkBits][i&(chunkLen-1)] }

// key returns the key of node n, in the arena (valid until the next Put).
func (c *Map[V]) key(n *node[V]) []byte { return c.keys[n.off : n.off+int(n.klen)] }

// find returns the node of key, or none.
func (c *Map[V]) find(key string, h uint32) int32 { return findIn(c, key, h) }

// findBytes is find for a key in a byte slice.
func (c *Map[V]) findBytes(key []byte, h uint32) int32 { return findIn(c, key, h) }

// findIn is find and findBytes: the two key types get their own code,
// so comparing a []byte key with string(...) allocates nothing.
func findIn[V any, K string | []byte](c *Map[V], key K, h uint32) int32 {
	if len(c.slots) == 0 {
		return none
	}
	m := len(c.slots) - 1
	for j := int(h) & m; ; j = (j + 1) & m {
		i := c.slots[j]
		if i == none {
			return none
		}
		if n := c.at(i); n.hash == h && string(c.key(n)) == string(key) {
			return i
		}
	}
}

func (c *Map[V]) hash(key string) uint32 { return uint32(maphash.String(c.seed, key)) & c.mask }
func (c *Map[V]) hashBytes(key []byte) uint32 {
	return uint32(maphash.Bytes(c.seed, key)) & c.mask
}

// Get returns the value of key and marks it most recently used.
func (c *Map[V]) Get(key string) (*V, bool) {
	return c.get(c.find(key, c.hash(key)), true)
}

// GetBytes is Get for a key held in a scratch buffer.
func (c *Map[V]) GetBytes(key []byte) (*V, bool) {
	return c.get(c.findBytes(key, c.hashBytes(key)), true)
}

// Peek returns the value of key without changing its position.
func (c *Map[V]) Peek(key string) (*V, bool) {
	return c.get(c.find(key, c.hash(key)), false)
}

// PeekBytes is Peek for a key held in a scratch buffer.
func (c *Map[V]) PeekBytes(key []byte) (*V, bool) {
	return c.get(c.findBytes(key, c.hashBytes(key)), false)
}

func (c *Map[V]) get(i int32, use bool) (*V, bool) {
	if i == none {
		return nil, false
	}
	if use {
		c.toFront(i)
	}
	return &c.at(i).val, true
}

// Put adds key (most recently used) with value v, or replaces its value.
// If the map was full, the least recently used entry is removed and passed
// to evicted (which may be nil; it must not keep the pointer). It returns
// a pointer to the stored value.
func (c *Map[V]) Put(key string, v V, evicted func(key string, v *V)) *V {
	return putIn(c, key, c.hash(key), v, evicted)
}

// PutBytes is Put for a key held in a scratch buffer (the map keeps a
// copy of it in its arena, not a string of its own).
func (c *Map[V]) PutBytes(key []byte, v V, evicted func(key string, v *V)) *V {
	return putIn(c, key, c.hashBytes(key), v, evicted)
}

// putIn is Put and PutBytes, key hashing to h.
func putIn[V any, K string | []byte](c *Map[V], key K, h uint32, v V, evicted func(key string, v *V)) *V {
	if i := findIn(c, key, h); i != none {
		return c.replace(i, v)
	}
	n := c.insert(h, len(key), evicted)
	c.keys = append(c.keys, key...)
	n.val = v
	return &n.val
}

func (c *Map[V]) replace(i int32, v V) *V {
	n := c.at(i)
	n.val = v
	c.toFront(i)
	return &n.val
}

// insert makes room (evicting), then adds a most recently used node for
// a key of hash h and length klen, which the caller appends to the arena.
func (c *Map[V]) insert(h uint32, klen int, evicted func(string, *V)) *node[V] {
	for c.n >= c.max && c.tail != none {
		old := c.tail
		n := c.at(old)
		if evicted != nil {
			evicted(string(c.key(n)), &n.val)
		}
		c.remove(old)
	}
	if c.dead > minCompact && c.dead > len(c.keys)/2 {
		c.compact()
	}
	i := c.alloc()
	n := c.at(i)
	n.off, n.klen = len(c.keys), int32(klen)
	c.link(i, h)
	c.pushFront(i)
	return n
}

// PutBack adds key as the least recently used entry (used when restoring
// a snapshot written newest first). It does nothing if key exists or the
// map is full.
func (c *Map[V]) PutBack(key string, v V) {
	h := c.hash(key)
	if c.find(key, h) != none || c.n >= c.max {
		return
	}
	i := c.alloc()
	n := c.at(i)
	n.val, n.off, n.klen = v, len(c.keys), int32(len(key))
	c.keys = append(c.keys, key...)
	c.link(i, h)
	n.prev, n.next = c.tail, none
	if c.tail != none {
		c.at(c.tail).next = i
	} else {
		c.head = i
	}
	c.tail = i
}

// Delete removes key.
func (c *Map[V]) Delete(key string) {
	if i := c.find(key, c.hash(key)); i != none {
		c.remove(i)
	}
}

// DeleteBytes is Delete for a key held in a scratch buffer.
func (c *Map[V]) DeleteBytes(key []byte) {
	if i := c.findBytes(key, c.hashBytes(key)); i != none {
		c.remove(i)
	}
}

// Oldest returns the least recently used entry (the key is a copy).
func (c *Map[V]) Oldest() (string, *V, bool) {
	if c.tail == none {
		return "", nil, false
	}
	n := c.at(c.tail)
	return string(c.key(n)), &n.val, true
}

// All calls fn for every entry, most recently used first, until fn returns
// false. fn must not add entries; it may delete the one it is given. The
// keys it is given are substrings of one copy of the arena: keeping some
// of them keeps that copy.
func (c *Map[V]) All(fn func(key string, v *V) bool) {
	keys := string(c.keys) // one copy, not a string per key
	for i := c.head; i != none; {
		n := c.at(i)
		next := n.next
		if !fn(keys[n.off:n.off+int(n.klen)], &n.val) {
			return
		}
		i = next
	}
}

// link files node i, whose key is in place, under its hash h; i joins
// the order list after (a growing index files the nodes of the list).
func (c *Map[V]) link(i int32, h uint32) {
	c.at(i).hash = h
	c.n++
	if 2*c.n > len(c.slots) {
		c.grow()
	}
	c.place(i)
}

// place files node i in the index at the first free place from its hash's.
func (c *Map[V]) place(i int32) {
	m := len(c.slots) - 1
	j := int(c.at(i).hash) & m
	for c.slots[j] != none {
		j = (j + 1) & m
	}
	c.slots[j] = i
}

// grow doubles the index (at least 8 places) and files the nodes of the
// order list again.
func (c *Map[V]) grow() {
	c.slots = make([]int32, max(8, 2*len(c.slots)))
	for j := range c.slots {
		c.slots[j] = none
	}
	for i := c.head; i != none; i = c.at(i).next {
		c.place(i)
	}
}

// remove takes node i out of the index, the order and the arena, and
// frees it.
func (c *Map[V]) remove(i int32) {
	n := c.at(i)
	m := len(c.slots) - 1
	j := int(n.hash) & m
	for c.slots[j] != i {
		j = (j + 1) & m
	}
	// Close the gap: move back each following entry whose hash's place
	// is not between the gap and where it is (linear probing's deletion).
	for k := (j + 1) & m; c.slots[k] != none; k = (k + 1) & m {
		home := int(c.at(c.slots[k]).hash) & m
		if (k > j && (home <= j || home > k)) || (k < j && home <= j && home > k) {
			c.slots[j] = c.slots[k]
			j = k
		}
	}
	c.slots[j] = none
	c.n--
	c.dead += int(n.klen)
	c.unlink(i)
	c.release(i)
}

// compact copies the keys in use into the spare arena, which becomes the
// arena (the old one the spare: in a steady state nothing is allocated).
func (c *Map[V]) compact() {
	dst := c.spare[:0]
	for i := c.head; i != none; i = c.at(i).next {
		n := c.at(i)
		k := c.key(n)
		n.off = len(dst)
		dst = append(dst, k...)
	}
	c.spare, c.keys, c.dead = c.keys[:0], dst, 0
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
// then all but the first go too, and the arenas, so that a map that was
// full once does not keep its peak memory after its keys expired.
func (c *Map[V]) release(i int32) {
	*c.at(i) = node[V]{next: c.free}
	c.free = i
	if c.n == 0 {
		// Every node is cleared: start again at the first.
		c.chunks, c.made, c.free = c.chunks[:1:1], 0, none
		if cap(c.keys) > minCompact {
			c.keys = nil
		}
		if len(c.slots) > chunkLen {
			c.slots = nil
		}
		c.keys, c.spare, c.dead = c.keys[:0], nil, 0
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
