// Package tagindex is the open-addressed index under the stages' compact
// sets of strings (the correlation interner, package keyset): linear
// probing over a table whose length is a power of two, and beside each
// slot a byte of its entry's hash (Tag; 0 marks an empty slot), so that a
// search compares only the entries whose byte matches. A slot holds where
// the entry is (a pointer, an arena offset): the owner keeps the entries
// and does the searches, which compare its own keys.
//
// There is no deletion: the owners only add, and start over or grow.
package tagindex

// Index is the table: Tags[j] is 0 for an empty slot j, else Tag of the
// hash of the entry Slots[j] locates.
type Index[S any] struct {
	Tags  []uint8
	Slots []S
}

// Tag is a slot's byte of hash h: its top bits, never 0 (an empty slot).
func Tag(h uint64) uint8 { return uint8(h>>56) | 1 }

// Len is the number of slots.
func (x *Index[S]) Len() int { return len(x.Tags) }

// Place files s, of hash h, in the first empty slot from h's on. The
// table must have one.
func (x *Index[S]) Place(h uint64, s S) {
	m := len(x.Tags) - 1
	j := int(h) & m
	for x.Tags[j] != 0 {
		j = (j + 1) & m
	}
	x.Tags[j], x.Slots[j] = Tag(h), s
}

// Grow doubles the table (to min slots at least, a power of two) and
// files every entry again, by hash.
func (x *Index[S]) Grow(min int, hash func(S) uint64) {
	tags, slots := x.Tags, x.Slots
	n := max(min, 2*len(tags))
	x.Tags, x.Slots = make([]uint8, n), make([]S, n)
	for j, t := range tags {
		if t != 0 {
			x.Place(hash(slots[j]), slots[j])
		}
	}
}
