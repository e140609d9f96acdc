package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
)

// Scenario test with the real nomen-agent replaying over mutual TLS.

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
