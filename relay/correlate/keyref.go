package correlate

import (
	"bytes"
	"encoding/binary"
)

// A window or waiting pair keeps its related.* values in its entry's
// extra bytes in a stored form that writes a value equal to one of the
// group key's values as a reference to it: a rule grouping by source.ip
// counts events whose related.ip is that address, one by user.name and
// host.name events whose related.user and related.hosts are those, and
// the map holds the key already (issue #17: 8–18 bytes of a window's
// or pair's ~42–46 in the arena). Each stored value is a uvarint head,
// its length << 1 followed by its bytes, or the key's value number << 1
// | 1 and no bytes. related.vals (the form add, lists and the finding
// work on) keeps its values whole: storeVals and loadVals convert at
// the map's edge, with the key at hand (snapshots write the lists
// whole, as before).

// keyValueIndex returns the number of the value of group key that is s
// (its values are separated by keySep), or -1.
func keyValueIndex(key, s []byte) int {
	for i := 0; ; i++ {
		v, rest, more := bytes.Cut(key, []byte{keySep})
		if bytes.Equal(v, s) {
			return i
		}
		if !more {
			return -1
		}
		key = rest
	}
}

// keyValue returns value i of group key (empty if it has fewer).
func keyValue(key []byte, i int) []byte {
	for ; i > 0; i-- {
		j := bytes.IndexByte(key, keySep)
		if j < 0 {
			return nil
		}
		key = key[j+1:]
	}
	if j := bytes.IndexByte(key, keySep); j >= 0 {
		return key[:j]
	}
	return key
}

// storeVals appends vals (related.vals) in their stored form for a map
// entry of group key.
func storeVals(dst, vals, key []byte) []byte {
	for pos := 0; pos < len(vals); {
		l, w := binary.Uvarint(vals[pos:])
		s := vals[pos+w : pos+w+int(l)]
		pos += w + int(l)
		if i := keyValueIndex(key, s); i >= 0 {
			dst = binary.AppendUvarint(dst, uint64(i)<<1|1)
			continue
		}
		dst = append(binary.AppendUvarint(dst, uint64(l)<<1), s...)
	}
	return dst
}

// loadVals is storeVals' reverse: it appends stored values (of an entry
// of group key) as related.vals holds them.
func loadVals(dst, stored, key []byte) []byte {
	for pos := 0; pos < len(stored); {
		h, w := binary.Uvarint(stored[pos:])
		pos += w
		var s []byte
		if h&1 != 0 {
			s = keyValue(key, int(h>>1))
		} else {
			s = stored[pos : pos+int(h>>1)]
			pos += int(h >> 1)
		}
		dst = append(binary.AppendUvarint(dst, uint64(len(s))), s...)
	}
	return dst
}

// storedEnd returns where the first n stored values of x end.
func storedEnd(x []byte, n int) int {
	pos := 0
	for range n {
		h, w := binary.Uvarint(x[pos:])
		pos += w
		if h&1 == 0 {
			pos += int(h >> 1)
		}
	}
	return pos
}
