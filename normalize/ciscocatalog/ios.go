package ciscocatalog

// Cisco IOS, IOS-XE and NX-OS messages, keyed by FACILITY-MNEMONIC (the
// severity a device prints varies by release). Formats follow Cisco's
// system message guides.

var (
	classLinkChange = cls("interface-state-change", "", cats(catHost, catNetwork), typeInfo)
	classACLRate    = cls("acl-log-rate-limited", "", cats(catNetwork), typeInfo)
	classPortSec    = cls("port-security-violation", failure, cats(catIntrusion, catNetwork), typeDenied)
	classDHCPSnoop  = cls("dhcp-snooping-dropped", failure, cats(catIntrusion, catNetwork), typeDenied)
	classDAIDrop    = cls("arp-inspection-dropped", failure, cats(catIntrusion, catNetwork), typeDenied)
)

// IOS access-list logs: "list ACL permitted|denied ..." with the source
// interface and MAC in parentheses when the ACE logs input.
const (
	iosACLSrc  = `{src_ip}{? ({src_if:word}{? {src_mac}})}`
	iosACLHead = `list {acl} {_verdict} `
)

var iosACLFormats = map[string]string{
	"P":  iosACLHead + `{acl_protocol} {src_ip}({src_port}){? ({src_if:word}{? {src_mac}})} -> {dst_ip}({dst_port}), {packets} packet{...}`,
	"DP": iosACLHead + `{acl_protocol} ` + iosACLSrc + ` -> {dst_ip} ({icmp_type}/{icmp_code}), {packets} packet{...}`,
	"NP": iosACLHead + `{acl_protocol} ` + iosACLSrc + ` -> {dst_ip}, {packets} packet{...}`,
	"RP": iosACLHead + `{acl_protocol} ` + iosACLSrc + ` -> {dst_ip}, {packets} packet{...}`,
	// IPv6 access lists print no IGMP type in their SP form.
	"SP": iosACLHead + `{acl_protocol} ` + iosACLSrc + ` -> {dst_ip}{? ({igmp_type})}, {packets} packet{...}`,
	"S":  iosACLHead + iosACLSrc + `{?,} {packets} packet{...}`,
}

// fmanfpMACFirst is the IOS-XE forwarding manager's shape of an ACE that
// logs input: the source MAC before the source and the input interface
// after it ("denied tcp 00-00-5E-00-53-01 192.0.2.1(1025) Gi0/0/1-> ...").
const daiDrop = `{arp_packets:uint} Invalid ARPs ({arp_operation}) on {interface:word}, vlan {vlan}.([{src_mac}/{src_ip}/{arp_target_mac}/{arp_target_ip:ip}/{_time:text}])`

const fmanfpMACFirst = iosACLHead + `{acl_protocol} {src_mac} {src_ip}({src_port}) {src_if:word} -> {dst_ip}({dst_port}), {packets} packet{...}`

// nxosSystemMsg are the shapes of NX-OS's AUTHPRIV/DAEMON SYSTEM_MSG: a
// Linux program's message with " - PROGRAM[PID]" appended. The _r word
// of each shape selects its class (nxosSystemCases); the sudo record's is
// the program name.
var nxosSystemMsg = []string{
	`pam_aaa:Authentication {_r} for user {user} from {src_ip} - {_process}`,
	`Login {_r} for user {user} - {_process}`,
	`error: PAM: Authentication {_r} for {user} from {src_ip} - {_process}`,
	`pam_unix({_pam}): authentication {_r}; {_pam_fields:text} user={user} - {_process}`,
	`{user} : TTY={_tty} ; PWD={pwd:text} ; USER={sudo_user} ; COMMAND={command:text} - {_r}`,
}

// nxosSudo puts the sudo record's values where the Linux sudo decoder does.
var nxosSudo = map[string]string{"sudo_user": "user.effective.name", "command": "process.command_line", "pwd": "process.working_directory"}

var nxosSystemCases = []Case{
	{"failed", classLoginFail},
	{"failure", classLoginFail},
	{"sudo", cls("sudo-command", success, cats(catProcess), typeStart)},
}

// linkCases classify LINK/LINEPROTO state changes.
func linkCases(prefix string) []Case {
	return []Case{
		{"up", cls(prefix+"-up", "", cats(catHost, catNetwork), typeInfo)},
		{"down", cls(prefix+"-down", "", cats(catHost, catNetwork), typeInfo)},
		{"administratively down", cls(prefix+"-admin-down", "", cats(catHost, catNetwork), typeInfo)},
	}
}

// withUnit returns body alone and behind the "Switch 1 R0/0: smd: " or
// "Chassis 1 R0/0: wncd: " that IOS-XE stacks and wireless controllers
// put before session-manager messages.
func withUnit(body string) []string {
	return []string{body, `{_unit_kind} {_unit} {_fru}: {_process}: ` + body}
}

// The access-session messages' bodies (the IOS message guide's AUTHMGR,
// SESSION_MGR, DOT1X and MAB messages).
const (
	sessionStart        = `Starting '{auth_method}' for client ({src_mac}) on Interface {interface:word}{? AuditSessionID {session_id}}`
	clientAuthenticated = `Authentication successful for client ({src_mac}) on Interface {interface:word}{? AuditSessionID {session_id}}`
	clientAuthorized    = `Authorization succeeded for client ({src_mac}) on Interface {interface:word}{? AuditSessionID {session_id}}`
)

var (
	// A method began authenticating a port's client: no outcome yet.
	classAuthStart = cls("authentication-started", "", cats(catAuthentication), typeStart)
	classAuthzOK   = cls("authorization-permitted", success, cats(catAuthentication), typeInfo)
)

var iosMsgs = []Msg{
	{ID: "SEC-IPACCESSLOGRL", Rule: "cisco_ios.acl", Class: classACLRate,
		Formats: []string{`access-list logging rate-limited or missed {missed_packets:uint} packet{...}`}},
	{ID: "SEC_LOGIN-LOGIN_SUCCESS", Rule: "cisco_ios.login", Class: classLogin,
		Formats: []string{`Login Success [user: {user?}] [Source: {src_ip}] [localport: {dst_port}]{...}`}},
	{ID: "SEC_LOGIN-LOGIN_FAILED", Rule: "cisco_ios.login", Class: classLoginFail,
		Formats: []string{`Login failed [user: {user?}] [Source: {src_ip}] [localport: {dst_port}]{? [Reason: {reason:text}]}{? [ACL: {acl}]}{...}`}},
	{ID: "SEC_LOGIN-QUIET_MODE_ON", Rule: "cisco_ios.login", Class: cls("login-quiet-mode-on", "", cats(catAuthentication), typeInfo),
		Formats: []string{`Still timeleft for watching failures is {_secs} secs, [user: {user?}] [Source: {src_ip}] [localport: {dst_port}]{? [Reason: {reason:text}]}{? [ACL: {acl}]}{...}`}},
	{ID: "PARSER-CFGLOG_LOGGEDCMD", Rule: "cisco_ios.command", Class: classCommand,
		Formats: []string{`User:{user} logged command:{command}`}},
	{ID: "SYS-CONFIG_I", Rule: "cisco_ios.config", Class: classConfigured,
		Formats: []string{
			`Configured from {config_source} by {line}{? ({src_ip})}`,
			`Configured from {config_source} by {user}{? on {line}}{? ({src_ip})}`,
		}},
	{ID: "VSHD-VSHD_SYSLOG_CONFIG_I", Rule: "cisco_ios.config", Class: classConfigured,
		Formats: []string{`Configured from {config_source} by {user} on {line}`}},
	{ID: "SYS-LOGOUT", Rule: "cisco_ios.login", Class: classLogout,
		Formats: []string{`User {user} has exited tty session {line:word}{?({src_ip})}`}},
	{ID: "SYS-RESTART", Rule: "cisco_ios.system", Class: cls("system-restarted", "", cats(catHost), typeStart),
		Formats: []string{`System restarted{...}`}},
	{ID: "SYS-RELOAD", Rule: "cisco_ios.system", Class: cls("reload-requested", success, cats(catHost), typeEnd),
		Formats: []string{`Reload requested by {user} on {line}. Reload Reason: {reason:text}`}},
	{ID: "SSH-SSH2_SESSION", Rule: "cisco_ios.ssh", By: "_result",
		Cases:   []Case{{"Succeeded", classSessStart}, {"Failed", cls("session-failed", failure, cats(catSession), typeStart)}},
		Formats: []string{`SSH2 Session request from {src_ip} (tty = {line:word}) using crypto cipher '{cipher}', hmac '{hmac}' {_result}`}},
	{ID: "SSH-SSH2_USERAUTH", Rule: "cisco_ios.ssh", By: "_result",
		Cases:   []Case{{"Succeeded", classLogin}, {"Failed", classLoginFail}},
		Formats: []string{`User {user} authentication for SSH2 Session from {src_ip} (tty = {line:word}) using crypto cipher '{cipher}', hmac '{hmac}' {_result}`}},
	{ID: "SSH-SSH2_CLOSE", Rule: "cisco_ios.ssh", Class: classLogout,
		Formats: []string{`SSH2 Session from {src_ip} (tty = {line:word}) for user {user} using crypto cipher '{cipher}', hmac '{hmac}' closed`}},
	{ID: "AAA-USER_LOCKED", Rule: "cisco_ios.aaa", Class: classLockedOut,
		Formats: []string{`User {user} locked out on authentication failure`}},
	{ID: "AAA-USER_UNLOCKED", Rule: "cisco_ios.aaa", Class: cls("unlocked-user-account", success, cats(catIAM), typeUser, typeChange),
		Formats: []string{`User {user} unlocked by {admin_user:user}`}},
	{ID: "RADIUS-RADIUS_DEAD", Rule: "cisco_ios.aaa", Class: cls("aaa-server-failed", failure, cats(catAuthentication), typeInfo),
		Formats: []string{`RADIUS server {aaa_server}:{aaa_ports:text} is not responding`}},
	{ID: "DOT1X-FAIL", Rule: "cisco_ios.aaa", Class: classLoginFail,
		Formats: withUnit(`Authentication failed for client ({src_mac}) on Interface {interface:word}{? AuditSessionID {session_id}}`)},
	{ID: "MAB-FAIL", Rule: "cisco_ios.aaa", Class: classLoginFail,
		Formats: withUnit(`Authentication failed for client ({src_mac}) on Interface {interface:word}{? AuditSessionID {session_id}}`)},
	{ID: "LINK-UPDOWN", Rule: "cisco_ios.link", Class: classLinkChange, By: "interface_state", Cases: linkCases("interface"),
		Formats: []string{`Interface {interface}, changed state to {interface_state:text}`}},
	{ID: "LINK-CHANGED", Rule: "cisco_ios.link", Class: classLinkChange, By: "interface_state", Cases: linkCases("interface"),
		Formats: []string{`Interface {interface}, changed state to {interface_state:text}`}},
	{ID: "LINEPROTO-UPDOWN", Rule: "cisco_ios.link", Class: classLinkChange, By: "interface_state", Cases: linkCases("line-protocol"),
		Formats: []string{`Line protocol on Interface {interface}, changed state to {interface_state:text}`}},
	{ID: "PORT_SECURITY-PSECURE_VIOLATION", Rule: "cisco_ios.port_security", Class: classPortSec,
		Formats: []string{`Security violation occurred, caused by MAC address {src_mac} on port {interface:word}{? on VLAN {vlan}}`}},
	{ID: "DHCP_SNOOPING-DHCP_SNOOPING_UNTRUSTED_PORT", Rule: "cisco_ios.dhcp_snooping", Class: classDHCPSnoop,
		Formats: []string{`DHCP_SNOOPING drop message on untrusted port{?, message type: {dhcp_message_type}}{?, MAC sa: {src_mac}}{...}`}},
	{ID: "DHCP_SNOOPING-DHCP_SNOOPING_MATCH_MAC_FAIL", Rule: "cisco_ios.dhcp_snooping", Class: classDHCPSnoop,
		Formats: []string{`DHCP_SNOOPING drop message because the chaddr doesn't match source mac, message type: {dhcp_message_type:text}, chaddr: {dhcp_chaddr}, MAC sa: {src_mac}`}},
	{ID: "DHCP_SNOOPING-DHCP_SNOOPING_ERRDISABLE_WARNING", Rule: "cisco_ios.dhcp_snooping", Class: cls("dhcp-snooping-rate-exceeded", "", cats(catIntrusion, catNetwork), typeInfo),
		Formats: []string{`DHCP Snooping received {dhcp_packets:uint} DHCP packets on interface {interface:word}`}},
	{ID: "SNMP-AUTHFAIL", Rule: "cisco_ios.snmp", Class: cls("snmp-authentication-failed", failure, cats(catAuthentication), typeStart),
		Formats: []string{`Authentication failure for SNMP req{?uest} from host {src_ip}`}},
	// Logging to a syslog server stopped: one way to blind the SOC.
	{ID: "SYS-LOGGINGHOST_STARTSTOP", Rule: "cisco_ios.logging", By: "_state", Cases: []Case{
		{"started", cls("logging-host-started", "", cats(catConfiguration), typeChange)},
		{"stopped", cls("logging-host-stopped", "", cats(catConfiguration), typeChange)},
	}, Formats: []string{
		`Logging to host {log_host:host} port {log_port:uint} {_state}{? - {reason:text}}`,
		`Logging to host {log_host:host} Port {log_port:uint} {_state}{? - {reason:text}}`,
		`Logging to host {log_host:host} port {log_port:uint} ({vrf}) {_state}{? - {reason:text}}`,
		`Logging to host {log_host:host} {_state}{? - {reason:text}}`,
	}},
	// NX-OS command accounting: "update:CLIENT@LINE:USER:COMMAND (RESULT)".
	// The start and stop records of a session ("stop:...:admin:shell
	// terminated gracefully") hold no command: there the record's word is
	// the _result that selects the case.
	{ID: "AAA-AAA_ACCOUNTING_MESSAGE", Rule: "cisco_ios.command", Class: classCommand, By: "_result",
		Cases: []Case{
			{"FAILURE", cls("command-failed", failure, cats(catConfiguration), typeChange)},
			{"start", classSessStart},
			{"stop", classSessEnd},
		},
		Formats: []string{
			`update:{line}:{user}:{command:text} ({_result})`,
			`update:{line}:{user}:{command:text}`,
			`{_result}:{line}:{user}:{...}`,
		}},
	// "enable" failed; IOS spells it "Privilage", some releases print no
	// user ("failed byvty0").
	{ID: "SYS-PRIV_AUTH_FAIL", Rule: "cisco_ios.login", Class: classLoginFail,
		Formats: []string{
			`Authentication to {_privilege_word} level {privilege} failed by {user} on {line}{? ({src_ip})}`,
			`Authentication to {_privilege_word} level {privilege} failed by{line}{? ({src_ip})}`,
		}},
	// Layer-2 protection: a switch port that received a BPDU, a MAC address
	// moving between ports (a loop, or spoofing).
	{ID: "SPANTREE-BLOCK_BPDUGUARD", Rule: "cisco_ios.l2", Class: cls("bpdu-guard-blocked", "", cats(catNetwork), typeDenied),
		Formats: []string{`Received BPDU on port {interface:word} with BPDU Guard enabled{...}`}},
	{ID: "SW_MATM-MACFLAP_NOTIF", Rule: "cisco_ios.l2", Class: cls("mac-flapping", "", cats(catNetwork), typeInfo),
		Formats: []string{`Host {src_mac} in vlan {vlan} is flapping between port {interface:word} and port {other_interface:word}`}},
	// Dynamic ARP inspection dropped an ARP packet whose sender binding is
	// not in the DHCP snooping table (DHCP_SNOOPING_DENY) or an ARP ACL
	// denied it (ACL_DENY). The bracket is sender MAC/sender IP/target
	// MAC/target IP/the switch's time: the sender is the packet's source.
	{ID: "SW_DAI-DHCP_SNOOPING_DENY", Rule: "cisco_ios.arp", Class: classDAIDrop, Formats: []string{daiDrop}},
	{ID: "SW_DAI-ACL_DENY", Rule: "cisco_ios.arp", Class: classDAIDrop, Formats: []string{daiDrop}},
	{ID: "IP-DUPADDR", Rule: "cisco_ios.arp", Class: cls("duplicate-address", "", cats(catNetwork), typeInfo),
		Formats: []string{`Duplicate address {duplicate_ip:ip} on {interface:word}, sourced by {src_mac}`}},
	{ID: "SESSION_MGR-FAIL", Rule: "cisco_ios.aaa", Class: cls("authorization-denied", failure, cats(catAuthentication), typeInfo),
		Formats: withUnit(`Authorization failed or unapplied for client ({src_mac}) on Interface {interface:word}{? AuditSessionID {session_id}}{?. Failure Reason: {reason:text}}`)},
	// The access session of a port (802.1X, MAB, web auth), on IOS
	// (AUTHMGR) and IOS-XE 16+ (SESSION_MGR): a method starts for the
	// client's MAC, the method authenticates it, the port authorizes it.
	{ID: "AUTHMGR-START", Rule: "cisco_ios.aaa", Class: classAuthStart, Formats: withUnit(sessionStart)},
	{ID: "SESSION_MGR-START", Rule: "cisco_ios.aaa", Class: classAuthStart, Formats: withUnit(sessionStart)},
	{ID: "DOT1X-SUCCESS", Rule: "cisco_ios.aaa", Class: classLogin, Formats: withUnit(clientAuthenticated)},
	{ID: "MAB-SUCCESS", Rule: "cisco_ios.aaa", Class: classLogin, Formats: withUnit(clientAuthenticated)},
	{ID: "AUTHMGR-SUCCESS", Rule: "cisco_ios.aaa", Class: classAuthzOK, Formats: withUnit(clientAuthorized)},
	{ID: "SESSION_MGR-SUCCESS", Rule: "cisco_ios.aaa", Class: classAuthzOK, Formats: withUnit(clientAuthorized)},
	{ID: "AUTHMGR-FAIL", Rule: "cisco_ios.aaa", Class: cls("authorization-denied", failure, cats(catAuthentication), typeInfo),
		Formats: withUnit(`Authorization failed or unapplied for client ({src_mac}) on Interface {interface:word}{? AuditSessionID {session_id}}{?. Failure Reason: {reason:text}}`)},
	// Local command accounting ("aaa accounting commands N ... local"):
	// every command of the level, show and verify too, so no change is
	// said (as ASA's 111009).
	{ID: "AAAA-ACCTLOCAL", Rule: "cisco_ios.command", Class: cls("command-executed", success, cats(catConfiguration), typeInfo),
		Formats: []string{`Username: {user} Privilege level: {privilege_level:uint} Command: {command:text}`}},
	// The NETCONF/RESTCONF server (DMI) refused a client's credentials.
	{ID: "DMI-AUTHENTICATION_FAILED", Rule: "cisco_ios.login", Class: classLoginFail,
		Formats: append(withUnit(`Authentication failure from {src_ip}:{src_port} for {service:text}.`),
			`{_fru}: {_process}: Authentication failure from {src_ip}:{src_port} for {service:text}.`)},
	{ID: "DHCP_SNOOPING-DHCP_SNOOPING_DENY_INVALID_PACKET", Rule: "cisco_ios.dhcp_snooping", Class: classDHCPSnoop,
		Formats: []string{`DHCP_SNOOPING drop invalid message{...}`}},
	{ID: "AUTHPRIV-SYSTEM_MSG", Rule: "cisco_ios.nxos_system", Open: true, By: "_r", Cases: nxosSystemCases, Map: nxosSudo, Formats: nxosSystemMsg},
	{ID: "DAEMON-SYSTEM_MSG", Rule: "cisco_ios.nxos_system", Open: true, By: "_r", Cases: nxosSystemCases, Map: nxosSudo, Formats: nxosSystemMsg},
	// NX-OS host mobility: two hosts claim one address (a clash, or spoofing).
	{ID: "HMM-DUP_HOSTS", Rule: "cisco_ios.arp", Class: cls("duplicate-address", "", cats(catNetwork), typeInfo),
		Formats: []string{`{_process} [{_pid}] ({vrf}) [{_family}] Detected a potential duplicate host {duplicate_ip:ip}/{_prefix_len}{...}`}},
	// NX-OS dropped an ARP packet that names an invalid address.
	{ID: "ARP-INVAL_IP", Rule: "cisco_ios.arp", Class: cls("arp-invalid-address", "", cats(catNetwork), typeInfo),
		Formats: []string{`{_process} [{_pid}] Received packet with invalid {arp_field} IP address ({invalid_ip:ip}) from {src_mac} on {interface:word}{...}`}},
	// A wireless client's EAPOL key with a wrong replay counter: a
	// retransmission, or a replayed (forged) frame.
	{ID: "DOT1X-INVALID_REPLAY_CTR", Rule: "cisco_ios.aaa", Class: cls("eapol-replay-counter-invalid", failure, cats(catIntrusion, catNetwork), typeInfo),
		Formats: []string{`{_source_file} Invalid replay counter from client {src_mac} - got {_got:text}, expected {_expected:text}`}},
	// An idle exec session closed by its timer.
	{ID: "SYS-TTY_EXPIRE_TIMER", Rule: "cisco_ios.login", Class: cls("session-timed-out", "", cats(catSession), typeEnd),
		Formats: []string{`({timer} timer expired, tty {tty} ({src_ip})), user {user}`}},
	// Catalyst 6500 prints its own logout mnemonic.
	{ID: "SYS-LOGOUT_C6K", Rule: "cisco_ios.login", Class: classLogout,
		Formats: []string{`User {user} has exited tty session {line:word}{?({src_ip})}`}},
	// A TCP segment (BGP, LDP) without or with a wrong MD5 signature:
	// dropped. Releases print "IP(port)" or "IP:port", and may append
	// "(RST) tableid - N".
	{ID: "TCP-BADAUTH", Rule: "cisco_ios.tcp", By: "_md5", Cases: []Case{
		{"No", classTCPMD5}, {"Invalid", classTCPMD5},
	}, Formats: []string{
		`{_md5} MD5 digest from {src_ip}({src_port}) to {dst_ip}({dst_port}){? ({tcp_flags:text})}{? tableid - {table_id}}`,
		`{_md5} MD5 digest from {src_ip}:{src_port} to {dst_ip}:{dst_port}{? ({tcp_flags:text})}{? tableid - {table_id}}`,
	}},
	// NX-OS interface states.
	{ID: "ETHPORT-IF_UP", Rule: "cisco_ios.link", Class: cls("interface-up", "", cats(catHost, catNetwork), typeInfo),
		Formats: []string{`Interface {interface:word} is up{? in mode {port_mode}}{...}`}},
	{ID: "ETHPORT-IF_ADMIN_UP", Rule: "cisco_ios.link", Class: cls("interface-admin-up", "", cats(catHost, catNetwork), typeInfo),
		Formats: []string{`Interface {interface:word} is admin up`}},
	{ID: "ETHPORT-IF_DOWN_ADMIN_DOWN", Rule: "cisco_ios.link", Class: cls("interface-admin-down", "", cats(catHost, catNetwork), typeInfo),
		Formats: []string{`Interface {interface:word} is down (Administratively down)`}},
	{ID: "ETHPORT-IF_DOWN_LINK_FAILURE", Rule: "cisco_ios.link", Class: cls("interface-down", "", cats(catHost, catNetwork), typeInfo),
		Formats: []string{`Interface {interface:word} is down ({reason:text})`}},
	{ID: "ETHPORT-IF_DOWN_ERROR_DISABLED", Rule: "cisco_ios.link", Class: cls("interface-down", "", cats(catHost, catNetwork), typeInfo),
		Formats: []string{`Interface {interface:word} is down ({reason:text})`}},
	{ID: "INTERFACE_VLAN-UPDOWN", Rule: "cisco_ios.link", Class: classLinkChange, By: "interface_state", Cases: linkCases("line-protocol"),
		Formats: []string{`Line Protocol on Interface {interface}, changed state to {interface_state:text}`}},
	// NX-OS saving its configuration ("copy running-config startup-config").
	{ID: "SYSMGR-CFGWRITE_STARTED", Rule: "cisco_ios.config", Class: cls("configuration-save-started", "", cats(catConfiguration), typeChange),
		Formats: []string{`Configuration copy started (PID {_pid})`}},
	{ID: "SYSMGR-CFGWRITE_DONE", Rule: "cisco_ios.config", Class: cls("configuration-saved", success, cats(catConfiguration), typeChange),
		Formats: []string{`Configuration copy successful`}},
	{ID: "SYSMGR-CFGWRITE_FAILED", Rule: "cisco_ios.config", Class: cls("configuration-saved", failure, cats(catConfiguration), typeChange),
		Formats: []string{`Configuration copy failed{...}`}},
	// NX-OS MAC moves (a loop, or spoofing), as SW_MATM-MACFLAP_NOTIF.
	{ID: "L2FM-L2FM_MAC_MOVE2", Rule: "cisco_ios.l2", Class: cls("mac-moved", "", cats(catNetwork), typeInfo),
		Formats: []string{`Mac {src_mac} in vlan {vlan} has moved from {interface:word} to {other_interface:word}`}},
	// IOS / IOS-XE zone-based (and classic) firewall: sessions and drops.
	{ID: "FW-SESS_AUDIT_TRAIL_START", Rule: "cisco_ios.firewall", Class: classBuilt,
		Formats: fwTarget(`Start {session_protocol} session: initiator ({src_ip}:{src_port}) -- responder ({dst_ip}:{dst_port})`)},
	{ID: "FW-SESS_AUDIT_TRAIL", Rule: "cisco_ios.firewall", Class: classTeardown, Map: fwBytes,
		Formats: fwTarget(`Stop {session_protocol} session: initiator ({src_ip}:{src_port}) sent {src_bytes:uint} bytes -- responder ({dst_ip}:{dst_port}) sent {dst_bytes:uint} bytes`)},
	{ID: "FW-DROP_PKT", Rule: "cisco_ios.firewall", Class: classDenied,
		Formats: []string{
			`Dropping {protocol} pkt from {src_if:word} {src_ip}:{src_port} => {dst_ip}:{dst_port} (target:class)-({zone_pair}:{class_map}) due to {reason:text} with ip ident {...}`,
			`Dropping {protocol} pkt from {src_if:word} {src_ip}:{src_port} => {dst_ip}:{dst_port} (target:class)-({zone_pair}:{class_map}) due to {reason:text}`,
			// The session form names the inspected protocol ("Unknown-l4",
			// with ports 0): not a transport, its ports not for sure ports.
			`Dropping {session_protocol} session {src_ip}:{_src_port} {dst_ip}:{_dst_port} on zone-pair {zone_pair} class {class_map} due to {reason:text} with ip ident {...}`,
			`Dropping {session_protocol} session {src_ip}:{_src_port} {dst_ip}:{_dst_port} on zone-pair {zone_pair} class {class_map} due to {reason:text}`,
		}},
	// IOS IPS: a signature fired ("Sig:3051 Subsig:1 Sev:4 TCP Connection
	// Window Size DoS [192.0.2.1:51654 -> 198.51.100.2:4444]"); 12.4(11)T
	// and later append "VRF:NONE RiskRating:25". ICMP flows have no ports.
	{ID: "IPS-SIGNATURE", Rule: "cisco_ios.ips", Class: classIDS,
		Formats: []string{`Sig:{rule_id} Subsig:{ips_subsig} Sev:{ips_severity} {rule_name:text} [{src_ip}{?:{src_port}} -> {dst_ip}{?:{dst_port}}]{...}`}},
}

var classTCPMD5 = cls("tcp-md5-authentication-failed", failure, cats(catNetwork), typeConnection, typeDenied)

// fwBytes: each side's byte count of a zone-based firewall session.
var fwBytes = map[string]string{"src_bytes": "source.bytes", "dst_bytes": "destination.bytes"}

// fwTarget returns body behind the zone-based firewall's
// "(target:class)-(ZONE-PAIR:CLASS-MAP):" (some releases print a space
// for the '-') and alone (the classic IOS firewall), each with the
// session's interface after it or not.
func fwTarget(body string) []string {
	var out []string
	// The session's interface follows with or without a comma.
	for _, tail := range []string{`{?, from {src_if:word}}`, ` from {src_if:word}`} {
		out = append(out, `(target:class){?-} ({zone_pair}:{class_map}):`+body+tail, body+tail)
	}
	return out
}

func init() {
	registerIOS(iosMsgs)
	// The access-list log families: IPv4 (SEC, IPACL), IPv6 (IPV6_ACL, and
	// IPV6 on older IOS releases) and
	// the IOS-XE forwarding manager (FMANFP), whose body starts with the
	// slot and process ("F0/0: fman_fp_image: list ...").
	var acl []Msg
	for suffix, f := range iosACLFormats {
		for _, id := range []string{"SEC-IPACCESSLOG", "IPACL-IPACCESSLOG", "IPV6_ACL-ACCESSLOG", "IPV6_ACL-IPV6ACCESSLOG", "IPV6-ACCESSLOG"} {
			acl = append(acl, Msg{ID: id + suffix, Rule: "cisco_ios.acl", By: "_verdict", Cases: verdictCases, Formats: []string{f}})
		}
		for _, id := range []string{"FMANFP-IPACCESSLOG", "FMANFP-IPV6ACCESSLOG"} {
			formats := []string{`{_fru}: {_process}: ` + f}
			if suffix == "P" {
				formats = append(formats, `{_fru}: {_process}: `+fmanfpMACFirst)
			}
			acl = append(acl, Msg{ID: id + suffix, Rule: "cisco_ios.acl", By: "_verdict", Cases: verdictCases, Formats: formats})
		}
	}
	registerIOS(acl)
	// IOS-XR: "access-list ACL deny|permit PROTO SRC(PORT) -> DST(PORT), N packet(s)".
	registerIOS([]Msg{{ID: "ACL-IPV4_ACL-IPACCESSLOGP", Rule: "cisco_ios.acl", By: "_verdict", Cases: xrVerdictCases,
		Formats: []string{`access-list {acl} {_verdict} {acl_protocol} {src_ip}({src_port}) -> {dst_ip}({dst_port}), {packets} packet{...}`}}})
}

// xrVerdictCases are IOS-XR's verbs for verdictCases' words.
var xrVerdictCases = []Case{{"permit", classAllowed}, {"deny", classDenied}}
