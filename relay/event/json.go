package event

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Encoder writes events as ECS JSON documents. It is not safe for concurrent
// use; each output worker owns one (it keeps scratch space between calls).
type Encoder struct {
	// Observer is observer.hostname: the relay's own name.
	Observer string
	// Omit, if set, leaves out the fields (decoder-set or derived) whose
	// dotted key it returns true for: for outputs that keep some fields
	// elsewhere (the postgres output's typed columns).
	Omit func(key string) bool

	order []sortKey // the event's Fields, in key order
	// The texts of @timestamp and event.created, which rarely change second.
	timestamp, created timeCache
	// plainTail is how many bytes at the end of the event.original just
	// written needed no escaping (0 until it is written).
	plainTail int
}

// AppendJSON appends e as one ECS JSON object (no trailing newline).
//
// Keys are emitted in byte order of their dotted paths, so equal events give
// equal bytes (golden files stay stable) and nesting falls out of the order:
// every key under "a." sorts between the first and last such key. The
// decoder fields (sorted) and the derived fields (already in order) are
// merged while writing, without an intermediate list.
func (enc *Encoder) AppendJSON(dst []byte, e *Event) []byte {
	fs := e.Fields
	order := sortedFields(enc.order[:0], fs)
	enc.order = order
	enc.plainTail = 0
	w := nestWriter{fields: fs, prev: -1}
	dst = append(dst, '{')
	d := 0
	for i := range order {
		k, key := &order[i], fs[order[i].i].Key
		end := d // the derived keys before key
		for end < numDerived && derivedSortKeys[end].less(k, derivedKeys[end], key) {
			end++
		}
		dst = enc.appendDerived(dst, &w, e, d, end)
		d = end
		if d < numDerived && derivedKeys[d] == key {
			d++ // overridden by the decoder's field
		}
		dst = enc.appendField(dst, &w, e, int(k.i))
	}
	dst = enc.appendDerived(dst, &w, e, d, numDerived)
	return w.close(dst)
}

// sortKey is a key to sort: its first 16 bytes, zero-padded, as two
// big-endian numbers, and its field's index. Comparing the numbers
// compares the keys when they differ, as they mostly do: without a call,
// and without loading the key.
type sortKey struct {
	hi, lo uint64
	i      int32
}

func newSortKey(key string, i int32) sortKey {
	if len(key) >= 16 { // two loads, inline (be8 is a call)
		return sortKey{bits.ReverseBytes64(load64(key, 0)), bits.ReverseBytes64(load64(key, 8)), i}
	}
	return sortKey{be8(key), be8(key[min(8, len(key)):]), i}
}

// be8 returns the first 8 bytes of s, zero-padded, big-endian.
func be8(s string) uint64 {
	var x uint64 // little-endian, zero-padded
	switch n := len(s); {
	case n >= 8:
		x = load64(s, 0)
	case n >= 4:
		// The first and the last 4 bytes, overlapping: the bytes both
		// hold are equal, and OR keeps them.
		x = load32(s, 0) | load32(s, n-4)<<(8*(n-4))
	case n > 0:
		x = uint64(s[0]) | uint64(s[n/2])<<(8*(n/2)) | uint64(s[n-1])<<(8*(n-1))
	}
	return bits.ReverseBytes64(x)
}

// less reports whether a (of key ka) sorts before b (of key kb).
func (a *sortKey) less(b *sortKey, ka, kb string) bool {
	if a.hi != b.hi {
		return a.hi < b.hi
	}
	if a.lo != b.lo {
		return a.lo < b.lo
	}
	return ka < kb
}

var derivedSortKeys = func() (ks [numDerived]sortKey) {
	for d, k := range derivedKeys {
		ks[d] = newSortKey(k, -1)
	}
	return
}()

// sortedFields appends to order the fields of fs sorted by key, keeping of
// each key only the field set last. It sorts sortKeys rather than the
// fields themselves: moving Fields (strings inside) costs a GC write
// barrier per pointer, and the event's own order is left alone.
func sortedFields(order []sortKey, fs []Field) []sortKey {
	for i := range fs {
		order = append(order, newSortKey(fs[i].Key, int32(i)))
	}
	less := func(a, b *sortKey) bool { // stable: equal keys keep the order they were set in
		if a.hi != b.hi || a.lo != b.lo {
			return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo
		}
		ka, kb := fs[a.i].Key, fs[b.i].Key
		return ka < kb || ka == kb && a.i < b.i
	}
	if len(order) <= 64 {
		// Binary insertion sort: there are few fields, often set in
		// order, and copy moves a run of entries at once.
		for i := 1; i < len(order); i++ {
			x := order[i]
			if !less(&x, &order[i-1]) {
				continue
			}
			lo, hi := 0, i-1 // x goes before the first entry it sorts before
			for lo < hi {
				if m := int(uint(lo+hi) >> 1); less(&x, &order[m]) {
					hi = m
				} else {
					lo = m + 1
				}
			}
			copy(order[lo+1:i+1], order[lo:i])
			order[lo] = x
		}
	} else {
		slices.SortFunc(order, func(a, b sortKey) int {
			if c := strings.Compare(fs[a.i].Key, fs[b.i].Key); c != 0 {
				return c
			}
			return int(a.i - b.i)
		})
	}
	// Of each run of equal keys keep the last: the value set last.
	out := order[:0]
	for i, x := range order {
		if i+1 < len(order) && order[i+1].hi == x.hi && order[i+1].lo == x.lo && fs[order[i+1].i].Key == fs[x.i].Key {
			continue
		}
		out = append(out, x)
	}
	return out
}

// appendField appends decoder field e.Fields[x] with its key.
func (enc *Encoder) appendField(dst []byte, w *nestWriter, e *Event, x int) []byte {
	f := &e.Fields[x]
	if enc.Omit != nil && enc.Omit(f.Key) {
		return dst
	}
	dst, ok := w.key(dst, f.Key, numDerived+x)
	if !ok {
		return dst
	}
	if f.Val.Type == typeSD {
		return appendSD(dst, e.SD)
	}
	return appendValue(dst, &f.Val)
}

func appendValue(dst []byte, v *Value) []byte {
	switch v.Type {
	case TypeString:
		return appendJSONString(dst, v.Str)
	case TypeInt:
		return appendInt(dst, v.Num)
	case TypeFloat:
		if math.IsNaN(v.F) || math.IsInf(v.F, 0) {
			return append(dst, "null"...)
		}
		return strconv.AppendFloat(dst, v.F, 'g', -1, 64)
	case TypeBool:
		if v.Num != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case TypeStrings:
		dst = append(dst, '[')
		for i, s := range v.List {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, s)
		}
		return append(dst, ']')
	case TypeJSON:
		if v.Str == "" {
			return append(dst, "null"...)
		}
		return append(dst, v.Str...)
	case typeTime:
		dst = append(dst, '"')
		dst = appendTime(dst, v.Num)
		return append(dst, '"')
	case typeNumString:
		dst = append(dst, '"')
		dst = appendInt(dst, v.Num)
		return append(dst, '"')
	}
	return append(dst, "null"...)
}

// appendInt is strconv.AppendInt(dst, n, 10) with a short road for the
// numbers below 10,000 most of a document's are (facility, severity and
// priority codes, process IDs, ports): strconv's general loop cost ~80
// instructions each, several times per event.
func appendInt(dst []byte, n int64) []byte {
	switch {
	case uint64(n) < 10:
		return append(dst, byte('0'+n))
	case uint64(n) < 100:
		return append(dst, byte('0'+n/10), byte('0'+n%10))
	case uint64(n) < 1000:
		return append(dst, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
	case uint64(n) < 10000:
		return append(dst, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
	}
	return strconv.AppendInt(dst, n, 10)
}

// AppendJSONString appends s as a JSON string, replacing invalid UTF-8 with
// U+FFFD as encoding/json does.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s) }

// jsonSafe tells the bytes that a JSON string holds as they are: ASCII
// from 0x20 up but '"' and '\\' (bytes from 0x80 up need UTF-8 checks).
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return
}()

const hexDigits = "0123456789abcdef"

const (
	lo7 = 0x0101010101010101
	hi7 = 0x8080808080808080
)

// load64 reads s[i:i+8] little-endian. The compiler makes it one load
// only after the one bounds check of the slicing: indexing s[i+7] and its
// neighbours directly costs a check (two instructions) per byte and eight
// byte loads.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// unsafe8 flags (high bit of each byte) the bytes of x that are not
// jsonSafe, with the "has zero byte" bit tricks. Only the lowest flag is
// sure to be a true one: borrows, which start at true ones, may flag bytes
// above it. (The usual "&^ x" of the tricks is left out: it only clears
// flags of bytes from 0x80 up, which x itself flags.)
func unsafe8(x uint64) uint64 {
	q := x ^ (lo7 * '"')
	bs := x ^ (lo7 * '\\')
	return (x | (x - lo7*0x20) | (q - lo7) | (bs - lo7)) & hi7
}

// plainLen returns n such that s[:n] is made of jsonSafe bytes, n ==
// len(s) if and only if all of s is: the case for most keys and values.
func plainLen(s string) int {
	switch {
	case len(s) >= 8:
		i := 0
		for ; i+8 <= len(s); i += 8 {
			if m := unsafe8(load64(s, i)); m != 0 {
				return i + bits.TrailingZeros64(m)>>3
			}
		}
		// The last 8 bytes, overlapping checked ones: those are not
		// flagged, so the lowest flag is still a true one.
		if i < len(s) {
			if m := unsafe8(load64(s, len(s)-8)); m != 0 {
				return len(s) - 8 + bits.TrailingZeros64(m)>>3
			}
		}
		return len(s)
	case len(s) >= 4:
		// Short values, like most of the derived ones: the first and
		// the last 4 bytes in one word.
		x := load32(s, 0) | load32(s, len(s)-4)<<32
		if unsafe8(x) != 0 {
			return 0
		}
		return len(s)
	}
	for i := 0; i < len(s); i++ {
		if !jsonSafe[s[i]] {
			return i
		}
	}
	return len(s)
}

// maxShortPlain is the longest string copyPlain takes: most of a
// document's values (names, codes, addresses) are shorter, and longer ones
// go faster through plainLen and one memmove.
const maxShortPlain = 32

// copyPlain copies s, at most maxShortPlain bytes, to d (len(d) > len(s))
// and reports whether s is all jsonSafe bytes: the check and the copy in
// one pass over 8-byte words, without the calls of plainLen and memmove
// that cost several times the work for a short value. When s is not plain
// d holds garbage, which the caller's escaping path overwrites.
func copyPlain(d []byte, s string) bool {
	switch {
	case len(s) >= 8:
		// Words from the start, then the last 8 bytes, overlapping.
		// unsafe8 flags nothing in a word without a true flag, so the
		// flags' OR is zero exactly when every byte is plain.
		var m uint64
		for i := 0; i < len(s)-8; i += 8 {
			x := load64(s, i)
			m |= unsafe8(x)
			binary.LittleEndian.PutUint64(d[i:], x)
		}
		x := load64(s, len(s)-8)
		binary.LittleEndian.PutUint64(d[len(s)-8:], x)
		return m|unsafe8(x) == 0
	case len(s) >= 4:
		x := load32(s, 0) | load32(s, len(s)-4)<<32
		binary.LittleEndian.PutUint32(d, uint32(x))
		binary.LittleEndian.PutUint32(d[len(s)-4:], uint32(x>>32))
		return unsafe8(x) == 0
	}
	for i := 0; i < len(s); i++ {
		if !jsonSafe[s[i]] {
			return false
		}
		d[i] = s[i]
	}
	return true
}

func load32(s string, i int) uint64 {
	s = s[i : i+4]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24
}

func appendJSONString(dst []byte, s string) []byte {
	return appendQuoted(append(dst, '"'), s)
}

// appendQuoted is appendJSONString after the opening quote.
func appendQuoted(dst []byte, s string) []byte {
	if n := len(dst); len(s) <= maxShortPlain && cap(dst)-n > len(s) {
		if d := dst[n : n+len(s)+1]; copyPlain(d, s) {
			d[len(s)] = '"'
			return dst[:n+len(s)+1]
		}
	}
	i := plainLen(s)
	if i == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	dst, _ = appendJSONEscaped(dst, s, i)
	return dst
}

// appendOriginal is appendQuoted for event.original that also returns
// the length of the tail of s written as it is (no byte escaped, none from
// 0x80 up). The message is mostly a suffix of the original: when it lies
// in that tail, it is written without being scanned again.
func appendOriginal(dst []byte, s string) ([]byte, int) {
	i := plainLen(s)
	if i == len(s) {
		dst = append(dst, s...)
		return append(dst, '"'), len(s)
	}
	dst, from := appendJSONEscaped(dst, s, i)
	return dst, len(s) - from
}

// plainSuffix reports whether m is a suffix of orig in memory (sliced from
// it), within its last plain bytes.
func plainSuffix(m, orig string, plain int) bool {
	return len(m) <= plain && len(m) <= len(orig) && len(m) > 0 &&
		unsafe.StringData(m) == unsafe.StringData(orig[len(orig)-len(m):])
}

// appendJSONEscaped appends s from s[i] on, s[:i] being plain, and the
// closing quote. It also returns where the plain tail of s starts: past
// the last byte escaped or from 0x80 up.
func appendJSONEscaped(dst []byte, s string, i int) ([]byte, int) {
	start, plain := 0, i
	for i < len(s) {
		// Skip 8 plain bytes at a time, the common case for log text.
		for i+8 <= len(s) {
			if m := unsafe8(load64(s, i)); m != 0 {
				// The lowest flagged byte is a true one: go straight to it.
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start, plain = i, i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start, plain = i, i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start, plain = i, i
			continue
		}
		i += size
		plain = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), plain
}
