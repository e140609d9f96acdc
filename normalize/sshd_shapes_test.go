package normalize

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// TestSSHDShapes: the log lines OpenSSH's sshd writes for a login attempt
// (auth.c, auth2.c, sshd.c, packet.c; PAM's pam_unix through sshd), from
// syslog and from metalog's files ("[sshd] ..."), give the ECS fields a
// detection reads: what happened, whether it worked, who, from where.
// The lines are written here in sshd's documented formats.
func TestSSHDShapes(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	type want struct{ action, outcome, user, ip, port string }
	for _, tc := range []struct {
		line string
		want want
	}{
		{"<38>Mar  8 10:12:18 [sshd] User root from 192.0.2.10 not allowed because not listed in AllowUsers",
			want{"ssh-user-not-allowed", "failure", "root", "192.0.2.10", ""}},
		{"Mar  8 10:12:18 [sshd] Failed password for root from 192.0.2.18 port 50128 ssh2",
			want{"ssh-login", "failure", "root", "192.0.2.18", "50128"}},
		{"<38>Mar  8 10:12:18 [sshd] Invalid user admin from 192.0.2.11 port 50122",
			want{"ssh-invalid-user", "failure", "admin", "192.0.2.11", "50122"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Invalid user admin from 192.0.2.11 port 50122",
			want{"ssh-invalid-user", "failure", "admin", "192.0.2.11", "50122"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Invalid user admin from 192.0.2.11",
			want{"ssh-invalid-user", "failure", "admin", "192.0.2.11", ""}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Connection closed by authenticating user root 192.0.2.12 port 50123 [preauth]",
			want{"ssh-connection-closed", "", "root", "192.0.2.12", "50123"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Connection closed by invalid user gina 2001:db8::24 port 50133 [preauth]",
			want{"ssh-connection-closed", "", "gina", "2001:db8::24", "50133"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Disconnected from user alice 192.0.2.13 port 50124",
			want{"ssh-disconnect", "", "alice", "192.0.2.13", "50124"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Received disconnect from 192.0.2.14 port 50125:11: Bye Bye [preauth]",
			want{"ssh-disconnect", "", "", "192.0.2.14", "50125"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Received disconnect from 2001:db8::14 port 50125:11: disconnected by user",
			want{"ssh-disconnect", "", "", "2001:db8::14", "50125"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: error: maximum authentication attempts exceeded for root from 192.0.2.15 port 50126 ssh2 [preauth]",
			want{"ssh-max-auth-attempts", "failure", "root", "192.0.2.15", "50126"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: error: maximum authentication attempts exceeded for invalid user bob from 192.0.2.15 port 50126 ssh2 [preauth]",
			want{"ssh-max-auth-attempts", "failure", "bob", "192.0.2.15", "50126"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Failed password for invalid user carol from 192.0.2.16 port 50127 ssh2",
			want{"ssh-login", "failure", "carol", "192.0.2.16", "50127"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: Accepted publickey for erin from 192.0.2.19 port 50129 ssh2: ED25519 SHA256:AAAA",
			want{"ssh-login", "success", "erin", "192.0.2.19", "50129"}},
		{"<38>Mar  8 10:12:18 db1 sshd[123]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.17  user=dave",
			want{"pam-auth", "failure", "dave", "192.0.2.17", ""}},
		{"Mar  8 10:12:18 [sshd] pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.20",
			want{"pam-auth", "failure", "", "192.0.2.20", ""}},
	} {
		e := event.New(normtest.Received)
		p.Parse([]byte(tc.line), e)
		n.Normalize(e)
		got := want{normtest.Str(e, "event.action"), normtest.Str(e, "event.outcome"), normtest.Str(e, "user.name"),
			normtest.Str(e, "source.ip"), normtest.Str(e, "source.port")}
		if got != tc.want {
			t.Errorf("%s\n got  %+v\n want %+v", tc.line, got, tc.want)
		}
	}
}
