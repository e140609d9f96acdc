package network

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// netEvent builds an event as the parser leaves it.
func netEvent(app, msg string) *event.Event {
	e := event.New(normtest.Received)
	e.AppName, e.Message, e.Original = app, msg, msg
	return e
}

// TestFirewallDecisionsLookAlike: a deny from ASA, IOS, iptables and
// pfSense is the same event.
func TestFirewallDecisionsLookAlike(t *testing.T) {
	cases := []struct {
		name   string
		decode func(*event.Event) bool
		e      *event.Event
	}{
		{"asa", decodeASA, netEvent("%ASA-4-106023", `Deny tcp src outside:203.0.113.5/40000 dst inside:10.0.0.5/22 by access-group "IN" [0x0, 0x0]`)},
		{"ios", decodeIOS, netEvent("%SEC-6-IPACCESSLOGP", "list IN denied tcp 203.0.113.5(40000) -> 10.0.0.5(22), 1 packet")},
		{"iptables", decodeIptables, netEvent("kernel", "[UFW BLOCK] IN=eth0 OUT= MAC= SRC=203.0.113.5 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0")},
		{"pfsense", decodeFilterlog, netEvent("filterlog", "5,,,1000000103,em0,match,block,in,4,0x0,,50,1,0,DF,6,tcp,60,203.0.113.5,10.0.0.5,40000,22,0,S,1,,1024,,")},
	}
	want := map[string]string{
		"event.category": "network", "event.type": "connection,denied", "event.outcome": "failure",
		"event.action": "connection-denied", "source.ip": "203.0.113.5", "source.port": "40000",
		"destination.ip": "10.0.0.5", "destination.port": "22", "network.transport": "tcp", "network.iana_number": "6",
	}
	for _, c := range cases {
		if !c.decode(c.e) {
			t.Errorf("%s: not decoded", c.name)
			continue
		}
		for k, v := range want {
			if got := normtest.Str(c.e, k); got != v {
				t.Errorf("%s: %s = %q, want %q", c.name, k, got, v)
			}
		}
	}
}

// A packet filter logs a packet's direction on an interface, which is
// ECS's host-view ingress/egress, not inbound/outbound across a perimeter
// (the LAN host here sends out through the firewall).
func TestPacketFilterDirection(t *testing.T) {
	for _, c := range []struct {
		decode func(*event.Event) bool
		e      *event.Event
		want   string
	}{
		{decodeFilterlog, netEvent("filterlog", "5,,,1000000103,igb1,match,block,in,4,0x0,,63,1,0,DF,6,tcp,60,10.0.12.50,198.51.100.7,49724,853,0,S,1,,64240,,"), "ingress"},
		{decodeFilterlog, netEvent("filterlog", "5,,,1000000103,igb0,match,pass,out,4,0x0,,63,1,0,DF,6,tcp,60,10.0.12.50,198.51.100.7,49724,853,0,S,1,,64240,,"), "egress"},
		{decodeIptables, netEvent("kernel", "[UFW BLOCK] IN=eth0 OUT= MAC= SRC=10.0.0.9 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0"), "ingress"},
		{decodeIptables, netEvent("kernel", "[UFW BLOCK] IN= OUT=eth0 SRC=10.0.0.5 DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=40000 DPT=25 WINDOW=1024 RES=0x00 SYN URGP=0"), "egress"},
	} {
		if !c.decode(c.e) {
			t.Fatalf("%q: not decoded", c.e.Message)
		}
		if got := normtest.Str(c.e, "network.direction"); got != c.want {
			t.Errorf("%q: network.direction %q, want %q", c.e.Message, got, c.want)
		}
	}
}

// TestNetworkLeavesOthersAlone: a decoder that says no leaves the event untouched.
func TestNetworkLeavesOthersAlone(t *testing.T) {
	cases := []struct {
		name   string
		decode func(*event.Event) bool
		e      *event.Event
	}{
		{"asa tag", decodeASA, netEvent("%ASA-9-106023", "Something else")},
		{"asa short id", decodeASA, netEvent("", "%ASA-4-1060: short")},
		{"asa word", decodeASA, netEvent("", "ASA-x-106023: no")},
		{"asa deny prose", decodeASA, netEvent("", "Deny everything")},
		{"ios no tag", decodeIOS, netEvent("", "%% Invalid input detected")},
		{"ios lowercase", decodeIOS, netEvent("", "%sys-5-config_i: x")},
		{"ios asa", decodeIOS, netEvent("%ASA-6-302013", "Built ...")},
		{"iptables no packet", decodeIptables, netEvent("kernel", "IN=foo OUT=bar")},
		{"iptables prose", decodeIptables, netEvent("kernel", "usb 1-1: new high-speed USB device number 2 using ehci-pci")},
		{"filterlog short", decodeFilterlog, netEvent("filterlog", "1,2,3")},
		{"filterlog action", decodeFilterlog, netEvent("filterlog", "5,,,1,em0,match,scrub,in,4,0x0,,50,1,0,DF,6,tcp,60,1.2.3.4,5.6.7.8,1,2,0,S,1,,1,,")},
		{"filterlog version", decodeFilterlog, netEvent("filterlog", "5,,,1,em0,match,pass,in,5,0x0,,50,1,0,DF,6,tcp,60,1.2.3.4,5.6.7.8")},
	}
	for _, c := range cases {
		msg := c.e.Message
		if c.decode(c.e) {
			t.Errorf("%s: decoded %q", c.name, msg)
		}
		if len(c.e.Fields) != 0 || c.e.Message != msg {
			t.Errorf("%s: event changed: %v", c.name, c.e.Fields)
		}
	}
}

func TestIptablesVerdict(t *testing.T) {
	for in, want := range map[string]byte{
		"UFW BLOCK": 'D', "SFW2-INext-DROP-DEFLT": 'D', "FROM_INTERNET_DENY": 'D', "DROPPED": 'D',
		"iptables REJECT": 'D', "Denied": 'D', "SFW2-IN-ACC-RELATED": 'A', "UFW ALLOW": 'A', "ACCEPT": 'A',
		"pass-in": 'A', "UFW AUDIT": 0, "LOG": 0, "ACCOUNTING": 0, "": 0,
	} {
		if got := iptablesVerdictWords(in); got != want {
			t.Errorf("verdict(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIOSXRNodeAsTag: an IOS-XR line is the same event whether its node id
// starts the message (direct) or a relay made it the tag (rsyslog ends the
// tag at its ':'); the node is no program on either road.
func TestIOSXRNodeAsTag(t *testing.T) {
	const node, header, body = "RP/0/RSP0/CPU0", "Jul 14 11:00:13.002 UTC: ipv4_acl_mgr[277]: ", "%ACL-IPV4_ACL-6-IPACCESSLOGP : access-list MGMT-IN deny tcp 198.51.100.12(51833) -> 192.0.2.1(22), 4 packets"
	direct := netEvent("", node+":"+header+body)
	relayed := netEvent(node, header+body)
	for name, e := range map[string]*event.Event{"direct": direct, "as the tag": relayed} {
		if !decodeIOS(e) {
			t.Fatalf("%s: not decoded", name)
		}
		if e.AppName != "" || normtest.Str(e, "source.ip") != "198.51.100.12" || normtest.Str(e, "event.action") != "connection-denied" {
			t.Errorf("%s: APP-NAME %q, %v", name, e.AppName, e.Fields)
		}
	}
	if direct.Message != relayed.Message {
		t.Errorf("message: direct %q, as the tag %q", direct.Message, relayed.Message)
	}
	// A node id tag without the "process[pid]: " header is left alone.
	e := netEvent(node, "Jul 14 11:00:13.002 UTC: no process here %ACL-IPV4_ACL-6-IPACCESSLOGP : text")
	if decodeIOS(e) || e.AppName != node {
		t.Errorf("no XR header: decoded, APP-NAME %q", e.AppName)
	}
}

// TestIptablesSniffWindow: a netfilter line is sniffed with a prefix of
// up to nftables' 127 bytes after the kernel's uptime; a key=value line of
// another program whose "IN=" comes later is not, so the gate's '=' need
// only be looked for in the first iptablesWindow bytes.
func TestIptablesSniffWindow(t *testing.T) {
	packet := "IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc:00:16:3e:dd:ee:ff:08:00 SRC=203.0.113.9 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0"
	prefix127 := ""
	for len(prefix127) < 127 {
		prefix127 += "x"
	}
	for _, c := range []struct {
		msg  string
		want bool
	}{
		{packet, true},
		{"[12345678.123456] " + prefix127 + " " + packet, true},
		{"[UFW BLOCK] " + packet, true},
		{"app=billing " + string(make([]byte, 300)) + " IN=eth0 SRC=203.0.113.9", false},
		{"user=alice action=login result=ok", false},
	} {
		if got := sniffIptables(netEvent("", c.msg)); got != c.want {
			t.Errorf("sniff(%.40q...) = %v, want %v", c.msg, got, c.want)
		}
		if c.want && !gateAdmitsMarker(c.msg) {
			t.Errorf("gate refuses %.40q...", c.msg)
		}
	}
}

// gateAdmitsMarker is gateIptables read plainly: its marker in its window.
func gateAdmitsMarker(m string) bool {
	if len(m) > gateIptables.Window {
		m = m[:gateIptables.Window]
	}
	for i := 0; i < len(m); i++ {
		if m[i] == gateIptables.Marker {
			return true
		}
	}
	return false
}

// An FTD connection event's totals and its DNS record type by meaning.
func TestFTDConnectionTotalsAndDNSType(t *testing.T) {
	e := netEvent("", "%FTD-1-430002: AccessControlRuleAction: Allow, SrcIP: 10.0.1.20, DstIP: 192.0.2.53, SrcPort: 50074, DstPort: 53, Protocol: udp, IngressInterface: inside, EgressInterface: outside, ACPolicy: default, AccessControlRuleName: Rule-1, Client: DNS client, ApplicationProtocol: DNS, InitiatorPackets: 1, ResponderPackets: 1, InitiatorBytes: 74, ResponderBytes: 90, DNSQuery: www.example.org, DNSRecordType: a host address")
	if !decodeASA(e) {
		t.Fatal("not decoded")
	}
	for k, v := range map[string]string{"network.bytes": "164", "network.packets": "2", "dns.question.name": "www.example.org", "dns.question.type": "A"} {
		if got := normtest.Str(e, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}
