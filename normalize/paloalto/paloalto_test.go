package paloalto

import (
	"maps"
	"strings"
	"testing"

	ecsfields "github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

// line builds a CSV line of n columns from the common head and the given
// positions (written for these tests in the documented column order).
func line(typ, subtype string, n int, at map[int]string) string {
	cols := make([]string, n)
	cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6] = "1", "2024/04/05 19:34:38", "013201000001", typ, subtype, "2561", "2024/04/05 19:34:37"
	for i, v := range at {
		if i < n {
			cols[i] = v
		}
	}
	return strings.Join(cols, ",")
}

func decode(t *testing.T, msg string) (map[string]string, vendor.Class, vendor.Status) {
	t.Helper()
	got := map[string]string{}
	class, st := Decode("", msg, func(k, v string, kind vendor.Kind) {
		if kind == vendor.Extra {
			k = Namespace + k
		}
		got[k] = v
	})
	if err := ecsfields.CheckClass(class); err != nil {
		t.Errorf("%q: %v", msg, err)
	}
	return got, class, st
}

var commonWant = map[string]string{"paloalto.panos.receive_time": "2024/04/05 19:34:38", "observer.serial_number": "013201000001",
	"paloalto.panos.time_generated": "2024/04/05 19:34:37"}

func want(typ, subtype string, m map[string]string) map[string]string {
	w := maps.Clone(commonWant)
	w["paloalto.panos.type"], w["paloalto.panos.subtype"] = typ, subtype
	maps.Copy(w, m)
	return w
}

var trafficCols = map[int]string{7: "10.1.2.3", 8: "198.51.100.20", 9: "192.0.2.10", 10: "0.0.0.0", 11: "allow-web", 12: `corp\alice`,
	14: "ssl", 15: "vsys1", 16: "trust", 17: "untrust", 18: "ethernet1/2", 19: "ethernet1/1", 20: "to-siem", 22: "71234",
	23: "1", 24: "51000", 25: "443", 26: "40211", 27: "0", 28: "0x400053", 29: "tcp", 30: "allow", 31: "7300", 32: "2200",
	33: "5100", 34: "22", 35: "2024/04/05 19:34:05", 36: "32", 37: "computer-and-internet-info", 39: "7253419119627122716",
	40: "0x8000000000000000", 41: "10.0.0.0-10.255.255.255", 42: "United States", 44: "12", 45: "10", 46: "tcp-fin"}

func TestTraffic(t *testing.T) {
	got, class, st := decode(t, line("TRAFFIC", "end", 60, trafficCols))
	w := want("TRAFFIC", "end", map[string]string{"source.ip": "10.1.2.3", "destination.ip": "198.51.100.20", "source.nat.ip": "192.0.2.10",
		"rule.name": "allow-web", "source.user.name": `corp\alice`, "network.application": "ssl", "paloalto.panos.vsys": "vsys1",
		"observer.ingress.zone": "trust", "observer.egress.zone": "untrust", "observer.ingress.interface.name": "ethernet1/2",
		"observer.egress.interface.name": "ethernet1/1", "paloalto.panos.logset": "to-siem", "paloalto.panos.sessionid": "71234",
		"paloalto.panos.repeatcnt": "1", "source.port": "51000", "destination.port": "443", "source.nat.port": "40211",
		"paloalto.panos.flags": "0x400053", "network.transport": "tcp", "paloalto.panos.action": "allow", "network.bytes": "7300",
		"source.bytes": "2200", "destination.bytes": "5100", "network.packets": "22", "paloalto.panos.start": "2024/04/05 19:34:05",
		"event.duration": "32", "paloalto.panos.category": "computer-and-internet-info", "paloalto.panos.seqno": "7253419119627122716",
		"paloalto.panos.actionflags": "0x8000000000000000", "paloalto.panos.srcloc": "10.0.0.0-10.255.255.255",
		"paloalto.panos.dstloc": "United States", "source.packets": "12", "destination.packets": "10", "event.reason": "tcp-fin"})
	if st != vendor.Decoded || !maps.Equal(got, w) {
		t.Errorf("%v\n got %v\nwant %v", st, got, w)
	}
	if class.Action != "connection-teardown" {
		t.Errorf("class %+v", class)
	}
}

func TestClasses(t *testing.T) {
	cases := []struct {
		msg, action, outcome string
	}{
		{line("TRAFFIC", "start", 47, map[int]string{7: "10.1.2.3", 30: "allow"}), "connection-built", "success"},
		{line("TRAFFIC", "drop", 47, map[int]string{7: "203.0.113.9", 30: "deny"}), "connection-denied", "failure"},
		{line("TRAFFIC", "end", 47, map[int]string{7: "10.1.2.3", 30: "reset-both"}), "connection-denied", "failure"},
		{line("THREAT", "url", 70, map[int]string{7: "10.1.2.3", 30: "block-url", 31: `"bad.example.test/x,y"`, 33: "malware"}), "web-request-blocked", "failure"},
		{line("THREAT", "url", 70, map[int]string{30: "alert", 31: "news.example.test/"}), "web-request-allowed", "success"},
		{line("THREAT", "virus", 70, map[int]string{30: "reset-both", 32: "Eicar Test File(39040)", 34: "medium"}), "malware-detected", ""},
		{line("THREAT", "vulnerability", 70, map[int]string{30: "alert", 32: "Example SQL Injection(91234)", 34: "high", 35: "client-to-server"}), "intrusion-detected", ""},
		{line("THREAT", "file", 70, map[int]string{30: "block"}), "file-detected", ""},
		{line("THREAT", "file", 70, map[int]string{30: "alert", 31: "report.pdf"}), "file-detected", ""},
		{line("THREAT", "wildfire", 70, map[int]string{30: "allow", 32: "Windows Executable (EXE)(52020)", 33: "malicious"}), "malware-detected", ""},
		{line("THREAT", "wildfire", 70, map[int]string{30: "allow", 32: "Windows Executable (EXE)(52020)", 33: "benign"}), "", ""},
		{line("SYSTEM", "auth", 25, map[int]string{8: "auth-fail", 12: "general", 13: "medium", 14: "failed authentication for user 'admin'.   Reason: Invalid username/password. From: 198.51.100.4."}), "logon-failed", "failure"},
		{line("SYSTEM", "auth", 25, map[int]string{8: "auth-success", 14: "authenticated for user 'admin'.   From: 10.0.0.5."}), "logged-in", "success"},
		{line("SYSTEM", "globalprotect", 25, map[int]string{8: "portal-prelogin", 12: "globalprotect", 13: "informational", 14: "GlobalProtect portal pre-login. Client IP: 198.51.100.71."}), "vpn-prelogin", ""},
		{line("SYSTEM", "general", 25, map[int]string{8: "general", 14: `"User admin logged in via Web from 10.0.0.5 using https, over TLS"`}), "", ""},
		{line("CONFIG", "0", 22, map[int]string{7: "10.0.0.5", 9: "edit", 10: "admin", 11: "Web", 12: "Submitted", 13: " vsys  vsys1 rulebase security rules  allow-web"}), "configured", "success"},
		{line("CONFIG", "0", 22, map[int]string{7: "10.0.0.5", 9: "delete", 10: "admin", 12: "Submitted"}), "configured", "success"},
		{line("CONFIG", "0", 22, map[int]string{7: "10.0.0.5", 9: "set", 10: "admin", 12: "Failed"}), "configured", "failure"},
		{line("CONFIG", "0", 22, map[int]string{7: "10.0.0.5", 9: "commit", 10: "admin", 11: "Web", 12: "Submitted"}), "command-executed", "success"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-auth", 12: "bob", 15: "198.51.100.30", 28: "failure", 26: "Authentication failed: Invalid username or password"}), "logon-failed", "failure"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-connected", 12: "bob", 15: "198.51.100.30", 28: "success"}), "tunnel-established", "success"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "portal-logout", 12: "bob", 28: "success"}), "logged-out", "success"},
		{line("AUTHENTICATION", "0", 30, map[int]string{8: "10.1.2.3", 9: "carol", 20: "auth-success", 21: "1"}), "logged-in", "success"},
		{line("USERID", "login", 20, map[int]string{8: "10.1.2.3", 9: `corp\carol`, 11: "login"}), "user-mapped", "success"},
		{line("USERID", "logout", 20, map[int]string{8: "10.1.2.3", 9: `corp\carol`, 11: "logout"}), "user-unmapped", "success"},
		{line("HIPMATCH", "0", 20, map[int]string{7: `corp\carol`, 11: "10.1.2.3", 12: "compliant"}), "hip-matched", ""},
		{line("DECRYPTION", "0", 70, map[int]string{7: "10.1.2.3", 30: "allow", 39: "TLS1.3"}), "tls-handshake", "success"},
		{line("DECRYPTION", "0", 70, map[int]string{7: "10.1.2.3", 30: "allow", 64: "Received fatal alert UnknownCA from client"}), "tls-handshake", "failure"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-connected", 12: "bob", 28: "failure", 26: "Assigned IP pool exhausted"}), "tunnel-established", "failure"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-getconfig", 12: "bob", 28: "success"}), "vpn-config-requested", "success"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "portal-prelogin", 15: "198.51.100.30", 28: "failure", 26: "Client certificate not found"}), "vpn-prelogin", "failure"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-config-release", 12: "bob", 28: "success"}), "vpn-config-released", "success"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-hip-check", 12: "bob", 28: "success"}), "hip-checked", "success"},
		{line("GLOBALPROTECT", "globalprotect", 40, map[int]string{8: "gateway-tunnel-latency", 12: "bob"}), "vpn-tunnel-latency", ""},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-setup-ipsec", 12: "bob", 28: "failure"}), "vpn-tunnel-setup", "failure"},
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-agent-msg", 12: "bob", 28: "success"}), "", ""}, // a message from the app: no meaning of its own
		{line("GLOBALPROTECT", "0", 40, map[int]string{8: "portal-auth", 12: "bob"}), "", ""},                      // an authentication without its result
		{line("START", "start", 62, map[int]string{7: "10.1.2.3", 29: "47", 30: "allow", 46: "GRE"}), "connection-built", "success"},
		{line("END", "end", 62, map[int]string{7: "10.1.2.3", 29: "47", 30: "allow", 47: "4821"}), "connection-teardown", "success"},
		{line("IPTAG", "0", 20, map[int]string{8: "10.1.2.50", 10: "Register"}), "", ""},
		{line("GTP", "gtp", 47, map[int]string{7: "10.20.0.5", 29: "udp", 30: "allow"}), "", ""},
		{line("SCTP", "0", 63, map[int]string{7: "10.40.0.7", 30: "sctp", 31: "allow"}), "", ""},
		{line("CORRELATION", "0", 20, nil), "", ""}, // a type not described: the common columns only
	}
	for _, c := range cases {
		got, class, st := decode(t, c.msg)
		if st != vendor.Decoded || class.Action != c.action || class.Outcome != c.outcome {
			t.Errorf("%s: %v %+v, want %s/%s", c.msg, st, class, c.action, c.outcome)
		}
		if got["observer.serial_number"] == "" {
			t.Errorf("%s: no serial", c.msg)
		}
	}
}

func TestQuotedAndPositions(t *testing.T) {
	got, _, _ := decode(t, line("THREAT", "url", 70, map[int]string{31: `"example.test/a,b?c=""d"""`, 12: `"corp,inc\bob"`}))
	if got["paloalto.panos.misc"] != `example.test/a,b?c="d"` || got["source.user.name"] != `corp,inc\bob` {
		t.Errorf("%v", got)
	}
	got, _, _ = decode(t, line("USERID", "login", 20, map[int]string{8: "10.1.2.3", 9: "dave", 11: "login"}))
	if got["source.ip"] != "10.1.2.3" || got["user.name"] != "dave" || got["event.code"] != "login" {
		t.Errorf("%v", got)
	}
}

// TestThreatObject: the URL/Filename column names the URL of a url log
// and the file of a file, virus or WildFire log; of other subtypes it
// stays under misc.
func TestThreatObject(t *testing.T) {
	for _, c := range []struct {
		sub, misc, key, want string
	}{
		{"url", `"shop.example.test/cart?id=7"`, "url.original", "shop.example.test/cart?id=7"},
		{"virus", "invoice.pdf.exe", "file.name", "invoice.pdf.exe"},
		{"wildfire", `"quarterly report.xlsm"`, "file.name", "quarterly report.xlsm"},
		{"file", "setup.msi", "file.name", "setup.msi"},
		{"vulnerability", "index.php", "", ""},
		{"url", "", "", ""},
	} {
		got, _, _ := decode(t, line("THREAT", c.sub, 70, map[int]string{31: c.misc}))
		for _, k := range []string{"url.original", "file.name"} {
			if want := map[bool]string{true: c.want}[k == c.key]; got[k] != want {
				t.Errorf("%s %q: %s = %q, want %q", c.sub, c.misc, k, got[k], want)
			}
		}
	}
}

// IP-Tag, GTP, SCTP and Tunnel Inspection logs: their documented columns,
// the protocol of GTP (29) and SCTP (30) where each format has it.
func TestMobilityAndTunnelColumns(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want map[string]string
	}{
		{line("IPTAG", "0", 26, map[int]string{8: "10.1.2.50", 9: "quarantine", 10: "Register"}),
			map[string]string{"source.ip": "10.1.2.50", "event.code": "Register", Namespace + "tag_name": "quarantine"}},
		{line("GTP", "gtp", 47, map[int]string{7: "10.20.0.5", 8: "10.30.0.9", 24: "2123", 25: "2123", 29: "udp", 30: "allow", 33: "internet.example"}),
			map[string]string{"source.ip": "10.20.0.5", "destination.port": "2123", "network.transport": "udp", Namespace + "action": "allow", Namespace + "apn": "internet.example"}},
		{line("SCTP", "0", 64, map[int]string{7: "10.40.0.7", 30: "sctp", 31: "allow", 60: "46", 61: "25", 62: "21"}),
			map[string]string{"source.ip": "10.40.0.7", "network.transport": "sctp", Namespace + "action": "allow", "network.packets": "46", "source.packets": "25", "destination.packets": "21"}},
		{line("END", "end", 62, map[int]string{7: "10.1.2.3", 29: "47", 30: "allow", 46: "GRE", 47: "4821", 48: "2010", 49: "2811", 59: "aged-out"}),
			map[string]string{"source.ip": "10.1.2.3", "network.transport": "47", Namespace + "tunnel": "GRE", "network.bytes": "4821", "source.bytes": "2010", "destination.bytes": "2811", "event.reason": "aged-out"}},
	} {
		got, _, st := decode(t, c.msg)
		if st != vendor.Decoded {
			t.Fatalf("%s: %v", c.msg, st)
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", c.msg, k, got[k], v)
			}
		}
	}
}

// Strata Logging Service forwards with RFC 3339 times and a longer first
// column; the columns are the same.
func TestRFC3339Times(t *testing.T) {
	msg := "931201168,2026-03-02T10:10:10.000000Z,no-serial,GLOBALPROTECT,globalprotect,9.1,2026-03-02T10:10:05.000000Z," +
		"vsys1,gateway-auth,login,,,kwada,,LT-0099,198.51.100.30,,10.9.0.7,,8cbc136b-e262-4cf8-912c-95ea132d9fef,SN1,6.1.0,,,1,,,,failure,,0,,0,GP-EXT,1305925,true"
	got, class, st := decode(t, msg)
	if st != vendor.Decoded || class.Action != "logon-failed" || got["user.name"] != "kwada" || got["source.ip"] != "198.51.100.30" ||
		got["paloalto.panos.receive_time"] != "2026-03-02T10:10:10.000000Z" {
		t.Errorf("%v %+v %v", st, class, got)
	}
}

// A GlobalProtect client that came over IPv6 has a Public IPv6 and no
// Public IP: source.ip is the IPv6 one; a Public IP of 0.0.0.0 is none.
func TestGlobalProtectPublicAddress(t *testing.T) {
	for _, c := range []struct{ public, public6, want string }{
		{"198.51.100.30", "2001:db8::30", "198.51.100.30"},
		{"", "2001:db8::30", "2001:db8::30"},
		{"0.0.0.0", "2001:db8::30", "2001:db8::30"},
		{"0.0.0.0", "", ""},
	} {
		msg := line("GLOBALPROTECT", "0", 40, map[int]string{8: "gateway-tunnel-latency", 12: "bob", 15: c.public, 16: c.public6, 28: "success"})
		got, _, st := decode(t, msg)
		if st != vendor.Decoded || got["source.ip"] != c.want {
			t.Errorf("public %q, %q: %v source.ip %q, want %q", c.public, c.public6, st, got["source.ip"], c.want)
		}
	}
}

func TestNotMineAndMalformed(t *testing.T) {
	for _, msg := range []string{"", "hello, world", "1,yesterday,0132,TRAFFIC,end", "date=2024-04-05 time=19:34:38 logid=1",
		"1,2024/04/05 19:34:38,013201000001,traffic,end,1,2024/04/05 19:34:37",
		"931201168,2021-10-22 16:10:10,no-serial,GLOBALPROTECT,globalprotect", // neither time form
		"931201168,2021-10-22T16:10:10.000000Q,no-serial,GLOBALPROTECT,x",     // not RFC 3339
		"1234567890123,2021-10-22T16:10:10Z,no-serial,GLOBALPROTECT,x"} {      // first column too long

		if got, _, st := decode(t, msg); st != vendor.NotMine || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	for _, msg := range []string{
		line("TRAFFIC", "end", 45, trafficCols),                        // one column short of the oldest format
		line("SYSTEM", "auth", 10, nil),                                // far too short
		line("THREAT", "url", 70, map[int]string{31: `"unterminated`}), // unterminated quote
		line("CONFIG", "0", 22, map[int]string{9: `"a"b`}),             // text after a closing quote
	} {
		if got, _, st := decode(t, msg); st != vendor.Malformed || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
}

// A URL log's URL, written without a scheme, gives url.domain and
// url.path; a scheme, port or query is left out of them.
func TestThreatURLParts(t *testing.T) {
	for misc, want := range map[string][2]string{
		`"shop.example.test/cart?id=7"`:         {"shop.example.test", "/cart"},
		"consent.example.org/":                  {"consent.example.org", "/"},
		"https://portal.example.net:8443/a/b#x": {"portal.example.net", "/a/b"},
		"bare.example.com":                      {"bare.example.com", ""},
	} {
		got, _, _ := decode(t, line("THREAT", "url", 70, map[int]string{31: misc}))
		if got["url.domain"] != want[0] || got["url.path"] != want[1] {
			t.Errorf("%s: url.domain %q url.path %q, want %q", misc, got["url.domain"], got["url.path"], want)
		}
	}
}

// The Rule UUID column: 65 in a Traffic log, 76 in a Threat log (PAN-OS
// 9.1 and later append it).
func TestRuleUUID(t *testing.T) {
	const id = "5f2c3a1e-7b44-4d0e-9a61-2b7c0e4d9f10"
	for typ, at := range map[string]int{"TRAFFIC": 65, "THREAT": 76} {
		got, _, _ := decode(t, line(typ, "end", at+2, map[int]string{7: "10.1.2.3", 30: "allow", at: id}))
		if got["rule.uuid"] != id {
			t.Errorf("%s: rule.uuid %q, want %q", typ, got["rule.uuid"], id)
		}
	}
}

// A Decryption log's TLS version and certificate serial, emitted as
// written with the kinds that set them in ECS's form (tls.version_protocol
// lower-case, the serial upper-case: golden userid_hip_decryption); a
// version column of another shape sets nothing.
func TestDecryptionTLS(t *testing.T) {
	for _, c := range []struct{ version, serial, proto, num, sn string }{
		{"TLS1.3", "0a1b2c", "TLS", "1.3", "0a1b2c"},
		{"SSL3.0", "", "SSL", "3.0", ""},
		{"unknown", "not-hex", "", "", ""},
	} {
		msg := line("DECRYPTION", "0", 70, map[int]string{39: c.version, 49: c.serial})
		got, _, st := decode(t, msg)
		if st != vendor.Decoded || got["tls.version_protocol"] != c.proto || got["tls.version"] != c.num ||
			got["tls.server.x509.serial_number"] != c.sn {
			t.Errorf("%q %q: %v %v", c.version, c.serial, st, got)
		}
	}
}

// An ICMP session's ports (0: ICMP has none) are no source or
// destination port; a TCP session's are.
func TestICMPNoPorts(t *testing.T) {
	at := map[int]string{7: "192.0.2.10", 8: "198.51.100.7", 24: "0", 25: "0", 29: "icmp", 30: "allow"}
	got, _, _ := decode(t, line("TRAFFIC", "end", 46, at))
	for _, k := range []string{"source.port", "destination.port"} {
		if v, ok := got[k]; ok {
			t.Errorf("icmp: %s = %q, want none", k, v)
		}
	}
	if got["network.transport"] != "icmp" || got["source.ip"] != "192.0.2.10" {
		t.Errorf("icmp: %v", got)
	}
	at[24], at[25], at[29] = "51000", "443", "tcp"
	got, _, _ = decode(t, line("TRAFFIC", "end", 46, at))
	if got["source.port"] != "51000" || got["destination.port"] != "443" {
		t.Errorf("tcp: ports %q %q, want 51000 443", got["source.port"], got["destination.port"])
	}
}

// PAN-OS 10's High Resolution Timestamp has its zone: @timestamp, unless
// it is the epoch a firewall prints for a time it does not have.
func TestHighResolutionTimestamp(t *testing.T) {
	for _, c := range []struct {
		typ  string
		at   int
		n    int
		v    string
		want string
	}{
		{"SYSTEM", 25, 26, "2026-03-02T10:10:05.123-07:00", "2026-03-02T10:10:05.123-07:00"},
		{"USERID", 33, 34, "2026-03-02T10:10:06.456+01:00", "2026-03-02T10:10:06.456+01:00"},
		{"SYSTEM", 25, 26, "1970-01-01T01:00:00.000+01:00", ""},
		{"USERID", 33, 34, "1969-12-31T16:00:00.000-08:00", ""}, // the epoch west of UTC
	} {
		got, _, _ := decode(t, line(c.typ, "general", c.n, map[int]string{8: "general", c.at: c.v}))
		if got["@timestamp"] != c.want {
			t.Errorf("%s %s: @timestamp %q, want %q", c.typ, c.v, got["@timestamp"], c.want)
		}
		if c.want == "" && got["paloalto.panos.high_res_timestamp"] != c.v {
			t.Errorf("%s %s: kept as %q", c.typ, c.v, got["paloalto.panos.high_res_timestamp"])
		}
	}
}
