package correlate

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/nomenhq/nomen/relay/stage/lru"
	"github.com/nomenhq/nomen/relay/stage/snapshot"
)

// evidenceJSON is how snapshots write an evidence: its four related.*
// lists by name, as they were before they shared one slice.
type evidenceJSON struct {
	IDs   []uint64 `json:"ids,omitempty"`
	IP    []string `json:"ip,omitempty"`
	User  []string `json:"user,omitempty"`
	Hosts []string `json:"hosts,omitempty"`
	Hash  []string `json:"hash,omitempty"`
	Count int      `json:"count"`
}

func (v evidence) MarshalJSON() ([]byte, error) { return json.Marshal(v.json()) }

func (v related) MarshalJSON() ([]byte, error) { return json.Marshal(evidence{related: v}.json()) }

func (v evidence) json() evidenceJSON {
	l := v.lists()
	return evidenceJSON{IDs: v.IDs, IP: l[relIP], User: l[relUser], Hosts: l[relHosts], Hash: l[relHash], Count: int(v.Count)}
}

// UnmarshalJSON reads what MarshalJSON writes (see evidenceJSON.evidence).
func (v *evidence) UnmarshalJSON(b []byte) error {
	var j evidenceJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = j.evidence()
	return nil
}

// evidence is json's reverse, each list cut to maxRelated (a snapshot is
// not trusted to respect the bound; nor to list a value once: addUnique
// keeps the first). The saved forms of windows and pairs (tstateJSON,
// pstateJSON: most of a snapshot's keys) hold an evidenceJSON rather than
// an evidence, so that encoding/json writes it without a Marshaler, whose
// output it would check and compact again (about half of a snapshot's
// encoding CPU).
func (j evidenceJSON) evidence() evidence {
	v := evidence{IDs: j.IDs, related: related{Count: int32(min(max(j.Count, 0), math.MaxInt32))}}
	for c, list := range [numRelated][]string{j.IP, j.User, j.Hosts, j.Hash} {
		v.addUnique(c, list...)
	}
	return v
}

// UnmarshalJSON reads an evidence without its IDs (a threshold window's
// never had any).
func (v *related) UnmarshalJSON(b []byte) error {
	var ev evidence
	if err := ev.UnmarshalJSON(b); err != nil {
		return err
	}
	*v = ev.related
	return nil
}

// pstateJSON is how snapshots write a waiting pair (pair.saved): its
// evidence with the first event's ID, and its identity
// (findingid.Anchor), as before pstate kept them in less room.
type pstateJSON struct {
	At       int64             `json:"at"`
	Deadline int64             `json:"deadline"`
	Ev       evidenceJSON      `json:"ev"`
	Fields   map[string]string `json:"fields,omitempty"`
	First    string            `json:"first,omitempty"`
	Lease    uint64            `json:"lease,omitempty"`
}

// The keys of threshold, pair and first_seen rules (most of a snapshot)
// append their own JSON (snapshot.Appender): the bytes encoding/json
// writes of their saved forms (tstateJSON, pstateJSON, fsJSON), field
// for field, which TestSavedFormsAppendAsMarshal and
// TestCopiesWriteAsSavedForms check on random states.

// AppendJSON appends kv's JSON, if its value can (snapshot.Appender).
func (kv *keyed[V]) AppendJSON(b []byte) ([]byte, bool) {
	start := len(b)
	b = snapshot.AppendString(append(b, `{"k":`...), kv.K)
	b = append(b, `,"v":`...)
	ok := true
	switch v := any(&kv.V).(type) {
	case snapshot.Appender:
		b, ok = v.AppendJSON(b)
	case *struct{}: // a first_seen rule without expire
		b = append(b, "{}"...)
	default:
		ok = false
	}
	if !ok {
		return b[:start], false
	}
	return append(b, '}'), true
}

func (s *fsJSON) AppendJSON(b []byte) ([]byte, bool) {
	b = strconv.AppendInt(append(b, `{"last":`...), s.Last, 10)
	b = strconv.AppendInt(append(b, `,"recv":`...), s.Recv, 10)
	return append(b, '}'), true
}

// copied is an entry with extra bytes as a snapshot copies it from a
// rule's map (saveCopies): its value, pointer-free, and its extra bytes,
// a substring of one copy of the map's arena; write appends its saved
// form's JSON of them. The pipeline goroutine, which a snapshot stalls,
// thus makes two allocations per rule (the arena's copy, the list)
// instead of a saved form's slices and strings for each of 100,000 keys,
// and neither it nor the writer makes garbage by the key (whose
// collections would mark the rules' state again).
type copied[V any] struct {
	v     V
	k, x  string
	write func(b []byte, v *V, key string, extra []byte) []byte
}

// saveCopies is saveLRU for values with extra bytes, written by write.
func saveCopies[V any](m *lru.Map[V], write func(b []byte, v *V, key string, extra []byte) []byte) snapshot.List[keyed[copied[V]]] {
	out := make(snapshot.List[keyed[copied[V]]], 0, m.Len())
	m.AllExtra(func(k string, v *V, x string) bool {
		out = append(out, keyed[copied[V]]{k, copied[V]{*v, k, x, write}})
		return true
	})
	return out
}

func (c *copied[V]) AppendJSON(b []byte) ([]byte, bool) {
	return c.write(b, &c.v, c.k, unsafe.Slice(unsafe.StringData(c.x), len(c.x))), true // only read
}

// MarshalJSON is AppendJSON, for encoders other than snapshot's.
func (c copied[V]) MarshalJSON() ([]byte, error) {
	b, _ := c.AppendJSON(nil)
	return b, nil
}

// appendWindow appends the JSON of window st of group key with extra
// bytes x: its tstateJSON (tstate.saved).
func appendWindow(b []byte, st *tstate, key string, x []byte) []byte {
	b = append(b, '{')
	w := st.split(x)
	var scratch [128]byte // most windows' values
	vals := loadVals(scratch[:0], w.vals, unsafe.Slice(unsafe.StringData(key), len(key)))
	if len(w.slots) > 0 {
		b = append(b, `"slots":[`...)
		for i, r := 0, (slots{w.slots, st.Last()}); ; i++ {
			s, ok := r.next()
			if !ok {
				break
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(append(b, `{"t":`...), s.T, 10)
			b = append(appendUint(b, `,"id":`, s.ID), '}')
		}
		b = append(b, "],"...)
	}
	rel := related{vals: vals, n: st.n, Count: w.count}
	b = appendEvidence(append(b, `"ev":`...), 0, &rel)
	b = appendInt(b, `,"suppress":`, w.suppress)
	b = strconv.AppendInt(append(b, `,"last":`...), st.Last(), 10)
	b = appendUint(b, `,"lease":`, w.lease)
	return append(b, '}')
}

// appendWaiting appends the JSON of waiting pair s of group key with
// extra bytes x: its pstateJSON (pair.saved).
func (r *pair) appendWaiting(b []byte, s *pstate, key string, x []byte) []byte {
	start := len(b)
	p := firstOf(x, len(r.capture))
	var scratch [128]byte                                                                  // most pairs' values
	p.vals = loadVals(scratch[:0], p.vals, unsafe.Slice(unsafe.StringData(key), len(key))) // only read
	b = strconv.AppendInt(append(b, `{"at":`...), s.At(), 10)
	b = strconv.AppendInt(append(b, `,"deadline":`...), r.deadline(s, x), 10)
	rel := related{vals: p.vals, n: s.n, Count: p.count}
	b = appendEvidence(append(b, `,"ev":`...), p.id, &rel)
	// The captured fields that have a value, by name (a map's order).
	type field struct {
		name string
		v    []byte
	}
	var fields [8]field // what a message refers to: a few
	n := 0
	rest := p.fields
	for _, name := range r.capture {
		var v []byte
		if v, rest = nextValue(rest); len(v) == 0 {
			continue
		}
		if n == len(fields) {
			j, _ := json.Marshal(r.saved(s, key, x)) // cannot fail: strings and numbers
			return append(b[:start], j...)
		}
		fields[n] = field{name, v}
		n++
	}
	if n > 0 {
		slices.SortFunc(fields[:n], func(a, b field) int { return strings.Compare(a.name, b.name) })
		b = append(b, `,"fields":{`...)
		for i, f := range fields[:n] {
			if i > 0 {
				b = append(b, ',')
			}
			b = snapshot.AppendString(b, f.name)
			b = snapshot.AppendString(append(b, ':'), f.v)
		}
		b = append(b, '}')
	}
	if len(p.stream) > 0 {
		b = snapshot.AppendString(append(b, `,"first":`...), p.stream)
	} else {
		b = strconv.AppendUint(append(b, `,"first":"journal:`...), p.id, 10)
		b = append(b, '"')
	}
	b = appendUint(b, `,"lease":`, p.lease)
	return append(b, '}')
}

// appendEvidence appends the JSON of an evidence with at most one ID (0:
// none) and the related.* values rel: its evidenceJSON.
func appendEvidence(b []byte, id uint64, rel *related) []byte {
	b = append(b, '{')
	if id != 0 {
		b = strconv.AppendUint(append(b, `"ids":[`...), id, 10)
		b = append(b, "],"...)
	}
	pos := 0
	for c, n := range rel.n {
		if n == 0 {
			continue
		}
		b = append(append(b, '"'), relatedNames[c]...)
		b = append(b, `":[`...)
		for i := range n {
			if i > 0 {
				b = append(b, ',')
			}
			var v []byte
			v, pos = rel.value(pos)
			b = snapshot.AppendString(b, v)
		}
		b = append(b, "],"...)
	}
	b = strconv.AppendInt(append(b, `"count":`...), int64(rel.Count), 10)
	return append(b, '}')
}

// relatedNames are the related.* lists' names in evidenceJSON.
var relatedNames = [numRelated]string{relIP: "ip", relUser: "user", relHosts: "hosts", relHash: "hash"}

// appendInt appends name and n unless n is 0 (omitempty); appendUint
// likewise.
func appendInt(b []byte, name string, n int64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendInt(append(b, name...), n, 10)
}

func appendUint(b []byte, name string, n uint64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendUint(append(b, name...), n, 10)
}
