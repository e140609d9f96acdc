package checkpoint

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
)

var seed = `[action:"Drop"; ifdir:"inbound"; ifname:"eth1"; origin:"192.0.2.1"; time:"1712345678"; dst:"10.1.2.3"; inzone:"External"; outzone:"Internal"; product:"VPN-1 & FireWall-1"; proto:"6"; rule_name:"Block RDP"; s_port:"40112"; service:"3389"; src:"198.51.100.7"]`

func FuzzDecode(f *testing.F) {
	f.Add("CheckPoint", seed)
	f.Add("", `- [action:"Failed Log In"; user:"bob"; reason:"a \"b\""]`)
	f.Add("", `time=1712345678|product=Firewall|action=Drop|originsicname=CN\=gw|src=198.51.100.7|x\|y|`)
	f.Fuzz(func(t *testing.T, program, msg string) {
		vendortest.Check(t, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
			return Decode(program, msg, emit)
		}, msg)
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
