package main

import (
	"fmt"
	"strings"
	"testing"
)

// Scenario tests of what a stage remembers: first-seen across restarts,
// sequence gaps.

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
