package listen

import (
	"net/netip"
	"testing"
)

// peerCache gives each sender its own string, whichever sender came
// before (it remembers the last one), and an IPv4 sender on a dual-stack
// socket (::ffff:a.b.c.d) in its IPv4 form.
func TestPeerCache(t *testing.T) {
	var c peerCache
	want := map[string]string{
		"192.0.2.10:514":          "192.0.2.10:514",
		"192.0.2.10:515":          "192.0.2.10:515",
		"[2001:db8::1]:40000":     "[2001:db8::1]:40000",
		"[::ffff:192.0.2.7]:5140": "192.0.2.7:5140",
	}
	order := []string{"192.0.2.10:514", "192.0.2.10:514", "192.0.2.10:515", "[2001:db8::1]:40000",
		"192.0.2.10:514", "[::ffff:192.0.2.7]:5140", "[::ffff:192.0.2.7]:5140", "192.0.2.10:515"}
	for _, in := range order {
		if got := c.get(netip.MustParseAddrPort(in)); got != want[in] {
			t.Errorf("get(%s) = %q, want %q", in, got, want[in])
		}
	}
}
