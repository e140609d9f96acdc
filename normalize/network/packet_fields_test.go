package network

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
)

// The netfilter shapes the kernel prints beyond the common ones: a
// fragment ("FRAG:185", IPv6's "FRAG:1448 ID:0000a1b2"), TCP sequence
// numbers (--log-tcp-sequence) which are not an ICMP echo's SEQ, the
// socket's owner (--log-uid), ICMP's MTU and GATEWAY, and the ARP family.
func TestIptablesKernelShapes(t *testing.T) {
	for _, c := range []struct {
		name, msg string
		want      map[string]string
	}{
		{"fragment", "frag: IN=eth0 OUT= SRC=198.51.100.31 DST=192.0.2.9 LEN=1500 TOS=0x00 PREC=0x00 TTL=57 ID=4410 FRAG:185 PROTO=UDP",
			map[string]string{"iptables.fragment_offset": "185", "iptables.id": "4410", "network.transport": "udp", "source.port": ""}},
		{"ipv6 fragment", "v6frag: IN=eth0 OUT= SRC=2001:db8::31 DST=2001:db8::9 LEN=1280 TC=0 HOPLIMIT=60 FLOWLBL=7 FRAG:1448 ID:0000a1b2 PROTO=UDP",
			map[string]string{"iptables.fragment_offset": "1448", "iptables.fragment_id": "0000a1b2", "iptables.flow_label": "7", "iptables.ttl": "60"}},
		{"tcp sequence", "seq: IN=eth0 OUT= SRC=198.51.100.32 DST=192.0.2.9 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=0 DF PROTO=TCP SPT=443 DPT=51000 SEQ=3091 ACK=77 WINDOW=0 RES=0x00 ACK RST URGP=0",
			map[string]string{"iptables.tcp.seq": "3091", "iptables.tcp.ack": "77", "iptables.icmp.seq": "", "iptables.tcp.flags": "ACK,RST"}},
		{"icmp echo", "echo: IN=eth0 OUT= SRC=198.51.100.33 DST=192.0.2.9 LEN=84 TOS=0x00 PREC=0x00 TTL=60 ID=9 DF PROTO=ICMP TYPE=8 CODE=0 ID=300 SEQ=4",
			map[string]string{"iptables.icmp.id": "300", "iptables.icmp.seq": "4", "iptables.tcp.seq": "", "iptables.id": "9"}},
		{"icmp mtu", "mtu: IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.9 LEN=576 TOS=0x00 PREC=0xC0 TTL=254 ID=11 PROTO=ICMP TYPE=3 CODE=4 MTU=1400 [SRC=192.0.2.9 DST=203.0.113.5 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=12 DF PROTO=TCP SPT=40000 DPT=443 ]",
			map[string]string{"iptables.icmp.mtu": "1400", "source.ip": "198.51.100.1", "destination.ip": "192.0.2.9", "source.port": "", "destination.port": ""}},
		{"icmp redirect", "redir: IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.9 LEN=56 TOS=0x00 PREC=0xC0 TTL=64 ID=13 PROTO=ICMP TYPE=5 CODE=1 GATEWAY=192.0.2.254",
			map[string]string{"iptables.icmp.gateway": "192.0.2.254", "iptables.icmp.type": "5"}},
		{"uid", "out-log: IN= OUT=eth0 SRC=192.0.2.9 DST=198.51.100.80 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=14 DF PROTO=TCP SPT=40100 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 UID=1000 GID=1000 MARK=0x2",
			map[string]string{"iptables.uid": "1000", "iptables.gid": "1000", "iptables.mark": "0x2"}},
		{"arp", "arp-drop: IN=eth0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=00:16:3e:11:22:33 IPSRC=192.0.2.50 MACDST=00:00:00:00:00:00 IPDST=192.0.2.1",
			map[string]string{"iptables.arp.opcode": "1", "source.ip": "192.0.2.50", "destination.ip": "192.0.2.1",
				"source.mac": "00-16-3E-11-22-33", "destination.mac": "", "event.action": "connection-denied",
				"network.type": ""}}, // ARP is no IPv4 packet, though it names IPv4 addresses
		// A log prefix is the administrator's text: a "UID=0" or "FRAG:1" in
		// it is not the packet's.
		{"forged prefix", "UID=0 FRAG:9 SEQ=5 IN=eth0 OUT= SRC=198.51.100.34 DST=192.0.2.9 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=15 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0",
			map[string]string{"iptables.uid": "", "iptables.fragment_offset": "", "iptables.tcp.seq": "", "iptables.prefix": "UID=0 FRAG:9 SEQ=5"}},
	} {
		e := netEvent("kernel", c.msg)
		if !decodeIptables(e) {
			t.Errorf("%s: not decoded", c.name)
			continue
		}
		for k, v := range c.want {
			if got := normtest.Str(e, k); got != v {
				t.Errorf("%s: %s = %q, want %q", c.name, k, got, v)
			}
		}
	}
}

// filterlog's CARP tail is TYPE,TTL,VHID,VERSION,ADVSKEW,ADVBASE (pfSense's
// documented order: a master's "0,1" is skew 0, base 1; a base of 0 is not
// a configuration CARP accepts), and IPv6's hop-by-hop "Options,0" header
// is no transport.
func TestFilterlogCARPAndIPv6Options(t *testing.T) {
	for _, c := range []struct {
		name, msg string
		want      map[string]string
	}{
		{"carp backup", "57,,,1000002620,lagg0,match,pass,in,4,0x10,,255,1931,0,none,112,carp,56,192.0.2.2,224.0.0.18,advertise,255,7,2,100,1",
			map[string]string{"pfsense.carp.vhid": "7", "pfsense.carp.advskew": "100", "pfsense.carp.advbase": "1", "pfsense.carp.version": "2"}},
		{"hop-by-hop", "4,,,1000000103,re0,match,block,in,6,0x00,0x00000,1,Options,0,36,fe80::1,ff02::16,HBH,RTALERT,0x0000,PADN,",
			map[string]string{"network.transport": "", "network.iana_number": "0", "source.ip": "fe80::1", "destination.ip": "ff02::16"}},
		{"ipv6 icmp", "9,,,1000000105,em0,match,block,in,6,0x00,0x00000,255,ipv6-icmp,58,24,fe80::2,ff02::1,",
			map[string]string{"network.transport": "ipv6-icmp", "network.iana_number": "58"}},
		// "datalength=N" where the protocol's fields would be: no ICMP
		// type, no ports.
		{"icmp datalength", "65,,,0,vmx1,match,pass,out,4,0x0,,63,21011,0,none,1,icmp,56,10.5.105.11,10.5.105.1,datalength=36",
			map[string]string{"pfsense.data_length": "36", "pfsense.icmp.type": "", "event.action": "connection-allowed"}},
		{"later fragment", "5,,,1000000103,em0,match,block,in,4,0x0,,64,0,185,+,17,udp,1500,198.51.100.1,192.0.2.10,datalength=1480",
			map[string]string{"pfsense.data_length": "1480", "source.port": "", "pfsense.offset": "185"}},
		// A port forward's log decides nothing.
		{"rdr", "5,,,1000000103,em0,match,rdr,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.1,192.0.2.10,40000,22,0,S,100,,29200,,mss",
			map[string]string{"pfsense.action": "rdr", "event.action": "", "event.outcome": "", "event.type": "info", "destination.port": "22"}},
	} {
		e := netEvent("filterlog", c.msg)
		if !decodeFilterlog(e) {
			t.Errorf("%s: not decoded", c.name)
			continue
		}
		for k, v := range c.want {
			if got := normtest.Str(e, k); got != v {
				t.Errorf("%s: %s = %q, want %q", c.name, k, got, v)
			}
		}
	}
}

// pfSense before 2.2 logged pflog through tcpdump as program "pf": the
// rule line gives the decision, the continuation the addresses; "pf"'s
// other messages are no packet.
func TestPflogTcpdumpLines(t *testing.T) {
	for _, c := range []struct {
		name, msg string
		want      map[string]string
	}{
		{"rule v4", "00:00:01.024651 rule 64/0(match): block in on em0: (tos 0x0, ttl 49, id 46384, offset 0, flags [DF], proto TCP (6), length 60)",
			map[string]string{"event.action": "connection-denied", "pfsense.rule_number": "64", "pfsense.reason": "match",
				"observer.ingress.interface.name": "em0", "network.transport": "tcp", "pfsense.ttl": "49", "source.ip": ""}},
		{"continuation", "    198.51.100.5.51234 > 192.0.2.10.22: Flags [S], seq 1, win 29200, length 0",
			map[string]string{"source.ip": "198.51.100.5", "source.port": "51234", "destination.ip": "192.0.2.10", "destination.port": "22",
				"event.action": "", "event.type": "info"}},
		{"icmp continuation", "    192.0.2.10 > 198.51.100.1: ICMP echo request, id 4711, seq 1, length 64",
			map[string]string{"source.ip": "192.0.2.10", "destination.ip": "198.51.100.1", "source.port": "", "destination.port": ""}},
		{"rule v6 with addresses", "rule 70/0(match): pass in on em0: (class 0x00, flowlabel 0x00000, hlim 57, next-header TCP (6) payload length: 40) 2001:db8::5.40000 > 2001:db8:1::10.443: Flags [S], length 0",
			map[string]string{"event.action": "connection-allowed", "pfsense.hop_limit": "57", "source.ip": "2001:db8::5", "source.port": "40000",
				"destination.ip": "2001:db8:1::10", "destination.port": "443", "network.iana_number": "6"}},
		// tcpdump 3.x's -ttt delta: microseconds, after whole seconds when any.
		{"3.x delta", "000145 rule 141/0(match): block in on bge0: (tos 0x0, ttl 128, id 58078, offset 0, flags [none], proto UDP (17), length 1052) 198.51.100.12.1137 > 192.0.2.111.24460: UDP, length 1024",
			map[string]string{"event.action": "connection-denied", "pfsense.rule_number": "141", "source.ip": "198.51.100.12", "destination.port": "24460",
				"network.transport": "udp"}},
		{"3.x delta with seconds", "4. 964213 rule 56/0(match): block in on em0: 198.51.100.245.2598 > 192.0.2.72.445: S 1:1(0) win 65535",
			map[string]string{"event.action": "connection-denied", "pfsense.rule_number": "56", "source.ip": "198.51.100.245", "destination.port": "445"}},
		// tcpdump 3.9 (pfSense 1.2) wrote a colon after "proto" and "length".
		{"3.9 header", "rule 64/0(match): block in on em0: (tos 0x0, ttl 49, id 46384, offset 0, flags [DF], proto: TCP (6), length: 60) 198.51.100.5.51234 > 192.0.2.10.22: S, cksum 0x1234 (correct)",
			map[string]string{"network.transport": "tcp", "network.iana_number": "6", "pfsense.length": "60", "pfsense.ttl": "49", "source.ip": "198.51.100.5"}},
		{"newer tcpdump", "rule 5/match [uid 0]: block out on vtnet0: 192.0.2.10.5353 > 224.0.0.251.5353: 0 PTR (QM)? local. (32)",
			map[string]string{"event.action": "connection-denied", "pfsense.reason": "match", "pfsense.sub_rule_number": "",
				"observer.egress.interface.name": "vtnet0", "destination.port": "5353"}},
	} {
		e := netEvent("pf", c.msg)
		if !decodePflog(e) {
			t.Errorf("%s: not decoded", c.name)
			continue
		}
		for k, v := range c.want {
			if got := normtest.Str(e, k); got != v {
				t.Errorf("%s: %s = %q, want %q", c.name, k, got, v)
			}
		}
	}
	for _, msg := range []string{"enabled", "rule 5 was loaded", "000145 entries", "4. 964213 rules", "rule 5/0(match): frobnicate in on em0: x", "a > b: c"} {
		e := netEvent("pf", msg)
		if decodePflog(e) || len(e.Fields) != 0 {
			t.Errorf("%q decoded: %v", msg, e.Fields)
		}
	}
}
