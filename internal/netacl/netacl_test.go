package netacl

import (
	"net"
	"net/netip"
	"testing"
)

func TestList(t *testing.T) {
	l, err := Parse([]string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{
		"10.1.2.3": true, "192.0.2.7": true, "192.0.2.8": false,
		"::ffff:10.9.9.9": true, "2001:db8::1": true, "2001:db9::1": false,
	} {
		if got := l.Allows(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: got %v, want %v", addr, got, want)
		}
	}
	if !l.AllowsNet(&net.TCPAddr{IP: net.ParseIP("10.0.0.1"), Port: 5}) {
		t.Error("TCP peer in 10/8 refused")
	}
	if !(List(nil)).Allows(netip.MustParseAddr("203.0.113.1")) {
		t.Error("an empty list must allow everything")
	}
	for _, bad := range []string{"10.0.0.0/33", "host.example"} {
		if _, err := Parse([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
