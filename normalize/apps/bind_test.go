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
