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
