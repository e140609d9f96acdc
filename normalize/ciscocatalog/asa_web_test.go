package ciscocatalog

import "testing"

func TestASAWebAndSystem(t *testing.T) {
	runCases(t, false, []lineCase{
		{"304001", "10.1.2.3 Accessed URL 198.51.100.80:http://www.example.com/index.html", "web-request-allowed", map[string]string{
			"source.ip": "10.1.2.3", "destination.ip": "198.51.100.80", "url.original": "http://www.example.com/index.html"}},
		{"304001", `jdoe@10.1.2.3(CORP\jdoe) Accessed JAVA URL 198.51.100.80:http://www.example.com/app.jar`, "web-request-allowed", map[string]string{
			"source.user.name": "jdoe", "source.ip": "10.1.2.3", "destination.ip": "198.51.100.80", "url.original": "http://www.example.com/app.jar"}},
		{"304001", "10.1.2.3 Accessed URL nowhere", "", nil},
		// Per the guide: no Host header, and a URL split over messages.
		{"304001", "10.1.2.3 Accessed URL 198.51.100.80:Hostname not present URI: /login.php", "web-request-allowed", map[string]string{
			"source.ip": "10.1.2.3", "destination.ip": "198.51.100.80", "url.path": "/login.php"}},
		{"304001", "10.1.2.3 Accessed URL 198.51.100.80: http://www.example.com/a/very/long/pa partial", "web-request-allowed", map[string]string{
			"source.ip": "10.1.2.3", "destination.ip": "198.51.100.80"}},
		{"304001", "10.1.2.3 Accessed URL 198.51.100.80: partial th/rest", "web-request-allowed", map[string]string{
			"source.ip": "10.1.2.3", "destination.ip": "198.51.100.80"}},
		{"304002", "Access denied URL http://bad.example.net/a.exe SRC 10.1.2.3 DEST 203.0.113.66 on interface inside", "web-request-blocked", map[string]string{
			"url.original": "http://bad.example.net/a.exe", "source.ip": "10.1.2.3", "destination.ip": "203.0.113.66",
			"observer.ingress.interface.name": "inside"}},
		{"304002", "Access denied URL http://bad.example.net/a.exe SRC 10.1.2.3 DEST 203.0.113.66: filter server down", "web-request-blocked", map[string]string{
			"url.original": "http://bad.example.net/a.exe", "source.ip": "10.1.2.3", "destination.ip": "203.0.113.66"}},
		{"303002", "FTP connection from inside:10.1.2.3/50001 to outside:198.51.100.21/21, user anonymous Retrieved file /pub/readme.txt", "file-retrieved", map[string]string{
			"observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3", "source.port": "50001", "observer.egress.interface.name": "outside",
			"destination.ip": "198.51.100.21", "destination.port": "21", "user.name": "anonymous", "file.path": "/pub/readme.txt"}},
		{"303002", "FTP connection from inside:10.1.2.3/50001 to outside:198.51.100.21/21, user jdoe Stored file upload/q3 report.xlsx", "file-stored", map[string]string{
			"observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3", "source.port": "50001", "observer.egress.interface.name": "outside",
			"destination.ip": "198.51.100.21", "destination.port": "21", "user.name": "jdoe", "file.path": "upload/q3 report.xlsx"}},
		{"303002", "FTP connection from inside:10.1.2.3/50001 to outside:198.51.100.21/21, user jdoe Deleted file x", "", nil},

		{"104001", "(Primary) Switching to ACTIVE - mate want me Active", "failover-state-changed", map[string]string{
			"cisco.asa.failover_unit": "Primary", "event.reason": "mate want me Active"}},
		{"104002", "(Secondary) Switching to STANDBY - interface check, mate is healthier", "failover-state-changed", map[string]string{
			"cisco.asa.failover_unit": "Secondary", "event.reason": "interface check, mate is healthier"}},
		{"104003", "(Primary) Switching to FAILED.", "failover-state-changed", map[string]string{"cisco.asa.failover_unit": "Primary"}},
		{"201008", "Disallowing new connections.", "new-connections-disallowed", map[string]string{}},
		{"609001", "Built local-host inside:10.1.2.3", "local-host-built", map[string]string{
			"cisco.asa.interface": "inside", "cisco.asa.host_ip": "10.1.2.3"}},
		{"609002", "Teardown local-host outside:2001:db8::7 duration 0:02:11", "local-host-teardown", map[string]string{
			"cisco.asa.interface": "outside", "cisco.asa.host_ip": "2001:db8::7", "event.duration": "0:02:11"}},
		{"710004", "TCP connection limit exceeded from 198.51.100.9/40001 to outside:192.0.2.1/22 (current connections/connection limit = 6/5)", "connection-denied", map[string]string{
			"network.transport": "TCP", "source.ip": "198.51.100.9", "source.port": "40001", "observer.ingress.interface.name": "outside",
			"destination.ip": "192.0.2.1", "destination.port": "22"}},
	})
}

func TestASAGapsInExistingFamilies(t *testing.T) {
	runCases(t, false, []lineCase{
		// 106023 with the ICMP type and code bare before "by access-group".
		{"106023", `Deny tcp src dmz:10.1.2.30/63016 dst outside:198.51.100.8/53 type 3, code 0, by access-group "acl_dmz" [0xe3aab522, 0x0]`, "connection-denied", map[string]string{
			"network.transport": "tcp", "observer.ingress.interface.name": "dmz", "source.ip": "10.1.2.30", "source.port": "63016",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.8", "destination.port": "53",
			"cisco.asa.icmp_type": "3", "cisco.asa.icmp_code": "0", "rule.name": "acl_dmz"}},
		// 313004 as devices print it, and as the guide does.
		{"313004", "Denied ICMP type=0, from laddr 172.16.30.2 on interface inside to 172.16.1.10: no matching session", "connection-denied", map[string]string{
			"network.transport": "ICMP", "cisco.asa.icmp_type": "0", "source.ip": "172.16.30.2", "observer.ingress.interface.name": "inside",
			"destination.ip": "172.16.1.10"}},
		{"313004", "Denied ICMP type=0, from 10.1.2.3 on interface inside to 198.51.100.1:no matching session", "connection-denied", map[string]string{
			"network.transport": "ICMP", "cisco.asa.icmp_type": "0", "source.ip": "10.1.2.3", "observer.ingress.interface.name": "inside",
			"destination.ip": "198.51.100.1"}},
		{"308001", "console enable password incorrect for 3 tries (from 10.1.2.9)", "logon-failed", map[string]string{
			"cisco.asa.attempts": "3", "source.ip": "10.1.2.9"}},
		{"308001", "console enable password incorrect for 3 tries (from console)", "logon-failed", map[string]string{
			"cisco.asa.attempts": "3"}},
		{"308001", "Console enable password incorrect for 2 tries (from 10.1.2.9)", "logon-failed", map[string]string{
			"cisco.asa.attempts": "2", "source.ip": "10.1.2.9"}},
		{"111001", "Begin configuration: 10.1.2.9 writing to memory", "configuration-write-started", map[string]string{
			"source.ip": "10.1.2.9", "cisco.asa.config_target": "memory"}},
		{"111001", "Begin configuration: console writing to memory", "configuration-write-started", map[string]string{
			"cisco.asa.config_target": "memory"}},
		{"111003", "10.1.2.9 Erase configuration", "configuration-erased", map[string]string{"source.ip": "10.1.2.9"}},
		{"111004", "console end configuration: FAILED", "configuration-ended", map[string]string{}},
		{"111005", "10.1.2.9 end configuration: OK", "configuration-ended", map[string]string{"source.ip": "10.1.2.9"}},
		{"111007", "Begin configuration: 10.1.2.9 reading from device.", "configuration-read-started", map[string]string{
			"source.ip": "10.1.2.9", "cisco.asa.config_target": "device"}},
		{"111008", "User 'enable_15' executed the 'logging host inside 10.1.2.50' command.", "command-executed", map[string]string{
			"user.name": "enable_15", "cisco.asa.command": "logging host inside 10.1.2.50"}},
		{"111009", "User 'enable_15' executed cmd: show running-config", "command-executed", map[string]string{
			"user.name": "enable_15", "cisco.asa.command": "show running-config"}},
		{"111010", "User 'admin', running 'CLI' from IP 10.1.2.9, executed 'no logging host inside 10.1.2.50'", "command-executed", map[string]string{
			"user.name": "admin", "cisco.asa.application": "CLI", "source.ip": "10.1.2.9", "cisco.asa.command": "no logging host inside 10.1.2.50"}},
		{"113005", "AAA user authentication Rejected: reason = Invalid password: server = 10.1.1.5, User = asmith: user IP = 198.51.100.3", "logon-failed", map[string]string{
			"cisco.asa.aaa_type": "authentication", "event.reason": "Invalid password", "cisco.asa.aaa_server": "10.1.1.5", "user.name": "asmith",
			"source.ip": "198.51.100.3"}},
		{"113004", "AAA user authentication Successful: server = 10.1.1.5, User = asmith: user IP = 198.51.100.3", "logged-in", map[string]string{
			"cisco.asa.aaa_type": "authentication", "cisco.asa.aaa_server": "10.1.1.5", "user.name": "asmith", "source.ip": "198.51.100.3"}},
		{"716039", "Authentication: rejected, group = GP_SSL user = jroe , Session Type: WebVPN", "logon-failed", map[string]string{
			"cisco.asa.group": "GP_SSL", "user.name": "jroe", "cisco.asa.session_type": "WebVPN"}},
		{"722051", "Group GP_SSL User jroe IP 198.51.100.44 IPv4 address 10.8.0.13 IPv6 address :: assigned to session", "address-assigned", map[string]string{
			"cisco.asa.group": "GP_SSL", "user.name": "jroe", "source.ip": "198.51.100.44", "cisco.asa.assigned_ip": "10.8.0.13",
			"cisco.asa.assigned_ipv6": "::"}},
		{"722055", "Group <GP_SSL> User <jroe> IP <198.51.100.44> Client type: Cisco AnyConnect VPN Agent for Windows 4.10.05085", "vpn-info", map[string]string{
			"cisco.asa.group": "GP_SSL", "user.name": "jroe", "source.ip": "198.51.100.44",
			"cisco.asa.client_type": "Cisco AnyConnect VPN Agent for Windows 4.10.05085"}},
		{"716058", "Group <GP_SSL> User <jroe> IP <198.51.100.44> AnyConnect session lost connection. Waiting to resume.", "session-lost", map[string]string{
			"cisco.asa.group": "GP_SSL", "user.name": "jroe", "source.ip": "198.51.100.44"}},
		{"750002", "Local:192.0.2.1:500 Remote:198.51.100.44:500 Username:Unknown Received a IKE_INIT_SA request", "ike-sa-requested", map[string]string{
			"cisco.asa.local_ip": "192.0.2.1", "cisco.asa.local_port": "500", "source.ip": "198.51.100.44", "source.port": "500", "user.name": "Unknown"}},
		{"750003", "Local:192.0.2.1:500 Remote:198.51.100.44:500 Username:jroe IKEv2 Negotiation aborted due to ERROR: Failed to authenticate the IKE SA", "vpn-negotiation-failed", map[string]string{
			"cisco.asa.local_ip": "192.0.2.1", "cisco.asa.local_port": "500", "source.ip": "198.51.100.44", "source.port": "500", "user.name": "jroe",
			"event.reason": "Failed to authenticate the IKE SA"}},
		{"750003", "Local:192.0.2.1:4500 Remote:peer-7.example.net:4500 Username:Unknown Negotiation aborted due to ERROR: Maximum number of retransmissions reached", "vpn-negotiation-failed", map[string]string{
			"cisco.asa.local_ip": "192.0.2.1", "cisco.asa.local_port": "4500", "source.domain": "peer-7.example.net", "source.port": "4500",
			"user.name": "Unknown", "event.reason": "Maximum number of retransmissions reached"}},
		{"725001", "Starting SSL handshake with client outside:198.51.100.44/51234 to 192.0.2.1/443 for TLS session", "tls-handshake-started", map[string]string{
			"observer.ingress.interface.name": "outside", "source.ip": "198.51.100.44", "source.port": "51234",
			"destination.ip": "192.0.2.1", "destination.port": "443"}},
		{"725002", "Device completed SSL handshake with server inside:10.1.2.20/636 to 10.1.2.1/40001 for TLSv1.2 session", "tls-handshake-completed", map[string]string{
			"cisco.asa.peer_ip": "10.1.2.20", "cisco.asa.peer_port": "636"}},
		{"725002", "Device completed SSL handshake with client WAN:198.51.100.44/49238 for TLS session.", "tls-handshake-completed", map[string]string{
			"observer.ingress.interface.name": "WAN", "source.ip": "198.51.100.44", "source.port": "49238"}},
		{"725006", "Device failed SSL handshake with client outside:198.51.100.44/51235 to 192.0.2.1/443", "tls-handshake-failed", map[string]string{
			"observer.ingress.interface.name": "outside", "source.ip": "198.51.100.44", "source.port": "51235",
			"destination.ip": "192.0.2.1", "destination.port": "443"}},
		{"725007", "SSL session with client outside:198.51.100.44/51234 to 192.0.2.1/443 terminated", "tls-session-ended", map[string]string{
			"observer.ingress.interface.name": "outside", "source.ip": "198.51.100.44", "source.port": "51234",
			"destination.ip": "192.0.2.1", "destination.port": "443"}},

		{"338002", "Dynamic Filter monitored blacklisted TCP traffic from inside:10.1.2.3/56290 (192.0.2.3/56290) to outside:203.0.113.66/80 (203.0.113.66/80), destination 203.0.113.66 resolved from dynamic list: bad.example.net, threat-level: very-high, category: Malware", "botnet-traffic-detected", map[string]string{
			"cisco.asa.botnet_list_type": "blacklisted", "network.transport": "TCP", "observer.ingress.interface.name": "inside",
			"source.ip": "10.1.2.3", "source.port": "56290", "source.nat.ip": "192.0.2.3", "source.nat.port": "56290",
			"observer.egress.interface.name": "outside", "destination.ip": "203.0.113.66", "destination.port": "80",
			"cisco.asa.botnet_side": "destination", "cisco.asa.botnet_list": "dynamic", "cisco.asa.botnet_entry": "bad.example.net",
			"cisco.asa.threat_level": "very-high", "cisco.asa.threat_category": "Malware"}},
		{"338104", "Dynamic Filter monitored whitelisted UDP traffic from inside:10.1.2.3/5353 (192.0.2.3/5353) to outside:198.51.100.53/53 (198.51.100.53/53), destination 198.51.100.53 resolved from local list: good.example.org", "botnet-traffic-allowed", map[string]string{
			"cisco.asa.botnet_list_type": "whitelisted", "network.transport": "UDP", "observer.ingress.interface.name": "inside",
			"source.ip": "10.1.2.3", "source.port": "5353", "source.nat.ip": "192.0.2.3", "source.nat.port": "5353",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.53", "destination.port": "53",
			"cisco.asa.botnet_side": "destination", "cisco.asa.botnet_list": "local", "cisco.asa.botnet_entry": "good.example.org"}},
		{"338301", "Intercepted DNS reply for domain bad.example.net from outside:198.51.100.53/53 to inside:10.1.2.3/40000, matched dynamic list", "botnet-dns-reply-intercepted", map[string]string{
			"cisco.asa.botnet_entry": "bad.example.net", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.53", "source.port": "53",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3", "destination.port": "40000", "cisco.asa.botnet_list": "dynamic list"}},
		{"405001", "Received ARP response collision from 10.1.2.1/0011.2233.4455 on interface inside with existing ARP entry 10.1.2.1/00aa.bbcc.ddee", "arp-collision", map[string]string{
			"cisco.asa.arp_operation": "response", "source.ip": "10.1.2.1", "source.mac": "0011.2233.4455",
			"observer.ingress.interface.name": "inside", "cisco.asa.existing_ip": "10.1.2.1", "cisco.asa.existing_mac": "00aa.bbcc.ddee"}},
		{"405001", "Received ARP request collision from 10.1.2.218/007e.0cfe.b3a4 on interface inside", "arp-collision", map[string]string{
			"cisco.asa.arp_operation": "request", "source.ip": "10.1.2.218", "source.mac": "007e.0cfe.b3a4",
			"observer.ingress.interface.name": "inside"}},
		{"401004", "Shunned packet: 198.51.100.66 = 10.1.2.3 on interface outside", "connection-denied", map[string]string{
			"source.ip": "198.51.100.66", "destination.ip": "10.1.2.3", "observer.ingress.interface.name": "outside"}},
		{"322001", "Deny MAC address 0011.2233.4455, possible spoof attempt on interface inside", "connection-denied", map[string]string{
			"source.mac": "0011.2233.4455", "observer.ingress.interface.name": "inside"}},
		{"305013", "Asymmetric NAT rules matched for forward and reverse flows; Connection for tcp src inside:10.1.2.3/51000 dst outside:198.51.100.9/443 denied due to NAT reverse path failure", "connection-denied", map[string]string{
			"network.transport": "tcp", "observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3", "source.port": "51000",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.9", "destination.port": "443"}},
		{"305013", "Asymmetric NAT rules matched for forward and reverse flows; Connection for icmp src outside:198.51.100.9 dst inside:10.1.2.3 (type 8, code 0) denied due to NAT reverse path failure", "connection-denied", map[string]string{
			"network.transport": "icmp", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.9",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3", "cisco.asa.icmp_type": "8", "cisco.asa.icmp_code": "0"}},
		{"111006", "Console Login from admin at console", "logged-in", map[string]string{"user.name": "admin"}},
		{"746012", `user-identity: Add IP-User mapping 10.1.2.3 - jdoe Succeeded - VPN user`, "ip-user-mapping-added", map[string]string{
			"source.ip": "10.1.2.3", "user.name": "jdoe", "event.reason": "VPN user"}},
		{"746013", `user-identity: Delete IP-User mapping 10.1.2.3 - jdoe Failed - VPN user`, "ip-user-mapping-deleted", map[string]string{
			"source.ip": "10.1.2.3", "user.name": "jdoe", "event.reason": "VPN user"}},
		{"734001", "DAP: User jroe, Addr 198.51.100.44, Connection AnyConnect: The following DAP records were selected for this connection: DfltAccessPolicy", "dap-records-selected", map[string]string{
			"user.name": "jroe", "source.ip": "198.51.100.44", "cisco.asa.session_type": "AnyConnect", "cisco.asa.dap_records": "DfltAccessPolicy"}},
		{"420002", "IPS requested to drop TCP packet from outside:198.51.100.66/4444 to inside:10.1.2.3/80", "connection-denied", map[string]string{
			"network.transport": "TCP", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.66", "source.port": "4444",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3", "destination.port": "80"}},
		{"434002", "SFR requested to drop ICMP packet from outside:198.51.100.66 to inside:10.1.2.3", "connection-denied", map[string]string{
			"network.transport": "ICMP", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.66",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.3"}},
	})
}
