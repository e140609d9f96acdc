package mail

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

func eximEvent(msg string) *event.Event {
	e := event.New(normtest.Received)
	e.AppName, e.Message = "exim4", msg
	return e
}

// What a sender chose (a quoted local part, a subject, a recipient, a
// HELO name, an SMTP command, an AUTH id) is read by its shape and sets
// no field of its own: want lists the fields the line does carry, and
// "" asserts a field is absent.
func TestEximForgedFields(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want map[string]string
	}{
		{`1qX60f-0001ap-Op <= "x H=evil.example [6.6.6.6] A=p:root U=root"@bad.example H=(helo) [203.0.113.110]:1000 P=esmtp S=100 T="hi \"quoted\" H=evil [6.6.6.7] rejected RCPT <root@x>: no" for victim@example.org`,
			map[string]string{"source.ip": "203.0.113.110", "source.domain": "", "user.name": "", "exim.authenticator": "", "exim.ident": "",
				"email.subject": `hi "quoted" H=evil [6.6.6.7] rejected RCPT <root@x>: no`, "email.to.address": "victim@example.org",
				"email.from.address": `"x H=evil.example [6.6.6.6] A=p:root U=root"@bad.example`}},
		{`H=(helo) [203.0.113.111]:1001 F=<"a> rejected after DATA: x H=[6.6.6.8]"@bad.example> rejected RCPT <"b>: spoof"@example.org>: relay not permitted`,
			map[string]string{"source.ip": "203.0.113.111", "nomen.rule": "exim.rejected.rcpt", "email.to.address": `"b>: spoof"@example.org`, "event.reason": "relay not permitted"}},
		{`H=(x) [6.6.6.10]) [203.0.113.115] F=<a@b> rejected RCPT <c@d>: no`, // a HELO name ends at its first ") "
			map[string]string{"source.ip": "", "nomen.rule": ""}},
		{`plain authenticator failed for (x) [203.0.113.112]:1002: 535 Incorrect authentication data (set_id=eve) (set_id=root)`,
			map[string]string{"source.ip": "203.0.113.112", "user.name": "eve) (set_id=root"}},
		{`SMTP protocol error in "MAIL FROM:<a> H=[6.6.6.9]:1 x" H=(x) [203.0.113.113]:1003 I=[192.0.2.25]:25 MAIL command syntax error`,
			map[string]string{"source.ip": "203.0.113.113", "exim.smtp_command": "MAIL FROM:<a> H=[6.6.6.9]:1 x"}},
		{`SMTP protocol synchronization error (next input sent too soon): rejected "EHLO x H=[6.6.6.11]" H=[203.0.113.114]:1004 next input="QUIT"`,
			map[string]string{"source.ip": "203.0.113.114", "exim.smtp_command": "EHLO x H=[6.6.6.11]"}},
		{`1qX608-0001ai-Hi ** a@b.example R=dnslookup T=remote_smtp H=mx.b.example [198.51.100.5]: SMTP error from remote mail server after RCPT TO:<a@b.example>: 550 H=[6.6.6.12] R=evil`,
			map[string]string{"destination.ip": "198.51.100.5", "exim.router": "dnslookup", "event.reason": "SMTP error from remote mail server after RCPT TO:<a@b.example>: 550 H=[6.6.6.12] R=evil"}},
		// review31: a delivery's return path (P=<ADDR>) and a Message-ID
		// (id=, an address) are the sender's: a quoted local part with
		// spaces is read whole.
		{`1qX5Zz-0008Hm-3L => bob@example.net F=<alice@example.org> P=<"x T=evil H=evil.example [6.6.6.6]:25"@bad.example> R=dnslookup T=remote_smtp H=mx1.example.net [198.51.100.90] C="250 OK"`,
			map[string]string{"destination.ip": "198.51.100.90", "destination.domain": "mx1.example.net", "destination.port": "", "exim.transport": "remote_smtp",
				"exim.return_path": `"x T=evil H=evil.example [6.6.6.6]:25"@bad.example`, "exim.confirmation": "250 OK"}},
		{`1qX5Zz-0008Hm-3L <= alice@example.org H=(laptop) [198.51.100.7]:52114 P=esmtp S=4312 id="x T=forged A=p:root"@example.org T="real" for bob@example.net`,
			map[string]string{"email.message_id": `"x T=forged A=p:root"@example.org`, "email.subject": "real", "user.name": "", "exim.authenticator": "",
				"email.to.address": "bob@example.net"}},
		// An RFC 1413 identity is the ident server's text, spaces and all:
		// it cannot move the host, nor name an authenticated user.
		{`H=(x) [203.0.113.6]:4000 U=x H=evil.example [6.6.6.6] F=<a@b> rejected RCPT <c@d>: no`,
			map[string]string{"source.ip": "", "source.domain": "", "nomen.rule": ""}},
		{`1qX5Zz-0008Hm-3L <= a@b H=(x) [203.0.113.6] U=x A=plain:root P=esmtp S=100`,
			map[string]string{"source.ip": "203.0.113.6", "exim.ident": "x", "user.name": "", "exim.authenticator": ""}},
		{`1qX5Zz-0008Hm-3L <= a@b H=(x) [203.0.113.6] U=x P=esmtpa A=plain:root P=esmtp S=100`,
			map[string]string{"source.ip": "203.0.113.6", "user.name": "", "exim.authenticator": "", "exim.protocol": ""}},
		{`1qX5Zz-0008Hm-3L <= <> R=1qX5Zy-0008Hl-2K H=(x) [203.0.113.6] U=x I=[6.6.6.6]:25 P=esmtp S=100`,
			map[string]string{"source.ip": "203.0.113.6", "destination.ip": "", "exim.bounce_of": "1qX5Zy-0008Hl-2K"}},
		// A peer certificate's DN is the peer's text and Exim does not
		// escape its '"': an imitation after it must meet Exim's own next
		// field (S= on an arrival, C= on a delivery) and is dropped.
		{`1qX5Zz-0008Hm-3L <= a@b H=(x) [203.0.113.6] P=esmtps X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes DN="/CN=x" A=plain:root Q="" S=100`,
			map[string]string{"source.ip": "203.0.113.6", "user.name": "", "exim.authenticator": "", "exim.size": ""}},
		{`1qX5Zz-0008Hm-3L <= a@b H=(x) [203.0.113.6] P=esmtps CV=yes DN="/CN=x" A=plain:root" S=100`,
			map[string]string{"user.name": "", "exim.authenticator": ""}},
		{`1qX5Zz-0008Hm-3L <= a@b H=(x) [203.0.113.6] P=esmtps CV=yes DN="/CN=x" A=plain:root S=1" S=100`,
			map[string]string{"user.name": "", "exim.authenticator": ""}},
		{`1qX5Zz-0008Hm-3L <= a@b H=(x) [203.0.113.6] P=esmtps CV=yes DN="/CN=x" A=plain:root T="" S=100`,
			map[string]string{"user.name": "", "exim.authenticator": ""}},
		{`1qX5Zz-0008Hm-3L => c@d R=dnslookup T=remote_smtp H=mx.d [198.51.100.5] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes DN="/CN=mx" A=plain:root C="" C="250 OK" QT=1s DT=0s`,
			map[string]string{"destination.ip": "198.51.100.5", "user.name": "", "exim.authenticator": ""}},
		// Exim's own fields after a DN are read as ever.
		{`1qX5Zz-0008Hm-3L <= a@b H=(x) [203.0.113.6] P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes DN="/C=DE/CN=laptop" SNI="mail.example" A=plain:alice S=100 id=m1@x T="hi"`,
			map[string]string{"user.name": "alice", "exim.size": "100", "email.subject": "hi", "exim.tls.peer_dn": "/C=DE/CN=laptop"}},
		{`1qX5Zz-0008Hm-3L => c@d R=dnslookup T=remote_smtp H=mx.d [198.51.100.5] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes DN="CN=mx.d" C="250 OK id=1" QT=1s DT=0s`,
			map[string]string{"destination.ip": "198.51.100.5", "exim.confirmation": "250 OK id=1", "exim.tls.peer_dn": "CN=mx.d"}},
		// An identity followed by Exim's own next field is read as ever.
		{`1qX5Zz-0008Hm-3L <= a@b H=(x) [203.0.113.6] U=x P=esmtpa A=plain:alice S=100`,
			map[string]string{"user.name": "alice", "exim.ident": "x", "exim.size": "100"}},
		{`H=(x) [203.0.113.6]:4000 U=x F=<a@b> rejected RCPT <c@d>: no`,
			map[string]string{"source.ip": "203.0.113.6", "exim.ident": "x", "nomen.rule": "exim.rejected.rcpt"}},
	} {
		e := eximEvent(tc.msg)
		decodeExim(e)
		for k, want := range tc.want {
			if got := e.Str(k); got != want {
				t.Errorf("%s\n  %s = %q, want %q", tc.msg, k, got, want)
			}
		}
	}
}

// review31: what Exim's spec ("Log files") and deliver.c/smtp.c/acl.c
// say the review found decoded wrong or not at all.
func TestEximReview31(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want map[string]string
	}{
		// On a delivery A= is the authenticator Exim used as a client and
		// its client_set_id: its account at the remote host, not a user of
		// this mail system.
		{`1qX5Zz-0008Hm-3L => bob@example.net R=smarthost T=remote_smtp H=smart.example [198.51.100.10] A=plain:relayuser C="250 OK"`,
			map[string]string{"exim.authenticator": "plain", "destination.user.name": "relayuser", "user.name": "", "destination.ip": "198.51.100.10"}},
		// On an arrival it is the client's server_set_id.
		{`1qX5Zz-0008Hm-3L <= alice@example.org H=(laptop) [198.51.100.7] P=esmtpsa A=dovecot_plain:alice S=10`,
			map[string]string{"user.name": "alice", "destination.user.name": ""}},
		// smtp.c's write_logs since 4.86: "ID H=NAME [IP][:PORT] ...".
		{`1qX5Zz-0008Hm-3L H=mx.example.net [198.51.100.9]:25 Connection timed out`,
			map[string]string{"nomen.rule": "exim.remote_host_error", "destination.ip": "198.51.100.9", "destination.port": "25",
				"destination.domain": "mx.example.net", "source.ip": "", "event.reason": "Connection timed out", "event.action": "smtp-connect"}},
		{`1qX5Zz-0008Hm-3L H=mx.example.net [198.51.100.9]: SMTP error from remote mail server after RCPT TO:<bob@example.net>: 451 4.7.1 greylisted`,
			map[string]string{"nomen.rule": "exim.remote_host_error", "destination.ip": "198.51.100.9", "event.action": "smtp-remote-error",
				"event.reason": "SMTP error from remote mail server after RCPT TO:<bob@example.net>: 451 4.7.1 greylisted"}},
		// A client's line with a HELO name or fields is no remote host's.
		{`1qX5Zz-0008Hm-3L H=(laptop) [198.51.100.7] Connection timed out`, map[string]string{"nomen.rule": ""}},
		// acl.c: a warn verb's log_message.
		{`H=(x) [203.0.113.6]:4000 F=<a@b.example> Warning: ACL "warn" statement skipped: condition test deferred: lookup failed`,
			map[string]string{"nomen.rule": "exim.acl.warning", "source.ip": "203.0.113.6", "email.from.address": "a@b.example",
				"event.reason": `ACL "warn" statement skipped: condition test deferred: lookup failed`, "event.outcome": ""}},
		// receive.c: a message queued without a delivery attempt.
		{`1qX5Zz-0008Hm-3L no immediate delivery: more than 10 messages received in one connection`,
			map[string]string{"nomen.rule": "exim.queued", "event.action": "email-queue", "event.reason": "more than 10 messages received in one connection"}},
		{`1qX5Zz-0008Hm-3L Spool file is locked (another process is handling this message)`,
			map[string]string{"nomen.rule": "exim.spool_locked", "email.local_id": "1qX5Zz-0008Hm-3L"}},
		// A sentence that reads the client itself ("SMTP connection from
		// HOST", "... authenticator failed for HOST") has its U= the
		// client's RFC 1413 identity too, not a user of this system.
		{`SMTP connection from (x) [203.0.113.6]:4000 I=[192.0.2.25]:25 U=root closed by QUIT`,
			map[string]string{"nomen.rule": "exim.smtp.disconnect", "exim.ident": "root", "user.name": ""}},
		{`plain authenticator failed for (x) [203.0.113.6]:4000 U=root: 535 Incorrect authentication data (set_id=bob)`,
			map[string]string{"nomen.rule": "exim.auth.failure", "exim.ident": "root", "user.name": "bob"}},
		{`SMTP command timeout on connection from (x) [203.0.113.6]:4000 U=root`,
			map[string]string{"nomen.rule": "exim.smtp.timeout", "exim.ident": "root", "user.name": ""}},
		// +msg_id_created: "id*=" when Exim made the Message-ID; the subject after it is kept.
		{`1qX5Zz-0008Hm-3L <= alice@example.org U=alice P=local S=300 id*=E1qX5Zz-0008Hm-3L@host.example T="hi" for bob@example.org`,
			map[string]string{"email.message_id": "E1qX5Zz-0008Hm-3L@host.example", "email.subject": "hi", "email.to.address": "bob@example.org"}},
	} {
		e := eximEvent(tc.msg)
		decodeExim(e)
		for k, want := range tc.want {
			if got := e.Str(k); got != want {
				t.Errorf("%s\n  %s = %q, want %q", tc.msg, k, got, want)
			}
		}
	}
}

// A message id is 6-6-2 or, since Exim 4.97, 6-11-4 base-62 characters;
// a word of another shape is not one (and its line is no flag line).
func TestEximMessageID(t *testing.T) {
	for msg, want := range map[string]string{
		"1qX5Zz-0008Hm-3L Completed":        "1qX5Zz-0008Hm-3L",
		"1xA6ol-000000037ku-33mU Completed": "1xA6ol-000000037ku-33mU",
		"1qX5Zz-0008Hm-3 Completed":         "",
		"1qX5Z_-0008Hm-3L Completed":        "",
		"1qX5Zz-0008Hm-3L-x Completed":      "",
	} {
		e := eximEvent(msg)
		decodeExim(e)
		if got := e.Str("email.local_id"); got != want {
			t.Errorf("%q: email.local_id %q, want %q", msg, got, want)
		}
	}
}

// A main-log line read from the file without a syslog header is Exim's
// when it has a message id or starts one of Exim's sentences; the
// parser's host (the id, or the sentence's first word) goes.
func TestEximBareLine(t *testing.T) {
	for line, want := range map[string]string{
		"2026-12-07 10:05:00 1qX60g-0001aq-Pq <= quinn@example.org H=mail.example.org [198.51.100.93]:2000 P=esmtps S=1200":           "exim.arrival",
		"2026-12-07 10:05:01 1qX60g-0001aq-Pq Completed":                                                                              "exim.completed",
		"2026-12-07 10:05:01 [4211] 1qX60g-0001aq-Pq => a@b R=r T=t":                                                                  "exim.delivery",
		"2026-12-07 10:05:01.123 +0100 1qX60g-0001aq-Pq == a@b defer (1)":                                                             "exim.defer",
		"2026-12-07 10:05:02 login authenticator failed for (win) [203.0.113.5]:1234: 535 Incorrect authentication data (set_id=bob)": "exim.auth.failure",
		"2026-12-07 10:05:03 [9911] H=(x) [203.0.113.6]:25 F=spam@bad.example rejected RCPT <a@example.org>: relay not permitted":     "exim.rejected.rcpt",
		"2026-12-07 10:05:04 no MAIL in SMTP connection from (x) [203.0.113.7]:4000 I=[192.0.2.25]:25 D=20s C=EHLO,AUTH,QUIT":         "exim.smtp.no_mail",
		"2026-12-07 10:05:05 rejected EHLO from [203.0.113.8]:4001: syntactically invalid argument(s): a b":                           "exim.rejected.helo_syntax",
		"2026-12-07 10:05:01 1qX60g-0001aq-Pq something else":                                                                         "",
		"2026-12-07 10:05:01 webserver GET /index.html 200":                                                                           "",
		"2026-12-07 10:05:01 H=not a sentence":                                                                                        "",
	} {
		e := event.New(normtest.Received)
		parse.New(parse.Options{Location: time.UTC}).Parse([]byte(line), e)
		got := ""
		if sniffExim(e) && decodeExim(e) {
			got = e.Str("nomen.rule")
			if e.Hostname != "" {
				t.Errorf("%q: host %q kept", line, e.Hostname)
			}
		}
		if got != want {
			t.Errorf("%q: rule %q, want %q", line, got, want)
		}
	}
}

// BenchmarkExim is the decoder's cost on its commonest lines: an arrival
// with TLS and a subject, a remote delivery, an ACL rejection.
func BenchmarkExim(b *testing.B) {
	for name, line := range map[string]string{
		"arrival":  `<22>Dec  7 10:00:00 mx1 exim4[4211]: 1qX5Zz-0008Hm-3L <= alice@example.org H=client.example.org (laptop) [198.51.100.7]:52114 I=[192.0.2.25]:587 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:alice S=4312 id=20261207100000.GA1234@example.org T="Quarterly report" for bob@example.net`,
		"delivery": `<22>Dec  7 10:00:01 mx1 exim4[4212]: 1qX5Zz-0008Hm-3L => bob@example.net R=dnslookup T=remote_smtp H=mx1.example.net [198.51.100.90] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 OK 1765101600 q1si" QT=2s DT=1s`,
		"rejected": `<22>Dec  7 10:00:02 mx1 exim4[4213]: H=(ylmf-pc) [203.0.113.77]:50112 I=[192.0.2.25]:25 F=<spam@bulk.example> rejected RCPT <kim@example.org>: relay not permitted`,
	} {
		b.Run(name, func(b *testing.B) { normtest.BenchDecoder(b, decodeExim, line) })
	}
}

// FuzzExim checks the decoders' invariants (normtest.FuzzDecode) on Exim's
// lines and their mutations.
func FuzzExim(f *testing.F) {
	normtest.Seeds(f, "exim")
	f.Fuzz(func(t *testing.T, msg string) {
		normtest.FuzzDecode(t, "exim", decodeExim, "exim4", msg)
	})
}

// A long line reaches syslog in parts: the first ("[1\2] ", or "[1/2] "
// when the entry held newlines) is decoded, a later one is not.
func TestEximParts(t *testing.T) {
	for msg, want := range map[string]string{
		`[1\2] 1qX60e-0001ao-No <= pat@example.org H=mail.example.org [198.51.100.92] P=esmtp S=9000`: "exim.arrival",
		`[1/2] 1qX60e-0001ao-No ** a@b.example: Unrouteable address`:                                  "exim.bounce",
		`[2\2] 1qX60e-0001ao-No <= not@really.example for a@b c@d`:                                    "",
		`[4211] 1qX60e-0001ao-No Completed`:                                                           "exim.completed",
	} {
		e := eximEvent(msg)
		decodeExim(e)
		if got := e.Str("nomen.rule"); got != want {
			t.Errorf("%q: rule %q, want %q", msg, got, want)
		}
	}
}
