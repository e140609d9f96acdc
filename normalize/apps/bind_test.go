package apps

import "testing"

// rrl.c's "for (?)" (a stop of limiting whose name it did not keep) is no
// query name.
func TestBindRRLNoName(t *testing.T) {
	c := catalogByName(t, "bind")
	for _, msg := range []string{
		`stop limiting responses to 203.0.113.0/24 for (?) IN TXT  (0badcafe)`,
		`*stop limiting NXDOMAIN responses to 203.0.113.0/24 for (?)  (0badcafe)`,
	} {
		e := decodeWith(c, "named", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if v, ok := e.Field("dns.question.name"); ok {
			t.Errorf("%q: dns.question.name = %v, want none", msg, v)
		}
		if v, ok := e.Field("bind.rrl.name"); ok {
			t.Errorf("%q: bind.rrl.name = %v, want none", msg, v)
		}
		if e.Str("bind.rrl.prefix") != "203.0.113.0/24" {
			t.Errorf("%q: bind.rrl.prefix = %q", msg, e.Str("bind.rrl.prefix"))
		}
	}
}

// A classless reverse zone's name holds a '/': "ZONE/CLASS[/VIEW]" is
// cut at its class, not at the zone's first slash (which made the class
// a view).
func TestBindZoneWithSlash(t *testing.T) {
	c := catalogByName(t, "bind")
	for msg, want := range map[string][2]string{
		`zone 128/26.100.51.198.in-addr.arpa/IN: loaded serial 7`:                                        {"128/26.100.51.198.in-addr.arpa", ""},
		`zone 128/26.100.51.198.in-addr.arpa/IN/lan: loaded serial 7`:                                    {"128/26.100.51.198.in-addr.arpa", "lan"},
		`zone corp.example/IN/lan: loaded serial 7`:                                                      {"corp.example", "lan"},
		`zone authors.bind/CH: loaded serial 0`:                                                          {"authors.bind", ""},
		`transfer of '128/26.100.51.198.in-addr.arpa/IN' from 198.51.100.2#53: Transfer status: success`: {"128/26.100.51.198.in-addr.arpa", ""},
	} {
		e := decodeWith(c, "named", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		got := [2]string{e.Str("bind.zone"), e.Str("bind.view")}
		if got != want {
			t.Errorf("%q: bind.zone, bind.view = %q, want %q", msg, got, want)
		}
		if _, ok := e.Field("bind.zone_class"); ok {
			t.Errorf("%q: bind.zone_class kept", msg)
		}
	}
}

// An inline-signed zone's name is written with " (signed)" or
// " (unsigned)" after its view (zone.c zone_namerd_tostr).
func TestBindZoneSigned(t *testing.T) {
	c := catalogByName(t, "bind")
	for msg, want := range map[string][2]string{
		`zone corp.example/IN/lan (signed): loaded serial 8`:                                    {"corp.example", "lan"},
		`zone corp.example/IN (unsigned): loaded serial 8`:                                      {"corp.example", ""},
		`transfer of 'corp.example/IN (signed)' from 198.51.100.2#53: Transfer status: success`: {"corp.example", ""},
		`zone 128/26.100.51.198.in-addr.arpa/IN/lan (signed): sending notifies (serial 9)`:      {"128/26.100.51.198.in-addr.arpa", "lan"},
	} {
		e := decodeWith(c, "named", msg)
		if e == nil {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := [2]string{e.Str("bind.zone"), e.Str("bind.view")}; got != want {
			t.Errorf("%q: bind.zone, bind.view = %q, want %q", msg, got, want)
		}
	}
}
