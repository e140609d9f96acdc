package lru

import (
	"fmt"
	"slices"
	"testing"
)

func keys[V any](c *Map[V]) []string {
	var out []string
	c.All(func(k string, _ *V) bool { out = append(out, k); return true })
	return out
}

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	c := New[int](3)
	var evicted []string
	ev := func(k string, v *int) { evicted = append(evicted, fmt.Sprint(k, "=", *v)) }
	c.Put("a", 1, ev)
	c.Put("b", 2, ev)
	c.Put("c", 3, ev)
	if _, ok := c.Get("a"); !ok { // a becomes most recent
		t.Fatal("a missing")
	}
	c.Put("d", 4, ev) // evicts b
	if got := keys(c); !slices.Equal(got, []string{"d", "a", "c"}) {
		t.Errorf("order = %v", got)
	}
	if !slices.Equal(evicted, []string{"b=2"}) {
		t.Errorf("evicted = %v", evicted)
	}
	if _, ok := c.GetBytes([]byte("c")); !ok {
		t.Fatal("c missing")
	}
	c.Delete("a")
	if k, _, _ := c.Oldest(); k != "d" {
		t.Errorf("oldest = %q", k)
	}
	if got := keys(c); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("order = %v", got)
	}
	c.PutBack("z", 26)
	if got := keys(c); !slices.Equal(got, []string{"c", "d", "z"}) {
		t.Errorf("order after PutBack = %v", got)
	}
	c.PutBack("y", 25) // full: ignored
	if c.Len() != 3 {
		t.Errorf("len = %d", c.Len())
	}
}

func TestDeleteDuringAll(t *testing.T) {
	c := New[int](10)
	for i := range 5 {
		c.Put(fmt.Sprint(i), i, nil)
	}
	c.All(func(k string, v *int) bool {
		if *v%2 == 0 {
			c.Delete(k)
		}
		return true
	})
	if got := keys(c); !slices.Equal(got, []string{"3", "1"}) {
		t.Errorf("keys = %v", got)
	}
}

func BenchmarkGetBytes(b *testing.B) {
	c := New[int](1000)
	for i := range 1000 {
		c.Put(fmt.Sprintf("host%d/app", i), i, nil)
	}
	key := []byte("host500/app")
	b.ReportAllocs()
	for b.Loop() {
		c.GetBytes(key)
	}
}
