package correlate

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/findingid"
	"github.com/nomenhq/nomen/relay/stage/lru"
)

// firstSeen raises a finding the first time a tuple of field values is
// seen, and again when it comes back after not being seen for expire (if
// set). The set of tuples survives restarts; beyond max_keys the least
// recently seen tuple is forgotten (counted), and fires again if it returns.
//
// Without expire a tuple needs nothing but its key: such a rule keeps its
// tuples in seen, a rule with expire in keys (one of the two is nil).
type firstSeen struct {
	b      ruleBase
	sel    selector
	fields []string
	ids    []int // fields' keys (useKeys)
	expire time.Duration
	keys   *lru.Map[fsState]
	seen   *lru.Map[struct{}]
}

// fsState is what a seen tuple needs with expire: when it was last seen,
// by the rule's time (whether it comes back after expire) and by nomen's
// (when tick forgets it). Its times are bytes, not int64s, so that its
// alignment is 4 and its node in the map 28 bytes, not 32. Snapshots
// write it as fsJSON.
type fsState struct {
	last [8]byte // rule time last seen, little-endian
	recv [8]byte // receive time last seen (expiry of memory), little-endian
}

func newFsState(last, recv int64) fsState {
	var s fsState
	binary.LittleEndian.PutUint64(s.last[:], uint64(last))
	binary.LittleEndian.PutUint64(s.recv[:], uint64(recv))
	return s
}

func (s *fsState) Last() int64 { return int64(binary.LittleEndian.Uint64(s.last[:])) }
func (s *fsState) Recv() int64 { return int64(binary.LittleEndian.Uint64(s.recv[:])) }

// fsJSON is how snapshots write a seen tuple with expire. Snapshots from
// before also have "first", unused.
type fsJSON struct {
	Last int64 `json:"last"`
	Recv int64 `json:"recv"`
}

func (s *fsState) saved(_ []byte) fsJSON     { return fsJSON{Last: s.Last(), Recv: s.Recv()} }
func (j fsJSON) restored() (fsState, []byte) { return newFsState(j.Last, j.Recv), nil }

var defFirstSeenMessage = mustTemplate("first time seen: {key}")

func newFirstSeen(b ruleBase, def *FirstSeenRule) *firstSeen {
	r := &firstSeen{b: b, sel: selector{def.Where, def.WhereNot}, fields: def.Fields, expire: def.Expire.D()}
	if r.expire > 0 {
		r.keys = lru.New[fsState](b.maxKeys)
	} else {
		r.seen = lru.New[struct{}](b.maxKeys)
	}
	return r
}

func (r *firstSeen) base() *ruleBase       { return &r.b }
func (r *firstSeen) selectors() []selector { return []selector{r.sel} }
func (r *firstSeen) useKeys(t *condTable)  { r.ids = t.keyIDs(r.fields...) }

func (r *firstSeen) size() int {
	if r.seen != nil {
		return r.seen.Len()
	}
	return r.keys.Len()
}

func (r *firstSeen) apply(en *Engine, e *event.Event, id uint64, _ int) {
	key, ok := en.memo.appendKey(en.key[:0], r.ids)
	en.key = key
	if !ok {
		return
	}
	// The seen tuples stay true across leases: only ownership matters.
	if _, mine := en.lease(r.b.name, key); !mine {
		return
	}
	t := r.b.at(e).UnixNano()
	if !r.remember(en, key, t, e.Received.UnixNano()) {
		return
	}
	f := newFinding(&r.b, Dataset, "first-seen", e.Time, e.Received)
	f.id(&r.b, string(key), t, findingid.Anchor(e, id))
	var ev evidence
	ev.add(en.memo, e, id) // a finding made now
	f.evidence(&ev)
	copyFields(f.e, e, r.fields...)
	f.message(&r.b, defFirstSeenMessage, vars{count: 1, key: displayKey(r.fields, string(key))}, e)
	en.emit(&r.b, f.e)
}

// remember notes that key was seen at rule time t, received at recv, and
// reports whether that is a finding: a new tuple, or one back after
// expire.
func (r *firstSeen) remember(en *Engine, key []byte, t, recv int64) bool {
	if r.seen != nil {
		_, seen := r.seen.GetOrPutBytes(key, func(string, *struct{}) { en.evicted(&r.b) })
		return !seen
	}
	st, seen := r.keys.GetOrPutBytes(key, func(string, *fsState) { en.evicted(&r.b) })
	if !seen {
		*st = newFsState(t, recv)
		return true
	}
	again := t-st.Last() > int64(r.expire)
	*st = newFsState(t, recv)
	return again
}

// tick forgets tuples not seen for expire (they would fire again anyway).
func (r *firstSeen) tick(_ *Engine, now time.Time) {
	if r.keys == nil {
		return
	}
	old := now.UnixNano() - int64(r.expire)
	for {
		k, st, ok := r.keys.Oldest()
		if !ok || st.Recv() >= old {
			return
		}
		r.keys.Delete(k)
	}
}

func (r *firstSeen) retire(*event.Event) {}

// save writes a tuple without expire with an empty value ("v":{}).
func (r *firstSeen) save() any {
	if r.seen != nil {
		return saveLRU(r.seen, plain)
	}
	return saveLRU(r.keys, (*fsState).saved)
}

// load reads either form (a value that is not needed is ignored).
func (r *firstSeen) load(raw json.RawMessage) error {
	if r.seen != nil {
		return loadLRU(r.seen, raw, asSaved)
	}
	return loadLRU(r.keys, raw, fsJSON.restored)
}
