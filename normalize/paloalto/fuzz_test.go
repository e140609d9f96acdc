package paloalto

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
)

func seeds() []string {
	return []string{
		line("TRAFFIC", "end", 60, trafficCols),
		line("THREAT", "url", 70, map[int]string{7: "10.1.2.3", 30: "block-url", 31: `"bad.example.test/x,""y"""`}),
		line("SYSTEM", "auth", 25, map[int]string{8: "auth-fail", 14: "failed authentication for user 'admin'"}),
		line("GLOBALPROTECT", "0", 30, map[int]string{8: "gateway-auth", 12: "jdoe", 15: "0.0.0.0", 16: "2001:db8::7"}),
		line("DECRYPTION", "0", 70, map[int]string{39: "TLS1.2", 49: "0a1b2c"}),
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		undoubled := strings.ReplaceAll(msg, `""`, `"`)
		vendortest.Check(t, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
			return Decode("", msg, emit)
		}, msg, undoubled)
	})
}

func BenchmarkDecode(b *testing.B) {
	for i, s := range seeds()[:2] {
		b.Run([]string{"traffic", "threat"}[i], func(b *testing.B) {
			n := 0
			emit := func(string, string, vendor.Kind) { n++ }
			b.ReportAllocs()
			for b.Loop() {
				if _, st := Decode("", s, emit); st != vendor.Decoded {
					b.Fatal(st)
				}
			}
		})
	}
}
