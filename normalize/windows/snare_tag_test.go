package windows

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// TestSnareTagFromRelay: a Snare record whose header a relay's RFC 5424
// output sent as APP-NAME (rsyslog with its TABs escaped as "#011",
// syslog-ng with TABs) gives the event the whole record gives.
func TestSnareTagFromRelay(t *testing.T) {
	const record = "MSWinEventLog\t1\tSecurity\t907\tWed Jul 01 10:02:11 2026\t4625\tMicrosoft-Windows-Security-Auditing\tN/A\tN/A\tFailure Audit\tWKS-17\tLogon\t\tAn account failed to log on.\t88"
	head, body, _ := strings.Cut(record, " ")
	keys := []string{"event.code", "winlog.channel", "winlog.computer_name", "event.sequence", "event.outcome", "nomen.rule"}
	fields := func(e *event.Event) string {
		var b strings.Builder
		for _, k := range keys {
			v, _ := e.Field(k)
			fmt.Fprintf(&b, "%s=%v ", k, v)
		}
		return fmt.Sprintf("%sapp=%q msg=%q", b.String(), e.AppName, e.Message)
	}
	whole := event.New(normtest.Received)
	whole.Message = record
	if !decodeWindows(whole) {
		t.Fatal("the whole record not decoded")
	}
	want := fields(whole)
	if !strings.Contains(want, "event.code=4625") || !strings.Contains(want, "event.sequence=907") {
		t.Fatalf("whole record: %s", want)
	}
	for name, split := range map[string][2]string{
		"rsyslog":   {strings.ReplaceAll(head, "\t", "#011"), " " + strings.ReplaceAll(body, "\t", "#011")},
		"syslog-ng": {head, body},
	} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = split[0], split[1]
		if !sniffWindows(e) || !gateWindows.Also(e) {
			t.Errorf("%s: not sniffed", name)
		}
		if !decodeWindows(e) {
			t.Errorf("%s: not decoded", name)
			continue
		}
		if got := fields(e); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	// Not a Snare header: left alone.
	for _, app := range []string{"MSWinEventLog", "MSWinEventLogX", "MSWinEventLog#0111#011Security"} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = app, "hello"
		if decodeWindows(e) || e.AppName != app || len(e.Fields) != 0 {
			t.Errorf("%q: decoded or changed", app)
		}
	}
}
