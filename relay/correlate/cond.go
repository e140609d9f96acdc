package correlate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
)

// condTable holds the conditions of every rule's where tables, each
// distinct condition once: "event.category = authentication" shared by
// six rules is evaluated once per event, and each field is looked up once
// per event however many conditions test it. Adding rules that test the
// same things therefore costs little (liblognorm's lesson, applied to
// correlation).
//
// The semantics are relay/filter's (the tests check them against it): a
// field's value, any item of a list, equals one of the values or matches
// one of their `*` globs; "!" alone means the field is absent, "*" alone
// that it is present.
type condTable struct {
	keys   []string
	derive []bool // keys[i] may have a derived value (event.Derivable)
	keyIx  map[string]int
	conds  []condition
	condIx map[string]int // canonical "key\x00v1\x00v2" -> index
}

type condition struct {
	key    int
	absent bool // "!"
	any    bool // "*"
	exact  []string
	set    map[string]struct{} // exact, when long
	globs  []filter.Glob
}

func newCondTable() *condTable {
	return &condTable{keyIx: map[string]int{}, condIx: map[string]int{}}
}

// compile adds the conditions of a where table and returns their indices
// (in field order, as relay/filter does).
func (t *condTable) compile(where map[string]any) ([]int, error) {
	keys := make([]string, 0, len(where))
	for k := range where {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]int, 0, len(keys))
	for _, k := range keys {
		if k == "" {
			return nil, fmt.Errorf("where: empty field name")
		}
		vals, err := scalars(where[k])
		if err != nil {
			return nil, fmt.Errorf("where %q: %w", k, err)
		}
		canon := k + "\x00" + strings.Join(vals, "\x00")
		if i, ok := t.condIx[canon]; ok {
			out = append(out, i)
			continue
		}
		ki, ok := t.keyIx[k]
		if !ok {
			ki = len(t.keys)
			t.keys = append(t.keys, k)
			t.derive = append(t.derive, event.Derivable(k))
			t.keyIx[k] = ki
		}
		c := condition{key: ki}
		switch {
		case len(vals) == 1 && vals[0] == "!":
			c.absent = true
		case len(vals) == 1 && vals[0] == "*":
			c.any = true
		default:
			for _, v := range vals {
				if strings.Contains(v, "*") {
					c.globs = append(c.globs, filter.NewGlob(v))
				} else {
					c.exact = append(c.exact, v)
				}
			}
		}
		if len(c.exact) > 8 {
			c.set = make(map[string]struct{}, len(c.exact))
			for _, v := range c.exact {
				c.set[v] = struct{}{}
			}
		}
		t.condIx[canon] = len(t.conds)
		out = append(out, len(t.conds))
		t.conds = append(t.conds, c)
	}
	return out, nil
}

// scalars renders a TOML value (scalar or list) as relay/filter does.
func scalars(v any) ([]string, error) {
	items, ok := v.([]any)
	if !ok {
		if ss, ok := v.([]string); ok {
			for _, s := range ss {
				items = append(items, s)
			}
		} else {
			items = []any{v}
		}
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("empty list")
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		switch x := it.(type) {
		case string:
			out = append(out, x)
		case int64:
			out = append(out, strconv.FormatInt(x, 10))
		case int:
			out = append(out, strconv.Itoa(x))
		case float64:
			out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
		case bool:
			out = append(out, strconv.FormatBool(x))
		default:
			return nil, fmt.Errorf("value %v (%T) is not a string, number or bool", it, it)
		}
	}
	return out, nil
}

// memo evaluates conditions for one event at a time, remembering field
// lookups and results until reset. A field's value is remembered by
// pointer (into the event's fields, or to der for a derived value): most
// events are asked for a few keys, and copying each value whole cost more
// than the lookups it saved.
type memo struct {
	t    *condTable
	e    *event.Event
	key  []uint8 // 0 unknown, 1 absent, 2 present
	val  []*event.Value
	der  []event.Value // derived values (event.Derived), by key
	cond []uint8       // 0 unknown, 1 false, 2 true
	num  []byte
}

func (t *condTable) newMemo() *memo {
	return &memo{t: t, key: make([]uint8, len(t.keys)), val: make([]*event.Value, len(t.keys)),
		der: make([]event.Value, len(t.keys)), cond: make([]uint8, len(t.conds))}
}

func (m *memo) reset(e *event.Event) {
	m.e = e
	clear(m.key)
	clear(m.cond)
}

// release drops the reference to the event. (val keeps pointers into its
// fields until overwritten: clearing them per event would cost more than
// the one event's fields they keep alive.)
func (m *memo) release() { m.e = nil }

// get returns the value of key k (as Event.Get: the last one set, else
// the derived one), nil if e has none.
func (m *memo) get(k int) *event.Value {
	switch m.key[k] {
	case 1:
		return nil
	case 2:
		return m.val[k]
	}
	if v := m.e.FieldRef(m.t.keys[k]); v != nil {
		m.key[k], m.val[k] = 2, v
		return v
	}
	return m.derived(k)
}

// derived looks key k up among e's derived fields, known to be absent
// from its fields.
func (m *memo) derived(k int) *event.Value {
	m.key[k] = 1
	if !m.t.derive[k] {
		return nil
	}
	v, ok := m.e.Derived(m.t.keys[k])
	if !ok {
		return nil
	}
	m.der[k] = v
	m.key[k], m.val[k] = 2, &m.der[k]
	return &m.der[k]
}

// keySet is keys (of the condition table) that every event is asked for,
// looked up together by prefetch.
type keySet struct {
	ids []int // in condTable.keys
	idx *event.KeyIndex
	at  []int32 // scratch for idx.Find
}

// maxKeySet: further keys are looked up one by one, when asked for.
const maxKeySet = event.MaxKeyIndex

func newKeySet(t *condTable, ids []int) keySet {
	ks := keySet{ids: ids[:min(len(ids), maxKeySet)]}
	names := make([]string, len(ks.ids))
	for j, k := range ks.ids {
		names[j] = t.keys[k]
	}
	ks.idx, ks.at = event.NewKeyIndex(names...), make([]int32, len(names))
	return ks
}

// prefetch looks the keys of ks up in one pass over the event's fields
// (the last value set wins, as in Event.Field) rather than one pass each.
func (m *memo) prefetch(ks *keySet) {
	ks.idx.Find(m.e, ks.at)
	for j, k := range ks.ids {
		if i := ks.at[j]; i >= 0 {
			m.key[k], m.val[k] = 2, &m.e.Fields[i].Val
			continue
		}
		m.derived(k)
	}
}

// all reports whether every condition in ids holds.
func (m *memo) all(ids []int) bool {
	for _, i := range ids {
		if !m.holds(i) {
			return false
		}
	}
	return true
}

func (m *memo) holds(i int) bool {
	switch m.cond[i] {
	case 1:
		return false
	case 2:
		return true
	}
	c := &m.t.conds[i]
	v := m.get(c.key)
	var r bool
	switch {
	case c.absent:
		r = v == nil
	case v == nil:
		r = false
	case c.any:
		r = true
	default:
		r = m.match(c, v)
	}
	m.cond[i] = 1
	if r {
		m.cond[i] = 2
	}
	return r
}

func (m *memo) match(c *condition, v *event.Value) bool {
	switch v.Type {
	case event.TypeString:
		return c.matchString(v.Str)
	case event.TypeStrings:
		return slices.ContainsFunc(v.List, c.matchString)
	case event.TypeInt:
		if len(c.globs) == 0 {
			m.num = strconv.AppendInt(m.num[:0], v.Num, 10)
			if c.set != nil {
				_, ok := c.set[string(m.num)]
				return ok
			}
			for _, x := range c.exact {
				if x == string(m.num) {
					return true
				}
			}
			return false
		}
	}
	return c.matchString(v.String())
}

func (c *condition) matchString(s string) bool {
	if c.set != nil {
		if _, ok := c.set[s]; ok {
			return true
		}
	} else if slices.Contains(c.exact, s) {
		return true
	}
	for _, g := range c.globs {
		if g.Match(s) {
			return true
		}
	}
	return false
}
