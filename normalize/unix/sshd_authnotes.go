package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The notes sshd writes while it checks a login's keys, files and host
// (auth.c, auth2-pubkey.c, auth2-pubkeyfile.c, auth2-hostbased.c,
// auth-options.c, misc.c, auth-pam.c and session.c of OpenSSH 3.x to 10.x):
//
//	Root login accepted for forced command.
//	Authentication refused for USER: bad owner or modes for PATH           (hostbased: the user's known_hosts)
//	User USER (authorized keys|authorized principals) PATH is not a regular file
//	error: WARNING: revoked key for HOST attempted authentication          (hostbased)
//	error: Authentication key TYPE FP revoked by file PATH
//	error: Error checking authentication key TYPE FP in revoked keys file PATH: REASON
//	userauth_pubkey|userauth_hostbased: ... (the key checks: sshdAlgorithmRefused)
//	refusing previously-used TYPE key | refusing TYPE key: REASON (sshdKeyRefusal)
//	userauth_hostbased mismatch: client sends HOST, but we resolve ADDR to HOST2
//	error: Certificate invalid: REASON
//	administratively prohibited connection for [invalid user ]USER from ADDR port N  (RefuseConnection, 10.0+)
//	[PATH:N: ]Authentication tried for USER with correct key but not from a permitted host (host=HOST, ip=ADDR[, required=P]).
//	[PATH:N: ]Authentication tried for USER with valid certificate but not from a permitted source address (ADDR).
//	error: TAG CMD failed, status N | exited on signal N | returned status N (TAG: AuthorizedKeysCommand, AuthorizedPrincipalsCommand)
//	error|fatal: PAM: pam_open_session(): REASON   (and pam_setcred())
//	fatal: bad ownership or modes for chroot directory [component ]"PATH"     (ChrootDirectory refused)
//	fatal: chroot path [component ]"PATH" is not a directory
//	fatal: Unable to chdir to chroot path "PATH": REASON
//	Changed root directory to "PATH"                                        (VERBOSE: the session's chroot)
//	Received request to connect to path PATH, but the request was denied.  (a streamlocal forward)

// sshdAuthNote decodes the lines above (m without "error: "/"fatal: " and
// "[preauth]").
func sshdAuthNote(e *event.Event, m string) bool {
	switch {
	case m == "Root login accepted for forced command.":
		ecs.Begin(e, "sshd", "sshd.root_forced_command")
		ecs.ClassAuthInfo.Set(e, "ssh-root-forced-command", ecs.OutcomeSuccess)
		ecs.SetUser(e, "user.name", "root")
		return true
	case strings.HasPrefix(m, "Authentication refused for "):
		user, path, ok := strings.Cut(m[len("Authentication refused for "):], ": bad owner or modes for ")
		if !ok || user == "" || strings.IndexByte(user, ' ') >= 0 || path == "" {
			return false
		}
		sshdAuthRefused(e, user, path, "bad owner or modes")
		return true
	case strings.HasPrefix(m, "User ") && strings.HasSuffix(m, " is not a regular file"):
		user, r, _ := strings.Cut(m[len("User "):len(m)-len(" is not a regular file")], " ")
		for _, kind := range [...]string{"authorized keys ", "authorized principals "} {
			if path, ok := strings.CutPrefix(r, kind); ok && user != "" && path != "" {
				sshdAuthRefused(e, user, path, "not a regular file")
				return true
			}
		}
	case strings.HasPrefix(m, "WARNING: revoked key for "):
		host, ok := strings.CutSuffix(m[len("WARNING: revoked key for "):], " attempted authentication")
		if !ok || host == "" || strings.IndexByte(host, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.revoked_key")
		ecs.ClassAuthInfo.Set(e, "ssh-revoked-key", ecs.OutcomeFailure)
		ecs.SetAddress(e, "source", host)
		return true
	case strings.HasPrefix(m, "Authentication key "):
		key, path, ok := strings.Cut(m[len("Authentication key "):], " revoked by file ")
		if !ok || strings.Count(key, " ") != 1 || path == "" {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.revoked_key")
		ecs.ClassAuthInfo.Set(e, "ssh-revoked-key", ecs.OutcomeFailure)
		e.SetStr("sshd.key", key)
		e.SetStr("file.path", path)
		return true
	case strings.HasPrefix(m, "Error checking authentication key "):
		key, r, ok := strings.Cut(m[len("Error checking authentication key "):], " in revoked keys file ")
		path, reason, ok2 := strings.Cut(r, ": ")
		if !ok || !ok2 || strings.Count(key, " ") != 1 || path == "" {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.revoked_keys_unreadable")
		classFileAccess.Set(e, "ssh-revoked-keys-check-failed", ecs.OutcomeFailure)
		e.SetStr("sshd.key", key)
		e.SetStr("file.path", path)
		e.SetStr("error.message", reason)
		return true
	case strings.HasPrefix(m, "userauth_pubkey: "), strings.HasPrefix(m, "userauth_hostbased: "):
		return sshdAlgorithmRefused(e, m)
	case strings.HasPrefix(m, "refusing "), strings.HasPrefix(m, "Refusing RSA key because "):
		return sshdKeyRefusal(e, m)
	case strings.HasPrefix(m, "userauth_hostbased mismatch: client sends "):
		chost, r, ok := strings.Cut(m[len("userauth_hostbased mismatch: client sends "):], ", but we resolve ")
		addr, host, ok2 := strings.Cut(r, " to ")
		if !ok || !ok2 || !ecs.IsIP(addr) || strings.IndexByte(host, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.hostbased_mismatch")
		ecs.ClassAuthInfo.Set(e, "ssh-hostbased-mismatch", ecs.OutcomeFailure)
		ecs.SetIP(e, "source.ip", addr)
		ecs.SetHostname(e, "source.domain", host)
		e.SetStr("sshd.client_hostname", chost)
		return true
	case strings.HasPrefix(m, "Certificate invalid: "):
		ecs.Begin(e, "sshd", "sshd.certificate_invalid")
		ecs.ClassAuthInfo.Set(e, "ssh-certificate-invalid", ecs.OutcomeFailure)
		e.SetStr("sshd.reason", m[len("Certificate invalid: "):])
		return true
	case strings.HasPrefix(m, "administratively prohibited connection for "):
		// RefuseConnection (10.0+): a Match block refused the user
		user, addr, port, ok := sshdUserFrom(m[len("administratively prohibited connection for "):], true)
		if !ok {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.refuse_connection")
		ecs.ClassAuthInfo.Set(e, "ssh-connection-refused-by-config", ecs.OutcomeFailure)
		sshdSetUser(e, user)
		ecs.SetAddress(e, "source", addr)
		ecs.SetPort(e, "source.port", port)
		return true
	case strings.HasPrefix(m, "Authentication tried for "):
		return sshdKeyFromRefused(e, m[len("Authentication tried for "):])
	case strings.HasPrefix(m, "AuthorizedKeysCommand "), strings.HasPrefix(m, "AuthorizedPrincipalsCommand "):
		return sshdCommandExit(e, m)
	case strings.HasPrefix(m, "PAM: pam_open_session(): "), strings.HasPrefix(m, "PAM: pam_setcred(): "):
		fn, reason, _ := strings.Cut(m[len("PAM: "):], "(): ")
		ecs.Begin(e, "sshd", "sshd.pam_session_failed")
		ecs.ClassSessionStart.Set(e, "ssh-pam-session-failed", ecs.OutcomeFailure)
		e.SetStr("sshd.pam_function", fn)
		e.SetStr("error.message", reason)
		return true
	case strings.HasPrefix(m, "bad ownership or modes for chroot directory "),
		strings.HasPrefix(m, "chroot path "), strings.HasPrefix(m, "Unable to chdir to chroot path "):
		return sshdChroot(e, m)
	case strings.HasPrefix(m, "Changed root directory to \""):
		path, ok := strings.CutSuffix(m[len("Changed root directory to \""):], `"`)
		if !ok || path == "" {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.chroot")
		ecs.ClassProcInfo.Set(e, "ssh-chroot", ecs.OutcomeSuccess)
		e.SetStr("file.path", path)
		return true
	case strings.HasPrefix(m, "Received request to connect to path "):
		path, ok := strings.CutSuffix(m[len("Received request to connect to path "):], ", but the request was denied.")
		if !ok || path == "" {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.forward_denied")
		classConnDenied.Set(e, "ssh-port-forwarding-denied", ecs.OutcomeFailure)
		e.SetStr("file.path", path)
		return true
	}
	return sshdKeyLocNote(e, m)
}

// sshdAuthRefused: a login's key or known-hosts file sshd refused to read.
func sshdAuthRefused(e *event.Event, user, path, reason string) {
	ecs.Begin(e, "sshd", "sshd.auth.refused")
	ecs.ClassAuthInfo.Set(e, "ssh-auth-refused", ecs.OutcomeFailure)
	ecs.SetUser(e, "user.name", user)
	e.SetStr("file.path", path)
	e.SetStr("sshd.reason", reason)
}

// sshdAlgorithms are the "FUNC: WHAT X not in OPTION" refusals of a key
// or signature algorithm the configuration does not accept.
var sshdAlgorithms = []struct{ prefix, field string }{
	{"key type ", "sshd.key_type"},
	{"signature algorithm ", "sshd.signature_algorithm"},
}

// sshdAlgorithmRefused decodes the key checks of auth2-pubkey.c and
// auth2-hostbased.c (m starts "userauth_pubkey: " or "userauth_hostbased: "):
//
//	FUNC: key type TYPE not in PubkeyAcceptedAlgorithms      (PubkeyAcceptedKeyTypes before 8.5; Hostbased... likewise)
//	FUNC: signature algorithm ALG not in PubkeyAcceptedAlgorithms
//	FUNC: certificate signature algorithm ALG: REASON        (CASignatureAlgorithms)
//	FUNC: unsupported public key algorithm: ALG             (VERBOSE)
func sshdAlgorithmRefused(e *event.Event, m string) bool {
	_, r, _ := strings.Cut(m, ": ")
	if alg, ok := strings.CutPrefix(r, "unsupported public key algorithm: "); ok {
		if alg == "" || strings.IndexByte(alg, ' ') >= 0 {
			return false
		}
		sshdKeyRefused(e, "sshd.key_type", alg, "unsupported public key algorithm")
		return true
	}
	if t, ok := strings.CutPrefix(r, "certificate signature algorithm "); ok {
		alg, reason, _ := strings.Cut(t, ": ")
		if alg == "" || strings.IndexByte(alg, ' ') >= 0 {
			return false
		}
		sshdKeyRefused(e, "sshd.signature_algorithm", alg, reason)
		return true
	}
	for _, a := range sshdAlgorithms {
		t, ok := strings.CutPrefix(r, a.prefix)
		if !ok {
			continue
		}
		alg, option, ok := strings.Cut(t, " not in ")
		if !ok || alg == "" || strings.IndexByte(alg, ' ') >= 0 || !strings.HasSuffix(option, "Algorithms") && !strings.HasSuffix(option, "KeyTypes") {
			return false
		}
		sshdKeyRefused(e, a.field, alg, "")
		return true
	}
	return false
}

func sshdKeyRefused(e *event.Event, field, alg, reason string) {
	ecs.Begin(e, "sshd", "sshd.key_type_refused")
	ecs.ClassAuthInfo.Set(e, "ssh-key-type-refused", ecs.OutcomeFailure)
	e.SetStr(field, alg)
	e.SetStr("sshd.reason", reason)
}

// sshdKeyRefusal decodes auth2-pubkey.c's unprefixed refusals of a key:
//
//	refusing previously-used TYPE key                       (a key already tried in this connection)
//	refusing TYPE key: REASON                               (RequiredRSASize, 9.1+: "Invalid key length")
//	Refusing RSA key because client uses unsafe signature scheme
func sshdKeyRefusal(e *event.Event, m string) bool {
	if m == "Refusing RSA key because client uses unsafe signature scheme" {
		sshdKeyRefused(e, "sshd.key_type", "RSA", "client uses unsafe signature scheme")
		return true
	}
	r, _ := strings.CutPrefix(m, "refusing ")
	if t, ok := strings.CutPrefix(r, "previously-used "); ok {
		typ, ok := strings.CutSuffix(t, " key")
		if !ok || typ == "" || strings.IndexByte(typ, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.key_reused")
		ecs.ClassAuthInfo.Set(e, "ssh-key-reused", ecs.OutcomeFailure)
		e.SetStr("sshd.key_type", typ)
		return true
	}
	typ, reason, ok := strings.Cut(r, " key: ")
	if !ok || typ == "" || strings.IndexByte(typ, ' ') >= 0 {
		return false
	}
	sshdKeyRefused(e, "sshd.key_type", typ, reason)
	return true
}

// sshdKeyFromRefused decodes "USER with correct key but not from a
// permitted host (host=HOST, ip=ADDR[, ...])." and "USER with valid
// certificate but not from a permitted source address (ADDR).": a key's
// from= (or a certificate's source-address) option refused the client.
func sshdKeyFromRefused(e *event.Event, r string) bool {
	var user, host, addr string
	if u, t, ok := strings.Cut(r, " with correct key but not from a permitted host (host="); ok {
		h, t2, ok2 := strings.Cut(t, ", ip=")
		if !ok2 {
			return false
		}
		a, _, _ := strings.Cut(strings.TrimSuffix(t2, ")."), ",")
		user, host, addr = u, h, a
	} else if u, t, ok := strings.Cut(r, " with valid certificate but not from a permitted source address ("); ok {
		user, addr = u, strings.TrimSuffix(t, ").")
	} else {
		return false
	}
	if user == "" || strings.IndexByte(user, ' ') >= 0 {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.key_source_refused")
	ecs.ClassAuthInfo.Set(e, "ssh-key-source-refused", ecs.OutcomeFailure)
	ecs.SetUser(e, "user.name", user)
	ecs.SetIP(e, "source.ip", addr)
	if host != addr && strings.IndexByte(host, ' ') < 0 {
		ecs.SetHostname(e, "source.domain", host)
	}
	return true
}

// sshdCommandExit decodes misc.c's note that the command giving a login's
// keys or principals failed: "TAG CMD failed, status N", "TAG CMD exited
// on signal N" (8.x+), "TAG CMD returned status N" (6.x-7.x). CMD holds
// the command's arguments (the user's name among them).
func sshdCommandExit(e *event.Event, m string) bool {
	tag, r, _ := strings.Cut(m, " ")
	var cmd, status, signal string
	for _, s := range [...]string{" failed, status ", " returned status ", " exited on signal "} {
		if i := strings.LastIndex(r, s); i > 0 {
			cmd = r[:i]
			if s == " exited on signal " {
				signal = r[i+len(s):]
			} else {
				status = r[i+len(s):]
			}
			break
		}
	}
	if cmd == "" || !ecs.IsDigits(status+signal) {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.subprocess_failed")
	ecs.ClassProcEnd.Set(e, "ssh-command-exit-failed", ecs.OutcomeFailure)
	e.SetStr("sshd.command", tag)
	// The command is sshd's child, not the process that logged (process.*).
	e.SetStr("sshd.command_line", cmd)
	ecs.SetUint(e, "sshd.exit_code", status)
	ecs.SetUint(e, "sshd.signal", signal)
	return true
}

// sshdKeyLocNote decodes the notes auth_authorise_keyopts() (7.8+)
// prefixes with the matching key's location, "PATH:N: ":
//
//	PATH:N: key options: OPTION...       (VERBOSE: the restrictions the key brings)
//	PATH:N: Authentication tried for USER with correct key but not from a permitted host (host=HOST, ip=ADDR, required=PATTERNS).
//	PATH:N: Authentication tried for USER with valid certificate but not from a permitted source address (ADDR).
func sshdKeyLocNote(e *event.Event, m string) bool {
	if i := strings.Index(m, ": Authentication tried for "); i > 0 {
		if !sshdKeyFromRefused(e, m[i+len(": Authentication tried for "):]) {
			return false
		}
		if path, ok := sshdKeyLoc(m[:i]); ok {
			e.SetStr("file.path", path)
		}
		return true
	}
	loc, opts, ok := strings.Cut(m, ": key options:")
	if !ok {
		return false
	}
	path, ok := sshdKeyLoc(loc)
	if !ok {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.key_options")
	ecs.ClassAuthInfo.Set(e, "ssh-key-options", "")
	e.SetStr("file.path", path)
	e.SetStr("sshd.key_options", strings.TrimSpace(opts))
	return true
}

// sshdKeyLoc reads "PATH:N" (an authorized_keys or principals file and
// the key's line in it).
func sshdKeyLoc(loc string) (path string, ok bool) {
	i := strings.LastIndexByte(loc, ':')
	if i <= 0 || !strings.HasPrefix(loc, "/") || strings.IndexByte(loc, ' ') >= 0 || !ecs.IsDigits(loc[i+1:]) {
		return "", false
	}
	return loc[:i], true
}

// sshdChroot decodes session.c's refusals of a ChrootDirectory: the
// session (an authenticated user's) ends before it starts.
func sshdChroot(e *event.Event, m string) bool {
	var r, reason, errmsg string
	var ok bool
	switch {
	case strings.HasPrefix(m, "bad ownership or modes for chroot directory "):
		r, reason = m[len("bad ownership or modes for chroot directory "):], "bad ownership or modes"
	case strings.HasPrefix(m, "chroot path "):
		if r, ok = strings.CutSuffix(m[len("chroot path "):], " is not a directory"); !ok {
			return false
		}
		reason = "not a directory"
	default:
		if r, errmsg, ok = strings.Cut(m[len("Unable to chdir to chroot path "):], `": `); !ok {
			return false
		}
		r += `"`
	}
	r = strings.TrimPrefix(r, "component ")
	path, ok := strings.CutSuffix(strings.TrimPrefix(r, `"`), `"`)
	if !ok || path == "" || !strings.HasPrefix(r, `"`) {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.chroot_refused")
	classFileAccess.Set(e, "ssh-chroot-refused", ecs.OutcomeFailure)
	e.SetStr("file.path", path)
	e.SetStr("sshd.reason", reason)
	e.SetStr("error.message", errmsg)
	return true
}
