package event

// KeyIndex finds a fixed set of keys in an event's fields with one pass
// over them, for code that asks every event for the same keys (a sink
// mapping fields to columns, the correlation stage's memo): a Field call
// per key would scan the fields once per key.
//
// Each field costs a hash of its key's length and last 8 bytes and one
// table load, whatever the number of keys. A name found there is
// compared by its fingerprint (length, first and last 8 bytes, or all of
// a key shorter than 8), which is the whole key up to 16 bytes, so that
// most keys are told apart without comparing strings. The table (slots)
// is indexed by the hash's top bits; names whose hashes collide are
// chained (next), and the multiplier is chosen, when the index is made,
// to leave as few collisions as it can.
type KeyIndex struct {
	names []string
	// Arrays of MaxKeyIndex, indexed by an entry's low bits without a
	// bounds check: fewer registers in Find's loop.
	fps  *[MaxKeyIndex]fingerprint // fingerprint of names[i]
	full *[MaxKeyIndex]string      // names
	next *[MaxKeyIndex]uint8       // next[i]: the slot's entry after names[i], 0: none
	mul  uint64
	// slots: the entry of the first name of the slot (present | its
	// index), 0: none; chained set when the name has a next: Find's loop
	// loads next only then, and the multiplier mostly leaves every slot
	// one name or none.
	slots [1 << slotBits]uint8
}

// The bits of an entry of slots and next besides the name's index.
const (
	present = 0x40
	chained = 0x80
)

// slotBits: 1024 slots, at least 16 per name, so that a multiplier
// without collisions is found in a few tries; a byte each (1 KiB, in
// cache).
const slotBits = 10

// MaxKeyIndex is how many keys a KeyIndex holds.
const MaxKeyIndex = 64

type fingerprint struct {
	n    int
	a, b uint64
}

// fingerprintOf is s's fingerprint: a is its last 8 bytes and b its
// first 8 (keys of at least 8 bytes), or a all of it (shorter). Keys of
// up to 16 bytes with equal fingerprints are equal. Find computes the
// same inline (its loop makes no call, which would have it keep its
// variables on the stack); TestKeyIndexAgrees checks that they agree.
func fingerprintOf(s string) fingerprint {
	if n := len(s); n >= 8 {
		return fingerprint{n, load64(s, n-8), load64(s, 0)}
	}
	return fingerprint{len(s), short(s), 0}
}

// short is s, of less than 8 bytes, as a number.
func short(s string) uint64 {
	var a uint64
	for i := 0; i < len(s); i++ {
		a = a<<8 | uint64(s[i])
	}
	return a
}

// slot is the table index of a fingerprint of length n and last bytes a
// under multiplier mul (its first bytes are only compared: computing them
// for every field costs more than the rare collision they would avoid).
func slot(n int, a, mul uint64) uint64 {
	return ((a ^ uint64(n)) * mul) >> (64 - slotBits)
}

// NewKeyIndex returns the index of names (at most MaxKeyIndex of them).
func NewKeyIndex(names ...string) *KeyIndex {
	if len(names) > MaxKeyIndex {
		panic("event: more than MaxKeyIndex keys in a KeyIndex")
	}
	x := &KeyIndex{names: names, fps: new([MaxKeyIndex]fingerprint), full: new([MaxKeyIndex]string), next: new([MaxKeyIndex]uint8)}
	copy(x.full[:], names)
	for i, name := range names {
		x.fps[i] = fingerprintOf(name)
	}
	// Multipliers from a fixed sequence (odd, well mixed): the first
	// without collisions, else the one with fewest.
	best, fewest := uint64(0), len(names)+1
	m := uint64(0x9e3779b97f4a7c15)
	for try := 0; try < 256 && fewest > 0; try++ {
		m = m*0xbf58476d1ce4e5b9 + 0x94d049bb133111eb | 1
		var used [1 << slotBits]bool
		n := 0
		for _, f := range x.fps[:len(names)] {
			s := slot(f.n, f.a, m)
			if used[s] {
				n++
			}
			used[s] = true
		}
		if n < fewest {
			best, fewest = m, n
		}
	}
	x.mul = best
	for i := len(names) - 1; i >= 0; i-- { // chains in names order
		s := slot(x.fps[i].n, x.fps[i].a, x.mul)
		x.next[i] = x.slots[s]
		x.slots[s] = present | uint8(i)
		if x.next[i] != 0 {
			x.slots[s] |= chained
		}
	}
	return x
}

// none is Find's answer before it looks: no field for any key.
var none = func() (a [MaxKeyIndex]int32) {
	for i := range a {
		a[i] = -1
	}
	return a
}()

// Len returns how many keys x holds.
func (x *KeyIndex) Len() int { return len(x.names) }

// Find sets at[i] to the index in e.Fields of the field Field(names[i])
// would return (the last one set), or -1 if there is none. at must have
// Len entries. It reports whether a name was found more than once (a key
// set twice): then only its last field is in at.
func (x *KeyIndex) Find(e *Event, at []int32) (repeated bool) {
	copy(at, none[:])
	at = at[:len(x.names)]
	fields := e.Fields // not read again after each write to at
	var rep int32      // ^at[j] of each name found: not 0 once one was there before
	chains := false
	for i := range fields {
		k := fields[i].Key
		n := len(k)
		var a uint64 // fingerprintOf(k).a
		if n >= 8 {
			a = load64(k, n-8)
		} else {
			a = short(k)
		}
		s := x.slots[slot(n, a, x.mul)]
		if s < present {
			continue
		}
		if s >= chained { // a slot of several names: left to chain
			chains = true
			continue
		}
		j := int(s & (MaxKeyIndex - 1))
		if fp := &x.fps[j]; fp.a != a || fp.n != n || n >= 8 && fp.b != load64(k, 0) {
			continue
		}
		if n > 16 { // the bytes between the first and last 8 too
			name, off := x.full[j], 8
			for off < n-8 && load64(k, off) == load64(name, off) {
				off += 8
			}
			if off < n-8 {
				continue
			}
		}
		rep |= ^at[j]
		at[j] = int32(i)
	}
	if chains {
		rep |= x.chain(e.Fields, at) // (fields would be kept whole through the loop)
	}
	return rep != 0
}

// chain is Find's pass for the names of slots of more than one name,
// which the multiplier mostly leaves none of: Find's own loop then has no
// inner loop over a chain (in that form it cost more per field).
func (x *KeyIndex) chain(fields []Field, at []int32) (rep int32) {
	for i := range fields {
		k := fields[i].Key
		fp := fingerprintOf(k)
		s := x.slots[slot(fp.n, fp.a, x.mul)]
		if s < chained {
			continue
		}
		for ; s != 0; s = x.next[s&(MaxKeyIndex-1)] {
			j := int(s & (MaxKeyIndex - 1))
			if x.fps[j] == fp && x.full[j] == k {
				rep |= ^at[j]
				at[j] = int32(i) // no break: names may repeat
			}
		}
	}
	return rep
}
