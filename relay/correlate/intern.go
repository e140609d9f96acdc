package correlate

import "strings"

// interner hands out copies of strings that rule state keeps (hosts, users,
// images, addresses), one copy per distinct value: an event's strings point
// into its raw message, which state must not pin, and copying each value
// anew for every process or window costs an allocation and GC work per
// event for values that repeat all day.
//
// It also hands out one-element lists of them (single): an evidence list
// usually holds one user or host, and sharing that list saves allocating
// it for every window and process. They have no room to grow, so an append
// copies: nothing writes into a shared list.
//
// It is bounded: past max distinct strings it starts over (the copies it
// handed out stay valid; they are just no longer shared).
type interner struct {
	m   map[string][]string // value -> []string{its copy}, capacity 1
	max int
}

func newInterner(max int) *interner {
	return &interner{m: make(map[string][]string), max: max}
}

// get returns an owned copy of s, shared with earlier calls for equal s.
func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	return in.single(s)[0]
}

// getBytes is get for a string in a byte slice (no allocation when known).
func (in *interner) getBytes(b []byte) string {
	if one, ok := in.m[string(b)]; ok {
		return one[0]
	}
	return in.single(string(b))[0]
}

// single returns []string{get(s)}, shared: callers must not write into it
// (its capacity is 1, so append copies).
func (in *interner) single(s string) []string {
	if one, ok := in.m[s]; ok {
		return one
	}
	if len(in.m) >= in.max {
		clear(in.m)
	}
	c := strings.Clone(s)
	one := []string{c}
	in.m[c] = one
	return one
}
