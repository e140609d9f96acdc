package tagindex

import "testing"

// Every entry placed is found by probing from its hash's slot before an
// empty one, after any number of growths, even when hashes collide.
func TestPlaceGrowFind(t *testing.T) {
	var x Index[int]
	hash := func(v int) uint64 { return uint64(v%7) * 0x9E3779B97F4A7C15 } // many collisions
	x.Grow(4, hash)
	n := 0
	for v := range 1000 {
		if 2*(n+1) > x.Len() {
			x.Grow(4, hash)
		}
		x.Place(hash(v), v)
		n++
	}
	for v := range 1000 {
		h, m := hash(v), x.Len()-1
		found := false
		for j := int(h) & m; x.Tags[j] != 0; j = (j + 1) & m {
			if x.Tags[j] == Tag(h) && x.Slots[j] == v {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("%d not found in a table of %d", v, x.Len())
		}
	}
	if Tag(0) == 0 || Tag(1<<63) == 0 {
		t.Error("a tag is 0, the empty slot's")
	}
}
