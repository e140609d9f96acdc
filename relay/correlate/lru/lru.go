// Package lru is a bounded map that remembers the order in which keys were
// last used. The stages that keep per-key state (sequence streams,
// correlation windows, first-seen sets, open processes) use it so that an
// attacker sending random host names or addresses cannot exhaust memory:
// when full, the least recently used key is evicted and counted.
//
// It is not safe for concurrent use (the stages are single-goroutine).
package lru

// Map is a string-keyed map bounded to Max entries. The zero value is not
// usable; call New.
type Map[V any] struct {
	m    map[string]*node[V]
	head *node[V] // most recently used
	tail *node[V] // least recently used
	max  int
}

type node[V any] struct {
	key        string
	val        V
	prev, next *node[V]
}

// New returns a map that holds at most max entries (max < 1 means 1).
func New[V any](max int) *Map[V] {
	if max < 1 {
		max = 1
	}
	return &Map[V]{m: make(map[string]*node[V]), max: max}
}

// Len returns the number of entries.
func (c *Map[V]) Len() int { return len(c.m) }

// Max returns the bound.
func (c *Map[V]) Max() int { return c.max }

// SetMax changes the bound; it takes effect at the next Put.
func (c *Map[V]) SetMax(max int) {
	if max < 1 {
		max = 1
	}
	c.max = max
}

// Get returns the value of key and marks it most recently used.
func (c *Map[V]) Get(key string) (*V, bool) {
	n, ok := c.m[key]
	if !ok {
		return nil, false
	}
	c.toFront(n)
	return &n.val, true
}

// GetBytes is Get for a key held in a scratch buffer (no allocation).
func (c *Map[V]) GetBytes(key []byte) (*V, bool) {
	n, ok := c.m[string(key)]
	if !ok {
		return nil, false
	}
	c.toFront(n)
	return &n.val, true
}

// Peek returns the value of key without changing its position.
func (c *Map[V]) Peek(key string) (*V, bool) {
	n, ok := c.m[key]
	if !ok {
		return nil, false
	}
	return &n.val, true
}

// PeekBytes is Peek for a key held in a scratch buffer (no allocation).
func (c *Map[V]) PeekBytes(key []byte) (*V, bool) {
	n, ok := c.m[string(key)]
	if !ok {
		return nil, false
	}
	return &n.val, true
}

// Put adds key (most recently used) with value v, or replaces its value.
// If the map was full, the least recently used entry is removed and passed
// to evicted (which may be nil). It returns a pointer to the stored value.
func (c *Map[V]) Put(key string, v V, evicted func(key string, v *V)) *V {
	if n, ok := c.m[key]; ok {
		n.val = v
		c.toFront(n)
		return &n.val
	}
	for len(c.m) >= c.max && c.tail != nil {
		old := c.tail
		c.unlink(old)
		delete(c.m, old.key)
		if evicted != nil {
			evicted(old.key, &old.val)
		}
	}
	n := &node[V]{key: key, val: v}
	c.m[key] = n
	c.pushFront(n)
	return &n.val
}

// PutBack adds key as the least recently used entry (used when restoring
// a snapshot written newest first). It does nothing if key exists or the
// map is full.
func (c *Map[V]) PutBack(key string, v V) {
	if _, ok := c.m[key]; ok || len(c.m) >= c.max {
		return
	}
	n := &node[V]{key: key, val: v, prev: c.tail}
	if c.tail != nil {
		c.tail.next = n
	} else {
		c.head = n
	}
	c.tail = n
	c.m[key] = n
}

// Delete removes key.
func (c *Map[V]) Delete(key string) {
	if n, ok := c.m[key]; ok {
		c.unlink(n)
		delete(c.m, key)
	}
}

// Oldest returns the least recently used entry.
func (c *Map[V]) Oldest() (string, *V, bool) {
	if c.tail == nil {
		return "", nil, false
	}
	return c.tail.key, &c.tail.val, true
}

// All calls fn for every entry, most recently used first, until fn returns
// false. fn must not add entries; it may delete the one it is given.
func (c *Map[V]) All(fn func(key string, v *V) bool) {
	for n := c.head; n != nil; {
		next := n.next
		if !fn(n.key, &n.val) {
			return
		}
		n = next
	}
}

func (c *Map[V]) toFront(n *node[V]) {
	if c.head == n {
		return
	}
	c.unlink(n)
	c.pushFront(n)
}

func (c *Map[V]) pushFront(n *node[V]) {
	n.prev, n.next = nil, c.head
	if c.head != nil {
		c.head.prev = n
	}
	c.head = n
	if c.tail == nil {
		c.tail = n
	}
}

func (c *Map[V]) unlink(n *node[V]) {
	if n.prev != nil {
		n.prev.next = n.next
	} else {
		c.head = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	} else {
		c.tail = n.prev
	}
	n.prev, n.next = nil, nil
}
