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
//     Robin Hood: an entry's probe distance in a byte beside it): neither
//     holds a pointer, so with a value type without pointers the
//     collector has nothing to mark in the whole map. Keys are compared
//     byte for byte (only with the entries of their own place: see
//     below), so a collision costs a comparison, never a wrong answer.
//
// And for memory, since the stages hold keys by the hundred thousand per
// rule: a node adds 12 bytes to its value (three 32-bit words: the key's
// place in the arena and the order's links; not the key's hash, which
// is worked out again where the index needs it without the key at hand:
// growing it, evicting, a probe distance past its byte; a value of
// alignment 4 makes a node of 12 bytes more, one of alignment 8 may pad
// it to a multiple of 8), the index 5
// bytes a place and up to 7/8 of its places are used (Robin Hood keeps
// the searches short that full: a key is compared only with the entries
// of its own place, and a search ends at the first entry nearer its own
// place than the key would be; at most half full, as with linear probing,
// the index cost twice as many places of 4 bytes), the arena holds
// each key as its length (uvarint) and bytes, and it is at most about
// twice the live keys (dead keys are compacted away into a new arena;
// none is kept in reserve).
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
	seed       maphash.Seed
	slots      []int32 // the index: node numbers at their hash's place or after (Robin Hood); len a power of two
	dist       []uint8 // the index: probe distance plus one of each place's node (0: none), saturated at distCap
	chunks     [][]node[V]
	keys       []byte // the arena: every entry's key (length and bytes), and the dead keys not compacted yet
	dead       int    // bytes of the arena that no entry uses
	n          int    // entries
	made       int32  // nodes handed out so far, free or not
	free       int32  // first free node (linked by next), or none
	head, tail int32  // most and least recently used, or none
	max        int
	mask       uint32 // of the hashes: all ones (tests narrow it to make keys collide)
	arenaMax   uint64 // bytes: maxArena (tests narrow it)
	distCap    uint8  // math.MaxUint8 (tests narrow it)
}

type node[V any] struct {
	val        V      // first: Extra finds the node from a pointer to its value
	off        uint32 // its record in Map.keys: key length (uvarint), key, extra length (uvarint), extra
	prev, next int32
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
)

// New returns a map that holds at most n entries (n < 1 means 1).
func New[V any](n int) *Map[V] {
	c := &Map[V]{seed: maphash.MakeSeed(), mask: math.MaxUint32, arenaMax: maxArena, distCap: math.MaxUint8, free: none, head: none, tail: none}
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
func (c *Map[V]) key(n *node[V]) []byte {
	start, end := c.span(n.off)
	return c.keys[start:end]
}

// span returns where the key of the record at off starts and ends.
func (c *Map[V]) span(off uint32) (int, int) {
	r := c.keys[off:]
	if l := r[0]; l < 0x80 { // most keys are shorter than 128 bytes
		return int(off) + 1, int(off) + 1 + int(l)
	}
	l, w := binary.Uvarint(r)
	return int(off) + w, int(off) + w + int(l)
}

// extraSpan returns where the extra bytes of the record whose key ends
// at keyEnd start and end.
func (c *Map[V]) extraSpan(keyEnd int) (int, int) {
	if l := c.keys[keyEnd]; l < 0x80 {
		return keyEnd + 1, keyEnd + 1 + int(l)
	}
	l, w := binary.Uvarint(c.keys[keyEnd:])
	return keyEnd + w, keyEnd + w + int(l)
}

// recordEnd returns where the record at off ends.
func (c *Map[V]) recordEnd(off uint32) int {
	_, kend := c.span(off)
	_, end := c.extraSpan(kend)
	return end
}

// record is the size in the arena of a record of a key of klen bytes
// and xlen extra bytes.
func record(klen, xlen int) int {
	return uvarintLen(klen) + klen + uvarintLen(xlen) + xlen
}

func uvarintLen(l int) int {
	n := 1
	for ; l >= 0x80; l >>= 7 {
		n++
	}
	return n
}

// appendRecord appends a record of key and no extra bytes to the arena.
func appendRecord[V any, K string | []byte](c *Map[V], key K) {
	c.keys = append(append(binary.AppendUvarint(c.keys, uint64(len(key))), key...), 0)
}

// find returns the node of key, or none.
func (c *Map[V]) find(key string, h uint32) int32 { return findIn(c, key, h) }

// findBytes is find for a key in a byte slice.
func (c *Map[V]) findBytes(key []byte, h uint32) int32 { return findIn(c, key, h) }

// findIn is find and findBytes: the two key types get their own code,
// so comparing a []byte key with string(...) allocates nothing.
//
// The index is a Robin Hood table: a key at probe distance d from its
// hash's place is met only where the entry has the same distance (the
// same place), and the search stops at an entry closer to its own place
// than the key would be (it would have displaced it).
func findIn[V any, K string | []byte](c *Map[V], key K, h uint32) int32 {
	if len(c.slots) == 0 {
		return none
	}
	slots, dist := c.slots, c.dist
	m := len(slots) - 1
	for j, d := int(h)&m, 1; ; j, d = (j+1)&m, d+1 {
		sd := int(dist[j])
		if sd == d { // (a saturated byte equal to d: compared all the same)
			if holds(c, c.at(slots[j]).off, key) {
				return slots[j]
			}
		} else if sd < d {
			if sd != int(c.distCap) {
				return none
			}
			return findFar(c, key, j, d) // saturated: maybe as far as d
		}
	}
}

// findFar is findIn from place j at probe distance d on, where the
// distance bytes saturate: the distances are worked out (from the
// entries' keys: saturated bytes are rare, past probe distance 254).
func findFar[V any, K string | []byte](c *Map[V], key K, j, d int) int32 {
	m := len(c.slots) - 1
	for ; ; j, d = (j+1)&m, d+1 {
		sd := c.distAt(j)
		if sd < d {
			return none
		}
		if sd == d {
			if holds(c, c.at(c.slots[j]).off, key) {
				return c.slots[j]
			}
		}
	}
}

// distAt returns the probe distance plus one of the entry at place j of
// the index, 0 if there is none. The byte that keeps it saturates at
// distCap: past that, it is worked out from the entry's hash.
func (c *Map[V]) distAt(j int) int {
	if b := c.dist[j]; b < c.distCap {
		return int(b)
	}
	m := len(c.slots) - 1
	return 1 + (j-int(c.nodeHash(c.slots[j])))&m
}

// nodeHash returns the hash of node i's key. A node does not keep it (4
// bytes more a node): it is worked out again where the index needs it
// without the key at hand (growing, evicting, saturated distances).
func (c *Map[V]) nodeHash(i int32) uint32 { return c.hashBytes(c.key(c.at(i))) }

// holds reports whether the record at off is key's: for a key shorter
// than 128 bytes, its one length byte and its bytes.
func holds[V any, K string | []byte](c *Map[V], off uint32, key K) bool {
	if l := len(key); l < 0x80 {
		r := c.keys[off:]
		return len(r) > l && int(r[0]) == l && string(r[1:1+l]) == string(key)
	}
	start, end := c.span(off)
	return string(c.keys[start:end]) == string(key)
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
	for c.n >= c.max && c.tail != none {
		c.evict(evicted)
	}
	c.room(record(klen, 0), evicted)
	i := c.alloc()
	n := c.at(i)
	n.off = uint32(len(c.keys))
	c.link(i, h)
	c.pushFront(i)
	return n
}

// evict removes the least recently used entry, passing it to evicted.
func (c *Map[V]) evict(evicted func(string, *V)) {
	old := c.tail
	n := c.at(old)
	if evicted != nil {
		evicted(string(c.key(n)), &n.val)
	}
	c.remove(old, c.nodeHash(old))
}

// room readies the arena for a record of need bytes: it compacts the
// arena when more than half of it is dead, or when a quarter is and it
// is full (rather than grow it); past maxArena (4 GiB of keys) it evicts.
func (c *Map[V]) room(need int, evicted func(string, *V)) {
	if uint64(need) > c.arenaMax {
		panic("lru: key longer than 4 GiB")
	}
	if c.dead > minCompact && (2*c.dead > len(c.keys) || len(c.keys)+need > cap(c.keys) && 4*c.dead > len(c.keys)) {
		c.compact()
	}
	for uint64(len(c.keys))+uint64(need) > c.arenaMax {
		for uint64(len(c.keys)-c.dead)+uint64(need) > c.arenaMax && c.tail != none {
			c.evict(evicted)
		}
		c.compact()
	}
}

// PutBack adds key as the least recently used entry (used when restoring
// a snapshot written newest first) and returns a pointer to its value. It
// does nothing and returns nil if key exists or the map is full.
func (c *Map[V]) PutBack(key string, v V) *V {
	h := c.hash(key)
	if c.find(key, h) != none || c.n >= c.max {
		return nil
	}
	c.room(record(len(key), 0), nil)
	i := c.alloc()
	n := c.at(i)
	n.val, n.off = v, uint32(len(c.keys))
	appendRecord(c, key)
	c.link(i, h)
	n.prev, n.next = c.tail, none
	if c.tail != none {
		c.at(c.tail).next = i
	} else {
		c.head = i
	}
	c.tail = i
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
	_, kend := c.span(nodeOf(v).off)
	start, end := c.extraSpan(kend)
	return c.keys[start:end:end]
}

// SetExtra replaces the extra bytes of the entry whose value is at v with
// a copy of b (which may be what Extra returned), without changing its
// place in the order. Making room may evict other entries (passed to
// evicted, as by Put), never this one.
func (c *Map[V]) SetExtra(v *V, b []byte, evicted func(key string, v *V)) {
	n := nodeOf(v)
	kstart, kend := c.span(n.off)
	xstart, xend := c.extraSpan(kend)
	if xend-xstart == len(b) {
		copy(c.keys[xstart:xend], b)
		return
	}
	if end := xstart + len(b); xend == len(c.keys) && end <= cap(c.keys) && uint64(end) <= c.arenaMax &&
		uvarintLen(len(b)) == xstart-kend {
		// The last record, with room after it (an entry changed again
		// before another is): in place. b may be its old bytes: copy
		// moves them before the length is written.
		c.keys = c.keys[:end]
		copy(c.keys[xstart:], b)
		binary.PutUvarint(c.keys[kend:], uint64(len(b)))
		return
	}
	old := xend - int(n.off)
	need := record(kend-kstart, len(b))
	if uint64(old)+uint64(need) > c.arenaMax {
		panic("lru: key and extra bytes longer than 4 GiB")
	}
	if uint64(len(c.keys))+uint64(need) > c.arenaMax {
		// room evicts the least recently used: not this one.
		c.toFront(c.findBytes(c.keys[kstart:kend], c.hashBytes(c.keys[kstart:kend])))
	}
	c.room(need, evicted)
	kstart, kend = c.span(n.off) // room may have compacted the arena
	off := len(c.keys)
	c.keys = append(binary.AppendUvarint(c.keys, uint64(kend-kstart)), c.keys[kstart:kend]...)
	c.keys = append(binary.AppendUvarint(c.keys, uint64(len(b))), b...)
	n.off = uint32(off)
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
	c.AllExtra(func(key string, v *V, _ string) bool { return fn(key, v) })
}

// AllExtra is All with each entry's extra bytes (Extra), a substring of
// the same copy of the arena as its key: a snapshot keeps the keys and
// extra bytes of every entry with one allocation, which the map may go
// on changing.
func (c *Map[V]) AllExtra(fn func(key string, v *V, extra string) bool) {
	keys := string(c.keys) // one copy, not a string per key
	for i := c.head; i != none; {
		n := c.at(i)
		next := n.next
		start, end := c.span(n.off)
		xstart, xend := c.extraSpan(end)
		if !fn(keys[start:end], &n.val, keys[xstart:xend]) {
			return
		}
		i = next
	}
}

// link files node i, whose key is in place, under its hash h; i joins
// the order list after (a growing index files the nodes of the list).
func (c *Map[V]) link(i int32, h uint32) {
	c.n++
	if 8*c.n > 7*len(c.slots) {
		c.grow()
	}
	c.place(i, h)
}

// place files node i in the index: from its hash's place on, it takes
// the first free place or the place of an entry nearer its own (which
// moves on in its stead: Robin Hood).
func (c *Map[V]) place(i int32, h uint32) {
	slots, dist, dcap := c.slots, c.dist[:len(c.slots)], int(c.distCap)
	m := len(slots) - 1
	for j, d := int(h)&m, 1; ; j, d = (j+1)&m, d+1 {
		sd := int(dist[j])
		if sd == 0 {
			slots[j], dist[j] = i, uint8(min(d, dcap))
			return
		}
		if sd >= dcap {
			sd = c.distAt(j)
		}
		if sd < d {
			slots[j], i = i, slots[j]
			dist[j] = uint8(min(d, dcap))
			d = sd
		}
	}
}

// grow doubles the index (at least 8 places) and files the nodes of the
// order list again.
func (c *Map[V]) grow() {
	l := max(8, 2*len(c.slots))
	c.slots, c.dist = make([]int32, l), make([]uint8, l)
	for i := c.head; i != none; i = c.at(i).next {
		c.place(i, c.nodeHash(i))
	}
}

// remove takes node i, whose key hashes to h, out of the index, the
// order and the arena, and frees it.
func (c *Map[V]) remove(i int32, h uint32) {
	n := c.at(i)
	slots, dist, dcap := c.slots, c.dist[:len(c.slots)], int(c.distCap)
	m := len(slots) - 1
	j := int(h) & m
	for slots[j] != i || dist[j] == 0 {
		j = (j + 1) & m
	}
	// Close the gap: move back each following entry not at its own place
	// (Robin Hood's deletion).
	for k := (j + 1) & m; ; j, k = k, (k+1)&m {
		d := int(dist[k])
		if d <= 1 {
			break
		}
		if d >= dcap {
			d = c.distAt(k)
		}
		slots[j], dist[j] = slots[k], uint8(min(d-1, dcap))
	}
	dist[j] = 0
	c.n--
	c.dead += c.recordEnd(n.off) - int(n.off)
	c.unlink(i)
	c.release(i)
}

// compact copies the records in use into a new arena with room for a
// quarter more (the old one is left to the collector: keeping it for the
// next compaction would double the memory the keys take).
func (c *Map[V]) compact() {
	live := len(c.keys) - c.dead
	dst := make([]byte, 0, live+live/4)
	for i := c.head; i != none; i = c.at(i).next {
		n := c.at(i)
		r := c.keys[n.off:c.recordEnd(n.off)]
		n.off = uint32(len(dst))
		dst = append(dst, r...)
	}
	c.keys, c.dead = dst, 0
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
			c.slots, c.dist = nil, nil
		}
		c.keys, c.dead = c.keys[:0], 0
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
