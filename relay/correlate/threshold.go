package correlate

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/findingid"
	"github.com/nomenhq/nomen/relay/stage/lru"
	"github.com/nomenhq/nomen/relay/stage/snapshot"
)

// threshold counts matching events per group key in a sliding window and
// raises a finding when count are within window; the key is then quiet
// for suppress. Events without every group_by field belong to no group and
// are not counted.
type threshold struct {
	b        ruleBase
	sel      selector
	groupBy  []string
	groupIDs []int // groupBy's keys (useKeys)
	count    int
	window   time.Duration
	suppress time.Duration
	keys     *lru.Map[tstate]
}

// tstate is one group key's window.
type tstate struct {
	Slots    []slot  `json:"slots,omitempty"` // counted events, in arrival order
	Ev       related `json:"ev"`              // related.* since the window last emptied
	Suppress int64   `json:"suppress,omitempty"`
	Last     int64   `json:"last"`            // receive time of the last event (expiry)
	Lease    uint64  `json:"lease,omitempty"` // Options.Owner's lease it was kept under
}

type slot struct {
	T  int64  `json:"t"`
	ID uint64 `json:"id,omitempty"`
}

var defThresholdMessage = mustTemplate("{count} events of {rule} within {window} ({key})")

func newThreshold(b ruleBase, def *ThresholdRule) *threshold {
	r := &threshold{b: b, sel: selector{def.Where, def.WhereNot}, groupBy: def.GroupBy, count: def.Count, window: def.Window.D(),
		suppress: def.Window.D(), keys: lru.New[tstate](b.maxKeys)}
	if def.Suppress != nil {
		r.suppress = def.Suppress.D()
	}
	return r
}

func (r *threshold) base() *ruleBase       { return &r.b }
func (r *threshold) selectors() []selector { return []selector{r.sel} }
func (r *threshold) size() int             { return r.keys.Len() }
func (r *threshold) useKeys(t *condTable)  { r.groupIDs = t.keyIDs(r.groupBy...) }

func (r *threshold) apply(en *Engine, e *event.Event, id uint64, _ int) {
	key, ok := en.memo.appendKey(en.key[:0], r.groupIDs)
	en.key = key
	if !ok {
		return
	}
	lease, mine := en.lease(r.b.name, key)
	if !mine {
		return // another instance's key
	}
	st, ok := r.keys.GetBytes(key)
	if !ok {
		st = r.keys.PutBytes(key, tstate{Lease: lease}, func(string, *tstate) { en.evicted(&r.b) })
	} else if st.Lease != lease {
		*st = tstate{Lease: lease} // counted under an older lease: another instance counted since
	}
	st.Last = e.Received.UnixNano()
	t := r.b.at(e).UnixNano()
	if t < st.Suppress {
		return
	}
	// Slide: forget what left the window (arrival order need not be time
	// order when the rule uses event time).
	cut := t - int64(r.window)
	kept := st.Slots[:0]
	for _, s := range st.Slots {
		if s.T >= cut {
			kept = append(kept, s)
		}
	}
	st.Slots = kept
	if len(st.Slots) == 0 {
		st.Ev = related{}
	}
	st.Slots = append(st.Slots, slot{T: t, ID: id})
	st.Ev.add(e) // the finding's event IDs are in the slots
	if len(st.Slots) < r.count {
		return
	}
	f := newFinding(&r.b, Dataset, "threshold-exceeded", e.Time, e.Received)
	// Each event completes at most one window per rule: its identity
	// makes the id unique; the window's first event dates it.
	f.id(&r.b, string(key), st.Slots[0].T, findingid.Anchor(e, id))
	ev := evidence{related: st.Ev}
	ev.Count = int32(len(st.Slots))
	for _, s := range st.Slots[max(0, len(st.Slots)-maxIDs):] {
		if s.ID != 0 {
			ev.IDs = append(ev.IDs, s.ID)
		}
	}
	f.evidence(&ev)
	copyFields(f.e, e, r.groupBy...)
	f.message(&r.b, defThresholdMessage, vars{count: int(ev.Count), window: r.window, key: displayKey(r.groupBy, string(key))}, e)
	en.emit(&r.b, f.e)
	st.Slots = st.Slots[:0]
	st.Ev = related{}
	st.Suppress = t + int64(r.suppress)
}

// tick forgets keys idle for longer than window and suppress.
func (r *threshold) tick(_ *Engine, now time.Time) {
	idle := now.UnixNano() - int64(r.window) - int64(r.suppress)
	for {
		k, st, ok := r.keys.Oldest()
		if !ok || st.Last >= idle {
			return
		}
		r.keys.Delete(k)
	}
}

func (r *threshold) retire(*event.Event) {}

type keyed[V any] struct {
	K string `json:"k"`
	V V      `json:"v"`
}

// save copies the windows; Slots is rewritten in place, so it is cloned.
// (Evidence lists are only appended to or replaced: sharing them is safe.)
func (r *threshold) save() any {
	return saveLRU(r.keys, func(s tstate) tstate { s.Slots = slices.Clone(s.Slots); return s })
}

func (r *threshold) load(raw json.RawMessage) error { return loadLRU(r.keys, raw) }

// saveLRU copies the entries, most recently used first; clone (if not
// nil) deep-copies what a value shares with the live one. The snapshot
// writes them one at a time (snapshot.List).
func saveLRU[V any](m *lru.Map[V], clone func(V) V) snapshot.List[keyed[V]] {
	out := make(snapshot.List[keyed[V]], 0, m.Len())
	m.All(func(k string, v *V) bool {
		c := *v
		if clone != nil {
			c = clone(c)
		}
		out = append(out, keyed[V]{k, c})
		return true
	})
	return out
}

func loadLRU[V any](m *lru.Map[V], raw json.RawMessage) error {
	var list []keyed[V]
	if err := json.Unmarshal(raw, &list); err != nil {
		return err
	}
	for _, kv := range list {
		m.PutBack(kv.K, kv.V)
	}
	return nil
}
