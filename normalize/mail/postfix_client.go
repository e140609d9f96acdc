package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Postfix's SMTP/LMTP client (smtp(8), lmtp(8)) on a message's way out,
// lines that name the remote server but are not the delivery's status=
// line (smtp_trouble.c, smtp_proto.c), and anvil(8)'s statistics:
//
//	QID: host HOST[IP] said: 451 4.2.2 TEXT (in reply to RCPT TO command)
//	QID: host HOST[IP] refused to talk to me: 554 TEXT
//	QID: lost connection with HOST[IP] while sending RCPT TO
//	QID: conversation with HOST[IP] timed out while receiving the initial server greeting
//	QID: SASL authentication failed; server HOST[IP] said: 535 5.7.8 TEXT   (its AUTH as a client)
//	QID: SASL authentication failed; cannot authenticate to server HOST[IP]: TEXT
//	QID: TLS is required, but was not offered by host HOST[IP]
//	QID: TLS is required, but host HOST[IP] refused to start TLS: 454 4.7.0 TEXT
//	QID: enabling PIX workarounds: disable_esmtp delay_dotcrlf for HOST[IP]:PORT
//	QID: enabling PIX <CRLF>.<CRLF> workaround for HOST[IP]     (Postfix 2.2 and older)
//	statistics: max connection rate 2/60s for (smtp:IP) at Feb 27 14:13:59
//	statistics: max connection count 1 for (SERVICE:IP) at Feb 27 14:07:26
//	statistics: max cache size 2 at Feb 27 14:14:46
//
// The server is the destination: the client is this Postfix.

// smtpClientLine is one of the SMTP client's lines about its server:
// "LEAD HOST[IP]SEP TEXT" (SEP "" when the server ends the line).
type smtpClientLine struct {
	lead, sep, rule, action string
	kind                    byte // 'r' a reply, 'c' the connection ended, 'a' AUTH failed, 't' TLS refused
}

var smtpClientLines = [...]smtpClientLine{
	{"host ", " said: ", "postfix.smtp.reply", "smtp-server-reply", 'r'},
	{"host ", " refused to talk to me: ", "postfix.smtp.refused", "smtp-server-refused", 'r'},
	{"lost connection with ", " while ", "postfix.smtp.lost_connection", "smtp-lost-connection", 'c'},
	{"conversation with ", " timed out while ", "postfix.smtp.timeout", "smtp-timeout", 'c'},
	{"SASL authentication failed; server ", " said: ", "postfix.smtp.sasl_failure", "smtp-auth", 'a'},
	{"SASL authentication failed; cannot authenticate to server ", ": ", "postfix.smtp.sasl_failure", "smtp-auth", 'a'},
	{"TLS is required, but was not offered by host ", "", "postfix.smtp.tls_required", "smtp-tls-required", 't'},
	{"TLS is required, but host ", " refused to start TLS: ", "postfix.smtp.tls_required", "smtp-tls-required", 't'},
}

// postfixSMTPClient decodes the queue-id lines above; false for any other.
func postfixSMTPClient(e *event.Event, prog, qid, rest string) bool {
	if r, ok := strings.CutPrefix(rest, "enabling PIX workarounds: "); ok {
		return postfixPIX(e, prog, qid, r)
	}
	if r, ok := strings.CutPrefix(rest, "enabling PIX <CRLF>.<CRLF> workaround for "); ok { // Postfix 2.2 and older
		return postfixPIX(e, prog, qid, " for "+r)
	}
	for i := range smtpClientLines {
		l := &smtpClientLines[i]
		r, ok := strings.CutPrefix(rest, l.lead)
		if !ok {
			continue
		}
		peer, text := r, ""
		if l.sep != "" {
			if peer, text, ok = strings.Cut(r, l.sep); !ok {
				continue
			}
		}
		if !postfixBracketed(peer) || strings.IndexByte(peer, ' ') >= 0 {
			continue
		}
		postfixBegin(e, prog, qid, l.rule)
		switch l.kind {
		case 'a':
			ecs.ClassAuthStart.Set(e, l.action, ecs.OutcomeFailure)
			postfixReplyText(e, text)
		case 'c':
			ecs.ClassConnEnd.Set(e, l.action, ecs.OutcomeFailure)
			e.SetStr("postfix.after", text)
		case 't':
			ecs.ClassNetInfo.Set(e, l.action, ecs.OutcomeFailure)
			postfixReplyText(e, text)
		default:
			classEmailInfo.Set(e, l.action, ecs.OutcomeFailure)
			if r, cmd, ok := strings.Cut(text, " (in reply to "); ok {
				text = r
				e.SetStr("postfix.in_reply_to", strings.TrimSuffix(strings.TrimSuffix(cmd, ")"), " command"))
			}
			postfixReplyText(e, text)
		}
		postfixClient(e, "destination", peer)
		e.SetStr("network.protocol", postfixProtocol(prog))
		return true
	}
	return false
}

// postfixProtocol is lmtp for an lmtp(8) client, smtp for an smtp(8) one,
// "" when the program name does not say (a relay that cut "postfix/lmtp"
// at the slash).
func postfixProtocol(prog string) string {
	switch {
	case strings.HasSuffix(prog, "/lmtp"):
		return "lmtp"
	case strings.HasSuffix(prog, "/smtp"):
		return "smtp"
	}
	return ""
}

// postfixAnvil decodes anvil(8)'s "statistics: max KIND N[/Ts] for
// (SERVICE:CLIENT) at DATE": the peak a client reached since the last
// report (KIND connection rate, connection count, message rate, recipient
// rate, newtls rate, auth rate), and "max cache size N at DATE". The
// client is the source; SERVICE is the master.cf service that counted it
// ("smtp", or an address:port service name). The DATE, year-less, stays in
// the message.
func postfixAnvil(e *event.Event, prog, m string) bool {
	r, ok := strings.CutPrefix(m, "statistics: max ")
	if !ok {
		return false
	}
	if n, ok := strings.CutPrefix(r, "cache size "); ok {
		n, _, _ = strings.Cut(n, " at ")
		if !ecs.IsDigits(n) {
			return false
		}
		postfixBegin(e, prog, "", "postfix.anvil.statistics")
		ecs.ClassNetInfo.Set(e, "smtp-client-statistics", "")
		e.SetStr("postfix.anvil.kind", "cache_size")
		ecs.SetUint(e, "postfix.anvil.value", n)
		return true
	}
	i := strings.Index(r, " for (")
	j := strings.LastIndex(r, ") at ")
	if i < 0 || j < i {
		return false
	}
	what, ident := r[:i], r[i+len(" for ("):j]
	sp := strings.LastIndexByte(what, ' ')
	if sp < 0 {
		return false
	}
	kind, value := what[:sp], what[sp+1:]
	n, per, _ := strings.Cut(value, "/")
	if !ecs.IsDigits(n) {
		return false
	}
	service, client := anvilIdent(ident)
	if client == "" {
		return false
	}
	postfixBegin(e, prog, "", "postfix.anvil.statistics")
	ecs.ClassNetInfo.Set(e, "smtp-client-statistics", "")
	e.SetStr("postfix.anvil.kind", strings.ReplaceAll(kind, " ", "_"))
	ecs.SetUint(e, "postfix.anvil.value", n)
	ecs.SetUint(e, "postfix.anvil.interval_seconds", strings.TrimSuffix(per, "s"))
	e.SetStr("postfix.anvil.service", service)
	ecs.SetAddress(e, "source", client)
	return true
}

// anvilIdent splits anvil's "SERVICE:ADDR" at the first colon after which
// the rest is an address: the service may hold colons itself
// ("127.0.0.1:10025"), and so may an IPv6 client.
func anvilIdent(s string) (service, client string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && i > 0 && ecs.IsIP(s[i+1:]) {
			return s[:i], s[i+1:]
		}
	}
	return "", ""
}

// postfixScache decodes scache(8)'s statistics, logged when its interval
// ends (scache.c, scache_statistics_log): the connection cache smtp(8)
// and lmtp(8) share, its lookups by next-hop domain and by address and its
// peak sizes:
//
//	statistics: start interval Feb 27 14:07:26
//	statistics: domain lookup hits=N miss=N success=N%
//	statistics: address lookup hits=N miss=N success=N%
//	statistics: max simultaneous domains=N addresses=N connection=N
func postfixScache(e *event.Event, prog, m string) bool {
	r, ok := strings.CutPrefix(m, "statistics: ")
	if !ok {
		return false
	}
	kind := ""
	switch {
	case strings.HasPrefix(r, "start interval "):
		postfixBegin(e, prog, "", "postfix.scache.statistics")
		ecs.ClassNetInfo.Set(e, "smtp-connection-cache-statistics", "")
		e.SetStr("postfix.scache.kind", "start_interval")
		return true
	case strings.HasPrefix(r, "domain lookup "):
		kind, r = "domain_lookup", r[len("domain lookup "):]
	case strings.HasPrefix(r, "address lookup "):
		kind, r = "address_lookup", r[len("address lookup "):]
	case strings.HasPrefix(r, "max simultaneous "):
		kind, r = "max_simultaneous", r[len("max simultaneous "):]
	default:
		return false
	}
	// The counts by their name in the line, each checked before any is set.
	names := [...]string{"hits", "miss", "success"}
	if kind == "max_simultaneous" {
		names = [...]string{"domains", "addresses", "connection"}
	}
	var vals [3]string
	for i, name := range names {
		word, rest := ecs.CutWord(r)
		v, ok := strings.CutPrefix(word, name+"=")
		if ok && name == "success" {
			v, ok = strings.CutSuffix(v, "%")
		}
		if !ok || !ecs.IsDigits(v) {
			return false
		}
		vals[i], r = v, rest
	}
	if r != "" {
		return false
	}
	postfixBegin(e, prog, "", "postfix.scache.statistics")
	ecs.ClassNetInfo.Set(e, "smtp-connection-cache-statistics", "")
	e.SetStr("postfix.scache.kind", kind)
	fields := [...]string{"postfix.scache.hits", "postfix.scache.misses", "postfix.scache.success_percent"}
	if kind == "max_simultaneous" {
		fields = [...]string{"postfix.scache.domains", "postfix.scache.addresses", "postfix.scache.connections"}
	}
	for i, f := range fields {
		ecs.SetUint(e, f, vals[i])
	}
	return true
}

// postfixPIX decodes smtp(8)'s "enabling PIX workarounds: LIST for
// HOST[IP]:PORT" (r after the colon): the server's greeting looked like a
// Cisco PIX's SMTP fixup, which smtp_pix_workarounds work around.
func postfixPIX(e *event.Event, prog, qid, r string) bool {
	list, peer, ok := strings.Cut(r, " for ")
	if !ok || !postfixBracketed(peer) || strings.IndexByte(peer, ' ') >= 0 {
		return false
	}
	postfixBegin(e, prog, qid, "postfix.smtp.pix_workarounds")
	ecs.ClassNetInfo.Set(e, "smtp-pix-workarounds", "")
	e.SetStr("postfix.pix_workarounds", list)
	postfixClient(e, "destination", peer)
	e.SetStr("network.protocol", postfixProtocol(prog))
	return true
}
