package cef

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
)

var seeds = []string{
	`CEF:0|Acme|Edge FW|4.2|100|Traffic denied|5|src=198.51.100.7 spt=40112 dst=10.1.2.3 dpt=3389 proto=TCP act=Deny cs1Label=Policy cs1=Block RDP`,
	`CEF:1|Ven\|dor|Pro\\duct|1.0|sig 7|Login|High|suser=CORP\\alice msg=a=b\=c\nnext sourceAddress=2001:db8::5`,
	"LEEF:1.0|Acme|Gateway|3.1|conn_deny|src=10.1.2.3\tdst=198.51.100.20\tsev=7\tdevTime=Apr 05 2024 19:34:38",
	"LEEF:2.0|Acme|Gateway|3.1|login|x5E|usrName=bob^src=192.0.2.4",
}

// decodedForms: the message and its documented unescapings; every
// emitted value must be a substring of one of them.
func decodedForms(msg string) []string {
	return []string{msg, unescapeValue(msg), unescapeHeader(msg)}
}

func FuzzDecode(f *testing.F) {
	for _, s := range seeds {
		f.Add("", s)
	}
	f.Add("CEF", "0|a|b|c|d|e|1|x=1")
	f.Fuzz(func(t *testing.T, program, msg string) {
		forms := decodedForms(msg)
		check := func(k, v string, kind vendor.Kind) {
			found := false
			for _, f := range forms {
				found = found || strings.Contains(f, v)
			}
			if v == "" || !found {
				t.Fatalf("%s=%q is not in %q", k, v, msg)
			}
			if kind != vendor.Extra && kind != vendor.Text && !vendor.Valid(kind, v) {
				t.Fatalf("%s=%q is not a %s", k, v, kind)
			}
		}
		for _, dec := range []func(string, string, vendor.Emit) (vendor.Class, vendor.Status){Decode, DecodeLEEF} {
			n := 0
			_, st := dec(program, msg, func(k, v string, kind vendor.Kind) { n++; check(k, v, kind) })
			if st != vendor.Decoded && n > 0 {
				t.Fatalf("status %v with %d fields", st, n)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	for i, s := range seeds {
		dec := Decode
		if strings.HasPrefix(s, "LEEF") {
			dec = DecodeLEEF
		}
		b.Run([]string{"cef", "cef-escapes", "leef1", "leef2"}[i], func(b *testing.B) {
			n := 0
			emit := func(string, string, vendor.Kind) { n++ }
			b.ReportAllocs()
			for b.Loop() {
				if _, st := dec("", s, emit); st != vendor.Decoded {
					b.Fatal(st)
				}
			}
		})
	}
}
