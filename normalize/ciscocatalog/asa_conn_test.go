package ciscocatalog

import "testing"

func TestASAConnections(t *testing.T) {
	runCases(t, false, []lineCase{
		{"110003", "Routing failed to locate next hop for icmp from WAN:10.11.0.2/0 to WAN:198.51.100.1/0", "next-hop-not-found", map[string]string{
			"network.transport": "icmp", "observer.ingress.interface.name": "WAN", "source.ip": "10.11.0.2",
			"observer.egress.interface.name": "WAN", "destination.ip": "198.51.100.1"}},
		{"110003", "Routing failed to locate next-hop for UDP from inside:10.1.2.3/53012 to outside:198.51.100.53/53", "next-hop-not-found", map[string]string{
			"network.transport": "UDP", "observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3", "source.port": "53012",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.53", "destination.port": "53"}},
		{"419001", "Dropping TCP packet from outside:203.0.113.40/443 to inside:10.1.2.3/51544, reason: MSS exceeded, MSS 1380, data 1460", "connection-denied", map[string]string{
			"observer.ingress.interface.name": "outside", "source.ip": "203.0.113.40", "source.port": "443",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3", "destination.port": "51544",
			"event.reason": "MSS exceeded, MSS 1380, data 1460"}},
		{"410001", "Dropped UDP DNS reply from outside:198.51.100.53/53 to inside:10.1.2.9/40212; packet length of 1532 bytes exceeds configured limit of 512 bytes", "connection-denied", map[string]string{
			"observer.ingress.interface.name": "outside", "source.ip": "198.51.100.53", "source.port": "53",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.9", "destination.port": "40212",
			"event.reason": "packet length of 1532 bytes exceeds configured limit of 512 bytes"}},
		{"410001", "Dropped UDP DNS request from inside:10.1.2.9/40213 to outside:198.51.100.53/53; label length 67 bytes exceeds protocol limit of 63 bytes", "connection-denied", map[string]string{
			"observer.ingress.interface.name": "inside", "source.ip": "10.1.2.9", "source.port": "40213",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.53", "destination.port": "53",
			"event.reason": "label length 67 bytes exceeds protocol limit of 63 bytes"}},
		{"302013", "Built inbound TCP connection 4410 for outside:198.51.100.14/40112 (198.51.100.14/40112) to dmz:10.5.5.80/443 (192.0.2.80/443)", "connection-built", map[string]string{
			"network.direction": "inbound", "network.transport": "TCP", "cisco.asa.connection_id": "4410",
			"observer.ingress.interface.name": "outside", "source.ip": "198.51.100.14", "source.port": "40112",
			"observer.egress.interface.name": "dmz", "destination.ip": "10.5.5.80", "destination.port": "443",
			"destination.nat.ip": "192.0.2.80", "destination.nat.port": "443"}},
		// Outbound: the foreign side printed first is the destination.
		{"302013", "Built outbound TCP connection 4411 for outside:203.0.113.7/443 (203.0.113.7/443) to inside:10.1.2.3/51000 (192.0.2.2/51000)(CORP\\asmith)", "connection-built", map[string]string{
			"network.direction": "outbound", "network.transport": "TCP", "cisco.asa.connection_id": "4411",
			"observer.egress.interface.name": "outside", "destination.ip": "203.0.113.7", "destination.port": "443",
			"observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3", "source.port": "51000",
			"source.nat.ip": "192.0.2.2", "source.nat.port": "51000", "source.user.name": "asmith", "source.user.domain": "CORP"}},
		{"302015", "Built inbound UDP connection 9 for db:10.0.0.1/60749 (10.0.0.1/60749) to NP Identity Ifc: 10.0.0.2/161 (10.0.0.2/161)", "connection-built", map[string]string{
			"network.direction": "inbound", "network.transport": "UDP", "cisco.asa.connection_id": "9",
			"observer.ingress.interface.name": "db", "source.ip": "10.0.0.1", "source.port": "60749",
			"observer.egress.interface.name": "NP Identity Ifc", "destination.ip": "10.0.0.2", "destination.port": "161"}},
		{"302014", "Teardown TCP connection 4410 for outside:198.51.100.14/40112 to dmz:10.5.5.80/443 duration 1:02:03 bytes 9000 TCP Reset-I", "connection-teardown", map[string]string{
			"network.transport": "TCP", "cisco.asa.connection_id": "4410", "observer.ingress.interface.name": "outside",
			"source.ip": "198.51.100.14", "source.port": "40112", "observer.egress.interface.name": "dmz", "destination.ip": "10.5.5.80",
			"destination.port": "443", "event.duration": "1:02:03", "network.bytes": "9000", "event.reason": "TCP Reset-I"}},
		// A teardown says no direction; the ASA prints the sides as in the
		// connection's Built message, the responder first for an outbound
		// one: a server port facing an ephemeral one says which is which.
		{"302016", "Teardown UDP connection 12 for outside:198.51.100.53/53 to inside:10.1.2.3/40000 duration 0:00:00 bytes 120", "connection-teardown", map[string]string{
			"network.transport": "UDP", "cisco.asa.connection_id": "12", "observer.ingress.interface.name": "inside",
			"source.ip": "10.1.2.3", "source.port": "40000", "observer.egress.interface.name": "outside", "destination.ip": "198.51.100.53",
			"destination.port": "53", "event.duration": "0:00:00", "network.bytes": "120"}},
		// Nothing says which: the sides stay as printed.
		{"302016", "Teardown UDP connection 13 for outside:198.51.100.53/5353 to inside:10.1.2.3/40000 duration 0:00:00 bytes 120", "connection-teardown", map[string]string{
			"network.transport": "UDP", "cisco.asa.connection_id": "13", "observer.ingress.interface.name": "outside",
			"source.ip": "198.51.100.53", "source.port": "5353", "observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3",
			"destination.port": "40000", "event.duration": "0:00:00", "network.bytes": "120"}},
		// A multicast address sends nothing: it is the destination.
		{"302021", "Teardown ICMP connection for faddr ff02::1/0 gaddr fe80::2/0 laddr fe80::2/0 type 134 code 0", "connection-teardown", map[string]string{
			"network.transport": "ICMP", "destination.ip": "ff02::1", "source.ip": "fe80::2", "cisco.asa.icmp_id": "0"}},
		// Names for addresses go to the side's domain.
		{"302014", "Teardown TCP connection 14 for outside:www.example.com/443 to inside:ws-12.corp.example/50123 duration 0:00:01 bytes 300 TCP FINs", "connection-teardown", map[string]string{
			"network.transport": "TCP", "cisco.asa.connection_id": "14", "observer.ingress.interface.name": "inside",
			"source.domain": "ws-12.corp.example", "source.port": "50123", "observer.egress.interface.name": "outside",
			"destination.domain": "www.example.com", "destination.port": "443", "event.duration": "0:00:01", "network.bytes": "300",
			"event.reason": "TCP FINs"}},
		// The guide's trailing "(user)": the cut-through (AAA) user, after the bytes or the reason.
		{"302016", "Teardown UDP connection 15 for outside:198.51.100.53/53 to inside:10.1.2.3/40000 duration 0:00:00 bytes 148 (jdoe)", "connection-teardown", map[string]string{
			"cisco.asa.connection_id": "15", "network.transport": "UDP", "observer.ingress.interface.name": "inside", "observer.egress.interface.name": "outside",
			"source.ip": "10.1.2.3", "source.port": "40000", "destination.ip": "198.51.100.53", "destination.port": "53",
			"event.duration": "0:00:00", "network.bytes": "148", "user.name": "jdoe"}},
		{"302014", "Teardown TCP connection 16 for outside:198.51.100.14/443 to inside:10.1.2.3/51000 duration 0:01:00 bytes 900 TCP FINs (jdoe)", "connection-teardown", map[string]string{
			"cisco.asa.connection_id": "16", "network.transport": "TCP", "observer.ingress.interface.name": "inside", "observer.egress.interface.name": "outside",
			"source.ip": "10.1.2.3", "source.port": "51000", "destination.ip": "198.51.100.14", "destination.port": "443",
			"event.duration": "0:01:00", "network.bytes": "900", "event.reason": "TCP FINs", "user.name": "jdoe"}},
		{"302014", "Teardown TCP connection 1 for outside:198.51.100.14/40112 to dmz:10.5.5.80/443 duration 1:99:03 bytes 9", "", nil},
		{"302020", "Built outbound ICMP connection for faddr 198.51.100.1/3 gaddr 192.0.2.2/0 laddr 10.1.2.3/0", "connection-built", map[string]string{
			"network.direction": "outbound", "network.transport": "ICMP", "destination.ip": "198.51.100.1", "source.ip": "10.1.2.3",
			"source.nat.ip": "192.0.2.2", "cisco.asa.icmp_id": "3"}},
		{"302021", "Teardown ICMP connection for faddr 198.51.100.1/3 gaddr 192.0.2.2/0 laddr 10.1.2.3/0 type 8 code 0", "connection-teardown", map[string]string{
			"network.transport": "ICMP", "source.ip": "198.51.100.1", "destination.ip": "10.1.2.3", "destination.nat.ip": "192.0.2.2",
			"cisco.asa.icmp_id": "3"}},
		{"305011", "Built dynamic TCP translation from inside:10.1.2.3/51000 to outside:192.0.2.2/41000", "translation-built", map[string]string{
			"cisco.asa.xlate_type": "dynamic", "network.transport": "TCP", "observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3",
			"source.port": "51000", "observer.egress.interface.name": "outside", "source.nat.ip": "192.0.2.2", "source.nat.port": "41000"}},
		{"305012", "Teardown dynamic UDP translation from inside:10.1.2.3/5353 to outside:192.0.2.2/5353 duration 0:02:10", "translation-teardown", map[string]string{
			"cisco.asa.xlate_type": "dynamic", "network.transport": "UDP", "observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3",
			"source.port": "5353", "observer.egress.interface.name": "outside", "source.nat.ip": "192.0.2.2", "source.nat.port": "5353",
			"event.duration": "0:02:10"}},
		{"305005", "No translation group found for tcp src inside:10.1.2.3/40000 dst outside:198.51.100.9/80", "no-translation-group", map[string]string{
			"network.transport": "tcp", "observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3", "source.port": "40000",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.9", "destination.port": "80"}},
		{"313001", "Denied ICMP type=8, code=0 from 198.51.100.77 on interface outside", "connection-denied", map[string]string{
			"network.transport": "ICMP", "cisco.asa.icmp_type": "8", "cisco.asa.icmp_code": "0", "source.ip": "198.51.100.77",
			"observer.ingress.interface.name": "outside"}},
		{"313004", "Denied ICMP type=0, from 10.1.2.3 on interface inside to 198.51.100.1:no matching session", "connection-denied", map[string]string{
			"network.transport": "ICMP", "cisco.asa.icmp_type": "0", "source.ip": "10.1.2.3", "observer.ingress.interface.name": "inside",
			"destination.ip": "198.51.100.1"}},
		{"313005", "No matching connection for ICMP error message: icmp src outside:198.51.100.250 dst identity:192.0.2.1 (type 3, code 4) on outside interface.  Original IP payload: protocol 50 src 192.0.2.1 dst 203.0.113.5.", "connection-denied", map[string]string{
			"network.transport": "icmp", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.250",
			"observer.egress.interface.name": "identity", "destination.ip": "192.0.2.1", "cisco.asa.icmp_type": "3", "cisco.asa.icmp_code": "4"}},
		{"313008", "Denied ICMPv6 type=133, code=0 from fe80::1 on interface inside", "connection-denied", map[string]string{
			"network.transport": "ICMPv6", "cisco.asa.icmp_type": "133", "cisco.asa.icmp_code": "0", "source.ip": "fe80::1",
			"observer.ingress.interface.name": "inside"}},
		{"313009", "Denied invalid ICMP code 9, for inside:10.1.2.3/1 (192.0.2.2/1) to outside:198.51.100.1/0 (198.51.100.1/0), ICMP id 1, ICMP type 8", "connection-denied", map[string]string{
			"cisco.asa.icmp_code": "9", "observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.1", "cisco.asa.icmp_id": "1", "cisco.asa.icmp_type": "8", "network.transport": "ICMP"}},
		// Snort's proxy switches: no direction printed; a server port
		// facing an ephemeral one says which side started the flow.
		{"852001", "Received Lightweight to full proxy event from application Snort for TCP flow 10.20.30.7/51544 to 203.0.113.61/443", "flow-proxy-full", map[string]string{
			"cisco.asa.application": "Snort", "network.transport": "TCP", "source.ip": "10.20.30.7", "source.port": "51544",
			"destination.ip": "203.0.113.61", "destination.port": "443"}},
		{"852002", "Received full proxy to Lightweight event from application Snort for TCP flow 203.0.113.61/443 to 10.20.30.7/51544", "flow-proxy-lightweight", map[string]string{
			"cisco.asa.application": "Snort", "network.transport": "TCP", "source.ip": "10.20.30.7", "source.port": "51544",
			"destination.ip": "203.0.113.61", "destination.port": "443"}},
		{"852002", "Received full proxy to Lightweight event from application Snort for TCP flow 203.0.113.61 to 10.20.30.7", "", nil},
	})
}
