package ciscocatalog

import "testing"

// An untranslated side's NAT address (the same as its own) is left out.
// Ids other projects' suites use that the catalogue lacked, and shapes of
// catalogued ids it did not read (PIX's lower-case 106002 with ports, an
// ICMP 305005, the console's 605004, ASDM's 111002, an empty 113019 user).
func TestASADeviceAndGaps(t *testing.T) {
	runCases(t, false, []lineCase{
		{"199002", "Startup completed.  Beginning operation.", "device-started", map[string]string{}},
		{"771002", "CLOCK: System clock set, source: NTP, IP: ntp1.example.net, before: 09:00:00.000 UTC Mon Dec 7 2026, after: 09:00:02.120 UTC Mon Dec 7 2026", "clock-set", map[string]string{
			"cisco.asa.clock_source": "NTP", "cisco.asa.ntp_server": "ntp1.example.net",
			"cisco.asa.clock_before": "09:00:00.000 UTC Mon Dec 7 2026", "cisco.asa.clock_after": "09:00:02.120 UTC Mon Dec 7 2026"}},
		{"505015", `Module cxsc, application up "CXSC", version "9.3.1" Normal Operation`, "module-state-changed", map[string]string{
			"cisco.asa.module": "cxsc", "cisco.asa.module_application": "CXSC", "cisco.asa.module_version": "9.3.1"}},
		{"505002", "Module ips is reloading. Please wait...", "module-state-changed", map[string]string{"cisco.asa.module": "ips"}},
		{"323006", "Module ips experienced a data channel communication failure, data channel is DOWN.", "module-state-changed", map[string]string{
			"cisco.asa.module": "ips"}},
		{"747011", "Memory allocation Error", "resource-exhausted", map[string]string{}},
		{"321006", "System Memory usage reached 87%", "resource-exhausted", map[string]string{"cisco.asa.memory_usage_percent": "87"}},
		{"106101", "Number of cached deny-flows for ACL log has reached limit (4096)", "resource-exhausted", map[string]string{
			"cisco.asa.deny_flow_limit": "4096"}},
		{"444005", "Timebased license key 0x01020304 0x05060708 0x090a 0x0b0c0d0e 0x0f will expire in 12 days.", "license-expiring", map[string]string{
			"cisco.asa.license_days_left": "12"}},
		{"405003", "IP address collision detected between host 10.1.2.7 at 0011.2233.4466 and interface inside, 00aa.bbcc.ddef", "ip-address-collision", map[string]string{
			"source.ip": "10.1.2.7", "source.mac": "0011.2233.4466", "cisco.asa.interface": "inside", "cisco.asa.interface_mac": "00aa.bbcc.ddef"}},
		{"338302", "Address 203.0.113.40 discovered for domain malware.example.net from dynamic list, Adding rule", "botnet-address-added", map[string]string{
			"cisco.asa.botnet_ip": "203.0.113.40", "cisco.asa.botnet_entry": "malware.example.net", "cisco.asa.botnet_list": "dynamic list"}},
		{"338303", "Address 203.0.113.40 (malware.example.net) timed out. Removing rule", "botnet-address-removed", map[string]string{
			"cisco.asa.botnet_ip": "203.0.113.40", "cisco.asa.botnet_entry": "malware.example.net"}},
		{"606001", "ASDM session number 3 from 10.1.2.9 started", "session-started", map[string]string{
			"cisco.asa.asdm_session": "3", "source.ip": "10.1.2.9"}},
		{"606002", "ASDM session number 3 from 10.1.2.9 ended", "session-ended", map[string]string{
			"cisco.asa.asdm_session": "3", "source.ip": "10.1.2.9"}},
		{"722012", "Group <GP_SSL> User <mlee> IP <198.51.100.45> SVC Message: 17/WARNING: Reconnecting the VPN tunnel.", "vpn-info", map[string]string{
			"cisco.asa.group": "GP_SSL", "user.name": "mlee", "source.ip": "198.51.100.45", "cisco.asa.svc_message_type": "17",
			"cisco.asa.svc_message_level": "WARNING", "cisco.asa.svc_message": "Reconnecting the VPN tunnel"}},
		{"722041", "TunnelGroup <TG_RA> GroupPolicy <GP_RA> User <mlee> IP <198.51.100.45> No IPv6 address available for SVC connection", "vpn-info", map[string]string{
			"cisco.asa.tunnel_group": "TG_RA", "cisco.asa.group": "GP_RA", "user.name": "mlee", "source.ip": "198.51.100.45"}},
		{"402114", "IPSEC: Received an ESP packet (SPI= 0x0BADBEEF, sequence number= 0x1) from 203.0.113.7 to 192.0.2.1 with an invalid SPI.", "ipsec-packet-dropped", map[string]string{
			"network.transport": "ESP", "cisco.asa.spi": "0x0BADBEEF", "cisco.asa.ipsec_seq": "0x1", "source.ip": "203.0.113.7", "destination.ip": "192.0.2.1"}},
		{"402116", "IPSEC: Received an ESP packet (SPI= 0x0BADBEEF, sequence number= 0x9) from 203.0.113.7 (user= rw-user) to 192.0.2.1.  The decapsulated inner packet doesn't match the negotiated policy in the SA.  The packet specifies its destination as 10.1.2.3, its source as 10.9.0.2, and its protocol as 6.", "ipsec-packet-dropped", map[string]string{
			"network.transport": "ESP", "cisco.asa.spi": "0x0BADBEEF", "cisco.asa.ipsec_seq": "0x9", "source.ip": "203.0.113.7", "user.name": "rw-user",
			"destination.ip": "192.0.2.1"}},
		{"400010", "IDS:2000 ICMP echo reply from 198.51.100.8 to 192.0.2.4 on interface outside", "intrusion-detected", map[string]string{
			"rule.id": "2000", "rule.name": "ICMP echo reply", "source.ip": "198.51.100.8", "destination.ip": "192.0.2.4",
			"observer.ingress.interface.name": "outside"}},
		{"302017", "Built inbound GRE connection 812 from outside:198.51.100.60 (198.51.100.60) to inside:10.1.2.40 (192.0.2.40) (pptpuser)", "connection-built", map[string]string{
			"network.direction": "inbound", "cisco.asa.connection_id": "812", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.60",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.40", "destination.nat.ip": "192.0.2.40",
			"user.name": "pptpuser"}},
		{"302018", "Teardown GRE connection 812 from outside:198.51.100.60 (198.51.100.60) to inside:10.1.2.40/3 (192.0.2.40/3) duration 0:04:10 bytes 90210", "connection-teardown", map[string]string{
			"cisco.asa.connection_id": "812", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.60",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.40", "destination.nat.ip": "192.0.2.40",
			"event.duration": "0:04:10", "network.bytes": "90210"}},
		{"302018", "Teardown GRE connection 813 from outside:198.51.100.61 to inside:10.1.2.41 duration 0:00:09 bytes 77", "connection-teardown", map[string]string{
			"cisco.asa.connection_id": "813", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.61",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.41", "event.duration": "0:00:09", "network.bytes": "77"}},
		{"106002", "tcp connection denied by outbound list 101 src 10.1.2.62 1025 dest 198.51.100.82 80", "connection-denied", map[string]string{
			"network.transport": "tcp", "rule.name": "101", "source.ip": "10.1.2.62", "source.port": "1025",
			"destination.ip": "198.51.100.82", "destination.port": "80"}},
		{"305005", "No translation group found for icmp src outside:198.51.100.2 dst inside:10.1.2.2 (type 8, code 0)", "no-translation-group", map[string]string{
			"network.transport": "icmp", "observer.ingress.interface.name": "outside", "source.ip": "198.51.100.2",
			"observer.egress.interface.name": "inside", "destination.ip": "10.1.2.2", "cisco.asa.icmp_type": "8", "cisco.asa.icmp_code": "0"}},
		{"605004", `Login denied from serial to console for user "operator"`, "logon-failed", map[string]string{"user.name": "operator"}},
		{"111002", "Begin configuration: 10.1.2.9 reading from http [POST]", "configuration-read-started", map[string]string{
			"source.ip": "10.1.2.9", "cisco.asa.config_target": "http"}},
		{"113019", "Group = GP_RA, Username = , IP = 198.51.100.3, Session disconnected. Session Type: IKEv1, Duration: 0h:00m:04s, Bytes xmt: 0, Bytes rcv: 0, Reason: Phase 2 Mismatch", "session-ended", map[string]string{
			"cisco.asa.group": "GP_RA", "source.ip": "198.51.100.3", "cisco.asa.session_type": "IKEv1",
			"cisco.asa.bytes_sent": "0", "cisco.asa.bytes_received": "0", "event.reason": "Phase 2 Mismatch"}},
	})
}

func TestASAAAAUauthDHCP(t *testing.T) {
	runCases(t, false, []lineCase{
		{"113003", "AAA group policy for user mlee is being set to GP_ENG", "aaa-info", map[string]string{"user.name": "mlee", "cisco.asa.group": "GP_ENG"}},
		{"113010", "AAA challenge received for user mlee from server 10.1.1.5", "aaa-info", map[string]string{"user.name": "mlee", "cisco.asa.aaa_server": "10.1.1.5"}},
		{"113011", "AAA retrieved user specific group policy (GP_ENG) for user = mlee", "aaa-info", map[string]string{"user.name": "mlee", "cisco.asa.group": "GP_ENG"}},
		{"109201", "UAUTH: Session=0x00a1b000, User=mlee, Assigned IP=10.8.0.22, Succeeded adding entry.", "vpn-info", map[string]string{
			"cisco.asa.uauth_session": "0x00a1b000", "user.name": "mlee", "cisco.asa.assigned_ip": "10.8.0.22"}},
		{"109210", "UAUTH: Session=0x00a1b000, User=mlee, Assigned IP=10.8.0.22, Error in adding entry.", "vpn-negotiation-failed", map[string]string{
			"cisco.asa.uauth_session": "0x00a1b000", "user.name": "mlee", "cisco.asa.assigned_ip": "10.8.0.22"}},
		{"303003", "FTP SITE command denied - failed strict inspection, terminating connection from inside:10.1.2.3/50100 to outside:198.51.100.21/21", "connection-denied", map[string]string{
			"cisco.asa.ftp_command": "SITE", "observer.ingress.interface.name": "inside", "source.ip": "10.1.2.3", "source.port": "50100",
			"observer.egress.interface.name": "outside", "destination.ip": "198.51.100.21", "destination.port": "21"}},
		{"416001", "Dropped UDP SNMP packet from outside:198.51.100.30/40000 to inside:10.1.2.50/161; version (1) is not allowed through the firewall", "connection-denied", map[string]string{
			"observer.ingress.interface.name": "outside", "source.ip": "198.51.100.30", "source.port": "40000", "observer.egress.interface.name": "inside",
			"destination.ip": "10.1.2.50", "destination.port": "161", "cisco.asa.snmp_version": "1"}},
		{"113020", "Kerberos error : Clock skew with server 10.1.1.8 greater than 300 seconds", "authentication-error", map[string]string{
			"cisco.asa.aaa_server": "10.1.1.8"}},
		{"717009", "Certificate validation failed. Reason: certificate expired.", "certificate-validation-failed", map[string]string{
			"event.reason": "certificate expired"}},
		{"604103", "DHCP daemon interface inside: address granted 0011.2233.4477 (10.1.2.120)", "dhcp-address-granted", map[string]string{
			"cisco.asa.interface": "inside", "source.mac": "0011.2233.4477", "cisco.asa.assigned_ip": "10.1.2.120"}},
		{"604104", "DHCP daemon interface inside: address released 0011.2233.4477 (10.1.2.120)", "dhcp-address-released", map[string]string{
			"cisco.asa.interface": "inside", "source.mac": "0011.2233.4477", "cisco.asa.assigned_ip": "10.1.2.120"}},
	})
}

// A user name is the user's text: one that imitates the words after it
// sets no other field (the templates' later values must have their kind).
func TestASAForgedUserNames(t *testing.T) {
	runCases(t, false, []lineCase{
		// A WebVPN login's name before its session type (one word).
		{"716039", "Authentication: rejected, group = GP_SSL user = admin , Session Type: Admin , Session Type: WebVPN", "logon-failed", map[string]string{
			"cisco.asa.group": "GP_SSL", "user.name": "admin , Session Type: Admin", "cisco.asa.session_type": "WebVPN"}},
		// The cut-through proxy's user, typed at its prompt, before the
		// connection's ends: the interface the ASA names is one word.
		{"109006", "Authentication failed for user 'eve' from 203.0.113.66/1 to 203.0.113.67/80 on interface outside' from 10.0.0.5/51000 to 198.51.100.7/80 on interface inside", "logon-failed", map[string]string{
			"user.name": "eve' from 203.0.113.66/1 to 203.0.113.67/80 on interface outside", "source.ip": "10.0.0.5", "source.port": "51000",
			"destination.ip": "198.51.100.7", "destination.port": "80", "observer.ingress.interface.name": "inside"}},
		{"109005", "Authentication succeeded for user 'eve from 203.0.113.66/1 to 203.0.113.67/80 on interface outside' from 10.0.0.5/51000 to 198.51.100.7/80 on interface inside", "logged-in", map[string]string{
			"user.name": "eve from 203.0.113.66/1 to 203.0.113.67/80 on interface outside", "source.ip": "10.0.0.5", "source.port": "51000",
			"destination.ip": "198.51.100.7", "destination.port": "80", "observer.ingress.interface.name": "inside"}},
		{"109201", "UAUTH: Session=0x1, User=eve, Assigned IP=203.0.113.66, Assigned IP=10.8.0.23, Succeeded adding entry.", "vpn-info", map[string]string{
			"cisco.asa.uauth_session": "0x1", "user.name": "eve, Assigned IP=203.0.113.66", "cisco.asa.assigned_ip": "10.8.0.23"}},
		{"113003", "AAA group policy for user eve is being set to ADMINS is being set to GP_GUEST", "aaa-info", map[string]string{
			"user.name": "eve is being set to ADMINS", "cisco.asa.group": "GP_GUEST"}},
		{"113010", "AAA challenge received for user eve from server 203.0.113.66 from server 10.1.1.5", "aaa-info", map[string]string{
			"user.name": "eve from server 203.0.113.66", "cisco.asa.aaa_server": "10.1.1.5"}},
	})
}
