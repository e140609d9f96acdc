package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// OpenSSH sshd (also the sshd-session / sshd-auth processes of OpenSSH 9.8+).
// The formats follow auth.c, sshd.c and packet.c of OpenSSH 3.x to 10.x:
//
//	Accepted|Failed|Partial|Postponed METHOD for [invalid user ]USER from ADDR port N ssh2[: KEYINFO]
//	Invalid user USER from ADDR[ port N]           (older: Illegal user ...)
//	input_userauth_request: invalid user USER [preauth]
//	Connection closed|reset by [authenticating user U |invalid user U ]ADDR[ port N] [preauth]
//	Disconnected from [user U |invalid user U |authenticating user U ]ADDR port N [preauth]
//	Received disconnect from ADDR[ port N]:[ ]CODE: TEXT [preauth]
//	Disconnecting[ authenticating user U ADDR port N|: ...]: Too many authentication failures[ for U] [preauth]
//	Disconnecting [authenticating user U |invalid user U |user U ]ADDR port N: REASON [preauth]
//	error: maximum authentication attempts exceeded for [invalid user ]U from ADDR port N ssh2 [preauth]
//	error: PAM: PAM_STRERROR for [illegal user ]U from HOST   (Authentication failure, User not known to ..., ...)
//	subsystem request for NAME by user U[ failed, subsystem not found]
//	reverse mapping checking getaddrinfo for HOST [ADDR] failed[ - POSSIBLE BREAK-IN ATTEMPT!]
//	Address ADDR maps to HOST, but this does not map back to the address[ - POSSIBLE BREAK-IN ATTEMPT!]
//	Did not receive identification string from ADDR[ port N]
//	ROOT LOGIN REFUSED FROM ADDR[ port N]                 (OpenSSH 2.x, SSH 1.2)
//	refused connect from [USER@]HOST[ (ADDR)]             (tcp_wrappers)
//	Connection from ADDR port N on ADDR port N
//	User U from ADDR not allowed because ...
//	Timeout before authentication for ADDR port N
//	Unable to negotiate with ADDR port N: no matching ...
//	kex_exchange_identification: REASON                   (no address: it is on the next line)
//	banner exchange: Connection from ADDR port N: REASON
//	ssh_dispatch_run_fatal: Connection from [user U ]ADDR port N: REASON [preauth]
//	Bad protocol version identification 'TEXT' from ADDR port N
//	Unable to negotiate with ADDR: no matching ...       (OpenSSH 6.x-7.x: no port)
//	fatal: ANYTHING [preauth]                             (any other fatal error ends the connection)
//
// the lines of sshd_session.go (sessions, limits), sshd_daemon.go (listener,
// authorization notes), sshd_connection.go (forwards, timeouts), sshd_packet.go,
// sshd_kex.go (identification, key exchange), sshd_listener.go (9.8+: session
// processes, PerSourcePenalties), sshd_authnotes.go (key, file and host checks).
//
// PAM lines (pam_unix(sshd:auth): ...) go to the PAM decoder.

const actionSSHLogin = "ssh-login"

// classConnDenied: a connection refused before the SSH protocol started.
var classConnDenied = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeConn, ecs.TypeDenied)

func decodeSSHD(e *event.Event) bool {
	m := e.Message
	if strings.HasPrefix(m, "debug") {
		// LogLevel DEBUG's lines ("debug1: Connection from ...") repeat
		// other lines' words without being them: never decoded.
		return false
	}
	level := ""
	for _, p := range [...]string{"error: ", "fatal: "} {
		if strings.HasPrefix(m, p) {
			level, m = p[:len(p)-2], m[len(p):]
			break
		}
	}
	m, preauth := trimFlag(m, "[preauth]")
	if !preauth {
		m, _ = trimFlag(m, "[net]")
	}
	if sshdLine(e, m, preauth) || sshdSession(e, m) || sshdDaemon(e, m) || sshdConnectionNote(e, m) ||
		sshdListener(e, m) || sshdAuthNote(e, m) {
		sshdUnknownPort(e, m)
		return true
	}
	if level == "fatal" && (preauth || sshdPeerGone(m)) {
		// Any other fatal error before authentication ends the connection
		// ("fatal: userauth_pubkey: parse request failed: ... [preauth]"),
		// and so does one after it that says the peer went away ("fatal:
		// Write failed: Broken pipe"); other fatal errors may be the
		// listener's own (it cannot bind, a directory is missing).
		ecs.Begin(e, "sshd", "sshd.fatal")
		ecs.ClassConnEnd.Set(e, "ssh-fatal-error", ecs.OutcomeFailure)
		e.SetStr("sshd.reason", m)
		return true
	}
	return false
}

// sshdLine decodes the message without its "error: "/"fatal: " level and
// its "[preauth]" flag.
// Long because it is one switch over sshd's first words, a case each.
func sshdLine(e *event.Event, m string, preauth bool) bool {
	word, rest := ecs.CutWord(m)
	switch word {
	case "Accepted", "Failed", "Partial", "Postponed":
		return sshdAuth(e, word, rest)
	case "Invalid", "Illegal":
		if r, ok := strings.CutPrefix(rest, "user "); ok {
			return sshdInvalidUser(e, r)
		}
	case "input_userauth_request:":
		if u, ok := strings.CutPrefix(rest, "invalid user "); ok {
			ecs.Begin(e, "sshd", "sshd.invalid_user")
			ecs.ClassAuthInfo.Set(e, "ssh-invalid-user", ecs.OutcomeFailure)
			ecs.SetUser(e, "user.name", strings.TrimSpace(u))
			e.Set("sshd.invalid_user", event.Bool(true))
			return true
		}
	case "Connection":
		return sshdConnection(e, rest, preauth)
	case "Disconnected":
		if r, ok := strings.CutPrefix(rest, "from "); ok {
			return sshdDisconnected(e, r, preauth)
		}
	case "Received":
		if r, ok := strings.CutPrefix(rest, "disconnect from "); ok {
			return sshdReceivedDisconnect(e, r, preauth)
		}
	case "Disconnecting:", "Disconnecting":
		return sshdDisconnecting(e, rest) || word == "Disconnecting:" && sshdPacketError(e, word, m)
	case "Read", "Corrupted", "padding":
		return sshdPacketError(e, word, m)
	case "maximum":
		if r, ok := strings.CutPrefix(rest, "authentication attempts exceeded for "); ok {
			user, addr, port, ok := sshdUserFrom(r, true)
			if !ok {
				return false
			}
			ecs.Begin(e, "sshd", "sshd.auth.max_attempts")
			ecs.ClassAuthInfo.Set(e, "ssh-max-auth-attempts", ecs.OutcomeFailure)
			sshdSetUser(e, user)
			ecs.SetAddress(e, "source", addr)
			ecs.SetPort(e, "source.port", port)
			return true
		}
	case "Too":
		if strings.HasPrefix(rest, "many authentication failures") {
			return sshdTooMany(e, rest)
		}
	case "PAM:":
		// auth-pam.c: error("PAM: %s for %s%.100s from %.100s",
		// pam_strerror(), "illegal user " or "", user, host). No
		// pam_strerror text holds " for ", so the first one ends it.
		if reason, r, ok := strings.Cut(rest, " for "); ok && !strings.HasPrefix(reason, "pam_") {
			return sshdPAMFailure(e, reason, r)
		}
	case "subsystem":
		if r, ok := strings.CutPrefix(rest, "request for "); ok {
			return sshdSubsystem(e, r)
		}
	case "reverse":
		return sshdReverseMapping(e, rest)
	case "ROOT":
		// OpenSSH before 3.x and SSH 1.2: PermitRootLogin refused a login.
		if r, ok := strings.CutPrefix(rest, "LOGIN REFUSED FROM "); ok {
			ecs.Begin(e, "sshd", "sshd.root_refused")
			ecs.ClassAuthStart.Set(e, actionSSHLogin, ecs.OutcomeFailure)
			ecs.SetUser(e, "user.name", "root")
			sshdAddrPort(e, r)
			return true
		}
	case "refused":
		// tcp_wrappers (libwrap) refusing the client before sshd speaks:
		// "refused connect from CLIENT[ (ADDR)]", CLIENT being
		// [user@]host; the address in parentheses is the peer's.
		if r, ok := strings.CutPrefix(rest, "connect from "); ok {
			return sshdWrapRefused(e, r)
		}
	case "Address":
		return sshdAddressMaps(e, rest)
	case "Did":
		if r, ok := strings.CutPrefix(rest, "not receive identification string from "); ok {
			ecs.Begin(e, "sshd", "sshd.no_identification")
			ecs.ClassNetInfo.Set(e, "ssh-no-identification", ecs.OutcomeFailure)
			sshdAddrPort(e, r)
			return true
		}
	case "User":
		return sshdNotAllowed(e, rest)
	case "Timeout":
		if r, ok := strings.CutPrefix(rest, "before authentication for "); ok {
			if strings.HasPrefix(r, "connection from ") {
				return sshdChildTimeout(e, r) // the 9.8+ listener's
			}
			// "ADDR port N" (6.x-9.7), "ADDR." (3.x-5.x)
			if !strings.Contains(r, " port ") {
				r = strings.TrimSuffix(r, ".")
			}
			ecs.Begin(e, "sshd", "sshd.auth.timeout")
			ecs.ClassConnEnd.Set(e, "ssh-auth-timeout", ecs.OutcomeFailure)
			sshdAddrPort(e, r)
			return true
		}
	case "Unable":
		if r, ok := strings.CutPrefix(rest, "to negotiate with "); ok {
			ecs.Begin(e, "sshd", "sshd.negotiation_failed")
			ecs.ClassNetInfo.Set(e, "ssh-negotiation-failed", ecs.OutcomeFailure)
			peer, reason := sshdCutReason(r)
			e.SetStr("sshd.reason", reason)
			sshdAddrPort(e, peer)
			return true
		}
	case "kex_exchange_identification:":
		return sshdIdentification(e, rest)
	case "Bad":
		return sshdBadIdentification(e, rest) || sshdPacketError(e, word, m)
	default:
		if tag, r, ok := strings.Cut(m, ": Connection from "); ok {
			return sshdTaggedFatal(e, tag, r)
		}
	}
	return false
}

// sshdAuth decodes "METHOD for [invalid user ]USER from ADDR port N ssh2[: INFO]".
func sshdAuth(e *event.Event, verb, rest string) bool {
	method, rest := ecs.CutWord(rest)
	rest, ok := strings.CutPrefix(rest, "for ")
	if !ok || method == "" {
		return false
	}
	// An accepted user is a real account name (no spaces); a failed one is
	// whatever the client sent, and may itself hold " from ADDR ...".
	var user, addr, port string
	if verb == "Accepted" {
		if user, addr, port, ok = sshdUserFrom(rest, false); !ok {
			return false
		}
	} else if user, addr, port, ok = sshdAuthPeer(rest); !ok && !strings.Contains(rest, " from ") {
		return false
	}
	ecs.Begin(e, "sshd", "")
	switch verb {
	case "Accepted":
		ecs.SetRule(e, "sshd.auth.success")
		ecs.ClassAuthStart.Set(e, actionSSHLogin, ecs.OutcomeSuccess)
	case "Failed":
		ecs.SetRule(e, "sshd.auth.failure")
		ecs.ClassAuthStart.Set(e, actionSSHLogin, ecs.OutcomeFailure)
	default: // Partial, Postponed: one step of a multi-step authentication
		ecs.SetRule(e, "sshd.auth."+strings.ToLower(verb))
		ecs.ClassAuthInfo.Set(e, "ssh-auth-"+strings.ToLower(verb), "")
	}
	sshdSetUser(e, user)
	ecs.SetAddress(e, "source", addr)
	ecs.SetPort(e, "source.port", port)
	e.SetStr("sshd.method", method)
	if i := strings.Index(rest, "ssh2: "); i >= 0 {
		e.SetStr("sshd.key", rest[i+len("ssh2: "):])
	}
	return true
}

func sshdInvalidUser(e *event.Event, rest string) bool {
	// "USER from ADDR[ port N]"; USER may be empty ("Invalid user  from ...").
	user, addr, port, ok := sshdUserFrom(rest, true)
	if !ok && strings.HasPrefix(rest, "from ") {
		user, addr, port, ok = sshdUserFrom(" "+rest, true)
	}
	if !ok {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.invalid_user")
	ecs.ClassAuthInfo.Set(e, "ssh-invalid-user", ecs.OutcomeFailure)
	ecs.SetUser(e, "user.name", user)
	e.Set("sshd.invalid_user", event.Bool(true))
	ecs.SetAddress(e, "source", addr)
	ecs.SetPort(e, "source.port", port)
	return true
}

// sshdPeer decodes "[authenticating user U |invalid user U |user U ]ADDR[ port N]".
func sshdPeer(e *event.Event, s string) {
	for _, p := range [...]string{"authenticating user ", "invalid user ", "user "} {
		if r, ok := strings.CutPrefix(s, p); ok {
			// The user name is one word: sshd logs it with %s but the
			// address follows it, so the last two words are ADDR port N.
			user, tail, ok := cutUserBeforeAddr(r)
			if ok {
				if p == "invalid user " {
					e.Set("sshd.invalid_user", event.Bool(true))
				}
				ecs.SetUser(e, "user.name", user)
				s = tail
			}
			break
		}
	}
	sshdAddrPort(e, s)
}

// cutUserBeforeAddr splits "USER ADDR port N" or "USER ADDR" where USER may
// contain spaces: ADDR is the word before " port " (or the last word).
func cutUserBeforeAddr(s string) (user, tail string, ok bool) {
	end := len(s)
	if i := strings.LastIndex(s, " port "); i > 0 {
		end = i
	}
	i := strings.LastIndexByte(s[:end], ' ')
	if i < 0 {
		return "", s, false
	}
	return s[:i], s[i+1:], true
}

func sshdConnection(e *event.Event, rest string, preauth bool) bool {
	verb, rest := ecs.CutWord(rest)
	switch verb {
	case "closed", "reset":
		r, ok := strings.CutPrefix(rest, "by ")
		if !ok {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.connection."+verb)
		if !sshdPostAuth(r, preauth) {
			ecs.ClassConnEnd.Set(e, "ssh-connection-"+verb, "")
		} else {
			ecs.ClassSessionEnd.Set(e, "ssh-connection-"+verb, "")
		}
		if r != "remote host" { // packet.c's wording when it has no address: no peer to name
			sshdPeer(e, r)
		}
		return true
	case "from":
		if peer, ok := strings.CutSuffix(rest, " timed out"); ok {
			// packet.c: "Connection from [PREAMBLE ]ADDR port N timed out"
			ecs.Begin(e, "sshd", "sshd.connection.timeout")
			ecs.ClassConnEnd.Set(e, "ssh-connection-timeout", ecs.OutcomeFailure)
			sshdPeer(e, peer)
			return true
		}
		if peer, opts, ok := strings.Cut(rest, " with IP opts: "); ok {
			// sshd refuses a connection carrying IP options (source routing)
			ecs.Begin(e, "sshd", "sshd.ip_options")
			classConnDenied.Set(e, "ssh-ip-options-refused", ecs.OutcomeFailure)
			e.SetStr("sshd.ip_options", strings.TrimSpace(opts))
			sshdAddrPort(e, peer)
			return true
		}
		// "Connection from ADDR port N on ADDR port N"
		ecs.Begin(e, "sshd", "sshd.connection.open")
		ecs.ClassConnStart.Set(e, "ssh-connection", "")
		src, dst, _ := strings.Cut(rest, " on ")
		sshdAddrPort(e, src)
		if dst != "" {
			addr, r := ecs.CutWord(dst)
			ecs.SetAddress(e, "destination", addr)
			if p, ok := strings.CutPrefix(r, "port "); ok {
				p, _ = ecs.CutWord(p)
				ecs.SetPort(e, "destination.port", p)
			}
		}
		return true
	}
	return false
}

// sshdPostAuth reports whether a connection end is a logged-in session's:
// sshd names the peer "user U ADDR port N" once authenticated; a line
// without [preauth] that names no user comes from the listener before the
// client identified itself (kex_exchange_identification).
func sshdPostAuth(peer string, preauth bool) bool {
	return !preauth && strings.HasPrefix(peer, "user ")
}

func sshdDisconnected(e *event.Event, rest string, preauth bool) bool {
	ecs.Begin(e, "sshd", "sshd.disconnected")
	if !sshdPostAuth(rest, preauth) {
		ecs.ClassConnEnd.Set(e, "ssh-disconnect", "")
	} else {
		ecs.ClassSessionEnd.Set(e, "ssh-disconnect", "")
	}
	sshdPeer(e, rest)
	return true
}

// sshdReceivedDisconnect decodes "ADDR[ port N]:[ ]CODE: TEXT".
func sshdReceivedDisconnect(e *event.Event, rest string, preauth bool) bool {
	addrPart, reason, ok := strings.Cut(rest, ":")
	// IPv6 addresses contain ':': the address part ends at " port N:" or
	// at ": CODE:" where CODE is a number.
	if i := strings.Index(rest, " port "); i >= 0 {
		if j := strings.IndexByte(rest[i:], ':'); j >= 0 {
			addrPart, reason, ok = rest[:i+j], rest[i+j+1:], true
		}
	} else if j := strings.Index(rest, ": "); j >= 0 {
		addrPart, reason, ok = rest[:j], rest[j+1:], true
	}
	if !ok {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.disconnect.received")
	if preauth {
		ecs.ClassConnEnd.Set(e, "ssh-disconnect", "")
	} else {
		ecs.ClassSessionEnd.Set(e, "ssh-disconnect", "")
	}
	sshdAddrPort(e, addrPart)
	reason = strings.TrimSpace(reason)
	if code, text, ok := strings.Cut(reason, ":"); ok {
		ecs.SetUint(e, "sshd.disconnect.code", strings.TrimSpace(code))
		e.SetStr("sshd.disconnect.reason", strings.TrimSpace(text))
	}
	return true
}

// sshdDisconnecting decodes the "too many authentication failures" forms:
//
//	Disconnecting: Too many authentication failures for root
//	Disconnecting: Too many authentication failures
//	Disconnecting authenticating user root 1.2.3.4 port 22: Too many authentication failures
//	Disconnecting invalid user x 1.2.3.4 port 22: Too many authentication failures
func sshdDisconnecting(e *event.Event, rest string) bool {
	i := strings.Index(rest, "Too many authentication failures")
	if i < 0 {
		return sshdDisconnectingPeer(e, rest)
	}
	ecs.Begin(e, "sshd", "sshd.auth.too_many_failures")
	ecs.ClassAuthInfo.Set(e, "ssh-too-many-auth-failures", ecs.OutcomeFailure)
	if peer := strings.TrimRight(rest[:i], ": "); peer != "" {
		sshdPeer(e, peer)
	}
	if u, ok := strings.CutPrefix(rest[i+len("Too many authentication failures"):], " for "); ok {
		sshdSetUser(e, strings.TrimSpace(u))
	}
	return true
}

func sshdTooMany(e *event.Event, rest string) bool {
	ecs.Begin(e, "sshd", "sshd.auth.too_many_failures")
	ecs.ClassAuthInfo.Set(e, "ssh-too-many-auth-failures", ecs.OutcomeFailure)
	if u, ok := strings.CutPrefix(rest[len("many authentication failures"):], " for "); ok {
		sshdSetUser(e, strings.TrimSpace(u))
	}
	return true
}

// sshdPAMFailure decodes "[illegal user ]U from HOST" of
// "error: PAM: REASON for U from HOST" (sshd with keyboard-interactive/PAM,
// notably on FreeBSD and older Linux); REASON is PAM's pam_strerror text
// ("Authentication failure", "User not known to the underlying
// authentication module").
func sshdPAMFailure(e *event.Event, reason, rest string) bool {
	user, addr, _, ok := sshdUserFrom(rest, true)
	if !ok {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.auth.failure")
	ecs.ClassAuthStart.Set(e, actionSSHLogin, ecs.OutcomeFailure)
	sshdSetUser(e, user)
	ecs.SetAddress(e, "source", addr)
	e.SetStr("sshd.method", "keyboard-interactive/pam")
	if reason != "Authentication failure" {
		e.SetStr("sshd.reason", reason)
	}
	return true
}

// sshdSubsystem decodes "NAME by user U[ failed, subsystem not found]" of
// session.c's "subsystem request for NAME by user U": an authenticated
// user starts a subsystem (sftp) in the session.
func sshdSubsystem(e *event.Event, rest string) bool {
	name, r, ok := strings.Cut(rest, " by user ")
	if !ok && name != "" && strings.IndexByte(name, ' ') < 0 {
		// OpenSSH before 5.x: "subsystem request for NAME", no user
		ecs.Begin(e, "sshd", "sshd.subsystem")
		ecs.ClassProcStart.Set(e, "ssh-subsystem", ecs.OutcomeSuccess)
		e.SetStr("sshd.subsystem", name)
		return true
	}
	if !ok || name == "" {
		return false
	}
	outcome := ecs.OutcomeSuccess
	if u, failed := strings.CutSuffix(r, " failed, subsystem not found"); failed {
		r, outcome = u, ecs.OutcomeFailure
	}
	if r == "" || strings.ContainsAny(r, " \t") {
		return false
	}
	ecs.Begin(e, "sshd", "sshd.subsystem")
	ecs.ClassProcStart.Set(e, "ssh-subsystem", outcome)
	ecs.SetUser(e, "user.name", r)
	e.SetStr("sshd.subsystem", name)
	return true
}

// sshdReverseMapping decodes "mapping checking getaddrinfo for HOST [ADDR] failed...".
func sshdReverseMapping(e *event.Event, rest string) bool {
	r, ok := strings.CutPrefix(rest, "mapping checking getaddrinfo for ")
	if !ok {
		return false
	}
	host, r := ecs.CutWord(r)
	addr := ""
	if strings.HasPrefix(r, "[") {
		if j := strings.IndexByte(r, ']'); j > 0 {
			addr = r[1:j]
		}
	}
	ecs.Begin(e, "sshd", "sshd.reverse_mapping_failed")
	ecs.ClassNetInfo.Set(e, "ssh-reverse-mapping-failed", ecs.OutcomeFailure)
	ecs.SetAddress(e, "source", addr)
	ecs.SetHostname(e, "source.domain", host)
	if strings.Contains(r, "POSSIBLE BREAK-IN") {
		e.Set("sshd.possible_break_in", event.Bool(true))
	}
	return true
}

// sshdAddressMaps decodes "ADDR maps to HOST, but this does not map back to the address...".
func sshdAddressMaps(e *event.Event, rest string) bool {
	addr, r := ecs.CutWord(rest)
	r, ok := strings.CutPrefix(r, "maps to ")
	if !ok {
		return false
	}
	host, _, _ := strings.Cut(r, ",")
	ecs.Begin(e, "sshd", "sshd.reverse_mapping_failed")
	ecs.ClassNetInfo.Set(e, "ssh-reverse-mapping-failed", ecs.OutcomeFailure)
	ecs.SetAddress(e, "source", addr)
	ecs.SetHostname(e, "source.domain", host)
	if strings.Contains(r, "POSSIBLE BREAK-IN") {
		e.Set("sshd.possible_break_in", event.Bool(true))
	}
	return true
}

// sshdNotAllowed decodes "U from ADDR not allowed because REASON".
func sshdNotAllowed(e *event.Event, rest string) bool {
	i := strings.Index(rest, " not allowed because ")
	if i < 0 {
		return false
	}
	user, addr, _, ok := sshdUserFrom(rest[:i], true)
	if !ok {
		// "User U not allowed because account is locked" (and "... shell
		// S does not exist") name no peer; U is an existing account.
		if user = rest[:i]; user == "" || strings.ContainsAny(user, " \t") {
			return false
		}
	}
	ecs.Begin(e, "sshd", "sshd.user_not_allowed")
	ecs.ClassAuthInfo.Set(e, "ssh-user-not-allowed", ecs.OutcomeFailure)
	ecs.SetUser(e, "user.name", user)
	ecs.SetAddress(e, "source", addr)
	e.SetStr("sshd.reason", rest[i+len(" not allowed because "):])
	return true
}

// sshdUnknownPort drops the port of a peer sshd could not name: for a
// socket that is no longer connected it writes "UNKNOWN port 65535"
// (ssh_remote_ipaddr, ssh_remote_port), a placeholder for both.
func sshdUnknownPort(e *event.Event, m string) {
	if strings.Contains(m, "UNKNOWN port 65535") && !e.Has("source.ip") && !e.Has("source.domain") {
		e.Delete("source.port")
	}
}
