package ecs

import "testing"

// An LDAP DN names a login only by its first RDN's uid=.
func TestLoginFromDN(t *testing.T) {
	for dn, want := range map[string]string{
		"uid=alice,ou=people,dc=example,dc=com": "alice",
		"uid=bob":                               "bob",
		"cn=admin,dc=example,dc=com":            "",
		"cn=x,uid=alice,dc=example,dc=com":      "",
		"uid=a b,ou=people":                     "",
		"uid=a+cn=b,ou=people":                  "",
		`uid=a\2c b,ou=people`:                  "",
		`uid=x" mech=SIMPLE,dc=example`:         "",
		"uid=,ou=people":                        "",
	} {
		if got := LoginFromDN(dn); got != want {
			t.Errorf("%q: %q, want %q", dn, got, want)
		}
	}
}
