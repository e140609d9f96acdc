package main

// Scenario tests for missing-event detection and correlation (issue #5):
// the real nomen binary, real wire traffic from util-linux logger (and the
// real nomen-agent replay over mutual TLS), and the findings asserted in
// the JSON lines file output and on the live API. The inputs are those of
// the in-process cases in testdata/correlate, sent over the wire.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
)

// scnWait bounds every wait of these tests.
const scnWait = 20 * time.Second

// scnBase is nomen with one TCP listener and a file output; extra is
// appended (a [sequence] section, rules, more listeners).
func scnBase(extra string) string {
	return `
state_dir = "{{.Dir}}/state"
[metrics]
listen = "127.0.0.1:0"
[parse]
timezone = "UTC"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
[[output]]
name = "archive"
type = "file"
path = "{{.Dir}}/events.jsonl"
` + extra
}

// scnExamples returns the shipped example rules (configs/correlate), the
// rules the scenarios must work with.
func scnExamples(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../configs/correlate/examples.toml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "{{") {
		t.Fatal("examples.toml contains {{: it would be read as a template")
	}
	return "\n" + string(b)
}

// scn is one scenario: a nomen, the logger binary, and a count of the
// input events sent so far.
type scn struct {
	t         *testing.T
	n         *nomen
	loggerBin string
	sent      int // input events sent, that must show up in the output
	sentinel  int
}

func newScn(t *testing.T, config string) *scn {
	t.Helper()
	if testing.Short() {
		t.Skip("slow end-to-end scenario")
	}
	logger := needCommand(t, "logger")
	return &scn{t: t, n: startNomen(t, config), loggerBin: logger}
}

func (s *scn) out() string { return filepath.Join(s.n.dir, "events.jsonl") }

// logger runs logger against the TCP listener (one connection per call)
// with args; the message counts as one input event.
func (s *scn) logger(args ...string) {
	s.t.Helper()
	all := append([]string{"-n", "127.0.0.1", "-P", s.n.port("tcp"), "-T"}, args...)
	run(s.t, s.loggerBin, all...)
	s.sent++
}

// syslog sends one RFC 3164 message: tag may carry "name[pid]" as --id.
func (s *scn) syslog(prio, tag, msg string) {
	s.t.Helper()
	args := []string{"--rfc3164", "-p", prio}
	if name, pid, ok := strings.Cut(strings.TrimSuffix(tag, "]"), "["); ok {
		args = append(args, "-t", name, "--id="+pid)
	} else {
		args = append(args, "-t", tag)
	}
	s.logger(append(args, msg)...)
}

// file sends every line of lines with one logger over one TCP connection,
// so nomen sees them in this order.
func (s *scn) file(prio, tag string, lines []string) {
	s.t.Helper()
	path := filepath.Join(s.t.TempDir(), "lines.txt")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		s.t.Fatal(err)
	}
	run(s.t, s.loggerBin, "-n", "127.0.0.1", "-P", s.n.port("tcp"), "-T", "--rfc3164", "-p", prio, "-t", tag, "-f", path)
	s.sent += len(lines)
}

// raw writes one syslog line over its own TCP connection (for what logger
// cannot send: another host name than this machine's).
func (s *scn) raw(line string) {
	s.t.Helper()
	c, err := net.Dial("tcp", s.n.addr("tcp"))
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		s.t.Fatal(err)
	}
	c.Close()
	s.sent++
}

// scnInput reports whether doc is an event received from a sender (not a
// finding, not a process-lifetime record).
func scnInput(doc map[string]any) bool {
	return getStr(doc, "event.kind") != "alert" && !strings.HasPrefix(getStr(doc, "event.dataset"), "nomen.")
}

// waitFor polls the output until at least want documents satisfy pred and
// returns the whole output; it fails the test after scnWait.
func (s *scn) waitFor(what string, want int, pred func(map[string]any) bool) []map[string]any {
	s.t.Helper()
	deadline := time.Now().Add(scnWait)
	for {
		docs := readJSONLines(s.t, s.out())
		got := 0
		for _, d := range docs {
			if pred(d) {
				got++
			}
		}
		if got >= want {
			return docs
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %s for %d %s, have %d; output:\n%s\nnomen log:\n%s", scnWait, want, what, got, scnDump(docs), s.n.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// settle waits until every input event sent so far is in the output, then
// sends a sentinel and waits for it: everything the pipeline journaled
// before (findings of those events included) is then in the output too.
func (s *scn) settle() []map[string]any {
	s.t.Helper()
	s.waitFor("input events", s.sent, scnInput)
	s.sentinel++
	msg := fmt.Sprintf("scenario sentinel %d", s.sentinel)
	s.syslog("user.info", "scnsentinel", msg)
	return s.waitFor("sentinel "+msg, 1, func(d map[string]any) bool { return getStr(d, "message") == msg })
}

// scnFindings returns the alerts of rule (rule.name) in docs.
func scnFindings(docs []map[string]any, rule string) []map[string]any {
	var out []map[string]any
	for _, d := range docs {
		if getStr(d, "event.kind") == "alert" && getStr(d, "rule.name") == rule {
			out = append(out, d)
		}
	}
	return out
}

// scnList returns a list field as strings.
func scnList(doc map[string]any, path string) []string {
	var out []string
	switch v := get(doc, path).(type) {
	case []any:
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
	case string:
		out = append(out, v)
	}
	return out
}

// scnCheck compares fields of doc with want (dotted path -> value).
func scnCheck(t *testing.T, what string, doc map[string]any, want map[string]string) {
	t.Helper()
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range want {
			if !yield(k) {
				return
			}
		}
	}) {
		if got := getStr(doc, k); got != want[k] {
			t.Errorf("%s: %s = %q, want %q\n%s", what, k, got, want[k], scnJSON(doc))
		}
	}
}

// scnHas reports whether list field path of doc holds every value of want.
func scnHas(t *testing.T, what string, doc map[string]any, path string, want ...string) {
	t.Helper()
	got := scnList(doc, path)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s: %s = %q, want it to hold %q", what, path, got, w)
		}
	}
}

func scnJSON(doc map[string]any) string {
	b, _ := json.Marshal(doc)
	return string(b)
}

func scnDump(docs []map[string]any) string {
	var b strings.Builder
	for _, d := range docs {
		b.WriteString(scnJSON(d))
		b.WriteByte('\n')
	}
	return b.String()
}

// scnAlerts summarizes the alerts in docs by rule.name (for messages).
func scnAlerts(docs []map[string]any) map[string]int {
	m := map[string]int{}
	for _, d := range docs {
		if getStr(d, "event.kind") == "alert" {
			m[getStr(d, "rule.name")]++
		}
	}
	return m
}

// TestScenarioSSHBruteForce: failed logons from one address mixed with
// noise raise exactly one threshold finding for that address, and suppress
// keeps it at one while the attack goes on. sshd's PAM echo of a failure
// is not counted twice, and addresses below the threshold stay silent.
func TestScenarioSSHBruteForce(t *testing.T) {
	s := newScn(t, scnBase(scnExamples(t)))
	const attacker = "203.0.113.9"
	fail := func(pid, user, ip, port string) {
		s.syslog("auth.info", "sshd["+pid+"]", fmt.Sprintf("Failed password for %s from %s port %s ssh2", user, ip, port))
	}
	pam := func(pid, ip, user string) {
		msg := "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" + ip
		if user != "" {
			msg += "  user=" + user
		}
		s.syslog("auth.info", "sshd["+pid+"]", msg)
	}

	s.syslog("authpriv.info", "CRON[3121]", "pam_unix(cron:session): session opened for user root by (uid=0)")
	fail("4410", "invalid user admin", attacker, "51000")
	pam("4410", attacker, "")
	// Four failures from another address, each echoed by PAM: eight
	// authentication failures if the echo were counted, four if not.
	for i := 0; i < 4; i++ {
		fail("4412", "invalid user oracle", "198.51.100.7", "40022")
		pam("4412", "198.51.100.7", "")
	}
	fail("4410", "invalid user admin", attacker, "51000")
	s.syslog("auth.info", "sshd[4414]", "Accepted publickey for alice from 192.0.2.55 port 60100 ssh2: ED25519 SHA256:Qm9uam91cgo")
	fail("4410", "invalid user admin", attacker, "51000")
	fail("4416", "root", attacker, "51002")
	pam("4416", attacker, "root")
	// A user mistyping the password four times, then getting in.
	for i := 0; i < 4; i++ {
		fail("4420", "bob", "192.0.2.80", "52010")
	}
	s.syslog("auth.info", "sshd[4420]", "Accepted password for bob from 192.0.2.80 port 52010 ssh2")
	s.syslog("kern.warning", "kernel", "[12345.678901] TCP: request_sock_TCP: Possible SYN flooding on port 22. Sending cookies.")
	s.syslog("daemon.info", "nginx", `192.0.2.1 - - "GET / HTTP/1.1" 200 612`)
	fail("4416", "root", attacker, "51002") // the 5th from the attacker
	s.syslog("authpriv.info", "CRON[3121]", "pam_unix(cron:session): session closed for user root")

	s.waitFor("auth-bruteforce findings", 1, func(d map[string]any) bool {
		return getStr(d, "rule.name") == "auth-bruteforce"
	})
	// The attack goes on: suppress (5m) keeps it at one finding.
	for i := 0; i < 6; i++ {
		fail("4430", "root", attacker, "51100")
	}
	docs := s.settle()

	got := scnFindings(docs, "auth-bruteforce")
	if len(got) != 1 {
		t.Fatalf("%d auth-bruteforce findings, want exactly 1 (for %s); alerts %v\n%s", len(got), attacker, scnAlerts(docs), scnDump(got))
	}
	f := got[0]
	scnCheck(t, "brute force finding", f, map[string]string{
		"event.kind":          "alert",
		"event.action":        "threshold-exceeded",
		"event.dataset":       "nomen.correlate",
		"rule.id":             "auth-bruteforce",
		"rule.name":           "auth-bruteforce",
		"rule.category":       "threshold",
		"source.ip":           attacker,
		"nomen.finding.count": "5",
		"nomen.finding.key":   "source.ip=" + attacker,
		"message":             "5 authentication failures from " + attacker + " within 60s",
		"event.severity":      "6",
		"observer.product":    "nomen",
	})
	scnHas(t, "brute force finding", f, "related.ip", attacker)
	scnHas(t, "brute force finding", f, "related.user", "admin", "root")
	if ev := scnList(f, "nomen.finding.events"); len(ev) != 5 {
		t.Errorf("finding links %d events (%v), want the 5 failures", len(ev), ev)
	}
	if got := s.n.metric("nomen_findings_total", `rule="auth-bruteforce"`); got != 1 {
		t.Errorf("nomen_findings_total{rule=auth-bruteforce} = %v, want 1", got)
	}
}

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

// TestScenarioFirstSeenAcrossRestarts: a first logon of a user on a host,
// from an address, and a first sudo by a user each fire once: not on the
// second sighting, not after a clean restart of nomen, not after SIGKILL
// (the state comes back from the snapshot and the journal). A new user or
// host does fire.
func TestScenarioFirstSeenAcrossRestarts(t *testing.T) {
	s := newScn(t, scnBase(scnExamples(t)))
	port := 60100
	logon := func(user, ip string) {
		port++
		s.syslog("auth.info", fmt.Sprintf("sshd[%d]", 5000+port%100), fmt.Sprintf("Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:Qm9uam91cgo", user, ip, port))
	}
	sudo := func(user, cmd string) {
		s.syslog("authpriv.notice", "sudo", fmt.Sprintf("   %s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=%s", user, user, cmd))
	}
	type key struct{ rule, key string }
	count := func(docs []map[string]any) map[key]int {
		m := map[key]int{}
		for _, d := range docs {
			if getStr(d, "event.kind") == "alert" && getStr(d, "rule.category") == "first_seen" {
				m[key{getStr(d, "rule.name"), getStr(d, "nomen.finding.key")}]++
			}
		}
		return m
	}
	var host string
	expect := func(phase string, want map[key]int) {
		t.Helper()
		docs := s.settle()
		got := count(docs)
		for k, n := range want {
			if got[k] != n {
				t.Errorf("%s: %s for %q fired %d times, want %d", phase, k.rule, k.key, got[k], n)
			}
		}
		for k, n := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: unexpected %s for %q (%d times)", phase, k.rule, k.key, n)
			}
		}
		if t.Failed() {
			t.Fatalf("alerts: %v\nnomen log:\n%s", scnAlerts(docs), s.n.log)
		}
	}

	logon("alice", "192.0.2.55")
	sudo("alice", "/usr/bin/systemctl restart nginx")
	docs := s.settle()
	for _, d := range docs {
		if getStr(d, "event.provider") == "sshd" {
			host = getStr(d, "host.name")
		}
	}
	if host == "" {
		t.Fatalf("no sshd event with a host name:\n%s", scnDump(docs))
	}
	want := map[key]int{
		{"first-logon-user-host", "user.name=alice host.name=" + host}: 1,
		{"first-logon-source", "user.name=alice source.ip=192.0.2.55"}: 1,
		{"first-sudo-user", "user.name=alice"}:                         1,
	}
	expect("first sighting", want)
	for _, f := range scnFindings(docs, "first-sudo-user") {
		scnCheck(t, "first sudo", f, map[string]string{
			"event.kind": "alert", "event.action": "first-seen", "rule.id": "first-sudo-user", "user.name": "alice",
			"message": "first sudo by alice: /usr/bin/systemctl restart nginx as root on " + host,
		})
		scnHas(t, "first sudo", f, "related.user", "alice", "root")
	}

	logon("alice", "192.0.2.55")
	sudo("alice", "/usr/bin/journalctl -u nginx")
	expect("second sighting", want)

	s.n.stop()
	s.n.start()
	logon("alice", "192.0.2.55")
	sudo("alice", "/usr/bin/id")
	expect("after a restart", want)

	// dave's first sudo is journaled, then nomen is killed at once (before
	// its periodic snapshot, most likely): it must not fire again.
	sudo("dave", "/bin/bash")
	want[key{"first-sudo-user", "user.name=dave"}] = 1
	expect("before the kill", want)
	s.n.kill()
	s.n.start()
	logon("alice", "192.0.2.55")
	sudo("alice", "/usr/bin/uptime")
	sudo("dave", "/bin/ls")
	expect("after SIGKILL", want)

	// New users and a new host fire.
	sudo("bob", "/bin/bash")
	logon("carol", "192.0.2.56")
	// logger always names this machine: the other host comes raw.
	s.raw("<38>Nov 22 10:02:20 db1 sshd[901]: Accepted password for alice from 192.0.2.55 port 60110 ssh2")
	want[key{"first-sudo-user", "user.name=bob"}] = 1
	want[key{"first-logon-user-host", "user.name=carol host.name=" + host}] = 1
	want[key{"first-logon-source", "user.name=carol source.ip=192.0.2.56"}] = 1
	want[key{"first-logon-user-host", "user.name=alice host.name=db1"}] = 1
	expect("new users and host", want)
}

// TestScenarioSequenceGaps: RFC 5424 [meta sequenceId] from logger. One
// stream sends 1,2,3,7: one gap of 4-6 after the grace period. Another
// (same host and app, another procid) sends 1,2,4,3: the late 3 fills the
// hole within the grace period, so no gap.
func TestScenarioSequenceGaps(t *testing.T) {
	s := newScn(t, scnBase(`
[sequence]
grace = "5s"
`))
	send := func(procid string, seq int) {
		msg := fmt.Sprintf("scnseq %s message %d", procid, seq)
		s.logger("--rfc5424", "-p", "user.notice", "-t", "scnseq", "--id="+procid,
			"--sd-id", "meta", "--sd-param", fmt.Sprintf(`sequenceId="%d"`, seq), msg)
		// Wait for it: separate connections could otherwise be read out of
		// order, and the order is the point (grace is long enough for it).
		s.waitFor(msg, 1, func(d map[string]any) bool { return getStr(d, "message") == msg })
	}
	for _, n := range []int{1, 2, 4, 3} {
		send("200", n)
	}
	for _, n := range []int{1, 2, 3, 7} {
		send("100", n)
	}
	docs := s.settle()
	for _, d := range docs {
		if strings.HasPrefix(getStr(d, "message"), "scnseq ") && getStr(d, "event.sequence") == "" {
			t.Fatalf("sequenceId not read: %s", scnJSON(d))
		}
	}
	s.waitFor("sequence-gap findings", 1, func(d map[string]any) bool { return getStr(d, "rule.name") == "sequence-gap" })
	// The 1,2,4,3 stream's hole (if it were one) was due before the other's.
	docs = s.settle()
	gaps := scnFindings(docs, "sequence-gap")
	if len(gaps) != 1 {
		t.Fatalf("%d sequence-gap findings, want exactly 1 (4-6 of procid 100):\n%s", len(gaps), scnDump(gaps))
	}
	g := gaps[0]
	scnCheck(t, "gap", g, map[string]string{
		"event.kind":              "alert",
		"event.action":            "sequence-gap",
		"rule.id":                 "nomen.sequence.gap",
		"rule.name":               "sequence-gap",
		"nomen.gap.first_missing": "4",
		"nomen.gap.last_missing":  "6",
		"nomen.gap.count":         "3",
		"nomen.gap.explained_by":  "",
	})
	if st := getStr(g, "nomen.gap.stream"); !strings.HasPrefix(st, "rfc5424:") || !strings.HasSuffix(st, "/scnseq/100") {
		t.Errorf("gap stream %q, want rfc5424:<host>/scnseq/100", st)
	}
	if got := s.n.metric("nomen_sequence_gaps_total", ""); got != 1 {
		t.Errorf("nomen_sequence_gaps_total = %v, want 1", got)
	}
	if got := s.n.metric("nomen_missing_events_total", ""); got != 3 {
		t.Errorf("nomen_missing_events_total = %v, want 3", got)
	}
}

// scnBuildAgent builds nomen-agent (as TestMain builds nomen).
func scnBuildAgent(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nomen-agent")
	args := []string{"build", "-o", bin, "../nomen-agent"}
	if raceEnabled {
		args = []string{"build", "-race", "-o", bin, "../nomen-agent"}
	}
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("building nomen-agent: %v\n%s", err, out)
	}
	return bin
}

// scnWinEvent is one Security record as rendered event XML.
func scnWinEvent(record, code int, provider string, at time.Time, body string) string {
	return fmt.Sprintf(`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='%s'/><EventID>%d</EventID><Version>0</Version><Level>0</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Channel>Security</Channel><Computer>WS01.corp.example</Computer><Security/></System>%s</Event>`,
		provider, code, at.UTC().Format("2006-01-02T15:04:05.0000000Z"), record, body)
}

// TestScenarioAgentLogCleared: nomen-agent replays Security records over
// mutual TLS; the log is cleared (1102) and the record numbers jump. The
// clearing raises its own alert, and the gap it left is reported as
// explained by it.
func TestScenarioAgentLogCleared(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end scenario")
	}
	needCommand(t, "logger")
	agentBin := scnBuildAgent(t)
	pki := testpeer.NewPKI(t)
	s := newScn(t, scnBase(fmt.Sprintf(`
[sequence]
grace = "2s"
[[listener]]
name = "agents"
protocol = "agent"
address = "127.0.0.1:0"
tls = { cert = %q, key = %q, client_ca = %q }
`, pki.ServerCert, pki.ServerKey, pki.CA)))

	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	logonBody := func(user string) string {
		return `<EventData><Data Name='TargetUserName'>` + user + `</Data><Data Name='TargetDomainName'>CORP</Data><Data Name='TargetLogonId'>0x5f3c2a1</Data><Data Name='LogonType'>3</Data><Data Name='IpAddress'>10.20.30.41</Data><Data Name='IpPort'>50612</Data></EventData>`
	}
	var recs []string
	for r := 100; r <= 104; r++ {
		recs = append(recs, scnWinEvent(r, 4624, "Microsoft-Windows-Security-Auditing", at.Add(time.Duration(r-100)*time.Second), logonBody("alice")))
	}
	recs = append(recs, scnWinEvent(105, 1102, "Microsoft-Windows-Eventlog", at.Add(10*time.Second),
		`<UserData><LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'><SubjectUserSid>S-1-5-21-3457937927-2839227994-823803824-1107</SubjectUserSid><SubjectUserName>mallory</SubjectUserName><SubjectDomainName>CORP</SubjectDomainName><SubjectLogonId>0x71b9e04</SubjectLogonId></LogFileCleared></UserData>`))
	// 106-109 never come.
	for r := 110; r <= 112; r++ {
		recs = append(recs, scnWinEvent(r, 4624, "Microsoft-Windows-Security-Auditing", at.Add(time.Duration(r-90)*time.Second), logonBody("bob")))
	}
	file := filepath.Join(t.TempDir(), "security.xml")
	if err := os.WriteFile(file, []byte(strings.Join(recs, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), scnWait)
	defer cancel()
	out, err := exec.CommandContext(ctx, agentBin, "replay", "-relay", s.n.addr("agents"), "-cert", pki.ClientCert, "-key", pki.ClientKey,
		"-ca", pki.CA, file).CombinedOutput()
	if err != nil {
		t.Fatalf("nomen-agent replay: %v\n%s\nnomen log:\n%s", err, out, s.n.log)
	}
	s.sent += len(recs)
	s.waitFor("sequence-gap findings", 1, func(d map[string]any) bool { return getStr(d, "rule.name") == "sequence-gap" })
	docs := s.settle()

	records := 0
	for _, d := range docs {
		if scnInput(d) && getStr(d, "agent.id") == "nomen-test-client" && getStr(d, "winlog.record_id") != "" {
			records++
		}
	}
	if records != len(recs) {
		t.Errorf("%d agent records in the output, want %d", records, len(recs))
	}
	cleared := scnFindings(docs, "audit-log-cleared")
	if len(cleared) != 1 {
		t.Fatalf("%d audit-log-cleared findings, want 1; alerts %v\n%s", len(cleared), scnAlerts(docs), scnDump(docs))
	}
	scnCheck(t, "log cleared", cleared[0], map[string]string{
		"event.kind":       "alert",
		"event.action":     "audit-log-cleared",
		"event.code":       "1102",
		"rule.id":          "nomen.sequence.log-cleared",
		"host.name":        "WS01.corp.example",
		"agent.id":         "nomen-test-client",
		"winlog.channel":   "Security",
		"winlog.record_id": "105",
	})
	scnHas(t, "log cleared", cleared[0], "related.hosts", "WS01.corp.example")
	scnHas(t, "log cleared", cleared[0], "related.user", "mallory")
	if u := getStr(cleared[0], "user.name"); u != "mallory" {
		t.Errorf("log cleared by %q, want mallory", u)
	}
	gaps := scnFindings(docs, "sequence-gap")
	if len(gaps) != 1 {
		t.Fatalf("%d sequence-gap findings, want 1:\n%s", len(gaps), scnDump(gaps))
	}
	scnCheck(t, "gap", gaps[0], map[string]string{
		"event.kind":              "alert",
		"rule.id":                 "nomen.sequence.gap",
		"nomen.gap.stream":        "agent:nomen-test-client/Security",
		"nomen.gap.first_missing": "106",
		"nomen.gap.last_missing":  "109",
		"nomen.gap.count":         "4",
		"nomen.gap.explained_by":  "audit-log-cleared",
		"agent.id":                "nomen-test-client",
	})
	// The gap links the 1102 that explains it.
	if ev := scnList(cleared[0], "nomen.finding.events"); len(ev) != 1 {
		t.Errorf("log-cleared finding links events %v, want the 1102", ev)
	} else {
		scnHas(t, "gap", gaps[0], "nomen.finding.events", ev[0])
	}
	if !strings.Contains(getStr(gaps[0], "message"), "the source reported audit-log-cleared") {
		t.Errorf("gap message %q does not say the clearing explains it", getStr(gaps[0], "message"))
	}
	if got := s.n.metric("nomen_sequence_gaps_total", ""); got != 1 {
		t.Errorf("nomen_sequence_gaps_total = %v, want 1", got)
	}
	if got := s.n.metric("nomen_missing_events_total", ""); got != 4 {
		t.Errorf("nomen_missing_events_total = %v, want 4", got)
	}
	if got := s.n.metric("nomen_sequence_loss_reports_total", `audit-log-cleared`); got != 1 {
		t.Errorf("nomen_sequence_loss_reports_total{audit-log-cleared} = %v, want 1", got)
	}
}

// scnSubscriber reads one live subscription's NDJSON stream.
type scnSubscriber struct {
	mu   sync.Mutex
	docs []map[string]any
	err  atomic.Value
}

func scnSubscribe(t *testing.T, n *nomen, where ...string) *scnSubscriber {
	t.Helper()
	q := url.Values{"where": where}
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := http.DefaultClient.Do(n.apiRequest(ctx, "/v1/events?"+q.Encode()))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		cancel()
		t.Fatalf("GET /v1/events: %s, Content-Type %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	sub := &scnSubscriber{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			var doc map[string]any
			if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
				sub.err.Store(fmt.Errorf("not NDJSON (%v): %q", err, sc.Text()))
				return
			}
			sub.mu.Lock()
			sub.docs = append(sub.docs, doc)
			sub.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-done
	})
	return sub
}

// wait returns the documents once one satisfies pred.
func (sub *scnSubscriber) wait(t *testing.T, what string, pred func(map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(scnWait)
	for {
		if err, _ := sub.err.Load().(error); err != nil {
			t.Fatal(err)
		}
		sub.mu.Lock()
		docs := slices.Clone(sub.docs)
		sub.mu.Unlock()
		if slices.ContainsFunc(docs, pred) {
			return docs
		}
		if time.Now().After(deadline) {
			t.Fatalf("live subscriber: no %s within %s; got:\n%s", what, scnWait, scnDump(docs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestScenarioLiveAPI: GET /v1/events?where=... streams the matching
// events, and findings, as NDJSON while logger sends; nothing else.
func TestScenarioLiveAPI(t *testing.T) {
	s := newScn(t, scnBase(scnExamples(t)))
	const ip = "203.0.113.7"
	events := scnSubscribe(t, s.n, "event.kind=event", "source.ip="+ip)
	alerts := scnSubscribe(t, s.n, "event.kind=alert")
	deadline := time.Now().Add(scnWait)
	for s.n.metric("nomen_live_subscribers", "") != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the subscriptions are not registered")
		}
		time.Sleep(20 * time.Millisecond)
	}

	fail := func(ip string, i int) {
		s.syslog("auth.info", "sshd[7001]", fmt.Sprintf("Failed password for root from %s port %d ssh2", ip, 40000+i))
	}
	for i := 0; i < 5; i++ {
		fail(ip, i)
		if i < 3 {
			fail("198.51.100.9", i) // another address, below the threshold: for nobody
		}
	}
	s.syslog("authpriv.info", "CRON[3121]", "pam_unix(cron:session): session opened for user root by (uid=0)")
	s.syslog("auth.info", "sshd[7002]", "Accepted publickey for alice from 192.0.2.55 port 60100 ssh2: ED25519 SHA256:Qm9uam91cgo")
	s.waitFor("input events", s.sent, scnInput)
	// Last, one more event for each subscriber: when it arrives, whatever
	// was published before it has arrived too.
	fail(ip, 99)
	s.syslog("authpriv.notice", "sudo", "   carol : TTY=pts/0 ; PWD=/home/carol ; USER=root ; COMMAND=/bin/ls")

	got := events.wait(t, "last failure", func(d map[string]any) bool { return strings.Contains(getStr(d, "message"), "port 40099") })
	if len(got) != 6 {
		t.Errorf("first subscriber got %d documents, want the 6 failures from %s:\n%s", len(got), ip, scnDump(got))
	}
	for _, d := range got {
		if getStr(d, "source.ip") != ip || getStr(d, "event.kind") != "event" || getStr(d, "process.name") != "sshd" {
			t.Errorf("first subscriber got a document its filter does not match: %s", scnJSON(d))
		}
	}
	got = alerts.wait(t, "first sudo of carol", func(d map[string]any) bool {
		return getStr(d, "rule.name") == "first-sudo-user" && getStr(d, "user.name") == "carol"
	})
	names := map[string]int{}
	for _, d := range got {
		if getStr(d, "event.kind") != "alert" {
			t.Errorf("alert subscriber got a document that is no alert: %s", scnJSON(d))
		}
		names[getStr(d, "rule.name")]++
	}
	want := map[string]int{"auth-bruteforce": 1, "first-logon-user-host": 1, "first-logon-source": 1, "first-sudo-user": 1}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("alert subscriber got %v, want %v:\n%s", names, want, scnDump(got))
	}
	for _, d := range got {
		if getStr(d, "rule.name") == "auth-bruteforce" && getStr(d, "source.ip") != ip {
			t.Errorf("brute force finding for %q, want %s", getStr(d, "source.ip"), ip)
		}
	}
	// The same findings reached the file output.
	docs := s.settle()
	if n := len(scnFindings(docs, "auth-bruteforce")); n != 1 {
		t.Errorf("%d auth-bruteforce findings in the file, want 1", n)
	}
}
