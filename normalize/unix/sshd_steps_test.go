package unix

import (
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// LogLevel VERBOSE's key and certificate lines are steps of the publickey
// login whose "Accepted publickey for U from IP port P ssh2" line follows:
// authentication/info without an outcome, so a count of successful
// logins by outcome counts that login once.
func TestSSHDPublickeyStepsNoOutcome(t *testing.T) {
	for msg, field := range map[string]string{
		"Accepted key ED25519 SHA256:q9Vb3kXcD1eN0m2LrT7yWf8sHgA5pJz4uBiO6nKxYtE found at /home/dora/.ssh/authorized_keys:3":                          "sshd.key",
		`Accepted certificate ID "dora@corp" (serial 41) signed by ED25519 CA SHA256:Zr8uPq0LmX3vB7cN2yT5wK9hJ4fD6gS1aE0iO8nRtYw via /etc/ssh/ca.pub`: "sshd.certificate.ca_key",
		`Accepted certificate ID "dora@corp" signed by RSA CA d4:1f:0a:77:3c via /etc/ssh/ca.pub`:                                                     "sshd.certificate.ca_key",
	} {
		e := &event.Event{AppName: "sshd", Message: msg}
		if !decodeSSHD(e) {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := e.Str("event.outcome"); got != "" {
			t.Errorf("%q: event.outcome %q, want none", msg, got)
		}
		if got := e.Str("event.type"); got != "info" {
			t.Errorf("%q: event.type %q, want info", msg, got)
		}
		if e.Str(field) == "" {
			t.Errorf("%q: no %s", msg, field)
		}
	}
}
