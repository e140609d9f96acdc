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

	order  []sortKey // the event's Fields, in key order
	planAt []uint8   // the event's Fields' indexes in its KeyPlan
	// skipPlan: the event's fields broke its plan, and AppendJSON
	// writes it again the usual way (appendPlannedDoc).
	skipPlan bool
	// The texts of @timestamp and event.created, which rarely change second.
	timestamp, created timeCache
	// plainHead and plainTail are how many bytes at the start and at the
	// end of the event.original just written needed no escaping (0 until
	// it is written).
	plainHead, plainTail int
	// source: the last run of the derived keys from nomen.input to
	// observer.type written, whose values are the same for every event
	// of a connection.
	source sourceRun
}

// AppendJSON appends e as one ECS JSON object (no trailing newline).
//
// Keys are emitted in byte order of their dotted paths, so equal events give
// equal bytes (golden files stay stable) and nesting falls out of the order:
// every key under "a." sorts between the first and last such key. The
// decoder fields (sorted) and the derived fields (already in order) are
// merged while writing, without an intermediate list.
//
// Its lines keep the offsets the committed profile (cmd/nomen/default.pgo)
// names its hot calls by (sortedFields +2, appendDerived +14 and +21,
// appendField +19): PGO finds a call site by its line in the function, and
// a line more above one loses its inlining until `make pgo`.
func (enc *Encoder) AppendJSON(dst []byte, e *Event) []byte {
	fs, plan := e.Fields, enc.planOf(e)
	order := sortedFields(enc.order[:0], unplanned(fs, plan))
	if plan != nil {
		return enc.appendPlannedDoc(dst, e, plan)
	}
	enc.order, enc.plainHead, enc.plainTail = order, 0, 0
	w, d := nestWriter{fields: fs, prev: -1}, 0
	dst = append(dst, '{')
	for i := range order {
		k, key, end := &order[i], fs[order[i].i].Key, d // end: the derived keys before key
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
		return appendSDOf(dst, e)
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

// JSONPlainLen returns n such that s[:n] needs no escaping in a JSON
// string (bytes from 0x20 to 0x7f but '"' and '\\'), n == len(s) if and
// only if all of s does: for the parser's check of structured data
// (SDBuilder.FinishJSONPlain).
func JSONPlainLen(s string) int { return plainLen(s) }

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
	dst, _, _ = appendEscaped(append(dst, s[:i]...), s, i)
	return dst
}

// appendOriginal is appendQuoted for event.original that also returns
// the lengths of the head and of the tail of s written as they are (no
// byte escaped, none from 0x80 up). The message is mostly a suffix of the
// original, and the header's strings lie in it: when they lie in the
// tail or the head, they are written without being looked at again.
func appendOriginal(dst []byte, s string) (_ []byte, head, tail int) {
	dst, head, from := appendEscaped(dst, s, 0)
	return dst, head, len(s) - from
}

// plainSuffix reports whether m is a suffix of orig in memory (sliced from
// it), within its last plain bytes.
func plainSuffix(m, orig string, plain int) bool {
	return len(m) <= plain && len(m) <= len(orig) && len(m) > 0 &&
		unsafe.StringData(m) == unsafe.StringData(orig[len(orig)-len(m):])
}

// escapeRoom is the spare capacity appendEscaped keeps past what it has
// written and what is left of s: an 8-byte word stored whole, and the 5
// bytes an escape adds (one byte written as \u00XX).
const escapeRoom = 8 + 5

// appendEscaped appends s[i:] as the inside of a JSON string, and the
// closing quote, s[:i] being plain and written. It also returns where the
// plain head of s ends (its first byte escaped or from 0x80 up: at i or
// after) and where its plain tail starts (past the last such byte).
//
// One pass: copyPlainWords stores each 8-byte word of s to dst as it
// is, then looks at it, and stops at a byte that is not plain, which is
// written here (a quote or backslash without a call: the usual ones, RFC
// 5424 structured data's) before the words go on. A pass that first
// looked for the plain part, then copied it, then escaped from there a
// run at a time (a call to copy each) cost ~1,750 instructions on the
// throughput benchmark's event.original and message, this ~1,550 (issue
// #17); the words' loop in here, with the escapes, cost twice as much a
// word (more to keep in registers than it has).
func appendEscaped(dst []byte, s string, i int) (_ []byte, head, plain int) {
	// Room for every byte left to be a quote: a quote's escape needs no
	// look at the room left (the rarer escapes do, escapeAt's).
	if cap(dst)-len(dst) < 2*(len(s)-i)+escapeRoom {
		dst = slices.Grow(dst, 2*(len(s)-i)+escapeRoom)
	}
	o := len(dst)
	d := dst[:cap(dst)]
	head = -1
	for {
		// Invariant: len(d)-o >= 2*(len(s)-i)+escapeRoom.
		n := copyPlainWords(d[o:], s[i:])
		i, o = i+n, o+n
		if len(s)-i < 8 { // else s[i] is not plain
			if i == len(s) {
				break
			}
			if len(s) >= 8 {
				// The last len(s)-i bytes, from the last word shifted
				// down: the zero bytes shifted in are flagged, and masked
				// off (borrows go up: they flag none of the bytes below).
				r := len(s) - i
				x := load64(s, len(s)-8) >> (64 - 8*r)
				binary.LittleEndian.PutUint64(d[o:], x)
				m := unsafe8(x) & (1<<(8*r) - 1)
				if m == 0 {
					o += r
					break
				}
				k := bits.TrailingZeros64(m) >> 3 // the lowest flag is a true one
				i, o = i+k, o+k
			} else if c := s[i]; jsonSafe[c] { // shorter than a word: a byte at a time
				d[o] = c
				i, o = i+1, o+1
				continue
			}
		}
		// s[i] is not plain: its bytes need more room than they take.
		if head < 0 {
			head = i
		}
		if c := s[i]; c == '"' || c == '\\' {
			d[o], d[o+1] = '\\', c
			i, o = i+1, o+2
		} else {
			if len(d)-o < 2*(len(s)-i)+2*escapeRoom {
				d = slices.Grow(d[:o], 2*(len(s)-i)+2*escapeRoom)
				d = d[:cap(d)]
			}
			i, o = escapeAt(d, o, s, i)
		}
		plain = i
	}
	if head < 0 {
		head = len(s)
	}
	d[o] = '"'
	return d[:o+1], head, plain
}

// escapeAt writes s[i], which is not plain and not a quote or backslash,
// to d[o:] (6 bytes of room at least), escaped: the rest of a character
// from 0x80 up is written with it. It returns where s and d go on.
func escapeAt(d []byte, o int, s string, i int) (int, int) {
	e := d[o : o+6]
	if c := s[i]; c < utf8.RuneSelf {
		e[0] = '\\'
		switch c {
		case '\n':
			e[1] = 'n'
		case '\r':
			e[1] = 'r'
		case '\t':
			e[1] = 't'
		default:
			e[1], e[2], e[3], e[4], e[5] = 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf]
			return i + 1, o + 6
		}
		return i + 1, o + 2
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && size == 1:
		return i + 1, o + copy(e, `\ufffd`)
	case r == '\u2028' || r == '\u2029':
		e[0], e[1], e[2], e[3], e[4], e[5] = '\\', 'u', '2', '0', '2', hexDigits[r&0xf]
		return i + size, o + 6
	}
	return i + size, o + copy(e, s[i:i+size])
}

// copyPlainWords copies s to d (len(d) >= len(s)) a word at a time while
// its bytes are plain, and returns how many leading bytes of s are: a
// multiple of 8 when fewer than 8 bytes are left, else the index of the
// first byte that is not plain. Bytes of d past those may be overwritten.
// A loop of its own: in appendEscaped's, with more to keep in registers,
// a word cost twice the instructions.
func copyPlainWords(d []byte, s string) int {
	d = d[:len(s)] // one bounds check here, none in the loop
	i := 0
	for ; i <= len(s)-8; i += 8 {
		x := load64(s, i)
		binary.LittleEndian.PutUint64(d[i:i+8], x)
		if m := unsafe8(x); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}
