package correlate

// The rules' dispatch index: which rules an event may match, found by a
// few exact field lookups instead of every rule's conditions.

import (
	"fmt"
	"maps"
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
	table map[string][]int // value -> entries
	few   []dispatchValue  // table's values, when there are few
}

type dispatchValue struct {
	value   string
	entries []int
}

// maxFew: tables of up to this many values are searched one by one, which
// costs less than hashing the event's value.
const maxFew = 8

func (d *dispatch) lookup(s string) []int {
	if d.few == nil {
		return d.table[s]
	}
	for i := range d.few {
		if v := &d.few[i]; v.value == s {
			return v.entries
		}
	}
	return nil
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
		if len(d.table) <= maxFew {
			for _, v := range slices.Sorted(maps.Keys(d.table)) {
				d.few = append(d.few, dispatchValue{v, d.table[v]})
			}
		}
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
