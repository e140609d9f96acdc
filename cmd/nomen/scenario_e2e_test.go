package main

// Scenario tests for missing-event detection and correlation (issue #5):
// the real nomen binary, real wire traffic from util-linux logger (and the
// real nomen-agent replay over mutual TLS), and the findings asserted in
// the JSON lines file output and on the live API. The inputs are those of
// the in-process cases in testdata/correlate, sent over the wire.

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// scnWait bounds every wait of these tests.
const scnWait = 20 * time.Second

// scnBase is nomen with one TCP listener and a file output; extra is
// appended (a [sequence] section, rules, more listeners).
func scnBase(extra string) string {
	return headConfig + `[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
` + archiveOutput + extra
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
