package lru

// The nodes: allocated in chunks, linked by index in the order of use
// (most recently used first), reused once freed (see Map).

func (c *Map[V]) at(i int32) *node[V] { return &c.chunks[i>>chunkBits][i&(chunkLen-1)] }

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
		if len(c.pages) > 1 || len(c.pages) == 1 && cap(c.pages[0]) > minCompact {
			c.pages = nil
		} else if len(c.pages) == 1 {
			c.pages[0] = c.pages[0][:0]
		}
		if len(c.places) > chunkLen {
			c.places = nil
		}
		c.used, c.dead = 0, 0
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
