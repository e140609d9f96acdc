package correlate

// The rules' dispatch index: which rules an event may match, found by a
// few exact field lookups instead of every rule's conditions.

import (
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strings"
)

// index dispatches events to the rules that may match them without
// evaluating every condition: each where table is filed under one of its
// exact conditions (field = literal values), chosen so that few distinct
// fields are looked up per event; tables without one are always checked.
// Conditions live in one condTable shared by all rules, as do the keys
// rules read (group keys, fields: keyUser).
type index struct {
	conds   *condTable
	entries []entry
	by      []dispatch
	always  []int
}

// keyUser is a rule that reads fields of the events it applies to other
// than its conditions' (group keys, fields it copies): it takes their
// indices in the condition table and asks the engine's memo for them, so
// that each field is found once per event (memo).
type keyUser interface {
	useKeys(t *condTable)
}

// entry is one where table of a rule: its conditions (all must hold) and
// those of its where_not (not all may hold).
type entry struct {
	rule, role int
	where, not []int
}

// selector is a where table and an optional where_not table.
type selector struct {
	where, not map[string]any
}

type dispatch struct {
	key   int              // in conds.keys
	table map[string][]int // value -> entries (while the index is built)
	vals  valueIndex       // table, for lookup
	lens  uint64           // bit min(len(v), 63) set for each value v
}

// lookup returns the entries of value s. Most values of an event's field
// are none of the rules' (the other programs' actions, providers): those
// of a length no value has are told so inline, without the index.
func (d *dispatch) lookup(s string) []int {
	if d.lens&(1<<min(len(s), 63)) == 0 {
		return nil
	}
	return d.vals.lookup(s)
}

// valueIndex maps the values of a dispatch field to their entries. Every
// event asks it for the values of a few fields, so a value is found by a
// hash of its length and last 8 bytes into slots (open addressing), and
// told apart by them and its first 8 bytes, which is the whole value up to
// 16 bytes: a longer one only is compared whole. A map hashed the whole
// value and cost about three times as much; a search of a few values
// called memequal for each value of the same length.
type valueIndex struct {
	slots []valueSlot // a power of two (at least 4), at most a quarter used
	shift uint        // 64 - log2(len(slots))
}

type valueSlot struct {
	head, tail uint64 // valueWords of value
	value      string
	entries    []int // nil: an empty slot
}

// hashMul is an odd constant that mixes well (the golden ratio's).
const hashMul = 0x9e3779b97f4a7c15

func newValueIndex(table map[string][]int) valueIndex {
	n := 4
	for n < 4*len(table) {
		n *= 2
	}
	x := valueIndex{slots: make([]valueSlot, n), shift: uint(64 - bits.TrailingZeros(uint(n)))}
	for _, v := range slices.Sorted(maps.Keys(table)) {
		head, tail := valueWords(v)
		i := x.slot(len(v), tail)
		for x.slots[i].entries != nil {
			i = (i + 1) & (n - 1)
		}
		x.slots[i] = valueSlot{head, tail, v, table[v]}
	}
	return x
}

func (x *valueIndex) slot(n int, tail uint64) int {
	return int(((tail ^ uint64(n)) * hashMul) >> x.shift)
}

// lookup returns the entries of value s, nil if it has none.
func (x *valueIndex) lookup(s string) []int {
	// valueTail, inline (it is too long to be inlined)
	var tail uint64
	switch n := len(s); {
	case n >= 8:
		tail = word64(s, n-8)
	case n >= 4:
		tail = word32(s, 0) | word32(s, n-4)<<32
	case n > 0:
		tail = uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16
	}
	n := len(s)
	for i := x.slot(n, tail); ; i = (i + 1) & (len(x.slots) - 1) {
		v := &x.slots[i]
		if v.entries == nil {
			return nil
		}
		// Up to 8 bytes, the tail is the whole value; up to 16, with the
		// head.
		if v.tail == tail && len(v.value) == n && (n <= 8 || v.head == word64(s, 0) && (n <= 16 || v.value == s)) {
			return v.entries
		}
	}
}

// valueWords returns the first 8 bytes of s (little-endian; 0 for a
// shorter s) and valueTail.
func valueWords(s string) (head, tail uint64) {
	if len(s) >= 8 {
		head = word64(s, 0)
	}
	return head, valueTail(s)
}

// valueTail returns the last 8 bytes of s (little-endian), or for a
// shorter s bytes of it that, with its length, tell it apart from any
// other string as short: the first and last 4 bytes (overlapping) from 4
// bytes on, the first, middle and last byte below.
func valueTail(s string) uint64 {
	switch n := len(s); {
	case n >= 8:
		return word64(s, n-8)
	case n >= 4:
		return word32(s, 0) | word32(s, n-4)<<32
	case n > 0:
		return uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16
	}
	return 0
}

// word64 is s[i:i+8] little-endian: one load once the slicing is checked.
func word64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func word32(s string, i int) uint64 {
	s = s[i : i+4]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

// dispatchPreference ranks fields that discriminate well and that rules
// commonly test; others rank by how many tables share them.
var dispatchPreference = []string{"event.code", "event.action", "event.provider", "event.category", "event.dataset", "event.kind"}

func buildIndex(rules []rule) (index, error) {
	idx := index{conds: newCondTable()}
	idx.conds.useRelated() // first: within the memo's index, whatever the rules use
	type pending struct {
		entry int
		exact map[string][]string // candidate dispatch keys and their values
	}
	var ps []pending
	popularity := map[string]int{}
	for ri, r := range rules {
		for role, sel := range r.selectors() {
			where, err := idx.conds.compile(sel.where)
			if err != nil {
				return idx, fmt.Errorf("correlate: rule %s: %w", r.base().name, err)
			}
			not, err := idx.conds.compile(sel.not)
			if err != nil {
				return idx, fmt.Errorf("correlate: rule %s: where_not: %w", r.base().name, err)
			}
			idx.entries = append(idx.entries, entry{rule: ri, role: role, where: where, not: not})
			p := pending{entry: len(idx.entries) - 1, exact: map[string][]string{}}
			for k, v := range sel.where {
				if vals, ok := exactValues(v); ok {
					p.exact[k] = vals
					popularity[k]++
				}
			}
			ps = append(ps, p)
		}
	}
	rank := func(k string) int {
		if i := slices.Index(dispatchPreference, k); i >= 0 {
			return -1000 + i
		}
		return -popularity[k]
	}
	tables := map[string]int{}
	for _, p := range ps {
		best := ""
		for k := range p.exact {
			if best == "" || rank(k) < rank(best) || rank(k) == rank(best) && k < best {
				best = k
			}
		}
		if best == "" {
			idx.always = append(idx.always, p.entry)
			continue
		}
		// The entry is a candidate only when the event's value for best
		// is one of these values: its condition on best holds, and is not
		// evaluated again.
		ent := &idx.entries[p.entry]
		ent.where = slices.DeleteFunc(ent.where, func(c int) bool { return idx.conds.conds[c].key == idx.conds.keyIx[best] })
		ti, ok := tables[best]
		if !ok {
			ti = len(idx.by)
			tables[best] = ti
			idx.by = append(idx.by, dispatch{key: idx.conds.keyIx[best], table: map[string][]int{}})
		}
		for _, v := range p.exact[best] {
			// Each value's entries ascending, once each (a value listed
			// twice): eval merges lists only from different lookups.
			if es := idx.by[ti].table[v]; len(es) == 0 || es[len(es)-1] != p.entry {
				idx.by[ti].table[v] = append(es, p.entry)
			}
		}
	}
	for _, r := range rules {
		if u, ok := r.(keyUser); ok {
			u.useKeys(idx.conds)
		}
	}
	for i := range idx.by {
		d := &idx.by[i]
		d.vals = newValueIndex(d.table)
		for v := range d.table {
			d.lens |= 1 << min(len(v), 63)
		}
		d.table = nil
	}
	return idx, nil
}

// exactValues returns the literal values of a where condition, false if
// it has globs or is one of the special "!" / "*" conditions.
func exactValues(v any) ([]string, bool) {
	vals, err := scalars(v)
	if err != nil {
		return nil, false
	}
	for _, s := range vals {
		if s == "!" || strings.Contains(s, "*") {
			return nil, false
		}
	}
	return vals, true
}
