package event

import (
	"slices"
	"strings"
)

// nestWriter writes dotted keys, given in byte order, as nested JSON
// objects. A key that collides with an object path ("a" and "a.b") keeps
// the first one written: JSON cannot hold both.
//
// Keys are named by id: a derived key by its index d, a decoder's by
// numDerived + its index in fields. The state holds no pointer that changes
// (the JSON goes to the callers' dst): stores of pointers through a pointer
// cost a GC write barrier each while the collector runs, as it often does
// in a busy relay.
type nestWriter struct {
	fields []Field // the event's, for the keys of the ids above numDerived
	// prev is the id of the last key written, -1 before the first. The
	// innermost open object is its path up to its last '.', openLen bytes
	// long (0: the root), and the next key after a derived one, when
	// derived too, a constant (derivedTrans).
	prev    int
	openLen int
	// plan is the KeyPlan the fields follow, nil if none (planAt: their
	// indexes in it), set once per document.
	plan   *KeyPlan
	planAt []uint8
}

func (w *nestWriter) keyOf(id int) string {
	if id < numDerived {
		return derivedKeys[id]
	}
	return w.fields[id-numDerived].Key
}

// derivedKeyAfterField writes the key of derived key d after a decoder's
// key: it closes what it needs, then opens the rest. (After none or a
// derived key, appendDerived writes the key itself: derivedTrans holds
// it, and a call per key would cost more than the work.)
func (w *nestWriter) derivedKeyAfterField(dst []byte, d int) ([]byte, bool) {
	if w.plan != nil {
		return w.derivedKeyAfterPlanned(dst, d), true
	}
	key, p := derivedKeys[d], w.keyOf(w.prev)
	if under(key, p) {
		return dst, false
	}
	dst, _, depth := closeTo(dst, p[:w.openLen], key)
	dst = append(dst, derivedOpen[d][depth]...)
	w.prev, w.openLen = d, derivedOpenLen[d]
	return dst, true
}

// under reports whether key is under path p ("a.b" under "a"): p, a scalar
// already written, cannot become an object.
func under(key, p string) bool {
	return len(key) > len(p) && key[len(p)] == '.' && key[:len(p)] == p
}

// closeTo closes the objects of open, the path of the innermost open object
// (with trailing '.'), that key is not in. It returns the length of the
// path still open, the longest prefix of open that ends in '.' and that
// key starts with, and the number of objects on it.
func closeTo(dst []byte, open, key string) (_ []byte, keep, depth int) {
	for i := 0; i < len(open) && i < len(key) && open[i] == key[i]; i++ {
		if open[i] == '.' {
			keep, depth = i+1, depth+1
		}
	}
	for i := keep; i < len(open); i++ {
		if open[i] == '.' {
			dst = append(dst, '}')
		}
	}
	return dst, keep, depth
}

// key closes and opens objects as needed and writes `"leaf":` for key, of
// id id; false means the key cannot be written (collision) and its value
// must be skipped.
func (w *nestWriter) key(dst []byte, key string, id int) ([]byte, bool) {
	if key == "" {
		return dst, false
	}
	first := w.prev < 0 // nothing written yet in the innermost object
	keep := 0
	if !first {
		p := w.keyOf(w.prev)
		if under(key, p) {
			return dst, false
		}
		dst, keep, _ = closeTo(dst, p[:w.openLen], key)
	}
	// Open objects for the remaining path segments, in one pass that also
	// finds the segments with no byte to escape (the usual case): those
	// are copied as they are.
	rest := key[keep:]
	start, plain := 0, true
	for i := 0; i < len(rest); i++ {
		switch keyByte[rest[i]] {
		case keyPlain:
		case keyDot:
			if !first {
				dst = append(dst, ',')
			}
			if plain { // written here: a call per segment cost more
				dst = append(dst, '"')
				dst = append(dst, rest[start:i]...)
				dst = append(dst, '"', ':', '{')
			} else {
				dst = append(appendJSONString(dst, rest[start:i]), ':', '{')
			}
			first, start, plain = true, i+1, true
		default:
			plain = false
		}
	}
	rest = rest[start:]
	if !first {
		dst = append(dst, ',')
	}
	if plain {
		dst = append(dst, '"')
		dst = append(dst, rest...)
		dst = append(dst, '"', ':')
	} else {
		dst = append(appendJSONString(dst, rest), ':')
	}
	w.prev, w.openLen = id, len(key)-len(rest)
	return dst, true
}

// keyByte classes the bytes of keys, for key to look at each once.
var keyByte = func() (t [256]uint8) {
	for c := range t {
		if !jsonSafe[c] {
			t[c] = keyEscape
		}
	}
	t['.'] = keyDot
	return
}()

const (
	keyPlain = iota
	keyDot
	keyEscape
)

// close closes the open objects and the document.
func (w *nestWriter) close(dst []byte) []byte {
	if w.prev < numDerived {
		return append(dst, derivedClose[w.prev+1]...)
	}
	return w.closeSlow(dst)
}

func (w *nestWriter) closeSlow(dst []byte) []byte {
	if w.plan != nil {
		return w.closePlanned(dst)
	}
	if w.prev >= 0 {
		open := w.keyOf(w.prev)[:w.openLen]
		for i := 0; i < len(open); i++ {
			if open[i] == '.' {
				dst = append(dst, '}')
			}
		}
	}
	return append(dst, '}')
}

// The derived keys' JSON, worked out once: derivedTrans[p+1][d] is what
// derived key d adds after derived key p (p = -1: as the document's first
// key), derivedClose[p+1] what closes the document after p, derivedOpen[d][n]
// what d adds after a decoder's key with the first n objects of d's path
// open, and derivedOpenLen[d] the length of the path open after d. The
// texts of d end in derivedLead[d] (json.go).
var (
	derivedTrans   [numDerived + 1][numDerived]keyText
	derivedClose   [numDerived + 1]string
	derivedOpen    [numDerived][]string
	derivedOpenLen [numDerived]int
)

func init() {
	for p := -1; p < numDerived; p++ {
		// The state after writing p does not depend on what came before.
		start := nestWriter{prev: -1}
		if p >= 0 {
			start.key(nil, derivedKeys[p], p)
			derivedOpenLen[p] = start.openLen
		}
		for d := p + 1; d < numDerived; d++ {
			w := start
			b, ok := w.key(nil, derivedKeys[d], d)
			if !ok {
				panic("event: derived key " + derivedKeys[d] + " collides with " + derivedKeys[p])
			}
			derivedTrans[p+1][d] = newKeyText(string(b) + derivedLead[d])
		}
		derivedClose[p+1] = string(start.closeSlow(nil))
	}
	for d, key := range derivedKeys {
		if plainLen(key) != len(key) {
			panic("event: derived key " + key + " needs escaping")
		}
		segs := strings.Split(key, ".")
		for n := range len(segs) {
			b := []byte{','}
			for _, s := range segs[n : len(segs)-1] {
				b = append(append(append(b, '"'), s...), `":{`...)
			}
			b = append(append(append(b, '"'), segs[len(segs)-1]...), `":`...)
			b = append(b, derivedLead[d]...)
			derivedOpen[d] = append(derivedOpen[d], string(b))
		}
	}
	initCodeAndName()
}

// keyText is a text of at most keyTextCap bytes (a derived key's, with
// what surrounds it), padded: appendKeyText copies it as one block of
// fixed size, a few vector moves, where append called memmove (~40
// instructions a key, ~27 keys a document).
type keyText struct {
	b [keyTextCap]byte
	n uint8
}

const keyTextCap = 48

func newKeyText(s string) (t keyText) {
	if len(s) > keyTextCap {
		panic("event: key text longer than keyTextCap: " + s)
	}
	t.n = uint8(copy(t.b[:], s))
	return t
}

func (t *keyText) String() string { return string(t.b[:t.n]) }

func appendKeyText(dst []byte, t *keyText) []byte {
	if cap(dst)-len(dst) < keyTextCap {
		dst = growKeyText(dst)
	}
	n := len(dst)
	*(*[keyTextCap]byte)(dst[n : n+keyTextCap]) = t.b
	return dst[:n+int(t.n)]
}

// growKeyText is appendKeyText's rare path, apart so that appendKeyText
// and derivedRun.key stay small enough to be inlined.
//
//go:noinline
func growKeyText(dst []byte) []byte { return slices.Grow(dst, keyTextCap) }
