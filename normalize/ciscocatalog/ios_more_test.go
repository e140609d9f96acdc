package ciscocatalog

import "testing"

func TestIOSSecurityMnemonics(t *testing.T) {
	runCases(t, true, []lineCase{
		{"IPV6-ACCESSLOGP", "list V6-IN permitted tcp 2001:DB8::3(1027) -> 2001:DB8:1000::1(22), 9 packets", "connection-allowed", map[string]string{
			"rule.name": "V6-IN", "network.transport": "tcp", "source.ip": "2001:DB8::3", "source.port": "1027",
			"destination.ip": "2001:DB8:1000::1", "destination.port": "22", "network.packets": "9"}},
		{"SNMP-AUTHFAIL", "Authentication failure for SNMP req from host 10.1.2.99", "snmp-authentication-failed", map[string]string{
			"source.ip": "10.1.2.99"}},
		{"SYS-LOGGINGHOST_STARTSTOP", "Logging to host 10.1.2.50 port 514 stopped - CLI initiated", "logging-host-stopped", map[string]string{
			"cisco.ios.log_host": "10.1.2.50", "cisco.ios.log_port": "514", "event.reason": "CLI initiated"}},
		{"SYS-LOGGINGHOST_STARTSTOP", "Logging to host 10.1.2.50 started - CLI initiated", "logging-host-started", map[string]string{
			"cisco.ios.log_host": "10.1.2.50", "event.reason": "CLI initiated"}},
		{"SYS-LOGGINGHOST_STARTSTOP", "Logging to host 10.1.2.50 port 514 (Mgmt-vrf) started - CLI initiated", "logging-host-started", map[string]string{
			"cisco.ios.log_host": "10.1.2.50", "cisco.ios.log_port": "514", "cisco.ios.vrf": "Mgmt-vrf", "event.reason": "CLI initiated"}},
		{"SYS-LOGGINGHOST_STARTSTOP", "Logging to host 10.1.2.50 port 0 CLI Request Triggered", "", nil},
		{"AAA-AAA_ACCOUNTING_MESSAGE", "update:10.1.2.9@pts/0:admin:configure terminal ; no logging server 10.1.2.50 (SUCCESS)", "command-executed", map[string]string{
			"cisco.ios.line": "10.1.2.9@pts/0", "user.name": "admin", "cisco.ios.command": "configure terminal ; no logging server 10.1.2.50"}},
		{"AAA-AAA_ACCOUNTING_MESSAGE", "update:10.1.2.9@pts/0:admin:feature bash-shell (FAILURE)", "command-failed", map[string]string{
			"cisco.ios.line": "10.1.2.9@pts/0", "user.name": "admin", "cisco.ios.command": "feature bash-shell"}},
		{"AAA-AAA_ACCOUNTING_MESSAGE", "start:10.1.2.9@pts/0:admin:", "session-started", map[string]string{
			"cisco.ios.line": "10.1.2.9@pts/0", "user.name": "admin"}},
		{"AAA-AAA_ACCOUNTING_MESSAGE", "stop:10.1.2.9@pts/0:admin:shell terminated gracefully", "session-ended", map[string]string{
			"cisco.ios.line": "10.1.2.9@pts/0", "user.name": "admin"}},
		{"AUTHPRIV-SYSTEM_MSG", "pam_aaa:Authentication failed for user jdoe from 10.1.2.44 - sshd[2211]", "logon-failed", map[string]string{
			"user.name": "jdoe", "source.ip": "10.1.2.44"}},
		{"AUTHPRIV-SYSTEM_MSG", "ops : TTY=pts/1 ; PWD=/bootflash ; USER=root ; COMMAND=/bin/ls -l - sudo", "sudo-command", map[string]string{
			"user.name": "ops", "user.effective.name": "root", "process.command_line": "/bin/ls -l", "process.working_directory": "/bootflash"}},
		// Another program's message: no class.
		{"DAEMON-SYSTEM_MSG", "error: kex_exchange_identification: banner line contains invalid characters - dcos_sshd[771]", "", nil},
		{"FW-SESS_AUDIT_TRAIL_START", "(target:class)-(ZP-A:CM-B):Start tcp session: initiator (10.3.0.5:49290) -- responder (10.4.0.9:20000) from Tunnel1", "connection-built", map[string]string{
			"cisco.ios.zone_pair": "ZP-A", "cisco.ios.class_map": "CM-B", "cisco.ios.session_protocol": "tcp", "source.ip": "10.3.0.5", "source.port": "49290",
			"destination.ip": "10.4.0.9", "destination.port": "20000", "observer.ingress.interface.name": "Tunnel1"}},
		{"FW-SESS_AUDIT_TRAIL", "Stop ftp session: initiator (10.3.0.5:40000) sent 10 bytes -- responder (10.4.0.9:21) sent 20 bytes", "connection-teardown", map[string]string{
			"cisco.ios.session_protocol": "ftp", "source.ip": "10.3.0.5", "source.port": "40000", "source.bytes": "10",
			"destination.ip": "10.4.0.9", "destination.port": "21", "destination.bytes": "20"}},
		{"SYS-TTY_EXPIRE_TIMER", "(exec timer expired, tty 2 (10.1.2.30)), user opsuser", "session-timed-out", map[string]string{
			"cisco.ios.timer": "exec", "cisco.ios.tty": "2", "source.ip": "10.1.2.30", "user.name": "opsuser"}},
		{"TCP-BADAUTH", "Invalid MD5 digest from 10.9.0.2:179 to 10.9.0.1:33012 (RST) tableid - 0", "tcp-md5-authentication-failed", map[string]string{
			"source.ip": "10.9.0.2", "source.port": "179", "destination.ip": "10.9.0.1", "destination.port": "33012",
			"cisco.ios.tcp_flags": "RST", "cisco.ios.table_id": "0"}},
		{"ACL-IPV4_ACL-IPACCESSLOGP", "access-list EDGE-IN deny udp 203.0.113.5(5353) -> 192.0.2.9(53), 3 packets", "connection-denied", map[string]string{
			"rule.name": "EDGE-IN", "network.transport": "udp", "source.ip": "203.0.113.5", "source.port": "5353",
			"destination.ip": "192.0.2.9", "destination.port": "53", "network.packets": "3"}},
		{"SYS-PRIV_AUTH_FAIL", "Authentication to Privilage level 15 failed by admin on vty0 (10.1.2.21)", "logon-failed", map[string]string{
			"cisco.ios.privilege": "15", "user.name": "admin", "cisco.ios.line": "vty0", "source.ip": "10.1.2.21"}},
		{"SYS-PRIV_AUTH_FAIL", "Authentication to Privilage level 15 failed byvty0 (10.1.2.21)", "logon-failed", map[string]string{
			"cisco.ios.privilege": "15", "cisco.ios.line": "vty0", "source.ip": "10.1.2.21"}},
		{"SYS-PRIV_AUTH_FAIL", "Authentication to Privilege level 15 failed by console", "logon-failed", map[string]string{
			"cisco.ios.privilege": "15", "cisco.ios.line": "console"}},
		{"SYS-PRIV_AUTH_FAIL", "Authentication to Privilege level 15 failed by admin", "", nil},
		{"SPANTREE-BLOCK_BPDUGUARD", "Received BPDU on port FastEthernet0/24 with BPDU Guard enabled. Disabling port.", "bpdu-guard-blocked", map[string]string{
			"cisco.ios.interface": "FastEthernet0/24"}},
		{"SW_MATM-MACFLAP_NOTIF", "Host 0015.5d91.8502 in vlan 1 is flapping between port Gi0/20 and port Po1", "mac-flapping", map[string]string{
			"source.mac": "0015.5d91.8502", "cisco.ios.vlan": "1", "cisco.ios.interface": "Gi0/20", "cisco.ios.other_interface": "Po1"}},
		{"IP-DUPADDR", "Duplicate address 10.1.2.1 on Vlan10, sourced by 0011.2233.4455", "duplicate-address", map[string]string{
			"cisco.ios.duplicate_ip": "10.1.2.1", "cisco.ios.interface": "Vlan10", "source.mac": "0011.2233.4455"}},
		{"SESSION_MGR-FAIL", "Authorization failed or unapplied for client (0011.2233.4455) on Interface Gi1/0/7 AuditSessionID 0A01020300000FA1B2C3D4E5", "authorization-denied", map[string]string{
			"source.mac": "0011.2233.4455", "cisco.ios.interface": "Gi1/0/7", "cisco.ios.session_id": "0A01020300000FA1B2C3D4E5"}},
		{"SESSION_MGR-FAIL", "Switch 3 R0/0: smd:  Authorization failed or unapplied for client (002a.c102.3eb4) on Interface GigabitEthernet3/0/4 AuditSessionID 0C65633E00032EF22F9CBDFE", "authorization-denied", map[string]string{
			"source.mac": "002a.c102.3eb4", "cisco.ios.interface": "GigabitEthernet3/0/4", "cisco.ios.session_id": "0C65633E00032EF22F9CBDFE"}},
		{"SESSION_MGR-FAIL", "Chassis 1 R0/0: wncd: Authorization failed or unapplied for client (d8ec.5e08.0000) on Interface capwap_90000005 AuditSessionID 000000000000000B685E0000. Failure Reason: VLAN Failure. Failed attribute name PROD.", "authorization-denied", map[string]string{
			"source.mac": "d8ec.5e08.0000", "cisco.ios.interface": "capwap_90000005", "cisco.ios.session_id": "000000000000000B685E0000",
			"event.reason": "VLAN Failure. Failed attribute name PROD"}},
		{"DOT1X-FAIL", "Switch 1 R0/0: sessmgrd: Authentication failed for client (0011.2233.4455) on Interface Gi1/0/3 AuditSessionID 0A0102030000001A2B3C4D5E", "logon-failed", map[string]string{
			"source.mac": "0011.2233.4455", "cisco.ios.interface": "Gi1/0/3", "cisco.ios.session_id": "0A0102030000001A2B3C4D5E"}},
		// A port's access session: a method starts, authenticates the client, the port authorizes it.
		{"AUTHMGR-START", "Starting 'dot1x' for client (0011.2233.4466) on Interface Gi1/0/4 AuditSessionID 0A0102030000001B2B3C4D5F", "authentication-started", map[string]string{
			"cisco.ios.auth_method": "dot1x", "source.mac": "0011.2233.4466", "cisco.ios.interface": "Gi1/0/4", "cisco.ios.session_id": "0A0102030000001B2B3C4D5F"}},
		{"SESSION_MGR-START", "Switch 2 R0/0: sessmgrd: Starting 'mab' for client (0011.2233.4467) on Interface Gi2/0/5 AuditSessionID 0A0102030000001C2B3C4D60", "authentication-started", map[string]string{
			"cisco.ios.auth_method": "mab", "source.mac": "0011.2233.4467", "cisco.ios.interface": "Gi2/0/5", "cisco.ios.session_id": "0A0102030000001C2B3C4D60"}},
		{"DOT1X-SUCCESS", "Authentication successful for client (0011.2233.4466) on Interface Gi1/0/4 AuditSessionID 0A0102030000001B2B3C4D5F", "logged-in", map[string]string{
			"source.mac": "0011.2233.4466", "cisco.ios.interface": "Gi1/0/4", "cisco.ios.session_id": "0A0102030000001B2B3C4D5F"}},
		{"MAB-SUCCESS", "Authentication successful for client (0011.2233.4467) on Interface Gi2/0/5 AuditSessionID 0A0102030000001C2B3C4D60", "logged-in", map[string]string{
			"source.mac": "0011.2233.4467", "cisco.ios.interface": "Gi2/0/5", "cisco.ios.session_id": "0A0102030000001C2B3C4D60"}},
		{"AUTHMGR-SUCCESS", "Authorization succeeded for client (0011.2233.4466) on Interface Gi1/0/4 AuditSessionID 0A0102030000001B2B3C4D5F", "authorization-permitted", map[string]string{
			"source.mac": "0011.2233.4466", "cisco.ios.interface": "Gi1/0/4", "cisco.ios.session_id": "0A0102030000001B2B3C4D5F"}},
		{"AUTHMGR-FAIL", "Authorization failed or unapplied for client (0011.2233.4468) on Interface Gi1/0/6 AuditSessionID 0A0102030000001D2B3C4D61", "authorization-denied", map[string]string{
			"source.mac": "0011.2233.4468", "cisco.ios.interface": "Gi1/0/6", "cisco.ios.session_id": "0A0102030000001D2B3C4D61"}},
		// Local command accounting: every command, no change said.
		{"AAAA-ACCTLOCAL", "Username: netops Privilege level: 15 Command: show running-config | include snmp", "command-executed", map[string]string{
			"user.name": "netops", "cisco.ios.privilege_level": "15", "cisco.ios.command": "show running-config | include snmp"}},
		// NETCONF over SSH refused a client, with and without the stack unit.
		{"DMI-AUTHENTICATION_FAILED", "Switch 1 R0/0: dmiauthd: Authentication failure from 192.0.2.77:51679 for netconf over ssh.", "logon-failed", map[string]string{
			"source.ip": "192.0.2.77", "source.port": "51679", "cisco.ios.service": "netconf over ssh"}},
		{"DMI-AUTHENTICATION_FAILED", "R0/0: dmiauthd: Authentication failure from 192.0.2.78:40022 for restconf.", "logon-failed", map[string]string{
			"source.ip": "192.0.2.78", "source.port": "40022", "cisco.ios.service": "restconf"}},
	})
}
