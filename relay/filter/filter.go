// Package filter implements the `where` / `where_not` event filters shared by
// outputs, correlation rules and the live subscription API.
//
// A filter is a conjunction of conditions, one per field: the field's value
// (any item, for list fields such as event.category) must equal one of the
// condition's values. A value may contain `*` globs. `"!"` alone matches an
// absent field; `"*"` alone matches any present field.
package filter

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// Filter is a compiled conjunction of conditions. The zero Filter matches everything.
type Filter struct {
	conds []cond
}

type cond struct {
	key     string
	absent  bool // "!": the field must be missing
	any     bool // "*": the field must be present
	exact   map[string]struct{}
	globs   []glob
	literal []string // the values as written, for String
}

// Compile builds a filter from a decoded TOML table: field -> string, number,
// bool or a list of them.
func Compile(where map[string]any) (Filter, error) {
	keys := make([]string, 0, len(where))
	for k := range where {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic order: cheap fields are not known, keep it stable
	var f Filter
	for _, k := range keys {
		vals, err := scalars(where[k])
		if err != nil {
			return Filter{}, fmt.Errorf("where %q: %w", k, err)
		}
		c, err := newCond(k, vals)
		if err != nil {
			return Filter{}, err
		}
		f.conds = append(f.conds, c)
	}
	return f, nil
}

// Parse builds a filter from "field=value[,value...]" terms (the query form of
// the live API: ?where=event.category=authentication&where=source.ip=10.*).
func Parse(terms []string) (Filter, error) {
	m := map[string]any{}
	for _, t := range terms {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			return Filter{}, fmt.Errorf("where %q: want field=value", t)
		}
		var list []any
		for _, s := range strings.Split(v, ",") {
			list = append(list, s)
		}
		if prev, dup := m[k]; dup {
			return Filter{}, fmt.Errorf("where %q: field given twice (%v)", k, prev)
		}
		m[k] = list
	}
	return Compile(m)
}

func scalars(v any) ([]string, error) {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, it := range x {
			s, err := scalar(it)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("empty list")
		}
		return out, nil
	case []string:
		if len(x) == 0 {
			return nil, fmt.Errorf("empty list")
		}
		return x, nil
	}
	s, err := scalar(v)
	return []string{s}, err
}

func scalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("value %v (%T) is not a string, number or bool", v, v)
}

func newCond(key string, vals []string) (cond, error) {
	if key == "" {
		return cond{}, fmt.Errorf("where: empty field name")
	}
	c := cond{key: key, literal: vals}
	if len(vals) == 1 && vals[0] == "!" {
		c.absent = true
		return c, nil
	}
	if len(vals) == 1 && vals[0] == "*" {
		c.any = true
		return c, nil
	}
	for _, v := range vals {
		if strings.Contains(v, "*") {
			c.globs = append(c.globs, newGlob(v))
			continue
		}
		if c.exact == nil {
			c.exact = make(map[string]struct{}, len(vals))
		}
		c.exact[v] = struct{}{}
	}
	return c, nil
}

// Empty reports whether the filter has no conditions (matches everything).
func (f Filter) Empty() bool { return len(f.conds) == 0 }

// Match reports whether e satisfies every condition.
func (f Filter) Match(e *event.Event) bool {
	for i := range f.conds {
		if !f.conds[i].match(e) {
			return false
		}
	}
	return true
}

func (c *cond) match(e *event.Event) bool {
	v, ok := e.Get(c.key)
	if c.absent {
		return !ok
	}
	if !ok {
		return false
	}
	if c.any {
		return true
	}
	return v.Each(c.matchString)
}

func (c *cond) matchString(s string) bool {
	if _, ok := c.exact[s]; ok {
		return true
	}
	for _, g := range c.globs {
		if g.match(s) {
			return true
		}
	}
	return false
}

// String renders the filter in the query form, for logs.
func (f Filter) String() string {
	parts := make([]string, len(f.conds))
	for i, c := range f.conds {
		parts[i] = c.key + "=" + strings.Join(c.literal, ",")
	}
	return strings.Join(parts, " & ")
}

// Glob is a `*` wildcard pattern (no other metacharacters), exported for
// rules that match single values such as correlation allow-lists.
type Glob = glob

// NewGlob compiles pattern.
func NewGlob(pattern string) Glob { return newGlob(pattern) }

// Match reports whether s matches the glob.
func (g glob) Match(s string) bool { return g.match(s) }

type glob struct {
	parts []string // literal pieces between '*'
}

func newGlob(p string) glob { return glob{parts: strings.Split(p, "*")} }

func (g glob) match(s string) bool {
	parts := g.parts
	if len(parts) == 1 {
		return s == parts[0]
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

// Mismatches describes each condition e does not satisfy, with the value
// e has: "source.ip: got \"10.0.0.5\", want 10.0.0.6". Embedded tests
// (`nomen check`) report them; nil when f matches e.
func (f Filter) Mismatches(e *event.Event) []string {
	var out []string
	for i := range f.conds {
		c := &f.conds[i]
		if c.match(e) {
			continue
		}
		v, ok := e.Get(c.key)
		switch {
		case c.absent:
			out = append(out, fmt.Sprintf("%s: got %s, want it absent", c.key, quoteValue(v)))
		case !ok:
			out = append(out, fmt.Sprintf("%s: missing, want %s", c.key, strings.Join(c.literal, " or ")))
		default:
			out = append(out, fmt.Sprintf("%s: got %s, want %s", c.key, quoteValue(v), strings.Join(c.literal, " or ")))
		}
	}
	return out
}

func quoteValue(v event.Value) string {
	if v.Type == event.TypeString {
		return strconv.Quote(v.Str)
	}
	return v.String()
}
