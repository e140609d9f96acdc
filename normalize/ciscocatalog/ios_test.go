package ciscocatalog

import "testing"

func TestIOS(t *testing.T) {
	runCases(t, true, []lineCase{
		{"SEC-IPACCESSLOGP", "list EDGE_IN denied tcp 198.51.100.9(51515) (GigabitEthernet0/0 00a1.b2c3.d4e5) -> 10.1.2.3(22), 4 packets", "connection-denied", map[string]string{
			"rule.name": "EDGE_IN", "network.transport": "tcp", "source.ip": "198.51.100.9", "source.port": "51515",
			"observer.ingress.interface.name": "GigabitEthernet0/0", "source.mac": "00a1.b2c3.d4e5",
			"destination.ip": "10.1.2.3", "destination.port": "22", "network.packets": "4"}},
		{"IPV6_ACL-ACCESSLOGP", "list V6IN/20 permitted udp 2001:DB8:7::9(5353) (Vlan10 ) -> 2001:DB8:1::1(53), 1 packet", "connection-allowed", map[string]string{
			"rule.name": "V6IN/20", "network.transport": "udp", "source.ip": "2001:DB8:7::9", "source.port": "5353",
			"observer.ingress.interface.name": "Vlan10", "destination.ip": "2001:DB8:1::1", "destination.port": "53", "network.packets": "1"}},
		{"SEC-IPACCESSLOGDP", "list 101 permitted icmp 198.51.100.9 -> 10.1.2.1 (0/0), 2 packets", "connection-allowed", map[string]string{
			"rule.name": "101", "network.transport": "icmp", "source.ip": "198.51.100.9", "destination.ip": "10.1.2.1",
			"cisco.ios.icmp_type": "0", "cisco.ios.icmp_code": "0", "network.packets": "2"}},
		{"SEC-IPACCESSLOGNP", "list 120 denied 50 198.51.100.9 -> 10.1.2.2, 9 packets", "connection-denied", map[string]string{
			"rule.name": "120", "network.transport": "50", "source.ip": "198.51.100.9", "destination.ip": "10.1.2.2", "network.packets": "9"}},
		{"SEC-IPACCESSLOGS", "list 10 denied 198.51.100.44 3 packets", "connection-denied", map[string]string{
			"rule.name": "10", "source.ip": "198.51.100.44", "network.packets": "3"}},
		{"SEC-IPACCESSLOGS", "list 10 permitted 198.51.100.45, 1 packet", "connection-allowed", map[string]string{
			"rule.name": "10", "source.ip": "198.51.100.45", "network.packets": "1"}},
		{"FMANFP-IPACCESSLOGP", "F0/0: fman_fp_image: list WAN_IN denied tcp 198.51.100.9(40000) -> 192.0.2.1(23), 1 packet", "connection-denied", map[string]string{
			"rule.name": "WAN_IN", "network.transport": "tcp", "source.ip": "198.51.100.9", "source.port": "40000",
			"destination.ip": "192.0.2.1", "destination.port": "23", "network.packets": "1"}},
		{"SEC-IPACCESSLOGRL", "access-list logging rate-limited or missed 42 packets", "acl-log-rate-limited", map[string]string{
			"cisco.ios.missed_packets": "42"}},
		{"SEC_LOGIN-LOGIN_SUCCESS", "Login Success [user: netadmin] [Source: 10.1.2.50] [localport: 22] at 09:00:01 UTC Mon Jun 1 2026", "logged-in", map[string]string{
			"user.name": "netadmin", "source.ip": "10.1.2.50", "destination.port": "22"}},
		{"SEC_LOGIN-LOGIN_FAILED", "Login failed [user: ] [Source: 198.51.100.60] [localport: 23] [Reason: Login Authentication Failed - BadUser] at 09:00:02 UTC Mon Jun 1 2026", "logon-failed", map[string]string{
			"source.ip": "198.51.100.60", "destination.port": "23", "event.reason": "Login Authentication Failed - BadUser"}},
		// The name a client typed is the user tried, an address-like one too (IOS has no tunnel user).
		{"SEC_LOGIN-LOGIN_FAILED", "Login failed [user: 10.9.9.9] [Source: 198.51.100.61] [localport: 22] [Reason: Login Authentication Failed] at 09:00:03 UTC Mon Jun 1 2026", "logon-failed", map[string]string{
			"user.name": "10.9.9.9", "source.ip": "198.51.100.61", "destination.port": "22", "event.reason": "Login Authentication Failed"}},
		{"PARSER-CFGLOG_LOGGEDCMD", "User:netadmin  logged command:interface GigabitEthernet0/3", "command-executed", map[string]string{
			"user.name": "netadmin", "cisco.ios.command": "interface GigabitEthernet0/3"}},
		{"SYS-CONFIG_I", "Configured from console by netadmin on vty1 (10.1.2.50)", "configured", map[string]string{
			"cisco.ios.config_source": "console", "user.name": "netadmin", "cisco.ios.line": "vty1", "source.ip": "10.1.2.50"}},
		{"SYS-CONFIG_I", "Configured from console by vty0 (10.1.2.51)", "configured", map[string]string{
			"cisco.ios.config_source": "console", "cisco.ios.line": "vty0", "source.ip": "10.1.2.51"}},
		{"SYS-CONFIG_I", "Configured from memory by console", "configured", map[string]string{
			"cisco.ios.config_source": "memory", "cisco.ios.line": "console"}},
		{"VSHD-VSHD_SYSLOG_CONFIG_I", "Configured from vty by netadmin on 10.1.2.52@pts/1", "configured", map[string]string{
			"cisco.ios.config_source": "vty", "user.name": "netadmin", "cisco.ios.line": "10.1.2.52@pts/1"}},
		{"SYS-LOGOUT", "User netadmin has exited tty session 2(10.1.2.50)", "logged-out", map[string]string{
			"user.name": "netadmin", "cisco.ios.line": "2", "source.ip": "10.1.2.50"}},
		{"SSH-SSH2_USERAUTH", "User 'netadmin' authentication for SSH2 Session from 10.1.2.50 (tty = 0) using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' Failed", "logon-failed", map[string]string{
			"user.name": "netadmin", "source.ip": "10.1.2.50", "cisco.ios.line": "0", "cisco.ios.cipher": "aes256-ctr", "cisco.ios.hmac": "hmac-sha2-256"}},
		{"SSH-SSH2_SESSION", "SSH2 Session request from 10.1.2.50 (tty = 0) using crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' Succeeded", "session-started", map[string]string{
			"source.ip": "10.1.2.50", "cisco.ios.line": "0", "cisco.ios.cipher": "aes256-ctr", "cisco.ios.hmac": "hmac-sha2-256"}},
		{"LINK-UPDOWN", "Interface GigabitEthernet0/5, changed state to administratively down", "interface-admin-down", map[string]string{
			"cisco.ios.interface": "GigabitEthernet0/5", "cisco.ios.interface_state": "administratively down"}},
		{"LINEPROTO-UPDOWN", "Line protocol on Interface Vlan30, changed state to up", "line-protocol-up", map[string]string{
			"cisco.ios.interface": "Vlan30", "cisco.ios.interface_state": "up"}},
		{"LINK-UPDOWN", "Interface Gi0/1, changed state to testing", "interface-state-change", map[string]string{
			"cisco.ios.interface": "Gi0/1", "cisco.ios.interface_state": "testing"}},
		{"SW_DAI-DHCP_SNOOPING_DENY", "1 Invalid ARPs (Req) on Gi1/0/12, vlan 20.([00a1.b2c3.d4f0/10.20.0.66/0000.0000.0000/10.20.0.1/09:14:02 UTC Mon Jul 13 2026])", "arp-inspection-dropped", map[string]string{
			"cisco.ios.arp_packets": "1", "cisco.ios.arp_operation": "Req", "cisco.ios.interface": "Gi1/0/12", "cisco.ios.vlan": "20",
			"source.mac": "00a1.b2c3.d4f0", "source.ip": "10.20.0.66", "cisco.ios.arp_target_mac": "0000.0000.0000", "cisco.ios.arp_target_ip": "10.20.0.1"}},
		{"SW_DAI-ACL_DENY", "2 Invalid ARPs (Res) on Gi1/0/13, vlan 20.([00a1.b2c3.d4f1/10.20.0.67/00a1.b2c3.0001/10.20.0.2/09:14:03 UTC Mon Jul 13 2026])", "arp-inspection-dropped", map[string]string{
			"cisco.ios.arp_packets": "2", "cisco.ios.arp_operation": "Res", "cisco.ios.interface": "Gi1/0/13", "cisco.ios.vlan": "20",
			"source.mac": "00a1.b2c3.d4f1", "source.ip": "10.20.0.67", "cisco.ios.arp_target_mac": "00a1.b2c3.0001", "cisco.ios.arp_target_ip": "10.20.0.2"}},
		// A sender that is not a MAC address is not the documented shape.
		{"SW_DAI-ACL_DENY", "2 Invalid ARPs (Res) on Gi1/0/13, vlan 20.([nothex/10.20.0.67/00a1.b2c3.0001/10.20.0.2/09:14:03 UTC Mon Jul 13 2026])", "", nil},
		{"PORT_SECURITY-PSECURE_VIOLATION", "Security violation occurred, caused by MAC address 00a1.b2c3.d4e6 on port GigabitEthernet1/0/7.", "port-security-violation", map[string]string{
			"source.mac": "00a1.b2c3.d4e6", "cisco.ios.interface": "GigabitEthernet1/0/7"}},
		{"DHCP_SNOOPING-DHCP_SNOOPING_UNTRUSTED_PORT", "DHCP_SNOOPING drop message on untrusted port, message type: DHCPOFFER, MAC sa: 00a1.b2c3.d4e7", "dhcp-snooping-dropped", map[string]string{
			"cisco.ios.dhcp_message_type": "DHCPOFFER", "source.mac": "00a1.b2c3.d4e7"}},
		{"SYS-RESTART", "System restarted --", "system-restarted", map[string]string{}},
		{"SEC_LOGIN-LOGIN_SUCCESS", "Login Success at 09:00", "", nil},
	})
}
