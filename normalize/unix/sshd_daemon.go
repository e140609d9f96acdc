package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The listening daemon's own lines (sshd.c of OpenSSH 3.x to 10.x) and
// the authorization notes of auth-krb5.c and auth2-pubkey.c:
//
//	Server listening on ADDR port N[ rdomain R].           one per ListenAddress: the address is this host's (server.*)
//	error: Bind to port N on ADDR failed: REASON.
//	fatal: Cannot bind any address.
//	Received signal N; terminating.
//	Received SIGHUP; restarting.
//	error: Could not load host key: PATH
//	error: Could not stat TAG "PATH": REASON       misc.c subprocess(): TAG AuthorizedKeysCommand or AuthorizedPrincipalsCommand
//	error: Unsafe TAG "PATH": REASON               the same command refused for its ownership or modes
//	Authorized to USER, krb5 principal PRINCIPAL (krb5_kuserok)
//	Accepted certificate ID "ID" (serial N) signed by TYPE CA FP via FILE         (TrustedUserCAKeys)
//	Accepted certificate ID "ID" (serial N) signed by CA TYPE FP found at FILE:N  (cert-authority in authorized_keys)
//	Accepted certificate ID "ID" signed by TYPE CA FP via FILE                    (before 6.x: no serial)
//	Accepted key TYPE FP found at FILE:N          (LogLevel VERBOSE: the authorized_keys line that matched)
//	Could not get shadow information for USER     (auth-shadow.c, without PAM; NOUSER for an invalid user)
//
// A certificate's or key's acceptance is a step of a publickey login
// ("Accepted publickey for U ..." follows, the login itself):
// authentication/info without an outcome, else a count of successful
// logins by outcome counts each such login twice; the CA's key type and
// fingerprint are sshd.certificate.ca_key.

var (
	classProcChange = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeChange)
	classNetError   = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeInfo)
	classNetStart   = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeStart)
	classFileAccess = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeAccess)
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
		// One line per ListenAddress (two for a dual-stack host): a
		// socket opened, not the service's start.
		ecs.Begin(e, "sshd", "sshd.listen")
		classNetStart.Set(e, "ssh-listen", ecs.OutcomeSuccess)
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
	case strings.HasPrefix(m, "Could not load host key: "):
		return sshdFileFailure(e, m[len("Could not load host key: "):], "sshd.host_key_failed", "ssh-host-key-load-failed")
	case strings.HasPrefix(m, "Could not stat Authorized"), strings.HasPrefix(m, "Unsafe Authorized"):
		return sshdSubprocess(e, m)
	case strings.HasPrefix(m, "Accepted certificate ID \""):
		return sshdCertificate(e, m[len("Accepted certificate ID \""):])
	case strings.HasPrefix(m, "Accepted key "):
		return sshdKeyFound(e, m[len("Accepted key "):])
	case strings.HasPrefix(m, "Could not get shadow information for "):
		user := m[len("Could not get shadow information for "):]
		if user == "" || strings.IndexByte(user, ' ') >= 0 {
			return false
		}
		// auth_shadow_pwexpired's error: it then answers "not expired"
		// and the login goes on, its own line ("Failed password for",
		// "Accepted password for") saying how it ended. An outcome here
		// would count that login's failure twice.
		ecs.Begin(e, "sshd", "sshd.shadow_lookup_failed")
		ecs.ClassAuthInfo.Set(e, "ssh-shadow-lookup-failed", "")
		if user != "NOUSER" { // sshd's stand-in account for an invalid user
			ecs.SetUser(e, "user.name", user)
		}
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

// sshdCertificate decodes the rest of an "Accepted certificate ID " line:
// "ID" [(serial N) ]signed by (TYPE CA|CA TYPE) FP (via|found at|from) ...
func sshdCertificate(e *event.Event, r string) bool {
	i := strings.LastIndex(r, "\" ")
	if i < 0 {
		return false
	}
	id, r := r[:i], r[i+2:]
	serial := ""
	if s, rest, ok := strings.Cut(r, ") "); ok && strings.HasPrefix(s, "(serial ") {
		serial, r = s[len("(serial "):], rest
	}
	r, ok := strings.CutPrefix(r, "signed by ")
	if !ok {
		return false
	}
	f := strings.Fields(r)
	if len(f) < 3 {
		return false
	}
	typ, fp := f[0], f[2]
	switch {
	case f[0] == "CA":
		typ = f[1]
	case f[1] != "CA":
		return false
	}
	ecs.Begin(e, "sshd", "sshd.certificate_accepted")
	ecs.ClassAuthInfo.Set(e, "ssh-certificate-accepted", "") // a step: the login's line has the outcome
	e.SetStr("sshd.certificate.id", id)
	ecs.SetUint(e, "sshd.certificate.serial", serial)
	e.SetStr("sshd.certificate.ca_key", typ+" "+fp)
	return true
}

// sshdKeyFound decodes the rest of an "Accepted key " line (LogLevel
// VERBOSE, auth2-pubkeyfile.c): "TYPE FP found at FILE:N", the
// authorized_keys line that matched the client's key (the publickey
// login's "Accepted publickey" follows). Where the keys came from a
// command, not a file, the location names no path.
func sshdKeyFound(e *event.Event, r string) bool {
	typ, r := ecs.CutWord(r)
	fp, r := ecs.CutWord(r)
	loc, ok := strings.CutPrefix(r, "found at ")
	if !ok || typ == "" || fp == "" || loc == "" {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.key_accepted")
	ecs.ClassAuthInfo.Set(e, "ssh-key-accepted", "") // a step: the login's line has the outcome
	e.SetStr("sshd.key", typ+" "+fp)
	if i := strings.LastIndexByte(loc, ':'); i > 0 && strings.HasPrefix(loc, "/") && ecs.IsDigits(loc[i+1:]) {
		e.SetStr("file.path", loc[:i])
	}
	return true
}

// sshdSubprocess decodes subprocess()'s refusal to run the command that
// gives a login's authorized keys or principals (its path missing, or not
// safely owned): that login's public key cannot be checked.
func sshdSubprocess(e *event.Event, m string) bool {
	verb, r, _ := strings.Cut(m, " Authorized")
	tag, r, ok := strings.Cut("Authorized"+r, ` "`)
	path, reason, ok2 := strings.Cut(r, `": `)
	if !ok || !ok2 || path == "" || (tag != "AuthorizedKeysCommand" && tag != "AuthorizedPrincipalsCommand") {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.subprocess_failed")
	classFileAccess.Set(e, "ssh-command-failed", ecs.OutcomeFailure)
	e.SetStr("file.path", path)
	e.SetStr("sshd.command", tag)
	e.SetStr("error.message", reason)
	if verb == "Unsafe" {
		e.SetStr("event.reason", "unsafe path")
	}
	return true
}

// sshdFileFailure decodes a line that ends in the path of a file sshd
// could not use (a host key, the privilege separation directory): one
// word, no spaces, else the line is not this one.
func sshdFileFailure(e *event.Event, path, rule, action string) bool {
	if path == "" || strings.IndexByte(path, ' ') >= 0 {
		return false
	}
	ecs.Begin(e, "sshd", rule)
	classFileAccess.Set(e, action, ecs.OutcomeFailure)
	e.SetStr("file.path", path)
	return true
}
