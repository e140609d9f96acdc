package correlate

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/findingid"
	"github.com/prometheus/client_golang/prometheus"
)

// Fields of findings that ECS has no name for.
const (
	// FieldFindingEvents lists the journal IDs (as strings) of the events
	// that caused a finding, at most maxIDs of them.
	FieldFindingEvents = "nomen.finding.events"
	// FieldFindingKey is the group key of the finding ("source.ip=10.0.0.5").
	FieldFindingKey = "nomen.finding.key"
	// FieldFindingCount is how many events the finding is about.
	FieldFindingCount = "nomen.finding.count"

	// Dataset is event.dataset of rule findings; DatasetProcess of the
	// process tracker's records and alerts. The engine never feeds its own
	// output back into its rules.
	Dataset        = "nomen.correlate"
	DatasetProcess = "nomen.process"
)

const (
	maxIDs     = 32 // event IDs kept per finding
	maxRelated = 16 // values kept per related.* list
)

// ruleBase is what every rule kind shares.
type ruleBase struct {
	kind        string
	name, id    string
	description string
	category    []string
	severity    int
	eventTime   bool
	maxKeys     int
	message     template
	hash        string

	findings prometheus.Counter
	evicted  prometheus.Counter
}

// at returns the time the rule measures e by.
func (b *ruleBase) at(e *event.Event) time.Time {
	if b.eventTime && !e.Time.IsZero() {
		return e.Time
	}
	return e.Received
}

// evidence accumulates what a finding says about its causing events:
// their IDs, related.* values and hosts. Bounded.
//
// The related values of the four lists live in one slice (rel, each
// list's values after the previous list's, n of them each): windows and
// waiting pairs by the hundred thousand each hold one, and one slice is a
// third of the memory of four and a quarter of the pointers the collector
// marks. Snapshots write the four lists as before (evidence_json.go).
type evidence struct {
	IDs   []uint64
	rel   []string
	n     [numRelated]uint8
	Count int
}

// The related.* lists of an evidence, in the order rel holds them.
const (
	relIP = iota
	relUser
	relHosts
	relHash
	numRelated
)

var relatedKeys = [numRelated]string{"related.ip", "related.user", "related.hosts", "related.hash"}

// list returns the values of list c (shared: not to be written into).
func (v *evidence) list(c int) []string {
	start := 0
	for _, n := range v.n[:c] {
		start += int(n)
	}
	return v.rel[start : start+int(v.n[c])]
}

func (v *evidence) add(e *event.Event, id uint64, in *interner) {
	v.Count++
	if id != 0 && len(v.IDs) < maxIDs {
		if v.IDs == nil {
			v.IDs = make([]uint64, 0, 4) // a pair, a process: one allocation
		}
		v.IDs = append(v.IDs, id)
	}
	host := -1 // the last host.name field (Event.Str's answer)
	for i := range e.Fields {
		f := &e.Fields[i]
		if f.Key == "host.name" {
			host = i
			continue
		}
		if len(f.Key) < 8 || f.Key[:8] != "related." {
			continue
		}
		switch f.Key {
		case "related.ip":
			v.addUnique(relIP, in, f.Val.List...)
		case "related.user":
			v.addUnique(relUser, in, f.Val.List...)
		case "related.hosts":
			v.addUnique(relHosts, in, f.Val.List...)
		case "related.hash":
			v.addUnique(relHash, in, f.Val.List...)
		}
	}
	var h string
	if host >= 0 {
		h = e.Fields[host].Val.String()
	} else if v, ok := e.Derived("host.name"); ok { // from the syslog header
		h = v.String()
	}
	if h != "" {
		v.addUnique(relHosts, in, h)
	}
}

// addUnique adds to list c the values not in it yet, up to maxRelated,
// copied by in (the event's strings point into its raw message; state
// must not pin it). in == nil: vals need no copy (owned already, or the
// evidence is of a finding made now, which lives no longer than the
// event).
//
// rel is never written where a copy of the evidence (a snapshot's, a
// finding's lists) may see it: a value goes in place only past the end,
// otherwise into a new slice.
func (v *evidence) addUnique(c int, in *interner, vals ...string) {
next:
	for _, s := range vals {
		if s == "" || s == "-" || v.n[c] >= maxRelated {
			continue
		}
		list := v.list(c)
		for _, x := range list {
			if x == s {
				continue next
			}
		}
		if in != nil {
			if len(v.rel) == 0 {
				v.rel = in.single(s) // shared; the next value copies
				v.n[c] = 1
				continue
			}
			s = in.get(s)
		}
		at := 0
		for _, n := range v.n[:c+1] {
			at += int(n)
		}
		if at == len(v.rel) && len(v.rel) < cap(v.rel) {
			v.rel = append(v.rel, s)
		} else {
			rel := make([]string, len(v.rel)+1, len(v.rel)+2)
			copy(rel, v.rel[:at])
			rel[at] = s
			copy(rel[at+1:], v.rel[at:])
			v.rel = rel
		}
		v.n[c]++
	}
}

// finding builds one alert event.
type finding struct {
	e *event.Event
}

// typeInfo is event.type ["info"], shared by every finding (events are
// read-only once journaled).
var typeInfo = event.Strings("info")

// newFinding starts a finding of rule b at (time, received).
func newFinding(b *ruleBase, dataset, action string, at, received time.Time) finding {
	e := event.New(received)
	e.Time = at
	e.Fields = make([]event.Field, 0, 32)
	e.SetStr("event.kind", "alert")
	e.Set("event.category", event.Value{Type: event.TypeStrings, List: slices.Clip(b.category)})
	e.Set("event.type", typeInfo)
	e.SetStr("event.action", action)
	e.SetStr("event.module", "nomen")
	e.SetStr("event.dataset", dataset)
	if b.severity > 0 {
		e.SetInt("event.severity", int64(b.severity))
	}
	e.SetStr("rule.id", b.id)
	e.SetStr("rule.name", b.name)
	e.SetStr("rule.description", b.description)
	e.SetStr("rule.ruleset", "nomen.correlate")
	e.SetStr("rule.category", b.kind)
	return finding{e}
}

// id sets the finding's deterministic id (event.id, package findingid):
// the rule's name, the group key, the window's start and the anchor, the
// identity of the event that made the finding or opened its window.
func (f finding) id(b *ruleBase, key string, start int64, anchor string) {
	findingid.Set(f.e, b.name, key, start, anchor)
}

// evidence sets related.*, host.name (when all events are from one host),
// the event IDs and the count.
func (f finding) evidence(v *evidence) {
	setEvidence(f.e, v)
	f.e.SetInt(FieldFindingCount, int64(v.Count))
}

// setEvidence sets what v says on e, except the count. The lists are
// shared, not copied: every rule lets go of an evidence once it has made a
// finding of it (a new one starts empty), so nothing appends to them again;
// Clip makes any later append by a reader copy.
func setEvidence(e *event.Event, v *evidence) {
	for c, key := range relatedKeys {
		if list := v.list(c); len(list) > 0 {
			e.Set(key, event.Strings(slices.Clip(list)...))
		}
	}
	if hosts := v.list(relHosts); len(hosts) == 1 && !e.Has("host.name") { // a process record has it already
		e.SetStr("host.name", hosts[0])
	}
	if len(v.IDs) > 0 {
		e.Set(FieldFindingEvents, event.Strings(idStrings(v.IDs)...))
	}
}

// idStrings renders IDs (at most maxIDs) as decimal strings with two
// allocations.
func idStrings(ids []uint64) []string {
	ids = ids[:min(len(ids), maxIDs)]
	var buf [maxIDs * 20]byte
	var endsBuf [maxIDs]int
	b, ends := buf[:0], endsBuf[:len(ids)]
	for i, id := range ids {
		b = strconv.AppendUint(b, id, 10)
		ends[i] = len(b)
	}
	all := string(b)
	out := make([]string, len(ids))
	start := 0
	for i, end := range ends {
		out[i] = all[start:end]
		start = end
	}
	return out
}

// template is a parsed message: literal text and {placeholders}.
type template struct {
	parts []tpart
}

type tpart struct {
	lit   string
	field string // placeholder name if lit == ""
}

func parseTemplate(s string) (template, error) {
	var t template
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			t.parts = append(t.parts, tpart{lit: s})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tpart{lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return t, errors.New(`unclosed "{"`)
		}
		name := strings.TrimSpace(s[i+1 : i+j])
		if name == "" {
			return t, errors.New(`empty placeholder "{}"`)
		}
		t.parts = append(t.parts, tpart{field: name})
		s = s[i+j+1:]
	}
	return t, nil
}

func (t template) empty() bool { return len(t.parts) == 0 }

// fields returns the event fields the template refers to.
func (t template) fields() []string {
	var out []string
	for _, p := range t.parts {
		switch p.field {
		case "", "count", "window", "key", "rule":
		default:
			out = append(out, p.field)
		}
	}
	return out
}

// vars are the finding's own placeholders.
type vars struct {
	count  int
	window time.Duration
	key    string
	rule   string
	fields map[string]string // known field values when there is no event
}

// render fills the template: special names first, then fields of e (the
// event that completed the finding, may be nil), then vars.fields.
func (t template) render(v vars, e *event.Event) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.field == "" {
			b.WriteString(p.lit)
			continue
		}
		switch p.field {
		case "count":
			b.WriteString(strconv.Itoa(v.count))
		case "window":
			b.WriteString(fmtDuration(v.window))
		case "key":
			b.WriteString(v.key)
		case "rule":
			b.WriteString(v.rule)
		default:
			if e != nil {
				if s := e.Str(p.field); s != "" {
					b.WriteString(s)
					continue
				}
			}
			b.WriteString(v.fields[p.field])
		}
	}
	return b.String()
}

// fmtDuration writes durations the way people configure them: 60s, 10m, 24h.
func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0 && d > time.Minute:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0 && d < 10*time.Minute:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	s := d.String() // 1h30m0s -> 1h30m
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	return s
}

// message sets the finding's message from the rule's template or def.
func (f finding) message(b *ruleBase, def template, v vars, e *event.Event) {
	v.rule = b.name
	t := b.message
	if t.empty() {
		t = def
	}
	f.e.Message = t.render(v, e)
	f.e.SetStr(FieldFindingKey, v.key)
}

// mustTemplate parses a built-in default message.
func mustTemplate(s string) template {
	t, err := parseTemplate(s)
	if err != nil {
		panic(err)
	}
	return t
}
