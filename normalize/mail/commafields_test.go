package mail

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// What a client sends (a quoted local part, a Message-Id, a recipient)
// may imitate sendmail's own ", relay=HOST [IP]": it must not set
// source.* or destination.*, nor cut the address it is part of.
func TestSendmailForgedRelay(t *testing.T) {
	for _, tc := range []struct {
		name, msg    string
		side, ip     string
		field, value string
	}{
		{"quoted sender", `4B7AF1x3003101: from=<"x, relay=evil [6.6.6.6]"@b.example>, size=100, class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=good.example [198.51.100.138]`,
			"source", "198.51.100.138", "email.from.address", `"x, relay=evil [6.6.6.6]"@b.example`},
		{"message-id", `4B7AF1x3003102: from=<a@b.example>, size=100, class=0, nrcpts=1, msgid=<x>, relay=evil [6.6.6.6], proto=SMTP, daemon=MTA, relay=good.example [198.51.100.139]`,
			"source", "198.51.100.139", "email.message_id", "x"},
		{"bracketed message-id", `4B7AF1x3003103: from=<a@b.example>, size=100, class=0, nrcpts=1, msgid=<x, relay=evil [6.6.6.6]>, proto=ESMTP, daemon=MTA, relay=good.example [198.51.100.140]`,
			"source", "198.51.100.140", "email.message_id", "x, relay=evil [6.6.6.6]"},
		{"quoted recipient", `4B7AF1x3003104: to=<"y, relay=evil [6.6.6.6]"@example.org>,<z@example.org>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=1, relay=mx.example.com. [203.0.113.140], dsn=2.0.0, stat=Sent (ok, relay=evil [6.6.6.6])`,
			"destination", "203.0.113.140", "email.to.address", `"y, relay=evil [6.6.6.6]"@example.org`},
		{"authid", `AUTH=server, relay=client.example.net [198.51.100.128], authid=x, relay=evil [6.6.6.6], mech=PLAIN, bits=0`,
			"source", "198.51.100.128", "user.name", "x"},
	} {
		e := event.New(normtest.Received)
		e.AppName = "sm-mta"
		e.Message = tc.msg
		if !decodeSendmail(e) {
			t.Errorf("%s: not decoded", tc.name)
			continue
		}
		if got := e.Str(tc.side + ".ip"); got != tc.ip {
			t.Errorf("%s: %s.ip = %q, want %q", tc.name, tc.side, got, tc.ip)
		}
		if got := e.Str(tc.field); got != tc.value && !listHas(e, tc.field, tc.value) {
			t.Errorf("%s: %s = %v, want %q", tc.name, tc.field, e.Fields, tc.value)
		}
	}
}

func listHas(e *event.Event, key, v string) bool {
	val, ok := e.Field(key)
	// Each stops at the first item fn returns true for.
	return ok && val.Each(func(s string) bool { return s == v })
}

func TestParseSendmailFields(t *testing.T) {
	fs := parseCommaFields(`to=<a@x>,<"b, c"@y>, ctladdr=<d@z> (1000/1000), mailer=esmtp, stat=Sent (a, b=c)`, "stat", sendmailQuotes, make(commaFields, 0, 16))
	want := commaFields{{"to", `<a@x>,<"b, c"@y>`}, {"ctladdr", "<d@z> (1000/1000)"}, {"mailer", "esmtp"}, {"stat", "Sent (a, b=c)"}}
	if len(fs) != len(want) {
		t.Fatalf("got %q, want %q", fs, want)
	}
	for i := range want {
		if fs[i] != want[i] {
			t.Errorf("pair %d: got %q, want %q", i, fs[i], want[i])
		}
	}
}

// A Postfix recipient or sender is the client's: a quoted local part that
// imitates ", relay=HOST[IP]:PORT" or "status=" sets neither the
// destination nor the delivery's status.
func TestPostfixForgedDeliveryFields(t *testing.T) {
	for _, tc := range []struct {
		name, msg         string
		action, ip, field string
		value             string
	}{
		{"quoted recipient", `5B2C33D0207: to=<"f, relay=evil[6.6.6.6]:25, status=bounced"@example.com>, relay=mx.example.com[203.0.113.40]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (ok)`,
			"email-send", "203.0.113.40", "email.to.address", `"f, relay=evil[6.6.6.6]:25, status=bounced"@example.com`},
		{"server text", `5B2C33D0206: to=<e@example.com>, relay=mx.example.com[203.0.113.41]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok, relay=evil[6.6.6.6]:25, status=bounced)`,
			"email-send", "203.0.113.41", "email.to.address", "e@example.com"},
		{"quoted sender", `5B2C33D0208: from=<"a, status=expired"@b.example>, size=10, nrcpt=1 (queue active)`,
			"email-queue", "", "email.from.address", `"a, status=expired"@b.example`},
	} {
		e := event.New(normtest.Received)
		e.AppName = "postfix/smtp"
		e.Message = tc.msg
		if !decodePostfix(e) {
			t.Errorf("%s: not decoded", tc.name)
			continue
		}
		if got := e.Str("event.action"); got != tc.action {
			t.Errorf("%s: event.action = %q, want %q", tc.name, got, tc.action)
		}
		if got := e.Str("destination.ip"); got != tc.ip {
			t.Errorf("%s: destination.ip = %q, want %q", tc.name, got, tc.ip)
		}
		if !listHas(e, tc.field, tc.value) {
			t.Errorf("%s: %s = %v, want %q", tc.name, tc.field, e.Fields, tc.value)
		}
	}
}

// sendmail logs an address as the client gave it, brackets or not, and a
// recipient list joined by ','; Postfix before 3.5 logs an address in its
// internal form, a quote of the local part bare and unbalanced
// (to=<a"b@example.org>). Neither may let the client's text, nor a remote
// server's reply echoing it, set the relay, the dsn or the status.
func TestForgedUnbracketedAndUnbalanced(t *testing.T) {
	for _, tc := range []struct {
		name, prog, msg      string
		action, side, ip, to string
	}{
		{"sendmail quoted recipient without brackets", "sendmail",
			`wB7A1x0a003100: to="x, relay=evil [6.6.6.6], dsn=2.0.0"@example.org, delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=121843, relay=mx.example.org. [192.0.2.30], dsn=5.1.1, stat=User unknown`,
			"email-bounce", "destination", "192.0.2.30", `"x, relay=evil [6.6.6.6], dsn=2.0.0"@example.org`},
		{"sendmail forged stat without brackets", "sendmail",
			`wB7A1x0a003100: to="x, stat=Sent"@example.org, delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=121843, relay=mx.example.org. [192.0.2.31], dsn=5.1.1, stat=User unknown`,
			"email-bounce", "destination", "192.0.2.31", `"x, stat=Sent"@example.org`},
		{"sendmail list with a quoted recipient", "sendmail",
			`wB7A1x0a003100: to=bob@example.org,"y, relay=evil [6.6.6.6]"@example.org, delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=121843, relay=mx.example.org. [192.0.2.32], dsn=2.0.0, stat=Sent (ok)`,
			"email-send", "destination", "192.0.2.32", `"y, relay=evil [6.6.6.6]"@example.org`},
		{"sendmail quoted sender without brackets", "sendmail",
			`wB7A1x0a003100: from="x, size=1, relay=evil [6.6.6.6]"@example.com, size=1843, class=0, nrcpts=1, msgid=<x@y>, proto=ESMTP, daemon=MTA, relay=client.example.com [198.51.100.20]`,
			"email-receive", "source", "198.51.100.20", `"x, size=1, relay=evil [6.6.6.6]"@example.com`},
		{"sendmail quote inside a word", "sendmail",
			`wB7A1x0a003100: to=<a"b>, relay=evil [6.6.6.6], dsn=2.0.0, stat=Sent"@example.org>, delay=00:00:02, xdelay=00:00:01, mailer=esmtp, pri=121843, relay=mx.example.org. [192.0.2.33], dsn=5.1.1, stat=User unknown`,
			"email-bounce", "destination", "192.0.2.33", `a"b>, relay=evil [6.6.6.6], dsn=2.0.0, stat=Sent"@example.org`},
		{"sendmail ruleset, quote inside a word", "sendmail",
			`wB7A1x0a003100: ruleset=check_rcpt, arg1=<a"b>, relay=evil [6.6.6.6]"@example.org>, relay=client.example.com [198.51.100.21], reject=550 5.7.1 <x@example.org>... Relaying denied`,
			"email-reject", "source", "198.51.100.21", `a"b>, relay=evil [6.6.6.6]"@example.org`},
		{"postfix internal form, echoed by the server", "postfix/smtp",
			`BF4A5B6C7D: to=<a"b@example.org>, relay=mx.example.org[192.0.2.26]:25, delay=2, delays=0.01/0/1/1, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.26] said: 550 5.1.1 <a"b@example.org>, relay=evil[6.6.6.6]:25, status=sent (ok))`,
			"email-bounce", "destination", "192.0.2.26", `a"b@example.org`},
		{"postfix internal form, quote first", "postfix/smtp",
			`BF4A5B6C7E: to=<"b@example.org>, relay=mx.example.org[192.0.2.27]:25, delay=2, delays=0.01/0/1/1, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.27] said: 550 5.1.1 <"\"b"@example.org>, relay=evil[6.6.6.6]:25, status=sent (ok))`,
			"email-bounce", "destination", "192.0.2.27", `"b@example.org`},
		// Postfix before 3.5 logs `"x>, relay=..."@c` bare: the recipient
		// reads as the pairs it imitates, but then Postfix's own ", dsn=D,
		// status=" is in the status text: such a line is not read.
		{"postfix internal form imitating the pairs", "postfix/smtp",
			`BF4A5B6C7F: to=<x>, relay=evil[6.6.6.6]:25, delay=1, delays=1/1/1/1, dsn=2.0.0, status=sent (ok) y@example.org>, relay=mx.example.org[192.0.2.28]:25, delay=2, delays=0.01/0/1/1, dsn=5.1.1, status=bounced (no)`,
			"", "", "", ""},
		{"postfix internal form sender imitating expired", "postfix/qmgr",
			`4BqX1k2Zx9z9u: from=<x>, status=expired, y@example.com>, size=4312, nrcpt=2 (queue active)`,
			"", "", "", ""},
		{"postfix internal form sender", "postfix/qmgr",
			`4BqX1k2Zx9z9t: from=<a"b, status=expired, x@example.com>, size=4312, nrcpt=2 (queue active)`,
			"email-queue", "", "", ""},
	} {
		e := event.New(normtest.Received)
		e.AppName = tc.prog
		e.Message = tc.msg
		var ok bool
		if tc.prog == "sendmail" {
			ok = decodeSendmail(e)
		} else {
			ok = decodePostfix(e)
		}
		if !ok && tc.action != "" {
			t.Errorf("%s: not decoded", tc.name)
			continue
		}
		if got := e.Str("event.action"); got != tc.action {
			t.Errorf("%s: event.action = %q, want %q", tc.name, got, tc.action)
		}
		for _, side := range []string{"source", "destination"} {
			want := ""
			if side == tc.side {
				want = tc.ip
			}
			if got := e.Str(side + ".ip"); got != want {
				t.Errorf("%s: %s.ip = %q, want %q", tc.name, side, got, want)
			}
		}
		addr := "email.to.address"
		if tc.action == "email-receive" {
			addr = "email.from.address"
		}
		if tc.to != "" && !listHas(e, addr, tc.to) {
			v, _ := e.Field(addr)
			t.Errorf("%s: %s = %q, want %q", tc.name, addr, v.List, tc.to)
		}
		if v, _ := e.Field("sendmail.dsn"); tc.prog == "sendmail" && tc.action == "email-bounce" && e.Str("sendmail.dsn") != "5.1.1" {
			t.Errorf("%s: sendmail.dsn = %v, want 5.1.1", tc.name, v)
		}
	}
}

func TestSetEmailAddrsQuotes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`"x, y"@b.example,c@d.example`, []string{`"x, y"@b.example`, "c@d.example"}},
		{`<"x, y"@b.example>,<c@d.example>`, []string{`"x, y"@b.example`, "c@d.example"}},
		// Postfix's internal form: a bare quote mid-word is no quoted string.
		{`a"b@b.example,c@d.example`, []string{`a"b@b.example`, "c@d.example"}},
	} {
		e := event.New(normtest.Received)
		setEmailAddrs(e, "email.to.address", tc.in)
		v, _ := e.Field("email.to.address")
		if len(v.List) != len(tc.want) {
			t.Errorf("%s: got %q, want %q", tc.in, v.List, tc.want)
			continue
		}
		for i := range tc.want {
			if v.List[i] != tc.want[i] {
				t.Errorf("%s: got %q, want %q", tc.in, v.List, tc.want)
			}
		}
	}
}
