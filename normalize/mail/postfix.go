package mail

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Postfix: every daemon logs as postfix/NAME (postfix/submission/smtpd,
// postfix-out/smtp for multi-instance setups). What a line means is decided
// by its text, not the daemon name: master.cf can name a delivery agent
// anything.
//
//	connect from HOST[IP]                                   smtpd
//	disconnect from HOST[IP] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5
//	lost connection after CMD from HOST[IP]
//	improper command pipelining after CMD from HOST[IP][: TEXT]
//	QID: client=HOST[IP][, sasl_method=PLAIN, sasl_username=alice]
//	NOQUEUE: reject: RCPT from HOST[IP]: 554 5.7.1 <a@b>: Relay access denied; from=<x> to=<y> proto=ESMTP helo=<h>
//	QID: milter-reject: END-OF-MESSAGE from HOST[IP]: 5.7.1 Spam; from=<x> to=<y> proto=ESMTP helo=<h>
//	warning: HOST[IP]: SASL LOGIN authentication failed: UGFzc3dvcmQ6[, sasl_username=alice]
//	QID: message-id=<id>                                    cleanup
//	QID: uid=0 from=<root>                                  pickup
//	QID: from=<x>, size=N, nrcpt=N (queue active)           qmgr
//	QID: from=<x>, status=expired, returned to sender       qmgr
//	QID: removed                                            qmgr
//	QID: to=<y>[, orig_to=<z>], relay=R, delay=D, delays=a/b/c/d, dsn=X.Y.Z, status=sent|bounced|deferred (TEXT)
//	QID: sender non-delivery notification: QID2             bounce
//	CONNECT from [IP]:PORT to [IP]:25                       postscreen (also DISCONNECT)
//
// and in files of their own: postscreen's verdicts and dnsblog
// (postfix_postscreen.go), the warnings about a peer or a daemon
// (postfix_warnings.go), header/body checks and access actions
// (postfix_checks.go), the SMTP client's lines and anvil
// (postfix_client.go), TLS (postfix_tls.go), the master daemon
// (postfix_master.go), queue operations and postfix-script
// (postfix_queue.go).

func decodePostfix(e *event.Event) bool {
	m := e.Message
	prog := ecs.ProgramKey(e.AppName)
	qid, rest := postfixQueueID(m)
	if qid == "" {
		return postfixNoQueue(e, prog, m) || postfixTLS(e, prog, m) || postfixAnvil(e, prog, m) || postfixScache(e, prog, m) ||
			postfixAdmin(e, prog, m) || postfixDiagnostic(e, prog, m)
	}
	switch {
	case strings.HasPrefix(rest, "to="):
		return postfixDelivery(e, prog, qid, rest)
	case strings.HasPrefix(rest, "client="):
		postfixBegin(e, prog, qid, "postfix.smtpd.client")
		classEmailInfo.Set(e, actEmailReceive, ecs.OutcomeSuccess)
		client, _, _ := strings.Cut(rest[len("client="):], ",")
		postfixClient(e, "source", client)
		e.SetStr("postfix.sasl_method", postfixComma(rest, "sasl_method"))
		ecs.SetUser(e, "user.name", postfixComma(rest, "sasl_username"))
		e.SetStr("postfix.sasl_sender", ecs.TrimAngle(postfixComma(rest, "sasl_sender")))
		// A content filter's re-injection names the message it came from.
		e.SetStr("postfix.orig_queue_id", postfixComma(rest, "orig_queue_id"))
		e.SetStr("postfix.orig_client", postfixComma(rest, "orig_client"))
		e.SetStr("network.protocol", "smtp")
		return true
	case strings.HasPrefix(rest, "message-id="):
		postfixBegin(e, prog, qid, "postfix.cleanup.message_id")
		classEmailInfo.Set(e, "email-message-id", "")
		setMessageID(e, rest[len("message-id="):])
		return true
	case strings.HasPrefix(rest, "from="):
		// "from=<x>, size=N, nrcpt=N (queue active)" or "from=<x>,
		// status=expired, returned to sender": x is the client's.
		var fsBuf [16]commaField
		fs := parseCommaFields(rest, "status", postfixQuotes, fsBuf[:0])
		from := fs.first("from")
		status, hasStatus := "", false
		if n := len(fs); n > 0 && fs[n-1].key == "status" {
			status, hasStatus = strings.TrimSpace(fs[n-1].val), true
		}
		switch {
		case status == "expired, returned to sender": // qmgr's words, whole
			postfixBegin(e, prog, qid, "postfix.qmgr.expired")
			classEmailInfo.Set(e, actEmailExpire, ecs.OutcomeFailure)
			e.SetStr("postfix.status", "expired")
		case hasStatus:
			// Another status= is the sender's: before 3.5 Postfix logs
			// it bare (from=<x>, status=expired, y@c>, size=...), and
			// where it ends is not known.
			return false
		default:
			postfixBegin(e, prog, qid, "postfix.qmgr.queued")
			classEmailInfo.Set(e, actEmailQueue, ecs.OutcomeSuccess)
			ecs.SetUint(e, "postfix.size", fs.first("size"))
			ecs.SetUint(e, "postfix.nrcpt", strings.TrimSuffix(fs.first("nrcpt"), " (queue active)"))
		}
		setEmailAddrs(e, "email.from.address", from)
		return true
	case strings.HasPrefix(rest, "uid="):
		// pickup: "uid=0 from=<root>"
		uid, r := ecs.CutWord(rest[len("uid="):])
		from, ok := strings.CutPrefix(r, "from=")
		if !ok {
			return false
		}
		postfixBegin(e, prog, qid, "postfix.pickup")
		classEmailInfo.Set(e, actEmailReceive, ecs.OutcomeSuccess)
		e.SetStr("user.id", uid)
		setEmailAddrs(e, "email.from.address", from)
		return true
	case rest == "removed":
		postfixBegin(e, prog, qid, "postfix.qmgr.removed")
		classEmailInfo.Set(e, "email-remove", "")
		return true
	}
	if kind, r, ok := strings.Cut(rest, ": "); ok {
		// cleanup's header_checks/body_checks actions other than reject
		// name a header or body line; smtpd's access actions an SMTP stage.
		if postfixCheckKinds[kind] && (strings.HasPrefix(r, "header ") || strings.HasPrefix(r, "body ")) {
			return postfixCheck(e, prog, qid, rest)
		}
		if _, ok := postfixVerdicts[kind]; ok {
			return postfixReject(e, prog, qid, rest)
		}
	}
	return postfixQueueLine(e, prog, qid, rest) || postfixSMTPClient(e, prog, qid, rest) || postfixAdmin(e, prog, m)
}

// postfixDiagnostic recognises the diagnostics of msg(3), which every
// Postfix program and script writes as "LEVEL: TEXT" with LEVEL warning,
// error, fatal (the program exits) or panic (it aborts) — one that no
// case above decodes: "fatal: the Postfix mail system is already
// running", "warning: database /etc/postfix/virtual.db is older than
// source file". Only log.level is set, and error.message for error,
// fatal and panic: the text is free-form, its parts are not read.
func postfixDiagnostic(e *event.Event, prog, m string) bool {
	level, text, ok := strings.Cut(m, ": ")
	if !ok || strings.TrimSpace(text) == "" {
		return false
	}
	switch level {
	case "warning", "error", "fatal", "panic":
	default:
		return false
	}
	postfixBegin(e, prog, "", "postfix.diagnostic")
	e.SetStr("log.level", level)
	if level != "warning" {
		e.SetStr("error.message", text)
	}
	return true
}

// postfixQueueID splits "QID: rest"; QID is 5+ alphanumerics (short hex or
// long base-52 ids) or NOQUEUE. It returns "" when m has none.
func postfixQueueID(m string) (qid, rest string) {
	i := 0
	for i < len(m) && i < 20 && isQueueIDChar(m[i]) {
		i++
	}
	if i < 5 || i+1 >= len(m) || m[i] != ':' || m[i+1] != ' ' || allLower(m[:i]) {
		return "", m // "warning: ", "fatal: " are not queue ids
	}
	return m[:i], m[i+2:]
}

func allLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func isQueueIDChar(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

func postfixBegin(e *event.Event, prog, qid, rule string) {
	ecs.Begin(e, prog, rule)
	if qid != "" && qid != "NOQUEUE" {
		e.SetStr("email.local_id", qid)
		e.SetStr("postfix.queue_id", qid)
	}
}

// postfixComma returns the value of key in "k=v, k=v" (values end at ",").
func postfixComma(s, key string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], key)
		if j < 0 {
			return ""
		}
		j += i
		k := j + len(key)
		if (j == 0 || s[j-1] == ' ' || s[j-1] == ',') && k < len(s) && s[k] == '=' {
			v := s[k+1:]
			if end := strings.Index(v, ", "); end >= 0 {
				v = v[:end]
			}
			return v
		}
		i = k
	}
}

// postfixHostIP parses "HOST[IP]", "HOST[IP]:PORT" or "[IP]:PORT" at the
// start of s.
func postfixHostIP(s string) (host, ip, port string, ok bool) {
	open := strings.IndexByte(s, '[')
	if open < 0 {
		return "", "", "", false
	}
	end := strings.IndexByte(s[open:], ']')
	if end < 0 {
		return "", "", "", false
	}
	end += open
	host, ip = s[:open], s[open+1:end]
	if r := s[end+1:]; len(r) > 1 && r[0] == ':' {
		port = r[1:]
		for i := 0; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				port = port[:i]
				break
			}
		}
	}
	return host, ip, port, true
}

// postfixClient sets side.ip/domain/port from "HOST[IP][:PORT]".
func postfixClient(e *event.Event, side, s string) {
	host, ip, port, ok := postfixHostIP(s)
	if !ok {
		return
	}
	ecs.SetAddress(e, side, ip)
	if host != "unknown" {
		ecs.SetAddress(e, side, host)
	}
	if port != "" {
		key := "source.port"
		if side == "destination" {
			key = "destination.port"
		}
		ecs.SetPort(e, key, port)
	}
}

// postfixDelivery decodes "to=<y>, [orig_to=<z>, ]relay=R, delay=D, ..., status=S (TEXT)".
func postfixDelivery(e *event.Event, prog, qid, rest string) bool {
	// The recipients are the client's (a quoted local part may hold
	// ", relay=" or "status="): read the pairs in order, status= last.
	var fsBuf [16]commaField
	fs := parseCommaFields(rest, "status", postfixQuotes, fsBuf[:0])
	if len(fs) == 0 || fs[len(fs)-1].key != "status" {
		return false
	}
	tail := fs[len(fs)-1].val
	if i := strings.Index(tail, ", dsn="); i >= 0 && strings.Contains(tail[i:], ", status=") {
		// Postfix's own ", dsn=D, status=" after the status read: the
		// one read was the recipient's (before 3.5 Postfix logs it bare:
		// to=<x>, relay=..., status=sent y@c>), or the server's reply
		// imitates the line's end; which is the line's is not known.
		return false
	}
	status, reason, _ := strings.Cut(tail, " ")
	relay := fs.first("relay")
	action, outcome, rule := "", "", ""
	switch status {
	case "sent", "delivered":
		action, outcome, rule = actEmailSend, ecs.OutcomeSuccess, "postfix.delivery.sent"
		if postfixLocalRelay(relay) {
			action = actEmailDeliver
		}
	case "bounced":
		action, outcome, rule = actEmailBounce, ecs.OutcomeFailure, "postfix.delivery.bounced"
	case "deferred":
		action, outcome, rule = actEmailDefer, ecs.OutcomeFailure, "postfix.delivery.deferred"
	case "SOFTBOUNCE":
		// soft_bounce = yes: what would have bounced stays queued.
		action, outcome, rule = actEmailDefer, ecs.OutcomeFailure, "postfix.delivery.softbounce"
	case "expired":
		action, outcome, rule = actEmailExpire, ecs.OutcomeFailure, "postfix.delivery.expired"
	case "undeliverable", "deliverable": // address verification probes
		action, rule = "email-verify", "postfix.delivery.verify"
		if status == "deliverable" {
			outcome = ecs.OutcomeSuccess
		} else {
			outcome = ecs.OutcomeFailure
		}
	default:
		return false
	}
	postfixBegin(e, prog, qid, rule)
	classEmailInfo.Set(e, action, outcome)
	setEmailAddrs(e, "email.to.address", fs.first("to"))
	e.SetStr("postfix.orig_to", ecs.TrimAngle(fs.first("orig_to")))
	e.SetStr("postfix.relay", relay)
	if !postfixLocalRelay(relay) {
		postfixClient(e, "destination", relay)
	}
	if d := fs.first("delay"); d != "" {
		if f, err := strconv.ParseFloat(d, 64); err == nil {
			e.Set("postfix.delay", event.Float(f))
		}
	}
	e.SetStr("postfix.delays", fs.first("delays"))
	e.SetStr("postfix.dsn", fs.first("dsn"))
	e.SetStr("postfix.status", status)
	reason = strings.TrimSpace(reason)
	if len(reason) >= 2 && reason[0] == '(' && reason[len(reason)-1] == ')' {
		reason = reason[1 : len(reason)-1]
	}
	e.SetStr("event.reason", reason)
	switch {
	case strings.HasSuffix(prog, "/lmtp"):
		e.SetStr("network.protocol", "lmtp")
	case strings.HasSuffix(prog, "/smtp"):
		e.SetStr("network.protocol", "smtp")
	}
	return true
}

// postfixLocalRelay reports whether relay= names a local transport rather
// than a remote host: local, virtual, a pipe service (relay=vmail), a
// local socket (host[private/dovecot-lmtp]).
func postfixLocalRelay(relay string) bool {
	if relay == "" || relay == "none" {
		return false
	}
	_, ip, _, ok := postfixHostIP(relay)
	if !ok {
		return true // "local", "virtual", "vmail", "dovecot": a transport name
	}
	return !ecs.IsIP(ip)
}

// postfixNoQueue decodes lines without a queue id.
// Long because it is one switch over the lines' first words, a case each.
func postfixNoQueue(e *event.Event, prog, m string) bool {
	word, rest := ecs.CutWord(m)
	switch word {
	case "connect", "CONNECT":
		r, ok := strings.CutPrefix(rest, "from ")
		if !ok {
			return false
		}
		postfixBegin(e, prog, "", "postfix.smtpd.connect")
		ecs.ClassConnStart.Set(e, "smtp-connect", "")
		client, to, _ := strings.Cut(r, " to ")
		postfixClient(e, "source", client)
		if to != "" {
			postfixClient(e, "destination", to)
		}
		e.SetStr("network.protocol", "smtp")
		return true
	case "disconnect", "DISCONNECT":
		r := strings.TrimPrefix(rest, "from ")
		postfixBegin(e, prog, "", "postfix.smtpd.disconnect")
		ecs.ClassConnEnd.Set(e, "smtp-disconnect", "")
		client, counts, _ := strings.Cut(r, " ")
		postfixClient(e, "source", client)
		e.SetStr("postfix.commands", counts)
		e.SetStr("network.protocol", "smtp")
		return true
	case "lost", "timeout", "too":
		// lost connection after CMD from HOST[IP]; timeout after CMD from ...; too many errors after CMD from ...
		i := strings.Index(rest, " from ")
		j := strings.Index(rest, "after ")
		if i < 0 || j < 0 || j > i {
			return false
		}
		rule, action := "postfix.smtpd.lost_connection", "smtp-lost-connection"
		switch word {
		case "timeout":
			rule, action = "postfix.smtpd.timeout", "smtp-timeout"
		case "too":
			rule, action = "postfix.smtpd.too_many_errors", "smtp-too-many-errors"
		}
		postfixBegin(e, prog, "", rule)
		ecs.ClassConnEnd.Set(e, action, ecs.OutcomeFailure)
		// "timeout after DATA (1234 bytes)": the bytes received so far.
		after, bytes, _ := strings.Cut(rest[j+len("after "):i], " (")
		e.SetStr("postfix.after", after)
		if n, ok := strings.CutSuffix(bytes, " bytes)"); ok {
			ecs.SetUint(e, "postfix.data_bytes", n)
		}
		postfixClient(e, "source", rest[i+len(" from "):])
		e.SetStr("network.protocol", "smtp")
		return true
	case "improper":
		// improper command pipelining after CMD from HOST[IP][: TEXT]: a
		// client that talks before the server answered (spam bots); TEXT
		// is the client's and not read.
		r, ok := strings.CutPrefix(rest, "command pipelining after ")
		if !ok {
			return false
		}
		cmd, client, ok := strings.Cut(r, " from ")
		if !ok {
			return false
		}
		postfixBegin(e, prog, "", "postfix.smtpd.improper_pipelining")
		ecs.ClassNetInfo.Set(e, "smtp-improper-pipelining", ecs.OutcomeFailure)
		e.SetStr("postfix.after", cmd)
		postfixClient(e, "source", client)
		e.SetStr("network.protocol", "smtp")
		return true
	case "warning:":
		return postfixWarning(e, prog, rest)
	case "reject:":
		// postscreen before 2.11: "reject: connect from [IP]:PORT: all server ports busy"
		return strings.HasPrefix(rest, "connect from [") && postfixReject(e, prog, "", m)
	case "PASS", "WHITELISTED", "ALLOWLISTED", "BLACKLISTED", "DENYLISTED", "WHITELIST", "ALLOWLIST",
		"PREGREET", "HANGUP", "DNSBL", "COMMAND", "NON-SMTP", "BARE":
		return postscreenLine(e, prog, m)
	case "addr":
		return postfixDNSBLog(e, prog, m)
	case "cache":
		return postfixCacheCleanup(e, prog, m)
	}
	return false
}

// postfixReject decodes "reject: STAGE from HOST[IP]: CODE DSN TEXT; from=<x> to=<y> proto=P helo=<h>"
// (and milter-reject:, and cleanup's "reject: header ... from HOST[IP]; from=... helo=<h>: DSN TEXT").
func postfixReject(e *event.Event, prog, qid, rest string) bool {
	kind, r, _ := strings.Cut(rest, ": ")
	v := postfixVerdicts[kind]
	postfixBegin(e, prog, qid, v.rule)
	v.class.Set(e, v.action, v.outcome)
	r, kv, sure := postfixEnvelope(r)
	// "STAGE from HOST[IP]: REPLY": the stage is one word for smtpd, a
	// header line for cleanup; the client is the first "from X[...]".
	from := postfixFromClient(r)
	var stage, client, text string
	hasText := false
	switch {
	case from >= 0:
		stage = r[:from]
		client, text, hasText = strings.Cut(r[from+len(" from "):], ": ")
	case strings.HasSuffix(r, " from local"): // cleanup: a local submission
		stage = strings.TrimSuffix(r, " from local")
	default:
		return true
	}
	// cleanup: "mime-error ERROR: TEXT" (MIME processing found ERROR at TEXT).
	if r, ok := strings.CutPrefix(stage, "mime-error "); ok {
		stage = "mime-error"
		mimeErr, _, _ := strings.Cut(r, ": ")
		e.SetStr("event.reason", mimeErr)
	}
	e.SetStr("postfix.reject_stage", stage)
	postfixHeaderStage(e, stage)
	postfixClient(e, "source", client)
	if hasText {
		postfixReplyText(e, text)
	}
	if sure {
		// cleanup's header/body rejects put the reply after the helo: "...helo=<h>: 5.7.1 text"
		if text, ok := postfixRejectKV(e, kv); ok && !hasText {
			postfixReplyText(e, text)
		}
	}
	e.SetStr("network.protocol", "smtp")
	return true
}

// postfixFromClient returns the index of the " from " that introduces a
// HOST[IP] client in s, or -1.
func postfixFromClient(s string) int {
	for i := 0; ; {
		j := strings.Index(s[i:], " from ")
		if j < 0 {
			return -1
		}
		j += i
		w := s[j+len(" from "):]
		if end := strings.IndexAny(w, " ;"); end >= 0 {
			w = w[:end]
		}
		if strings.IndexByte(w, '[') >= 0 && strings.IndexByte(w, ']') > 0 {
			return j
		}
		i = j + 1
	}
}

// postfixReplyText splits "554 5.7.1 <a@b>: Relay access denied" into
// postfix.smtp_code, postfix.dsn and event.reason.
func postfixReplyText(e *event.Event, s string) {
	s = strings.TrimSpace(s)
	if code, r, ok := strings.Cut(s, " "); ok && len(code) == 3 && code[0] >= '2' && code[0] <= '5' {
		if _, numeric := ecs.ParseUint(code); numeric {
			e.SetStr("postfix.smtp_code", code)
			s = r
		}
	}
	if dsn, r, ok := strings.Cut(s, " "); ok && dsnClass(dsn) != 0 {
		e.SetStr("postfix.dsn", dsn)
		s = r
	}
	// A reply about an empty address ("<>" as some logs render it) leaves
	// its colon: "450 4.7.1 : Helo command rejected: Host not found".
	e.SetStr("event.reason", strings.TrimPrefix(s, ": "))
}
