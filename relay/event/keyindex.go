package event

import "math/bits"

// KeyIndex finds a fixed set of keys in an event's fields with one pass
// over them, for code that asks every event for the same keys (a sink
// mapping fields to columns, the correlation stage's dispatch): a Field
// call per key would scan the fields once per key. byLen[n] has bit i set
// when names[i] is n bytes long, so most fields cost one table load; a
// field whose length matches is compared by its last 8 bytes first
// (tails), which tells most keys of one length apart ("event.code",
// "event.kind") without a call to compare the whole strings.
type KeyIndex struct {
	names []string
	tails []uint64 // tail(names[i])
	byLen [64]uint64
	long  uint64 // names of 64 bytes or more
}

// MaxKeyIndex is how many keys a KeyIndex holds.
const MaxKeyIndex = 64

// NewKeyIndex returns the index of names (at most MaxKeyIndex of them).
func NewKeyIndex(names ...string) *KeyIndex {
	if len(names) > MaxKeyIndex {
		panic("event: more than MaxKeyIndex keys in a KeyIndex")
	}
	x := &KeyIndex{names: names, tails: make([]uint64, len(names))}
	for i, name := range names {
		x.tails[i] = tail(name)
		if len(name) < len(x.byLen) {
			x.byLen[len(name)] |= 1 << i
		} else {
			x.long |= 1 << i
		}
	}
	return x
}

// Len returns how many keys x holds.
func (x *KeyIndex) Len() int { return len(x.names) }

// Find sets at[i] to the index in e.Fields of the field Field(names[i])
// would return (the last one set), or -1 if there is none. at must have
// Len entries.
func (x *KeyIndex) Find(e *Event, at []int32) {
	for i := range at {
		at[i] = -1
	}
	for i := range e.Fields {
		k := e.Fields[i].Key
		set := x.long
		if len(k) < len(x.byLen) {
			set = x.byLen[len(k)]
		}
		if set == 0 {
			continue
		}
		t := tail(k)
		for set != 0 {
			j := bits.TrailingZeros64(set)
			set &= set - 1
			if t == x.tails[j] && k == x.names[j] {
				at[j] = int32(i)
			}
		}
	}
}

// tail is the last 8 bytes of s (all of it if shorter) as a number: equal
// strings have equal tails.
func tail(s string) uint64 {
	if n := len(s); n >= 8 {
		s = s[n-8:]
		return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	}
	return shortTail(s)
}

func shortTail(s string) uint64 {
	var t uint64
	for i := 0; i < len(s); i++ {
		t = t<<8 | uint64(s[i])
	}
	return t
}
