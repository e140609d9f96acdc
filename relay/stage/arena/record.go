package arena

import "encoding/binary"

// A record is its head, a uvarint of the key's length << 1 | whether
// extra bytes follow (HasExtra), then the key, then if they do their
// length (a uvarint) and the extra bytes: a key without them (a set's
// key, a first_seen tuple, most keys of most maps) costs no byte for
// their length. The flag is the low bit of the head's first byte,
// whatever its length.
const HasExtra = 1

// Head is a record's head for a key of klen bytes, with extra bytes if x.
func Head(klen int, x bool) uint64 {
	h := uint64(klen) << 1
	if x {
		h |= HasExtra
	}
	return h
}

// KeySpan returns where the key of record r starts and ends.
func KeySpan(r []byte) (int, int) {
	if h := r[0]; h < 0x80 { // most keys are shorter than 64 bytes
		return 1, 1 + int(h>>1)
	}
	h, w := binary.Uvarint(r)
	return w, w + int(h>>1)
}

// Key returns the key of record r.
func Key(r []byte) []byte {
	start, end := KeySpan(r)
	return r[start:end]
}

// ExtraSpan returns where the extra bytes of record r, whose key ends at
// keyEnd, start and end.
func ExtraSpan(r []byte, keyEnd int) (int, int) {
	if r[0]&HasExtra == 0 {
		return keyEnd, keyEnd
	}
	if l := r[keyEnd]; l < 0x80 {
		return keyEnd + 1, keyEnd + 1 + int(l)
	}
	l, w := binary.Uvarint(r[keyEnd:])
	return keyEnd + w, keyEnd + w + int(l)
}

// RecordLen returns the length of record r.
func RecordLen(r []byte) int {
	_, kend := KeySpan(r)
	_, end := ExtraSpan(r, kend)
	return end
}

// Size is the length of a record of a key of klen bytes and xlen extra
// bytes.
func Size(klen, xlen int) int {
	n := UvarintLen(klen<<1) + klen
	if xlen > 0 {
		n += UvarintLen(xlen) + xlen
	}
	return n
}

// AppendRecord appends a record of key and extra bytes x (none if empty)
// to b.
func AppendRecord[K string | []byte](b []byte, key K, x []byte) []byte {
	b = append(binary.AppendUvarint(b, Head(len(key), len(x) > 0)), key...)
	if len(x) == 0 {
		return b
	}
	return append(binary.AppendUvarint(b, uint64(len(x))), x...)
}

// UvarintLen is the length of n as a uvarint.
func UvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}
