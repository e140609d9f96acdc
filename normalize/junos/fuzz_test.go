package junos

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
	"github.com/nomenhq/nomen/relay/event"
)

var seeds = []string{
	"RT_FLOW_SESSION_CLOSE: session closed TCP FIN: 10.1.2.3/51000->198.51.100.20/443 0x0 junos-https 192.0.2.10/40211->198.51.100.20/443 0x0 source rule src-nat-1 N/A N/A 6 allow-web trust untrust 4242 12(2200) 10(5100) 32 UNKNOWN UNKNOWN N/A(N/A) ge-0/0/1.0 No",
	"RT_SCREEN_TCP: SYN flood! source: 203.0.113.9:40000, destination: 192.0.2.10:80, zone name: untrust, interface name: ge-0/0/0.0, action: drop.",
	`RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.26 source-address="203.0.113.9" source-port="40000" policy-name="default-deny"] session denied`,
	"UI_LOGIN_EVENT: User 'admin' login, class 'j-super-user' [65123], ssh-connection '10.0.0.5 51234 10.0.0.1 22', client-mode 'cli'",
}

func FuzzDecode(f *testing.F) {
	for _, s := range seeds {
		f.Add("", s)
	}
	f.Add("UI_AUTH_EVENT", "Authenticated user 'admin' assigned to class 'x'")
	f.Add("", "(FPC Slot 0, PIC Slot 0) PFE_FW_SYSLOG_IP: FW: ge-0/0/2.0 D tcp 198.51.100.7 192.0.2.1 40112 22 (3 packets)")
	f.Add("", "node0.fpc2 PFE_FW_SYSLOG_IP: FW: reth1.100 R udp 203.0.113.50 192.0.2.53 5353 53 (1 packets)")
	f.Add("", "FW: fxp0.0 A icmp 192.0.2.99 192.0.2.1 8 0")
	f.Add("", `2026-07-01T10:00:00.000Z srx-2 RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.26 source-address="203.0.113.9"]`)
	f.Fuzz(func(t *testing.T, msgID, msg string) {
		// "kernel": the Routing Engine's filter log, read without a tag.
		for _, program := range [...]string{"", "kernel"} {
			vendortest.Check(t, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
				return Decode(program, msgID, msg, event.SD{}, emit)
			}, msg, msgID)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	for i, s := range seeds {
		b.Run([]string{"close", "screen", "sdtext", "login"}[i], func(b *testing.B) {
			n := 0
			emit := func(string, string, vendor.Kind) { n++ }
			b.ReportAllocs()
			for b.Loop() {
				if _, st := Decode("", "", s, event.SD{}, emit); st != vendor.Decoded {
					b.Fatal(st)
				}
			}
		})
	}
}
