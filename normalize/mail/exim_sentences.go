package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Exim's lines that are not a message's flag line: an ACL's refusal after
// the connection's fields (acl.c), a session's end or trouble (smtp_in.c),
// host lookups (host.c), the daemon and queue runners (daemon.c,
// queue.c), and a message's own notes:
//
//	H=HOST [U=IDENT ]F=<SENDER> [temporarily ]rejected RCPT <ADDR>: REASON
//	[ID ]H=HOST F=<SENDER> [temporarily ]rejected after DATA: REASON
//	H=HOST [temporarily ]rejected MAIL <SENDER>: REASON
//	H=HOST rejected EHLO or HELO NAME: REASON          (and rejected VRFY, connection, ...)
//	AUTH authenticator failed for HOST: 535 Incorrect authentication data (set_id=USER)
//	no host name found for IP address IP
//	no IP address found for host NAME (during SMTP connection from [IP])
//	SMTP connection from HOST (TCP/IP connection count = N)
//	SMTP connection from HOST lost[ while reading message data]|closed by QUIT
//	SMTP command timeout on connection from HOST
//	SMTP data timeout (message abandoned) on connection from HOST F=<SENDER>
//	unexpected disconnection while reading SMTP command from HOST D=2s
//	SMTP call from HOST dropped: too many nonmail commands (last was "RSET")
//	SMTP protocol synchronization error (REASON): rejected connection from H=HOST input="..."
//	SMTP protocol error in "CMD" H=HOST TEXT          (and SMTP syntax error in)
//	TLS error on connection from HOST (FUNCTION): TEXT      (and "to HOST": a delivery's)
//	ID H=HOST [IP]:PORT Connection refused                 (a remote host that failed a delivery; no H= before 4.86)
//	[ID ]H=HOST [F=<SENDER> ]Warning: TEXT                (an ACL's warn verb)
//	Connection from [IP] refused: REASON
//	Start queue run: pid=N / End queue run: pid=N
//	exim 4.97 daemon started: pid=N, -q30m, listening for SMTP on [0.0.0.0]:25
//	ID Completed / ID Frozen / ID Unfrozen by USER / ID removed by USER
//	ID no immediate delivery: REASON / ID Spool file is locked (...)
//
// HOST is "name (helo) [ip]:port" then I=, U= and D= fields; the
// client's words (a HELO name, a command, an address) are read by their
// shape (exim_fields.go) and the server's text after them is the reason.

// eximConnLine is a sentence about an SMTP session: "LEAD HOST TAIL".
// side is where HOST goes: the client (source) of what Exim receives, the
// server (destination) it delivers to.
type eximConnLine struct {
	lead, rule, action, side string
	class                    ecs.Class
}

var eximConnLines = [...]eximConnLine{
	{"SMTP command timeout on connection from ", "exim.smtp.timeout", "smtp-timeout", "source", ecs.ClassConnEnd},
	{"SMTP data timeout (message abandoned) on connection from ", "exim.smtp.data_timeout", "smtp-timeout", "source", ecs.ClassConnEnd},
	{"unexpected disconnection while reading SMTP command from ", "exim.smtp.lost_connection", "smtp-lost-connection", "source", ecs.ClassConnEnd},
	{"SMTP call from ", "exim.smtp.dropped", "smtp-too-many-errors", "source", ecs.ClassConnEnd},
	{"TLS error on connection from ", "exim.tls.error", "tls-error", "source", ecs.ClassNetInfo},
	{"TLS error on connection to ", "exim.tls.error_outbound", "tls-error", "destination", ecs.ClassNetInfo},
}

// eximSessionTails are the ends of "SMTP connection from HOST ...".
var eximSessionTails = [...]struct {
	tail, rule, action, outcome string
	class                       ecs.Class
}{
	{"(TCP/IP connection count", "exim.smtp.connect", "smtp-connect", "", ecs.ClassConnStart},
	{"lost", "exim.smtp.lost_connection", "smtp-lost-connection", ecs.OutcomeFailure, ecs.ClassConnEnd},
	{"closed by QUIT", "exim.smtp.disconnect", "smtp-disconnect", "", ecs.ClassConnEnd},
	{"closed by DROP in ACL", "exim.smtp.dropped", "smtp-disconnect", ecs.OutcomeFailure, ecs.ClassConnEnd},
}

// eximMessageNotes are a message's lines without a flag: "ID NOTE".
var eximMessageNotes = [...]struct {
	lead, rule, action string
	byUser             bool // "... by USER"
	why                bool // the rest is the reason
}{
	{"Completed", "exim.completed", "email-remove", false, false},
	{"Frozen", "exim.frozen", "email-hold", false, false},
	{"Message is frozen", "exim.frozen", "email-hold", false, false},
	{"Unfrozen by ", "exim.unfrozen", "email-release", false, false}, // "by forced delivery", "by errmsg timer"
	{"removed by ", "exim.removed", "email-remove", true, false},
	{"cancelled by ", "exim.removed", "email-remove", true, false},
	// receive.c: queued without a delivery attempt ("more than N messages
	// received in one connection", "load average 5.00", queue_only)
	{"no immediate delivery: ", "exim.queued", actEmailQueue, false, true},
	{"Spool file is locked (another process is handling this message)", "exim.spool_locked", "email-locked", false, false},
}

func eximMessageNote(e *event.Event, id, rest string) bool {
	if r, ok := strings.CutPrefix(rest, "DKIM: "); ok {
		return eximDKIM(e, id, r)
	}
	if h, r, ok := cutEximHost(rest); ok && h.name != "" && h.ip != "" && h.helo == "" &&
		strings.IndexByte(h.name, '=') < 0 && strings.HasPrefix(r, " ") {
		// before 4.86: "ID HOST [IP]:PORT Connection refused"
		eximRemoteHostError(e, id, &h, r)
		return true
	}
	for _, n := range eximMessageNotes {
		r, ok := strings.CutPrefix(rest, n.lead)
		if !ok || (!strings.HasSuffix(n.lead, " ") && r != "" && r[0] != ' ') { // "Frozen", not "Frozenx"
			continue
		}
		eximBegin(e, id, n.rule)
		classEmailInfo.Set(e, n.action, "")
		switch {
		case n.byUser:
			user, _ := ecs.CutWord(r)
			ecs.SetUser(e, "user.name", user)
		case n.rule == "exim.unfrozen":
			e.SetStr("event.reason", "unfrozen by "+r)
		case n.why:
			e.SetStr("event.reason", strings.TrimSpace(r))
		default:
			var f eximFields
			parseEximFields(r, &f)
			e.SetStr("exim.queue_time", f.qt)
			if r = strings.TrimSpace(r); strings.HasPrefix(r, "(") {
				e.SetStr("event.reason", strings.Trim(r, "()"))
			}
		}
		return true
	}
	return false
}

// eximDKIM: a verified signature (dkim.c), "DKIM: d=DOMAIN s=SELECTOR
// c=relaxed/relaxed a=rsa-sha256 b=2048 [i=ID t=N x=N l=N ][STATUS]",
// STATUS "[verification succeeded]", "[verification failed - WHY]",
// "[invalid - WHY]" or "[not verified]".
func eximDKIM(e *event.Event, id, s string) bool {
	i := strings.LastIndex(s, " [")
	if i < 0 || !strings.HasSuffix(s, "]") || !strings.HasPrefix(s, "d=") {
		return false
	}
	tags, status := s[:i], s[i+2:len(s)-1]
	outcome, reason := "", ""
	switch {
	case status == "verification succeeded":
		outcome = ecs.OutcomeSuccess
	case strings.HasPrefix(status, "verification failed"), strings.HasPrefix(status, "invalid"):
		outcome = ecs.OutcomeFailure
		_, reason, _ = strings.Cut(status, " - ")
	case status != "not verified":
		return false
	}
	eximBegin(e, id, "exim.dkim")
	classEmailInfo.Set(e, "dkim-verify", outcome)
	for tags != "" {
		var tag string
		tag, tags = ecs.CutWord(tags)
		k, v, _ := strings.Cut(tag, "=")
		switch k {
		case "d":
			e.SetStr("exim.dkim.domain", v)
		case "s":
			e.SetStr("exim.dkim.selector", v)
		case "a":
			e.SetStr("exim.dkim.algorithm", v)
		}
	}
	e.SetStr("event.reason", reason)
	return true
}

// eximSentence decodes the sentences above; id is the message's when the
// line had one.
func eximSentence(e *event.Event, id, m string) bool {
	switch {
	case strings.HasPrefix(m, "H="), strings.HasPrefix(m, "U="), strings.HasPrefix(m, "F="):
		return eximACL(e, id, m)
	case strings.HasPrefix(m, "no host name found for IP address "):
		ip := strings.TrimSpace(m[len("no host name found for IP address "):])
		if !ecs.IsIP(ip) {
			return false
		}
		eximBegin(e, id, "exim.dns.no_ptr")
		ecs.ClassNetInfo.Set(e, "smtp-reverse-dns-missing", ecs.OutcomeFailure)
		ecs.SetIP(e, "source.ip", ip)
		return true
	case strings.HasPrefix(m, "no IP address found for host "):
		name, r, _ := strings.Cut(m[len("no IP address found for host "):], " ")
		r, ok := strings.CutPrefix(r, "(during SMTP connection from ")
		if !ok {
			return false
		}
		h, _, ok := cutEximHost(r)
		if !ok {
			return false
		}
		eximBegin(e, id, "exim.dns.no_address")
		ecs.ClassNetInfo.Set(e, "smtp-reverse-dns-mismatch", ecs.OutcomeFailure)
		ecs.SetIP(e, "source.ip", h.ip)
		e.SetStr("exim.ptr_name", name)
		return true
	case strings.HasPrefix(m, "rejected EHLO from "), strings.HasPrefix(m, "rejected HELO from "):
		// smtp_in.c: "rejected EHLO from HOST: syntactically invalid argument(s): ARG"
		h, r, ok := cutEximHost(m[len("rejected EHLO from "):])
		f := eximFields{remote: true} // the sentence read the client: a U= is its RFC 1413 identity
		r = parseEximFields(r, &f)
		reason, ok2 := strings.CutPrefix(r, ": ")
		if !ok || !ok2 {
			return false
		}
		eximBegin(e, id, "exim.rejected.helo_syntax")
		classEmailDenied.Set(e, actEmailReject, ecs.OutcomeFailure)
		h.set(e, "source")
		f.setCommon(e)
		reason, arg, _ := strings.Cut(reason, ": ") // the argument is the client's
		e.SetStr("event.reason", reason)
		e.SetStr("exim.helo_rejected", arg)
		return true
	case strings.HasPrefix(m, "no MAIL in "):
		// smtp_in.c (+smtp_no_mail): "no MAIL in SMTP connection from HOST D=5s C=EHLO,QUIT"
		_, r, ok := strings.Cut(m, "connection from ")
		if !ok {
			return false
		}
		h, r, ok := cutEximHost(r)
		if !ok {
			return false
		}
		f := eximFields{remote: true} // the sentence read the client: a U= is its RFC 1413 identity
		parseEximFields(r, &f)
		commands := f.confirm // C= here lists the session's commands
		f.confirm = ""
		eximBegin(e, id, "exim.smtp.no_mail")
		ecs.ClassConnEnd.Set(e, "smtp-disconnect", "")
		h.set(e, "source")
		f.setCommon(e)
		e.SetStr("exim.smtp_commands", commands)
		e.SetStr("event.reason", "no MAIL in session")
		return true
	case strings.HasPrefix(m, "SMTP connection from "):
		return eximSession(e, id, m[len("SMTP connection from "):])
	case strings.HasPrefix(m, "SMTP protocol synchronization error ("):
		return eximSyncError(e, id, m[len("SMTP protocol synchronization error ("):])
	case strings.HasPrefix(m, "SMTP protocol error in \""), strings.HasPrefix(m, "SMTP syntax error in \""):
		return eximProtocolError(e, id, m)
	case strings.HasPrefix(m, "Connection from "):
		h, r, ok := cutEximHost(m[len("Connection from "):])
		reason, refused := strings.CutPrefix(r, " refused: ")
		if !ok || !refused {
			return false
		}
		eximBegin(e, id, "exim.smtp.refused")
		ecs.ClassConnStart.Set(e, "smtp-connect", ecs.OutcomeFailure)
		h.set(e, "source")
		e.SetStr("event.reason", reason)
		return true
	case strings.HasPrefix(m, "Start queue run: pid="), strings.HasPrefix(m, "End queue run: pid="):
		start := m[0] == 'S'
		pid, _ := ecs.CutWord(m[strings.IndexByte(m, '=')+1:])
		if _, ok := ecs.ParseUint(pid); !ok {
			return false
		}
		if start {
			eximBegin(e, id, "exim.queue_run.start")
			ecs.ClassProcStart.Set(e, "queue-run-start", "")
		} else {
			eximBegin(e, id, "exim.queue_run.end")
			ecs.ClassProcEnd.Set(e, "queue-run-end", "")
		}
		ecs.SetUint(e, "process.pid", pid)
		return true
	case strings.HasPrefix(m, "exim "):
		version, r, _ := strings.Cut(m[len("exim "):], " ")
		r, ok := strings.CutPrefix(r, "daemon started: pid=")
		if !ok {
			return false
		}
		pid, _, _ := strings.Cut(r, ",")
		eximBegin(e, id, "exim.daemon.start")
		ecs.ClassProcStart.Set(e, "service-start", "")
		e.SetStr("service.version", version)
		ecs.SetUint(e, "process.pid", pid)
		return true
	}
	if auth, r, ok := strings.Cut(m, " authenticator failed for "); ok && strings.IndexByte(auth, ' ') < 0 {
		return eximAuthFailed(e, id, auth, r)
	}
	for i := range eximConnLines {
		l := &eximConnLines[i]
		if r, ok := strings.CutPrefix(m, l.lead); ok {
			h, r, ok := cutEximHost(r)
			if !ok {
				return false
			}
			f := eximFields{remote: true} // the sentence read the client: a U= is its RFC 1413 identity
			r = parseEximFields(r, &f)
			eximBegin(e, id, l.rule)
			l.class.Set(e, l.action, ecs.OutcomeFailure)
			h.set(e, l.side)
			if l.side == "source" {
				f.setCommon(e)
			} else {
				f.setCommonAt(e, "source")
			}
			if r = strings.TrimSpace(r); r != "" {
				e.SetStr("event.reason", strings.TrimPrefix(r, "dropped: "))
			}
			return true
		}
	}
	return false
}

// eximSession: "SMTP connection from HOST[ FIELDS] TAIL".
func eximSession(e *event.Event, id, s string) bool {
	h, r, ok := cutEximHost(s)
	if !ok {
		return false
	}
	f := eximFields{remote: true} // the sentence read the client: a U= is its RFC 1413 identity
	r = parseEximFields(r, &f)
	for _, t := range eximSessionTails {
		if !strings.HasPrefix(r, t.tail) {
			continue
		}
		if t.tail == "lost" { // "lost[ while reading message data][ D=5s]"
			why, d, hasD := strings.Cut(r, " D=")
			if hasD {
				parseEximFields("D="+d, &f)
			}
			if why = strings.TrimSpace(why); why != "lost" {
				e.SetStr("event.reason", why)
			}
		}
		eximBegin(e, id, t.rule)
		t.class.Set(e, t.action, t.outcome)
		h.set(e, "source")
		f.setCommon(e)
		if r2, ok := strings.CutPrefix(r, "(TCP/IP connection count = "); ok {
			n, _, _ := strings.Cut(r2, ")")
			ecs.SetUint(e, "exim.connection_count", n)
		}
		return true
	}
	return false
}

// eximACL: the fields of the connection, then what an ACL refused.
func eximACL(e *event.Event, id, m string) bool {
	var f eximFields
	r := parseEximFields(m, &f)
	if v, ok := strings.CutPrefix(r, "sender verify "); ok { // verify.c: "sender verify fail|defer for <ADDR>[: REASON]"
		result, v := ecs.CutWord(v)
		a, rest, ok := cutEximAngle(strings.TrimPrefix(v, "for "))
		if !ok || (result != "fail" && result != "defer") {
			return false
		}
		eximBegin(e, id, "exim.verify.sender."+result)
		classEmailInfo.Set(e, "email-verify", ecs.OutcomeFailure)
		if f.hasHost {
			f.host.set(e, "source")
		}
		f.sender, f.hasSender = a, true
		f.setCommon(e)
		if r, ok := strings.CutPrefix(rest, ": "); ok {
			e.SetStr("event.reason", r)
		}
		return true
	}
	if w, ok := strings.CutPrefix(r, "Warning: "); ok { // acl.c: a "warn" verb's log_message, or "ACL "warn" statement skipped: ..."
		eximBegin(e, id, "exim.acl.warning")
		classEmailInfo.Set(e, "acl-warning", "")
		if f.hasHost {
			f.host.set(e, "source")
		}
		f.setCommon(e)
		e.SetStr("event.reason", w)
		return true
	}
	temporary := false
	if t, ok := strings.CutPrefix(r, "temporarily "); ok {
		r, temporary = t, true
	}
	r, ok := strings.CutPrefix(r, "rejected ")
	if !ok {
		// smtp.c's write_logs since 4.86: a remote host that failed this
		// message, "ID H=NAME [IP][:PORT] Connection refused" or "...:
		// SMTP error from remote mail server after ...". The name is
		// the MX's; a client's line has a HELO name or more fields.
		if id == "" || !f.hasHost || f.host.name == "" || f.host.ip == "" || f.host.helo != "" ||
			f.hasSender || f.user != "" || f.auth != "" || f.ifIP != "" || r == "" {
			return false
		}
		eximRemoteHostError(e, id, &f.host, r)
		return true
	}
	what, after := ecs.CutWord(r)
	var rule, reason string
	switch what {
	case "RCPT", "MAIL":
		a, rest, ok := cutEximAngle(after)
		if !ok {
			return false
		}
		rule = "exim.rejected." + strings.ToLower(what)
		if what == "RCPT" {
			setEmailAddr(e, "email.to.address", a)
		} else {
			f.sender, f.hasSender = a, true
		}
		reason = rest
	case "after":
		if !strings.HasPrefix(after, "DATA") {
			return false
		}
		rule, reason = "exim.rejected.data", after[len("DATA"):]
	case "EHLO", "HELO":
		// "rejected EHLO or HELO NAME: REASON": NAME is the client's.
		n := strings.TrimPrefix(strings.TrimPrefix(after, "or HELO "), "or EHLO ")
		helo, rest, ok := strings.Cut(n, ": ")
		if !ok {
			helo, rest = n, ""
		} else {
			rest = ": " + rest
		}
		e.SetStr("exim.helo_rejected", helo)
		rule, reason = "exim.rejected.helo", rest
	case "":
		return false
	default: // VRFY, EXPN, ETRN, DATA, AUTH, connection, ...
		rule, reason = "exim.rejected.other", after
		e.SetStr("exim.smtp_command", strings.TrimSuffix(what, ":"))
		if strings.HasSuffix(what, ":") {
			reason = ": " + after
		}
	}
	if temporary {
		rule += ".temporary"
	}
	eximBegin(e, id, rule)
	classEmailDenied.Set(e, actEmailReject, ecs.OutcomeFailure)
	if f.hasHost {
		f.host.set(e, "source")
	}
	f.setCommon(e)
	if r, ok := strings.CutPrefix(strings.TrimLeft(reason, " "), ":"); ok {
		e.SetStr("event.reason", strings.TrimSpace(r))
	}
	return true
}

// eximAuthFailed: "AUTH authenticator failed for HOST: TEXT (set_id=USER)".
// USER is what the client sent: read from the first "(set_id=" to the
// line's last ')'.
func eximAuthFailed(e *event.Event, id, auth, s string) bool {
	h, r, ok := cutEximHost(s)
	if !ok {
		return false
	}
	f := eximFields{remote: true} // the sentence read the client: a U= is its RFC 1413 identity
	r = parseEximFields(r, &f)
	reason, ok := strings.CutPrefix(r, ": ")
	if !ok {
		return false
	}
	eximBegin(e, id, "exim.auth.failure")
	ecs.ClassAuthStart.Set(e, "smtp-auth", ecs.OutcomeFailure)
	h.set(e, "source")
	f.setCommon(e)
	e.SetStr("exim.authenticator", auth)
	if text, user, ok := strings.Cut(reason, " (set_id="); ok && strings.HasSuffix(user, ")") {
		ecs.SetUser(e, "user.name", user[:len(user)-1])
		reason = text
	}
	e.SetStr("event.reason", reason)
	return true
}

// eximSyncError: "SMTP protocol synchronization error (REASON): rejected
// connection from H=HOST input=..." or "...: rejected "CMD" H=HOST next
// input=...": the client spoke before its turn.
func eximSyncError(e *event.Event, id, s string) bool {
	why, r, ok := strings.Cut(s, "): rejected ")
	if !ok {
		return false
	}
	cmd := ""
	if c, ok := strings.CutPrefix(r, "connection from "); ok {
		r = c
	} else if cmd, r, ok = cutEximQuoted(r); !ok {
		return false
	}
	var f eximFields
	parseEximFields(r, &f)
	if !f.hasHost {
		return false
	}
	e.SetStr("exim.smtp_command", cmd)
	eximBegin(e, id, "exim.smtp.sync_error")
	ecs.ClassNetInfo.Set(e, "smtp-improper-pipelining", ecs.OutcomeFailure)
	f.host.set(e, "source")
	f.setCommon(e)
	e.SetStr("event.reason", why)
	return true
}

// eximProtocolError: `SMTP protocol error in "CMD" H=HOST TEXT`. CMD is
// the client's: the host is after the last `" H=`.
func eximProtocolError(e *event.Event, id, m string) bool {
	lead, r, _ := strings.Cut(m, ` in "`)
	cmd, r, ok := cutLast(r, `" H=`)
	if !ok {
		return false
	}
	var f eximFields
	r = parseEximFields("H="+r, &f)
	if !f.hasHost {
		return false
	}
	rule := "exim.smtp.protocol_error"
	if strings.HasPrefix(lead, "SMTP syntax") {
		rule = "exim.smtp.syntax_error"
	}
	eximBegin(e, id, rule)
	ecs.ClassNetInfo.Set(e, "smtp-protocol-error", ecs.OutcomeFailure)
	f.host.set(e, "source")
	f.setCommon(e)
	e.SetStr("exim.smtp_command", cmd)
	e.SetStr("event.reason", strings.TrimSpace(r))
	return true
}

// eximRemoteHostError: deliver.c's and smtp.c's note that a remote host
// failed a delivery of this message (the delivery's == or ** follows):
// the host is the destination, the text after it the reason.
// "HOST: TEXT" is the server's answer (an SMTP error after a command: the
// connection was made), "HOST TEXT" an error number's text (the connection
// failed: refused, timed out).
func eximRemoteHostError(e *event.Event, id string, h *eximHost, reason string) {
	eximBegin(e, id, "exim.remote_host_error")
	reason = strings.TrimSpace(reason)
	if r, answered := strings.CutPrefix(reason, ":"); answered {
		ecs.ClassNetInfo.Set(e, "smtp-remote-error", ecs.OutcomeFailure)
		reason = r
	} else {
		ecs.ClassConnStart.Set(e, "smtp-connect", ecs.OutcomeFailure)
	}
	h.set(e, "destination")
	e.SetStr("event.reason", strings.TrimSpace(reason))
}
