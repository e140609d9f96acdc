// Package lru is a bounded map that remembers the order in which keys were
// last used. The stages that keep per-key state (sequence streams,
// correlation windows, first-seen sets, open processes) use it so that an
// attacker sending random host names or addresses cannot exhaust memory:
// when full, the least recently used key is evicted and counted.
//
// It is not safe for concurrent use (the stages are single-goroutine).
package lru

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"unsafe"

	"github.com/nomenhq/nomen/relay/stage/arena"
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
//     Robin Hood: an entry's probe distance in the top bits of its place): neither
//     holds a pointer, so with a value type without pointers the
//     collector has nothing to mark in the whole map. Keys are compared
//     byte for byte (only with the entries of their own place: see
//     below), so a collision costs a comparison, never a wrong answer.
//
// And for memory, since the stages hold keys by the hundred thousand per
// rule: a node adds 8 bytes to its value (two 32-bit words: the key's
// place in the arena and its stamp, when it was last used, which is the
// order (nodes.go), not two links of a list; not the key's hash, which
// is worked out again where the index needs it without the key at hand:
// growing it, evicting, a probe distance past its bits; a value of
// alignment 4 makes a node of 8 bytes more, one of alignment 8 may pad
// it to a multiple of 8), the index 4 bytes a place (a node number and
// its probe distance in one word) and up to 7/8 of its places are used
// (Robin Hood keeps the searches short that full: a key is compared only
// with the entries of its own place, and a search ends at the first
// entry nearer its own place than the key would be; at most half full,
// as with linear probing, the index would take twice as many places),
// the arena holds each key as its length (a uvarint, whose low bit says
// whether extra bytes follow) and bytes, in pages
// of 64 KiB filled in turn (arena.go: a slice grown by append would be a
// quarter larger than its bytes in the mean), and it is at most about
// twice the live keys (dead keys are compacted away into new pages; none
// is kept in reserve).
//
// An entry may also keep extra bytes (Extra, SetExtra) in its record
// after its key: what a value would otherwise hold in slices and strings
// of its own (a window's slots, its related.* values). A slice header is
// 24 bytes, a string's 16, each a heap object rounded up to its size
// class and a pointer for the collector; extra bytes cost their length
// (a uvarint) and themselves, and the value type can stay pointer-free.
// Changing them writes the record anew at the arena's end (the old one
// is dead, compacted away like a deleted key's).
type Map[V any] struct {
	seed     maphash.Seed
	places   []uint32 // the index: node numbers at their hash's place or after (Robin Hood), each with its probe distance plus one (0: none, saturated at distCap) in its top bits (nodeBits); of any length (home)
	chunks   [][]node[V]
	pages    arena.Pages // every entry's record (key, extra bytes), and the dead ones not compacted yet
	used     int         // bytes of the pages' records, dead or not
	dead     int         // bytes of the arena that no entry uses
	n        int         // entries
	made     int32       // nodes handed out so far, free or not
	free     int32       // first free node (linked by off), or none
	clock    uint32      // the stamp of the next node used (nodes.go)
	low      uint32      // the stamp of the next node PutBack adds
	queue    []uint64    // the least recently used nodes, oldest first (refill): stamp << 32 | node
	qpos     int         // the queue's first entry not taken
	max      int
	mask     uint32 // of the hashes: all ones (tests narrow it to make keys collide)
	arenaMax uint64 // bytes: maxArena (tests narrow it)
	distCap  uint8  // maxDist (tests narrow it)
}

type node[V any] struct {
	val   V      // first: Extra finds the node from a pointer to its value
	off   uint32 // its record in the arena (page << arena.Shift + place): head (the key's length, whether extra bytes follow: arena.go), key, extra length (uvarint) and extra bytes if any; a free node's: the next free node
	stamp uint32 // when it was last used (nodes.go), 0: free
}

const (
	none      = -1
	chunkBits = 6 // 64 nodes a chunk
	chunkLen  = 1 << chunkBits
	// minCompact: an arena smaller than this is not compacted (its dead
	// keys cost less than copying it).
	minCompact = 4096
	// maxArena: a node's offset into the arena is 32 bits.
	maxArena uint64 = math.MaxUint32
	// nodeBits: a place of the index holds a node number in its low
	// nodeBits bits and the probe distance in the others, up to maxDist
	// (saturated: past it the distance is worked out from the key's
	// hash, and Robin Hood's probes are rarely longer than a few places).
	// So a map holds at most maxNodes entries (SetMax): more than any
	// stage's memory would allow (at 40 bytes a key, 5 GiB).
	nodeBits       = 27
	nodeMask       = 1<<nodeBits - 1
	maxNodes       = nodeMask
	maxDist  uint8 = 1<<(32-nodeBits) - 1
)

// New returns a map that holds at most n entries (n < 1 means 1; more
// than 134,217,727 means that many: maxNodes).
func New[V any](n int) *Map[V] {
	c := &Map[V]{seed: maphash.MakeSeed(), mask: math.MaxUint32, arenaMax: maxArena, distCap: maxDist, free: none, clock: 1 << 31, low: 1<<31 - 1}
	c.SetMax(n)
	return c
}

// Len returns the number of entries.
func (c *Map[V]) Len() int { return c.n }

// Max returns the bound.
func (c *Map[V]) Max() int { return c.max }

// SetMax changes the bound (as New reads n); it takes effect at the next
// Put.
func (c *Map[V]) SetMax(n int) {
	c.max = min(max(n, 1), maxNodes)
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

// Put adds key (most recently used) with value v, or replaces its value
// (and drops its extra bytes).
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
		return c.replace(i, v, evicted)
	}
	n := c.insert(h, len(key), evicted)
	appendRecord(c, key)
	n.val = v
	return &n.val
}

// GetOrPutBytes returns the value of key and true, marking it most
// recently used, or adds key (most recently used) with the zero value and
// returns that and false: GetBytes and, for a new key, PutBytes in one
// search of the index (a rule at max_keys misses the cache on it).
// evicted is as for Put.
func (c *Map[V]) GetOrPutBytes(key []byte, evicted func(key string, v *V)) (*V, bool) {
	return c.getOrPut(key, true, evicted)
}

// PeekOrPutBytes is GetOrPutBytes that leaves a key found where it is in
// the order (PeekBytes's way).
func (c *Map[V]) PeekOrPutBytes(key []byte, evicted func(key string, v *V)) (*V, bool) {
	return c.getOrPut(key, false, evicted)
}

func (c *Map[V]) getOrPut(key []byte, use bool, evicted func(string, *V)) (*V, bool) {
	h := c.hashBytes(key)
	if i := c.findBytes(key, h); i != none {
		return c.get(i, use)
	}
	n := c.insert(h, len(key), evicted)
	appendRecord(c, key)
	var zero V
	n.val = zero
	return &n.val, false
}

// MarkUsed marks the entry whose value is at v (a pointer this map
// returned, of an entry still in it) most recently used.
func (c *Map[V]) MarkUsed(v *V) { c.use(nodeOf(v)) }

// DeleteValue removes the entry whose value is at v (a pointer this map
// returned, of an entry still in it): Delete with the key its record
// holds (a node does not know its own number: the index, searched by
// the key, does).
func (c *Map[V]) DeleteValue(v *V) {
	k := c.key(nodeOf(v))
	h := c.hashBytes(k)
	c.remove(c.findBytes(k, h), h)
}

// replace gives node i value v and no extra bytes, and marks it most
// recently used.
func (c *Map[V]) replace(i int32, v V, evicted func(string, *V)) *V {
	n := c.at(i)
	n.val = v
	c.toFront(i)
	if len(c.Extra(&n.val)) > 0 {
		c.SetExtra(&n.val, nil, evicted)
	}
	return &n.val
}

// insert makes room (evicting), then adds a most recently used node for
// a key of hash h and length klen, which the caller appends to the arena.
func (c *Map[V]) insert(h uint32, klen int, evicted func(string, *V)) *node[V] {
	for c.n >= c.max && c.n > 0 {
		c.evict(evicted)
	}
	off := c.room(arena.Size(klen, 0), evicted)
	i := c.alloc()
	n := c.at(i)
	n.off = off
	c.link(i, h)
	c.toFront(i)
	return n
}

// evict removes the least recently used entry, passing it to evicted.
func (c *Map[V]) evict(evicted func(string, *V)) {
	old := c.oldest()
	n := c.at(old)
	if evicted != nil {
		evicted(string(c.key(n)), &n.val)
	}
	c.remove(old, c.nodeHash(old))
}

// PutBack adds key as the least recently used entry (used when restoring
// a snapshot written newest first) and returns a pointer to its value. It
// does nothing and returns nil if key exists or the map is full.
func (c *Map[V]) PutBack(key string, v V) *V {
	h := c.hash(key)
	if c.find(key, h) != none || c.n >= c.max {
		return nil
	}
	off := c.room(arena.Size(len(key), 0), nil)
	i := c.alloc()
	n := c.at(i)
	n.val, n.off = v, off
	appendRecord(c, key)
	c.link(i, h)
	c.toBack(i)
	return &n.val
}

// nodeOf returns the node of the value at v (a pointer this map
// returned, of an entry still in it): the value is the node's first field.
func nodeOf[V any](v *V) *node[V] { return (*node[V])(unsafe.Pointer(v)) }

// Extra returns the extra bytes of the entry whose value is at v (a
// pointer this map returned, of an entry still in it; none until
// SetExtra). They are in the arena: valid, and not to be written, until
// the map next changes.
func (c *Map[V]) Extra(v *V) []byte {
	r := c.rec(nodeOf(v).off)
	_, kend := arena.KeySpan(r)
	start, end := arena.ExtraSpan(r, kend)
	return r[start:end:end]
}

// SetExtra replaces the extra bytes of the entry whose value is at v with
// a copy of b (which may be what Extra returned), without changing its
// place in the order. Making room may evict other entries (passed to
// evicted, as by Put), never this one.
func (c *Map[V]) SetExtra(v *V, b []byte, evicted func(key string, v *V)) {
	n := nodeOf(v)
	r := c.rec(n.off)
	kstart, kend := arena.KeySpan(r)
	xstart, xend := arena.ExtraSpan(r, kend)
	if xend-xstart == len(b) {
		copy(r[xstart:xend], b)
		return
	}
	x, flag := 0, byte(0) // the length's bytes, the head's flag
	if len(b) > 0 {
		x, flag = arena.UvarintLen(len(b)), arena.HasExtra
	}
	if end := kend + x + len(b); xend == len(r) && end <= cap(r) && uint64(n.off)+uint64(end) <= c.arenaMax {
		// The last record of its page, with room after it (an entry
		// changed again before another is): in place. b may be its old
		// bytes: copy moves them before the length is written.
		r = c.pages.Resize(n.off, end)
		c.used += end - xend
		copy(r[kend+x:], b)
		if x > 0 {
			binary.PutUvarint(r[kend:], uint64(len(b)))
		}
		r[0] = r[0]&^arena.HasExtra | flag
		return
	}
	old := xend
	need := arena.Size(kend-kstart, len(b))
	if uint64(old)+uint64(need) > c.arenaMax {
		panic("lru: key and extra bytes longer than 4 GiB")
	}
	if c.over(need) {
		// room evicts the least recently used: not this one.
		c.toFront(c.findBytes(r[kstart:kend], c.hashBytes(r[kstart:kend])))
	}
	off := c.room(need, evicted)
	r = c.rec(n.off) // room may have compacted the arena
	p := c.pages.Last()
	*p = arena.AppendRecord(*p, arena.Key(r), b)
	n.off = off
	c.used += need
	c.dead += old
}

// Delete removes key.
func (c *Map[V]) Delete(key string) {
	h := c.hash(key)
	if i := c.find(key, h); i != none {
		c.remove(i, h)
	}
}

// DeleteBytes is Delete for a key held in a scratch buffer.
func (c *Map[V]) DeleteBytes(key []byte) {
	h := c.hashBytes(key)
	if i := c.findBytes(key, h); i != none {
		c.remove(i, h)
	}
}

// Oldest returns the least recently used entry (the key is a copy).
func (c *Map[V]) Oldest() (string, *V, bool) {
	i := c.oldest()
	if i == none {
		return "", nil, false
	}
	n := c.at(i)
	return string(c.key(n)), &n.val, true
}

// All calls fn for every entry, most recently used first, until fn returns
// false. fn must not add entries; it may delete the one it is given. The
// keys it is given are substrings of one copy of the arena: keeping some
// of them keeps that copy.
func (c *Map[V]) All(fn func(key string, v *V) bool) {
	c.AllExtra(func(key string, v *V, _ string) bool { return fn(key, v) })
}

// AllExtra is All with each entry's extra bytes (Extra), a substring of
// the same copy of the arena as its key: a snapshot keeps the keys and
// extra bytes of every entry with one allocation, which the map may go
// on changing.
func (c *Map[V]) AllExtra(fn func(key string, v *V, extra string) bool) {
	// One copy of the pages, not a string per key: at base[k] for page k.
	buf := make([]byte, 0, c.used)
	base := make([]int, len(c.pages.Pages()))
	for k, p := range c.pages.Pages() {
		base[k] = len(buf)
		buf = append(buf, p...)
	}
	keys := unsafe.String(unsafe.SliceData(buf), len(buf)) // buf is not written again
	for _, e := range c.byUse() {
		n := c.at(int32(uint32(e)))
		at := base[n.off>>arena.Shift] + int(n.off&arena.Mask)
		r := c.rec(n.off)
		start, end := arena.KeySpan(r)
		xstart, xend := arena.ExtraSpan(r, end)
		if !fn(keys[at+start:at+end], &n.val, keys[at+xstart:at+xend]) {
			return
		}
	}
}
