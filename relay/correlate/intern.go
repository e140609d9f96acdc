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
	m   map[string]interned
	max int
}

type interned struct {
	s   string
	one []string // []string{s}, capacity 1, made when first asked for
}

func newInterner(max int) *interner {
	return &interner{m: make(map[string]interned), max: max}
}

// get returns an owned copy of s, shared with earlier calls for equal s.
func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in.m[s]; ok {
		return c.s
	}
	return in.add(s).s
}

// getBytes is get for a string in a byte slice (no allocation when known).
func (in *interner) getBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if c, ok := in.m[string(b)]; ok {
		return c.s
	}
	return in.add(string(b)).s
}

// single returns []string{get(s)}, shared: callers must not write into it
// (its capacity is 1, so append copies).
func (in *interner) single(s string) []string {
	c, ok := in.m[s]
	if !ok {
		c = in.add(s)
	}
	if c.one == nil {
		c.one = []string{c.s}
		in.m[c.s] = c
	}
	return c.one
}

func (in *interner) add(s string) interned {
	if len(in.m) >= in.max {
		clear(in.m)
	}
	c := interned{s: strings.Clone(s)}
	in.m[c.s] = c
	return c
}
