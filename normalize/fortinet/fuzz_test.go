package fortinet

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
)

var seeds = []string{
	head + `logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.1.2.3 srcport=51000 srcintf="port1" dstip=198.51.100.20 dstport=443 dstintf="wan1" sessionid=4242 proto=6 action="deny" policyid=7 service="HTTPS" duration=0 sentbyte=0 rcvdbyte=0`,
	head + `logid="0100032002" type="event" subtype="system" level="alert" logdesc="Admin login failed" user="root" ui="ssh(203.0.113.9)" srcip=203.0.113.9 action="login" status="failed"`,
}

func FuzzDecode(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	// VPN logs: their users and tunnel ends are placed by putVPN.
	f.Add(`date=2024-04-05 time=20:21:02 logid="0101039947" type="event" subtype="vpn" action="tunnel-up" tunneltype="ssl-tunnel" remip=198.51.100.9 ` +
		`user="jdoe" rcvdbyte=100 sentbyte=200`)
	f.Add(`date=2024-04-05 time=20:21:02 logid="0101037141" type="event" subtype="vpn" tunneltype="ipsec" user="198.51.100.9" xauthuser="N/A" ` +
		`eapuser="jdoe" remip=198.51.100.9 remport=500 locip=192.0.2.1 locport=500 sentbyte=1 rcvdbyte=2`)
	f.Fuzz(func(t *testing.T, msg string) {
		vendortest.Check(t, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
			return Decode("", msg, emit)
		}, msg)
	})
}

func BenchmarkDecode(b *testing.B) {
	for i, s := range seeds {
		b.Run([]string{"traffic", "login"}[i], func(b *testing.B) {
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
