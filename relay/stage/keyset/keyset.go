// Package keyset is a set of byte strings for a stage that only adds to
// it and asks whether it holds one (the process tracker's audited hosts):
// no order, no values, no deletion, so nothing per key but the key's
// bytes and its place in the index.
//
// It is not safe for concurrent use (the stages are single-goroutine).
package keyset

import (
	"hash/maphash"
	"math"

	"github.com/nomenhq/nomen/relay/stage/arena"
	"github.com/nomenhq/nomen/relay/stage/tagindex"
)

// Set is a set of byte strings. The zero value is not usable; call New.
//
// Laid out for memory, as lru.Map is, without what a map of keys alone
// does not need (a node of 12 bytes a key: where its key is, and two
// links of an order nobody reads): the keys are records (a uvarint
// length, then the bytes: package arena's records) in its pages of
// 64 KiB, and the index
// is a table of their places in the arena (4 bytes a place) with a byte
// of each key's hash beside it (0: an empty place), so that a search
// reads only the keys whose byte matches. It uses linear probing up to
// 7/8 full (a search scans the hash bytes, a few in a row, not the
// keys). Neither the arena nor the index holds a pointer: the collector
// has nothing to mark in it.
type Set struct {
	seed maphash.Seed
	idx  tagindex.Index[uint32] // each place's key: its record's place in the arena
	keys arena.Pages
	n    int
	mask uint64 // of the hashes: all ones (tests narrow it to make keys collide)
}

// firstPage is the capacity of the arena's first page (it grows up to a
// page): a set of a few keys holds a few bytes.
const firstPage = 256

// New returns an empty set.
func New() *Set { return &Set{seed: maphash.MakeSeed(), mask: ^uint64(0)} }

// Len returns the number of keys.
func (s *Set) Len() int { return s.n }

// Has reports whether s holds key.
func (s *Set) Has(key []byte) bool {
	_, ok := s.find(key, s.hash(key))
	return ok
}

// Add adds key (a copy) and reports whether it was not there. It adds
// nothing, and reports false, once the key's record would end past the
// arena's 4 GiB of places (its pages' unused ends and a page's number for
// each 64 KiB of a long key count).
func (s *Set) Add(key []byte) bool {
	h := s.hash(key)
	if _, ok := s.find(key, h); ok {
		return false
	}
	need := arena.Size(len(key), 0)
	if at, _ := s.keys.Spot(need); at+uint64(need) > math.MaxUint32 {
		return false // no place left to number
	}
	off := s.keys.Ready(need, firstPage)
	p := s.keys.Last()
	*p = arena.AppendRecord(*p, key, nil)
	s.n++
	if 8*s.n > 7*s.idx.Len() {
		s.idx.Grow(8, func(off uint32) uint64 { return s.hash(s.key(off)) })
	}
	s.idx.Place(h, off)
	return true
}

// All calls fn for every key (in no order) until fn returns false. The
// keys are copies.
func (s *Set) All(fn func(key string) bool) {
	for j, t := range s.idx.Tags {
		if t != 0 && !fn(string(s.key(s.idx.Slots[j]))) {
			return
		}
	}
}

func (s *Set) hash(key []byte) uint64 { return maphash.Bytes(s.seed, key) & s.mask }

// find returns the place of key, of hash h, and whether it is there.
func (s *Set) find(key []byte, h uint64) (int, bool) {
	tags := s.idx.Tags
	if len(tags) == 0 {
		return 0, false
	}
	tag, m := tagindex.Tag(h), len(tags)-1
	for j := int(h) & m; ; j = (j + 1) & m {
		switch tags[j] {
		case 0:
			return j, false
		case tag:
			if string(s.key(s.idx.Slots[j])) == string(key) {
				return j, true
			}
		}
	}
}

// key returns the key at off in the arena.
func (s *Set) key(off uint32) []byte { return arena.Key(s.keys.Rec(off)) }
