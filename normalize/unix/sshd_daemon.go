package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The listening daemon's own lines (sshd.c of OpenSSH 3.x to 10.x) and
// Kerberos authorization (auth-krb5.c):
//
//	Server listening on ADDR port N[ rdomain R].           one per ListenAddress: the address is this host's (server.*)
//	error: Bind to port N on ADDR failed: REASON.
//	fatal: Cannot bind any address.
//	Received signal N; terminating.
//	Received SIGHUP; restarting.
//	Authorized to USER, krb5 principal PRINCIPAL (krb5_kuserok)

var (
	classProcChange = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeChange)
	classNetError   = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeError)
)

// sshdDaemon decodes the lines above (m without "error: "/"fatal: ").
func sshdDaemon(e *event.Event, m string) bool {
	switch {
	case strings.HasPrefix(m, "Server listening on "):
		addr, r, _ := strings.Cut(m[len("Server listening on "):], " port ")
		port, rdomain, _ := strings.Cut(strings.TrimSuffix(r, "."), " rdomain ")
		if !ecs.IsIP(addr) || !ecs.IsDigits(port) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.listen")
		ecs.ClassProcStart.Set(e, "service-start", ecs.OutcomeSuccess)
		sshdListenAddress(e, addr, port)
		e.SetStr("sshd.rdomain", rdomain)
		return true
	case strings.HasPrefix(m, "Bind to port "):
		port, r, _ := strings.Cut(m[len("Bind to port "):], " on ")
		addr, reason, ok := strings.Cut(r, " failed: ")
		if !ok || !ecs.IsIP(addr) || !ecs.IsDigits(port) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.bind_failed")
		classNetError.Set(e, "ssh-bind-failed", ecs.OutcomeFailure)
		sshdListenAddress(e, addr, port)
		e.SetStr("error.message", strings.TrimSuffix(reason, "."))
		return true
	case m == "Cannot bind any address.":
		ecs.Begin(e, "sshd", "sshd.listen_failed")
		ecs.ClassProcStart.Set(e, "service-start", ecs.OutcomeFailure)
		e.SetStr("error.message", "Cannot bind any address")
		return true
	case strings.HasPrefix(m, "Received signal "):
		n, ok := strings.CutSuffix(m[len("Received signal "):], "; terminating.")
		if !ok || !ecs.IsDigits(n) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.terminate")
		ecs.ClassProcEnd.Set(e, "service-stop", "")
		ecs.SetUint(e, "sshd.signal", n)
		return true
	case m == "Received SIGHUP; restarting.":
		ecs.Begin(e, "sshd", "sshd.restart")
		classProcChange.Set(e, "service-reload", "")
		return true
	case strings.HasPrefix(m, "Authorized to "):
		user, r, ok := strings.Cut(m[len("Authorized to "):], ", krb5 principal ")
		principal, ok2 := strings.CutSuffix(r, " (krb5_kuserok)")
		if !ok || !ok2 || user == "" || strings.IndexByte(user, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.krb5_authorized")
		ecs.ClassAuthInfo.Set(e, "ssh-krb5-authorized", ecs.OutcomeSuccess)
		ecs.SetUser(e, "user.name", user)
		e.SetStr("sshd.krb5_principal", principal)
		return true
	}
	return false
}

// sshdListenAddress sets server.port and, unless it is the wildcard
// (0.0.0.0, ::: every address of the host, none in particular), server.ip;
// sshd.listen_address keeps the address as sshd wrote it.
func sshdListenAddress(e *event.Event, addr, port string) {
	e.SetStr("sshd.listen_address", addr)
	if addr != "0.0.0.0" && addr != "::" {
		ecs.SetAddress(e, "server", addr)
	}
	ecs.SetPort(e, "server.port", port)
}
