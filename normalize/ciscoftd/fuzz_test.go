package ciscoftd

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{intrusionBody, connectionBody, icmpBody, malwareBody} {
		f.Add("430001", s)
		f.Add("430003", s)
	}
	f.Fuzz(func(t *testing.T, id, body string) {
		vendortest.Check(t, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
			return Decode(id, body, emit)
		}, body)
	})
}

func BenchmarkDecode(b *testing.B) {
	emit := func(string, string, vendor.Kind) {}
	b.ReportAllocs()
	for b.Loop() {
		if _, st := Decode("430001", intrusionBody, emit); st != vendor.Decoded {
			b.Fatal(st)
		}
	}
}
