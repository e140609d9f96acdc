package mail

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sendmail (programs sendmail, sm-mta, sm-msp-queue, or whatever the
// process title says: sm-acceptingconnections), with or without the
// Solaris "[ID 801593 mail.info]" block (the parser removes it):
//
//	QID: from=<x>, size=N, class=0, nrcpts=N, msgid=<id>, proto=ESMTP, daemon=MTA, relay=HOST [IP]
//	QID: to=<a>,<b>, ctladdr=<x> (1000/1000), delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=N, relay=HOST. [IP], dsn=2.0.0, stat=Sent (TEXT)
//	[QID: ]ruleset=check_rcpt, arg1=<a>, relay=HOST [IP][ (may be forged)], reject=550 5.7.1 <a>... Relaying denied
//	QID: Milter: data, reject=550 5.7.1 Blocked by SpamAssassin
//	QID: rejecting commands from HOST [IP] due to pre-greeting traffic
//	AUTH failure (LOGIN): authentication failure (-13) SASL(-13): ..., user=alice, relay=HOST [IP]
//	AUTH=server, relay=HOST [IP], authid=alice, mech=PLAIN, bits=0
//	QID: HOST [IP]: possible SMTP attack: command=AUTH, count=5
//	QID: HOST [IP] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA
//	QID: DSN: User unknown
//
// and the notes of sendmail_notes.go.

// Long because it is one switch over the line shapes listed above, a case
// each.
func decodeSendmail(e *event.Event) bool {
	m := e.Message
	prog := ecs.ProgramKey(e.AppName)
	qid, rest := postfixQueueID(m)
	word, _ := ecs.CutWord(rest)
	switch {
	case strings.HasPrefix(rest, "from="):
		// logsender(): from, size, class, pri, nrcpts, msgid, bodytype,
		// proto, daemon, relay; those after the msgid are its last pairs.
		var fsBuf [16]commaField
		fs := parseCommaFields(rest, "", sendmailQuotes, fsBuf[:0])
		sendmailBegin(e, prog, qid, "sendmail.from")
		classEmailInfo.Set(e, actEmailReceive, ecs.OutcomeSuccess)
		setEmailAddrs(e, "email.from.address", fs.first("from"))
		ecs.SetUint(e, "sendmail.size", fs.first("size"))
		ecs.SetUint(e, "sendmail.nrcpts", fs.first("nrcpts"))
		setMessageID(e, fs.first("msgid"))
		e.SetStr("sendmail.proto", fs.last("proto"))
		e.SetStr("sendmail.daemon", fs.last("daemon"))
		sendmailRelay(e, "source", fs.last("relay"))
		return true
	case strings.HasPrefix(rest, "to="):
		return sendmailDelivery(e, prog, qid, rest)
	case strings.HasPrefix(rest, "ruleset="):
		l, ok := cutSendmailRuleset(rest)
		if !ok {
			return false
		}
		sendmailBegin(e, prog, qid, "sendmail.reject")
		classEmailDenied.Set(e, actEmailReject, ecs.OutcomeFailure)
		e.SetStr("sendmail.ruleset", l.ruleset)
		// arg1 is one address (a quoted local part may hold commas)
		if a := ecs.TrimAngle(l.arg1); a != "" && a != l.arg1 {
			switch l.ruleset {
			case "check_mail":
				e.AddToList("email.from.address", a)
			case "check_rcpt":
				e.AddToList("email.to.address", a)
			}
		}
		sendmailRelay(e, "source", l.relay)
		sendmailReply(e, l.reply)
		return true
	case strings.HasPrefix(rest, "Milter: "), strings.HasPrefix(rest, "Milter "):
		// milter.c's "Milter: data, reject=MSG", "Milter: to=<a>,
		// reject=MSG", ...: no relay; one in the line is the client's text.
		i := strings.Index(rest, "reject=")
		if i < 0 {
			return false
		}
		sendmailBegin(e, prog, qid, "sendmail.reject")
		classEmailDenied.Set(e, actEmailReject, ecs.OutcomeFailure)
		e.SetStr("sendmail.ruleset", "milter")
		sendmailReply(e, rest[i+len("reject="):])
		return true
	case strings.HasPrefix(rest, "rejecting commands from "):
		sendmailBegin(e, prog, qid, "sendmail.pregreet")
		classEmailDenied.Set(e, actEmailReject, ecs.OutcomeFailure)
		r := rest[len("rejecting commands from "):]
		relay, reason, _ := strings.Cut(r, " due to ")
		sendmailRelay(e, "source", relay)
		e.SetStr("event.reason", reason)
		return true
	case strings.HasPrefix(rest, "AUTH failure"):
		sendmailBegin(e, prog, qid, "sendmail.auth.failure")
		ecs.ClassAuthStart.Set(e, "smtp-auth", ecs.OutcomeFailure)
		if i := strings.Index(rest, "("); i >= 0 {
			if j := strings.IndexByte(rest[i:], ')'); j > 0 {
				e.SetStr("sendmail.mech", rest[i+1:i+j])
			}
		}
		// "..., user=U, relay=R" ends the line (srvrsmtp.c); U is what the
		// client sent and may hold ", user=..." or ", relay=..." itself,
		// so the relay is after the last ", relay=" and the user between
		// the first ", user=" (the server's reason has none) and it.
		head, relay, hasRelay := cutLast(rest, ", relay=")
		head, user, hasUser := strings.Cut(head, ", user=")
		if hasUser {
			ecs.SetUser(e, "user.name", user)
		}
		if hasRelay {
			sendmailRelay(e, "source", relay)
		}
		if _, reason, ok := strings.Cut(head, "): "); ok {
			e.SetStr("event.reason", reason)
		}
		return true
	case strings.HasPrefix(rest, "AUTH=server"):
		sendmailBegin(e, prog, qid, "sendmail.auth.success")
		ecs.ClassAuthStart.Set(e, "smtp-auth", ecs.OutcomeSuccess)
		// "AUTH=server, relay=R, authid=A, mech=M, bits=N": A is the
		// client's, so mech is its last pair.
		var fsBuf [16]commaField
		fs := parseCommaFields(rest, "", sendmailQuotes, fsBuf[:0])
		ecs.SetUser(e, "user.name", fs.first("authid"))
		e.SetStr("sendmail.mech", fs.last("mech"))
		sendmailRelay(e, "source", fs.first("relay"))
		return true
	case strings.HasPrefix(rest, "STARTTLS=server, relay="), strings.HasPrefix(rest, "STARTTLS=client, relay="):
		// "=server": a client's TLS to this MTA (the relay its source);
		// "=client": this MTA's to a server (the relay its destination).
		side := "source"
		if strings.HasPrefix(rest, "STARTTLS=client") {
			side = "destination"
		}
		sendmailBegin(e, prog, qid, "sendmail.starttls")
		ecs.ClassNetInfo.Set(e, "tls-handshake", "")
		var fsBuf [16]commaField
		fs := parseCommaFields(rest, "", sendmailQuotes, fsBuf[:0])
		sendmailRelay(e, side, fs.first("relay"))
		ecs.SetTLSVersion(e, fs.first("version"))
		e.SetStr("tls.cipher", fs.first("cipher"))
		e.SetStr("sendmail.verify", fs.first("verify"))
		return true
	case word == "DSN:":
		sendmailBegin(e, prog, qid, "sendmail.dsn")
		classEmailInfo.Set(e, actEmailDSN, "")
		e.SetStr("event.reason", strings.TrimSpace(rest[len("DSN:"):]))
		return true
	case strings.Contains(rest, ": possible SMTP attack: "):
		relay, r, _ := strings.Cut(rest, ": possible SMTP attack: ")
		sendmailBegin(e, prog, qid, "sendmail.smtp_attack")
		ecs.ClassAuthInfo.Set(e, "smtp-attack", ecs.OutcomeFailure)
		sendmailRelay(e, "source", relay)
		e.SetStr("sendmail.command", postfixComma(r, "command"))
		ecs.SetUint(e, "sendmail.count", postfixComma(r, "count"))
		return true
	case strings.Contains(rest, " did not issue "):
		relay, r, _ := strings.Cut(rest, " did not issue ")
		sendmailBegin(e, prog, qid, "sendmail.no_transaction")
		ecs.ClassConnEnd.Set(e, "smtp-disconnect", "")
		sendmailRelay(e, "source", relay)
		e.SetStr("event.reason", "did not issue "+r)
		return true
	case strings.HasPrefix(rest, "SYSERR"):
		return sendmailSyserr(e, prog, qid, rest)
	case isSavemailPanic(rest):
		// savemail(): a message neither delivered nor returned nor
		// saved in dead.letter is lost ("Losing ./qfQID: savemail panic").
		sendmailBegin(e, prog, qid, "sendmail.savemail_panic")
		e.SetStr("error.message", rest)
		return true
	case strings.HasPrefix(rest, "lost input channel from "):
		r := rest[len("lost input channel from "):]
		relay, after, _ := strings.Cut(r, " to ")
		sendmailBegin(e, prog, qid, "sendmail.lost_connection")
		ecs.ClassConnEnd.Set(e, "smtp-lost-connection", ecs.OutcomeFailure)
		sendmailRelay(e, "source", relay)
		e.SetStr("event.reason", "lost input channel to "+after)
		return true
	}
	return sendmailNote(e, prog, qid, rest)
}

// sendmailSyserr decodes syserr()'s "SYSERR(USER): TEXT" (USER the real
// user sendmail runs for; "SYSERR: TEXT" when it has none): an error of
// the MTA itself, such as "can not write to queue directory ...".
func sendmailSyserr(e *event.Event, prog, qid, rest string) bool {
	r := rest[len("SYSERR"):]
	user := ""
	if strings.HasPrefix(r, "(") {
		u, after, ok := strings.Cut(r[1:], ")")
		if !ok || u == "" || strings.IndexByte(u, ' ') >= 0 {
			return false
		}
		user, r = u, after
	}
	text, ok := strings.CutPrefix(r, ": ")
	if !ok || strings.TrimSpace(text) == "" {
		return false
	}
	sendmailBegin(e, prog, qid, "sendmail.syserr")
	e.SetStr("error.message", text)
	ecs.SetUser(e, "process.real_user.name", user)
	return true
}

// isSavemailPanic reports whether rest is savemail()'s "Losing FILE: savemail panic".
func isSavemailPanic(rest string) bool {
	return strings.HasPrefix(rest, "Losing ") && strings.HasSuffix(rest, ": savemail panic")
}

func sendmailBegin(e *event.Event, prog, qid, rule string) {
	ecs.Begin(e, prog, rule)
	if qid != "" && qid != "NOQUEUE" {
		e.SetStr("email.local_id", qid)
		e.SetStr("sendmail.queue_id", qid)
	}
}

// sendmailDelivery decodes "to=..., mailer=M, relay=R, dsn=X.Y.Z, stat=S (TEXT)".
func sendmailDelivery(e *event.Event, prog, qid, rest string) bool {
	// logdelivery(): to, ctladdr, delay, xdelay, mailer, pri, relay, dsn,
	// stat; stat's text (the remote server's) runs to the end.
	var fsBuf [16]commaField
	fs := parseCommaFields(rest, "stat", sendmailQuotes, fsBuf[:0])
	if len(fs) == 0 || fs[len(fs)-1].key != "stat" {
		return false
	}
	stat := fs[len(fs)-1].val
	dsn := fs.first("dsn")
	mailer := fs.first("mailer")
	var action, outcome, rule string
	switch {
	case strings.HasPrefix(stat, "Sent"):
		action, outcome, rule = actEmailSend, ecs.OutcomeSuccess, "sendmail.delivery.sent"
		switch mailer {
		case "local", "prog", "lmtp", "*file*", "cyrus", "cyrusv2", "procmail":
			action = actEmailDeliver
		}
	case stat == "queued":
		// Queued, not tried (a queue-only delivery mode, a busy system):
		// neither sent nor failed.
		action, outcome, rule = actEmailQueue, "", "sendmail.delivery.queued"
	case strings.HasPrefix(stat, "Deferred"), dsnClass(dsn) == '4':
		action, outcome, rule = actEmailDefer, ecs.OutcomeFailure, "sendmail.delivery.deferred"
	default:
		action, outcome, rule = actEmailBounce, ecs.OutcomeFailure, "sendmail.delivery.bounced"
	}
	sendmailBegin(e, prog, qid, rule)
	classEmailInfo.Set(e, action, outcome)
	setEmailAddrs(e, "email.to.address", fs.first("to"))
	e.SetStr("sendmail.mailer", mailer)
	e.SetStr("sendmail.delay", fs.first("delay"))
	e.SetStr("sendmail.xdelay", fs.first("xdelay"))
	e.SetStr("sendmail.ctladdr", fs.first("ctladdr"))
	e.SetStr("sendmail.dsn", dsn)
	if relay := fs.first("relay"); mailer != "local" && mailer != "prog" {
		sendmailRelay(e, "destination", relay)
	}
	status, text := stat, ""
	if i := strings.IndexAny(stat, "(:"); i >= 0 {
		status, text = strings.TrimSpace(stat[:i]), stat[i:]
	}
	e.SetStr("sendmail.stat", status)
	e.SetStr("event.reason", strings.Trim(strings.TrimSpace(text), "()"))
	if !strings.HasPrefix(stat, "Sent") {
		e.SetStr("event.reason", stat)
	}
	return true
}

// sendmailRelay sets side.* from "HOST [IP]", "HOST. [IP] (may be forged)",
// "[IP]" or "user@host" (a local submission: user.name).
func sendmailRelay(e *event.Event, side, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	e.SetStr("sendmail.relay", s)
	if strings.HasSuffix(s, "(may be forged)") {
		e.Set("sendmail.may_be_forged", event.Bool(true))
		s = strings.TrimSpace(strings.TrimSuffix(s, "(may be forged)"))
	}
	open := strings.IndexByte(s, '[')
	if open < 0 {
		if user, host, ok := strings.Cut(s, "@"); ok && side == "source" {
			ecs.SetUser(e, "user.name", user)
			ecs.SetAddress(e, side, host)
			return
		}
		ecs.SetAddress(e, side, strings.TrimSuffix(s, "."))
		return
	}
	host := strings.TrimSuffix(strings.TrimSpace(s[:open]), ".")
	ip := s[open+1:]
	if j := strings.IndexByte(ip, ']'); j >= 0 {
		ip = ip[:j]
	}
	ip = strings.TrimPrefix(ip, "IPv6:")
	ecs.SetAddress(e, side, ip)
	ecs.SetAddress(e, side, host)
}

// sendmailReply splits "550 5.7.1 <a@b>... Relaying denied" into the
// code, the enhanced status and event.reason.
func sendmailReply(e *event.Event, s string) {
	s = strings.TrimSpace(s)
	if code, r, ok := strings.Cut(s, " "); ok && len(code) == 3 {
		if _, numeric := ecs.ParseUint(code); numeric {
			e.SetStr("sendmail.smtp_code", code)
			s = r
		}
	}
	if dsn, r, ok := strings.Cut(s, " "); ok && dsnClass(dsn) != 0 {
		e.SetStr("sendmail.dsn", dsn)
		s = r
	}
	e.SetStr("event.reason", s)
}

// procmail's log (LOGFILE, or its stderr through syslog): three lines per
// message and error lines.
//
//	From alice@example.com  Mon Jan  6 12:34:56 2020
//	 Subject: Quarterly report
//	  Folder: /var/mail/bob						   4211
//	procmail: Couldn't create "/var/mail/bob"

// gateProcmail: sniffProcmail's three prefixes start with 'F' or 'S'.
var gateProcmail = ecs.SniffGate{First: "FS"}

func sniffProcmail(e *event.Event) bool {
	if e.AppName != "" {
		return false
	}
	m := e.Message
	return strings.HasPrefix(m, "From ") || strings.HasPrefix(m, "Subject: ") || strings.HasPrefix(m, "Folder: ")
}

func decodeProcmail(e *event.Event) bool {
	m := strings.TrimLeft(e.Message, " \t")
	switch {
	case strings.HasPrefix(m, "From "):
		from, date, ok := strings.Cut(m[len("From "):], " ")
		date = strings.TrimSpace(date)
		t, err := time.ParseInLocation("Mon Jan _2 15:04:05 2006", date, e.Received.Location())
		if !ok || err != nil {
			return false
		}
		ecs.Begin(e, "procmail", "procmail.from")
		classEmailInfo.Set(e, actEmailReceive, "")
		setEmailAddrs(e, "email.from.address", from)
		ecs.SetTimeIfNone(e, t)
		return true
	case strings.HasPrefix(m, "Subject: "):
		ecs.Begin(e, "procmail", "procmail.subject")
		classEmailInfo.Set(e, "email-subject", "")
		e.SetStr("email.subject", strings.TrimSpace(m[len("Subject: "):]))
		return true
	case strings.HasPrefix(m, "Folder: "):
		r := strings.TrimSpace(m[len("Folder: "):])
		i := strings.LastIndexAny(r, " \t")
		if i < 0 {
			return false
		}
		size, ok := ecs.ParseUint(r[i+1:])
		if !ok {
			return false
		}
		ecs.Begin(e, "procmail", "procmail.folder")
		classEmailInfo.Set(e, actEmailDeliver, ecs.OutcomeSuccess)
		e.SetStr("file.path", strings.TrimRight(r[:i], " \t"))
		e.SetInt("procmail.size", size)
		return true
	case strings.HasPrefix(m, "procmail: ") || ecs.ProgramKey(e.AppName) == "procmail":
		// Everything else procmail writes is an error message.
		text := strings.TrimPrefix(m, "procmail: ")
		ecs.Begin(e, "procmail", "procmail.error")
		classEmailError.Set(e, actEmailDeliver, ecs.OutcomeFailure)
		e.SetStr("event.reason", text)
		if i := strings.IndexByte(text, '"'); i >= 0 {
			if j := strings.IndexByte(text[i+1:], '"'); j >= 0 {
				e.SetStr("file.path", text[i+1:i+1+j])
			}
		}
		return true
	}
	return false
}

// cutLast cuts s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
