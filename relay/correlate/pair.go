package correlate

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/findingid"
	"github.com/nomenhq/nomen/relay/stage/lru"
)

// pair waits, per group key, for a second event after a first one. With on
// = "both" it raises a finding when the second comes within window; with
// "missing" when the window closes without it. While a first event waits,
// further first events of the same key are ignored (the window runs from
// the earliest). Whether a window closed unanswered is decided by nomen's
// clock, window after the first event was received.
type pair struct {
	b       ruleBase
	first   map[string]any
	second  map[string]any
	groupBy []string
	groupID []int // groupBy's keys (useKeys)
	window  time.Duration
	missing bool
	keys    *lru.Map[pstate]
	// capture: fields of the first event the message refers to, kept
	// for the finding raised when the window closes (no event then).
	capture []string
	extra   []byte // scratch: a waiting pair's extra bytes (pstate)
	vals    []byte // scratch: its related.* values as related.vals holds them
}

// pstate is a first event waiting for its second. Rules keep them by
// the hundred thousand: the first event's evidence is its related.* and
// its journal ID, not an evidence with a list of IDs, and its identity
// (findingid.Anchor, of which the finding's id is made whether the
// second comes or not) is kept only when it came from a stream, and made
// of the journal ID otherwise (first). What has a length is not in a
// string or slice of its own but in the entry's extra bytes in the map
// (lru.Map.Extra): its deadline's difference from at + the window (a
// varint: the first event's receive time less its rule time, 0 for a
// rule on receive time, the default: one byte, where the deadline in
// the value made it 24 bytes and its node 32, not 12 and 20), the first
// event's journal ID (a uvarint: 0, not known), the lease (a uvarint; 0
// without an Owner), its related.Count (a uvarint: one byte, not an
// int32's four in the value), which in the value would make it larger
// still (its time is bytes, not an int64, so that its alignment is 4 and
// the node is not padded), then each a uvarint length and bytes: the stream
// anchor (empty: none), the captured fields in capture's order (empty:
// the event had none), then the related.* values (in their stored form,
// keyref.go: a value equal to one of the group key's is a reference to
// it).
// Snapshots write them as pstateJSON.
type pstate struct {
	at [8]byte // rule time of the first event, little-endian
	n  [numRelated]uint8
}

func newPstate(at int64, n [numRelated]uint8) pstate {
	s := pstate{n: n}
	binary.LittleEndian.PutUint64(s.at[:], uint64(at))
	return s
}

func (s *pstate) At() int64 { return int64(binary.LittleEndian.Uint64(s.at[:])) }

// deadline returns the end of waiting pair s's window (its first event's
// receive time + the window), whose extra bytes are x.
func (r *pair) deadline(s *pstate, x []byte) int64 {
	late, _ := binary.Varint(x)
	return s.At() + int64(r.window) + late // wrapping, as appendLate's difference
}

// appendLate appends the head of a waiting pair's extra bytes: its
// deadline's difference from at + the window.
func (r *pair) appendLate(x []byte, at, deadline int64) []byte {
	return binary.AppendVarint(x, deadline-at-int64(r.window))
}

// pfirst is what a waiting pair's extra bytes hold.
type pfirst struct {
	id     uint64 // the first event's journal ID (0: not known)
	lease  uint64 // Options.Owner's lease it was kept under
	count  int32  // its related.Count
	stream []byte // the first event's findingid.StreamAnchor, if any
	fields []byte // captured for the message (nextValue reads them)
	vals   []byte // its related.* values, stored (keyref.go)
}

// firstOf reads extra bytes x of a pair capturing nfields fields.
func firstOf(x []byte, nfields int) pfirst {
	var p pfirst
	_, w := binary.Varint(x) // the deadline's difference (pair.deadline)
	x = x[w:]
	id, w := binary.Uvarint(x)
	p.id, x = id, x[w:]
	lease, w := binary.Uvarint(x)
	p.lease, x = lease, x[w:]
	count, w := binary.Uvarint(x)
	p.count, x = int32(min(count, math.MaxInt32)), x[w:]
	p.stream, x = nextValue(x)
	rest := x
	for range nfields {
		_, rest = nextValue(rest)
	}
	p.fields, p.vals = x[:len(x)-len(rest)], rest
	return p
}

// leaseOf returns the lease of a waiting pair whose extra bytes are x.
func leaseOf(x []byte) uint64 {
	_, w := binary.Varint(x)
	_, v := binary.Uvarint(x[w:])
	lease, _ := binary.Uvarint(x[w+v:])
	return lease
}

// nextValue returns the first of x's values (a uvarint length and bytes) and
// the rest.
func nextValue(x []byte) ([]byte, []byte) {
	l, w := binary.Uvarint(x)
	return x[w : w+int(l)], x[w+int(l):]
}

func appendValue(x []byte, s string) []byte {
	return append(binary.AppendUvarint(x, uint64(len(s))), s...)
}

// first returns the first event's identity (findingid.Anchor).
func (s *pstate) first(p pfirst) string {
	if len(p.stream) > 0 {
		return string(p.stream)
	}
	return findingid.JournalAnchor(p.id)
}

// evidence returns the first event's evidence, of a pair of group key
// (new IDs and values: the second's may be added to them).
func (s *pstate) evidence(p pfirst, key []byte) evidence {
	ev := evidence{related: related{vals: loadVals(nil, p.vals, key), n: s.n, Count: p.count}}
	if p.id != 0 {
		ev.IDs = make([]uint64, 1, 2)
		ev.IDs[0] = p.id
	}
	return ev
}

// saved returns a waiting pair as snapshots write it.
func (r *pair) saved(s *pstate, key string, x []byte) pstateJSON {
	p := firstOf(x, len(r.capture))
	j := pstateJSON{At: s.At(), Deadline: r.deadline(s, x), Ev: s.evidence(p, []byte(key)).json(), First: s.first(p), Lease: p.lease}
	fields := p.fields
	for _, name := range r.capture {
		var v []byte
		if v, fields = nextValue(fields); len(v) > 0 {
			if j.Fields == nil {
				j.Fields = make(map[string]string, len(r.capture))
			}
			j.Fields[name] = string(v)
		}
	}
	return j
}

// restored is saved's reverse for a pair of group key (a waiting pair
// has at most its first event's ID; fields the rule does not capture are
// not kept).
func (r *pair) restored(j pstateJSON, key string) (pstate, []byte) {
	ev := j.Ev.evidence()
	s := newPstate(j.At, ev.n)
	var id uint64
	if len(ev.IDs) > 0 {
		id = ev.IDs[0]
	}
	x := binary.AppendUvarint(binary.AppendUvarint(r.appendLate(nil, j.At, j.Deadline), id), j.Lease)
	x = binary.AppendUvarint(x, uint64(ev.Count))
	if j.First != findingid.JournalAnchor(id) {
		x = appendValue(x, j.First)
	} else {
		x = appendValue(x, "")
	}
	for _, name := range r.capture {
		x = appendValue(x, j.Fields[name])
	}
	return s, storeVals(x, ev.vals, []byte(key))
}

// Roles: selectors() lists the second filter first, so that an event matching
// both closes a waiting pair before it opens a new one.
const (
	roleSecond = 0
	roleFirst  = 1
)

var (
	defPairMessage    = mustTemplate("{rule}: second event within {window} of the first ({key})")
	defMissingMessage = mustTemplate("{rule}: no second event within {window} of the first ({key})")
)

func newPair(b ruleBase, def *PairRule) *pair {
	r := &pair{b: b, first: def.First, second: def.Second, groupBy: def.GroupBy, window: def.Window.D(),
		missing: def.On == "missing", keys: lru.New[pstate](b.maxKeys)}
	for _, f := range b.message.fields() {
		if !slices.Contains(def.GroupBy, f) {
			r.capture = append(r.capture, f)
		}
	}
	return r
}

func (r *pair) base() *ruleBase { return &r.b }
func (r *pair) selectors() []selector {
	return []selector{{where: r.second}, {where: r.first}}
}
func (r *pair) size() int { return r.keys.Len() }

func (r *pair) useKeys(t *condTable) { r.groupID = t.keyIDs(r.groupBy...) }

func (r *pair) apply(en *Engine, e *event.Event, id uint64, role int) {
	key, ok := en.memo.appendKey(en.key[:0], r.groupID)
	en.key = key
	if !ok {
		return
	}
	lease, mine := en.lease(r.b.name, key)
	if !mine {
		return // another instance's key
	}
	t := r.b.at(e).UnixNano()
	if role == roleFirst {
		r.keepFirst(en, e, id, key, lease, t)
		return
	}
	st, waiting := r.keys.PeekBytes(key)
	if !waiting || leaseOf(r.keys.Extra(st)) != lease {
		if waiting {
			r.keys.DeleteValue(st) // kept under an older lease: stale
		}
		return
	}
	p := firstOf(r.keys.Extra(st), len(r.capture))
	inTime := t-st.At() <= int64(r.window)
	switch {
	case r.missing && !inTime:
		// Too late: the first event went unanswered for its whole window.
		r.raiseMissing(en, string(key), st, p, e.Received)
	case !r.missing && inTime:
		k := string(key) // a finding's: the key as text only then
		ev := st.evidence(p, key)
		ev.add(en.memo, e, id) // a finding made now; the state goes
		f := newFinding(&r.b, Dataset, "pair-completed", e.Time, e.Received)
		f.id(&r.b, k, st.At(), st.first(p))
		f.evidence(&ev)
		copyFields(f.e, e, r.groupBy...)
		f.message(&r.b, defPairMessage, vars{count: int(ev.Count), window: r.window, key: displayKey(r.groupBy, k)}, e)
		en.emit(&r.b, f.e)
	}
	r.keys.DeleteValue(st) // (raiseMissing and emit change no state)
}

// keepFirst keeps e, a first event at rule time t, under key, unless one
// waits there already (under this lease). One search of the index either
// way: a first event's key is mostly new.
func (r *pair) keepFirst(en *Engine, e *event.Event, id uint64, key []byte, lease uint64, t int64) {
	evicted := func(string, *pstate) { en.evicted(&r.b) }
	st, waiting := r.keys.PeekOrPutBytes(key, evicted)
	if waiting {
		if leaseOf(r.keys.Extra(st)) == lease {
			return
		}
		r.keys.MarkUsed(st) // stale: kept under an older lease; begins again
	}
	rel := related{vals: r.vals[:0]}
	rel.add(en.memo, e)
	x := r.appendLate(r.extra[:0], t, e.Received.Add(r.window).UnixNano())
	x = binary.AppendUvarint(binary.AppendUvarint(x, id), lease)
	x = binary.AppendUvarint(x, uint64(rel.Count))
	s, _ := findingid.StreamAnchor(e)
	x = appendValue(x, s)
	for _, f := range r.capture {
		x = appendValue(x, e.Str(f))
	}
	x = storeVals(x, rel.vals, key)
	r.vals = rel.vals[:0]
	*st = newPstate(t, rel.n)
	r.keys.SetExtra(st, x, evicted)
	r.extra = x[:0]
}

func (r *pair) raiseMissing(en *Engine, key string, st *pstate, p pfirst, now time.Time) {
	f := newFinding(&r.b, Dataset, "pair-missing", now, now)
	f.id(&r.b, key, st.At(), st.first(p))
	ev := st.evidence(p, []byte(key))
	f.evidence(&ev)
	fields := keyFields(r.groupBy, key)
	for _, name := range r.capture {
		var v []byte
		if v, p.fields = nextValue(p.fields); len(v) > 0 {
			s := string(v)
			fields[name] = s
			f.e.SetStr(name, s)
		}
	}
	for _, g := range r.groupBy {
		f.e.SetStr(g, fields[g])
	}
	f.message(&r.b, defMissingMessage, vars{count: int(p.count), window: r.window, key: displayKey(r.groupBy, key), fields: fields}, nil)
	en.emit(&r.b, f.e)
}

// tick closes the windows that ended: with on = "missing" each is a finding.
func (r *pair) tick(en *Engine, now time.Time) {
	n := now.UnixNano()
	for {
		k, st, ok := r.keys.Oldest()
		if !ok || r.deadline(st, r.keys.Extra(st)) > n {
			return
		}
		if p := firstOf(r.keys.Extra(st), len(r.capture)); r.missing && en.ours(r.b.name, k, p.lease) {
			r.raiseMissing(en, k, st, p, now)
		}
		r.keys.Delete(k)
	}
}

// retire forgets the first event a journaled "pair-missing" finding reported.
func (r *pair) retire(f *event.Event) {
	if f.Str("event.action") != "pair-missing" {
		return
	}
	if key, ok := appendKey(nil, f, r.groupBy); ok {
		r.keys.DeleteBytes(key)
	}
}

// save copies the waiting pairs (nothing in them changes in place).
func (r *pair) save() any                      { return saveCopies(r.keys, r.appendWaiting) }
func (r *pair) load(raw json.RawMessage) error { return loadLRU(r.keys, raw, r.restored) }
