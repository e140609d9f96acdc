package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sshd's session and connection-limit messages (session.c, sshd.c,
// auth2-pubkey.c and auth.c of OpenSSH 7.x to 10.x):
//
//	Starting session: TYPE[ on TTY] for USER from ADDR port N id N     TYPE: shell, command, subsystem 'NAME', forced-command (config|key-option) 'CMD'
//	Close session: user USER from ADDR port N id N
//	drop connection #N from [ADDR]:PORT on [ADDR]:PORT past MaxStartups      ("past Maxstartups" 10.x)
//	drop connection #N from [ADDR]:PORT on [ADDR]:PORT penalty: REASON  (9.8+: PerSourcePenalties)
//	drop connection #N from [ADDR]:PORT on [ADDR]:PORT too many penalised addresses (9.8+: the table is full)
//	beginning MaxStartups throttling
//	exited MaxStartups throttling after HH:MM:SS, N connections dropped
//	Authentication refused: bad ownership or modes for (file|directory) PATH

// sshdSession decodes the lines above (m without "error: " and
// "[preauth]").
func sshdSession(e *event.Event, m string) bool {
	switch {
	case strings.HasPrefix(m, "Starting session: "):
		return sshdSessionStart(e, m[len("Starting session: "):])
	case strings.HasPrefix(m, "Close session: user "):
		user, addr, port, ok := sshdSessionTail(m[len("Close session: user "):])
		if !ok || strings.IndexByte(user, ' ') >= 0 {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.session.close")
		ecs.ClassSessionEnd.Set(e, "ssh-session-close", ecs.OutcomeSuccess)
		ecs.SetUser(e, "user.name", user)
		ecs.SetAddress(e, "source", addr)
		ecs.SetPort(e, "source.port", port)
		return true
	case strings.HasPrefix(m, "drop connection #"):
		return sshdDropConnection(e, m[len("drop connection #"):])
	case m == "beginning MaxStartups throttling":
		ecs.Begin(e, "sshd", "sshd.maxstartups.begin")
		ecs.ClassNetInfo.Set(e, "ssh-maxstartups-throttling-begin", "")
		return true
	case strings.HasPrefix(m, "exited MaxStartups throttling after "):
		r := m[len("exited MaxStartups throttling after "):]
		_, r, ok := strings.Cut(r, ", ")
		n, ok2 := strings.CutSuffix(r, " connections dropped")
		if !ok || !ok2 || !ecs.IsDigits(n) {
			return false
		}
		ecs.Begin(e, "sshd", "sshd.maxstartups.end")
		ecs.ClassNetInfo.Set(e, "ssh-maxstartups-throttling-end", "")
		ecs.SetUint(e, "sshd.dropped_connections", n)
		return true
	case strings.HasPrefix(m, "Authentication refused: "):
		reason := m[len("Authentication refused: "):]
		ecs.Begin(e, "sshd", "sshd.auth.refused")
		ecs.ClassAuthInfo.Set(e, "ssh-auth-refused", ecs.OutcomeFailure)
		for _, p := range [...]string{" for file ", " for directory "} {
			if i := strings.Index(reason, p); i > 0 {
				e.SetStr("file.path", reason[i+len(p):])
				reason = reason[:i]
				break
			}
		}
		e.SetStr("sshd.reason", reason)
		return true
	}
	return false
}

// sshdSessionStart decodes "TYPE[ on TTY] for USER from ADDR port N id N".
// TYPE may quote a command, which may hold " for " itself: the user is
// the word before the last " from ".
func sshdSessionStart(e *event.Event, r string) bool {
	i := strings.LastIndex(r, " from ")
	if i < 0 {
		return false
	}
	head := r[:i]
	j := strings.LastIndex(head, " for ")
	if j <= 0 {
		return false
	}
	user, addr, port, ok := sshdSessionTail(head[j+len(" for "):] + r[i:])
	if !ok || strings.IndexByte(user, ' ') >= 0 {
		return false
	}
	typ, tty := head[:j], ""
	// "shell on pts/0", "forced-command (config) 'a on b' on pts/1": the
	// tty is a word after the last " on ", outside the quotes.
	if k := strings.LastIndex(typ, " on "); k > 0 && !strings.ContainsAny(typ[k+4:], " '") {
		typ, tty = typ[:k], typ[k+4:]
	}
	ecs.Begin(e, "sshd", "sshd.session.start")
	ecs.ClassSessionStart.Set(e, "ssh-session-start", ecs.OutcomeSuccess)
	ecs.SetUser(e, "user.name", user)
	ecs.SetAddress(e, "source", addr)
	ecs.SetPort(e, "source.port", port)
	e.SetStr("sshd.session_type", typ)
	e.SetStr("sshd.tty", tty)
	return true
}

// sshdSessionTail splits "USER from ADDR port N id N".
func sshdSessionTail(s string) (user, addr, port string, ok bool) {
	k := strings.LastIndex(s, " id ")
	if k < 0 || !ecs.IsDigits(s[k+len(" id "):]) {
		return "", "", "", false
	}
	user, addr, port, ok = sshdUserFrom(s[:k], true)
	if !ok || !ecs.IsDigits(port) || !strings.HasSuffix(s[:k], " port "+port) {
		return "", "", "", false
	}
	return user, addr, port, true
}

// sshdDropConnection decodes "N from [ADDR]:PORT on [ADDR]:PORT past
// MaxStartups" (or "penalty: REASON"): a connection refused before the
// protocol started.
func sshdDropConnection(e *event.Event, r string) bool {
	n, r := ecs.CutWord(r)
	r, ok := strings.CutPrefix(r, "from ")
	if !ok || !ecs.IsDigits(n) {
		return false
	}
	from, r := ecs.CutWord(r)
	r, ok = strings.CutPrefix(r, "on ")
	if !ok {
		return false
	}
	to, reason := ecs.CutWord(r)
	saddr, sport, ok1 := bracketAddrPort(from)
	daddr, dport, ok2 := bracketAddrPort(to)
	switch {
	case !ok1 || !ok2:
		return false
	case reason == "past MaxStartups", reason == "past Maxstartups", reason == "too many penalised addresses":
	case strings.HasPrefix(reason, "penalty: "):
		reason = reason[len("penalty: "):]
	default:
		return false
	}
	ecs.Begin(e, "sshd", "sshd.connection.dropped")
	classConnDenied.Set(e, "ssh-connection-dropped", ecs.OutcomeFailure)
	ecs.SetIP(e, "source.ip", saddr)
	ecs.SetPort(e, "source.port", sport)
	ecs.SetIP(e, "destination.ip", daddr)
	ecs.SetPort(e, "destination.port", dport)
	e.SetStr("sshd.reason", reason)
	return true
}

// bracketAddrPort splits "[ADDR]:PORT" (sshd brackets every address
// there, IPv4 too).
func bracketAddrPort(s string) (addr, port string, ok bool) {
	a, p, found := strings.Cut(strings.TrimPrefix(s, "["), "]:")
	if !found || !strings.HasPrefix(s, "[") || !ecs.IsIP(a) || !ecs.IsDigits(p) {
		return "", "", false
	}
	return a, p, true
}
