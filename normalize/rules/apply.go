package rules

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Apply runs the rules for program prog (a ProgramKey) on e; on a match it
// sets the rule's fields and nomen.rule and returns the rule's name.
func (rs *Set) Apply(prog string, e *event.Event) string {
	if rs == nil || len(rs.rules) == 0 {
		return ""
	}
	if g := rs.exact[prog]; g != nil {
		if r := g.apply(e); r != "" {
			return r
		}
	}
	if base := ecs.BaseProgram(prog); base != prog {
		if g := rs.exact[base]; g != nil {
			if r := g.apply(e); r != "" {
				return r
			}
		}
	}
	for _, pg := range rs.prefix {
		if strings.HasPrefix(prog, pg.prefix) {
			if r := pg.g.apply(e); r != "" {
				return r
			}
		}
	}
	if rs.any != nil {
		return rs.any.apply(e)
	}
	return ""
}

func (g *ruleGroup) apply(e *event.Event) string {
	m := e.Message
	var mt matcher
	if r := mt.match(&g.tree, m); r != nil {
		r.set(e, mt.caps[:mt.n])
		return r.name
	}
	for _, r := range g.regexes {
		if r.prefix != "" && !strings.HasPrefix(m, r.prefix) || !strings.Contains(m, r.need) {
			continue
		}
		idx := r.re.FindStringSubmatchIndex(m)
		if idx == nil {
			continue
		}
		names := r.re.SubexpNames()
		for i := 1; i < len(names) && mt.n < maxCaptures; i++ {
			if names[i] == "" || idx[2*i] < 0 {
				continue
			}
			mt.caps[mt.n] = capture{name: names[i], kind: capWord, val: m[idx[2*i]:idx[2*i+1]]}
			mt.n++
		}
		r.set(e, mt.caps[:mt.n])
		return r.name
	}
	return ""
}

// set applies the rule's constant fields and mapped captures to e.
func (r *userRule) set(e *event.Event, caps []capture) {
	ecs.Reserve(e, len(r.fields)+len(caps)+3)
	for _, f := range r.fields {
		switch {
		case f.Val.Type == event.TypeString && isUserNameField(f.Key):
			ecs.SetUser(e, f.Key, f.Val.Str)
		case f.Val.Type == event.TypeString && isIPField(f.Key) && f.Key != "related.ip":
			if !ecs.SetIP(e, f.Key, f.Val.Str) {
				e.Set(f.Key, f.Val)
			}
		default:
			e.Set(f.Key, f.Val)
		}
	}
	ecs.SetRule(e, r.name)
	for _, c := range caps {
		key, ok := r.mapping[c.name]
		if !ok || c.val == "" || c.val == "-" {
			continue
		}
		switch {
		case c.kind == capIP || isIPField(key):
			// An IP field holds an address or nothing (a string there
			// breaks an index's ip mapping): a name goes to the side's
			// .domain, anything else is left out.
			if !ecs.SetIP(e, key, c.val) && strings.HasSuffix(key, ".ip") {
				ecs.SetAddress(e, strings.TrimSuffix(key, ".ip"), c.val)
			}
		case c.kind == capUint || c.kind == capInt || isIntField(key):
			if n, ok := parseInt(c.val); ok {
				e.SetInt(key, n)
			} else {
				e.SetStr(key, c.val)
			}
		case c.kind == capFloat:
			if f, ok := parseFloat(c.val); ok {
				e.Set(key, event.Float(f))
			}
		case isUserNameField(key):
			ecs.SetUser(e, key, c.val)
		case c.kind == capHostname || strings.HasSuffix(key, ".domain"):
			ecs.SetHostname(e, key, c.val)
		default:
			e.SetStr(key, c.val)
		}
	}
}

// isIPField reports whether an ECS key holds an IP address.
func isIPField(key string) bool {
	return strings.HasSuffix(key, ".ip") || key == "related.ip"
}

// isIntField reports whether an ECS key holds an integer, so that a word or
// regex capture mapped to it is stored as a number.
func isIntField(key string) bool {
	for _, suf := range [...]string{".port", ".pid", ".bytes", ".status_code", ".args_count", "event.severity", "event.sequence"} {
		if strings.HasSuffix(key, suf) {
			return true
		}
	}
	return false
}

func isUserNameField(key string) bool {
	return key == "user.name" || strings.HasPrefix(key, "user.") && strings.HasSuffix(key, ".name") &&
		!strings.Contains(key, "group")
}

func parseInt(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	n, ok := ecs.ParseUint(s)
	if neg {
		n = -n
	}
	return n, ok
}

func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
