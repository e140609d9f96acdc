package ecs

import (
	"sync"
	"sync/atomic"
)

// StringCache maps a string to one derived from it (a vendor's field name
// from its key, the lower case of a program name), computing and
// allocating it once rather than on every line: a source repeats the
// same few dozen keys and names. It is bounded, since the strings come
// from messages: past MaxCached entries, or for a string longer than
// MaxCachedLen, the value is derived per use. It keeps copies, never the
// message a string was cut from. Reads take no lock: the map is
// replaced, never changed, when an entry is added. Safe for concurrent
// use.
type StringCache struct {
	derive func(string) string
	m      atomic.Pointer[map[string]string]
	mu     sync.Mutex // serialises additions
}

// Bounds of a StringCache.
const (
	MaxCached    = 512
	MaxCachedLen = 64
)

// NewStringCache returns a cache of derive's results.
func NewStringCache(derive func(string) string) *StringCache {
	c := &StringCache{derive: derive}
	c.m.Store(&map[string]string{})
	return c
}

// Get returns derive(s).
func (c *StringCache) Get(s string) string {
	m := *c.m.Load()
	if v, ok := m[s]; ok {
		return v
	}
	v := c.derive(s)
	if len(m) < MaxCached && len(s) <= MaxCachedLen {
		c.add(s, v)
	}
	return v
}

// Len returns the number of entries cached.
func (c *StringCache) Len() int { return len(*c.m.Load()) }

func (c *StringCache) add(s, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := *c.m.Load()
	if _, ok := old[s]; ok || len(old) >= MaxCached {
		return
	}
	m := make(map[string]string, len(old)+1)
	for a, b := range old {
		m[a] = b
	}
	// Copies: s and v may be substrings of a message (v is s itself when
	// derive had nothing to change).
	m[string([]byte(s))] = string([]byte(v))
	c.m.Store(&m)
}
