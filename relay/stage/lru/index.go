package lru

import (
	"hash/maphash"

	"github.com/nomenhq/nomen/relay/stage/arena"
)

// The index: node numbers by hash of their key, in a Robin Hood table
// (see Map).

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
	if len(c.places) == 0 {
		return none
	}
	places := c.places
	for j, d := c.home(h), uint32(1); ; j, d = next(j, places), d+1 {
		p := places[j]
		if sd := p >> nodeBits; sd == d { // (a saturated distance equal to d: compared all the same)
			if i := int32(p & nodeMask); holds(c, c.at(i).off, key) {
				return i
			}
		} else if sd < d {
			if sd != uint32(c.distCap) {
				return none
			}
			return findFar(c, key, j, int(d)) // saturated: maybe as far as d
		}
	}
}

// findFar is findIn from place j at probe distance d on, where the
// distances saturate: they are worked out (from the entries' keys:
// saturated distances are rare, past probe distance 30).
func findFar[V any, K string | []byte](c *Map[V], key K, j, d int) int32 {
	for ; ; j, d = next(j, c.places), d+1 {
		sd := c.distAt(j)
		if sd < d {
			return none
		}
		if sd == d {
			if i := int32(c.places[j] & nodeMask); holds(c, c.at(i).off, key) {
				return i
			}
		}
	}
}

// distAt returns the probe distance plus one of the entry at place j of
// the index, 0 if there is none. The place keeps it in nodeBits' high
// bits, saturated at distCap: past that, it is worked out from the
// entry's hash.
func (c *Map[V]) distAt(j int) int {
	p := c.places[j]
	if b := p >> nodeBits; b < uint32(c.distCap) {
		return int(b)
	}
	d := j - c.home(c.nodeHash(int32(p&nodeMask)))
	if d < 0 {
		d += len(c.places)
	}
	return 1 + d
}

// home returns the place of hash h: the hash scaled to the index's
// length (a multiplication and a shift, as Lemire's "fastrange"), which
// need not be a power of two (see grow).
func (c *Map[V]) home(h uint32) int { return int(uint64(h) * uint64(len(c.places)) >> 32) }

// next returns the place after j, the first after the last.
func next(j int, places []uint32) int {
	if j++; j == len(places) {
		return 0
	}
	return j
}

// nodeHash returns the hash of node i's key. A node does not keep it (4
// bytes more a node): it is worked out again where the index needs it
// without the key at hand (growing, evicting, saturated distances).
func (c *Map[V]) nodeHash(i int32) uint32 { return c.hashBytes(c.key(c.at(i))) }

// holds reports whether the record at off is key's: for a key shorter
// than 64 bytes, its one head byte and its bytes.
func holds[V any, K string | []byte](c *Map[V], off uint32, key K) bool {
	if l := len(key); l < 0x40 {
		r := c.rec(off)
		return len(r) > l && int(r[0]>>1) == l && string(r[1:1+l]) == string(key)
	}
	r := c.rec(off)
	start, end := arena.KeySpan(r)
	return string(r[start:end]) == string(key)
}

func (c *Map[V]) hash(key string) uint32 { return uint32(maphash.String(c.seed, key)) & c.mask }

func (c *Map[V]) hashBytes(key []byte) uint32 {
	return uint32(maphash.Bytes(c.seed, key)) & c.mask
}

// link files node i, whose key is in place, under its hash h; i is
// given its stamp after (a growing index files the nodes that have one).
func (c *Map[V]) link(i int32, h uint32) {
	c.n++
	if 8*c.n > 7*len(c.places) {
		c.grow()
	}
	c.place(i, h)
}

// placed is the place of node i at probe distance d (plus one).
func (c *Map[V]) placed(i int32, d int) uint32 {
	return uint32(min(d, int(c.distCap)))<<nodeBits | uint32(i)
}

// place files node i in the index: from its hash's place on, it takes
// the first free place or the place of an entry nearer its own (which
// moves on in its stead: Robin Hood).
func (c *Map[V]) place(i int32, h uint32) {
	places, dcap := c.places, int(c.distCap)
	for j, d := c.home(h), 1; ; j, d = next(j, places), d+1 {
		p := places[j]
		if p == 0 {
			places[j] = c.placed(i, d)
			return
		}
		sd := int(p >> nodeBits)
		if sd >= dcap {
			sd = c.distAt(j)
		}
		if sd < d {
			places[j] = c.placed(i, d)
			i, d = int32(p&nodeMask), sd
		}
	}
}

// grow makes the index a quarter longer (at least 8 places) and files
// the nodes in use again. A quarter, not twice: an index that doubles is
// between 7/16 and 7/8 full, 4.6 to 9.1 bytes a key (at 600,000 streams,
// 57 %); one that grows by a quarter 0.7 to 7/8, 4.6 to 5.7. Each key is
// filed again ~4 times as a map fills, not ~once: the cost is a
// key's hash each time, and only while the map grows.
func (c *Map[V]) grow() {
	c.places = make([]uint32, max(8, len(c.places)+len(c.places)/4))
	for i := range c.made {
		if c.at(i).stamp != 0 {
			c.place(i, c.nodeHash(i))
		}
	}
}

// remove takes node i, whose key hashes to h, out of the index, the
// order and the arena, and frees it.
func (c *Map[V]) remove(i int32, h uint32) {
	n := c.at(i)
	places, dcap := c.places, int(c.distCap)
	j := c.home(h)
	for places[j] == 0 || int32(places[j]&nodeMask) != i {
		j = next(j, places)
	}
	// Close the gap: move back each following entry not at its own place
	// (Robin Hood's deletion).
	for k := next(j, places); ; j, k = k, next(k, places) {
		d := int(places[k] >> nodeBits)
		if d <= 1 {
			break
		}
		if d >= dcap {
			d = c.distAt(k)
		}
		places[j] = c.placed(int32(places[k]&nodeMask), d-1)
	}
	places[j] = 0
	c.n--
	c.dead += c.recordLen(n.off)
	c.release(i)
}
