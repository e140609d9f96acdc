package checkpoint

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

var seed = `[action:"Drop"; ifdir:"inbound"; ifname:"eth1"; origin:"192.0.2.1"; time:"1712345678"; dst:"10.1.2.3"; inzone:"External"; outzone:"Internal"; product:"VPN-1 & FireWall-1"; proto:"6"; rule_name:"Block RDP"; s_port:"40112"; service:"3389"; src:"198.51.100.7"]`

func FuzzDecode(f *testing.F) {
	f.Add("CheckPoint", seed)
	f.Add("", `- [action:"Failed Log In"; user:"bob"; reason:"a \"b\""]`)
	f.Fuzz(func(t *testing.T, program, msg string) {
		n := 0
		class, st := Decode(program, msg, func(k, v string, kind vendor.Kind) {
			n++
			if v == "" || !strings.Contains(msg, v) {
				t.Fatalf("%s=%q is not in %q", k, v, msg)
			}
			if kind != vendor.Extra && kind != vendor.Text && !vendor.Valid(kind, v) {
				t.Fatalf("%s=%q is not a %s", k, v, kind)
			}
		})
		if st != vendor.Decoded && n > 0 {
			t.Fatalf("status %v with %d fields", st, n)
		}
		if err := ecs.CheckClass(class); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	n := 0
	emit := func(string, string, vendor.Kind) { n++ }
	b.ReportAllocs()
	for b.Loop() {
		if _, st := Decode("CheckPoint", seed, emit); st != vendor.Decoded {
			b.Fatal(st)
		}
	}
}
