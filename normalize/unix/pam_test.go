package unix

import (
	"strings"
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

// pam_sss's "received for user U: N (TEXT)" and "Access denied for user
// U: N (TEXT)": U is the name as typed, and one holding ": N (TEXT)"
// of its own names no other user (review30: the first ": " ended U, so
// "root: 7 (x)" typed as a name logged user.name root). SSSD 1.0-1.2
// logged every answer, "0 (Success)" too: no failure. A password change's
// refusals: the current password, and the change itself (whose user is
// user.target.name, as pam_unix's "password not changed for U"). A
// refused logon's "received for user" line has no outcome: its
// "authentication failure; ... user=U" line is the failure.
func TestPAMSSSForgedUser(t *testing.T) {
	for msg, want := range map[string][3]string{ // user.name, event.reason, event.outcome
		"pam_sss(sshd:auth): received for user alice: 7 (Authentication failure)":                                        {"alice", "Authentication failure", ""},
		"pam_sss(sshd:auth): received for user root: 7 (Authentication failure): 7 (Authentication failure)":             {"", "Authentication failure", ""},
		"pam_sss(sshd:auth): received for user root:17: 10 (User not known to the underlying authentication module)":     {"root:17", "User not known to the underlying authentication module", ""},
		"pam_sss(sshd:account): Access denied for user root: 6 (Permission denied): 6 (Permission denied)":               {"", "Permission denied", "failure"},
		"pam_sss(sshd:account): Access denied for user bob: 6 (Permission denied)":                                       {"bob", "Permission denied", "failure"},
		"pam_sss(sshd:auth): received for user bob: 0 (Success)":                                                         {"", "", ""},
		"pam_sss(passwd:chauthtok): Authentication failed for user alice: 7 (Authentication failure)":                    {"alice", "Authentication failure", "failure"},
		"pam_sss(passwd:chauthtok): Password change failed for user alice: 20 (Authentication token manipulation error)": {"", "Authentication token manipulation error", "failure"}, // the user is the target
	} {
		e := &event.Event{AppName: "sshd", Message: msg}
		if !decodePAM(e) {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if strings.Contains(msg, "Password change failed") && e.Str("user.target.name") != "alice" {
			t.Errorf("%q: user.target.name %q, want alice", msg, e.Str("user.target.name"))
		}
		if got := [3]string{e.Str("user.name"), e.Str("event.reason"), e.Str("event.outcome")}; got != want {
			t.Errorf("%q: user.name, event.reason, event.outcome %q, want %q", msg, got, want)
		}
	}
}
