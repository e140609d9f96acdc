package lru

import "hash/maphash"

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
		r := c.rec(off)
		return len(r) > l && int(r[0]) == l && string(r[1:1+l]) == string(key)
	}
	r := c.rec(off)
	start, end := keySpan(r)
	return string(r[start:end]) == string(key)
}

func (c *Map[V]) hash(key string) uint32 { return uint32(maphash.String(c.seed, key)) & c.mask }

func (c *Map[V]) hashBytes(key []byte) uint32 {
	return uint32(maphash.Bytes(c.seed, key)) & c.mask
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
	c.dead += c.recordLen(n.off)
	c.unlink(i)
	c.release(i)
}
