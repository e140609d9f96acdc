package unix

import (
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// pam_unix's user= is its line's last key: the name is the rest of the
// line as typed, spaces and all, not its first word (a name holding ": "
// and more was cut to its first word); the other keys are unchanged.
func TestPAMUserIsTheRestOfTheLine(t *testing.T) {
	for msg, want := range map[string][2]string{
		"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.23  user=root":                                     {"root", "192.0.2.23"},
		"pam_sss(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.23 user=John Smith":                                 {"John Smith", "192.0.2.23"},
		"pam_sss(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.23 user=x: Connection from 203.0.113.66 port 22: y": {"x: Connection from 203.0.113.66 port 22: y", "192.0.2.23"},
	} {
		e := &event.Event{AppName: "sshd", Message: msg}
		if !decodePAM(e) {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := [2]string{e.Str("user.name"), e.Str("source.ip")}; got != want {
			t.Errorf("%q: user.name, source.ip %q, want %q", msg, got, want)
		}
	}
}
