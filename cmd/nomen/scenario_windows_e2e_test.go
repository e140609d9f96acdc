package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Scenario tests on Windows events that arrive as syslog (Snare).

// scnSnare turns a Snare line of testdata/correlate into the message
// logger sends (logger writes the syslog header itself).
func scnSnare(counter int, date string, code, user, computer, text string, record int) string {
	return strings.Join([]string{"MSWinEventLog", "1", "Security", fmt.Sprint(counter), date, code, "Security", user, "User",
		"Success Audit", computer, "Detailed Tracking", text, fmt.Sprint(record)}, "\t")
}

// scnStart is a Windows 2000 "A new process has been created" (592) text.
func scnStart(pid int, image string, parent int, user, domain, logon string) string {
	return fmt.Sprintf("A new process has been created:     New Process ID: %d     Image File Name: %s     Creator Process ID: %d     User Name: %s     Domain: %s     Logon ID: (0x0,%s)",
		pid, image, parent, user, domain, logon)
}

// TestScenarioIISIntrusion: Windows 2000 process starts (592, via Snare)
// by the anonymous IIS account: perl.exe and php.exe are what the web
// server runs (silent), cmd.exe is a compromise (one finding); cmd.exe by
// an administrator is not the web account (silent).
func TestScenarioIISIntrusion(t *testing.T) {
	s := newScn(t, scnBase(scnExamples(t)))
	const date = "Sun Nov 22 10:00:00 2026"
	lines := []string{
		scnSnare(1001, date, "592", "IUSR_WEB1", "WEB1", scnStart(1880, `C:\Perl\bin\perl.exe`, 1208, "IUSR_WEB1", "WEB1", "0x1A2B3"), 5001),
		scnSnare(1002, date, "592", "IUSR_WEB1", "WEB1", scnStart(1892, `C:\PHP\php.exe`, 1208, "IUSR_WEB1", "WEB1", "0x1A2B3"), 5002),
		scnSnare(1003, date, "592", "IUSR_WEB1", "WEB1", scnStart(1904, `C:\PERL\BIN\PERL.EXE`, 1208, "IUSR_WEB1", "WEB1", "0x1A2B3"), 5003),
		scnSnare(1004, date, "592", "Administrator", "WEB1", scnStart(1920, `C:\WINNT\system32\cmd.exe`, 1100, "Administrator", "WEB1", "0x2C3D4"), 5004),
		scnSnare(1005, date, "592", "IUSR_WEB1", "WEB1", scnStart(2044, `C:\WINNT\system32\cmd.exe`, 1208, "IUSR_WEB1", "WEB1", "0x1A2B3"), 5005),
		scnSnare(1006, date, "592", "IUSR_WEB1", "WEB1", scnStart(2050, `C:\PHP\php-cgi.exe`, 1208, "IUSR_WEB1", "WEB1", "0x1A2B3"), 5006),
	}
	for _, l := range lines {
		s.syslog("user.notice", "snare", l)
	}
	docs := s.settle()

	// Every line was decoded as a 592 of WEB1 (otherwise silence proves nothing).
	starts := 0
	for _, d := range docs {
		if scnInput(d) && getStr(d, "event.code") == "592" && getStr(d, "host.name") == "WEB1" && getStr(d, "process.executable") != "" {
			starts++
		}
	}
	if starts != len(lines) {
		t.Fatalf("%d of %d Snare lines decoded as process starts on WEB1:\n%s", starts, len(lines), scnDump(docs))
	}
	got := scnFindings(docs, "web-server-compromise")
	if len(got) != 1 {
		t.Fatalf("%d web-server-compromise findings, want exactly 1 (cmd.exe by IUSR_WEB1):\n%s", len(got), scnDump(got))
	}
	f := got[0]
	scnCheck(t, "IIS finding", f, map[string]string{
		"event.kind":         "alert",
		"event.action":       "rule-match",
		"event.code":         "592",
		"rule.id":            "web-server-compromise",
		"rule.name":          "web-server-compromise",
		"rule.category":      "match",
		"event.severity":     "8",
		"host.name":          "WEB1",
		"user.name":          "IUSR_WEB1",
		"user.domain":        "WEB1",
		"process.executable": `C:\WINNT\system32\cmd.exe`,
		"message":            `possible web server compromise: IUSR_WEB1 started C:\WINNT\system32\cmd.exe on WEB1`,
	})
	scnHas(t, "IIS finding", f, "related.user", "IUSR_WEB1")
	scnHas(t, "IIS finding", f, "related.hosts", "WEB1")
	if ev := scnList(f, "nomen.finding.events"); len(ev) != 1 {
		t.Errorf("finding links events %v, want the one 592", ev)
	}
}

// TestScenarioProcessLifetimeW2K: the built-in process tracking on Windows
// 2000 events via Snare. cmd.exe's start (592), token change (600) and end
// (593) become one process-lifetime record; net.exe ends without a start
// (alert at once); notepad.exe starts and never ends (alert after
// max_lifetime); ftp.exe starts and the host boots (alert at the boot).
func TestScenarioProcessLifetimeW2K(t *testing.T) {
	s := newScn(t, scnBase(`
[correlate.process]
max_lifetime = "3s"
`))
	const day = "Sun Nov 22 "
	token := "A process was assigned a primary token.     Assigning Process Information:     Process ID: 1208     Image File Name: C:\\WINNT\\system32\\inetsrv\\inetinfo.exe     Logon ID: (0x0,0x3E7)     User Name: WEB1$     Domain: CORP     New Process Information:     Process ID: 2044     Image File Name: C:\\WINNT\\system32\\cmd.exe     Logon ID: (0x0,0x5E6F7)     User Name: Administrator     Domain: WEB1"
	exit := func(pid int, image, user, domain, logon string) string {
		return fmt.Sprintf("A process has exited:     Process ID: %d     Image File Name: %s     User Name: %s     Domain: %s     Logon ID: (0x0,%s)", pid, image, user, domain, logon)
	}
	lines := []string{
		scnSnare(2001, day+"10:00:00 2026", "592", "IUSR_WEB1", "WEB1", scnStart(2044, `C:\WINNT\system32\cmd.exe`, 1208, "IUSR_WEB1", "WEB1", "0x1A2B3"), 6001),
		scnSnare(2002, day+"10:00:05 2026", "600", "SYSTEM", "WEB1", token, 6002),
		scnSnare(2003, day+"10:00:09 2026", "592", "alice", "WEB1", scnStart(3300, `C:\WINNT\system32\notepad.exe`, 1400, "alice", "CORP", "0x7A8B9"), 6003),
		scnSnare(2004, day+"10:00:42 2026", "593", "Administrator", "WEB1", exit(2044, `C:\WINNT\system32\cmd.exe`, "Administrator", "WEB1", "0x5E6F7"), 6004),
		scnSnare(2005, day+"10:00:43 2026", "593", "IUSR_WEB1", "WEB1", exit(3104, `C:\WINNT\system32\net.exe`, "IUSR_WEB1", "WEB1", "0x1A2B3"), 6005),
		scnSnare(301, day+"10:02:00 2026", "592", "bob", "FS1", scnStart(700, `C:\WINNT\system32\ftp.exe`, 640, "bob", "CORP", "0x9C8D7"), 401),
		strings.Replace(scnSnare(302, day+"10:02:20 2026", "512", "SYSTEM", "FS1", "Windows is starting up.", 402), "Detailed Tracking", "System Event", 1),
	}
	// One connection: the tracker must see them in this order.
	s.file("user.notice", "snare", lines)
	docs := s.settle()

	lifetimes := func(docs []map[string]any) []map[string]any {
		var out []map[string]any
		for _, d := range docs {
			if getStr(d, "event.action") == "process-lifetime" {
				out = append(out, d)
			}
		}
		return out
	}
	lt := lifetimes(docs)
	if len(lt) != 1 {
		t.Fatalf("%d process-lifetime records, want exactly 1 (cmd.exe):\n%s", len(lt), scnDump(docs))
	}
	scnCheck(t, "cmd.exe lifetime", lt[0], map[string]string{
		"event.kind":               "event",
		"event.dataset":            "nomen.process",
		"host.name":                "WEB1",
		"process.pid":              "2044",
		"process.parent.pid":       "1208",
		"process.executable":       `C:\WINNT\system32\cmd.exe`,
		"user.name":                "IUSR_WEB1",
		"nomen.process.end_reason": "end",
		"nomen.process.end_user":   `WEB1\Administrator`,
	})
	// Start and end are the times of the 592 and the 593 (nomen keeps the
	// syslog header's time for Snare records: logger's clock here).
	var start, end string
	for _, d := range docs {
		if scnInput(d) && getStr(d, "process.pid") == "2044" {
			switch getStr(d, "event.code") {
			case "592":
				start = getStr(d, "@timestamp")
			case "593":
				end = getStr(d, "@timestamp")
			}
		}
	}
	ts, err1 := time.Parse(time.RFC3339Nano, start)
	te, err2 := time.Parse(time.RFC3339Nano, end)
	if err1 != nil || err2 != nil {
		t.Fatalf("cmd.exe start %q / end %q not in the output", start, end)
	}
	scnCheck(t, "cmd.exe lifetime", lt[0], map[string]string{
		"process.start":  start,
		"event.start":    start,
		"process.end":    end,
		"event.end":      end,
		"event.duration": fmt.Sprint(te.Sub(ts).Nanoseconds()),
	})
	scnHas(t, "cmd.exe lifetime", lt[0], "nomen.process.token_changes", `WEB1\Administrator`)
	scnHas(t, "cmd.exe lifetime", lt[0], "related.user", "IUSR_WEB1", "Administrator")
	if ev := scnList(lt[0], "nomen.finding.events"); len(ev) != 3 {
		t.Errorf("lifetime record links events %v, want start, token change and end", ev)
	}

	startMissing := scnFindings(docs, "process-start-missing")
	if len(startMissing) != 1 {
		t.Fatalf("%d process-start-missing findings, want 1 (net.exe):\n%s", len(startMissing), scnDump(startMissing))
	}
	scnCheck(t, "net.exe", startMissing[0], map[string]string{
		"rule.id":            "nomen.process.start-missing",
		"host.name":          "WEB1",
		"process.pid":        "3104",
		"process.executable": `C:\WINNT\system32\net.exe`,
		"nomen.finding.key":  "host.name=WEB1 process.pid=3104",
	})

	// notepad.exe: reported once max_lifetime (3s of receive time) passed.
	s.waitFor("process-end-missing findings", 2, func(d map[string]any) bool {
		return getStr(d, "event.kind") == "alert" && getStr(d, "rule.name") == "process-end-missing"
	})
	docs = s.settle()
	endMissing := map[string]map[string]any{}
	for _, f := range scnFindings(docs, "process-end-missing") {
		k := getStr(f, "host.name") + "/" + getStr(f, "process.pid")
		if endMissing[k] != nil {
			t.Errorf("process-end-missing for %s twice", k)
		}
		endMissing[k] = f
	}
	if len(endMissing) != 2 || endMissing["WEB1/3300"] == nil || endMissing["FS1/700"] == nil {
		t.Fatalf("process-end-missing findings for %v, want WEB1/3300 (notepad.exe) and FS1/700 (ftp.exe)", slices.Sorted(func(y func(string) bool) {
			for k := range endMissing {
				if !y(k) {
					return
				}
			}
		}))
	}
	scnCheck(t, "notepad.exe", endMissing["WEB1/3300"], map[string]string{
		"rule.id":                 "nomen.process.end-missing",
		"event.kind":              "alert",
		"process.executable":      `C:\WINNT\system32\notepad.exe`,
		"user.name":               "alice",
		"nomen.process.closed_by": "max_lifetime",
	})
	scnCheck(t, "ftp.exe", endMissing["FS1/700"], map[string]string{
		"process.executable":      `C:\WINNT\system32\ftp.exe`,
		"nomen.process.closed_by": "boot",
	})
	if n := len(scnFindings(docs, "process-start-missing")); n != 1 {
		t.Errorf("%d process-start-missing findings in the end, want 1", n)
	}
	if n := len(lifetimes(docs)); n != 1 {
		t.Errorf("%d process-lifetime records in the end, want 1", n)
	}
}
