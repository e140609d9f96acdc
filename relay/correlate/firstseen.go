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
// tuples in seen; a rule with expire on receive time (the default) needs
// one time, when it was last received, and keeps them in recvd; one on
// event time both, in keys (one of the three is not nil).
type firstSeen struct {
	b      ruleBase
	sel    selector
	fields []string
	ids    []int // fields' keys (useKeys)
	expire time.Duration
	keys   *lru.Map[fsState]
	recvd  *lru.Map[fsRecv]
	seen   *lru.Map[struct{}]
}

// fsState is what a seen tuple needs with expire: when it was last seen,
// by the rule's time (whether it comes back after expire) and by nomen's
// (when tick forgets it): its node in the map 24 bytes. A rule on
// receive time keeps one time (fsRecv). Snapshots write it as fsJSON.
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

func (s *fsState) saved(string, []byte) fsJSON     { return fsJSON{Last: s.Last(), Recv: s.Recv()} }
func (j fsJSON) restored(string) (fsState, []byte) { return newFsState(j.Last, j.Recv), nil }

// fsRecv is what a seen tuple needs with expire on receive time: the
// receive time it was last seen (little-endian), which is both of
// fsState's times (the rule's time is the receive time): its node in
// the map 16 bytes, not 24. Snapshots write it as fsJSON, both times
// the same (a snapshot stays readable by a build that keeps two);
// restored, it keeps Recv (a rule that was on event time when it was
// written compares receive times from now on).
type fsRecv [8]byte

func (s *fsRecv) Recv() int64 { return int64(binary.LittleEndian.Uint64(s[:])) }
func (s *fsRecv) set(t int64) { binary.LittleEndian.PutUint64(s[:], uint64(t)) }

func (s *fsRecv) saved(string, []byte) fsJSON { return fsJSON{Last: s.Recv(), Recv: s.Recv()} }
func (j fsJSON) restoredRecv(string) (fsRecv, []byte) {
	var s fsRecv
	s.set(j.Recv)
	return s, nil
}

var defFirstSeenMessage = mustTemplate("first time seen: {key}")

func newFirstSeen(b ruleBase, def *FirstSeenRule) *firstSeen {
	r := &firstSeen{b: b, sel: selector{def.Where, def.WhereNot}, fields: def.Fields, expire: def.Expire.D()}
	switch {
	case r.expire > 0 && !b.eventTime:
		r.recvd = lru.New[fsRecv](b.maxKeys)
	case r.expire > 0:
		r.keys = lru.New[fsState](b.maxKeys)
	default:
		r.seen = lru.New[struct{}](b.maxKeys)
	}
	return r
}

func (r *firstSeen) base() *ruleBase       { return &r.b }
func (r *firstSeen) selectors() []selector { return []selector{r.sel} }
func (r *firstSeen) useKeys(t *condTable)  { r.ids = t.keyIDs(r.fields...) }

func (r *firstSeen) size() int {
	switch {
	case r.seen != nil:
		return r.seen.Len()
	case r.recvd != nil:
		return r.recvd.Len()
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
	if r.recvd != nil { // t is recv
		st, seen := r.recvd.GetOrPutBytes(key, func(string, *fsRecv) { en.evicted(&r.b) })
		again := !seen || t-st.Recv() > int64(r.expire)
		st.set(recv)
		return again
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
	old := now.UnixNano() - int64(r.expire)
	switch {
	case r.keys != nil:
		forget(r.keys, (*fsState).Recv, old)
	case r.recvd != nil:
		forget(r.recvd, (*fsRecv).Recv, old)
	}
}

// forget deletes the tuples of m last received (recv) before old.
func forget[V any](m *lru.Map[V], recv func(*V) int64, old int64) {
	for {
		k, st, ok := m.Oldest()
		if !ok || recv(st) >= old {
			return
		}
		m.Delete(k)
	}
}

func (r *firstSeen) retire(*event.Event) {}

// save writes a tuple without expire with an empty value ("v":{}).
func (r *firstSeen) save() any {
	switch {
	case r.seen != nil:
		return saveLRU(r.seen, plain)
	case r.recvd != nil:
		return saveLRU(r.recvd, (*fsRecv).saved)
	}
	return saveLRU(r.keys, (*fsState).saved)
}

// load reads either form (a value that is not needed is ignored).
func (r *firstSeen) load(raw json.RawMessage) error {
	switch {
	case r.seen != nil:
		return loadLRU(r.seen, raw, asSaved)
	case r.recvd != nil:
		return loadLRU(r.recvd, raw, fsJSON.restoredRecv)
	}
	return loadLRU(r.keys, raw, fsJSON.restored)
}
