package gateway

import (
	"strconv"
	"sync"
	"testing"
)

func TestKeyCache(t *testing.T) {
	c := newKeyCache("ns.")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range maxCachedKeys * 2 {
				key := "k" + strconv.Itoa((i+g)%(maxCachedKeys*2))
				if got := c.full(key); got != "ns."+key {
					t.Errorf("full(%q) = %q", key, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(*c.keys.Load()); n != maxCachedKeys {
		t.Errorf("%d keys cached, bound %d", n, maxCachedKeys)
	}
	long := string(make([]byte, maxCachedKeyLen+1))
	c = newKeyCache("ns.")
	if c.full(long) != "ns."+long || len(*c.keys.Load()) != 0 {
		t.Error("a long key was cached")
	}
}
