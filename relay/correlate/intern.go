package correlate

import "strings"

// interner hands out copies of strings that rule state keeps (hosts, users,
// images, addresses), one copy per distinct value: an event's strings point
// into its raw message, which state must not pin, and copying each value
// anew for every process or window costs an allocation and GC work per
// event for values that repeat all day.
//
// It is bounded: past max distinct strings it starts over (the copies it
// handed out stay valid; they are just no longer shared).
type interner struct {
	m   map[string]string
	max int
}

func newInterner(max int) *interner {
	return &interner{m: make(map[string]string), max: max}
}

// get returns an owned copy of s, shared with earlier calls for equal s.
func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in.m[s]; ok {
		return c
	}
	return in.add(s)
}

// getBytes is get for a string in a byte slice (no allocation when known).
func (in *interner) getBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if c, ok := in.m[string(b)]; ok {
		return c
	}
	return in.add(string(b))
}

func (in *interner) add(s string) string {
	if len(in.m) >= in.max {
		clear(in.m)
	}
	c := strings.Clone(s)
	in.m[c] = c
	return c
}
