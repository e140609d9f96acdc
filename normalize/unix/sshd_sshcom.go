package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// SSH Communications' sshd2 (SSH Secure Shell 2.x/3.x, later Tectia),
// which also logs as sshd, words its lines otherwise than OpenSSH:
//
//	connection from "HOST"
//	User U, coming from HOST, authenticated.
//	Local disconnected: REASON
//	connection lost: 'REASON'
//
// HOST is the client (an address or a name).

// sshdSSHCom decodes the lines above.
func sshdSSHCom(e *event.Event, m string) bool {
	switch {
	case strings.HasPrefix(m, `connection from "`):
		host, ok := strings.CutSuffix(m[len(`connection from "`):], `"`)
		if !ok || host == "" || strings.IndexByte(host, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.sshcom.connection")
		ecs.ClassConnStart.Set(e, "ssh-connection", "")
		ecs.SetAddress(e, "source", host)
		return true
	case strings.HasPrefix(m, "User ") && strings.HasSuffix(m, ", authenticated."):
		user, host, ok := strings.Cut(strings.TrimSuffix(m[len("User "):], ", authenticated."), ", coming from ")
		if !ok || user == "" || strings.IndexByte(user, ' ') >= 0 || strings.IndexByte(host, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.sshcom.auth.success")
		ecs.ClassAuthStart.Set(e, actionSSHLogin, ecs.OutcomeSuccess)
		ecs.SetUser(e, "user.name", user)
		ecs.SetAddress(e, "source", host)
		return true
	case strings.HasPrefix(m, "Local disconnected: "):
		ecs.Begin(e, "sshd", "sshd.sshcom.disconnect")
		ecs.ClassConnEnd.Set(e, "ssh-disconnect", "")
		e.SetStr("sshd.reason", m[len("Local disconnected: "):])
		return true
	case len(m) > len("connection lost: '") && strings.HasPrefix(m, "connection lost: '") && strings.HasSuffix(m, "'"):
		// (the length: "connection lost: '" alone, a line cut after
		// its quote, has no closing one)
		ecs.Begin(e, "sshd", "sshd.sshcom.connection_lost")
		ecs.ClassConnEnd.Set(e, "ssh-connection-lost", ecs.OutcomeFailure)
		e.SetStr("sshd.reason", m[len("connection lost: '"):len(m)-1])
		return true
	}
	return false
}
