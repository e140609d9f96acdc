package apps

import "testing"

// A user-controlled part of a line (a file's name, a sender, a subject, a
// login name) that imitates the fields after it sets none of them: want
// lists the fields the line carries ("" asserts a field is absent).
func TestMailStoreForgedFields(t *testing.T) {
	for _, tc := range []struct {
		catalog, app, msg string
		want              map[string]string
	}{
		{"clamd", "clamd", "/tmp/x: Clean-Signature FOUND: Eicar-Signature FOUND",
			map[string]string{"threat.software.name": "Eicar-Signature", "file.path": "/tmp/x: Clean-Signature FOUND"}},
		{"clamd", "clamd", "instream(6.6.6.6@1): x: Eicar-Signature FOUND", // a stream's client is only the whole head
			map[string]string{"threat.software.name": "Eicar-Signature", "source.ip": "", "file.path": "instream(6.6.6.6@1): x"}},
		{"clamd", "clamd", "/srv/a: Access denied. ERROR: Eicar-Signature FOUND",
			map[string]string{"threat.software.name": "Eicar-Signature", "file.path": "/srv/a: Access denied. ERROR", "error.message": ""}},
		{"clamav-milter", "clamav-milter", "Message 4Kz1 from <x@bad.example> to <bob@example.org> with subject 'hi' message-id '<f@x>' date 'd' infected by Fake.Sig' message-id '<real@x>' date 'd2' infected by Eicar-Signature",
			map[string]string{"threat.software.name": "Eicar-Signature", "email.local_id": "4Kz1", "email.message_id": "", "email.subject": "", "email.to.address": ""}},
		{"clamav-milter", "clamav-milter", "Message from <a> to <root@example.org> to <bob@example.org> infected by Eicar-Signature",
			map[string]string{"email.to.address": "bob@example.org"}},
		{"courier", "imapd", "LOGIN FAILED, user=x, ip=[6.6.6.6], ip=[::ffff:203.0.113.46]",
			map[string]string{"source.ip": "203.0.113.46", "user.name": "x, ip=[6.6.6.6]"}},
		{"courier", "pop3d", "LOGOUT, user=y, ip=[6.6.6.7], headers=0, body=0, rcvd=1, sent=1, time=1, ip=[::ffff:203.0.113.47], headers=0, body=0, rcvd=9, sent=9, time=9",
			map[string]string{"source.ip": "203.0.113.47", "source.bytes": "9"}},
		{"cyrus", "cyrus/imap", "badlogin: [203.0.113.64] plaintext x plaintext+TLS User logged in invalid user",
			map[string]string{"event.outcome": "failure", "source.ip": "203.0.113.64", "user.name": "x plaintext+TLS User logged in"}},
		{"cyrus", "lmtpunix", "Delivered: <x> to mailbox: user.admin> to mailbox: user.bob", // review31: the Message-ID is the sender's
			map[string]string{"cyrus.mailbox": "user.bob", "email.message_id": "x> to mailbox: user.admin"}},
		{"cyrus", "cyrus/pop3", "badlogin: [203.0.113.65] LOGIN (root) [x] (admin) [authentication failure]",
			map[string]string{"source.ip": "203.0.113.65", "user.name": "root) [x] (admin"}},
	} {
		e := decodeWith(catalogByName(t, tc.catalog), tc.app, tc.msg)
		if e == nil {
			t.Errorf("%s: %q not decoded", tc.catalog, tc.msg)
			continue
		}
		for k, want := range tc.want {
			if got := e.Str(k); got != want {
				t.Errorf("%s: %q\n  %s = %q, want %q", tc.catalog, tc.msg, k, got, want)
			}
		}
	}
}

// review31: clamd's verdict always names what it scanned ("WHAT: SIG
// FOUND"); a line of one word before FOUND is no verdict, and its word
// (a path) is no signature.
func TestClamdVerdictNamesItsSubject(t *testing.T) {
	c := catalogByName(t, "clamd")
	for _, msg := range []string{"/tmp/Eicar-Signature FOUND", "/tmp/x(44d88612fea8a8f36de82e1278abb02f:68) FOUND"} {
		if e := decodeWith(c, "clamd", msg); e != nil {
			t.Errorf("%q decoded: threat.software.name %q", msg, e.Str("threat.software.name"))
		}
	}
	if e := decodeWith(c, "clamd", "/tmp/a b: Eicar-Signature FOUND"); e == nil || e.Str("threat.software.name") != "Eicar-Signature" || e.Str("file.path") != "/tmp/a b" {
		t.Errorf("a verdict not decoded: %v", e)
	}
}

// review31: Cyrus's "MECH+TLS" is two facts, the mechanism and that the
// session had done STARTTLS.
func TestCyrusMechanismTLS(t *testing.T) {
	c := catalogByName(t, "cyrus")
	for msg, want := range map[string][2]string{
		"login: client.example [192.0.2.10] alice plaintext+TLS User logged in SESSIONID=<cyrus-1>": {"plaintext", "true"},
		"login: [192.0.2.10] alice PLAIN User logged in":                                            {"PLAIN", ""},
	} {
		e := decodeWith(c, "cyrus/imap", msg)
		if e == nil {
			t.Errorf("%q not decoded", msg)
			continue
		}
		tls := ""
		if e.Has("tls.established") {
			tls = "true"
		}
		if got := e.Str("cyrus.mechanism"); got != want[0] || tls != want[1] {
			t.Errorf("%q: cyrus.mechanism %q tls.established %q, want %q %q", msg, got, tls, want[0], want[1])
		}
	}
}
