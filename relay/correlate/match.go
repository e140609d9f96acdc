package correlate

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/nomenhq/nomen/relay/stage/findingid"
)

// match raises a finding for every event that matches its filter and
// whose not_in field is not allowed. It keeps no state.
type match struct {
	b     ruleBase
	sel   selector
	notIn *allowList
}

type allowList struct {
	field string
	key   int           // field's (useKeys)
	globs []filter.Glob // case-sensitive
	fold  []foldGlob    // otherwise
}

var defMatchMessage = mustTemplate("{rule}: {message}")

func newMatch(b ruleBase, def *MatchRule) *match {
	r := &match{b: b, sel: selector{def.Where, def.WhereNot}}
	if n := def.NotIn; n != nil {
		a := &allowList{field: n.Field}
		for _, v := range n.Values {
			if n.CaseSensitive {
				a.globs = append(a.globs, filter.NewGlob(v))
			} else {
				a.fold = append(a.fold, newFoldGlob(v))
			}
		}
		r.notIn = a
	}
	return r
}

// allows reports whether the field of the memo's event is in the
// allow-list.
func (a *allowList) allows(m *memo) bool {
	v := m.get(a.key)
	if v == nil {
		return false
	}
	return v.Each(a.allowsString)
}

func (a *allowList) allowsString(s string) bool {
	for _, g := range a.globs {
		if g.Match(s) {
			return true
		}
	}
	for _, g := range a.fold {
		if g.match(s) {
			return true
		}
	}
	return false
}

// foldGlob is a `*` glob that ignores ASCII case (no allocation per match).
type foldGlob struct {
	parts []string // literal pieces between '*'
}

func newFoldGlob(p string) foldGlob { return foldGlob{parts: strings.Split(p, "*")} }

func (g foldGlob) match(s string) bool {
	parts := g.parts
	if len(parts) == 1 {
		return equalFoldASCII(s, parts[0])
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first) || !equalFoldASCII(s[:len(first)], first) {
		return false
	}
	s = s[len(first):]
	for _, p := range parts[1 : len(parts)-1] {
		i := indexFoldASCII(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && equalFoldASCII(s[len(s)-len(last):], last)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func indexFoldASCII(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if equalFoldASCII(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func (r *match) base() *ruleBase       { return &r.b }
func (r *match) selectors() []selector { return []selector{r.sel} }

func (r *match) useKeys(t *condTable) {
	if r.notIn != nil {
		r.notIn.key = t.keyID(r.notIn.field)
	}
}

func (r *match) apply(en *Engine, e *event.Event, id uint64, _ int) {
	if r.notIn != nil && r.notIn.allows(en.memo) {
		return
	}
	if en.owner != nil { // one instance reports each event
		if _, mine := en.lease(r.b.name, []byte(findingid.Anchor(e, id))); !mine {
			return
		}
	}
	f := newFinding(&r.b, Dataset, "rule-match", e.Time, e.Received)
	f.id(&r.b, "", r.b.at(e).UnixNano(), findingid.Anchor(e, id))
	var ev evidence
	ev.add(en.memo, e, id) // a finding made now
	f.evidence(&ev)
	f.message(&r.b, defMatchMessage, vars{count: 1}, e)
	copyFields(f.e, e, "user.name", "user.domain", "source.ip", "process.executable", "process.command_line", "event.code")
	en.emit(&r.b, f.e)
}

// copyFields copies the given fields of src onto a finding, so that a
// single-event finding can be read without looking the event up.
func copyFields(dst, src *event.Event, keys ...string) {
	for _, k := range keys {
		if v, ok := src.Field(k); ok {
			if v.Type == event.TypeString || v.Type == event.TypeInt {
				v.Str = strings.Clone(v.Str)
				dst.Set(k, v)
			}
		}
	}
}

func (r *match) tick(*Engine, time.Time)    {}
func (r *match) retire(*event.Event)        {}
func (r *match) size() int                  { return 0 }
func (r *match) save() any                  { return nil }
func (r *match) load(json.RawMessage) error { return nil }
