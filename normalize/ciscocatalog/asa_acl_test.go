package ciscocatalog

import "testing"

func TestASAACL(t *testing.T) {
	runCases(t, false, []lineCase{
		{"106001", "Inbound TCP connection denied from 198.51.100.14/40112 to 10.1.2.3/25 flags SYN  on interface outside", "connection-denied", map[string]string{
			"network.direction": "Inbound", "network.transport": "TCP", "source.ip": "198.51.100.14", "source.port": "40112",
			"destination.ip": "10.1.2.3", "destination.port": "25", "cisco.asa.tcp_flags": "SYN", "observer.ingress.interface.name": "outside"}},
		{"106002", "udp Connection denied by outbound list BLOCK_OUT src 10.1.2.3 dest 203.0.113.9", "connection-denied", map[string]string{
			"network.transport": "udp", "rule.name": "BLOCK_OUT", "source.ip": "10.1.2.3", "destination.ip": "203.0.113.9"}},
		{"106006", "Deny inbound UDP from 198.51.100.20/5060 to 10.1.2.9/5060 on interface outside", "connection-denied", map[string]string{
			"network.direction": "inbound", "network.transport": "UDP", "source.ip": "198.51.100.20", "source.port": "5060",
			"destination.ip": "10.1.2.9", "destination.port": "5060", "observer.ingress.interface.name": "outside"}},
		{"106007", "Deny inbound UDP from 198.51.100.53/53 to 10.1.2.9/33000 due to DNS Response.", "connection-denied", map[string]string{
			"network.direction": "inbound", "network.transport": "UDP", "source.ip": "198.51.100.53", "source.port": "53",
			"destination.ip": "10.1.2.9", "destination.port": "33000", "cisco.asa.dns_message": "Response"}},
		{"106014", "Deny inbound icmp src outside:198.51.100.7 dst inside:10.1.2.3 (type 8, code 0)", "connection-denied", map[string]string{
			"network.direction": "inbound", "network.transport": "icmp", "source.ip": "198.51.100.7", "destination.ip": "10.1.2.3",
			"observer.ingress.interface.name": "outside", "observer.egress.interface.name": "inside",
			"cisco.asa.icmp_type": "8", "cisco.asa.icmp_code": "0"}},
		{"106014", "Deny inbound icmp src dmz1:10.9.9.9 dst dmz1:10.9.9.10(type 3, code 1)", "connection-denied", map[string]string{
			"network.direction": "inbound", "network.transport": "icmp", "source.ip": "10.9.9.9", "destination.ip": "10.9.9.10",
			"observer.ingress.interface.name": "dmz1", "observer.egress.interface.name": "dmz1",
			"cisco.asa.icmp_type": "3", "cisco.asa.icmp_code": "1"}},
		{"106015", "Deny TCP (no connection) from 10.1.2.3/443 to 198.51.100.14/40200 flags RST ACK  on interface inside", "connection-denied", map[string]string{
			"network.transport": "TCP", "source.ip": "10.1.2.3", "source.port": "443", "destination.ip": "198.51.100.14",
			"destination.port": "40200", "cisco.asa.tcp_flags": "RST ACK", "observer.ingress.interface.name": "inside"}},
		{"106016", "Deny IP spoof from (0.0.0.0) to 10.1.2.255 on interface inside", "connection-denied", map[string]string{
			"source.ip": "0.0.0.0", "destination.ip": "10.1.2.255", "observer.ingress.interface.name": "inside"}},
		{"106017", "Deny IP due to Land Attack from 10.1.2.3 to 10.1.2.3", "connection-denied", map[string]string{
			"source.ip": "10.1.2.3", "destination.ip": "10.1.2.3"}},
		{"106020", "Deny IP teardrop fragment (size = 36, offset = 8) from 198.51.100.3 to 10.1.2.3", "connection-denied", map[string]string{
			"source.ip": "198.51.100.3", "destination.ip": "10.1.2.3", "cisco.asa.fragment_size": "36", "cisco.asa.fragment_offset": "8"}},
		{"106021", "Deny TCP reverse path check from 10.1.2.3 to 198.51.100.3 on interface outside", "connection-denied", map[string]string{
			"network.transport": "TCP", "source.ip": "10.1.2.3", "destination.ip": "198.51.100.3", "observer.ingress.interface.name": "outside"}},
		{"106023", `Deny tcp src outside:198.51.100.14/40112 dst inside:10.1.2.3/3389 by access-group "OUTSIDE_IN" [0x1a2b3c4d, 0x0]`, "connection-denied", map[string]string{
			"network.transport": "tcp", "source.ip": "198.51.100.14", "source.port": "40112", "destination.ip": "10.1.2.3",
			"destination.port": "3389", "observer.ingress.interface.name": "outside", "observer.egress.interface.name": "inside",
			"rule.name": "OUTSIDE_IN"}},
		{"106023", `Deny icmp src outside:198.51.100.5 dst inside:10.1.2.1 (type 8, code 0) by access-group "OUTSIDE_IN" [0x0, 0x0]`, "connection-denied", map[string]string{
			"network.transport": "icmp", "source.ip": "198.51.100.5", "destination.ip": "10.1.2.1", "cisco.asa.icmp_type": "8",
			"cisco.asa.icmp_code": "0", "observer.ingress.interface.name": "outside", "observer.egress.interface.name": "inside",
			"rule.name": "OUTSIDE_IN"}},
		{"106023", `Deny protocol 50 src outside:198.51.100.5 dst inside:10.1.2.1 by access-group "OUTSIDE_IN"`, "connection-denied", map[string]string{
			"network.transport": "50", "source.ip": "198.51.100.5", "destination.ip": "10.1.2.1",
			"observer.ingress.interface.name": "outside", "observer.egress.interface.name": "inside", "rule.name": "OUTSIDE_IN"}},
		{"106023", `Deny udp src inside:10.1.2.44/55000(CORP\asmith) dst outside: 2001:db8:9::53/53 by access-group "IN_V6" [0x0, 0x0]`, "connection-denied", map[string]string{
			"network.transport": "udp", "source.ip": "10.1.2.44", "source.port": "55000", "source.user.name": "asmith", "source.user.domain": "CORP",
			"destination.ip": "2001:db8:9::53", "destination.port": "53", "observer.ingress.interface.name": "inside",
			"observer.egress.interface.name": "outside", "rule.name": "IN_V6"}},
		{"106023", `Deny tcp src outside:300.1.2.3/1 dst inside:10.1.2.1/2 by access-group "X"`, "", nil}, // not an address, not a name
		// The ASA prints names for addresses it has one for ("names", objects).
		{"106023", `Deny tcp src outside:192.0.2.1/50240 dst inside:www.example.com/23 by access-group "S_IN"`, "connection-denied", map[string]string{
			"network.transport": "tcp", "observer.ingress.interface.name": "outside", "source.ip": "192.0.2.1", "source.port": "50240",
			"observer.egress.interface.name": "inside", "destination.domain": "www.example.com", "destination.port": "23", "rule.name": "S_IN"}},
		// "(FQDN)" in the identity-firewall user's place is the host's name;
		// a single-dot value could be either and is left out.
		{"106023", `Deny tcp src outside:192.0.2.2/56444 dst srv:198.51.100.2/51635(files.corp.example) by access-group "g"`, "connection-denied", map[string]string{
			"network.transport": "tcp", "observer.ingress.interface.name": "outside", "source.ip": "192.0.2.2", "source.port": "56444",
			"observer.egress.interface.name": "srv", "destination.ip": "198.51.100.2", "destination.port": "51635",
			"destination.domain": "files.corp.example", "rule.name": "g"}},
		{"106023", `Deny tcp src outside:192.0.2.2/56444 dst srv:198.51.100.2/51635(files.corp) by access-group "g"`, "connection-denied", map[string]string{
			"network.transport": "tcp", "observer.ingress.interface.name": "outside", "source.ip": "192.0.2.2", "source.port": "56444",
			"observer.egress.interface.name": "srv", "destination.ip": "198.51.100.2", "destination.port": "51635", "rule.name": "g"}},
		{"106023", `Deny tcp src outside:198.51.100.5/1`, "", nil},
		{"106100", "access-list OUTSIDE_IN denied tcp outside/198.51.100.14(40112) -> inside/10.1.2.3(22) hit-cnt 3 300-second interval [0x1, 0x0]", "connection-denied", map[string]string{
			"rule.name": "OUTSIDE_IN", "network.transport": "tcp", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.14",
			"source.port": "40112", "observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3", "destination.port": "22",
			"cisco.asa.hit_count": "3"}},
		{"106100", "access-list IN est-allowed udp dmz/10.5.5.5(53)->inside/10.1.2.3(40000) hit-cnt 1 (first hit)", "connection-allowed", map[string]string{
			"rule.name": "IN", "network.transport": "udp", "observer.ingress.interface.name": "dmz", "source.ip": "10.5.5.5",
			"source.port": "53", "observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3", "destination.port": "40000",
			"cisco.asa.hit_count": "1"}},
		{"106100", "access-list IN permitted icmp inside/10.1.2.3(8) -> outside/198.51.100.1(0) (CORP\\bob) hit-cnt 1 first hit [0x0, 0x0]", "connection-allowed", map[string]string{
			"rule.name": "IN", "network.transport": "icmp", "observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.1", "destination.user.name": "bob", "destination.user.domain": "CORP",
			"cisco.asa.hit_count": "1"}},
		{"106100", "access-list IN rejected tcp inside/10.1.2.3(1) -> outside/198.51.100.1(2) hit-cnt 1 first hit", "", nil},
		{"106103", "access-list VPN_FILTER denied udp for user 'asmith' outside/10.8.0.5 5353 inside/10.1.2.3 53 hit-cnt 1 first hit [0x0, 0x0]", "connection-denied", map[string]string{
			"rule.name": "VPN_FILTER", "network.transport": "udp", "user.name": "asmith", "observer.ingress.interface.name": "outside",
			"source.ip": "10.8.0.5", "source.port": "5353", "observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3",
			"destination.port": "53", "cisco.asa.hit_count": "1"}},
		{"710002", "TCP access permitted from 10.1.2.8/50000 to inside:10.1.2.1/https", "connection-allowed", map[string]string{
			"network.transport": "TCP", "source.ip": "10.1.2.8", "source.port": "50000", "observer.ingress.interface.name": "inside",
			"destination.ip": "10.1.2.1", "destination.port": "https"}},
		{"710003", "TCP access denied by ACL from 198.51.100.30/41000 to outside:192.0.2.1/ssh", "connection-denied", map[string]string{
			"network.transport": "TCP", "source.ip": "198.51.100.30", "source.port": "41000", "observer.ingress.interface.name": "outside",
			"destination.ip": "192.0.2.1", "destination.port": "ssh"}},
		{"507003", "tcp flow from outside:198.51.100.2/4444 to inside:10.1.2.3/80 terminated by inspection engine, reason - protocol violation.", "connection-terminated", map[string]string{
			"network.transport": "tcp", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.2", "source.port": "4444",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3", "destination.port": "80", "event.reason": "protocol violation"}},
	})
}
