package lru

import (
	"math"
	"slices"
)

// The nodes: allocated in chunks, reused once freed (a free node's off
// is the next free node), and the order of use (see Map).
//
// The order is each node's stamp: when it was last used, a number that
// only grows (Map.clock; 0: a free node), so that using a key writes its
// own node alone, and the order costs 4 bytes a key, not the 8 of two
// links (issue #17: a node of 12 bytes around a value was most of a
// first_seen tuple's cost). The least recently used key is the smallest
// stamp: the queue holds the smallest, in order, found in a pass over
// the nodes (refill: ~a 16th of the nodes made, in use or free, which
// the pass reads); an entry whose node's stamp
// has changed since (used, deleted, reused) is passed over. That is
// exact, not an approximation of the order: a node not in the queue had
// a larger stamp than every entry in it when it was filled, or has been
// given a larger one since, so the first entry that is still current is
// the smallest stamp of all. The passes are paid for by the entries they
// give, each taken once (evicted, expired or passed over): ~16 nodes
// read per entry.

// at returns node i.
func (c *Map[V]) at(i int32) *node[V] { return &c.chunks[i>>chunkBits][i&(chunkLen-1)] }

// alloc returns a free node, from the free list or a new one.
func (c *Map[V]) alloc() int32 {
	if i := c.free; i != none {
		c.free = int32(c.at(i).off)
		return i
	}
	i := c.made
	if int(i)>>chunkBits == len(c.chunks) {
		c.chunks = append(c.chunks, make([]node[V], chunkLen))
	}
	c.made++
	return i
}

// release clears node i (so that it keeps nothing alive; stamp 0: free)
// and frees it. The chunks made stay, for keys to come, until the last
// entry is gone: then all but the first go too, and the arenas, so that
// a map that was full once does not keep its peak memory after its keys
// expired.
func (c *Map[V]) release(i int32) {
	*c.at(i) = node[V]{off: uint32(c.free)}
	c.free = i
	if c.n == 0 {
		// Every node is cleared: start again at the first.
		c.chunks, c.made, c.free = c.chunks[:1:1], 0, none
		c.queue, c.qpos = nil, 0
		c.pages.Reset(minCompact)
		if len(c.places) > chunkLen {
			c.places = nil
		}
		c.used, c.dead = 0, 0
	}
}

// toFront marks node i most recently used.
func (c *Map[V]) toFront(i int32) { c.use(c.at(i)) }

// use marks node n most recently used.
func (c *Map[V]) use(n *node[V]) {
	if c.clock == math.MaxUint32 {
		c.renumber()
	}
	n.stamp = c.clock
	c.clock++
}

// toBack marks node i, new, least recently used (PutBack).
func (c *Map[V]) toBack(i int32) {
	if c.low == 0 {
		c.renumber()
	}
	c.at(i).stamp = c.low
	c.low--
	c.queue, c.qpos = c.queue[:0], 0 // the queue no longer holds the smallest stamps
}

// oldest returns the least recently used node, or none.
func (c *Map[V]) oldest() int32 {
	if c.n == 0 {
		return none
	}
	for {
		for ; c.qpos < len(c.queue); c.qpos++ {
			q := c.queue[c.qpos]
			if i := int32(uint32(q)); c.at(i).stamp == uint32(q>>32) {
				return i
			}
		}
		c.refill()
	}
}

// refill fills the queue with the nodes of the smallest stamps,
// smallest first: every node whose stamp is at most a bound, the 16th
// smallest of a sample of up to 1,024 stamps (one in made/1,024 nodes),
// so ~a 16th of the nodes (the queue 0.5 bytes a key). Every node at
// most the bound, not the k smallest: that is what makes the queue
// exact (see above), whatever the sample. One pass over the nodes and a sort of the queue, where a
// heap of the k smallest took ~2,400 instructions an entry.
func (c *Map[V]) refill() {
	step := max(1, int(c.made)/1024)
	sample := c.queue[:0]
	for i := 0; i < int(c.made); i += step {
		if s := c.at(int32(i)).stamp; s != 0 {
			sample = append(sample, uint64(s))
		}
	}
	bound := uint32(math.MaxUint32)
	if len(sample) > 0 {
		slices.Sort(sample)
		bound = uint32(sample[len(sample)/16])
	}
	q := sample[:0]
	for k, ch := range c.chunks { // a chunk at a time: ~5 instructions a node
		first := k << chunkBits
		if first >= int(c.made) {
			break
		}
		ch = ch[:min(chunkLen, int(c.made)-first)]
		for j := range ch {
			if s := ch[j].stamp; s != 0 && s <= bound {
				q = append(q, uint64(s)<<32|uint64(first+j))
			}
		}
	}
	slices.Sort(q)
	c.queue, c.qpos = q, 0
}

// byUse returns the nodes in use, each as its stamp << 32 | its number,
// most recently used first.
func (c *Map[V]) byUse() []uint64 {
	order := make([]uint64, 0, c.n)
	for i := range c.made {
		if s := c.at(i).stamp; s != 0 {
			order = append(order, uint64(s)<<32|uint64(uint32(i)))
		}
	}
	slices.Sort(order)
	slices.Reverse(order)
	return order
}

// renumber gives the nodes the stamps from 1<<30 on in their order, when
// the clock has run out (after 2^31 uses) or PutBack's stamps have.
func (c *Map[V]) renumber() {
	order := c.byUse()
	const base = 1 << 30
	for k, e := range order {
		c.at(int32(uint32(e))).stamp = base + uint32(len(order)-1-k)
	}
	c.clock, c.low = base+uint32(len(order)), base-1
	c.queue, c.qpos = c.queue[:0], 0
}
