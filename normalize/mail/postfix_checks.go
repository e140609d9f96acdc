package mail

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// postfixCheck decodes cleanup(8)'s header_checks and body_checks actions
// other than reject (postfixReject):
//
//	QID: warning: header Subject: TEXT from HOST[IP]; from=<x> to=<y> proto=ESMTP helo=<h>[: OPTIONAL TEXT]
//	QID: hold: header Received: ... from local; from=<x>
//	QID: discard: body TEXT from HOST[IP]; from=<x> to=<y> ...
//
// The client the message came from (not "local") is the source. A
// Subject header's text is email.subject.
func postfixCheck(e *event.Event, prog, qid, rest string) bool {
	what, r, _ := strings.Cut(rest, ": ")
	postfixBegin(e, prog, qid, "postfix.cleanup.check")
	classEmailInfo.Set(e, "email-"+strings.ReplaceAll(what, " ", "-"), "")
	kv := ""
	if i := strings.LastIndex(r, "; from="); i >= 0 {
		r, kv = r[:i], r[i:]
	}
	// The client is last: a header's text may hold " from x[y]" itself.
	if from := strings.LastIndex(r, " from "); from >= 0 && postfixBracketed(r[from+len(" from "):]) {
		postfixClient(e, "source", r[from+len(" from "):])
		r = r[:from]
	} else {
		r = strings.TrimSuffix(r, " from local")
	}
	if h, ok := strings.CutPrefix(r, "header "); ok {
		name, value, _ := strings.Cut(h, ": ")
		e.SetStr("postfix.header_name", name)
		if strings.EqualFold(name, "Subject") {
			e.SetStr("email.subject", value)
		}
	}
	postfixRejectKV(e, kv)
	return true
}
