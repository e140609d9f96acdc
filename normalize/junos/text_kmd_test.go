package junos

import (
	"maps"
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

func TestIKENegotiation(t *testing.T) {
	cases := []struct {
		program, msg string
		action       string
		want         map[string]string // nil: Malformed
	}{
		{"kmd", "IKE negotiation failed with error: No proposal chosen. IKE Version: 1, VPN: to-branch Gateway: gw-branch, Local: 192.0.2.1/500, Remote: 198.51.100.9/500, Local IKE-ID: Not-Available, Remote IKE-ID: Not-Available, VR-ID: 0",
			"vpn-negotiation-failed", map[string]string{"event.reason": "No proposal chosen",
				"juniper.junos.local": "192.0.2.1/500", "juniper.junos.remote": "198.51.100.9/500", "juniper.junos.ike-version": "1",
				"juniper.junos.vpn-name": "to-branch", "juniper.junos.gateway-name": "gw-branch", "juniper.junos.vr-id": "0"}},
		// The device started it: its own end is the source.
		{"kmd", "IKE negotiation failed with error: Authentication failed. IKE Version: 2, VPN: hq Gateway: gw-hq, Local: 192.0.2.1/4500, Remote: 203.0.113.5/4500, Local IKE-ID: 192.0.2.1, Remote IKE-ID: hq.example.com, VR-ID: 0, Role: Initiator",
			"vpn-negotiation-failed", map[string]string{"event.reason": "Authentication failed", "source.ip": "192.0.2.1", "source.port": "4500",
				"destination.ip": "203.0.113.5", "destination.port": "4500", "juniper.junos.ike-version": "2",
				"juniper.junos.vpn-name": "hq", "juniper.junos.gateway-name": "gw-hq", "juniper.junos.local-ike-id": "192.0.2.1",
				"juniper.junos.remote-ike-id": "hq.example.com", "juniper.junos.vr-id": "0", "juniper.junos.role": "Initiator"}},
		// A reason with a full stop in it.
		{"kmd", "IKE negotiation failed with error: Peer's IKE-ID validation failed. See the logs. IKE Version: 2, VPN: hq Gateway: gw-hq, Local: 192.0.2.1/500, Remote: 203.0.113.5/500, Local IKE-ID: Not-Available, Remote IKE-ID: Not-Available, VR-ID: 0, Role: Responder",
			"vpn-negotiation-failed", map[string]string{"event.reason": "Peer's IKE-ID validation failed. See the logs", "source.ip": "203.0.113.5", "source.port": "500",
				"destination.ip": "192.0.2.1", "destination.port": "500", "juniper.junos.ike-version": "2",
				"juniper.junos.vpn-name": "hq", "juniper.junos.gateway-name": "gw-hq", "juniper.junos.vr-id": "0", "juniper.junos.role": "Responder"}},
		{"kmd", "IKE negotiation successfully completed. IKE Version: 2, VPN: hq Gateway: gw-hq, Local: 192.0.2.1/4500, Remote: 203.0.113.5/4500, Local IKE-ID: 192.0.2.1, Remote IKE-ID: 203.0.113.5, VR-ID: 4, Role: Responder",
			"tunnel-established", map[string]string{"source.ip": "203.0.113.5", "source.port": "4500",
				"destination.ip": "192.0.2.1", "destination.port": "4500", "juniper.junos.ike-version": "2",
				"juniper.junos.vpn-name": "hq", "juniper.junos.gateway-name": "gw-hq", "juniper.junos.local-ike-id": "192.0.2.1",
				"juniper.junos.remote-ike-id": "203.0.113.5", "juniper.junos.vr-id": "4", "juniper.junos.role": "Responder"}},
		// "VR-ID: 5: Role: Initiator", as some releases print it: the Role still says the sides.
		{"kmd", "IKE negotiation failed with error: Timed out. IKE Version: 1, VPN: to-dc Gateway: gw-dc, Local: 192.0.2.1/500, Remote: 198.51.100.20/500, Local IKE-ID: Not-Available, Remote IKE-ID: Not-Available, VR-ID: 5: Role: Initiator",
			"vpn-negotiation-failed", map[string]string{"event.reason": "Timed out", "source.ip": "192.0.2.1", "source.port": "500",
				"destination.ip": "198.51.100.20", "destination.port": "500", "juniper.junos.ike-version": "1",
				"juniper.junos.vpn-name": "to-dc", "juniper.junos.gateway-name": "gw-dc", "juniper.junos.vr-id": "5", "juniper.junos.role": "Initiator"}},
		// Phase 2 (IPsec SA) failing, with the same list.
		{"kmd", "IPSec negotiation failed with error: Peer proposed traffic-selectors are not in configured range. IKE Version: 2, VPN: to-dc Gateway: gw-dc, Local: 192.0.2.1/4500, Remote: 198.51.100.20/4500, Local IKE-ID: 192.0.2.1, Remote IKE-ID: 198.51.100.20, VR-ID: 6",
			"vpn-negotiation-failed", map[string]string{"event.reason": "Peer proposed traffic-selectors are not in configured range",
				"juniper.junos.local": "192.0.2.1/4500", "juniper.junos.remote": "198.51.100.20/4500", "juniper.junos.ike-version": "2",
				"juniper.junos.vpn-name": "to-dc", "juniper.junos.gateway-name": "gw-dc", "juniper.junos.local-ike-id": "192.0.2.1",
				"juniper.junos.remote-ike-id": "198.51.100.20", "juniper.junos.vr-id": "6"}},
		// An unknown label, an end that is no address/port, an unknown role.
		{"kmd", "IKE negotiation failed with error: x. IKE Version: 1, VPN: a Gateway: b, Local: 192.0.2.1/500, Remote: 198.51.100.9/500, Peer: z", "", nil},
		{"kmd", "IKE negotiation failed with error: x. IKE Version: 1, VPN: a Gateway: b, Local: 192.0.2.1, Remote: 198.51.100.9/500", "", nil},
		{"kmd", "IKE negotiation failed with error: x. IKE Version: 1, VPN: a Gateway: b, Local: 192.0.2.1/500, Remote: 198.51.100.9/500, Role: Both", "", nil},
		{"kmd", "IKE negotiation failed with error: x", "", nil},
		{"kmd", "IKE negotiation successfully completed. Gateway: gw-hq", "", nil},
	}
	for _, c := range cases {
		if !Sniff(c.program, "", c.msg) {
			t.Errorf("Sniff(%q) = false", c.msg)
		}
		got, class, st := decode(t, c.program, "", c.msg, event.SD{})
		if c.want == nil {
			if st != vendor.Malformed || len(got) != 0 {
				t.Errorf("%q: %v %v, want Malformed and nothing", c.msg, st, got)
			}
			continue
		}
		if st != vendor.Decoded || class.Action != c.action || class.Outcome == "" {
			t.Errorf("%q: %v %+v", c.msg, st, class)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%q:\n got %v\nwant %v", c.msg, got, c.want)
		}
	}
	// Another program's line with the same words is not kmd's.
	if Sniff("sshd", "", "IKE negotiation failed with error: x. IKE Version: 1") ||
		Sniff("kmd", "", "IKE negotiation started with peer 203.0.113.5") {
		t.Error("sshd line sniffed as kmd")
	}
}

func TestARPAddrChange(t *testing.T) {
	got, class, st := decode(t, "kernel", "", "KERN_ARP_ADDR_CHANGE: arp info overwritten for 192.0.2.7 from 00:00:5e:00:53:01 to 00:00:5e:00:53:02", event.SD{})
	want := map[string]string{"event.code": "KERN_ARP_ADDR_CHANGE", "source.ip": "192.0.2.7", "source.mac": "00:00:5e:00:53:02",
		"juniper.junos.arp-old-mac-address": "00:00:5e:00:53:01"}
	if st != vendor.Decoded || class.Action != "arp-address-changed" || !maps.Equal(got, want) {
		t.Errorf("%v %+v\n got %v\nwant %v", st, class, got, want)
	}
	for _, bad := range []string{
		"KERN_ARP_ADDR_CHANGE: arp info overwritten for 192.0.2.7 from 00:00:5e:00:53:01",
		"KERN_ARP_ADDR_CHANGE: arp info overwritten for host-a from 00:00:5e:00:53:01 to 00:00:5e:00:53:02",
		"KERN_ARP_ADDR_CHANGE: arp info overwritten for 192.0.2.7 from 00:00:5e:00:53:01 to ge-0/0/0",
	} {
		if got, _, st := decode(t, "kernel", "", bad, event.SD{}); st != vendor.Malformed || len(got) != 0 {
			t.Errorf("%q: %v %v, want Malformed", bad, st, got)
		}
	}
}
