package normalize

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// Issue #15's fifth held-out round: Windows Security (and System) events
// by the roads that carry only the rendered message, in the shapes other
// projects' test suites and the agents' documentation show them: Snare's
// MSWinEventLog record (TAB-separated; TABs escaped "#011" by a relaying
// rsyslog; a space or a run of spaces after "MSWinEventLog"; the agent's
// own "HOST<TAB>" in front and no syslog header; an RFC 5424 header with
// no APP-NAME; a relay's RFC 5424 output whose APP-NAME swallowed the
// record's first fields; the record counter negative, after spaces, or
// followed by an MD5 checksum or Snare's "EventSourceId=" field; the year
// in a field of its own; a delimiter other than TAB), NXLog's
// to_syslog_snare (the same record) and evtsys' "SOURCE: ID: text".
//
// Every line and every expected value is written here, by hand: the
// values from Microsoft's description of each event (which account is the
// subject, which the target; "-" for none; a port of 0 for none), the
// field names from ECS and docs/windows-events.md. The messages are the
// Security auditing provider's English texts (msaudite.dll's for the
// 2000/2003 ids), flattened as Snare flattens them: every CR, LF and TAB
// a space. A nil expectation is a field that must stay unset.

// snareHead is a Snare record up to its category (the fields after
// "MSWinEventLog").
type snareHead struct {
	crit, log, counter, date, id, source, user, sidType, kind, computer, category string
}

// snareCase is one held-out line and the fields it must give.
type snareCase struct {
	name string
	line string
	want map[string]any
}

// snareFlat flattens a rendered message as Snare and NXLog's
// to_syslog_snare do: each CR, LF and TAB becomes a space. Messages here
// are written a line each, indented by two spaces, as Event Viewer shows them.
func snareFlat(msg string) string {
	return strings.NewReplacer("\r", " ", "\n", "  ", "\t", " ").Replace(strings.TrimSpace(msg))
}

// record joins a Snare record with sep: the header, an empty DATASTRING,
// the flattened message and the tail fields (the record counter, ...).
func (h snareHead) record(sep, msg string, tail ...string) string {
	f := []string{"MSWinEventLog", h.crit, h.log, h.counter, h.date, h.id, h.source, h.user, h.sidType, h.kind,
		h.computer, h.category, "", snareFlat(msg)}
	return strings.Join(append(f, tail...), sep)
}

// The roads, each a function of the sending host and the TAB-separated record.
var (
	// Snare or NXLog straight to the relay, RFC 3164 header.
	road3164 = func(host, rec string) string { return "<14>Mar  3 09:14:55 " + host + " " + rec }
	// The same through an rsyslog that escapes control characters (its default).
	road3164Escaped = func(host, rec string) string {
		return "<14>Mar  3 09:14:55 " + host + " " + strings.ReplaceAll(rec, "\t", "#011")
	}
	// RFC 5424 with no APP-NAME, the record as MSG (rsyslog's mmsnareparse samples).
	road5424 = func(host, rec string) string { return "<13>1 2026-03-03T09:14:55.120Z " + host + " - - - - " + rec }
	// Snare's own "HOST<TAB>MSWinEventLog..." with no syslog header at all.
	roadBare = func(host, rec string) string { return host + "\t" + rec }
	// A space, then a run of spaces, after "MSWinEventLog" (agents that pad it).
	roadSpaced = func(host, rec string) string {
		return "<14>Mar  3 09:14:55 " + host + " " + strings.Replace(rec, "MSWinEventLog\t", "MSWinEventLog    ", 1)
	}
	// rsyslog relaying an RFC 3164 Snare line in RSYSLOG_SyslogProtocol23Format:
	// the tag it read (the record up to its first space) became APP-NAME.
	roadRelayed = func(host, rec string) string {
		rec = strings.ReplaceAll(rec, "\t", "#011")
		app, msg, _ := strings.Cut(rec, " ")
		return "<14>1 2026-03-03T09:14:55+00:00 " + host + " " + app + " - - - " + msg
	}
)

// snareDecode runs a line through the parser and the normalizer and
// returns the decoder's name and the event's fields, flattened.
func snareDecode(t *testing.T, n *Normalizer, line string) (string, map[string]any) {
	t.Helper()
	e := event.New(time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC))
	parse.New(parse.Options{Location: time.UTC}).Parse([]byte(line), e)
	dec := n.Normalize(e)
	var enc event.Encoder
	return dec, normtest.Flatten(enc.AppendJSON(nil, e))
}

// snareEqual compares a decoded value with an expected one: lists as sets.
func snareEqual(got, want any) bool {
	gl, gok := got.([]any)
	wl, wok := want.([]any)
	if gok && wok {
		g, w := make([]string, len(gl)), make([]string, len(wl))
		for i := range gl {
			g[i] = fmt.Sprint(gl[i])
		}
		for i := range wl {
			w[i] = fmt.Sprint(wl[i])
		}
		sort.Strings(g)
		sort.Strings(w)
		return strings.Join(g, "\x00") == strings.Join(w, "\x00")
	}
	return normtest.JSONText(got) == normtest.JSONText(want)
}

// snareFromRecord lists the fields whose values must come from the line's
// text as they are (case aside): the accounts, addresses, processes,
// files, services and groups. Derived ones (a logon type's name, a
// status's text, a process name cut from its path) are not listed.
var snareFromRecord = []string{"user.name", "user.domain", "user.id", "user.target.name", "user.target.domain",
	"user.target.id", "user.effective.name", "user.effective.domain", "source.ip", "source.domain",
	"destination.ip", "process.executable", "process.command_line", "process.parent.executable",
	"service.name", "group.name", "group.domain", "group.id", "host.name", "winlog.logon.id"}

// snareDocumented are the fields where the expectation written by hand
// (Microsoft's or ECS's reading) and nomen's convention, the same on every
// road and Winlogbeat's too, differ: reported, not failed, and counted apart.
var snareDocumented = map[string]string{
	"source.port": "a port of 0, which Microsoft says is none (interactive logons), stays 0 on every road, as Winlogbeat keeps it",
	"network.direction": "WFP's Inbound and Outbound are inbound and outbound on every road, as Winlogbeat writes them; " +
		"ECS asks ingress and egress of a host's own view",
}

// TestSnareRoadsHeldOut: every line is recognised (the windows decoder,
// its event.action), every expected field is right, and no account,
// address, process or file field holds a value the line does not have.
func TestSnareRoadsHeldOut(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	cases := snareHeldOut()
	recognised, allRight, fields, equal, documented := 0, 0, 0, 0, 0
	for _, c := range cases {
		dec, got := snareDecode(t, n, c.line)
		ok := dec == "windows" && c.want["event.action"] != nil && snareEqual(got["event.action"], c.want["event.action"])
		if ok {
			recognised++
		} else {
			t.Errorf("%s: decoder %q, event.action %v, want windows, %v", c.name, dec, got["event.action"], c.want["event.action"])
		}
		right := true
		for k, v := range c.want {
			fields++
			switch {
			case v == nil && got[k] == nil, v != nil && snareEqual(got[k], v):
				equal++
			case snareDocumented[k] != "":
				documented++
				right = false
				t.Logf("%s: %s = %s, want %s (documented: %s)", c.name, k, normtest.JSONText(got[k]), normtest.JSONText(v), snareDocumented[k])
			default:
				right = false
				t.Errorf("%s: %s = %s, want %s", c.name, k, normtest.JSONText(got[k]), normtest.JSONText(v))
			}
		}
		if right {
			allRight++
		}
		lower := strings.ToLower(c.line)
		for _, k := range snareFromRecord {
			if s, isStr := got[k].(string); isStr && !strings.Contains(lower, strings.ToLower(s)) {
				t.Errorf("%s: %s = %q is not in the line", c.name, k, s)
			}
		}
	}
	t.Logf("%d lines: %d recognised, %d with every field right; %d of %d fields equal, %d of %d leaving out %d documented differences",
		len(cases), recognised, allRight, equal, fields, equal, fields-documented, documented)
}
