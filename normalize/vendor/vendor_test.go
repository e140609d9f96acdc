package vendor

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	ok := map[string]time.Time{
		"1712345678":                   time.Unix(1712345678, 0),
		"1712345678123":                time.UnixMilli(1712345678123),
		"2024/04/05 19:34:38":          time.Date(2024, 4, 5, 19, 34, 38, 0, time.UTC),
		"2024/04/05 19:34:38.123":      time.Date(2024, 4, 5, 19, 34, 38, 123e6, time.UTC),
		"2024-04-05 19:34:38":          time.Date(2024, 4, 5, 19, 34, 38, 0, time.UTC),
		"2024-04-05 19:34:38 UTC":      time.Date(2024, 4, 5, 19, 34, 38, 0, time.UTC),
		"2024-04-05T19:34:38.5+02:00":  time.Date(2024, 4, 5, 17, 34, 38, 5e8, time.UTC),
		"2024-04-05T19:34:38+0100":     time.Date(2024, 4, 5, 18, 34, 38, 0, time.UTC),
		"2024-04-05T19:34:38.25-0600":  time.Date(2024, 4, 6, 1, 34, 38, 25e7, time.UTC),
		"Apr 05 2024 19:34:38":         time.Date(2024, 4, 5, 19, 34, 38, 0, time.UTC),
		"Apr 05 2024 19:34:38.250 UTC": time.Date(2024, 4, 5, 19, 34, 38, 25e7, time.UTC),
	}
	for s, want := range ok {
		got, good := ParseTime(s)
		if !good || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, good, want)
		}
	}
	for _, s := range []string{"", "171234567", "2024/04/05", "Apr 05 2024 19:34:38 CEST", "Apr 05 19:34:38",
		"2024-04-05 19:34:38 CEST", "2024-04-05 19:34:38 UTC+2",
		"2024-04-05T19:34:38+01", "2024-04-05T19:34:38+01x0", "2024-04-05T19:34:38",
		"2024-13-05 19:34:38", "2024/04/05 19:34:3x", "2024/04/05 19:34:38.", "2024/04/05 19:34:38.12a", "yesterday at noon, more or less"} {
		if got, good := ParseTime(s); good {
			t.Errorf("ParseTime(%q) = %v, want refusal", s, got)
		}
	}
}

func TestPut(t *testing.T) {
	var got [][3]string
	emit := func(k, v string, kind Kind) { got = append(got, [3]string{k, v, kind.String()}) }
	Put(emit, "source.ip", "srcip", "10.0.0.1", IP)
	Put(emit, "source.ip", "srcip", "host-a", IP)
	Put(emit, "source.port", "srcport", "70000", Port)
	Put(emit, "user.name", "user", "N/A", User)
	Put(emit, "user.name", "user", "", User)
	Put(emit, "source.mac", "", "zz:1a:2b:3c:4d:5e", MAC)
	want := [][3]string{{"source.ip", "10.0.0.1", "ip"}, {"srcip", "host-a", "extra"}, {"srcport", "70000", "extra"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got[i], want[i])
		}
	}
}

func TestShapes(t *testing.T) {
	for _, c := range []struct {
		kind Kind
		v    string
		ok   bool
	}{
		{IP, "2001:db8::1", true}, {IP, "10.0.0.256", false}, {Port, "65535", true}, {Port, "65536", false},
		{Transport, "6", true}, {Transport, "256", false}, {Transport, "ipv6-icmp", true}, {Transport, "tcp/udp", false},
		{MAC, "00-1A-2b-3c-4d-5e", true}, {MAC, "00:1a:2b:3c:4d", false},
		{MAC, "001a.2b3c.4D5E", true}, {MAC, "001a.2b3c.4d5", false}, {MAC, "001a-2b3c-4d5e", false}, {MAC, "001a.2b3c.4d5g", false}, {Word, "two words", false},
		{Direction, "Inbound", true}, {Seconds, "12", true}, {Seconds, "1.5", false},
		{Protocol, "HTTPS", true}, {Protocol, "ssh", true}, {Protocol, "TCP", false}, {Protocol, "icmp6", false}, {Protocol, "BOOTPS (UDP)", false},
		{Serial, "0a1B2c", true}, {Serial, "0x1A", false}, {Serial, "0A:1B", false},
	} {
		if got := Valid(c.kind, c.v); got != c.ok {
			t.Errorf("Valid(%s, %q) = %v", c.kind, c.v, got)
		}
	}
	if !EqualFold("TCP", "tcp") || EqualFold("a@", "a`") {
		t.Error("EqualFold")
	}
}

func TestParseHex(t *testing.T) {
	for s, want := range map[string]uint64{"0x3e7": 0x3e7, "0XC000006A": 0xc000006a, "ff": 255, "ffffffffffffffff": 1<<64 - 1} {
		if got, ok := ParseHex(s); !ok || got != want {
			t.Errorf("ParseHex(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "0x", "0x0x1", "12g", "-1", "1_0", "10000000000000000"} {
		if _, ok := ParseHex(s); ok {
			t.Errorf("ParseHex(%q) accepted", s)
		}
	}
}

// TestIsCanonicalIPv4 checks the fast path against netip: true exactly
// for the IPv4 addresses netip writes back unchanged; and IsIP and ParseIP
// agree with netip on every case (zones included).
func TestIsCanonicalIPv4(t *testing.T) {
	cases := []string{"0.0.0.0", "1.2.3.4", "192.0.2.255", "255.255.255.255", "10.0.0.256", "01.2.3.4",
		"1.2.3.04", "1.2.3", "1.2.3.4.5", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ", "::1", "::ffff:1.2.3.4",
		"1.2.3.4%eth0", "a.b.c.d", "1000.2.3.4", "1.2.3.-4", "", "00.0.0.0",
		"fe80::1%eth0", "fe80::1%", "fe80::1%1", "fe80::1%en0 x", "%eth0", "::ffff:1.2.3.4%x", "2001:DB8::A",
		"host.example.org", "cafe", "::", strings.Repeat("1", 65)}
	for a := 0; a < 300; a += 7 {
		cases = append(cases, strconv.Itoa(a)+".0."+strconv.Itoa(300-a)+".9")
	}
	for _, s := range cases {
		addr, err := netip.ParseAddr(s)
		want := err == nil && addr.Is4() && addr.String() == s
		if got := IsCanonicalIPv4(s); got != want {
			t.Errorf("IsCanonicalIPv4(%q) = %v, netip says %v", s, got, want)
		}
		if got := IsIP(s); got != (err == nil) {
			t.Errorf("IsIP(%q) = %v, netip says %v", s, got, err == nil)
		}
		if got, ok := ParseIP(s); ok != (err == nil) || got != addr {
			t.Errorf("ParseIP(%q) = %v, %v; netip says %v, %v", s, got, ok, addr, err)
		}
	}
}

// FuzzIsCanonicalIPv4 holds the fast path to netip's answer on any input.
func FuzzIsCanonicalIPv4(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "255.255.255.255", "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, err := netip.ParseAddr(s)
		want := err == nil && addr.Is4() && addr.String() == s
		if got := IsCanonicalIPv4(s); got != want {
			t.Errorf("IsCanonicalIPv4(%q) = %v, netip says %v", s, got, want)
		}
	})
}
