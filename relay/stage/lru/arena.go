package lru

import "encoding/binary"

// The arena: every entry's record (its key and extra bytes) in one byte
// slice; the records of deleted keys are dead bytes until a compaction
// copies the live ones into a new arena (see Map).

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
