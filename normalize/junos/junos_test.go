package junos

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/event"
)

func decode(t *testing.T, program, msgID, msg string, sd event.SD) (map[string]string, vendor.Class, vendor.Status) {
	t.Helper()
	got := map[string]string{}
	class, st := Decode(program, msgID, msg, sd, func(k, v string, kind vendor.Kind) {
		if kind == vendor.Extra {
			k = Namespace + k
		}
		got[k] = v
	})
	if err := ecs.CheckClass(class); err != nil {
		t.Errorf("%q: %v", msg, err)
	}
	return got, class, st
}

func TestFlowText(t *testing.T) {
	cases := []struct {
		msg, action string
		want        map[string]string
	}{
		// Early releases: rule names, then protocol, policy, zones, session id at the end.
		{"RT_FLOW_SESSION_CREATE: session created 10.1.2.3/51000->198.51.100.20/443 junos-https 192.0.2.10/40211->198.51.100.20/443 src-nat-1 None 6 allow-web trust untrust 4242",
			"connection-built", map[string]string{"event.code": "RT_FLOW_SESSION_CREATE", "source.ip": "10.1.2.3", "source.port": "51000",
				"destination.ip": "198.51.100.20", "destination.port": "443", "juniper.junos.service-name": "junos-https",
				"source.nat.ip": "192.0.2.10", "source.nat.port": "40211", "destination.nat.ip": "198.51.100.20", "destination.nat.port": "443",
				"network.transport": "6", "rule.name": "allow-web", "observer.ingress.zone": "trust", "observer.egress.zone": "untrust",
				"juniper.junos.session-id-32": "4242"}},
		// Recent releases: connection tags, rule types, then username(roles) and more.
		{"RT_FLOW_SESSION_CLOSE: session closed TCP FIN: 10.1.2.3/51000->198.51.100.20/443 0x0 junos-https 192.0.2.10/40211->198.51.100.20/443 0x0 source rule src-nat-1 N/A N/A 6 allow-web trust untrust 4242 12(2200) 10(5100) 32 UNKNOWN UNKNOWN N/A(N/A) ge-0/0/1.0 No",
			"connection-teardown", map[string]string{"event.code": "RT_FLOW_SESSION_CLOSE", "event.reason": "TCP FIN", "source.ip": "10.1.2.3",
				"source.port": "51000", "destination.ip": "198.51.100.20", "destination.port": "443", "juniper.junos.service-name": "junos-https",
				"source.nat.ip": "192.0.2.10", "source.nat.port": "40211", "destination.nat.ip": "198.51.100.20", "destination.nat.port": "443",
				"network.transport": "6", "rule.name": "allow-web", "observer.ingress.zone": "trust", "observer.egress.zone": "untrust",
				"juniper.junos.session-id-32": "4242", "source.packets": "12", "source.bytes": "2200", "destination.packets": "10",
				"destination.bytes": "5100", "event.duration": "32"}},
		{"RT_FLOW_SESSION_DENY: session denied 203.0.113.9/40000->192.0.2.10/22 0x0 junos-ssh 6(0) default-deny untrust trust UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 No policy deny",
			"connection-denied", map[string]string{"event.code": "RT_FLOW_SESSION_DENY", "source.ip": "203.0.113.9", "source.port": "40000",
				"destination.ip": "192.0.2.10", "destination.port": "22", "juniper.junos.service-name": "junos-ssh", "network.transport": "6",
				"juniper.junos.icmp-type": "0", "rule.name": "default-deny", "observer.ingress.zone": "untrust", "observer.egress.zone": "trust"}},
		{"RT_SCREEN_TCP: SYN flood! source: 203.0.113.9:40000, destination: 192.0.2.10:80, zone name: untrust, interface name: ge-0/0/0.0, action: drop.",
			"intrusion-detected", map[string]string{"event.code": "RT_SCREEN_TCP", "juniper.junos.attack-name": "SYN flood!", "source.ip": "203.0.113.9",
				"source.port": "40000", "destination.ip": "192.0.2.10", "destination.port": "80", "observer.ingress.zone": "untrust",
				"observer.ingress.interface.name": "ge-0/0/0.0", "juniper.junos.action": "drop"}},
		{"RT_SCREEN_ICMP: ICMP flood! source: 203.0.113.9, destination: 192.0.2.10, zone name: untrust, interface name: ge-0/0/0.0, action: alarm-without-drop.",
			"intrusion-detected", map[string]string{"event.code": "RT_SCREEN_ICMP", "juniper.junos.attack-name": "ICMP flood!", "source.ip": "203.0.113.9",
				"destination.ip": "192.0.2.10", "observer.ingress.zone": "untrust", "observer.ingress.interface.name": "ge-0/0/0.0",
				"juniper.junos.action": "alarm-without-drop"}},
		{"RT_IDP_ATTACK_LOG_EVENT: IDP: at 1712345678, SIGNATURE Attack log <198.51.100.66/40000->10.1.2.9/80> for TCP protocol and service SERVICE_IDP application HTTP by rule 3 of rulebase IPS in policy Recommended. attack: id=4242, repeat=0, action=DROP, threat-severity=HIGH, name=HTTP:SQL:INJ-EXAMPLE, NAT <0.0.0.0:0->0.0.0.0:0>, time-elapsed=0",
			"intrusion-detected", map[string]string{"event.code": "IDP_ATTACK_LOG_EVENT", "source.ip": "198.51.100.66", "source.port": "40000",
				"destination.ip": "10.1.2.9", "destination.port": "80", "network.transport": "TCP", "rule.name": "3", "rule.ruleset": "IPS",
				"juniper.junos.action": "DROP", "juniper.junos.threat-severity": "HIGH", "juniper.junos.attack-name": "HTTP:SQL:INJ-EXAMPLE"}},
		// The tag as the devices send it (program RT_IDP).
		{"IDP_ATTACK_LOG_EVENT: IDP: at 1712345679, ANOMALY Attack log <198.51.100.67/40001->10.1.2.9/80> for TCP protocol and service HTTP application NONE by rule 2 of rulebase IPS in policy Recommended. attack: repeat=0, action=NONE, threat-severity=INFO, name=HTTP:INVALID:MSNG-HTTP-VER, NAT <0.0.0.0:0->0.0.0.0:0>, time-elapsed=0",
			"intrusion-detected", map[string]string{"event.code": "IDP_ATTACK_LOG_EVENT", "source.ip": "198.51.100.67", "source.port": "40001",
				"destination.ip": "10.1.2.9", "destination.port": "80", "network.transport": "TCP", "rule.name": "2", "rule.ruleset": "IPS",
				"juniper.junos.action": "NONE", "juniper.junos.threat-severity": "INFO", "juniper.junos.attack-name": "HTTP:INVALID:MSNG-HTTP-VER"}},
		{"UI_LOGIN_EVENT: User 'admin' login, class 'j-super-user' [65123], ssh-connection '10.0.0.5 51234 10.0.0.1 22', client-mode 'cli'",
			"logged-in", map[string]string{"event.code": "UI_LOGIN_EVENT", "user.name": "admin", "juniper.junos.class-name": "j-super-user",
				"source.ip": "10.0.0.5", "source.port": "51234", "destination.ip": "10.0.0.1", "destination.port": "22", "juniper.junos.client-mode": "cli"}},
		{"UI_JUNOSCRIPT_CMD: User 'netops' used Junos XML protocol client to run command 'get-interface-information'", "command-executed",
			map[string]string{"event.code": "UI_JUNOSCRIPT_CMD", "user.name": "netops", "juniper.junos.command": "get-interface-information"}},
		{"UI_AUTH_EVENT: Authenticated user 'admin' assigned to class 'j-super-user'", "user-authenticated",
			map[string]string{"event.code": "UI_AUTH_EVENT", "user.name": "admin"}},
		{"UI_LOGOUT_EVENT: User 'admin' logout", "logged-out", map[string]string{"event.code": "UI_LOGOUT_EVENT", "user.name": "admin"}},
		{"UI_DBASE_LOGIN_EVENT: User 'admin' entering configuration mode", "configuration-mode-entered", map[string]string{"event.code": "UI_DBASE_LOGIN_EVENT", "user.name": "admin"}},
		{"UI_DBASE_LOGOUT_EVENT: User 'admin' exiting configuration mode", "configuration-mode-exited", map[string]string{"event.code": "UI_DBASE_LOGOUT_EVENT", "user.name": "admin"}},
		{"UI_CMDLINE_READ_LINE: User 'admin', command 'show log messages | match 'ssh''", "command-executed",
			map[string]string{"event.code": "UI_CMDLINE_READ_LINE", "user.name": "admin", "juniper.junos.command": "show log messages | match 'ssh'"}},
		{"UI_COMMIT: User 'admin' requested 'commit' operation (comment: open port 443)", "command-executed",
			map[string]string{"event.code": "UI_COMMIT", "user.name": "admin", "juniper.junos.command": "commit"}},
		{"UI_COMMIT_COMPLETED: commit complete", "configured", map[string]string{"event.code": "UI_COMMIT_COMPLETED"}},
		{"SSHD_LOGIN_FAILED: Login failed for user 'root' from host '203.0.113.9'", "logon-failed",
			map[string]string{"event.code": "SSHD_LOGIN_FAILED", "user.name": "root", "source.ip": "203.0.113.9"}},
		{`WEBFILTER_URL_BLOCKED: WebFilter: ACTION="URL Blocked" 10.1.2.50(50227)->198.51.100.155(80) CATEGORY="Enhanced_Malware" REASON="BY_PRE_DEFINED" PROFILE="wf-strict" URL=bad.example.net OBJ=/get/payload.exe USERNAME=jdoe ROLES=Staff`,
			"web-request-blocked", map[string]string{"event.code": "WEBFILTER_URL_BLOCKED", "source.ip": "10.1.2.50", "source.port": "50227",
				"destination.ip": "198.51.100.155", "destination.port": "80", "juniper.junos.category": "Enhanced_Malware", "event.reason": "BY_PRE_DEFINED",
				"juniper.junos.profile": "wf-strict", "url.domain": "bad.example.net", "url.path": "/get/payload.exe", "user.name": "jdoe", "juniper.junos.roles": "Staff"}},
		// Older releases: "username U roles R"; N/A is no value.
		{`WEBFILTER_URL_PERMITTED: WebFilter: ACTION="URL Permitted" 10.1.2.51(56660)->198.51.100.184(443) CATEGORY="Enhanced_Search_Engines_and_Portals" REASON="BY_PRE_DEFINED" PROFILE="wf-default" URL=search.example.org OBJ=/ username N/A roles N/A`,
			"web-request-allowed", map[string]string{"event.code": "WEBFILTER_URL_PERMITTED", "source.ip": "10.1.2.51", "source.port": "56660",
				"destination.ip": "198.51.100.184", "destination.port": "443", "juniper.junos.category": "Enhanced_Search_Engines_and_Portals",
				"event.reason": "BY_PRE_DEFINED", "juniper.junos.profile": "wf-default", "url.domain": "search.example.org", "url.path": "/",
				"juniper.junos.roles": "N/A"}},
	}
	for _, c := range cases {
		got, class, st := decode(t, "", "", c.msg, event.SD{})
		if st != vendor.Decoded || class.Action != c.action || !maps.Equal(got, c.want) {
			t.Errorf("%s\n%v %q\n got %v\nwant %v", c.msg, st, class.Action, got, c.want)
		}
	}
}

func TestStructured(t *testing.T) {
	want := map[string]string{"event.code": "RT_FLOW_SESSION_DENY", "source.ip": "203.0.113.9", "source.port": "40000",
		"destination.ip": "192.0.2.10", "destination.port": "22", "juniper.junos.service-name": "junos-ssh", "network.transport": "6",
		"rule.name": "default-deny", "observer.ingress.zone": "untrust", "observer.egress.zone": "trust",
		"observer.ingress.interface.name": "ge-0/0/0.0"}
	sd := event.MakeSD([]string{"junos@2636.1.1.1.2.26",
		"source-address", "203.0.113.9", "source-port", "40000",
		"destination-address", "192.0.2.10", "destination-port", "22",
		"service-name", "junos-ssh", "protocol-id", "6", "icmp-type", "",
		"policy-name", "default-deny", "source-zone-name", "untrust",
		"destination-zone-name", "trust", "username", "N/A",
		"packet-incoming-interface", "ge-0/0/0.0"})
	got, class, st := decode(t, "RT_FLOW", "RT_FLOW_SESSION_DENY", "session denied 203.0.113.9/40000->192.0.2.10/22 junos-ssh 6(0) default-deny untrust trust", sd)
	if st != vendor.Decoded || class.Action != "connection-denied" || !maps.Equal(got, want) {
		t.Errorf("%v %+v\n got %v\nwant %v", st, class, got, want)
	}
	// The same element left in the text of a BSD message.
	text := `RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.26 source-address="203.0.113.9" source-port="40000" destination-address="192.0.2.10" destination-port="22" service-name="junos-ssh" protocol-id="6" icmp-type="" policy-name="default-deny" source-zone-name="untrust" destination-zone-name="trust" username="N/A" packet-incoming-interface="ge-0/0/0.0"] session denied`
	got, class, st = decode(t, "RT_FLOW", "", text, event.SD{})
	if st != vendor.Decoded || class.Action != "connection-denied" || !maps.Equal(got, want) {
		t.Errorf("%v %+v\n got %v\nwant %v", st, class, got, want)
	}
	// IDP: the rule name is rule-name; policy-name is the IDP policy.
	for _, tag := range []string{"IDP_ATTACK_LOG_EVENT", "IDP_ATTACK_LOG_EVENT_LS", "RT_IDP_ATTACK_LOG_EVENT"} {
		got, class, _ = decode(t, "RT_IDP", tag, "", event.MakeSD([]string{"junos@2636.1.1.1.2.135",
			"rule-name", "3", "policy-name", "Recommended", "action", "DROP"}))
		if got["rule.name"] != "3" || got["juniper.junos.policy-name"] != "Recommended" || len(class.Type) != 2 ||
			got["event.code"] != "IDP_ATTACK_LOG_EVENT" {
			t.Errorf("%s: %v %+v", tag, got, class)
		}
	}
}

func TestNotMineAndMalformed(t *testing.T) {
	for _, msg := range []string{"", "session created", "RT_FLOW_SESSION_EXTRA: x", "sshd: Accepted password for bob"} {
		if got, _, st := decode(t, "", "", msg, event.SD{}); st != vendor.NotMine || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	for _, msg := range []string{
		"RT_FLOW_SESSION_CREATE: session created 10.1.2.3:51000->198.51.100.20:443 junos-https",
		"RT_FLOW_SESSION_CLOSE: session closed 10.1.2.3/51000->198.51.100.20/443",
		"RT_SCREEN_TCP: SYN flood! source: 203.0.113.9, destination: 192.0.2.10:80, zone name: untrust",
		"UI_LOGIN_EVENT: login by someone",
		`RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.26 source-address="203.0.113.9`,
	} {
		if got, _, st := decode(t, "", "", msg, event.SD{}); st != vendor.Malformed || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	if !Sniff("mgd", "", "UI_COMMIT_COMPLETED: commit complete") || !Sniff("RT_FLOW", "RT_FLOW_SESSION_CREATE_LS", "") || Sniff("x", "", "hello") {
		t.Error("Sniff")
	}
}

func TestTagEnd(t *testing.T) {
	for tag := range tags { // tagEnd lets every known tag through
		if got := tagEnd(tag + "_LS: x"); got != len(tag)+3 {
			t.Errorf("tagEnd(%q) = %d", tag+"_LS: x", got)
		}
	}
	for _, s := range []string{"", "RT_FLOW_SESSION_CREATE: x", "UI_COMMIT [x]", "UI_COMMIT_LS:", "RT_9 x", "a b", "[", "noend", "NOEND", "x\x00:", "\xff:", "ab:cd ef", "AB:cd ef", "AB-C: x"} {
		want := strings.IndexAny(s, ": [")
		if want > 0 && strings.Trim(s[:want], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
			want = -1 // not a tag's bytes before the stop
		}
		if got := tagEnd(s); got != want {
			t.Errorf("tagEnd(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestInnerHeader(t *testing.T) {
	msg := `2026-03-02T09:28:00.120Z srx-2 RT_IDS - RT_SCREEN_TCP [junos@2636.1.1.1.2.129 attack-name="SYN flood!" source-address="198.51.100.9" source-port="4000" destination-address="10.2.3.4" destination-port="80" action="drop"]`
	got, class, st := decode(t, "junos-ids", "", msg, event.SD{})
	if st != vendor.Decoded || class.Action != "intrusion-detected" || got["source.ip"] != "198.51.100.9" || got["destination.port"] != "80" {
		t.Errorf("%v %+v %v", st, class, got)
	}
	// The relay's BSD header named itself; the inner header names the device.
	if got["host.name"] != "srx-2" {
		t.Errorf("host.name = %q, want the inner header's srx-2", got["host.name"])
	}
	if got, _, _ := decode(t, "junos-ids", "", strings.Replace(msg, "srx-2", "-", 1), event.SD{}); got["host.name"] != "" {
		t.Errorf("inner HOSTNAME \"-\" gave host.name %q", got["host.name"])
	}
	// A wrapped message whose body is not the documented one is Malformed
	// and, as every Malformed message, emits nothing: no host.name either.
	bad := "2026-03-02T09:28:00.120Z srx-2 RT_FLOW - RT_FLOW_SESSION_CLOSE: not a session"
	if got, _, st := decode(t, "junos-flow", "", bad, event.SD{}); st != vendor.Malformed || len(got) != 0 {
		t.Errorf("%q: %v, emitted %v", bad, st, got)
	}
	for _, msg := range []string{
		"2026-03-02T09:28:00.120Z srx-2 RT_IDS - something else",         // no known tag after the header
		"2026-03-02 09:28:00 srx-2 RT_IDS - RT_SCREEN_TCP [junos@2636 ]", // not an RFC 5424 timestamp
		"2026-03-02T09:28:00.120Z RT_SCREEN_TCP [junos@2636 ]",           // too few words
	} {
		if got, _, st := decode(t, "x", "", msg, event.SD{}); st != vendor.NotMine || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
}

// A firewall filter's syslog action, as the PFE sends it (behind its
// FPC's name, both spellings) and as the Routing Engine's kernel does;
// ports only for TCP, UDP and SCTP; another kernel "FW: " line (a
// netfilter log prefix) is not Junos's.
func TestFirewallFilterLog(t *testing.T) {
	cases := []struct {
		program, msg, action string
		want                 map[string]string
	}{
		{"", "(FPC Slot 0, PIC Slot 0) PFE_FW_SYSLOG_IP: FW: ge-0/0/2.0 D tcp 198.51.100.7 192.0.2.1 40112 22 (3 packets)", "connection-denied",
			map[string]string{"event.code": "PFE_FW_SYSLOG_IP", "source.ip": "198.51.100.7", "destination.ip": "192.0.2.1", "source.port": "40112",
				"destination.port": "22", "network.transport": "tcp", "juniper.junos.interface-name-filter": "ge-0/0/2.0", "juniper.junos.packets": "3"}},
		{"", "node0.fpc2 PFE_FW_SYSLOG_IP: FW: xe-2/0/0.100 R udp 203.0.113.50 192.0.2.53 5353 53 (1 packets)", "connection-denied",
			map[string]string{"source.ip": "203.0.113.50", "destination.ip": "192.0.2.53", "source.port": "5353", "destination.port": "53"}},
		{"", "fpc1 PFE_FW_SYSLOG_IP: FW: ae0.0 A ospf 10.0.0.1 224.0.0.5 0 0 (1 packets)", "connection-allowed",
			map[string]string{"source.ip": "10.0.0.1", "destination.ip": "224.0.0.5", "network.transport": "ospf"}},
		{"kernel", "FW: fxp0.0 A icmp 192.0.2.99 192.0.2.1 8 0", "connection-allowed",
			map[string]string{"source.ip": "192.0.2.99", "destination.ip": "192.0.2.1", "network.transport": "icmp"}},
	}
	for _, c := range cases {
		got, class, st := decode(t, c.program, "", c.msg, event.SD{})
		if st != vendor.Decoded || class.Action != c.action {
			t.Errorf("%q: %v %q, want %q", c.msg, st, class.Action, c.action)
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%q: %s = %q, want %q", c.msg, k, got[k], v)
			}
		}
		if c.program == "kernel" && got["event.code"] != "" {
			t.Errorf("%q: event.code %q, which the Routing Engine's form does not write", c.msg, got["event.code"])
		}
		if c.want["destination.port"] == "" && (got["source.port"] != "" || got["destination.port"] != "") {
			t.Errorf("%q: ports of a portless protocol: %v", c.msg, got)
		}
	}
	for _, c := range []struct{ program, msg string }{
		{"kernel", "FW: IN=eth0 OUT= MAC= SRC=198.51.100.4 DST=192.0.2.1 LEN=60 PROTO=TCP SPT=51000 DPT=22"},
		{"kernel", "FW: fxp0.0 X tcp 192.0.2.99 192.0.2.1 1 2"},
		{"sshd", "FW: fxp0.0 A tcp 192.0.2.99 192.0.2.1 1 2"},
		{"", "fpcX PFE_FW_SYSLOG_IP: FW: ge-0/0/2.0 D tcp 198.51.100.7 192.0.2.1 40112 22 (3 packets)"},
	} {
		if Sniff(c.program, "", c.msg) {
			t.Errorf("%s %q: sniffed as Junos", c.program, c.msg)
		}
		if got, _, st := decode(t, c.program, "", c.msg, event.SD{}); st != vendor.NotMine || len(got) > 0 {
			t.Errorf("%s %q: %v %v", c.program, c.msg, st, got)
		}
	}
	// The tag with a body not in the documented shape is Malformed.
	if _, _, st := decode(t, "", "", "PFE_FW_SYSLOG_IP: FW: ge-0/0/2.0 D tcp not-an-address 192.0.2.1 1 2", event.SD{}); st != vendor.Malformed {
		t.Errorf("bad body: %v", st)
	}
}

// TestCommandLineIsNoChange: UI_CMDLINE_READ_LINE logs every command the
// CLI read, "show ..." included: configuration/info, not the change a
// commit (UI_COMMIT) is.
func TestCommandLineIsNoChange(t *testing.T) {
	for msg, want := range map[string]string{
		"UI_CMDLINE_READ_LINE: User 'ops', command 'show interfaces terse '": "info",
		"UI_COMMIT: User 'ops' requested 'commit' operation":                 "change",
	} {
		_, class, st := decode(t, "", "", msg, event.SD{})
		if st != vendor.Decoded || class.Action != "command-executed" || !slices.Equal(class.Type, []string{want}) ||
			!slices.Equal(class.Category, []string{"configuration"}) {
			t.Errorf("%s: %v %+v, want configuration/%s", msg, st, class, want)
		}
	}
}

// An ICMP session's source-port/destination-port (the ICMP identifier,
// type<<8|code) are no ports: they stay Junos's; a TCP session's are ports.
func TestICMPSessionPorts(t *testing.T) {
	const sd = `[junos@2636.1.1.1.2.129 source-address="10.1.2.30" source-port="4711" destination-address="198.51.100.53" destination-port="2048" service-name="icmp" nat-source-address="203.0.113.9" nat-source-port="26312" protocol-id="%s" policy-name="p"]`
	for _, c := range []struct {
		proto   string
		isPorts bool
	}{{"1", false}, {"58", false}, {"6", true}} {
		got := map[string]string{}
		Decode("RT_FLOW", "", "RT_FLOW_SESSION_CREATE "+fmt.Sprintf(sd, c.proto), event.SD{}, func(k, v string, kind vendor.Kind) {
			if kind == vendor.Extra {
				k = Namespace + k
			}
			got[k] = v
		})
		_, has := got["source.port"]
		_, hasNAT := got["source.nat.port"]
		if has != c.isPorts || hasNAT != c.isPorts || (!c.isPorts && got[Namespace+"destination-port"] != "2048") {
			t.Errorf("protocol-id %s: %v", c.proto, got)
		}
	}
}
