package correlate

import (
	"encoding/json"
	"slices"
	"strings"
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
}

// pstate is a first event waiting for its second. Rules keep them by
// the hundred thousand: the first event's evidence is its related.* and
// its journal ID, not an evidence with a list of IDs, and its identity
// (findingid.Anchor, of which the finding's id is made whether the
// second comes or not) is kept only when it came from a stream, and made
// of the journal ID otherwise (first). Snapshots write them as pstateJSON.
type pstate struct {
	At       int64             // rule time of the first event
	Deadline int64             // receive time + window
	ev       related           // the first event's related.* values and count
	id       uint64            // the first event's journal ID (0: not known)
	Fields   map[string]string // captured for the message
	stream   string            // the first event's findingid.StreamAnchor, if any
	Lease    uint64            // Options.Owner's lease it was kept under
}

// first returns the first event's identity (findingid.Anchor).
func (s *pstate) first() string {
	if s.stream != "" {
		return s.stream
	}
	return findingid.JournalAnchor(s.id)
}

// evidence returns the first event's evidence (a new IDs list: the
// second's ID may be added to it).
func (s *pstate) evidence() evidence {
	ev := evidence{related: s.ev}
	if s.id != 0 {
		ev.IDs = make([]uint64, 1, 2)
		ev.IDs[0] = s.id
	}
	return ev
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
	if st, waiting := r.keys.PeekBytes(key); waiting && st.Lease != lease {
		r.keys.DeleteBytes(key) // kept under an older lease: stale
	}
	t := r.b.at(e).UnixNano()
	if role == roleFirst {
		if _, waiting := r.keys.PeekBytes(key); waiting {
			return
		}
		st := pstate{At: t, Deadline: e.Received.Add(r.window).UnixNano(), id: id, Lease: lease}
		if s, ok := findingid.StreamAnchor(e); ok {
			st.stream = strings.Clone(s)
		}
		st.ev.add(e)
		for _, f := range r.capture {
			if s := e.Str(f); s != "" {
				if st.Fields == nil {
					st.Fields = make(map[string]string, len(r.capture))
				}
				st.Fields[f] = strings.Clone(s)
			}
		}
		r.keys.PutBytes(key, st, func(string, *pstate) { en.evicted(&r.b) })
		return
	}
	st, ok := r.keys.PeekBytes(key)
	if !ok {
		return
	}
	k := string(key)
	inTime := t-st.At <= int64(r.window)
	switch {
	case r.missing && !inTime:
		// Too late: the first event went unanswered for its whole window.
		r.raiseMissing(en, k, st, e.Received)
	case !r.missing && inTime:
		ev := st.evidence()
		ev.add(e, id) // a finding made now; the state goes
		f := newFinding(&r.b, Dataset, "pair-completed", e.Time, e.Received)
		f.id(&r.b, k, st.At, st.first())
		f.evidence(&ev)
		copyFields(f.e, e, r.groupBy...)
		f.message(&r.b, defPairMessage, vars{count: int(ev.Count), window: r.window, key: displayKey(r.groupBy, k)}, e)
		en.emit(&r.b, f.e)
	}
	r.keys.Delete(k)
}

func (r *pair) raiseMissing(en *Engine, key string, st *pstate, now time.Time) {
	f := newFinding(&r.b, Dataset, "pair-missing", now, now)
	f.id(&r.b, key, st.At, st.first())
	ev := st.evidence()
	f.evidence(&ev)
	fields := keyFields(r.groupBy, key)
	for k, v := range st.Fields {
		fields[k] = v
		f.e.SetStr(k, v)
	}
	for _, g := range r.groupBy {
		f.e.SetStr(g, fields[g])
	}
	f.message(&r.b, defMissingMessage, vars{count: int(st.ev.Count), window: r.window, key: displayKey(r.groupBy, key), fields: fields}, nil)
	en.emit(&r.b, f.e)
}

// tick closes the windows that ended: with on = "missing" each is a finding.
func (r *pair) tick(en *Engine, now time.Time) {
	n := now.UnixNano()
	for {
		k, st, ok := r.keys.Oldest()
		if !ok || st.Deadline > n {
			return
		}
		if r.missing && en.ours(r.b.name, k, st.Lease) {
			r.raiseMissing(en, k, st, now)
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
func (r *pair) save() any                      { return saveLRU(r.keys, nil) }
func (r *pair) load(raw json.RawMessage) error { return loadLRU(r.keys, raw) }
