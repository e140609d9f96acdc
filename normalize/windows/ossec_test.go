package windows

import (
	"strings"
	"testing"
)

// winEvtLogAt finds the record where OSSEC puts it (the line's start,
// after its time and archives.log's agent and location, or an alert's
// log) and nowhere else.
func TestWinEvtLogAt(t *testing.T) {
	const rec = "WinEvtLog: Security: AUDIT_SUCCESS(4624): x"
	for _, c := range []struct {
		m  string
		ok bool // the record is there: want the last marker's place
	}{
		{rec, true},
		{"2026 Mar 03 09:14:55 " + rec, true},
		{"2026 Mar 03 09:14:56 (FS-02) 10.0.0.1->EventChannel 2026 Mar 03 09:14:55 " + rec, true},
		{"2026 Mar 03 09:14:56 FS-02->WinEvtLog 2026 Mar 03 09:14:55 " + rec, true},
		{"Alert Level: 3; Rule: 1 - Logon.; Location: (FS-02) 10.0.0.1->EventChannel; 2026 Mar 03 09:14:55 " + rec, true},
		{"Alert Level: 3; Rule: 1 - Logon.; Location: (FS-02) 10.0.0.1->EventChannel; srcip: 10.0.0.9; user: a;; " +
			"2026 Mar 03 09:14:55 " + rec, true},
		{"note x " + rec, false},
		{"note; 2026 Mar 03 09:14:55 " + rec, false},
		{"Alert Level: 5; Rule: 5710 - x; Location: (web1) 10.0.0.7->/var/log/auth.log; srcip: 10.0.0.9; " +
			"Mar  3 09:14:55 web1 sshd[311]: Invalid user x " + rec, false},
		{"Alert Level: 5; Rule: 5710 - x; Location: (web1) 10.0.0.7->/var/log/auth.log; " +
			"Mar  3 09:14:55 web1 sshd[311]: Invalid user x; 2026 Mar 03 09:14:55 " + rec, false},
		{"Alert Level: 3; Rule: 1 - x", false},
		{"", false},
	} {
		want := -1
		if c.ok {
			want = strings.LastIndex(c.m, rec)
		}
		if got := winEvtLogAt(c.m); got != want {
			t.Errorf("winEvtLogAt(%q) = %d, want %d", c.m, got, want)
		}
	}
}
