package gateway

import (
	"sync"
	"sync/atomic"
)

// keyCache builds the field names of a namespace's Extra keys
// ("fortinet.fortigate." + "vd") once rather than on every line: a device
// repeats the same few dozen keys, and the concatenation was most of a
// line's allocations. It is bounded, since the keys come from the message
// (CEF, LEEF and FortiGate producers write their own): past maxCachedKeys
// a new key is built per use. Reads take no lock: the map is replaced,
// never changed, when a key is added.
type keyCache struct {
	namespace string
	keys      atomic.Pointer[map[string]string]
	mu        sync.Mutex // serialises additions
}

const (
	maxCachedKeys   = 512
	maxCachedKeyLen = 64
)

func newKeyCache(namespace string) *keyCache {
	c := &keyCache{namespace: namespace}
	c.keys.Store(&map[string]string{})
	return c
}

// full returns namespace + key.
func (c *keyCache) full(key string) string {
	m := *c.keys.Load()
	if k, ok := m[key]; ok {
		return k
	}
	k := c.namespace + key
	if len(m) < maxCachedKeys && len(key) <= maxCachedKeyLen {
		c.add(k)
	}
	return k
}

// add stores k under its key part, a substring of k (not of the message,
// which the cache must not keep alive).
func (c *keyCache) add(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := *c.keys.Load()
	key := k[len(c.namespace):]
	if _, ok := old[key]; ok || len(old) >= maxCachedKeys {
		return
	}
	m := make(map[string]string, len(old)+1)
	for a, b := range old {
		m[a] = b
	}
	m[key] = k
	c.keys.Store(&m)
}
