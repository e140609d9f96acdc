package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sendmail's other notes (savemail.c, daemon.c, conf.c, main.c, util.c):
//
//	QID: QID2: DSN: REASON                       a delivery status notification QID2 made for QID
//	QID: QID2: postmaster notify: REASON         the copy to the postmaster
//	QID: QID2: return to sender|sender notify: REASON   pre-8.9's DSN
//	QID: <ADDR>... User unknown                  a recipient refused at RCPT
//	starting daemon (VERSION): SMTP+queueing@00:30:00
//	rejecting connections on daemon NAME: REASON (load average: 12)
//	accepting connections again for daemon NAME
//	QID: Authentication-Warning: HOST: USER set sender to ADDR using -f
//	QID: timeout waiting for input from HOST during client|server STAGE
//	unable to qualify my own domain name (NAME) -- using short name
//	QID: collect: premature EOM: ERROR             the client's message data ended early
//	QID: collect: PROBLEM on connection from HOST, sender=ADDR
//	QID: HOST [IP]: VRFY|EXPN ARG [rejected]      a command PrivacyOptions refuses
//	My unqualified host name (NAME) unknown; sleeping for retry
//
// "during client ..." is sendmail talking to a server (HOST the
// destination), "during server ..." a client talking to it (the source);
// HOST "local" names no peer.

// sendmailNote decodes the lines above; false for any other.
func sendmailNote(e *event.Event, prog, qid, rest string) bool {
	switch {
	case strings.HasPrefix(rest, "starting daemon ("):
		version, modes, ok := strings.Cut(rest[len("starting daemon ("):], "): ")
		if !ok || version == "" || strings.IndexByte(version, ' ') >= 0 {
			return false
		}
		sendmailBegin(e, prog, qid, "sendmail.start")
		ecs.ClassProcStart.Set(e, "service-start", ecs.OutcomeSuccess)
		e.SetStr("service.version", version)
		e.SetStr("sendmail.modes", modes)
		return true
	case strings.HasPrefix(rest, "rejecting connections on daemon "):
		name, reason, ok := strings.Cut(rest[len("rejecting connections on daemon "):], ": ")
		if !ok {
			return false
		}
		sendmailBegin(e, prog, qid, "sendmail.refusing")
		ecs.ClassNetInfo.Set(e, "smtp-connections-refused", ecs.OutcomeFailure)
		e.SetStr("sendmail.daemon", name)
		e.SetStr("event.reason", reason)
		return true
	case strings.HasPrefix(rest, "accepting connections again for daemon "):
		sendmailBegin(e, prog, qid, "sendmail.accepting")
		ecs.ClassNetInfo.Set(e, "smtp-connections-accepted", ecs.OutcomeSuccess)
		e.SetStr("sendmail.daemon", rest[len("accepting connections again for daemon "):])
		return true
	case strings.HasPrefix(rest, "Authentication-Warning: "):
		return sendmailSenderSet(e, prog, qid, rest[len("Authentication-Warning: "):])
	case strings.HasPrefix(rest, "timeout waiting for input from "):
		host, stage, ok := strings.Cut(rest[len("timeout waiting for input from "):], " during ")
		if !ok {
			return false
		}
		side := "source"
		if strings.HasPrefix(stage, "client ") {
			side = "destination"
		}
		sendmailBegin(e, prog, qid, "sendmail.timeout")
		ecs.ClassConnEnd.Set(e, "smtp-timeout", ecs.OutcomeFailure)
		// "local" is util.c's CURHOSTNAME when no peer is known (a
		// message submitted on this host): no host of that name.
		if host != "local" {
			sendmailRelay(e, side, host)
		}
		e.SetStr("event.reason", "timeout during "+stage)
		return true
	case strings.HasPrefix(rest, "unable to qualify my own domain name ("),
		strings.HasPrefix(rest, "My unqualified host name ("):
		// conf.c/daemon.c: the host's name has no domain; mail may bounce.
		sendmailBegin(e, prog, qid, "sendmail.unqualified_name")
		ecs.ClassProcInfo.Set(e, "sendmail-unqualified-hostname", ecs.OutcomeFailure)
		e.SetStr("event.reason", rest)
		return true
	case strings.HasPrefix(rest, "collect: "):
		return sendmailCollect(e, prog, qid, rest[len("collect: "):])
	case strings.HasSuffix(rest, " [rejected]"):
		// srvrsmtp.c: "CurSmtpClient: COMMAND ARG [rejected]"; ARG is the
		// client's, the client ("HOST [IP]", "[IP]") has no ": ".
		client, cmd, ok := strings.Cut(rest, ": ")
		verb, _, _ := strings.Cut(cmd, " ")
		if !ok || (verb != "VRFY" && verb != "EXPN") || !strings.HasSuffix(client, "]") {
			return false
		}
		sendmailBegin(e, prog, qid, "sendmail.command_rejected")
		classEmailDenied.Set(e, actEmailReject, ecs.OutcomeFailure)
		sendmailRelay(e, "source", client)
		e.SetStr("sendmail.command", verb)
		return true
	case strings.HasPrefix(rest, "<"):
		addr, reason, ok := strings.Cut(rest, ">... ")
		if !ok || reason != "User unknown" || qid == "" {
			return false
		}
		sendmailBegin(e, prog, qid, "sendmail.user_unknown")
		classEmailDenied.Set(e, actEmailReject, ecs.OutcomeFailure)
		setEmailAddrs(e, "email.to.address", addr+">")
		e.SetStr("event.reason", reason)
		return true
	}
	// "QID2: DSN: REASON" after the original's queue id.
	if dsnID, r := postfixQueueID(rest); dsnID != "" && qid != "" {
		// 8.9 and later write "DSN"; older ones "return to sender" and
		// "sender notify" for the same notice to the sender.
		var reason string
		var ok bool
		for _, kind := range [...]string{"DSN: ", "postmaster notify: ", "return to sender: ", "sender notify: "} {
			if reason, ok = strings.CutPrefix(r, kind); ok {
				break
			}
		}
		if !ok {
			return false
		}
		sendmailBegin(e, prog, qid, "sendmail.dsn")
		classEmailInfo.Set(e, actEmailDSN, "")
		e.SetStr("sendmail.dsn_queue_id", dsnID)
		e.SetStr("event.reason", strings.TrimSpace(reason))
		return true
	}
	return false
}

// sendmailSenderSet decodes "HOST: USER set sender to ADDR using -f": a
// local user who gave the envelope sender on the command line.
func sendmailSenderSet(e *event.Event, prog, qid, r string) bool {
	_, r, ok := strings.Cut(r, ": ")
	user, r, ok2 := strings.Cut(r, " set sender to ")
	addr, ok3 := strings.CutSuffix(r, " using -f")
	if !ok || !ok2 || !ok3 || user == "" || strings.IndexByte(user, ' ') >= 0 {
		return false
	}
	sendmailBegin(e, prog, qid, "sendmail.sender_set")
	classEmailInfo.Set(e, "email-sender-set", "")
	ecs.SetUser(e, "user.name", user)
	setEmailAddrs(e, "email.from.address", addr)
	return true
}

// sendmailCollect decodes collect.c's two notes of a client whose message
// data ended before its final ".": "premature EOM: ERROR" (ERROR
// "unexpected close" or the system's, "Connection reset by HOST") and
// "PROBLEM on connection from HOST, sender=ADDR[: ERROR]" (PROBLEM
// "unexpected close", "I/O error", "read timeout"; HOST sendmail's name
// for the client, "[IP]" when it has none). ADDR, the client's, is last.
func sendmailCollect(e *event.Event, prog, qid, r string) bool {
	if reason, ok := strings.CutPrefix(r, "premature EOM: "); ok {
		sendmailBegin(e, prog, qid, "sendmail.collect")
		ecs.ClassConnEnd.Set(e, "smtp-lost-connection", ecs.OutcomeFailure)
		e.SetStr("event.reason", "premature EOM: "+reason)
		return true
	}
	problem, r, ok := strings.Cut(r, " on connection from ")
	host, sender, ok2 := strings.Cut(r, ", sender=")
	if !ok || !ok2 || host == "" || strings.IndexByte(problem, ',') >= 0 {
		return false
	}
	sendmailBegin(e, prog, qid, "sendmail.collect")
	ecs.ClassConnEnd.Set(e, "smtp-lost-connection", ecs.OutcomeFailure)
	sendmailRelay(e, "source", host)
	e.SetStr("event.reason", problem)
	if strings.HasPrefix(sender, "<") {
		if end := angleEnd(sender, sendmailQuotes); end >= 0 {
			sender = sender[:end+1]
		}
	} else if i := strings.Index(sender, ": "); i >= 0 {
		sender = sender[:i]
	}
	setEmailAddr(e, "email.from.address", sender)
	return true
}
