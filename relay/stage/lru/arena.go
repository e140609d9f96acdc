package lru

import "encoding/binary"

// The arena: every entry's record (its key and extra bytes) in pages of
// bytes; the records of deleted keys are dead bytes until a compaction
// copies the live ones into new pages (see Map).
//
// Pages, not one slice: a slice that grows by append is a quarter larger
// than its bytes in the mean (Go grows a large one by 1.25, and the
// memory it had is garbage once copied), and the stages' arenas are tens
// of MiB at 200,000 keys: pages of 64 KiB waste at most the end of
// each (a record does not straddle two) and are never copied as they
// fill. A record's place (node.off) is its page's number shifted by
// pageShift, plus its place in the page. The first page grows up to a
// page, so that a map of a few keys holds a few bytes; a record longer
// than a page (long extra bytes) has a page of its own, and takes up as
// many page numbers as it spans, so that a place stays below
// Map.arenaMax.

// Pages of 64 KiB: an allocation of its own size in Go's heap, not
// rounded up to a size class. A constant, not narrowed by tests as other
// bounds are (they use records longer than a page instead): a record's
// page and place are worked out at every comparison of a key (holds),
// and a constant shift and mask cost ~45 instructions an event fewer in
// BenchmarkStages than a field's.
const (
	pageShift = 16
	pageLen   = 1 << pageShift
	pageMask  = pageLen - 1
)

// rec returns the arena from the record at off to the end of its page.
func (c *Map[V]) rec(off uint32) []byte {
	return c.pages[off>>pageShift][off&pageMask:]
}

// key returns the key of node n, in the arena (valid until the next Put).
func (c *Map[V]) key(n *node[V]) []byte {
	r := c.rec(n.off)
	start, end := keySpan(r)
	return r[start:end]
}

// A record is its head, a uvarint of the key's length << 1 | whether
// extra bytes follow (hasExtra), then the key, then if they do their
// length (a uvarint) and the extra bytes: a key without them (a
// first_seen tuple, most keys of most maps) costs no byte for their
// length. The flag is the low bit of the head's first byte, whatever its
// length.
const hasExtra = 1

// head is a record's head for a key of klen bytes, with extra bytes if x.
func head(klen int, x bool) uint64 {
	h := uint64(klen) << 1
	if x {
		h |= hasExtra
	}
	return h
}

// keySpan returns where the key of record r starts and ends.
func keySpan(r []byte) (int, int) {
	if h := r[0]; h < 0x80 { // most keys are shorter than 64 bytes
		return 1, 1 + int(h>>1)
	}
	h, w := binary.Uvarint(r)
	return w, w + int(h>>1)
}

// extraSpan returns where the extra bytes of record r, whose key ends at
// keyEnd, start and end.
func extraSpan(r []byte, keyEnd int) (int, int) {
	if r[0]&hasExtra == 0 {
		return keyEnd, keyEnd
	}
	if l := r[keyEnd]; l < 0x80 {
		return keyEnd + 1, keyEnd + 1 + int(l)
	}
	l, w := binary.Uvarint(r[keyEnd:])
	return keyEnd + w, keyEnd + w + int(l)
}

// appendExtra appends the part of a record after its key for extra
// bytes x: their length and them, nothing if there are none.
func appendExtra(b, x []byte) []byte {
	if len(x) == 0 {
		return b
	}
	return append(binary.AppendUvarint(b, uint64(len(x))), x...)
}

// recordLen returns the length of the record at off.
func (c *Map[V]) recordLen(off uint32) int {
	r := c.rec(off)
	_, kend := keySpan(r)
	_, end := extraSpan(r, kend)
	return end
}

// record is the size in the arena of a record of a key of klen bytes
// and xlen extra bytes.
func record(klen, xlen int) int {
	n := uvarintLen(klen<<1) + klen
	if xlen > 0 {
		n += uvarintLen(xlen) + xlen
	}
	return n
}

func uvarintLen(l int) int {
	n := 1
	for ; l >= 0x80; l >>= 7 {
		n++
	}
	return n
}

// appendRecord appends a record of key and no extra bytes to the last
// page, which room readied for it.
func appendRecord[V any, K string | []byte](c *Map[V], key K) {
	p := &c.pages[len(c.pages)-1]
	l := len(*p)
	*p = append(binary.AppendUvarint(*p, head(len(key), false)), key...)
	c.used += len(*p) - l
}

// end returns the place after the last page's bytes.
func (c *Map[V]) end() uint64 {
	if len(c.pages) == 0 {
		return 0
	}
	k := len(c.pages) - 1
	return uint64(k)<<pageShift + uint64(len(c.pages[k]))
}

// spot returns where a record of need bytes would go: after the last
// page's bytes if it ends within a page's length (the page may have to
// grow), else at the start of a new page (fresh). A record starts within
// the first pageLen bytes of its page (its place in node.off); only one
// longer than a page ends past them.
func (c *Map[V]) spot(need int) (off uint64, fresh bool) {
	end := c.end()
	if k := len(c.pages) - 1; k >= 0 && len(c.pages[k])+need <= pageLen {
		return end, false
	} else if k >= 0 && len(c.pages[k]) == 0 {
		return uint64(k) << pageShift, true // in place of the empty page (the first, kept by release)
	}
	l := uint64(pageLen)
	return (end + l - 1) &^ (l - 1), true
}

// ready makes the last page the one a record of need bytes goes to, with
// the room for it (spot), and returns its place. first is the capacity
// a first page starts with.
func (c *Map[V]) ready(need, first int) uint32 {
	off, fresh := c.spot(need)
	if fresh {
		if k := len(c.pages) - 1; k >= 0 && len(c.pages[k]) == 0 {
			c.pages = c.pages[:k]
		}
		// A new page: the first small, the others a page long (or the
		// record's length if longer), after a nil page for each number
		// a longer record before it spans.
		for uint64(len(c.pages))<<pageShift < off {
			c.pages = append(c.pages, nil)
		}
		l := pageLen
		if len(c.pages) == 0 {
			l = min(l, max(first, need))
		}
		c.pages = append(c.pages, make([]byte, 0, max(l, need)))
		return uint32(off)
	}
	if k := len(c.pages) - 1; len(c.pages[k])+need > cap(c.pages[k]) {
		p := c.pages[k]
		// The first page, growing (twice as long, at most a page).
		np := make([]byte, len(p), min(max(2*cap(p), len(p)+need), pageLen))
		copy(np, p)
		c.pages[k] = np
	}
	return uint32(off)
}

// compact copies the records in use into new pages (the old ones are left
// to the collector: keeping them for the next compaction would double
// the memory the keys take); a first page has room for a quarter more
// than the records, if they fit in one.
func (c *Map[V]) compact() {
	old := c.pages
	live := c.used - c.dead
	c.pages, c.used, c.dead = nil, 0, 0
	for i := range c.made {
		n := c.at(i)
		if n.stamp == 0 {
			continue
		}
		p := old[n.off>>pageShift][n.off&pageMask:]
		_, kend := keySpan(p)
		_, end := extraSpan(p, kend)
		n.off = c.ready(end, live+live/4)
		last := &c.pages[len(c.pages)-1]
		*last = append(*last, p[:end]...)
		c.used += end
	}
}

// room readies the arena for a record of need bytes (ready): it compacts
// the arena when more than half of it is dead, or when a third is and
// the record needs a new page (rather than add one: about as often as
// the one slice before the pages, which compacted when full with a
// quarter dead and grew by a quarter otherwise); past arenaMax (4 GiB
// of keys) it evicts. It returns the record's place.
func (c *Map[V]) room(need int, evicted func(string, *V)) uint32 {
	if uint64(need) > c.arenaMax {
		panic("lru: key longer than 4 GiB")
	}
	if c.dead > minCompact && (2*c.dead > c.used || c.fresh(need) && 3*c.dead > c.used) {
		c.compact()
	}
	for c.over(need) {
		for uint64(c.used-c.dead)+uint64(need) > c.arenaMax && c.n > 0 {
			c.evict(evicted)
		}
		c.compact()
		if c.over(need) && c.n > 0 {
			// The pages' unused ends leave no room: one more.
			c.evict(evicted)
		}
	}
	return c.ready(need, 0)
}

// fresh reports whether a record of need bytes would start a new page.
func (c *Map[V]) fresh(need int) bool {
	_, f := c.spot(need)
	return f
}

// over reports whether a record of need bytes would end past arenaMax.
func (c *Map[V]) over(need int) bool {
	off, _ := c.spot(need)
	return off+uint64(need) > c.arenaMax
}
