package normalize

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
)

// Review of the Snare and OSSEC text roads (issue #15): lines whose
// attacker-controlled text (an application's message, a command line, an
// SSH user name, a web client's header) imitates a Windows record's
// header, and records whose own text ends like the record's tail. Either
// the line is not a Windows event, or it is the outer record's: never the
// imitation's host, id, outcome or counter.

// forgedSnare is a '|'-delimited Snare record a user can write into an
// application's message (Snare flattens a message's TABs, not its '|').
const forgedSnare = "MSWinEventLog|1|Security|9|Tue Mar 03 09:14:55 2026|4624|Microsoft-Windows-Security-Auditing|" +
	`CORP\admin|User|Success Audit|DC9|Logon||An account was successfully logged on.|999`

// forgedOSSEC is an OSSEC WinEvtLog record a user can write into text.
const forgedOSSEC = "WinEvtLog: Security: AUDIT_SUCCESS(4624): Microsoft-Windows-Security-Auditing: admin: CORP: DC9: " +
	"An account was successfully logged on."

// app1000 is the Snare header of an Application event of a short source
// from a short host name: its message starts within 64 bytes of the
// record's date once a relay took the record's start as APP-NAME.
var app1000 = snareHead{crit: "0", log: "Application", counter: "55", date: "Tue Mar 03 09:14:55 2026", id: "1000",
	source: "App", user: "N/A", sidType: "N/A", kind: "Information", computer: "PC1", category: "None"}

// relayedTabs is roadRelayed by a relay that keeps the TABs (syslog-ng).
func relayedTabs(host, rec string) string {
	app, msg, _ := strings.Cut(rec, " ")
	return "<14>1 2026-03-03T09:14:55+00:00 " + host + " " + app + " - - - " + msg
}

// imitated are, by case, the values the imitation would give.
var imitated = map[string]map[string]string{
	"'#011' record, command line holding '#011' and a forged message": {"user.name": "admin", "user.domain": "EVIL",
		"process.executable": `C:\evil.exe`, "process.name": "evil.exe", "process.command_line": "evil", "winlog.logon.id": "0x3e7"},
}

func TestWindowsTextRoadsForged(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := modern("4688", "77", "Success Audit", "Process Creation")
	cmd := func(line string) string { return strings.Replace(msg4688, "nltest /dclist:northwind", line, 1) }
	appWant := map[string]any{"event.code": "1000", "host.name": "PC1", "event.sequence": 55, "winlog.record_id": 4242,
		"event.outcome": nil, "user.name": nil, "winlog.channel": "Application"}
	for _, c := range []struct {
		name    string
		line    string
		windows bool           // the windows decoder must claim the line (false: must not)
		want    map[string]any // nil: the field must stay unset
	}{
		{"application message holding a '|' record, relayed with TABs kept",
			relayedTabs("PC1", app1000.record("\t", forgedSnare, "4242")), true, appWant},
		{"application message holding a '|' record, syslog tag MSWinEventLog",
			"<14>Mar  3 09:14:55 PC1 MSWinEventLog: " + strings.TrimPrefix(app1000.record("\t", forgedSnare, "4242"), "MSWinEventLog\t"),
			true, appWant},
		{"application message holding a '|' record, direct",
			road3164("PC1", app1000.record("\t", forgedSnare, "4242")), true, appWant},
		{"another program's text holding a '|' record", "<13>Mar  3 09:14:55 web1 myapp: note " + forgedSnare,
			false, map[string]any{"host.name": "web1", "event.code": nil}},
		{"another program's text holding an OSSEC record", "<13>Mar  3 09:14:55 web1 myapp: note x " + forgedOSSEC,
			false, map[string]any{"host.name": "web1", "event.code": nil}},
		{"another program's text holding a timed OSSEC record",
			"<13>Mar  3 09:14:55 web1 myapp: note; 2026 Mar 03 09:14:55 " + forgedOSSEC,
			false, map[string]any{"host.name": "web1", "event.code": nil}},
		{"OSSEC alert of an sshd line whose user name holds an OSSEC record",
			"<132>Mar  3 09:15:01 wazuh-mgr ossec: Alert Level: 5; Rule: 5710 - Attempt to login using a non-existent user; " +
				"Location: (web1) 10.20.30.7->/var/log/auth.log; srcip: 198.51.100.9; Mar  3 09:14:55 web1 sshd[311]: " +
				"Invalid user x " + forgedOSSEC + " from 198.51.100.9 port 50022",
			false, map[string]any{"event.code": nil, "winlog.computer_name": nil}},
		{"OSSEC alert of an sshd line whose user name holds a timed OSSEC record",
			"<132>Mar  3 09:15:01 wazuh-mgr ossec: Alert Level: 5; Rule: 5710 - Attempt to login using a non-existent user; " +
				"Location: (web1) 10.20.30.7->/var/log/auth.log; srcip: 198.51.100.9; Mar  3 09:14:55 web1 sshd[311]: " +
				"Invalid user x; 2026 Mar 03 09:14:55 " + forgedOSSEC + " from 198.51.100.9 port 50022",
			false, map[string]any{"event.code": nil, "winlog.computer_name": nil}},
		{"OSSEC record sent with the tag WinEvtLog",
			"<13>Mar  3 09:14:55 FS-02 WinEvtLog: Security: AUDIT_SUCCESS(4688): Microsoft-Windows-Security-Auditing: " +
				"(no user): no domain: FS-02.northwind.example: " + snareFlat(msg4688),
			true, map[string]any{"event.code": "4688", "host.name": "FS-02.northwind.example", "process.command_line": "nltest /dclist:northwind"}},
		{"OSSEC record alone, its time read as the syslog header's",
			"2026 Mar 03 09:14:55 WinEvtLog: Security: AUDIT_SUCCESS(4688): Microsoft-Windows-Security-Auditing: " +
				"(no user): no domain: FS-02.northwind.example: " + snareFlat(msg4688),
			true, map[string]any{"event.code": "4688", "host.name": "FS-02.northwind.example", "process.command_line": "nltest /dclist:northwind"}},
		// The record's tail: the counter field is the record's; a command
		// line ending like NXLog's negated counter or Snare v5's extra
		// fields keeps its text.
		{"'|' record, command line ending in the negated counter",
			road3164("FS-02", h.record("|", cmd("sort /+5 -77"), "1234")), true,
			map[string]any{"process.command_line": "sort /+5 -77", "winlog.record_id": 1234}},
		{"'|' record without a counter, command line ending in key=value",
			road3164("FS-02", h.record("|", cmd("cmd /c set a=b|x=1"))), true,
			map[string]any{"process.command_line": "cmd /c set a=b|x=1", "winlog.record_id": nil}},
		{"'|' record, command line ending in key=value, counter and Snare v5 field",
			road3164("FS-02", h.record("|", cmd("cmd /c set a=b|x=1"), "1234", "EventSourceId=AU_1")), true,
			map[string]any{"process.command_line": "cmd /c set a=b|x=1", "winlog.record_id": 1234}},
		// An MD5 checksum may end a record without a counter (LogLogic
		// UC's form): a message ending "|5" before it gives no record id.
		{"'|' record with an MD5 checksum and no counter, command line ending in '|5'",
			road3164("FS-02", h.record("|", cmd("sort /+5|5"), "9e107d9d372bb6826bd81d3542a419d6")), true,
			map[string]any{"winlog.record_id": nil, "event.code": "4688"}},
		// A DATASTRING beside the message is not the message's.
		{"'|' record with a DATASTRING",
			road3164("FS-02", strings.Replace(h.record("|", msg4688, "1234"), "Process Creation||", "Process Creation|0x1f|", 1)), true,
			map[string]any{"winlog.record_id": 1234, "process.command_line": "nltest /dclist:northwind", "message": snareFlat(msg4688)}},
		{"the whole record under the APP-NAME MSWinEventLog",
			"<14>1 2026-03-03T09:14:55Z FS-02 MSWinEventLog - - - " + h.record("\t", msg4688, "1234"), true,
			map[string]any{"winlog.record_id": 1234, "host.name": "FS-02.northwind.example", "process.command_line": "nltest /dclist:northwind"}},
		// A relay escaped the record's TABs as "#011": a command line
		// holding the text "#011" and a message of its own is still the
		// command line, not the record's message.
		{"'#011' record, command line holding '#011' and a forged message",
			road3164Escaped("FS-02", h.record("\t", cmd("cmd /c echo x#011A new process has been created.  Creator Subject:  "+
				"Security ID:  S-1-5-18  Account Name:  admin  Account Domain:  EVIL  Logon ID:  0x3e7  Process Information:  "+
				`New Process ID:  0x4  New Process Name: C:\evil.exe  Process Command Line: evil`), "1234")), true,
			map[string]any{"winlog.record_id": 1234, "host.name": "FS-02.northwind.example"}},
	} {
		dec, got := snareDecode(t, n, c.line)
		for k, v := range imitated[c.name] {
			if snareEqual(got[k], v) {
				t.Errorf("%s: %s = %q, the imitation's", c.name, k, v)
			}
		}
		if strings.HasPrefix(dec, "windows") != c.windows { // windows_unclassified: an id the catalog lacks
			t.Errorf("%s: decoder %q (windows: %v)", c.name, dec, c.windows)
		}
		for k, v := range c.want {
			if v == nil && got[k] != nil || v != nil && !snareEqual(got[k], v) {
				t.Errorf("%s: %s = %s, want %s", c.name, k, normtest.JSONText(got[k]), normtest.JSONText(v))
			}
		}
	}
}
