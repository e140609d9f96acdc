package paloalto

import (
	"strings"
	"testing"

	ecsfields "github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

func seeds() []string {
	return []string{
		line("TRAFFIC", "end", 60, trafficCols),
		line("THREAT", "url", 70, map[int]string{7: "10.1.2.3", 30: "block-url", 31: `"bad.example.test/x,""y"""`}),
		line("SYSTEM", "auth", 25, map[int]string{8: "auth-fail", 14: "failed authentication for user 'admin'"}),
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		undoubled := strings.ReplaceAll(msg, `""`, `"`)
		n := 0
		class, st := Decode("", msg, func(k, v string, kind vendor.Kind) {
			n++
			if v == "" || !strings.Contains(msg, v) && !strings.Contains(undoubled, v) {
				t.Fatalf("%s=%q is not in %q", k, v, msg)
			}
			if kind != vendor.Extra && kind != vendor.Text && !vendor.Valid(kind, v) {
				t.Fatalf("%s=%q is not a %s", k, v, kind)
			}
		})
		if st != vendor.Decoded && n > 0 {
			t.Fatalf("status %v with %d fields", st, n)
		}
		if err := ecsfields.CheckClass(class); err != nil {
			t.Fatal(err)
		}
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
