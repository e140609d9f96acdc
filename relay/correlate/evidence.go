package correlate

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/nomenhq/nomen/relay/event"
)

// evidence accumulates what a finding says about its causing events:
// their IDs, related.* values and hosts. Bounded.
type evidence struct {
	IDs []uint64
	related
}

// related is an evidence without its IDs: what a threshold window keeps
// (its events' IDs are in its slots).
//
// Windows and waiting pairs by the hundred thousand each hold one, so it
// is laid out for memory and for the garbage collector: the values of
// the four related.* lists are bytes in one slice (vals: each list's
// values after the previous list's, n of them each, every value its
// length as a uvarint and its bytes), not strings: no string header per
// value, no pointer into shared strings, and nothing in it for the
// collector to scan. A finding gets new strings of them (lists).
// Snapshots write the four lists as before (evidence_json.go).
//
// Count is an int32 next to n (a word less per evidence); add stops it at
// its maximum rather than wrap.
type related struct {
	vals  []byte
	n     [numRelated]uint8
	Count int32
}

// The related.* lists of an evidence, in the order vals holds them.
const (
	relIP = iota
	relUser
	relHosts
	relHash
	numRelated
)

var relatedKeys = [numRelated]string{"related.ip", "related.user", "related.hosts", "related.hash"}

// value returns the value at pos in vals and the position after it.
func (v *related) value(pos int) ([]byte, int) {
	n, k := binary.Uvarint(v.vals[pos:])
	pos += k
	end := pos + int(n)
	return v.vals[pos:end], end
}

// lists returns the four lists as new strings (two allocations: one
// string of every value, one slice of them all).
func (v *related) lists() [numRelated][]string {
	var out [numRelated][]string
	total := 0
	for _, n := range v.n {
		total += int(n)
	}
	if total == 0 {
		return out
	}
	all := string(v.vals)
	strs := make([]string, 0, total)
	pos := 0
	for c, n := range v.n {
		start := len(strs)
		for range n {
			b, next := v.value(pos)
			at := next - len(b)
			strs = append(strs, all[at:next])
			pos = next
		}
		if n > 0 {
			out[c] = strs[start:len(strs):len(strs)]
		}
	}
	return out
}

// strings returns what a record says of v: its IDs (at most maxIDs) as
// decimal strings and its four related.* lists, all new strings, in two
// allocations (one string of every ID and value, one slice of them all)
// rather than two each for the IDs and the lists.
func (v *evidence) strings() (ids []string, lists [numRelated][]string) {
	nIDs := min(len(v.IDs), maxIDs)
	total := nIDs
	for _, n := range v.n {
		total += int(n)
	}
	if total == 0 {
		return nil, lists
	}
	var stack [512]byte // most records' IDs and values fit
	var ends [maxIDs]int
	b := stack[:0]
	for i, id := range v.IDs[:nIDs] {
		b = strconv.AppendUint(b, id, 10)
		ends[i] = len(b)
	}
	valsAt := len(b)
	b = append(b, v.vals...)
	all := string(b)
	strs := make([]string, 0, total)
	start := 0
	for _, end := range ends[:nIDs] {
		strs = append(strs, all[start:end])
		start = end
	}
	if nIDs > 0 {
		ids = strs[:nIDs:nIDs]
	}
	pos := 0
	for c, n := range v.n {
		first := len(strs)
		for range n {
			val, next := v.value(pos)
			at := valsAt + next - len(val)
			strs = append(strs, all[at:valsAt+next])
			pos = next
		}
		if n > 0 {
			lists[c] = strs[first:len(strs):len(strs)]
		}
	}
	return ids, lists
}

// add counts e, and its journal ID if not 0, and adds its related.*
// values and host (related.add: m is the engine's memo).
func (v *evidence) add(m *memo, e *event.Event, id uint64) {
	if id != 0 && len(v.IDs) < maxIDs {
		if v.IDs == nil {
			v.IDs = make([]uint64, 0, 4) // a pair, a process: one allocation
		}
		v.IDs = append(v.IDs, id)
	}
	v.related.add(m, e)
}

// add counts e and adds its related.* values and host. The fields come
// from the memo's one pass over e's fields when it holds them (the rules
// that apply to an event each add it to some evidence), else from a scan
// of them. Each list takes its values in the order of e's fields, the
// host last: the memo's positions give the same lists.
func (v *related) add(m *memo, e *event.Event) {
	if v.Count < math.MaxInt32 {
		v.Count++
	}
	if m != nil && m.answersRelated(e) {
		for c, k := range m.t.rel {
			if i := m.at[k]; i >= 0 {
				v.addUnique(c, m.fields[i].Val.List...)
			}
		}
		if h := m.get(m.t.host); h != nil {
			if s := h.String(); s != "" {
				v.addUnique(relHosts, s)
			}
		}
		return
	}
	host := -1         // the last host.name field (Event.Str's answer)
	fields := e.Fields // not loaded again from e after each write to v
	for i := range fields {
		f := &fields[i]
		if f.Key == "host.name" {
			host = i
			continue
		}
		if len(f.Key) < 8 || f.Key[:8] != "related." {
			continue
		}
		switch f.Key {
		case "related.ip":
			v.addUnique(relIP, f.Val.List...)
		case "related.user":
			v.addUnique(relUser, f.Val.List...)
		case "related.hosts":
			v.addUnique(relHosts, f.Val.List...)
		case "related.hash":
			v.addUnique(relHash, f.Val.List...)
		}
	}
	var h string
	if host >= 0 {
		h = e.Fields[host].Val.String()
	} else if v, ok := e.Derived("host.name"); ok { // from the syslog header
		h = v.String()
	}
	if h != "" {
		v.addUnique(relHosts, h)
	}
}

// firstVals is the capacity of an evidence's first vals: an address, a
// user and a short host name.
const firstVals = 32

// addUnique adds to list c the values not in it yet, up to maxRelated.
// They are copied (an event's strings point into its raw message, which
// state must not pin).
//
// vals is never written where a copy (a snapshot's) may
// see it: a value goes in place only past the end, otherwise into a new
// slice.
func (v *related) addUnique(c int, vals ...string) {
next:
	for _, s := range vals {
		if s == "" || s == "-" || v.n[c] >= maxRelated {
			continue
		}
		pos := 0
		for _, n := range v.n[:c] {
			for range n {
				_, pos = v.value(pos)
			}
		}
		for range v.n[c] {
			b, after := v.value(pos)
			if string(b) == s {
				continue next
			}
			pos = after
		}
		if v.vals == nil {
			// Room for the few values most evidences hold: one
			// allocation, not one per value.
			v.vals = make([]byte, 0, max(firstVals, binary.MaxVarintLen64+len(s)))
		}
		if pos == len(v.vals) {
			v.vals = binary.AppendUvarint(v.vals, uint64(len(s)))
			v.vals = append(v.vals, s...)
		} else {
			vals := make([]byte, 0, len(v.vals)+binary.MaxVarintLen64+len(s))
			vals = append(vals, v.vals[:pos]...)
			vals = binary.AppendUvarint(vals, uint64(len(s)))
			vals = append(vals, s...)
			v.vals = append(vals, v.vals[pos:]...)
		}
		v.n[c]++
	}
}
