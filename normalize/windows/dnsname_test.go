package windows

import "testing"

// A queried name's registered domain, top-level domain and subdomain by
// the Public Suffix List, each a piece of the name as it came; nothing
// for a name the list cannot split.
func TestDNSQuestionDomainParts(t *testing.T) {
	for _, c := range []struct{ name, registered, tld, sub string }{
		{"www.example.com", "example.com", "com", "www"},
		{"example.com", "example.com", "com", ""},
		{"a.b.example.co.uk", "example.co.uk", "co.uk", "a.b"},
		{"Mail.Contoso.CO.UK.", "Contoso.CO.UK", "CO.UK", "Mail"},
		{"pages.contoso.github.io", "contoso.github.io", "github.io", "pages"},
		{"dc01.corp.local", "corp.local", "local", "dc01"},
		{"wpad", "", "", ""},
		{"co.uk", "", "", ""},
		{"192.0.2.7", "", "", ""},
		{"7.2.0.192.in-addr.arpa", "192.in-addr.arpa", "in-addr.arpa", "7.2.0"},
	} {
		got := decodeRoad(t, sysmonRecord("22", `"ProcessId":"4412","QueryName":`+jsonStr(c.name)+`,"QueryStatus":"0","Image":"C:\\Tools\\x.exe"`), false)
		for k, want := range map[string]string{"registered_domain": c.registered, "top_level_domain": c.tld, "subdomain": c.sub} {
			var w any
			if want != "" {
				w = want
			}
			if got["dns.question."+k] != w {
				t.Errorf("%s: dns.question.%s = %v, want %v", c.name, k, got["dns.question."+k], w)
			}
		}
	}
}
