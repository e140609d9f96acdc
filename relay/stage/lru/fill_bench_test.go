package lru

import (
	"fmt"
	"testing"
)

// BenchmarkFillNew adds keys that are all new, as a rule grouping by
// source.ip sees them under a scan (make bench's tcp-mixed-rules: every
// sshd failure's address): "fill" 100,000 into an empty map of max
// 100,000 (the index grows as it fills), "evict" 100,000 more into the
// full map (each evicts the oldest). A search first, then the insert, as
// the threshold rules do. Per key; memory-bound (the index, the nodes
// and the arena are cache misses), so compare builds in turn.
func BenchmarkFillNew(b *testing.B) {
	type window struct{ a [4]uint32 } // a threshold window's size and alignment
	const n = 100_000
	keys := make([][]byte, 2*n)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "10.%d.%d.%d\x00u%d", i%7, i%250, i%199+1, i%300)
	}
	for _, tc := range []struct {
		name     string
		from, to int
	}{{"fill", 0, n}, {"evict", n, 2 * n}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				c := New[window](n)
				for _, k := range keys[:tc.from] {
					c.GetOrPutBytes(k, nil)
				}
				b.StartTimer()
				for _, k := range keys[tc.from:tc.to] {
					if _, ok := c.PeekBytes(k); !ok {
						v, _ := c.GetOrPutBytes(k, nil)
						v.a[0]++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
		})
	}
}
