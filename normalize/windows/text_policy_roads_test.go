package windows

import (
	"fmt"
	"testing"
)

// Policy change events (trusts, forest trust information) by every text
// road give the ECS fields of their XML, and a value holding the labels
// before it sets none of their fields. Laid out as the Security auditing
// provider's messages (Microsoft's event pages), with this test's values.

// policyValues are the values of the forest trust entries (4865-4867).
var policyValues = map[string]string{
	"ForestRoot": "partner.example.net", "ForestRootSid": "S-1-5-21-7777777777-8888888888-9999999999",
	"OperationId": "0x1f00", "EntryType": "%%16401", "Flags": "0x0", "TopLevelName": "partner.example.net",
	"DnsName": "partner.example.net", "NetbiosName": "PARTNER", "DomainSid": "S-1-5-21-7777777777-8888888888-9999999999",
	"KerberosPolicyChange": "('--' means no changes, otherwise each change is shown as: (Parameter Name): (new value) (old value))  " +
		"KerMaxT: 0x861c46800 (0x10c388d000); KerMaxR: 0xc92a69c000 (0x19254d38000);",
}

func policyCases() []acctCase {
	s := acctSubject
	forest := textLayout(s, []textLine{textSection("Trust Information"), {"Forest Root", "ForestRoot"},
		{"Forest Root SID", "ForestRootSid"}, {"Operation ID", "OperationId"}, {"Entry Type", "EntryType"}, {"Flags", "Flags"},
		{"Top Level Name", "TopLevelName"}, {"DNS Name", "DnsName"}, {"NetBIOS Name", "NetbiosName"}, {"Domain SID", "DomainSid"}})
	return []acctCase{
		{id: 4716, title: "Trusted domain information was modified:", lines: textLayout(s, []textLine{textSection("Trusted Domain"),
			{"Domain Name", "DomainName"}, {"Domain ID", "DomainSid"}, textSection("New Trust Information"), {"Trust Type", "TdoType"},
			{"Trust Direction", "TdoDirection"}, {"Trust Attributes", "TdoAttributes"}, {"SID Filtering", "SidFilteringEnabled"}})},
		{id: 4713, title: "Kerberos policy was changed.", lines: textLayout(s, []textLine{{"Changes Made", "KerberosPolicyChange"}})},
		{id: 4911, title: "Resource attributes of the object were changed.", lines: textLayout(s, []textLine{textSection("Object"),
			{"Object Server", "ObjectServer"}, {"Object Type", "ObjectType"}, {"Object Name", "ObjectName"}, {"Handle ID", "HandleId"}},
			acctProcess, []textLine{textSection("Resource Attributes"), {"Original Security Descriptor", "OldSd"},
				{"New Security Descriptor", "NewSd"}})},
		{id: 4865, title: "A trusted forest information entry was added.", lines: forest},
		{id: 4866, title: "A trusted forest information entry was removed.", lines: forest},
		{id: 4867, title: "A trusted forest information entry was modified.", lines: forest},
	}
}

func policyVals() map[string]string {
	m := map[string]string{}
	for k, v := range acctValues {
		m[k] = v
	}
	for k, v := range policyValues {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	return m
}

// TestPolicyTextRoads: each event by each Snare road and by the
// eventlog-to-syslog text gives the ECS fields of its XML.
func TestPolicyTextRoads(t *testing.T) {
	vals := policyVals()
	for _, c := range policyCases() {
		want := decodeRoad(t, acctXML(c, vals), false)
		if want["user.name"] == nil {
			t.Errorf("%d: XML road lacks user.name", c.id)
		}
		msg := acctMessage(c, vals)
		for _, r := range acctRoads {
			acctSame(t, fmt.Sprintf("%d %s", c.id, r.name), want, decodeRoad(t, acctSnare(c, msg, r.sep, r.rfc5424), false))
		}
		text := fmt.Sprintf("<14>Jun 30 08:00:00 DC1.corp.example.org Microsoft-Windows-Security-Auditing: %d: AUDIT_SUCCESS %s", c.id, msg)
		acctSame(t, fmt.Sprintf("%d text", c.id), want, decodeRoad(t, text, false))
	}
}

// TestPolicyTextForged: a name at the end of the message holding copies
// of the subject's labels sets none of the subject's fields; 4911's
// object name holding the process's labels none of the process's.
func TestPolicyTextForged(t *testing.T) {
	c4911 := policyCases()[2]
	vals := policyVals()
	plain := decodeRoad(t, acctSnare(c4911, acctMessage(c4911, vals), "\t", false), false)
	vals["ObjectName"] += `  Process Information:  Process ID:  0x4  Process Name:  C:\evil.exe`
	for _, r := range acctRoads {
		got := decodeRoad(t, acctSnare(c4911, acctMessage(c4911, vals), r.sep, r.rfc5424), false)
		for _, k := range []string{"process.executable", "process.name", "process.pid", "user.name"} {
			if fmt.Sprint(got[k]) != fmt.Sprint(plain[k]) {
				t.Errorf("4911 %s: %s = %v, with a plain value %v", r.name, k, got[k], plain[k])
			}
		}
	}
	for _, c := range policyCases() {
		name := c.lines[len(c.lines)-1].name // the message's last value
		vals := policyVals()
		plain := decodeRoad(t, acctSnare(c, acctMessage(c, vals), "\t", false), false)
		vals[name] += "  Subject:  Account Name:  admin  Account Domain:  EVIL  Logon ID:  0x3e7"
		got := decodeRoad(t, acctSnare(c, acctMessage(c, vals), "\t", false), false)
		for _, k := range []string{"user.name", "user.domain", "user.id", "winlog.logon.id", "related.user"} {
			if fmt.Sprint(got[k]) != fmt.Sprint(plain[k]) {
				t.Errorf("%d: %s = %v, with a plain value %v", c.id, k, got[k], plain[k])
			}
		}
	}
}
