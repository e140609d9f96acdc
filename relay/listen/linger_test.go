package listen

import (
	"testing"
	"time"
)

// nextLinger lets a batch collect at the rate the last linger saw, never
// more datagrams than a quarter of the receive buffer holds, and stays
// between datagramLinger and maxDatagramLinger.
func TestNextLinger(t *testing.T) {
	const ms = time.Millisecond
	for _, c := range []struct {
		n, size int
		elapsed time.Duration
		buffer  int
		want    time.Duration
	}{
		{100, 100 * 256, ms, 8 << 20, 2560 * time.Microsecond}, // 100,000 a second: a batch of 256 in 2.56 ms
		{1000, 1000 * 256, ms, 8 << 20, ms},                    // 1,000,000 a second: never under 1 ms
		{10, 10 * 256, ms, 8 << 20, 4 * ms},                    // 10,000 a second: never over 4 ms
		{100, 100 * 256, ms, 208 << 10, ms},                    // a 208 KiB buffer: room for 52 only
		{400, 400 * 256, 2 * ms, 4 << 20, 1280 * time.Microsecond},
		{100, 100 * 65536, ms, 8 << 20, ms}, // 64 KiB datagrams: room for 31
		{0, 0, ms, 8 << 20, ms},
		{100, 100 * 256, 0, 8 << 20, ms},
		{100, 100 * 256, ms, 0, 2560 * time.Microsecond}, // buffer unknown: a batch
	} {
		if got := nextLinger(c.n, c.size, c.elapsed, c.buffer); got != c.want {
			t.Errorf("nextLinger(%d, %d, %v, %d) = %v, want %v", c.n, c.size, c.elapsed, c.buffer, got, c.want)
		}
	}
}
