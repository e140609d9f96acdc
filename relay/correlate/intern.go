package correlate

import (
	"encoding/binary"
	"hash/maphash"
	"unsafe"

	"github.com/nomenhq/nomen/relay/stage/arena"
	"github.com/nomenhq/nomen/relay/stage/tagindex"
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
	seed maphash.Seed
	idx  tagindex.Index[*byte] // each place's copy: its length (uvarint), then its bytes
	n    int                   // strings held
	max  int
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
	tag, tags := tagindex.Tag(h), in.idx.Tags
	if tags != nil {
		m := len(tags) - 1
		for j := int(h) & m; ; j = (j + 1) & m {
			t := tags[j]
			if t == 0 {
				break
			}
			if t == tag {
				if c := copyAt(in.idx.Slots[j]); c == string(s) {
					return c
				}
			}
		}
	}
	if in.n >= in.max {
		in.idx, in.n = tagindex.Index[*byte]{}, 0
	}
	if 2*(in.n+1) > in.idx.Len() {
		in.idx.Grow(minSlots, func(p *byte) uint64 { return maphash.String(in.seed, copyAt(p)) })
	}
	p := binary.AppendUvarint(make([]byte, 0, arena.UvarintLen(len(s))+len(s)), uint64(len(s)))
	l := len(p)
	p = append(p, s...)
	in.idx.Place(h, &p[0])
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
