package normalize

import "strings"

// msg4688 is a 4688 whose last value, the command line, is free text:
// whatever the record's tail leaves on it shows.
const msg4688 = `A new process has been created.
Creator Subject:
  Security ID:  ` + nw + `1215
  Account Name:  mkovacs
  Account Domain:  NORTHWIND
  Logon ID:  0x8A21F3
Target Subject:
  Security ID:  S-1-0-0
  Account Name:  -
  Account Domain:  -
  Logon ID:  0x0
Process Information:
  New Process ID:  0x2f08
  New Process Name: C:\Windows\System32\nltest.exe
  Token Elevation Type: %%1938
  Mandatory Label:  S-1-16-8192
  Creator Process ID: 0x1e70
  Creator Process Name: C:\Windows\System32\cmd.exe
  Process Command Line: nltest /dclist:northwind`

// snareHeaderVariants are the shapes of the record's header and tail that
// agents and relays vary, each on a 4688 (its last value free text) or a
// 4624: the checksum, delimiter, counter and date variants.
func snareHeaderVariants() []snareCase {
	h := modern("4688", "4001", "Success Audit", "Process Creation")
	want := func(extra ...any) map[string]any {
		return w(h, append([]any{"event.action", "created-process", "user.name", "mkovacs", "process.pid", 12040,
			"process.executable", `C:\Windows\System32\nltest.exe`, "process.command_line", "nltest /dclist:northwind",
			"process.parent.pid", 7792}, extra...)...)
	}
	rec := h.record("\t", msg4688)
	var cs []snareCase
	add := func(name, line string, want map[string]any) {
		cs = append(cs, snareCase{name: name, line: line, want: want})
	}
	add("4688 counter and MD5 checksum", road3164("FS-02", rec+"\t12370\t9e107d9d372bb6826bd81d3542a419d6"),
		want("winlog.record_id", 12370))
	add("4688 MD5 checksum alone", road3164("FS-02", rec+"\t9e107d9d372bb6826bd81d3542a419d6"), want("winlog.record_id", nil))
	add("4688 negative counter after spaces", road5424("FS-02", rec+"      -4001"), want("winlog.record_id", nil))
	add("4688 Snare v5 EventSourceId", road3164("FS-02", rec+"\t12371\tEventSourceId=AU_4417"), want("winlog.record_id", 12371))
	add("4688 pipe delimiter", road5424("FS-02", h.record("|", msg4688, "12372")), want("winlog.record_id", 12372))
	add("4688 pipe delimiter, relayed", roadRelayed("FS-02", h.record("|", msg4688, "12391")), want("winlog.record_id", 12391))
	add("4688 pipe delimiter, pipe in the command line", road5424("FS-02",
		h.record("|", strings.Replace(msg4688, "nltest /dclist:northwind", "nltest /dclist:northwind | findstr DC", 1), "12373")),
		want("winlog.record_id", 12373, "process.command_line", "nltest /dclist:northwind | findstr DC"))
	// The message in DATASTRING and no EXPANDEDSTRING, as LogZilla documents Snare's records.
	add("4688 message in DATASTRING", road3164("FS-02", strings.Replace(rec, "\t\t", "\t", 1)+"\t12374"),
		want("winlog.record_id", 12374))
	ly := h
	ly.date = "Tue Mar 03 09:14:55\t2026"
	add("4688 year in its own field", road3164("FS-02", ly.record("\t", msg4688, "12375")), want("winlog.record_id", 12375))
	fr := h
	fr.date = "mar. mars 03 09:14:55 2026"
	add("4688 French date", road3164("FS-02", fr.record("\t", msg4688, "12376")),
		want("winlog.record_id", 12376, "@timestamp", "2026-03-03T09:14:55.000Z"))
	de := h
	de.date = "Di Mär 03 09:14:55 2026"
	add("4688 German date", road3164("FS-02", de.record("\t", msg4688, "12377")),
		want("winlog.record_id", 12377, "@timestamp", "2026-03-03T09:14:55.000Z"))
	add("4688 tag MSWinEventLog:", "<14>Mar  3 09:14:55 FS-02 MSWinEventLog: "+strings.TrimPrefix(rec, "MSWinEventLog\t")+"\t12378",
		want("winlog.record_id", 12378))
	add("4688 NXLog to_syslog_snare, escaped", road3164Escaped("FS-02", rec+"\t12379"), want("winlog.record_id", 12379))
	add("4688 relayed", roadRelayed("FS-02", rec+"\t12380"), want("winlog.record_id", 12380))
	add("4688 bare", roadBare("FS-02", rec+"\t12381"), want("winlog.record_id", 12381))
	add("4688 spaced", roadSpaced("FS-02", rec+"\t12382"), want("winlog.record_id", 12382))

	// evtsys: "SOURCE: ID: [AUDIT_SUCCESS|AUDIT_FAILURE] text".
	ev := want("host.name", "FS-02", "winlog.channel", "Security", "event.sequence", nil)
	add("4688 evtsys", "<13>Mar  3 09:14:55 FS-02 Security-Auditing: 4688: AUDIT_SUCCESS "+snareFlat(msg4688), ev)
	ev = want("host.name", "FS-02", "winlog.channel", "Security", "event.sequence", nil)
	add("4688 evtsys full provider", "<13>Mar  3 09:14:55 FS-02 Microsoft-Windows-Security-Auditing: 4688: AUDIT_SUCCESS "+snareFlat(msg4688), ev)

	// OSSEC and Wazuh's logcollector: "TIME WinEvtLog: CHANNEL:
	// TYPE(ID): SOURCE: USER: DOMAIN: COMPUTER: MESSAGE", its message
	// flattened; forwarded in an OSSEC alert (csyslogd's default format,
	// the log last) or as archives.log has it.
	ev = want("event.sequence", nil)
	add("4688 OSSEC alert", "<132>Mar  3 09:15:01 wazuh-mgr ossec: Alert Level: 3; Rule: 60103 - New process created.; "+
		"Location: (FS-02) 10.20.30.41->EventChannel; user: mkovacs; 2026 Mar 03 09:14:55 WinEvtLog: Security: "+
		"AUDIT_SUCCESS(4688): Microsoft-Windows-Security-Auditing: (no user): no domain: FS-02.northwind.example: "+
		snareFlat(msg4688), ev)
	ev = want("event.sequence", nil)
	add("4688 OSSEC archives.log", "2026 Mar 03 09:14:56 (FS-02) 10.20.30.41->EventChannel 2026 Mar 03 09:14:55 WinEvtLog: "+
		"Security: AUDIT_SUCCESS(4688): Microsoft-Windows-Security-Auditing: (no user): no domain: FS-02.northwind.example: "+
		snareFlat(msg4688), ev)
	// Forged: a command line that imitates the record's own header.
	forged := "cmd /c echo WinEvtLog: Security: AUDIT_FAILURE(4625): x: y: z: LT-9: An account failed to log on. |4625|9999"
	ev = want("event.sequence", nil, "process.command_line", forged)
	add("4688 OSSEC alert, forged header in the command line", "<132>Mar  3 09:15:01 wazuh-mgr ossec: Alert Level: 3; "+
		"Rule: 60103 - New process created.; Location: (FS-02) 10.20.30.41->EventChannel; 2026 Mar 03 09:14:55 WinEvtLog: "+
		"Security: AUDIT_SUCCESS(4688): Microsoft-Windows-Security-Auditing: (no user): no domain: FS-02.northwind.example: "+
		snareFlat(strings.Replace(msg4688, "nltest /dclist:northwind", forged, 1)), ev)
	add("4688 pipe delimiter, forged header in the command line", road5424("FS-02",
		h.record("|", strings.Replace(msg4688, "nltest /dclist:northwind", forged, 1), "12390")),
		want("winlog.record_id", 12390, "process.command_line", forged))
	lh := legacy("529", "", `SRV-OLD\admin`, "Failure Audit", "Logon/Logoff")
	add("529 OSSEC alert, 2003", "<132>Mar  3 09:15:01 wazuh-mgr ossec: Alert Level: 5; Rule: 18106 - Windows Logon Failure.; "+
		"Location: (SRV-OLD) 10.20.30.5->WinEvtLog; srcip: 198.51.100.9; user: admin; 2026 Mar 03 09:14:55 WinEvtLog: Security: "+
		"AUDIT_FAILURE(529): Security: admin: SRV-OLD: SRV-OLD: Logon Failure:  Reason: Unknown user name or bad password  "+
		"User Name: admin  Domain: SRV-OLD  Logon Type: 3  Logon Process: NtLmSsp  Authentication Package: NTLM  "+
		"Workstation Name: KALI  Caller User Name: -  Caller Domain: -  Caller Logon ID: -  Caller Process ID: -  "+
		"Transited Services: -  Source Network Address: 198.51.100.9  Source Port: 51000",
		w(lh, "event.action", "logon-failed", "event.outcome", "failure", "user.name", "admin", "user.domain", "SRV-OLD",
			"source.ip", "198.51.100.9", "source.port", 51000, "winlog.logon.type", "Network", "event.sequence", nil))
	return cs
}
