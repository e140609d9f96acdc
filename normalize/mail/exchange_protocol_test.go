package mail

import "testing"

// A protocol log line is never read as message tracking (its session id
// was source.domain, its context the event id), and without the
// source's "#Log-type:" line only a receive connector's id ("SERVER\Name")
// tells which endpoint is the client.
func TestExchangeProtocolWithoutHeader(t *testing.T) {
	x := newExchangeDecoder()
	recv := exchangeEvent("a", `2026-07-01T10:00:01.123Z,EX01\Default EX01,08DB1234ABCD5678,0,192.0.2.10:25,198.51.100.90:50123,+,,`)
	send := exchangeEvent("b", `2026-07-01T10:00:01.123Z,Outbound to Internet,08DB1234ABCD5700,1,192.0.2.10:51000,203.0.113.50:25,+,,`)
	if !x.decode(recv) || !x.decode(send) {
		t.Fatal("not decoded")
	}
	for _, e := range []struct {
		name string
		got  string
		want string
	}{
		{"receive rule", recv.Str("nomen.rule"), "exchange.protocol"},
		{"receive source.ip", recv.Str("source.ip"), "198.51.100.90"},
		{"receive destination.ip", recv.Str("destination.ip"), "192.0.2.10"},
		{"receive source.domain", recv.Str("source.domain"), ""},
		{"send rule", send.Str("nomen.rule"), "exchange.protocol"},
		{"send source.ip", send.Str("source.ip"), ""},
		{"send destination.ip", send.Str("destination.ip"), ""},
		{"send remote endpoint", send.Str("exchange.remote_endpoint"), "203.0.113.50:25"},
	} {
		if e.got != e.want {
			t.Errorf("%s = %q, want %q", e.name, e.got, e.want)
		}
	}
	// After the source's send log header, the remote endpoint is the server.
	x.decode(exchangeEvent("b", "#Log-type: SMTP Send Protocol Log"))
	send2 := exchangeEvent("b", `2026-07-01T10:00:01.200Z,Outbound to Internet,08DB1234ABCD5700,2,192.0.2.10:51000,203.0.113.50:25,<,220 mx.example.com ESMTP,`)
	if !x.decode(send2) || send2.Str("destination.ip") != "203.0.113.50" || send2.Str("event.action") != "smtp-reply" {
		t.Errorf("send log line: %v", send2.Fields)
	}
}

// One forwarder tailing a server's receive and send protocol logs sends
// both from one host, so the last "#Log-type:" line may be the other
// log's. A receive connector's id ("SERVER\Name") under a send log's
// header, or a send connector's under a receive log's, is such a line:
// its endpoints stay in exchange.* and the account of an
// "authenticated" line is no user.name.
func TestExchangeProtocolInterleaved(t *testing.T) {
	x := newExchangeDecoder()
	x.decode(exchangeEvent("h", "#Log-type: SMTP Receive Protocol Log"))
	x.decode(exchangeEvent("h", "#Log-type: SMTP Send Protocol Log"))
	recv := exchangeEvent("h", `2026-07-01T10:00:02.000Z,EX01\Default Frontend EX01,08DB1234ABCD5679,3,192.0.2.10:25,198.51.100.91:50124,*,CORP\jdoe,authenticated`)
	if !x.decode(recv) {
		t.Fatal("receive line under a send header: not decoded")
	}
	if got := recv.Str("destination.ip"); got == "198.51.100.91" {
		t.Errorf("receive line under a send header: the client is destination.ip")
	}
	if got := recv.Str("source.ip"); got != "198.51.100.91" && got != "" {
		t.Errorf("receive line under a send header: source.ip = %q", got)
	}
	x.decode(exchangeEvent("h", "#Log-type: SMTP Receive Protocol Log"))
	send := exchangeEvent("h", `2026-07-01T10:00:03.000Z,Outbound to Internet,08DB1234ABCD5701,0,192.0.2.10:51001,203.0.113.51:25,+,,`)
	if !x.decode(send) {
		t.Fatal("send line under a receive header: not decoded")
	}
	if got := send.Str("source.ip"); got != "" {
		t.Errorf("send line under a receive header: source.ip = %q (the server it connected to)", got)
	}
	if got := send.Str("exchange.remote_endpoint"); got != "203.0.113.51:25" {
		t.Errorf("send line under a receive header: exchange.remote_endpoint = %q", got)
	}
}
