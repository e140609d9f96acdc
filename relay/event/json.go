package event

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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

	order []int32 // indexes into the event's Fields, in key order
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
	w := nestWriter{dst: append(dst, '{'), first: true}
	j := 0
	for d := 0; d < numDerived; d++ {
		key := derivedKeys[d]
		for j < len(order) && fs[order[j]].Key < key {
			enc.write(&w, fs[order[j]].Key, fs[order[j]].Val, e.SD)
			j++
		}
		if j < len(order) && fs[order[j]].Key == key {
			continue // overridden by a decoder; written with the sorted list
		}
		if v, ok := e.derived(d, enc.Observer); ok {
			enc.write(&w, key, v, e.SD)
		}
	}
	for ; j < len(order); j++ {
		enc.write(&w, fs[order[j]].Key, fs[order[j]].Val, e.SD)
	}
	return w.close()
}

// sortedFields appends to order the indexes of fs sorted by key, keeping of
// each key only the field set last. It sorts indexes rather than the
// fields themselves: moving Fields (strings inside) costs a GC write
// barrier per pointer, and the event's own order is left alone.
func sortedFields(order []int32, fs []Field) []int32 {
	for i := range fs {
		order = append(order, int32(i))
	}
	less := func(a, b int32) bool { // stable: equal keys keep the order they were set in
		ka, kb := fs[a].Key, fs[b].Key
		return ka < kb || (ka == kb && a < b)
	}
	if len(order) <= 64 {
		// Insertion sort: decoders set fields mostly in order, and there are few.
		for i := 1; i < len(order); i++ {
			x, j := order[i], i
			for ; j > 0 && less(x, order[j-1]); j-- {
				order[j] = order[j-1]
			}
			order[j] = x
		}
	} else {
		slices.SortFunc(order, func(a, b int32) int {
			if c := strings.Compare(fs[a].Key, fs[b].Key); c != 0 {
				return c
			}
			return int(a - b)
		})
	}
	// Of each run of equal keys keep the last: the value set last.
	out := order[:0]
	for i, x := range order {
		if i+1 < len(order) && fs[order[i+1]].Key == fs[x].Key {
			continue
		}
		out = append(out, x)
	}
	return out
}

func (enc *Encoder) write(w *nestWriter, key string, v Value, sd []SDElement) {
	if enc.Omit != nil && enc.Omit(key) {
		return
	}
	if !w.key(key) {
		return
	}
	if v.Type == typeSD {
		w.dst = appendSD(w.dst, sd)
	} else {
		w.dst = appendValue(w.dst, v)
	}
}

// nestWriter writes dotted keys, given in byte order, as nested JSON
// objects. A key that collides with an object path ("a" and "a.b") keeps
// the first one written: JSON cannot hold both.
type nestWriter struct {
	dst      []byte
	open     string // path of the innermost open object, with trailing '.', "" at the root
	first    bool   // nothing written yet in the innermost object
	prevLeaf string // last leaf key written, to detect "a" then "a.b"
}

// key closes and opens objects as needed and writes `"leaf":`; false means
// the key cannot be written (collision) and its value must be skipped.
func (w *nestWriter) key(key string) bool {
	if key == "" {
		return false
	}
	if p := w.prevLeaf; p != "" && len(key) > len(p) && key[len(p)] == '.' && key[:len(p)] == p {
		return false // prevLeaf is a scalar; cannot open it as an object
	}
	// Close objects that are not a prefix of key.
	for w.open != "" && (len(key) < len(w.open) || key[:len(w.open)] != w.open) {
		w.dst = append(w.dst, '}')
		w.open = w.open[:strings.LastIndexByte(w.open[:len(w.open)-1], '.')+1]
		w.first = false
	}
	// Open objects for the remaining path segments.
	rest := key[len(w.open):]
	for {
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			break
		}
		if !w.first {
			w.dst = append(w.dst, ',')
		}
		w.dst = appendJSONString(w.dst, rest[:dot])
		w.dst = append(w.dst, ':', '{')
		w.open = key[:len(key)-len(rest)+dot+1]
		rest = rest[dot+1:]
		w.first = true
	}
	if !w.first {
		w.dst = append(w.dst, ',')
	}
	w.dst = appendJSONString(w.dst, rest)
	w.dst = append(w.dst, ':')
	w.first = false
	w.prevLeaf = key
	return true
}

func (w *nestWriter) close() []byte {
	for w.open != "" {
		w.dst = append(w.dst, '}')
		w.open = w.open[:strings.LastIndexByte(w.open[:len(w.open)-1], '.')+1]
	}
	return append(w.dst, '}')
}

func appendValue(dst []byte, v Value) []byte {
	switch v.Type {
	case TypeString:
		return appendJSONString(dst, v.Str)
	case TypeInt:
		return strconv.AppendInt(dst, v.Num, 10)
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
		dst = strconv.AppendInt(dst, v.Num, 10)
		return append(dst, '"')
	}
	return append(dst, "null"...)
}

// AppendTime appends t (Unix nanoseconds) in RFC 3339 UTC with milliseconds,
// or more digits when the source had them: 2026-11-22T10:15:02.123Z.
func appendTime(dst []byte, unixNano int64) []byte {
	sec := unixNano / 1e9
	nsec := unixNano % 1e9
	if nsec < 0 {
		sec--
		nsec += 1e9
	}
	days := sec / 86400
	rem := sec % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	y, mo, d := civil(days)
	dst = append4(dst, y)
	dst = append(dst, '-')
	dst = append2(dst, mo)
	dst = append(dst, '-')
	dst = append2(dst, d)
	dst = append(dst, 'T')
	dst = append2(dst, int(rem/3600))
	dst = append(dst, ':')
	dst = append2(dst, int(rem/60%60))
	dst = append(dst, ':')
	dst = append2(dst, int(rem%60))
	dst = append(dst, '.')
	digits := 3
	if nsec%1e6 != 0 {
		digits = 6
		if nsec%1e3 != 0 {
			digits = 9
		}
	}
	var frac [9]byte
	n := nsec
	for i := 8; i >= 0; i-- {
		frac[i] = byte('0' + n%10)
		n /= 10
	}
	dst = append(dst, frac[:digits]...)
	return append(dst, 'Z')
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil inverse).
func civil(z int64) (year, month, day int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}

func append2(dst []byte, n int) []byte { return append(dst, byte('0'+n/10), byte('0'+n%10)) }

func append4(dst []byte, n int) []byte {
	if n < 0 || n > 9999 {
		return strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

// AppendJSONString appends s as a JSON string, replacing invalid UTF-8 with
// U+FFFD as encoding/json does.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s) }

var jsonSafe = func() (t [utf8.RuneSelf]bool) {
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

func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip 8 plain bytes at a time, the common case for log text: all
		// ASCII, none below 0x20, no '"' and no '\\' (the "has zero byte"
		// bit tricks; the compiler turns the byte assembly into one load).
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			q := x ^ (lo7 * '"')
			bs := x ^ (lo7 * '\\')
			if m := (x | ((x - lo7*0x20) &^ x) | ((q - lo7) &^ q) | ((bs - lo7) &^ bs)) & hi7; m != 0 {
				// The lowest flagged byte is a true one (borrows only
				// flag bytes above it): go straight to it.
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
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
