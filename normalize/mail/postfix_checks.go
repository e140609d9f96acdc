package mail

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// postfixCheck decodes cleanup(8)'s header_checks and body_checks actions
// other than reject (postfixReject):
//
//	QID: warning: header Subject: TEXT from HOST[IP]; from=<x> to=<y> proto=ESMTP helo=<h>[: OPTIONAL TEXT]
//	QID: hold: header Received: ... from local; from=<x>
//	QID: discard: body TEXT from HOST[IP]; from=<x> to=<y> ...
//	QID: redirect: header To: x from HOST[IP]; from=<x> to=<y> proto=ESMTP helo=<h>: ADDRESS
//
// (also replace, prepend, filter, info and strip: header_checks(5)).
//
// The client the message came from (not "local") is the source. A
// Subject header's text is email.subject.
func postfixCheck(e *event.Event, prog, qid, rest string) bool {
	what, r, _ := strings.Cut(rest, ": ")
	postfixBegin(e, prog, qid, "postfix.cleanup.check")
	classEmailInfo.Set(e, "email-"+strings.ReplaceAll(what, " ", "-"), "")
	r, kv, sure := postfixEnvelope(r)
	// The client is last: a header's text may hold " from x[y]" itself.
	if from := strings.LastIndex(r, " from "); from >= 0 && postfixBracketed(r[from+len(" from "):]) {
		postfixClient(e, "source", r[from+len(" from "):])
		r = r[:from]
	} else {
		r = strings.TrimSuffix(r, " from local")
	}
	postfixHeaderStage(e, r)
	if !sure {
		return true // no envelope read (postfixEnvelope)
	}
	// "...helo=<h>: TEXT": the action's optional text, a reason for WARN,
	// DISCARD, HOLD, INFO and STRIP; REDIRECT's address, FILTER's
	// transport and REPLACE's and PREPEND's header are no reason.
	if text, ok := postfixRejectKV(e, kv); ok {
		switch what {
		case "redirect", "filter", "replace", "prepend":
			e.SetStr("postfix.check_value", text)
		default:
			e.SetStr("event.reason", text)
		}
	}
	return true
}

// postfixHeaderStage reads what a check matched, "header NAME: VALUE" or
// "body TEXT": the header's name, and a Subject header's text as
// email.subject.
func postfixHeaderStage(e *event.Event, s string) {
	if h, ok := strings.CutPrefix(s, "header "); ok {
		name, value, _ := strings.Cut(h, ": ")
		e.SetStr("postfix.header_name", name)
		if strings.EqualFold(name, "Subject") {
			e.SetStr("email.subject", value)
		}
	}
}

// postfixCheckKinds: header_checks and body_checks actions cleanup logs
// (header_checks(5)) other than reject.
var postfixCheckKinds = map[string]bool{
	"warning": true, "discard": true, "hold": true, "redirect": true, "filter": true,
	"replace": true, "prepend": true, "info": true, "strip": true,
}

// postfixVerdict is how an action on a message or recipient is classified.
type postfixVerdict struct {
	rule, action string
	class        ecs.Class
	outcome      string
}

// postfixVerdicts: smtpd's access(5) and milter actions on an SMTP stage
// ("KIND: STAGE from HOST[IP]: TEXT; from=<x> to=<y> proto=P helo=<h>"),
// and cleanup's reject of a header or body line. Only reject refuses
// the message; reject_warning is a reject that warn_if_reject turned into
// a log line, the others let it in and do something else with it.
var postfixVerdicts = map[string]postfixVerdict{
	"reject":         {"postfix.reject", actEmailReject, classEmailDenied, ecs.OutcomeFailure},
	"milter-reject":  {"postfix.milter_reject", actEmailReject, classEmailDenied, ecs.OutcomeFailure},
	"reject_warning": {"postfix.reject_warning", "email-reject-warning", classEmailInfo, ""},
	"warn":           {"postfix.warn", "email-warning", classEmailInfo, ""},
	"info":           {"postfix.info", "email-info", classEmailInfo, ""},
	"discard":        {"postfix.discard", "email-discard", classEmailInfo, ""},
	"milter-discard": {"postfix.milter_discard", "email-discard", classEmailInfo, ""},
	"hold":           {"postfix.hold", "email-hold", classEmailInfo, ""},
	"milter-hold":    {"postfix.milter_hold", "email-hold", classEmailInfo, ""},
	"redirect":       {"postfix.redirect", "email-redirect", classEmailInfo, ""},
	"filter":         {"postfix.filter", "email-filter", classEmailInfo, ""},
}
