package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Exim (programs exim, exim4) logs its main log to syslog with
// log_file_path = syslog (or :syslog), one line per log entry, the entry's
// own time first unless syslog_timestamp = false (spec, "Log files"):
//
//	[2026-07-01 10:00:00 ][[pid] ]ID <= SENDER FIELDS [for RCPT...]   arrival
//	ID => ADDR [<ORIG>] FIELDS                    delivery (-> another address of it, >> cutthrough, *> suppressed by -N)
//	ID ** ADDR [<ORIG>] FIELDS: REASON            delivery failed, bounced
//	ID == ADDR [<ORIG>] FIELDS defer (ERRNO)[ H=..]: REASON    delivery deferred
//	ID Completed[ QT=T]
//	FIELDS rejected RCPT <ADDR>: REASON           an ACL refused (and the other sentences of exim_sentences.go)
//
// ID is a message id: 6-6-2 base-62 characters (1qX5Zz-0008Hm-3L), or
// 6-11-4 since 4.97 (1xA6ol-000000037ku-33mU). A long line goes to syslog
// in parts, "[1\3] ..." ("[1/3] " where the entry had newlines) first:
// only its first part is decoded (the rest carries no flag). The fields
// are exim_fields.go's.

// gateExim: a bare main-log line ("2026-07-01 10:00:00 ID <= ...") has
// no PRI; the parser reads its date and time as an RFC 3164 timestamp and
// the message id as the host, so the line is taken from the original.
var gateExim = ecs.SniffGate{Also: func(e *event.Event) bool { return e.Pri == event.NoPri && e.AppName == "" }}

// sniffExim recognises a main-log line forwarded without a program (a
// file agent): a message id, or the start of one of the sentences that
// carry none (eximBareLeads), after the date.
func sniffExim(e *event.Event) bool {
	m := eximBareLine(e)
	if m == "" {
		return false
	}
	m = cutEximPid(m)
	if id, _ := cutEximID(m); id != "" {
		return true
	}
	for _, l := range eximBareLeads {
		if strings.HasPrefix(m, l) {
			return true
		}
	}
	auth, _, ok := strings.Cut(m, " authenticator failed for ")
	return ok && strings.IndexByte(auth, ' ') < 0
}

// eximBareLeads start the sentences without a message id that no other
// program's line starts with after a date.
var eximBareLeads = [...]string{
	"H=", "SMTP connection from ", "SMTP call from ", "SMTP command timeout on connection from ",
	"SMTP data timeout (message abandoned) on connection from ", "SMTP protocol synchronization error (",
	"SMTP protocol error in \"", "SMTP syntax error in \"", "TLS error on connection from ",
	"unexpected disconnection while reading SMTP command from ", "no host name found for IP address ",
	"no IP address found for host ", "no MAIL in ", "rejected EHLO from ", "rejected HELO from ",
	"Start queue run: pid=", "End queue run: pid=",
}

// eximBareLine returns a bare main-log line of e after its time, or "".
func eximBareLine(e *event.Event) string {
	if e.Pri != event.NoPri || e.AppName != "" {
		return ""
	}
	m, ok := cutEximTime(e.Original)
	if !ok {
		return ""
	}
	return strings.TrimRight(m, " \r\n\x00")
}

// eximFlag is what a message line's flag means.
type eximFlag struct {
	rule, action, outcome string
}

var eximFlags = map[string]eximFlag{
	"<=": {"exim.arrival", actEmailReceive, ecs.OutcomeSuccess},
	"(=": {"exim.arrival.fakereject", actEmailReceive, ecs.OutcomeSuccess}, // accepted, the client told it was rejected
	"=>": {"exim.delivery", actEmailSend, ecs.OutcomeSuccess},
	"->": {"exim.delivery.additional", actEmailSend, ecs.OutcomeSuccess},
	">>": {"exim.delivery.cutthrough", actEmailSend, ecs.OutcomeSuccess},
	"*>": {"exim.delivery.suppressed", "email-suppressed", ""},
	"**": {"exim.bounce", actEmailBounce, ecs.OutcomeFailure},
	"==": {"exim.defer", actEmailDefer, ecs.OutcomeFailure},
}

func decodeExim(e *event.Event) bool {
	if m := eximBareLine(e); m != "" {
		if !decodeEximMessage(e, m) {
			return false
		}
		e.Hostname, e.Message = "", m // the parser's host was the message id
		return true
	}
	return decodeEximMessage(e, e.Message)
}

func decodeEximMessage(e *event.Event, m string) bool {
	if strings.HasPrefix(m, "[") { // a line in parts, "[1\3] " ("[1/3] " at its newlines) first: the others carry no flag
		if part, rest, ok := strings.Cut(m, "] "); ok && strings.IndexAny(part, `\/`) > 0 {
			if !strings.HasPrefix(part, `[1\`) && !strings.HasPrefix(part, "[1/") {
				return false
			}
			m = rest
		}
	}
	m, _ = cutEximTime(m)
	m = cutEximPid(m)
	id, rest := cutEximID(m)
	flag, after := ecs.CutWord(rest)
	if f, ok := eximFlags[flag]; ok && id != "" {
		eximBegin(e, id, f.rule)
		classEmailInfo.Set(e, f.action, f.outcome)
		if flag == "<=" || flag == "(=" {
			eximArrival(e, after)
		} else {
			eximDelivery(e, flag, after)
		}
		return true
	}
	if id != "" {
		if eximMessageNote(e, id, rest) {
			return true
		}
		m = rest
	}
	return eximSentence(e, id, m)
}

func eximBegin(e *event.Event, id, rule string) {
	ecs.Begin(e, "exim", rule)
	if id != "" {
		e.SetStr("email.local_id", id)
	}
}

// eximArrival: "<= SENDER FIELDS[ from <SENDER>][ for RCPT RCPT...]".
func eximArrival(e *event.Event, s string) {
	sender, s := cutEximAddress(s)
	var f eximFields
	rest := parseEximFields(s, &f)
	setEmailAddr(e, "email.from.address", sender)
	if f.hasHost {
		f.host.set(e, "source")
	}
	f.setCommon(e)
	e.SetStr("exim.protocol", f.p)
	e.SetStr("exim.bounce_of", f.r)
	e.SetStr("email.subject", f.t)
	if f.msgid != "" {
		setMessageID(e, f.msgid)
	}
	if r, ok := strings.CutPrefix(rest, "from "); ok { // received_sender: the sender again
		if _, r2, ok := cutEximAngle(r); ok {
			rest = strings.TrimLeft(r2, " ")
		}
	}
	if r, ok := strings.CutPrefix(rest, "for "); ok { // received_recipients
		for r != "" {
			var a string
			a, r = cutEximAddress(strings.TrimLeft(r, " "))
			setEmailAddr(e, "email.to.address", a)
			r = strings.TrimLeft(r, " ")
		}
	}
}

// eximDelivery: "ADDR [<ORIG>] FIELDS[ defer (ERRNO)[ H=...]][: REASON]".
// ADDR is where the message went (a local part, a file, a pipe, an
// address); ORIG the address it was for, when routing changed it.
func eximDelivery(e *event.Event, flag, s string) {
	addr, s := cutEximAddress(s)
	if a, ok := strings.CutSuffix(addr, ":"); ok && !strings.HasPrefix(addr, ":") { // "** ADDR: REASON", not ":blackhole:"
		addr, s = a, ":"+s
	}
	to := addr
	if r := strings.TrimLeft(s, " "); strings.HasPrefix(r, "<") {
		if orig, r2, ok := cutEximAngle(r); ok {
			to, s = orig, r2
			e.SetStr("exim.delivered_to", addr)
		}
	}
	setEmailAddr(e, "email.to.address", to)
	var f eximFields
	rest := parseEximFields(s, &f)
	if errno, r, ok := cutEximDefer(rest); ok {
		e.SetStr("exim.errno", errno)
		rest = parseEximFields(r, &f)
	}
	if f.hasHost {
		f.host.set(e, "destination")
	} else if flag == "=>" || flag == "->" {
		e.SetStr("event.action", actEmailDeliver)
	}
	f.hasSender = false // F= is the message's sender, not this address's
	f.setCommonAt(e, "source")
	setEmailAddr(e, "email.from.address", f.sender)
	e.SetStr("exim.router", f.r)
	e.SetStr("exim.transport", f.t)
	e.SetStr("exim.return_path", f.p)
	e.SetStr("exim.confirmation", f.confirm)
	if r, ok := strings.CutPrefix(strings.TrimLeft(rest, " "), ":"); ok {
		e.SetStr("event.reason", strings.TrimSpace(r))
	}
}

// cutEximDefer cuts "defer (ERRNO)" (and "routing defer (ERRNO)").
func cutEximDefer(s string) (errno, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	s = strings.TrimPrefix(s, "routing ")
	r, ok := strings.CutPrefix(s, "defer (")
	if !ok {
		return "", s, false
	}
	errno, rest, ok = strings.Cut(r, ")")
	return errno, rest, ok
}

// cutEximTime cuts the entry's own "YYYY-MM-DD HH:MM:SS[.mmm][ +ZZZZ] ".
func cutEximTime(m string) (string, bool) {
	if len(m) < 20 || m[4] != '-' || m[7] != '-' || m[10] != ' ' || m[13] != ':' || m[16] != ':' {
		return m, false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if m[i] < '0' || m[i] > '9' {
			return m, false
		}
	}
	r := m[19:]
	if strings.HasPrefix(r, ".") && len(r) > 4 {
		r = r[4:]
	}
	if len(r) > 6 && r[0] == ' ' && (r[1] == '+' || r[1] == '-') {
		if _, ok := ecs.ParseUint(r[2:6]); ok {
			r = r[6:]
		}
	}
	if !strings.HasPrefix(r, " ") {
		return m, false
	}
	return r[1:], true
}

// cutEximPid cuts the "[pid] " of log_selector +pid.
func cutEximPid(m string) string {
	if !strings.HasPrefix(m, "[") {
		return m
	}
	pid, rest, ok := strings.Cut(m[1:], "] ")
	if _, num := ecs.ParseUint(pid); !ok || !num {
		return m
	}
	return rest
}

// cutEximID cuts a leading message id and the space after it.
func cutEximID(m string) (id, rest string) {
	w, rest := ecs.CutWord(m)
	a, b, ok := strings.Cut(w, "-")
	if !ok || len(a) != 6 || !isBase62(a) {
		return "", m
	}
	b, c, ok := strings.Cut(b, "-")
	if !ok || !(len(b) == 6 && len(c) == 2 || len(b) == 11 && len(c) == 4) || !isBase62(b) || !isBase62(c) {
		return "", m
	}
	return w, rest
}

func isBase62(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
