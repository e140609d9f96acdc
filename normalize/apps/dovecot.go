package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Dovecot's line head: the process ("imap-login", "imap(alice)<42><S>"),
// its level, and what the login and mail processes' lines name.

// dovecotServices are the process names that start a dovecot line
// ("imap-login: ...", "auth-worker(4242): ...", "imap(alice)<7>: ...").
var dovecotServices = map[string]bool{
	"auth": true, "auth-worker": true, "master": true, "imap": true, "pop3": true, "lmtp": true,
	"lda": true, "submission": true, "managesieve": true, "config": true, "anvil": true, "dict": true,
	"imap-login": true, "pop3-login": true, "submission-login": true, "managesieve-login": true,
}

// cutDovecot cuts "SERVICE[(USER|PID)][<..>]: [Level: ]" off a dovecot
// line. A process line "imap(alice)" names the user; "auth-worker(42)" a pid.
func cutDovecot(m string) (string, head, bool) {
	var h head
	// Dovecot 1.x logging to syslog repeats its name before the service
	// ("dovecot[442]: dovecot: auth(default): ...").
	m = strings.TrimPrefix(m, "dovecot: ")
	// A log file's line forwarded by a file reader has its time and level
	// before the service ("2011-03-03 18:31:18 Info: IMAP(...)"); the time
	// is local and without a zone: the event keeps the syslog header's.
	if len(m) > 20 && m[4] == '-' && m[7] == '-' && m[10] == ' ' && m[13] == ':' && m[19] == ' ' && ecs.IsDigits(m[:4]) {
		h.level, m = cutDovecotLevel(m[20:])
	}
	if i := strings.Index(m, ": "); i > 0 && strings.IndexByte(m[:i], ' ') < 0 {
		proc := m[:i]
		name, arg := proc, ""
		if j := strings.IndexAny(proc, "(<"); j > 0 {
			name = proc[:j]
			if proc[j] == '(' {
				arg, _, _ = strings.Cut(proc[j+1:], ")")
			}
		}
		// 1.x names the mail processes in capitals ("IMAP(alice)").
		if name == "IMAP" || name == "POP3" {
			name = strings.ToLower(name)
		}
		if dovecotServices[name] {
			h.service, m = name, m[i+2:]
			if arg != "" && !ecs.IsDigits(arg) && !strings.HasPrefix(name, "auth") {
				h.user = arg
			}
		}
	}
	if h.level == "" {
		h.level, m = cutDovecotLevel(m)
	}
	// A login process's line; without a service, the syslog program may
	// be the login process itself ("imap-login[42]: Disconnected ...").
	if h.service == "" || strings.HasSuffix(h.service, "-login") {
		m = cutLoginWhy(m)
	}
	// 2.3's auth worker names its connection and request before the
	// passdb ("conn unix:auth-worker (pid=1,uid=97): auth-worker<3>: ").
	if strings.HasPrefix(m, "conn ") {
		if i := strings.Index(m, "): auth-worker<"); i > 0 {
			if _, r, ok := strings.Cut(m[i:], ">: "); ok {
				m = r
			}
		}
	}
	return m, h, true
}

// cutDovecotLevel cuts a line's "Level: ". A fatal error or a panic ends
// the process whatever it says: the catalog sees those two levels.
func cutDovecotLevel(m string) (level, rest string) {
	for _, l := range [...]string{"Info: ", "Warning: ", "Error: ", "Fatal: ", "Panic: ", "Debug: "} {
		if r, ok := strings.CutPrefix(m, l); ok {
			level = strings.ToLower(l[:len(l)-2])
			if level != "fatal" && level != "panic" {
				m = r
			}
			return level, m
		}
	}
	return "", m
}

// postDovecot keeps the session a line names: a login process's
// "session=<ID>" field, or a mail process's head "imap(USER)<PID><ID>:"
// (mail_log_prefix), the same ID for the login and the session it
// started; and a login's "mpid=N", the mail process it handed the
// client to.
func postDovecot(e *event.Event) {
	m := e.Message
	if i := strings.Index(m, ", session=<"); i >= 0 {
		if id, _, ok := strings.Cut(m[i+len(", session=<"):], ">"); ok && id != "" {
			e.SetStr("dovecot.session", id)
		}
	} else if i := strings.Index(m, ")<"); i > 0 {
		head, _, _ := strings.Cut(m[i+2:], ": ")
		if _, id, ok := strings.Cut(head, "><"); ok && strings.HasSuffix(id, ">") && len(id) > 1 {
			e.SetStr("dovecot.session", id[:len(id)-1])
		}
	}
	if i := strings.Index(m, ", mpid="); i >= 0 {
		pid, _, _ := strings.Cut(m[i+len(", mpid="):], ",")
		if ecs.IsDigits(pid) {
			ecs.SetUint(e, "dovecot.mail_pid", pid)
		}
	}
}

// loginWhys start the ways a login process words a client's end before
// its parenthesised reason: "Disconnected", "Disconnected: Inactivity",
// "Aborted login", 2.4's "Login aborted: Connection closed", submission's
// "Disconnected: Aborted login by logging out", "Internal login failure
// (pid=N id=M)", ...
var loginWhys = [...]string{"Disconnected", "Aborted login", "Login aborted", "Connection closed",
	"Remote closed connection", "Client has quit the connection", "Internal login failure"}

// cutLoginWhy cuts the way of the end off "WHY (EXTRA)[ (code)]: FIELDS",
// leaving "(EXTRA)[ (code)]: FIELDS": the EXTRA alone says what the client
// did, and a catalog pattern that began with the WHY's many wordings as a
// field cost every line of the login process a scan (1.0 -> 1.7 µs for a
// Login: line).
func cutLoginWhy(m string) string {
	why := false
	for _, w := range loginWhys {
		if strings.HasPrefix(m, w) {
			why = true
			break
		}
	}
	if !why {
		return m
	}
	t := strings.Index(m, ": user=<")
	if t < 0 {
		if t = strings.Index(m, ": method="); t < 0 {
			t = strings.Index(m, ": rip=")
		}
	}
	if t < 0 || m[t-1] != ')' {
		return m
	}
	h := m[:t]
	// 2.4 adds the reason's code: " (auth_failed)".
	if i := strings.LastIndex(h, " ("); i >= 0 && isReasonCode(h[i+2:len(h)-1]) {
		h = h[:i]
	}
	i := strings.LastIndex(h, " (")
	if i < 0 || !strings.HasSuffix(h, ")") {
		return m
	}
	return m[i+1:]
}

func isReasonCode(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}
