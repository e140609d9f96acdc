package parse

import (
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// Each quirk the parser meets is named in Explain's notes; a plain line
// names none of them.
func TestExplainQuirks(t *testing.T) {
	cases := []struct {
		line      string
		want, not []string
	}{
		{"<38>Nov 22 10:15:02 web1 sshd[392]: Accepted publickey for alice", []string{"PRI <38>", "format rfc3164", `hostname "web1"`, `program "sshd", pid 392`},
			[]string{"Cisco", "Solaris", "no hostname", "leading space", "split", "syslog-ng"}},
		{"<38>Nov 22 10:15:02 s_all@web1/relay1 sshd[392]: Accepted", []string{`syslog-ng hostname chain "s_all@web1/relay1": host "web1"`}, nil},
		{"<189>530470: *Mar  1 00:00:42.123: %SYS-5-CONFIG_I: Configured from console", []string{"Cisco IOS sequence number prefix 530470", `"*" before the timestamp`}, nil},
		{"<13>Nov 22 10:15:02 su: FAILED SU (to root) bob on pts/0", []string{"no hostname"}, []string{"Cisco"}},
		{"<38>Nov 22 10:15:02 sol1 sshd[12]: [ID 800047 auth.info] Accepted publickey for bob", []string{"Solaris [ID 800047"}, nil},
		{"<166>   Nov 22 2026 10:15:02: %ASA-6-302013: Built outbound TCP connection", []string{"3 leading space(s)"}, nil},
		{"<86>Nov 22 10:15:02 web1 sshd(pam_unix)[77]: session opened for user bob", []string{`module "pam_unix"`}, nil},
		{"<38>1 2026-11-22T10:15:02Z web1 sshd 392 - - Accepted", []string{"format rfc5424", `APP-NAME "sshd", pid 392`}, []string{"rfc3164"}},
		{"Nov 22 10:15:02 [sshd] Invalid user admin from 192.0.2.1", []string{"no hostname", `program "sshd"`, "metalog"}, nil},
		{"<38>Nov 22 10:15:02 web1 [sshd] text", nil, []string{"metalog"}},
		{"hello world", []string{"no PRI", "whole text is the message"}, nil},
	}
	p := New(Options{Location: time.UTC})
	for _, c := range cases {
		e := event.New(time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC))
		p.Parse([]byte(c.line), e)
		notes := strings.Join(Explain([]byte(c.line), e), "\n")
		for _, w := range c.want {
			if !strings.Contains(notes, w) {
				t.Errorf("%s: notes lack %q:\n%s", c.line, w, notes)
			}
		}
		for _, n := range c.not {
			if strings.Contains(notes, n) {
				t.Errorf("%s: notes have %q:\n%s", c.line, n, notes)
			}
		}
	}
}
