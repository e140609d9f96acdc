package mail

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// The envelope after a reject or a header check is the client's: a quoted
// sender holding ">: " or " to=<", or a HELO name holding ">: ", must not
// move the recipient, the reason or the check's text.
func TestPostfixEnvelopeHeldByClient(t *testing.T) {
	for _, tc := range []struct {
		prog, msg string
		want      map[string]string
	}{
		{"postfix/cleanup", `4F2A31C0123: warning: header Subject: cheap pills from mail.example.net[192.0.2.7]; from=<"x>: a"@example.net> to=<bob@example.org> proto=ESMTP helo=<mail.example.net>: spam subject`,
			map[string]string{"email.from.address": `"x>: a"@example.net`, "email.to.address": "bob@example.org", "event.reason": "spam subject", "postfix.helo": "mail.example.net"}},
		{"postfix/cleanup", `4F2A31C0123: hold: header Subject: cheap pills from mail.example.net[192.0.2.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x>: forged>: quarantine`,
			map[string]string{"event.reason": "quarantine", "postfix.helo": "x>: forged"}},
		{"postfix/smtpd", `NOQUEUE: reject: RCPT from mail.example.net[192.0.2.7]: 554 5.7.1 <bob@example.org>: Relay access denied; from=<"a to=<carol@example.com>"@example.net> to=<bob@example.org> proto=ESMTP helo=<mail.example.net>`,
			map[string]string{"email.from.address": `"a to=<carol@example.com>"@example.net`, "email.to.address": "bob@example.org", "postfix.proto": "ESMTP", "event.reason": "<bob@example.org>: Relay access denied"}},
		{"postfix/cleanup", `4F2A31C0123: reject: body cheap pills from mail.example.net[192.0.2.7]; from=<"q>: 1"@example.net> to=<bob@example.org> proto=ESMTP helo=<h>: 5.7.1 message content rejected`,
			map[string]string{"email.from.address": `"q>: 1"@example.net`, "postfix.dsn": "5.7.1", "event.reason": "message content rejected"}},
		// No text after the HELO name: a quoted sender's ">: " is no
		// reason, no DSN; a HELO name holding ">: " with the line ending
		// in '>' could be a text: neither is told.
		{"postfix/cleanup", `4F2A31C0123: warning: header Subject: cheap pills from mail.example.net[192.0.2.7]; from=<"x>: 5.7.1 evil"@example.net> to=<bob@example.org> proto=ESMTP helo=<mail.example.net>`,
			map[string]string{"email.from.address": `"x>: 5.7.1 evil"@example.net`, "event.reason": "", "postfix.helo": "mail.example.net"}},
		{"postfix/cleanup", `4F2A31C0123: reject: header Subject: cheap pills from mail.example.net[192.0.2.7]; from=<"x>: 5.7.1 evil"@example.net> to=<bob@example.org> proto=ESMTP helo=<mail.example.net>`,
			map[string]string{"postfix.dsn": "", "event.reason": "", "email.to.address": "bob@example.org"}},
		{"postfix/cleanup", `4F2A31C0123: warning: header Subject: cheap pills from mail.example.net[192.0.2.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<x>: evil>`,
			map[string]string{"event.reason": "", "postfix.helo": ""}},
		// A local submission: no proto, no HELO name; the text follows the recipient.
		{"postfix/cleanup", `4F2A31C0123: hold: header Subject: x from local; from=<"y>: z"@example.net> to=<bob@example.org>: held for review`,
			map[string]string{"email.to.address": "bob@example.org", "event.reason": "held for review"}},
		// A quoted sender or a header holding "; from=<a> to=<b>": the
		// envelope is the one after the client; a reply's, not sure.
		{"postfix/cleanup", `4F2A31C0123: warning: header Subject: hi from h.example.net[192.0.2.7]; from=<"x; from=<evil@example.com> to=<admin@example.com> "@example.net> to=<bob@example.org> proto=ESMTP helo=<h>`,
			map[string]string{"email.from.address": `"x; from=<evil@example.com> to=<admin@example.com> "@example.net`, "email.to.address": "bob@example.org", "email.subject": "hi", "source.ip": "192.0.2.7"}},
		{"postfix/cleanup", `4F2A31C0123: warning: header Subject: x; from=<evil@example.com> to=<admin@example.com> from h.example.net[192.0.2.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<h>`,
			map[string]string{"email.from.address": "a@example.net", "email.to.address": "bob@example.org", "email.subject": "x; from=<evil@example.com> to=<admin@example.com>", "source.ip": "192.0.2.7"}},
		{"postfix/cleanup", `4F2A31C0123: warning: header Subject: x from a.example[192.0.2.9]; from=<evil@example.com> to=<admin@example.com> from h.example.net[192.0.2.7]; from=<a@example.net> to=<bob@example.org> proto=ESMTP helo=<h>`,
			map[string]string{"email.from.address": "", "email.to.address": ""}},
		{"postfix/smtpd", `NOQUEUE: reject: RCPT from h.example.net[192.0.2.7]: 554 5.7.1 <bob@example.org>: Relay access denied; from=<"x; from=<evil@example.com> to=<admin@example.com> "@example.net> to=<bob@example.org> proto=ESMTP helo=<h>`,
			map[string]string{"email.from.address": "", "email.to.address": "", "event.reason": "<bob@example.org>: Relay access denied", "source.ip": "192.0.2.7"}},
		// Postfix joins a HELO of several words (collapse_args): a HELO
		// name holding " to=<" or " from=<" names no recipient or sender.
		{"postfix/smtpd", `NOQUEUE: reject: MAIL from unknown[198.51.100.7]: 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied; from=<a@b.example> proto=ESMTP helo=<h to=<evil@e.example>>`,
			map[string]string{"email.to.address": "", "source.ip": "198.51.100.7"}},
		{"postfix/smtpd", `NOQUEUE: reject: CONNECT from unknown[198.51.100.7]: 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied; proto=SMTP helo=<h from=<evil@e.example> to=<x@y.example>>`,
			map[string]string{"email.from.address": "", "email.to.address": "", "source.ip": "198.51.100.7"}},
		// Before 3.5 Postfix logs a sender bare: `"x> to=<evil> ..."@b`
		// is from=<x> to=<evil> ...@b> and then the real keys; which are
		// the line's is not known.
		{"postfix/smtpd", `NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 554 5.7.1 <real@r.example>: Relay access denied; from=<x> to=<evil@e.example> proto=SMTP helo=<h>@b.example> to=<real@r.example> proto=ESMTP helo=<client.example>`,
			map[string]string{"email.from.address": "", "email.to.address": "", "postfix.helo": "", "source.ip": "198.51.100.7"}},
		{"postfix/smtpd", `NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 554 5.7.1 <real@r.example>: Relay access denied; from=<x> to=<evil@e.example>@b.example> to=<real@r.example> proto=ESMTP helo=<client.example>`,
			map[string]string{"email.from.address": "", "email.to.address": "", "source.ip": "198.51.100.7"}},
	} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = tc.prog, tc.msg
		if !decodePostfix(e) {
			t.Errorf("not decoded: %s", tc.msg)
			continue
		}
		for k, want := range tc.want {
			if got := e.Str(k); got != want {
				t.Errorf("%s = %q, want %q\n  %s", k, got, want, tc.msg)
			}
		}
	}
}
