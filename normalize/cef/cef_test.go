package cef

import (
	"maps"
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// collect runs a decoder and returns its fields (Extra keys with ns), the
// class and the status.
func collect(t *testing.T, ns string, dec func(string, string, vendor.Emit) (vendor.Class, vendor.Status), program, msg string) (map[string]string, vendor.Class, vendor.Status) {
	t.Helper()
	got := map[string]string{}
	class, st := dec(program, msg, func(k, v string, kind vendor.Kind) {
		if kind == vendor.Extra {
			k = ns + k
		}
		if _, dup := got[k]; dup {
			t.Errorf("%s emitted twice", k)
		}
		got[k] = v
	})
	return got, class, st
}

func TestCEF(t *testing.T) {
	cases := []struct {
		name, program, msg string
		want               map[string]string
		action             string
	}{
		{"firewall deny", "", `CEF:0|Acme|Edge FW|4.2|100|Traffic denied|5|src=198.51.100.7 spt=40112 dst=10.1.2.3 dpt=3389 proto=TCP act=Deny deviceInboundInterface=outside rt=1712345678123 cs1Label=Policy cs1=Block RDP`,
			map[string]string{"cef.version": "0", "observer.vendor": "Acme", "observer.product": "Edge FW", "observer.version": "4.2",
				"event.code": "100", "cef.name": "Traffic denied", "event.severity": "5", "source.ip": "198.51.100.7", "source.port": "40112",
				"destination.ip": "10.1.2.3", "destination.port": "3389", "network.transport": "TCP", "cef.extensions.act": "Deny",
				"observer.ingress.interface.name": "outside", "@timestamp": "1712345678123", "cef.extensions.cs1Label": "Policy",
				"cef.extensions.cs1": "Block RDP"}, "connection-denied"},
		// Escapes in the header ("\|", "\\") and in values ("\=", "\\", "\n"); values with spaces; full key names.
		{"escapes", "", `<134>Apr  5 19:34:38 relay1 CEF:1|Ven\|dor|Pro\\duct|1.0|sig 7|Login with a\|pipe|High|suser=CORP\\alice msg=a=b\=c\nnext line sourceAddress=2001:db8::5 request=https://example.test/a?x\=1 outcome=/Success`,
			map[string]string{"cef.version": "1", "observer.vendor": "Ven|dor", "observer.product": `Pro\duct`, "observer.version": "1.0",
				"event.code": "sig 7", "cef.name": "Login with a|pipe", "cef.severity": "High", "source.user.name": `CORP\alice`,
				"cef.extensions.msg": "a=b=c\nnext line", "source.ip": "2001:db8::5", "url.original": "https://example.test/a?x=1",
				"cef.extensions.outcome": "/Success"}, ""},
		// The syslog parser took "CEF" for the program; a value that is not an IP stays a vendor field.
		{"program CEF", "CEF", `0|Acme|Proxy|2|web|Request allowed|3|src=host-a dst=203.0.113.9 dpt=443 act=allowed requestMethod=GET in=512 out=2048 end=Apr 05 2024 19:34:38`,
			map[string]string{"cef.version": "0", "observer.vendor": "Acme", "observer.product": "Proxy", "observer.version": "2",
				"event.code": "web", "cef.name": "Request allowed", "event.severity": "3", "cef.extensions.src": "host-a",
				"destination.ip": "203.0.113.9", "destination.port": "443", "cef.extensions.act": "allowed", "http.request.method": "GET",
				"source.bytes": "512", "destination.bytes": "2048", "event.end": "Apr 05 2024 19:34:38"}, "connection-allowed"},
		// Check Point's own keys through its key map; empty extension values are kept out.
		{"check point", "", `CEF:0|Check Point|VPN-1 & FireWall-1|Check Point|Log|https|Unknown|act=Drop src=10.0.0.8 dst=192.0.2.50 dpt=443 proto=6 ifname=eth1 inzone=Internal outzone=External rule_name=Block bad sites layer_name=Network duser=`,
			map[string]string{"cef.version": "0", "observer.vendor": "Check Point", "observer.product": "VPN-1 & FireWall-1",
				"event.code": "Log", "cef.name": "https", "cef.severity": "Unknown",
				"cef.extensions.act": "Drop", "source.ip": "10.0.0.8", "destination.ip": "192.0.2.50", "destination.port": "443",
				"network.transport": "6", "cef.extensions.ifname": "eth1", "observer.ingress.zone": "Internal",
				"observer.egress.zone": "External", "rule.name": "Block bad sites", "rule.ruleset": "Network"}, "connection-denied"},
		// FortiGate's own keys, prefixed FTNTFGT, through the fortinet package's map.
		{"fortinet", "", `CEF:0|Fortinet|Fortigate|v7.2.8|00013|traffic:forward deny|3|deviceExternalId=FG100FTK19000001 FTNTFGTlogid=0000000013 src=10.1.2.3 dst=198.51.100.20 act=deny FTNTFGTpolicyid=7 FTNTFGTsubtype=forward`,
			map[string]string{"cef.version": "0", "observer.vendor": "Fortinet", "observer.product": "Fortigate", "observer.version": "v7.2.8",
				"event.code": "00013", "cef.name": "traffic:forward deny", "event.severity": "3", "cef.extensions.deviceExternalId": "FG100FTK19000001",
				"cef.extensions.FTNTFGTlogid": "0000000013", "source.ip": "10.1.2.3", "destination.ip": "198.51.100.20", "cef.extensions.act": "deny", "rule.id": "7",
				"cef.extensions.FTNTFGTsubtype": "forward"}, "connection-denied"},
		{"empty extension", "", `CEF:0|Acme|IDS|1|42|Port scan|9|`, map[string]string{"cef.version": "0", "observer.vendor": "Acme",
			"observer.product": "IDS", "observer.version": "1", "event.code": "42", "cef.name": "Port scan", "event.severity": "9"}, ""},
	}
	for _, c := range cases {
		got, class, st := collect(t, Namespace, Decode, c.program, c.msg)
		if st != vendor.Decoded {
			t.Errorf("%s: status %v", c.name, st)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, c.want)
		}
		if class.Action != c.action {
			t.Errorf("%s: action %q, want %q", c.name, class.Action, c.action)
		}
	}
}

func TestCEFOutcome(t *testing.T) {
	_, class, _ := collect(t, Namespace, Decode, "", `CEF:0|Acme|SSO|1|auth|Login|3|suser=bob outcome=failure`)
	if class.Outcome != "failure" || class.Action != "" {
		t.Errorf("class %+v", class)
	}
}

func TestCEFNotMineAndMalformed(t *testing.T) {
	for _, msg := range []string{"", "hello world", "xCEF:0|a|b|c|d|e|f|", "LEEF:1.0|a|b|c|d|", "the CEFx:0|a|b|c|d|e|1|"} {
		if got, _, st := collect(t, Namespace, Decode, "", msg); st != vendor.NotMine || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	for _, msg := range []string{"CEF:", "CEF:0|Acme|FW|1|100|Deny", `CEF:0|Acme|FW|1|100|Deny\|5|src=1.2.3.4`, "CEF:x|a|b|c|d|e|1|src=10.0.0.1"} {
		if got, _, st := collect(t, Namespace, Decode, "", msg); st != vendor.Malformed || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
}

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		program, msg string
		cef, leef    bool
	}{
		{"", "CEF:0|a|b|c|d|e|1|", true, false},
		{"", "relay says CEF:0|a|b|c|d|e|1|", true, false},
		{"CEF", "0|a|b|c|d|e|1|", true, false},
		{"", "LEEF:2.0|a|b|c|d|^|", false, true},
		{"LEEF", "1.0|a|b|c|d|", false, true},
		{"sshd", "Accepted password for CEF:0", false, false},
	} {
		if Sniff(c.program, c.msg) != c.cef || SniffLEEF(c.program, c.msg) != c.leef {
			t.Errorf("%q %q: cef %v leef %v", c.program, c.msg, Sniff(c.program, c.msg), SniffLEEF(c.program, c.msg))
		}
	}
}
