package mail

import (
	"fmt"
	"sync"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

func exchangeEvent(host, msg string) *event.Event {
	e := event.New(normtest.Received)
	e.Input, e.Hostname, e.Message = "files", host, msg
	return e
}

// Each source's #Fields: header sets the columns of that source's lines only.
func TestExchangeHeaderPerSource(t *testing.T) {
	x := newExchangeDecoder()
	// Source A writes sender before recipient, source B the default order.
	if !x.decode(exchangeEvent("a", "#Fields: date-time,event-id,sender-address,recipient-address")) {
		t.Fatal("header not recognised")
	}
	a := exchangeEvent("a", "2026-07-01T10:00:00.000Z,SEND,alice@example.org,bob@example.net")
	b := exchangeEvent("b", "2026-07-01T10:00:00.000Z,192.0.2.1,,,,,,SMTP,RECEIVE,,<m@x>,carol@example.org,,,,,,,dave@example.net,,")
	if !x.decode(a) || !x.decode(b) {
		t.Fatal("data lines not decoded")
	}
	if got := a.Str("email.from.address"); got != "alice@example.org" {
		t.Errorf("source a: from = %q", got)
	}
	if got := a.Str("email.to.address"); got != "bob@example.net" {
		t.Errorf("source a: to = %q", got)
	}
	if got := b.Str("email.from.address"); got != "dave@example.net" || b.Str("source.ip") != "192.0.2.1" {
		t.Errorf("source b (default 2007 columns): from = %q ip = %q", got, b.Str("source.ip"))
	}
	// An IIS header is not a tracking header and leaves A's layout alone.
	if x.decode(exchangeEvent("a", "#Fields: date time c-ip cs-username")) {
		t.Error("IIS header taken for a tracking header")
	}
	a2 := exchangeEvent("a", "2026-07-01T10:00:01.000Z,DELIVER,erin@example.org,frank@example.net")
	x.decode(a2)
	if a2.Str("email.from.address") != "erin@example.org" {
		t.Errorf("layout of a lost: %v", a2.Fields)
	}
}

func TestExchangeHeaderBoundedAndConcurrent(t *testing.T) {
	x := newExchangeDecoder()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < exchangeMaxSources/8; i++ { // no eviction yet
				host := fmt.Sprintf("h%d-%d", g, i)
				x.decode(exchangeEvent(host, "#Fields: date-time,event-id,sender-address"))
				e := exchangeEvent(host, "2026-07-01T10:00:00.000Z,RECEIVE,a@example.org")
				if !x.decode(e) || e.Str("email.from.address") != "a@example.org" {
					t.Errorf("%s: not decoded with its header: %v", host, e.Fields)
					return
				}
			}
		}()
	}
	wg.Wait()
	// Past the limit, old sources are forgotten (they fall back to the
	// default columns); the map does not grow.
	for i := 0; i < 2*exchangeMaxSources; i++ {
		x.decode(exchangeEvent(fmt.Sprintf("more-%d", i), "#Fields: date-time,event-id"))
	}
	if n := x.layouts.Len(); n > exchangeMaxSources {
		t.Errorf("%d remembered headers, limit %d", n, exchangeMaxSources)
	}
}

func TestSplitDelimited(t *testing.T) {
	for _, tc := range []struct {
		in   string
		sep  byte
		want []string
	}{
		{`a,b,,c`, ',', []string{"a", "b", "", "c"}},
		{`"x, y",z`, ',', []string{"x, y", "z"}},
		{`"say ""hi""",`, ',', []string{`say "hi"`, ""}},
		{`"unterminated`, ',', []string{"unterminated"}},
		{"a\tb\t-", '\t', []string{"a", "b", "-"}},
		{`a,"b"`, ',', []string{"a", "b"}},
	} {
		got := splitDelimited(tc.in, tc.sep, nil)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) || len(got) != len(tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A sendmail AUTH failure ends "..., user=U, relay=R" with U as the client
// sent it: a U that holds ", user=" or ", relay=" itself is the user name
// whole, and neither the user name nor the reason takes part of the other.
func TestSendmailAuthFailureUserAsSent(t *testing.T) {
	e := event.New(normtest.Received)
	e.AppName = "sendmail"
	e.Message = "661AK0aB030411: AUTH failure (PLAIN): authentication failure (-13) SASL(-13): authentication failure: " +
		"Password verification failed, user=mallory, user=admin, relay=[198.51.100.9], relay=[203.0.113.250]"
	if !decodeSendmail(e) {
		t.Fatal("not decoded")
	}
	if got, want := e.Str("user.name"), "mallory, user=admin, relay=[198.51.100.9]"; got != want {
		t.Errorf("user.name = %q, want %q", got, want)
	}
	if got, want := e.Str("event.reason"), "authentication failure (-13) SASL(-13): authentication failure: Password verification failed"; got != want {
		t.Errorf("event.reason = %q, want %q", got, want)
	}
	if got := e.Str("source.ip"); got != "203.0.113.250" {
		t.Errorf("source.ip = %q, want the relay 203.0.113.250", got)
	}
}

// A tracking line's first field is its date-time alone: a device's
// message that starts with an ISO time and words, then comma-separated
// "Key: value" pairs, is no Exchange line.
func TestExchangeSniffFirstField(t *testing.T) {
	for msg, want := range map[string]bool{
		"2026-07-01T10:00:00.000Z,SEND,alice@example.org,bob@example.net":                                                                    true,
		"2021-04-30T11:31:19Z firepower (null) %NGIPS-1-430002: EventPriority: Low, SrcIP: 192.0.2.10, DstIP: 198.51.100.20, Protocol: icmp": false,
		"2026-07-01T10:00:00Z host app: a, b, c":                                                                                             false,
	} {
		if got := sniffExchange(exchangeEvent("a", msg)); got != want {
			t.Errorf("%q: sniffed %v, want %v", msg, got, want)
		}
	}
}
