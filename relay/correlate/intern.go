package correlate

import (
	"encoding/binary"
	"hash/maphash"
	"unsafe"
)

// interner hands out copies of strings that rule state keeps (hosts, users,
// images, addresses), one copy per distinct value: an event's strings point
// into its raw message, which state must not pin, and copying each value
// anew for every process or window costs an allocation and GC work per
// event for values that repeat all day.
//
// It is bounded: past max distinct strings it starts over (the copies it
// handed out stay valid; they are just no longer shared), with a new
// table, so that it does not keep its peak's.
//
// Laid out for memory (issue #17: up to 65,536 strings of ~10 bytes): an
// open-addressed table (linear probing, at most half full) of pointers to
// the copies, each one allocation of its length (a uvarint) and bytes,
// and beside it a byte of each hash (0: an empty place) so that a search
// reads only the copies whose byte matches: 9 bytes a place. At its
// bound, 65,536 strings of 10 bytes, it holds 34 bytes a string (the
// table 18, the copy 16), where a map[string]string of the copies held
// 96 (BenchmarkInternerFull), and clear kept that table after starting
// over. Each copy is
// its own allocation, not bytes in a shared arena: a string a process
// record keeps for a day pins its own bytes, not a page of strings
// since forgotten.
type interner struct {
	seed  maphash.Seed
	tags  []uint8 // hash byte of each place (tagOf), 0: empty
	slots []*byte // each place's copy: its length (uvarint), then its bytes
	n     int     // strings held
	max   int
}

func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// minSlots is the first table's size (a power of two).
const minSlots = 16

func newInterner(max int) *interner {
	return &interner{seed: maphash.MakeSeed(), max: max}
}

// get returns an owned copy of s, shared with earlier calls for equal s.
func (in *interner) get(s string) string { return internIn(in, s) }

// getBytes is get for a string in a byte slice (no allocation when known).
func (in *interner) getBytes(b []byte) string { return internIn(in, b) }

// tagOf is a place's byte of hash h: never 0 (an empty place).
func tagOf(h uint64) uint8 { return uint8(h>>56) | 1 }

func internIn[K string | []byte](in *interner, s K) string {
	if len(s) == 0 {
		return ""
	}
	var h uint64
	if b, ok := any(s).([]byte); ok {
		h = maphash.Bytes(in.seed, b)
	} else {
		h = maphash.String(in.seed, string(s))
	}
	tag := tagOf(h)
	if in.tags != nil {
		m := len(in.tags) - 1
		for j := int(h) & m; ; j = (j + 1) & m {
			t := in.tags[j]
			if t == 0 {
				break
			}
			if t == tag {
				if c := copyAt(in.slots[j]); c == string(s) {
					return c
				}
			}
		}
	}
	if in.n >= in.max {
		in.tags, in.slots, in.n = nil, nil, 0
	}
	if 2*(in.n+1) > len(in.tags) {
		in.grow()
	}
	p := binary.AppendUvarint(make([]byte, 0, uvarintLen(len(s))+len(s)), uint64(len(s)))
	l := len(p)
	p = append(p, s...)
	in.place(h, &p[0])
	in.n++
	return unsafe.String(&p[l], len(s))
}

// copyAt returns the string whose copy starts at p (read a byte at a
// time: the copy may be shorter than a uvarint's longest).
func copyAt(p *byte) string {
	q := unsafe.Pointer(p)
	var l uint64
	for shift := uint(0); ; shift += 7 {
		b := *(*byte)(q)
		q = unsafe.Add(q, 1)
		l |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return unsafe.String((*byte)(q), int(l))
		}
	}
}

// place files the copy at p, of hash h, at the first empty place from
// its hash's on.
func (in *interner) place(h uint64, p *byte) {
	m := len(in.tags) - 1
	j := int(h) & m
	for in.tags[j] != 0 {
		j = (j + 1) & m
	}
	in.tags[j], in.slots[j] = tagOf(h), p
}

// grow doubles the table and files the copies again.
func (in *interner) grow() {
	tags, slots := in.tags, in.slots
	n := max(minSlots, 2*len(tags))
	in.tags, in.slots = make([]uint8, n), make([]*byte, n)
	for j, p := range slots {
		if tags[j] != 0 {
			in.place(maphash.String(in.seed, copyAt(p)), p)
		}
	}
}
