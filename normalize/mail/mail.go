// Package mail decodes mail transfer agents' logs: postfix, sendmail, Exim, procmail
// and Exchange message tracking, into one description of a relayed message.
package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Mail transfer agents: postfix, sendmail, procmail and Exchange message
// tracking. A message relayed by any of them is described the same way:
//
//	event.category email, event.action one of
//	  email-receive   a message entered the MTA (from a client or a local submission)
//	  email-queue     postfix qmgr queued it (from=, size=, nrcpt=)
//	  email-send      handed to another MTA (relay host)
//	  email-deliver   delivered locally (mailbox, pipe, LMTP store)
//	  email-defer     delivery failed temporarily (retried later)
//	  email-bounce    delivery failed permanently (non-delivery report follows)
//	  email-expire    gave up after the maximal queue lifetime
//	  email-reject    refused while receiving (SMTP reject, milter, header checks)
//	  email-dsn       a delivery status notification was generated
//	email.from.address, email.to.address, email.message_id (without <>),
//	email.local_id (the MTA's queue id), email.subject where logged,
//	source.* the sending client, destination.* the relay delivered to,
//	event.reason the remote or local reply text.
//
// SMTP connections are network connection start/end (action smtp-connect,
// smtp-disconnect), SMTP AUTH failures authentication/start/failure.

// Decoders returns the mail decoders in dispatch order.
func Decoders() []*ecs.Decoder {
	exchange := newExchangeDecoder() // per normalizer: it remembers #Fields: headers
	return []*ecs.Decoder{
		{Name: "postfix", Programs: []string{"postfix*"}, Sniff: sniffPostfixBody, Gate: gateBody, Decode: decodePostfix},
		{Name: "sendmail", Programs: []string{"sendmail", "sm-*"}, Sniff: sniffSendmailBody, Gate: gateBody, Decode: decodeSendmail},
		{Name: "exim", Programs: []string{"exim", "exim4"}, Sniff: sniffExim, Gate: gateExim, Decode: decodeExim},
		{Name: "procmail", Programs: []string{"procmail"}, Prefixes: []string{"procmail: "},
			Sniff: sniffProcmail, Gate: gateProcmail, Decode: decodeProcmail},
		{Name: "exchange", Prefixes: []string{"#"}, Sniff: sniffExchange, Gate: gateExchange, Decode: exchange.decode},
	}
}

var (
	classEmailInfo   = ecs.NewClass(ecs.Cats(ecs.CatEmail), ecs.TypeInfo)
	classEmailDenied = ecs.NewClass(ecs.Cats(ecs.CatEmail), ecs.TypeDenied)
	classEmailError  = ecs.NewClass(ecs.Cats(ecs.CatEmail), ecs.TypeError)
)

// Actions shared by the mail decoders.
const (
	actEmailReceive = "email-receive"
	actEmailQueue   = "email-queue"
	actEmailSend    = "email-send"
	actEmailDeliver = "email-deliver"
	actEmailDefer   = "email-defer"
	actEmailBounce  = "email-bounce"
	actEmailExpire  = "email-expire"
	actEmailReject  = "email-reject"
	actEmailDSN     = "email-dsn"
)

// setEmailAddr adds one address ("<a@b>", `<"x, y"@b>`: a quoted local
// part may hold ',' and ';') to an email.*.address list; "<>" is skipped.
func setEmailAddr(e *event.Event, key, s string) {
	if a := ecs.TrimAngle(strings.TrimSpace(s)); a != "" {
		e.AddToList(key, a)
	}
}

// setEmailAddrs adds one or more addresses ("<a@b>", "a@b,c@d", "<a>,<b>")
// to an email.*.address list; the null sender "<>" is skipped. A ',' or
// ';' inside angle brackets or quotes (`<"x, y"@b>`, `"x, y"@b`: a quoted
// local part, as quotedLocalPart reads one) does not separate two
// addresses.
func setEmailAddrs(e *event.Event, key, s string) {
	s = strings.TrimSpace(s)
	for s != "" {
		i := 0
		for i < len(s) && s[i] != ',' && s[i] != ';' {
			switch s[i] {
			case '<':
				if end := angleEnd(s[i:], sendmailQuotes); end >= 0 {
					i += end
				}
			case '"':
				if end, ok := quotedLocalPart(s, i, sendmailQuotes); ok {
					i = end - 1
				}
			}
			i++
		}
		a := s[:min(i, len(s))]
		if i < len(s) {
			s = s[i+1:]
		} else {
			s = ""
		}
		setEmailAddr(e, key, a)
	}
}

// setMessageID sets email.message_id from "<id>" (the brackets removed).
func setMessageID(e *event.Event, s string) {
	e.SetStr("email.message_id", ecs.TrimAngle(strings.TrimSpace(s)))
}

// dsnOutcome classifies an enhanced status code (RFC 3463): 2.x.x
// success, 4.x.x temporary failure, 5.x.x permanent failure.
func dsnClass(dsn string) byte {
	if len(dsn) >= 2 && dsn[1] == '.' {
		return dsn[0]
	}
	return 0
}
