package ciscocatalog

import "testing"

func TestASAAuthAndVPN(t *testing.T) {
	runCases(t, false, []lineCase{
		{"113004", "AAA user authentication Successful : server =  10.1.1.5 : user = asmith", "logged-in", map[string]string{"cisco.asa.aaa_type": "authentication",
			"cisco.asa.aaa_server": "10.1.1.5", "user.name": "asmith"}},
		{"113004", "AAA user authorization Successful : server = 10.1.1.5 : user = asmith", "authorization-permitted", map[string]string{"cisco.asa.aaa_type": "authorization",
			"cisco.asa.aaa_server": "10.1.1.5", "user.name": "asmith"}},
		{"113005", "AAA user authentication Rejected : reason = AAA failure : server = 10.1.1.5 : user = ***** : user IP = 198.51.100.3", "logon-failed", map[string]string{"cisco.asa.aaa_type": "authentication",
			"event.reason": "AAA failure", "cisco.asa.aaa_server": "10.1.1.5", "source.ip": "198.51.100.3"}},
		{"113015", "AAA user authentication Rejected : reason = Invalid password : local database : user = jroe : user IP = 198.51.100.4", "logon-failed", map[string]string{"cisco.asa.aaa_type": "authentication",
			"event.reason": "Invalid password", "user.name": "jroe", "source.ip": "198.51.100.4"}},
		// A login's user slot holds what the client typed, an address too: the user tried, no tunnel.
		{"113015", "AAA user authentication Rejected : reason = Invalid password : local database : user = 10.9.9.9 : user IP = 198.51.100.4", "logon-failed", map[string]string{"cisco.asa.aaa_type": "authentication",
			"event.reason": "Invalid password", "user.name": "10.9.9.9", "source.ip": "198.51.100.4"}},
		{"113012", "AAA user authentication Successful : local database : user = jroe", "logged-in", map[string]string{"cisco.asa.aaa_type": "authentication", "user.name": "jroe"}},
		{"113006", "User 'jroe' locked out on exceeding '3' successive failed authentication attempts", "locked-out-user-account", map[string]string{"user.name": "jroe"}},
		{"605004", `Login denied from 198.51.100.8/52000 to outside:192.0.2.1/ssh for user "root"`, "logon-failed", map[string]string{
			"source.ip": "198.51.100.8", "source.port": "52000", "observer.ingress.interface.name": "outside",
			"destination.ip": "192.0.2.1", "destination.port": "ssh", "user.name": "root"}},
		{"611101", "User authentication succeeded: IP address: 10.1.2.50, Uname: netadmin", "logged-in", map[string]string{
			"source.ip": "10.1.2.50", "user.name": "netadmin"}},
		{"611103", "User logged out: Uname: netadmin", "logged-out", map[string]string{"user.name": "netadmin"}},
		{"109006", "Authentication failed for user jroe from 10.1.2.7/40000 to 198.51.100.80/80 on interface inside", "logon-failed", map[string]string{
			"user.name": "jroe", "source.ip": "10.1.2.7", "source.port": "40000", "destination.ip": "198.51.100.80", "destination.port": "80",
			"observer.ingress.interface.name": "inside"}},
		{"502101", "New user added to local dbase: Uname: ops2 Priv: 15 Encpass: ***", "user-created", map[string]string{
			"user.name": "ops2", "cisco.asa.privilege": "15"}},
		{"111008", "User 'netadmin' executed the 'write memory' command.", "command-executed", map[string]string{
			"user.name": "netadmin", "cisco.asa.command": "write memory"}},
		{"111010", "User 'netadmin', running 'CLI' from IP 10.1.2.50, executed 'no access-list X'", "command-executed", map[string]string{
			"user.name": "netadmin", "cisco.asa.application": "CLI", "source.ip": "10.1.2.50", "cisco.asa.command": "no access-list X"}},
		{"722051", "Group <GP_RA> User <jroe> IP <198.51.100.3> IPv4 Address <10.8.0.12> IPv6 address <::> assigned to session", "address-assigned", map[string]string{
			"cisco.asa.group": "GP_RA", "user.name": "jroe", "source.ip": "198.51.100.3", "cisco.asa.assigned_ip": "10.8.0.12",
			"cisco.asa.assigned_ipv6": "::"}},
		{"716002", "Group GP_WEB User jroe IP 198.51.100.3 WebVPN session terminated: User Requested.", "session-ended", map[string]string{
			"cisco.asa.group": "GP_WEB", "user.name": "jroe", "source.ip": "198.51.100.3", "event.reason": "User Requested"}},
		{"113019", "Group = GP_RA, Username = jroe, IP = 198.51.100.3, Session disconnected. Session Type: SSL, Duration: 1h:02m:03s, Bytes xmt: 1000, Bytes rcv: 2000, Reason: User Requested", "session-ended", map[string]string{
			"cisco.asa.group": "GP_RA", "user.name": "jroe", "source.ip": "198.51.100.3", "cisco.asa.session_type": "SSL",
			"cisco.asa.bytes_sent": "1000", "cisco.asa.bytes_received": "2000", "event.reason": "User Requested"}},
		{"713049", "Group = 203.0.113.9, IP = 203.0.113.9, Security negotiation complete for LAN-to-LAN Group (203.0.113.9)  Responder, Inbound SPI = 0x1a2b3c4d, Outbound SPI = 0x5e6f7a8b", "tunnel-established", map[string]string{
			"cisco.asa.group": "203.0.113.9", "source.ip": "203.0.113.9", "cisco.asa.tunnel_type": "LAN-to-LAN", "cisco.asa.ike_role": "Responder",
			"cisco.asa.inbound_spi": "0x1a2b3c4d", "cisco.asa.outbound_spi": "0x5e6f7a8b"}},
		{"751025", "Local:192.0.2.1:500 Remote:2001:db8::9:4500 Username:jroe Group:GP_IKE IPv4 Address=10.8.0.13 IPv6 address=:: assigned to session", "address-assigned", map[string]string{
			"cisco.asa.local_ip": "192.0.2.1", "cisco.asa.local_port": "500", "source.ip": "2001:db8::9", "source.port": "4500",
			"user.name": "jroe", "cisco.asa.group": "GP_IKE", "cisco.asa.assigned_ip": "10.8.0.13", "cisco.asa.assigned_ipv6": "::"}},
		{"751025", "Local:192.0.2.1:4500 Remote:198.51.100.9:61022 Username:mlee IKEv2 Group:GP_IKE IPv4 Address=10.8.0.14 IPv6 address=2001:db8:8::14 assigned to session", "address-assigned", map[string]string{
			"cisco.asa.local_ip": "192.0.2.1", "cisco.asa.local_port": "4500", "source.ip": "198.51.100.9", "source.port": "61022",
			"user.name": "mlee", "cisco.asa.group": "GP_IKE", "cisco.asa.assigned_ip": "10.8.0.14", "cisco.asa.assigned_ipv6": "2001:db8:8::14"}},
		{"751025", "Local:vpn.example.com:4500 Remote:laptop7.example.net:61030 Username:kim@example.com Group:GP_IKE IPv4 Address=10.8.0.15 IPv6 address=invalid-addr-2-0.0.0.0 assigned to session", "address-assigned", map[string]string{
			"cisco.asa.local_host": "vpn.example.com", "cisco.asa.local_port": "4500", "source.domain": "laptop7.example.net", "source.port": "61030",
			"user.name": "kim@example.com", "cisco.asa.group": "GP_IKE", "cisco.asa.assigned_ip": "10.8.0.15"}},
		{"733100", "[ Scanning] drop rate-1 exceeded. Current burst rate is 12 per second, max configured rate is 10", "threat-detected", map[string]string{
			"rule.name": "Scanning", "cisco.asa.drop_rate_id": "rate-1"}},
		{"733101", "Host 198.51.100.66 is attacking. Current burst rate is 200 per second", "threat-detected", map[string]string{
			"cisco.asa.threat_object": "Host", "source.ip": "198.51.100.66"}},
		{"338005", "Dynamic filter dropped blacklisted TCP traffic from outside:198.51.100.66/4444 (198.51.100.66/4444) to inside:10.1.2.3/80 (192.0.2.3/80), source 198.51.100.66 resolved from dynamic list: bad.example.net, threat-level: very-high, category: Malware", "botnet-traffic-dropped", map[string]string{
			"cisco.asa.botnet_list_type": "blacklisted", "network.transport": "TCP", "observer.ingress.interface.name": "outside",
			"source.ip": "198.51.100.66", "source.port": "4444", "observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3",
			"destination.port": "80", "destination.nat.ip": "192.0.2.3", "destination.nat.port": "80", "cisco.asa.botnet_side": "source",
			"cisco.asa.botnet_list": "dynamic", "cisco.asa.botnet_entry": "bad.example.net", "cisco.asa.threat_level": "very-high",
			"cisco.asa.threat_category": "Malware"}},
		{"400013", "IPS:2003 ICMP redirect from 10.1.2.254 to 10.1.2.1 on interface dmz", "intrusion-detected", map[string]string{
			"rule.id": "2003", "rule.name": "ICMP redirect", "source.ip": "10.1.2.254", "destination.ip": "10.1.2.1",
			"observer.ingress.interface.name": "dmz"}},
		{"434002", "SFR requested to drop TCP packet from outside:198.51.100.66/4444 to inside:10.1.2.3/80", "connection-denied", map[string]string{
			"network.transport": "TCP", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.66", "source.port": "4444",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3", "destination.port": "80"}},
		{"402117", "IPSEC: Received a non-IPSec packet (protocol= ICMP) from 198.51.100.20 to 192.0.2.6.", "ipsec-packet-not-encrypted", map[string]string{
			"network.transport": "ICMP", "source.ip": "198.51.100.20", "destination.ip": "192.0.2.6"}},
		{"402117", "IPSEC: Received a non-IPSec packet (protocol=UDP) from 198.51.100.21 to 192.0.2.7", "ipsec-packet-not-encrypted", map[string]string{
			"network.transport": "UDP", "source.ip": "198.51.100.21", "destination.ip": "192.0.2.7"}},
		{"750006", "Local:192.0.2.1:500 Remote:203.0.113.9:500 Username:203.0.113.9 IKEv2 SA UP. Reason: New Connection Established", "tunnel-established", map[string]string{
			"cisco.asa.local_ip": "192.0.2.1", "cisco.asa.local_port": "500", "source.ip": "203.0.113.9", "source.port": "500",
			"cisco.asa.tunnel_user": "203.0.113.9", "event.reason": "New Connection Established"}},
		{"750007", "Local:192.0.2.1:4500 Remote:vpn.partner.example:4500 Username:Unknown IKEv2 SA DOWN. Reason: Deleted by the peer", "tunnel-terminated", map[string]string{
			"cisco.asa.local_ip": "192.0.2.1", "cisco.asa.local_port": "4500", "source.domain": "vpn.partner.example", "source.port": "4500",
			"user.name": "Unknown", "event.reason": "Deleted by the peer"}},
		{"402119", "IPSEC: Received an ESP packet (SPI= 0x1B2C3D4E, sequence number= 0x2F1) from 203.0.113.5 (user= 203.0.113.5) to 192.0.2.1 that failed anti-replay checking.", "ipsec-packet-dropped", map[string]string{
			"network.transport": "ESP", "cisco.asa.spi": "0x1B2C3D4E", "cisco.asa.ipsec_seq": "0x2F1", "source.ip": "203.0.113.5",
			"cisco.asa.tunnel_user": "203.0.113.5", "destination.ip": "192.0.2.1"}},
		{"402120", "IPSEC: Received an AH packet (SPI= 0x00A1B2C3, sequence number= 0x10) from 198.51.100.40 (user= jdoe) to 192.0.2.1 that failed authentication.", "ipsec-packet-dropped", map[string]string{
			"network.transport": "AH", "cisco.asa.spi": "0x00A1B2C3", "cisco.asa.ipsec_seq": "0x10", "source.ip": "198.51.100.40",
			"user.name": "jdoe", "destination.ip": "192.0.2.1"}},
		// An address in a user's place is a LAN-to-LAN tunnel's, never user.name.
		{"602303", "IPSEC: An outbound LAN-to-LAN SA (SPI= 0x3A4B5C6D) between 192.0.2.1 and 203.0.113.5 (user= 203.0.113.5) has been created.", "ipsec-sa-created", map[string]string{
			"cisco.asa.sa_direction": "outbound", "cisco.asa.tunnel_type": "LAN-to-LAN", "cisco.asa.spi": "0x3A4B5C6D",
			"cisco.asa.sa_ip_1": "192.0.2.1", "cisco.asa.sa_ip_2": "203.0.113.5", "cisco.asa.tunnel_user": "203.0.113.5"}},
		{"602304", "IPSEC: An inbound remote access SA (SPI= 0x00C0FFEE) between 192.0.2.1 and 198.51.100.7 (user= jroe) has been deleted.", "ipsec-sa-deleted", map[string]string{
			"cisco.asa.sa_direction": "inbound", "cisco.asa.tunnel_type": "remote access", "cisco.asa.spi": "0x00C0FFEE",
			"cisco.asa.sa_ip_1": "192.0.2.1", "cisco.asa.sa_ip_2": "198.51.100.7", "user.name": "jroe"}},
		{"113019", "Group = 203.0.113.5, Username = 203.0.113.5, IP = 203.0.113.5, Session disconnected. Session Type: LAN-to-LAN, Duration: 0h:32m:16s, Bytes xmt: 297103, Bytes rcv: 1216163, Reason: User Requested", "session-ended", map[string]string{
			"cisco.asa.group": "203.0.113.5", "cisco.asa.tunnel_user": "203.0.113.5", "source.ip": "203.0.113.5", "cisco.asa.session_type": "LAN-to-LAN",
			"cisco.asa.bytes_sent": "297103", "cisco.asa.bytes_received": "1216163", "event.reason": "User Requested"}},
	})
}
