package lru

import "github.com/nomenhq/nomen/relay/stage/arena"

// The arena: every entry's record (its key and extra bytes) in the pages
// of package arena (its records' format: head, key, extra bytes); the
// records of deleted keys are dead bytes until a compaction copies the
// live ones into new pages (see Map).

// rec returns the arena from the record at off to the end of its page.
func (c *Map[V]) rec(off uint32) []byte { return c.pages.Rec(off) }

// key returns the key of node n, in the arena (valid until the next Put).
func (c *Map[V]) key(n *node[V]) []byte { return arena.Key(c.rec(n.off)) }

// recordLen returns the length of the record at off.
func (c *Map[V]) recordLen(off uint32) int { return arena.RecordLen(c.rec(off)) }

// appendRecord appends a record of key and no extra bytes to the last
// page, which room readied for it.
func appendRecord[V any, K string | []byte](c *Map[V], key K) {
	p := c.pages.Last()
	l := len(*p)
	*p = arena.AppendRecord(*p, key, nil)
	c.used += len(*p) - l
}

// compact copies the records in use into new pages (the old ones are left
// to the collector: keeping them for the next compaction would double
// the memory the keys take); a first page has room for a quarter more
// than the records, if they fit in one.
func (c *Map[V]) compact() {
	old := c.pages
	live := c.used - c.dead
	c.pages, c.used, c.dead = arena.Pages{}, 0, 0
	for i := range c.made {
		n := c.at(i)
		if n.stamp == 0 {
			continue
		}
		r := old.Rec(n.off)
		r = r[:arena.RecordLen(r)]
		n.off = c.pages.Ready(len(r), live+live/4)
		last := c.pages.Last()
		*last = append(*last, r...)
		c.used += len(r)
	}
}

// room readies the arena for a record of need bytes (arena.Pages.Ready):
// it compacts the arena when more than half of it is dead, or when a
// third is and the record needs a new page (rather than add one: about
// as often as the one slice before the pages, which compacted when full
// with a quarter dead and grew by a quarter otherwise); past arenaMax
// (4 GiB of keys) it evicts. It returns the record's place.
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
	return c.pages.Ready(need, 0)
}

// fresh reports whether a record of need bytes would start a new page.
func (c *Map[V]) fresh(need int) bool {
	_, f := c.pages.Spot(need)
	return f
}

// over reports whether a record of need bytes would end past arenaMax.
func (c *Map[V]) over(need int) bool {
	off, _ := c.pages.Spot(need)
	return off+uint64(need) > c.arenaMax
}
