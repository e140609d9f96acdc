package ecs

import "github.com/nomenhq/nomen/relay/event"

// Related collects an event's related.user, related.ip, related.hosts
// and related.hash values while a decoder sets many fields, and writes each list once
// (Flush). event.AddToList searches the event's fields for the list at
// every value: on a Windows record (~70 fields, several users and
// addresses) that search cost more than the rest of the mapping of those
// values. The lists come out as AddToList makes them: values in the
// order added, without repeats.
//
// A nil *Related adds to the event at once; the package's SetUser,
// SetIP, ... are its methods on nil.
type Related struct {
	vals [relatedMax]string
	kind [relatedMax]uint8
	n    int
	full bool // more values than vals holds: the rest went to the event at once
}

// relatedMax bounds the values held; a record with more is rare and adds
// the rest at once (correct, only slower).
const relatedMax = 16

// The lists, by kind (Related.kind).
const (
	relUser = iota
	relIP
	relHosts
	relHash
	relKinds
)

var relatedKeys = [relKinds]string{"related.user", "related.ip", "related.hosts", "related.hash"}

// add adds s to the list of kind k (AddToList's rules: "" and "-" are not
// values). Small enough to inline: the nil receiver's way costs the other
// decoders nothing.
func (r *Related) add(e *event.Event, k uint8, s string) {
	if r == nil || r.full {
		e.AddToList(relatedKeys[k], s)
		return
	}
	r.hold(e, k, s)
}

func (r *Related) hold(e *event.Event, k uint8, s string) {
	if s == "" || s == "-" {
		return
	}
	for i := 0; i < r.n; i++ {
		if r.kind[i] == k && r.vals[i] == s {
			return
		}
	}
	if r.n == relatedMax {
		r.spill(e)
		e.AddToList(relatedKeys[k], s)
		return
	}
	r.vals[r.n], r.kind[r.n] = s, k
	r.n++
}

// spill adds the held values to the event and every later one at once.
func (r *Related) spill(e *event.Event) {
	for i := 0; i < r.n; i++ {
		e.AddToList(relatedKeys[r.kind[i]], r.vals[i])
	}
	r.n, r.full = 0, true
}

// AddUser adds s to related.user.
func (r *Related) AddUser(e *event.Event, s string) { r.add(e, relUser, s) }

// AddHash adds s to related.hash.
func (r *Related) AddHash(e *event.Event, s string) { r.add(e, relHash, s) }

// Flush writes the held values to e and empties r. from is len(e.Fields)
// when r began collecting: a list among the fields before it (set by
// someone else) gets the values appended, as AddToList would; the fields
// from it on are the caller's, who sent every related value through r.
// The new lists share one allocation.
func (r *Related) Flush(e *event.Event, from int) {
	if r == nil || r.n == 0 {
		return
	}
	var count [relKinds]int
	for i := 0; i < r.n; i++ {
		count[r.kind[i]]++
	}
	for i := range e.Fields[:min(from, len(e.Fields))] {
		for k, key := range relatedKeys {
			if count[k] > 0 && e.Fields[i].Key == key {
				count[k] = -1 // a list of someone else's: added to at the end
			}
		}
	}
	buf := make([]string, r.n)
	off := 0
	for k := range relKinds {
		if count[k] <= 0 {
			continue
		}
		list := buf[off : off : off+count[k]]
		for i := 0; i < r.n; i++ {
			if int(r.kind[i]) == k {
				list = append(list, r.vals[i])
			}
		}
		off += count[k]
		e.Set(relatedKeys[k], event.Value{Type: event.TypeStrings, List: list})
	}
	for i := 0; i < r.n; i++ {
		if count[r.kind[i]] < 0 {
			e.AddToList(relatedKeys[r.kind[i]], r.vals[i])
		}
	}
	r.n = 0
}
