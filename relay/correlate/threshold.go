package correlate

import (
	"encoding/binary"
	"encoding/json"
	"math"
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
	// scratch: a window's slots, related.* values and extra bytes
	// while apply changes them
	slots, vals, extra []byte
}

// tstate is one group key's window. Rules keep them by the hundred
// thousand, so the value holds only what the tick reads and where the
// extra bytes' values end (12 bytes of alignment 4: its node in the map
// 20, not 40 with the suppression, the lease and the count in it and an
// int64's alignment), and the rest is the entry's extra bytes in the map
// (lru.Map.Extra), which every event writes anew, none while all of it
// is empty: a byte of flags (win*), the suppression's end and the lease
// (8 bytes each) if set, the count (related.Count since the window last
// emptied, a uvarint: one byte, where an int32 in the value took four)
// if not 0, then the related.* values (n of each list, in their stored form,
// keyref.go: a value equal to one of the group key's is a reference to
// it), then the slots (the counted events, in arrival order: slots), what follows
// the values (split). The value itself holds no pointer. Snapshots write it as
// tstateJSON.
type tstate struct {
	last [8]byte // receive time of the last event (expiry), little-endian: see above
	n    [numRelated]uint8
}

func (st *tstate) Last() int64     { return int64(binary.LittleEndian.Uint64(st.last[:])) }
func (st *tstate) setLast(t int64) { binary.LittleEndian.PutUint64(st.last[:], uint64(t)) }

// What a window's extra bytes hold before its values (their first byte).
const (
	winSuppress = 1 << iota // rule time until which the key is quiet
	winLease                // Options.Owner's lease it was kept under
	winCount                // related.Count since the window last emptied
)

// window is what a window's extra bytes hold.
type window struct {
	suppress int64
	lease    uint64
	count    int32
	vals     []byte // related.* values, stored (keyref.go)
	slots    []byte
}

// head reads the flags, suppression, lease and count of x, the extra
// bytes of a window (fixed 8 bytes each for the first two if set: a
// suppressed window is read at every event, and no further), and
// returns the rest.
func head(x []byte) (suppress int64, lease uint64, count int32, rest []byte) {
	if len(x) == 0 {
		return 0, 0, 0, nil
	}
	f := x[0]
	x = x[1:]
	if f&winSuppress != 0 {
		suppress, x = int64(binary.LittleEndian.Uint64(x)), x[8:]
	}
	if f&winLease != 0 {
		lease, x = binary.LittleEndian.Uint64(x), x[8:]
	}
	if f&winCount != 0 {
		c, w := binary.Uvarint(x)
		count, x = int32(min(c, math.MaxInt32)), x[w:]
	}
	return suppress, lease, count, x
}

// split reads x, the extra bytes of window st.
func (st *tstate) split(x []byte) window {
	var w window
	w.suppress, w.lease, w.count, x = head(x)
	w.vals, w.slots = st.splitRest(x)
	return w
}

// splitRest returns the related.* values (stored) and the slots of x,
// the extra bytes of window st after head.
func (st *tstate) splitRest(x []byte) (vals, slots []byte) {
	total := 0
	for _, n := range st.n {
		total += int(n)
	}
	pos := storedEnd(x, total)
	return x[:pos:pos], x[pos:]
}

// appendWindowExtra appends the extra bytes of a window of group key
// (split's reverse, vals as related.vals holds them; nothing if all is
// empty).
func appendWindowExtra(x []byte, suppress int64, lease uint64, count int32, vals, key, slots []byte) []byte {
	if suppress == 0 && lease == 0 && count == 0 && len(vals) == 0 && len(slots) == 0 {
		return x
	}
	var f byte
	if suppress != 0 {
		f |= winSuppress
	}
	if lease != 0 {
		f |= winLease
	}
	if count != 0 {
		f |= winCount
	}
	x = append(x, f)
	if suppress != 0 {
		x = binary.LittleEndian.AppendUint64(x, uint64(suppress))
	}
	if lease != 0 {
		x = binary.LittleEndian.AppendUint64(x, lease)
	}
	if count != 0 {
		x = binary.AppendUvarint(x, uint64(count))
	}
	return append(storeVals(x, vals, key), slots...)
}

// A window's slots are varints, ~4 bytes a slot where 16 fixed ones
// took 16 (a window of one event is most of a rule's keys): each slot's
// time as the difference (zigzag) from the time before it, the first's
// from the window's last receive time (tstate.last: 0 for a rule on
// receive time), then its journal ID (uvarint, 0: none).

// slots reads the slots x of a window whose last receive time is last.
type slots struct {
	x []byte
	t int64
}

// next returns the next slot, false at the end.
func (r *slots) next() (slot, bool) {
	if len(r.x) == 0 {
		return slot{}, false
	}
	d, w := binary.Varint(r.x)
	id, v := binary.Uvarint(r.x[w:])
	r.x = r.x[w+v:]
	r.t += d // wrapping, as appendSlot's difference
	return slot{T: r.t, ID: id}, true
}

// appendSlot appends slot s after a slot of time prev (the window's last
// receive time for the first).
func appendSlot(x []byte, prev int64, s slot) []byte {
	return binary.AppendUvarint(binary.AppendVarint(x, s.T-prev), s.ID)
}

// tstateJSON is how snapshots write a window, as when its slots and
// values were slices of its own.
type tstateJSON struct {
	Slots    []slot       `json:"slots,omitempty"` // counted events, in arrival order
	Ev       evidenceJSON `json:"ev"`              // related.* since the window last emptied
	Suppress int64        `json:"suppress,omitempty"`
	Last     int64        `json:"last"`
	Lease    uint64       `json:"lease,omitempty"`
}

// saved returns the window of st, of group key and whose extra bytes
// are x, as snapshots write it (sharing nothing with the map).
func (st *tstate) saved(key string, x []byte) tstateJSON {
	w := st.split(x)
	j := tstateJSON{Suppress: w.suppress, Last: st.Last(), Lease: w.lease}
	vals := loadVals(nil, w.vals, []byte(key))
	for r := (slots{w.slots, st.Last()}); ; {
		s, ok := r.next()
		if !ok {
			break
		}
		j.Slots = append(j.Slots, s)
	}
	j.Ev = evidence{related: related{vals: vals, n: st.n, Count: w.count}}.json()
	return j
}

// restored is saved's reverse: the window of group key and its extra
// bytes.
func (j tstateJSON) restored(key string) (tstate, []byte) {
	ev := j.Ev.evidence().related // a window's evidence has no IDs
	st := tstate{n: ev.n}
	st.setLast(j.Last)
	var x []byte
	prev := j.Last
	for _, s := range j.Slots {
		x, prev = appendSlot(x, prev, s), s.T
	}
	return st, appendWindowExtra(nil, j.Suppress, j.Lease, ev.Count, ev.vals, []byte(key), x)
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
	evicted := func(string, *tstate) { en.evicted(&r.b) }
	st, ok := r.keys.GetOrPutBytes(key, evicted) // one search: most keys are new
	var w window
	var rest []byte
	if ok {
		w.suppress, w.lease, w.count, rest = head(r.keys.Extra(st))
	}
	if ok && w.lease != lease {
		// Counted under an older lease: another instance counted since.
		// Start again, as a new key does.
		*st = tstate{}
		r.keys.SetExtra(st, nil, evicted)
	}
	if !ok || w.lease != lease {
		w, rest = window{lease: lease}, nil
		if lease != 0 {
			r.extra = appendWindowExtra(r.extra[:0], 0, lease, 0, nil, nil, nil)
			r.keys.SetExtra(st, r.extra, evicted)
		}
	}
	last := st.Last() // the old slots' reference
	st.setLast(e.Received.UnixNano())
	t := r.b.at(e).UnixNano()
	if t < w.suppress {
		return
	}
	// Slide: forget what left the window (arrival order need not be time
	// order when the rule uses event time).
	vals, old := st.splitRest(rest)
	cut := t - int64(r.window)
	kept := r.slots[:0]
	n, first, prev := 0, t, st.Last()
	for o := (slots{old, last}); ; {
		s, ok := o.next()
		if !ok {
			break
		}
		if s.T >= cut {
			if n == 0 {
				first = s.T
			}
			kept, prev, n = appendSlot(kept, prev, s), s.T, n+1
		}
	}
	ev := evidence{related: related{vals: loadVals(r.vals[:0], vals, key), n: st.n, Count: w.count}}
	if n == 0 {
		ev.related = related{vals: ev.vals[:0]}
	}
	kept, n = appendSlot(kept, prev, slot{T: t, ID: id}), n+1
	ev.related.add(en.memo, e) // the finding's event IDs are in the slots
	r.slots, r.vals = kept, ev.vals[:0]
	if n < r.count {
		st.n = ev.n
		r.extra = appendWindowExtra(r.extra[:0], w.suppress, w.lease, ev.Count, ev.vals, key, kept)
		r.keys.SetExtra(st, r.extra, evicted)
		return
	}
	f := newFinding(&r.b, Dataset, "threshold-exceeded", e.Time, e.Received)
	// Each event completes at most one window per rule: its identity
	// makes the id unique; the window's first event dates it.
	f.id(&r.b, string(key), first, findingid.Anchor(e, id))
	ev.Count = int32(n)
	for i, k := 0, (slots{kept, st.Last()}); i < n; i++ {
		if s, _ := k.next(); i >= n-maxIDs && s.ID != 0 {
			ev.IDs = append(ev.IDs, s.ID)
		}
	}
	f.evidence(&ev)
	copyFields(f.e, e, r.groupBy...)
	f.message(&r.b, defThresholdMessage, vars{count: int(ev.Count), window: r.window, key: displayKey(r.groupBy, string(key))}, e)
	en.emit(&r.b, f.e)
	st.n = [numRelated]uint8{}
	r.extra = appendWindowExtra(r.extra[:0], t+int64(r.suppress), w.lease, 0, nil, nil, nil)
	r.keys.SetExtra(st, r.extra, evicted)
}

// tick forgets keys idle for longer than window and suppress.
func (r *threshold) tick(_ *Engine, now time.Time) {
	idle := now.UnixNano() - int64(r.window) - int64(r.suppress)
	for {
		k, st, ok := r.keys.Oldest()
		if !ok || st.Last() >= idle {
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

func (r *threshold) save() any { return saveCopies(r.keys, appendWindow) }

func (r *threshold) load(raw json.RawMessage) error { return loadLRU(r.keys, raw, tstateJSON.restored) }

// saveLRU copies the entries, most recently used first, in their saved
// form: saved makes it of a value and its extra bytes (lru.Map.Extra),
// sharing nothing the rule changes in place (plain: the value as it is).
// The snapshot writes them one at a time (snapshot.List).
func saveLRU[V, S any](m *lru.Map[V], saved func(v *V, key string, extra []byte) S) snapshot.List[keyed[S]] {
	out := make(snapshot.List[keyed[S]], 0, m.Len())
	m.All(func(k string, v *V) bool {
		out = append(out, keyed[S]{k, saved(v, k, m.Extra(v))})
		return true
	})
	return out
}

// loadLRU restores what saveLRU wrote: restored makes a value and its
// extra bytes of a saved form and its key (asSaved: the value as saved,
// no extra bytes).
func loadLRU[V, S any](m *lru.Map[V], raw json.RawMessage, restored func(S, string) (V, []byte)) error {
	var list []keyed[S]
	if err := json.Unmarshal(raw, &list); err != nil {
		return err
	}
	for _, kv := range list {
		v, x := restored(kv.V, kv.K)
		if p := m.PutBack(kv.K, v); p != nil && len(x) > 0 {
			m.SetExtra(p, x, nil)
		}
	}
	return nil
}

// plain is the saved form of a value without extra bytes that shares
// nothing the rule changes in place: the value itself.
func plain[V any](v *V, _ string, _ []byte) V { return *v }

// asSaved is plain's reverse.
func asSaved[V any](v V, _ string) (V, []byte) { return v, nil }
