package parse

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/influxdata/go-syslog/v3/rfc3164"
	"github.com/influxdata/go-syslog/v3/rfc5424"
	"github.com/nomenhq/nomen/relay/event"
)

// go-syslog is the grammar reference: on every message its strict RFC 5424
// machine accepts, nomen's parser must find the same header, STRUCTURED-DATA
// and MSG, but for documented differences: nomen strips the spaces before
// MSG (forwarding noise, see msgText), a leading BOM and trailing
// CR/LF/NUL and spaces (see Parse),
// splits an APP-NAME "prog(module)" (see setAppModule), takes a Cisco
// tag, Solaris block or padded tag's "[PID]:" at the front of MSG out of
// it (see relayedTag), and
// reads a Cisco device header a relay split between APP-NAME and MSG (see
// relayedCisco) and AIX's "Message forwarded from HOST: " a relay split
// between HOSTNAME and APP-NAME (see relayedAIX). go-syslog refuses a line without PRI; nomen reads one as
// RFC 5424 when it has the signature of one a relay or a file writer left
// the PRI out of (see noPriVersionEnd and TestNoPriNilTimestamp).
func agree5424(t testing.TB, raw []byte) {
	t.Helper()
	m, err := rfc5424.NewMachine().Parse(raw)
	if err != nil {
		return // not valid RFC 5424: nomen's leniency is tested elsewhere
	}
	want := m.(*rfc5424.SyslogMessage)
	recv := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	e := event.New(recv)
	New(Options{Location: time.UTC}).Parse(raw, e)
	fail := func(what string, got, want any) {
		t.Helper()
		t.Fatalf("%q: %s = %q, go-syslog says %q", raw, what, got, want)
	}
	if e.Format != "rfc5424" || e.Has(FieldParseError) {
		fail("format/error", e.Format+" "+e.Str(FieldParseError), "rfc5424")
	}
	if int(e.Pri) != int(*want.Priority) {
		fail("PRI", e.Pri, *want.Priority)
	}
	// relayedCisco: a Cisco device header (sequence number, name, time)
	// that a relay split between APP-NAME and MSG, read back: the device's
	// time and name stand, and MSG starts at the mnemonic (after ": " or,
	// with the device's name before it, " ").
	wantApp := deref(want.Appname)
	wantMsg0 := deref(want.Message)
	cisco := strings.HasPrefix(e.AppName, "%") && wantApp != e.AppName &&
		(strings.Contains(wantMsg0, ": "+e.AppName+":") || strings.Contains(wantMsg0, ": "+e.Hostname+" "+e.AppName+":")) &&
		strings.HasSuffix(wantMsg0, e.Message)
	if cisco {
		if h := e.Hostname; h != deref(want.Hostname) && h != wantApp && !strings.Contains(wantMsg0, h+": ") && !strings.Contains(wantMsg0, h+" %") {
			fail("Cisco device HOSTNAME", h, deref(want.Hostname))
		}
		want.Hostname, want.Timestamp, want.Appname = &e.Hostname, nil, nil
		recv = e.Time
	}
	if want.Timestamp != nil && !e.Time.Equal(*want.Timestamp) {
		fail("TIMESTAMP", e.Time, *want.Timestamp)
	}
	if want.Timestamp == nil && !e.Time.Equal(recv) {
		fail("nil TIMESTAMP", e.Time, recv)
	}
	wantMsg := strings.TrimLeft(deref(want.Message), " ")
	wantMsg = strings.TrimPrefix(wantMsg, "\xEF\xBB\xBF")
	wantMsg = strings.TrimRight(wantMsg, "\r\n\x00 ")
	app, msgID := e.AppName, e.MsgID
	if m, ok := e.Field(FieldAppModule); ok {
		app += "(" + m.Str + ")"
	}
	// relayedTag: a Cisco tag or Solaris block taken from the front of MSG.
	if want.Appname == nil && strings.HasPrefix(app, "%") && strings.HasPrefix(wantMsg, app+":") &&
		strings.HasSuffix(wantMsg, e.Message) {
		app, wantMsg = "", e.Message
	}
	if cisco {
		app, wantMsg = "", e.Message
	}
	// relayedAIX: AIX's "Message forwarded from HOST: " that a relay took
	// for HOSTNAME and APP-NAME, read back: the host named and the tag
	// after it stand.
	if deref(want.Hostname) == "Message" && wantApp == "forwarded" && strings.HasPrefix(wantMsg, "from "+e.Hostname+": ") &&
		strings.HasSuffix(wantMsg, e.Message) {
		want.Hostname, want.Appname, app, wantMsg = &e.Hostname, &e.AppName, e.AppName, e.Message
		if want.ProcID == nil {
			want.ProcID = &e.ProcID
		}
	}
	if want.MsgID == nil && msgID != "" && strings.HasPrefix(wantMsg, "[ID "+msgID+" ") &&
		strings.HasSuffix(wantMsg, e.Message) {
		msgID, wantMsg = "", e.Message
	}
	// relayedTag: the "[PID]:" of a padded tag taken from the front of MSG.
	procID := e.ProcID
	if want.ProcID == nil && procID != "" && strings.HasPrefix(wantMsg, "["+procID+"]:") &&
		strings.HasSuffix(wantMsg, e.Message) {
		procID, wantMsg = "", e.Message
	}
	for _, f := range []struct {
		name string
		got  string
		want *string
	}{{"HOSTNAME", headerHost(e), want.Hostname}, {"APP-NAME", app, want.Appname},
		{"PROCID", procID, want.ProcID}, {"MSGID", msgID, want.MsgID}} {
		if w := deref(f.want); f.got != w {
			fail(f.name, f.got, w)
		}
	}
	if e.Message != wantMsg {
		fail("MSG", e.Message, wantMsg)
	}
	got := map[string]map[string]string{}
	for el := range e.SD.Elements() {
		if got[el.ID] == nil {
			got[el.ID] = map[string]string{}
		}
		for p := range el.Params() {
			got[el.ID][p.Name] = p.Value // repeated names: the last, as go-syslog
		}
	}
	var wantSD map[string]map[string]string
	if want.StructuredData != nil {
		wantSD = *want.StructuredData
	}
	if fmt.Sprint(got) != fmt.Sprint(wantSD) && !(len(got) == 0 && len(wantSD) == 0) {
		fail("STRUCTURED-DATA", fmt.Sprint(got), fmt.Sprint(wantSD))
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestGoSyslog5424Agrees runs the oracle over every case and wire input.
func TestGoSyslog5424Agrees(t *testing.T) {
	inputs, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", "cases", "*", "input.txt"))
	n := 0
	for _, in := range inputs {
		for _, line := range readLines(t, in) {
			agree5424(t, []byte(line))
			n++
		}
	}
	if _, err := os.Stat(corpusPath); err == nil {
		for _, v := range readCorpus(t) {
			if raw, ok := wirePayload(v); ok {
				agree5424(t, raw)
				n++
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d inputs", n)
	}
}

// TestNoPriNilTimestamp: go-syslog refuses every line without PRI; nomen
// reads one as RFC 5424 when a relay or a file writer only left the PRI
// out. With a NILVALUE timestamp ("1 - host app ...") nothing but the rest
// of the header tells such a line from text, so nomen reads it as RFC 5424
// exactly when go-syslog accepts it with a PRI put back, and then finds the
// header, STRUCTURED-DATA and MSG the PRI'd line has.
func TestNoPriNilTimestamp(t *testing.T) {
	long := func(n int) string { return strings.Repeat("h", n) }
	lines := []string{
		"1 - lab7 sshd 4711 - - Accepted publickey for bob",
		"1 - lab7 app - ID47 [exampleSDID@32473 iut=\"3\"] no clock",
		"1 - lab7 app - ID47 [x@1] empty element",
		"1 - lab7 app - - -",
		"1 - - - - - - all nil",
		"1 - " + long(255) + " app - - - longest HOSTNAME",
		"1 - " + long(256) + " app - - - HOSTNAME too long",
		"1 - lab7 " + long(49) + " - - - APP-NAME too long",
		"1 - lab7 app - " + long(33) + " - MSGID too long",
		"1 - lab7 app - - [" + long(33) + "@1] SD-ID too long",
		"1 - lab7 app - - a NILVALUE timestamp, no SD",
		"1 - the road was - a - long one",
		"1 - lab7 app  - - - two spaces",
		"1 - lab7 app - -",
	}
	recv := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	p := New(Options{Location: time.UTC})
	for _, line := range lines {
		_, err := rfc5424.NewMachine().Parse([]byte("<13>" + line))
		e := event.New(recv)
		p.Parse([]byte(line), e)
		if got, want := e.Format == FormatRFC5424, err == nil; got != want {
			t.Errorf("%.60q: read as RFC 5424 %v, go-syslog accepts it with a PRI %v (%v)", line, got, want, err)
			continue
		}
		if err != nil {
			continue
		}
		agree5424(t, []byte("<13>"+line))
		w := event.New(recv)
		p.Parse([]byte("<13>"+line), w)
		if e.Hostname != w.Hostname || e.AppName != w.AppName || e.ProcID != w.ProcID || e.MsgID != w.MsgID ||
			e.Message != w.Message || e.SD.String() != w.SD.String() || !e.Time.Equal(w.Time) || e.Has(FieldParseError) {
			t.Errorf("%.60q: without its PRI host=%q app=%q pid=%q msgid=%q sd=%q msg=%q, with it host=%q app=%q pid=%q msgid=%q sd=%q msg=%q",
				line, e.Hostname, e.AppName, e.ProcID, e.MsgID, e.SD.String(), e.Message,
				w.Hostname, w.AppName, w.ProcID, w.MsgID, w.SD.String(), w.Message)
		}
	}
}

// TestGoSyslog3164Agrees generates ordinary "<PRI>Mmm dd hh:mm:ss host
// tag[pid]: msg" lines, the form go-syslog's RFC 3164 machine is right
// about, and requires the same fields from both parsers.
func TestGoSyslog3164Agrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3164, 1))
	// Received late in 2026 so every year-less date resolves to 2026, the
	// year go-syslog is told.
	recv := time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)
	m := rfc3164.NewMachine(rfc3164.WithYear(rfc3164.Year{YYYY: 2026}), rfc3164.WithTimezone(time.UTC))
	p := New(Options{Location: time.UTC})
	word := func(alphabet string, min, max int) string {
		b := make([]byte, min+rng.IntN(max-min+1))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for i := 0; i < 5000; i++ {
		host := "h" + word(alnum+".-_", 0, 20)
		tag := word(alnum, 1, 32)
		pid := ""
		if rng.IntN(2) == 0 {
			pid = word("0123456789", 1, 7)
		}
		// No "]" in msg: go-syslog's machine then takes the text up to the
		// last "]" for the PROCID (one more reason it is not on the hot path).
		msg := word(alnum, 1, 1) + word(alnum+" !#$%&'()*+,-./:;<=>?@[^_`{|}~", 0, 80)
		month := months[rng.IntN(12)]
		line := fmt.Sprintf("<%d>%c%s %2d %02d:%02d:%02d %s %s", rng.IntN(192), month[0]-32, month[1:],
			1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), host, tag)
		if pid != "" {
			line += "[" + pid + "]"
		}
		line += ": " + msg
		got, err := m.Parse([]byte(line))
		if err != nil {
			t.Fatalf("go-syslog rejects generated %q: %v", line, err)
		}
		want := got.(*rfc3164.SyslogMessage)
		e := event.New(recv)
		p.Parse([]byte(line), e)
		if int(e.Pri) != int(*want.Priority) || !e.Time.Equal(*want.Timestamp) ||
			headerHost(e) != deref(want.Hostname) || e.AppName != deref(want.Appname) ||
			e.ProcID != deref(want.ProcID) || e.Message != strings.TrimRight(deref(want.Message), " ") || e.Has(FieldParseError) {
			t.Fatalf("%q:\nnomen     pri=%d time=%v host=%q app=%q pid=%q msg=%q\ngo-syslog pri=%d time=%v host=%q app=%q pid=%q msg=%q",
				line, e.Pri, e.Time, e.Hostname, e.AppName, e.ProcID, e.Message,
				*want.Priority, *want.Timestamp, deref(want.Hostname), deref(want.Appname), deref(want.ProcID), deref(want.Message))
		}
	}
}

// headerHost is the HOSTNAME as sent: a syslog-ng chain's whole value
// (unchainHost keeps it in log.syslog.hostname), else Hostname.
func headerHost(e *event.Event) string {
	if v, ok := e.Field(FieldSyslogHostname); ok {
		return v.Str
	}
	return e.Hostname
}
