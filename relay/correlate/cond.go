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
	// rel and host: the keys of related.add (useRelated), -1 until set
	rel    [numRelated]int
	host   int
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
	return &condTable{keyIx: map[string]int{}, condIx: map[string]int{}, rel: [numRelated]int{-1, -1, -1, -1}, host: -1}
}

// useRelated adds the keys related.add reads (relatedKeys, host.name), so
// that it reads them from the memo's one pass over an event's fields
// rather than scanning them for every rule that applies to the event.
func (t *condTable) useRelated() {
	for c, k := range relatedKeys {
		t.rel[c] = t.keyID(k)
	}
	t.host = t.keyID("host.name")
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
		c := condition{key: t.keyID(k)}
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

// keyID returns the index of key k in keys, adding it if it is new.
func (t *condTable) keyID(k string) int {
	ki, ok := t.keyIx[k]
	if !ok {
		ki = len(t.keys)
		t.keys = append(t.keys, k)
		t.derive = append(t.derive, event.Derivable(k))
		t.keyIx[k] = ki
	}
	return ki
}

// keyIDs returns the indices of keys ks (keyID).
func (t *condTable) keyIDs(ks ...string) []int {
	ids := make([]int, len(ks))
	for i, k := range ks {
		ids[i] = t.keyID(k)
	}
	return ids
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
// lookups and results until reset. Every key of the table (the
// conditions', the rules' group keys and fields: keyID) is found in one
// pass over the event's fields (event.KeyIndex) when the memo is reset,
// so that each is found once per event, however many rules ask for it;
// the value of a key is then a pointer into the event's fields. Keys past
// the index's size, and derived values (event.Derived), are looked up
// when first asked for and remembered.
type memo struct {
	t      *condTable
	e      *event.Event
	fields []event.Field   // e.Fields when reset (rules add no fields to the events they read)
	idx    *event.KeyIndex // t.keys[:indexed]
	at     []int32         // per key: the index in fields of its last value (idx.Find); -1: none, or not indexed
	key    []uint8         // keys not answered by at: 0 unknown, 1 absent, 2 present
	val    []*event.Value  // their values when present
	der    []event.Value   // derived values (event.Derived), by key
	cond   []uint8         // 0 unknown, 1 false, 2 true
	num    []byte
	// repeated: a key of the index was set more than once in e (its last
	// field is in at, not the others); relIndexed: the index holds the
	// keys of related.add (t.useRelated)
	repeated, relIndexed bool
}

// newMemo returns a memo for the table as it is now (keys added later
// are not in its index).
func (t *condTable) newMemo() *memo { return t.newMemoIndexing(min(len(t.keys), event.MaxKeyIndex)) }

// newMemoIndexing returns a memo whose index holds the first n keys.
func (t *condTable) newMemoIndexing(n int) *memo {
	m := &memo{t: t, idx: event.NewKeyIndex(t.keys[:n]...), at: make([]int32, len(t.keys)),
		key: make([]uint8, len(t.keys)), val: make([]*event.Value, len(t.keys)),
		der: make([]event.Value, len(t.keys)), cond: make([]uint8, len(t.conds))}
	for k := n; k < len(m.at); k++ {
		m.at[k] = -1 // looked up when asked for (lookup)
	}
	m.relIndexed = t.host >= 0 && t.host < n
	for _, k := range t.rel {
		m.relIndexed = m.relIndexed && k >= 0 && k < n
	}
	return m
}

func (m *memo) reset(e *event.Event) {
	m.e, m.fields = e, e.Fields
	m.repeated = m.idx.Find(e, m.at[:m.idx.Len()])
	clear(m.key)
	clear(m.cond)
}

// answersRelated reports whether the memo holds e's related.* fields
// exactly (related.add): e is its event, unchanged, the keys are in its
// index and none was set twice (at has only the last of each key).
func (m *memo) answersRelated(e *event.Event) bool {
	return m.relIndexed && m.e == e && len(m.fields) == len(e.Fields) && !m.repeated
}

// release drops the reference to the last event, at the end of a batch
// (not after each event: the two pointer writes would each cost a write
// barrier call while the collector marks). val keeps pointers into its
// fields until overwritten: clearing them per event would cost more than
// the one event's fields they keep alive.
func (m *memo) release() { m.e, m.fields = nil, nil }

// get returns the value of key k (as Event.Get: the last one set, else
// the derived one), nil if e has none. Small enough to be inlined.
func (m *memo) get(k int) *event.Value {
	if i := m.at[k]; i >= 0 {
		return &m.fields[i].Val
	}
	return m.lookup(k)
}

// field returns the value of key k among e's fields only (Event.Field:
// never a derived value), nil if e has none.
func (m *memo) field(k int) *event.Value {
	if i := m.at[k]; i >= 0 {
		return &m.fields[i].Val
	}
	if k < m.idx.Len() {
		return nil
	}
	return m.e.FieldRef(m.t.keys[k])
}

// lookup is get for a key that is not among e's indexed fields: one past
// the index, or one absent from e's fields that may have a derived value
// (both looked up once per event).
func (m *memo) lookup(k int) *event.Value {
	indexed := k < m.idx.Len()
	if indexed && !m.t.derive[k] {
		return nil
	}
	switch m.key[k] {
	case 1:
		return nil
	case 2:
		return m.val[k]
	}
	m.key[k] = 1
	if !indexed {
		if v := m.e.FieldRef(m.t.keys[k]); v != nil {
			m.key[k], m.val[k] = 2, v
			return v
		}
	}
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
