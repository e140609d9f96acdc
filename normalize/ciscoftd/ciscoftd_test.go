package ciscoftd

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Bodies written for these tests in the documented "Key: Value" format.
const (
	intrusionBody = `DeviceUUID: 0e3c1d5a-1111-2222-3333-444455556666, InstanceID: 3, FirstPacketSecond: 2024-05-06T07:08:09Z, ` +
		`EventPriority: High, SrcIP: 198.51.100.7, DstIP: 10.1.2.3, SrcPort: 40112, DstPort: 80, Protocol: tcp, ` +
		`IngressInterface: outside, EgressInterface: inside, IngressZone: Outside Zone, EgressZone: Inside, ` +
		`Priority: 1, GID: 1, SID: 2008705, Revision: 7, Message: ET WEB_SERVER Possible SQL Injection, part 2, ` +
		`Classification: Web Application Attack, User: No Authentication Required, ApplicationProtocol: HTTP, ` +
		`Client: Web browser, IntrusionPolicy: Balanced Security and Connectivity, ACPolicy: Corp Policy, ` +
		`AccessControlRuleName: Allow web, InlineResult: Blocked`
	connectionBody = `AccessControlRuleAction: Block, SrcIP: 2001:db8::7, DstIP: 2001:db8:1::53, SrcPort: 51000, DstPort: 53, ` +
		`Protocol: udp, IngressInterface: inside, EgressInterface: outside, ACPolicy: Corp Policy, ` +
		`AccessControlRuleName: Block bad DNS, User: CORP\asmith, InitiatorPackets: 1, ResponderPackets: 0, ` +
		`InitiatorBytes: 74, ResponderBytes: 0, NAPPolicy: Balanced, DNSQuery: bad.example.net, URL: http://bad.example.net/a?b=c:d, ` +
		`Prefilter Policy: Default Prefilter Policy, ConnectionDuration: 12`
	icmpBody = `AccessControlRuleAction: Allow, SrcIP: 10.1.2.3, DstIP: 198.51.100.1, SrcPort: 8, DstPort: 0, ` +
		`Protocol: icmp, ICMPType: Echo Request, ICMPCode: No Code`
	malwareBody = `SrcIP: 203.0.113.9, DstIP: 10.1.2.3, SrcPort: 80, DstPort: 50123, Protocol: tcp, FileDirection: Download, ` +
		`FileAction: Block, SHA_Disposition: Malware, SperoDisposition: Spero detection not performed on file, ` +
		`ThreatName: Win.Ransomware.Example::tht.talos, ThreatScore: 95, FileName: invoice.exe, FileType: MSEXE, FileSize: 73802, ` +
		`FileSHA256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, URI: http://203.0.113.9/invoice.exe`
)

func TestDecode(t *testing.T) {
	for _, c := range []struct {
		id, body string
		action   string
		types    []string
		want     map[string]string
	}{
		{"430001", intrusionBody, "intrusion-detected", []string{"info", "denied"}, map[string]string{
			"source.ip": "198.51.100.7", "destination.ip": "10.1.2.3", "source.port": "40112", "destination.port": "80",
			"network.transport": "tcp", "observer.ingress.interface.name": "outside", "observer.egress.interface.name": "inside",
			"observer.ingress.zone": "Outside Zone", "observer.egress.zone": "Inside", "priority": "1", "gid": "1", "sid": "2008705",
			"rule.version": "7", "rule.name": "ET WEB_SERVER Possible SQL Injection, part 2", "rule.category": "Web Application Attack",
			"user": "No Authentication Required", "application_protocol": "HTTP", "client": "Web browser",
			"rule.ruleset": "Balanced Security and Connectivity", "ac_policy": "Corp Policy",
			"access_control_rule_name": "Allow web", "inline_result": "Blocked", "device_uuid": "0e3c1d5a-1111-2222-3333-444455556666",
			"instance_id": "3", "event.start": "2024-05-06T07:08:09Z", "event_priority": "High"}},
		{"430002", connectionBody, "connection-denied", []string{"connection", "denied"}, map[string]string{
			"access_control_rule_action": "Block", "source.ip": "2001:db8::7", "destination.ip": "2001:db8:1::53",
			"source.port": "51000", "destination.port": "53", "network.transport": "udp",
			"observer.ingress.interface.name": "inside", "observer.egress.interface.name": "outside", "rule.ruleset": "Corp Policy",
			"rule.name": "Block bad DNS", "user.name": "asmith", "user.domain": "CORP", "source.packets": "1", "destination.packets": "0",
			"source.bytes": "74", "destination.bytes": "0", "nap_policy": "Balanced", "dns.question.name": "bad.example.net",
			"url.original": "http://bad.example.net/a?b=c:d", "prefilter_policy": "Default Prefilter Policy", "event.duration": "12"}},
		{"430003", icmpBody, "connection-teardown", []string{"connection", "end"}, map[string]string{
			"access_control_rule_action": "Allow", "source.ip": "10.1.2.3", "destination.ip": "198.51.100.1",
			"src_port": "8", "dst_port": "0", "network.transport": "icmp", "icmp_type": "Echo Request", "icmp_code": "No Code"}},
		{"430002", icmpBody, "connection-allowed", []string{"connection", "allowed"}, nil},
		{"430005", malwareBody, "malware-detected", []string{"info", "denied"}, map[string]string{
			"source.ip": "203.0.113.9", "destination.ip": "10.1.2.3", "source.port": "80", "destination.port": "50123",
			"network.transport": "tcp", "file_direction": "Download", "file_action": "Block", "sha_disposition": "Malware",
			"spero_disposition": "Spero detection not performed on file", "threat_name": "Win.Ransomware.Example::tht.talos",
			"threat_score": "95", "file.name": "invoice.exe", "file_type": "MSEXE", "file.size": "73802",
			"file.hash.sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			"url.original":     "http://203.0.113.9/invoice.exe"}},
		{"430004", "FileAction: Malware Cloud Lookup, FileName: a.pdf, FileSHA256: not-a-hash", "file-detected", []string{"info"}, map[string]string{
			"file_action": "Malware Cloud Lookup", "file.name": "a.pdf", "file_sha256": "not-a-hash"}},
		// A realm without a user, and a value with two realms, are no user.
		{"430003", `AccessControlRuleAction: Allow, SrcIP: 10.1.2.3, User: CORP\`, "connection-teardown", []string{"connection", "end"}, map[string]string{
			"access_control_rule_action": "Allow", "source.ip": "10.1.2.3", "user": `CORP\`}},
		{"430003", `AccessControlRuleAction: Allow, SrcIP: 10.1.2.3, User: jdoe`, "connection-teardown", []string{"connection", "end"}, map[string]string{
			"access_control_rule_action": "Allow", "source.ip": "10.1.2.3", "user.name": "jdoe"}},
		// No response is no status code.
		{"430003", `AccessControlRuleAction: Allow, HTTPResponse: 0, URL: http://x.example/`, "connection-teardown", []string{"connection", "end"}, map[string]string{
			"access_control_rule_action": "Allow", "http_response": "0", "url.original": "http://x.example/"}},
		{"430003", `AccessControlRuleAction: Allow, HTTPResponse: 404, URL: http://x.example/`, "connection-teardown", []string{"connection", "end"}, map[string]string{
			"access_control_rule_action": "Allow", "http.response.status_code": "404", "url.original": "http://x.example/"}},
	} {
		got := map[string]string{}
		class, st := Decode(c.id, c.body, func(k, v string, _ vendor.Kind) {
			if _, dup := got[k]; dup {
				t.Errorf("%s: %s twice", c.id, k)
			}
			got[k] = v
		})
		if st != vendor.Decoded {
			t.Errorf("%s: status %v", c.id, st)
			continue
		}
		if class.Action != c.action || !slices.Equal(class.Type, c.types) {
			t.Errorf("%s: class %v, want %s %v", c.id, class, c.action, c.types)
		}
		if c.want != nil && !maps.Equal(got, c.want) {
			t.Errorf("%s:\n got  %s\n want %s", c.id, show(got), show(c.want))
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, c := range []struct {
		id, body string
		st       vendor.Status
	}{
		{"302013", "SrcIP: 10.0.0.1, DstIP: 10.0.0.2", vendor.NotMine},
		{"430006", "SrcIP: 10.0.0.1, DstIP: 10.0.0.2", vendor.NotMine},
		{"430001", "", vendor.Malformed},
		{"430001", "SrcIP: 10.0.0.1", vendor.Malformed},
		{"430002", "Built inbound TCP connection 1 for outside:10.0.0.1/1 (10.0.0.1/1) to inside:10.0.0.2/2 (10.0.0.2/2)", vendor.Malformed},
		{"430002", ", SrcIP: 10.0.0.1, DstIP: 10.0.0.2", vendor.Malformed},
	} {
		n := 0
		_, st := Decode(c.id, c.body, func(string, string, vendor.Kind) { n++ })
		if st != c.st || n > 0 {
			t.Errorf("%s %q: status %v with %d fields, want %v and none", c.id, c.body, st, n, c.st)
		}
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"AccessControlRuleReason": "access_control_rule_reason", "SSLURLCategory": "sslurl_category",
		"Prefilter Policy": "prefilter_policy", "NAT_InitiatorIP": "nat_initiator_ip", "ACPolicy": "ac_policy",
		"originalClientSrcIP": "original_client_src_ip", "SHA_Disposition": "sha_disposition", "DNS_TTL": "dns_ttl",
		"Tunnel or Prefilter Rule": "tunnel_or_prefilter_rule", "IPReputationSICategory": "ip_reputation_si_category",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}

func show(m map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + "=" + m[k] + "; ")
	}
	return b.String()
}
