package unix

import (
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// sshpkt_fatal()'s "TAG: Connection from ADDR port N: REASON" is read only
// when TAG names the failing calls: another line holding ": Connection
// from " after text a client chose (a PAM module's user=NAME) gives no
// source.ip, while a real one does.
func TestSSHDTaggedFatalTag(t *testing.T) {
	for msg, want := range map[string]string{
		"process_output: ssh_packet_write_poll: Connection from user kira 192.0.2.22 port 50069: Broken pipe":                                                    "192.0.2.22",
		"pam_sss(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.23 user=x: Connection from 203.0.113.66 port 22: forged": "",
		"input_userauth_request: invalid user x: Connection from 203.0.113.66 port 22: forged":                                                                   "",
	} {
		e := &event.Event{AppName: "sshd", Message: msg}
		decodeSSHD(e)
		if got := e.Str("source.ip"); got != want {
			t.Errorf("%q: source.ip %q, want %q", msg, got, want)
		}
	}
}
