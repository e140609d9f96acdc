package mail

import (
	"net/netip"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Postfix and sendmail lines without their program: a message body copied
// from a log file or a test without its syslog header ("4F7D2A1B2C: to=<a@b>,
// relay=..."). Only the shapes that one MTA alone writes are recognised,
// and only when the line names no program: the keys and their order are
// the MTA's own (postfix's "delays=a/b/c/d" and "status=", its qmgr's
// "nrcpt=N (queue active)", its cleanup's "message-id="; sendmail's
// "xdelay=", "mailer=", "stat=", its "class=" and "nrcpts=", its
// "SYSERR(user): " and "savemail panic" errors), so that a
// line of another program that merely starts with an id never is.

// gateBody: the body sniffers take only a line that names no program.
var gateBody = ecs.SniffGate{Also: func(e *event.Event) bool { return e.AppName == "" }}

// sniffPostfixBody recognises a program-less postfix line.
func sniffPostfixBody(e *event.Event) bool {
	if e.AppName != "" {
		return false
	}
	m := e.Message
	qid, rest := postfixQueueID(m)
	switch {
	case qid == "NOQUEUE":
		return strings.HasPrefix(rest, "reject: RCPT from ") || strings.HasPrefix(rest, "milter-reject: ")
	case qid != "":
		return strings.HasPrefix(rest, "to=") && hasKeys(rest, ", delays=", ", dsn=", ", status=") ||
			strings.HasPrefix(rest, "from=") && hasKeys(rest, ", size=", ", nrcpt=") && !hasKeys(rest, ", nrcpts=") ||
			strings.HasPrefix(rest, "client=") && postfixBracketed(rest[len("client="):]) ||
			strings.HasPrefix(rest, "message-id=") ||
			strings.HasPrefix(rest, "uid=") && strings.Contains(rest, " from=") ||
			rest == "removed" ||
			strings.HasPrefix(rest, "sender non-delivery notification: ") ||
			strings.HasPrefix(rest, "sender delivery status notification: ")
	}
	// smtpd: "connect from HOST[IP]", "disconnect from HOST[IP] ehlo=1 ..."
	if r, ok := strings.CutPrefix(m, "connect from "); ok {
		return postfixBracketed(r) && !strings.Contains(r, " ")
	}
	if r, ok := strings.CutPrefix(m, "disconnect from "); ok {
		return postfixBracketed(r)
	}
	return false
}

// sniffSendmailBody recognises a program-less sendmail line.
func sniffSendmailBody(e *event.Event) bool {
	if e.AppName != "" {
		return false
	}
	qid, rest := postfixQueueID(e.Message)
	if qid == "" {
		return false
	}
	// syserr() and savemail() write these words, no other program.
	if strings.HasPrefix(rest, "SYSERR(") || strings.HasPrefix(rest, "SYSERR: ") || isSavemailPanic(rest) {
		return true
	}
	if qid == "NOQUEUE" {
		return false
	}
	return strings.HasPrefix(rest, "to=") && hasKeys(rest, ", xdelay=", ", mailer=", ", stat=") ||
		strings.HasPrefix(rest, "from=") && hasKeys(rest, ", size=", ", class=", ", nrcpts=")
}

// hasKeys reports whether s holds every key.
func hasKeys(s string, keys ...string) bool {
	for _, k := range keys {
		if !strings.Contains(s, k) {
			return false
		}
	}
	return true
}

// postfixBracketed reports whether s starts with postfix's "HOST[IP]".
func postfixBracketed(s string) bool {
	word, _, _ := strings.Cut(s, " ")
	word, _, _ = strings.Cut(word, ",")
	host, ip, _, ok := postfixHostIP(word)
	if !ok || host == "" {
		return false
	}
	_, err := netip.ParseAddr(ip)
	return err == nil
}
