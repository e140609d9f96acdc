package journal

import (
	"sync"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// decoded is one block read back from disk. Its events are shared by every
// reader that reads the block and must not be modified.
type decoded struct {
	first  uint64
	events []event.Event
	bytes  int64 // raw size, what the cache is bounded by
}

func (d *decoded) end() uint64 { return d.first + uint64(len(d.events)) }

// blockCache keeps the most recently decoded blocks, so that readers that
// are behind by about the same amount (several outputs catching up after a
// restart) decode each block once. A block is evicted least recently used
// first; a reader still holding one keeps it alive.
type blockCache struct {
	mu    sync.Mutex
	max   int64
	bytes int64
	byID  map[uint64]*cacheEntry
	clock uint64
	gauge prometheus.Gauge // bytes
}

type cacheEntry struct {
	blk  *decoded
	used uint64
}

func newBlockCache(max int64, gauge prometheus.Gauge) *blockCache {
	gauge.Set(0)
	return &blockCache{max: max, byID: map[uint64]*cacheEntry{}, gauge: gauge}
}

func (c *blockCache) get(first uint64) *decoded {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.byID[first]
	if e == nil {
		return nil
	}
	c.clock++
	e.used = c.clock
	return e.blk
}

func (c *blockCache) put(d *decoded) {
	if d.bytes > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[d.first]; ok {
		return
	}
	// The cache holds a few dozen blocks: a linear scan for the least
	// recently used one is cheaper than keeping a list.
	for c.bytes+d.bytes > c.max {
		var victim *cacheEntry
		for _, e := range c.byID {
			if victim == nil || e.used < victim.used {
				victim = e
			}
		}
		delete(c.byID, victim.blk.first)
		c.bytes -= victim.blk.bytes
	}
	c.clock++
	c.byID[d.first] = &cacheEntry{blk: d, used: c.clock}
	c.bytes += d.bytes
	c.gauge.Set(float64(c.bytes))
}

// forget drops the blocks of IDs below id (deleted segments).
func (c *blockCache) forget(id uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for first, e := range c.byID {
		if e.blk.end() <= id {
			delete(c.byID, first)
			c.bytes -= e.blk.bytes
		}
	}
	c.gauge.Set(float64(c.bytes))
}

// eventsOf returns pointers to the events of d from id on, at most max.
func (d *decoded) appendFrom(out []*event.Event, id uint64, max int) []*event.Event {
	for i := id - d.first; i < uint64(len(d.events)) && max > 0; i++ {
		out = append(out, &d.events[i])
		max--
	}
	return out
}
