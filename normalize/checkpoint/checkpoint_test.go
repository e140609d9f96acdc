package checkpoint

import (
	"maps"
	"testing"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

func decode(t *testing.T, program, msg string) (map[string]string, vendor.Class, vendor.Status) {
	t.Helper()
	got := map[string]string{}
	class, st := Decode(program, msg, func(k, v string, kind vendor.Kind) {
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

func TestFirewall(t *testing.T) {
	msg := `[action:"Drop"; flags:"411908"; ifdir:"inbound"; ifname:"eth1"; logid:"0"; loguid:"{0x6610a1b2,0x1,0x2c00a8c0,0xc0000000}"; origin:"192.0.2.1"; originsicname:"CN=gw-01,O=mgmt..abcd12"; sequencenum:"4"; time:"1712345678"; version:"5"; dst:"10.1.2.3"; inzone:"External"; layer_name:"Network"; outzone:"Internal"; product:"VPN-1 & FireWall-1"; proto:"6"; rule_name:"Block RDP"; rule_uid:"4420bdc0-19f3-4a3e-8954-03b742cd3aee"; s_port:"40112"; service:"3389"; service_id:"Remote_Desktop_Protocol"; src:"198.51.100.7"; xlatesrc:"0.0.0.0"]`
	got, class, st := decode(t, "CheckPoint", msg)
	want := map[string]string{"checkpoint.action": "Drop", "checkpoint.flags": "411908", "checkpoint.ifdir": "inbound",
		"checkpoint.ifname": "eth1", "checkpoint.logid": "0", "checkpoint.loguid": "{0x6610a1b2,0x1,0x2c00a8c0,0xc0000000}",
		"observer.ip": "192.0.2.1", "checkpoint.originsicname": "CN=gw-01,O=mgmt..abcd12", "checkpoint.sequencenum": "4",
		"@timestamp": "1712345678", "checkpoint.version": "5", "destination.ip": "10.1.2.3", "observer.ingress.zone": "External",
		"rule.ruleset": "Network", "observer.egress.zone": "Internal", "observer.product": "VPN-1 & FireWall-1",
		"network.transport": "6", "rule.name": "Block RDP", "rule.uuid": "4420bdc0-19f3-4a3e-8954-03b742cd3aee",
		"source.port": "40112", "destination.port": "3389", "checkpoint.service_id": "Remote_Desktop_Protocol",
		"source.ip": "198.51.100.7"} // xlatesrc 0.0.0.0: not translated
	if st != vendor.Decoded || !maps.Equal(got, want) || class.Action != "connection-denied" {
		t.Errorf("%v %+v\n got %v\nwant %v", st, class, got, want)
	}
}

func TestClasses(t *testing.T) {
	for _, c := range []struct{ msg, action, outcome string }{
		{`[action:"Accept"; src:"10.1.2.3"; dst:"192.0.2.80"; service:"443"; proto:"6"]`, "connection-allowed", "success"},
		{`- [action:"Reject"; src:"10.1.2.3"]`, "connection-denied", "failure"},
		{`[action:"Prevent"; product:"SmartDefense"; attack:"Example Port Scan"; src:"203.0.113.9"]`, "intrusion-detected", ""},
		{`[action:"Detect"; product:"Anti-Bot"; malware_action:"Communication with C&C site"; src:"10.1.2.3"]`, "malware-detected", ""},
		{`[action:"Log In"; product:"Identity Awareness"; auth_status:"Successful Login"; src_user_name:"alice"; src:"10.1.2.3"]`, "logged-in", "success"},
		{`[action:"Failed Log In"; product:"Mobile Access"; user:"bob"; reason:"Wrong password \"twice\""]`, "logon-failed", "failure"},
		{`[action:"Update"; product:"VPN-1 & FireWall-1"]`, "", ""},
		// Blades: the verdict is the blade's, not a firewall rule's.
		{`[action:"Block"; product:"Anti Malware"; malware_action:"Communication with C&C site"; src:"10.1.2.3"]`, "malware-detected", ""},
		{`[action:"Drop"; product:"IPS"; attack:"Example Overflow"; src:"203.0.113.9"]`, "intrusion-detected", ""},
		{`[action:"Block"; product:"URL Filtering"; resource:"http://bad.example.test/"; src:"10.1.2.3"]`, "web-request-blocked", "failure"},
		{`[action:"Accept"; product:"Application Control"; appi_name:"Example App"; src:"10.1.2.3"]`, "application-allowed", "success"},
		// Audit logs: the operation, not the action.
		{`[action:"Accept"; operation:"Log In"; administrator:"admin"; client_ip:"10.1.2.4"; product:"SmartConsole"]`, "logged-in", "success"},
		{`[action:"Accept"; operation:"Log In"; audit_status:"Failure"; administrator:"admin"; product:"SmartConsole"]`, "logon-failed", "failure"},
		{`[action:"Accept"; operation:"Create Rule"; administrator:"admin"; objecttype:"Access Control Rule"; product:"SmartConsole"]`, "configured", "success"},
		{`[action:"Accept"; operation:"Delete Object"; audit_status:"Failure"; administrator:"admin"; product:"SmartConsole"]`, "configured", "failure"},
		{`[action:"Accept"; operation:"IPS Update"; administrator:"System"; product:"cpmidu_update_tool"]`, "", ""},
	} {
		got, class, st := decode(t, "", c.msg)
		if st != vendor.Decoded || class.Action != c.action || class.Outcome != c.outcome {
			t.Errorf("%s: %v %+v %v", c.msg, st, class, got)
		}
	}
}

func TestNotMineAndMalformed(t *testing.T) {
	for _, msg := range []string{"", "[ID 123 auth.info] sshd: x", "action:\"Accept\"", "[a b:\"x\"]"} {
		if got, _, st := decode(t, "", msg); st != vendor.NotMine || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	for _, msg := range []string{`[action:"Accept"; src:"10.1.2.3"`, `[action:"Acc`, `[action:"Accept"; src 10.1.2.3]`} {
		if got, _, st := decode(t, "", msg); st != vendor.Malformed || len(got) > 0 {
			t.Errorf("%q: %v %v", msg, st, got)
		}
	}
	if !Sniff("CheckPoint", `[x:"1"]`) || Sniff("sshd", "hello") {
		t.Error("Sniff")
	}
}

// TestPacketCounts: the total packet count is network.packets; the
// per-side counters, whose direction Check Point does not document, stay
// under checkpoint.*; a count that is no number is kept there too.
func TestPacketCounts(t *testing.T) {
	msg := `[action:"Accept"; src:"10.1.2.3"; dst:"198.51.100.20"; proto:"6"; s_port:"51000"; service:"443"; bytes:"5120"; packets:"18"; client_outbound_packets:"10"; server_outbound_packets:"8"]`
	got, _, st := decode(t, "CheckPoint", msg)
	if st != vendor.Decoded || got["network.packets"] != "18" || got["network.bytes"] != "5120" ||
		got["checkpoint.client_outbound_packets"] != "10" || got["checkpoint.server_outbound_packets"] != "8" ||
		got["source.packets"] != "" || got["destination.packets"] != "" {
		t.Errorf("%v %v", st, got)
	}
	got, _, _ = decode(t, "CheckPoint", `[action:"Accept"; src:"10.1.2.3"; packets:"many"]`)
	if got["network.packets"] != "" || got["checkpoint.packets"] != "many" {
		t.Errorf("%v", got)
	}
}

// TestSplunkFormat: the Log Exporter's key=value|key=value form gives the
// fields of the syslog form; an escaped '=' or '|' stays in its value
// (with its backslash, as in the syslog form), and a segment without '='
// is no field.
func TestSplunkFormat(t *testing.T) {
	msg := `time=1712346600|hostname=gw-1|product=Firewall|action=Drop|origin=203.0.113.1|203.0.113.2|originsicname=CN\=gw-1,O\=mgmt|rule_name=a\|b|src=198.51.100.7|dst=10.1.2.3|s_port=40112|service=22|proto=6|`
	got := map[string]string{}
	class, st := Decode("", msg, func(k, v string, kind vendor.Kind) { got[k] = v })
	if st != vendor.Decoded || class.Action != "connection-denied" {
		t.Fatalf("status %v class %+v", st, class)
	}
	for k, want := range map[string]string{"source.ip": "198.51.100.7", "destination.port": "22", "observer.ip": "203.0.113.1",
		"originsicname": `CN\=gw-1,O\=mgmt`, "rule.name": `a\|b`, "@timestamp": "1712346600", "hostname": "gw-1"} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	for _, msg := range []string{
		`time=12:00:01|product=x`,                   // not an epoch
		`time=1712346600|hostname=gw-1|action=Drop`, // no product
		`|a|b|c`,
	} {
		if Sniff("", msg) {
			t.Errorf("sniffed %q", msg)
		}
	}
}

// TestLogExporterIDs: the structured-data element is Check Point's when
// it is the exporter's Fields element or any name at Check Point's
// enterprise number 2620.
func TestLogExporterIDs(t *testing.T) {
	for id, want := range map[string]bool{
		SDID: true, "sc4s@2620": true, "fields@2620.1.2": true,
		"meta": false, "sc4s@26200": false, "x@32473": false, "@2620": false, "origin": false,
	} {
		if got := isLogExporterID(id); got != want {
			t.Errorf("isLogExporterID(%q) = %v, want %v", id, got, want)
		}
	}
}
