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

// setEvidence sets what v says on e, except the count (the lists are
// new strings: e shares nothing with v).
func setEvidence(e *event.Event, v *evidence) {
	ids, lists := v.strings()
	setRelated(e, &lists)
	if hosts := lists[relHosts]; len(hosts) == 1 && !e.Has("host.name") {
		e.SetStr("host.name", hosts[0])
	}
	setFindingEvents(e, ids)
}

// setRelated sets the related.* lists that are not empty, in key order.
func setRelated(e *event.Event, lists *[numRelated][]string) {
	for _, c := range relatedInKeyOrder {
		if list := lists[c]; len(list) > 0 {
			e.Set(relatedKeys[c], event.Strings(list...))
		}
	}
}

// relatedInKeyOrder are the related.* lists by their keys' order: the JSON
// encoder sorts an event's fields, and fields set in order sort cheapest.
var relatedInKeyOrder = [numRelated]int{relHash, relHosts, relIP, relUser}

// setFindingEvents sets nomen.finding.events to ids (evidence.strings),
// if there are any.
func setFindingEvents(e *event.Event, ids []string) {
	if len(ids) > 0 {
		e.Set(FieldFindingEvents, event.Strings(ids...))
	}
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
