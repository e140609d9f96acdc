package event

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The encoder as it was before its fast paths (prefix sort, derived-key
// transitions, plain-string and plain-key shortcuts, time cache, unmerged
// SD): the randomized tests below hold the fast one to its output byte for
// byte.

func refAppendJSON(enc *Encoder, e *Event) []byte {
	fs := e.Fields
	order := refSortedFields(nil, fs)
	w := refNestWriter{dst: []byte{'{'}, first: true}
	write := func(key string, v Value) {
		if enc.Omit != nil && enc.Omit(key) {
			return
		}
		if !w.key(key) {
			return
		}
		if v.Type == typeSD {
			w.dst = refAppendSD(w.dst, e.SD)
		} else {
			w.dst = refAppendValue(w.dst, v)
		}
	}
	j := 0
	for d := 0; d < numDerived; d++ {
		key := derivedKeys[d]
		for j < len(order) && fs[order[j]].Key < key {
			write(fs[order[j]].Key, fs[order[j]].Val)
			j++
		}
		if j < len(order) && fs[order[j]].Key == key {
			continue
		}
		if sc, ok := e.derived(d, enc.Observer); ok {
			write(key, Value{Type: sc.typ, Str: sc.str, Num: sc.num})
		}
	}
	for ; j < len(order); j++ {
		write(fs[order[j]].Key, fs[order[j]].Val)
	}
	return w.close()
}

// refSortedFields is sortedFields as it was, sorting indexes with string
// compares.
func refSortedFields(order []int32, fs []Field) []int32 {
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

type refNestWriter struct {
	dst      []byte
	open     string
	first    bool
	prevLeaf string
}

func (w *refNestWriter) key(key string) bool {
	if key == "" {
		return false
	}
	if p := w.prevLeaf; p != "" && len(key) > len(p) && key[len(p)] == '.' && key[:len(p)] == p {
		return false
	}
	for w.open != "" && (len(key) < len(w.open) || key[:len(w.open)] != w.open) {
		w.dst = append(w.dst, '}')
		w.open = w.open[:strings.LastIndexByte(w.open[:len(w.open)-1], '.')+1]
		w.first = false
	}
	rest := key[len(w.open):]
	for {
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			break
		}
		if !w.first {
			w.dst = append(w.dst, ',')
		}
		w.dst = refAppendJSONString(w.dst, rest[:dot])
		w.dst = append(w.dst, ':', '{')
		w.open = key[:len(key)-len(rest)+dot+1]
		rest = rest[dot+1:]
		w.first = true
	}
	if !w.first {
		w.dst = append(w.dst, ',')
	}
	w.dst = refAppendJSONString(w.dst, rest)
	w.dst = append(w.dst, ':')
	w.first = false
	w.prevLeaf = key
	return true
}

func (w *refNestWriter) close() []byte {
	for w.open != "" {
		w.dst = append(w.dst, '}')
		w.open = w.open[:strings.LastIndexByte(w.open[:len(w.open)-1], '.')+1]
	}
	return append(w.dst, '}')
}

func refAppendValue(dst []byte, v Value) []byte {
	switch v.Type {
	case TypeString:
		return refAppendJSONString(dst, v.Str)
	case TypeStrings:
		dst = append(dst, '[')
		for i, s := range v.List {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = refAppendJSONString(dst, s)
		}
		return append(dst, ']')
	case typeTime:
		return append(refAppendTime(append(dst, '"'), v.Num), '"')
	}
	return appendValue(dst, &v) // the other types did not change
}

func refAppendTime(dst []byte, unixNano int64) []byte {
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

// refAppendSD merges every time, as appendSD did.
func refAppendSD(b []byte, sd SD) []byte { return appendSDMerged(b, sd.elements(nil)) }

// refAppendJSONString escapes a byte at a time, without the 8-byte scans.
func refAppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
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

// Pieces of random strings: plain text, and every kind of byte that needs
// a look (escapes, invalid and multi-byte UTF-8, U+2028).
var randPieces = []string{"", "a", "b", "ab", "x.y", "plain text ", "0123456789", `"`, `\`, "\n", "\t", "\x00",
	"\x1f", "\x7f", "é", "\u2028", "\u2029", "\xff", "\xe2\x80", "€", "\U0001F600", " ", "~", "\x80"}

func randString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(6) {
		b.WriteString(randPieces[r.IntN(len(randPieces))])
	}
	if r.IntN(4) == 0 { // long enough for the 8-byte scans
		b.WriteString(strings.Repeat("abcdefg ", r.IntN(5)))
		b.WriteString(randPieces[r.IntN(len(randPieces))])
	}
	return b.String()
}

// Key segments: ECS-like names, the derived keys' own, empty ones, and
// ones to escape.
var randSegs = []string{"", "a", "b", "c", "@timestamp", "ecs", "version", "event", "created", "kind", "original",
	"host", "name", "log", "syslog", "appname", "facility", "code", "hostname", "structured_data", "message",
	"nomen", "id", "peer", "observer", "type", "process", "pid", `q"`, `\`, "é", "\xff", "\n", "\u2028", "A", "_",
	"\x00", "destination", "abcdefghijklmnopq"} // the last ones: keys alike in their first 16 bytes

func randKey(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0: // a derived key, a prefix of one, or one extended
		k := derivedKeys[r.IntN(numDerived)]
		switch r.IntN(3) {
		case 0:
			if i := strings.LastIndexByte(k, '.'); i >= 0 {
				k = k[:i]
			}
		case 1:
			k += "." + randSegs[r.IntN(len(randSegs))]
		}
		return k
	}
	segs := make([]string, 1+r.IntN(4))
	for i := range segs {
		segs[i] = randSegs[r.IntN(len(randSegs))]
	}
	return strings.Join(segs, ".")
}

func randValue(r *rand.Rand) Value {
	switch r.IntN(9) {
	case 0:
		return Int(r.Int64N(1<<40) - 1<<39)
	case 1:
		return Float([]float64{0, 1.5, -2e300, math.NaN(), math.Inf(1), 1e-7}[r.IntN(6)])
	case 2:
		return Bool(r.IntN(2) == 0)
	case 3:
		l := make([]string, r.IntN(3))
		for i := range l {
			l[i] = randString(r)
		}
		return Strings(l...)
	case 4:
		return RawJSON([]string{"", `{"k":1}`, "[1,2]"}[r.IntN(3)])
	case 5:
		return Value{Type: typeSD}
	}
	return String(randString(r))
}

func randTime(r *rand.Rand) time.Time {
	switch r.IntN(8) {
	case 0:
		return time.Time{}
	case 1: // far years: other lengths of text
		return time.Unix(r.Int64N(1<<40)-1<<39, r.Int64N(1e9))
	}
	t := time.Date(2026, 11, 22, 10, 15, r.IntN(3), 0, time.UTC) // seconds that repeat
	return t.Add(time.Duration([]int64{0, 123e6, 123456e3, 123456789, 1}[r.IntN(5)]))
}

func randEvent(r *rand.Rand) *Event {
	e := New(randTime(r))
	e.Time = randTime(r)
	e.ID = uint64(r.IntN(3))
	e.Pri = int16(r.IntN(200) - 1)
	e.Flags = Flags(r.IntN(4))
	for _, p := range []*string{&e.Original, &e.Message, &e.Hostname, &e.AppName, &e.ProcID, &e.MsgID, &e.Input, &e.Peer, &e.Format} {
		switch r.IntN(3) {
		case 0:
			*p = randString(r)
		case 1:
			*p = strconv.Itoa(r.IntN(100000))
		}
	}
	if e.Original != "" && r.IntN(2) == 0 {
		// As parsed: the message is a suffix of the original (written
		// without a second scan when it lies in the original's plain tail).
		e.Message = e.Original[r.IntN(len(e.Original)+1):]
	}
	ids := []string{"a", "b", "meta@1", `q"`, "\xff"}
	var sd SDBuilder
	sd.Start("")
	for range r.IntN(4) {
		sd.Element(ids[r.IntN(len(ids))])
		for range r.IntN(4) {
			sd.Param(ids[r.IntN(len(ids))], randString(r))
		}
	}
	e.SD = sd.Finish()
	n := r.IntN(12)
	if r.IntN(50) == 0 {
		n = 60 + r.IntN(40) // beyond the insertion sort
	}
	for range n {
		e.Set(randKey(r), randValue(r))
	}
	return e
}

func TestAppendJSONMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	// One encoder throughout, so that its scratch space and time cache
	// carry over from event to event.
	enc := Encoder{Observer: "relay1"}
	for i := range n {
		e := randEvent(r)
		enc.Omit = nil
		if i%5 == 0 {
			omit := map[string]bool{randKey(r): true, derivedKeys[r.IntN(numDerived)]: true}
			enc.Omit = func(k string) bool { return omit[k] }
		}
		got := enc.AppendJSON([]byte("prefix"), e)
		want := append([]byte("prefix"), refAppendJSON(&enc, e)...)
		if string(got) != string(want) {
			t.Fatalf("event %d (%+v):\n got %s\nwant %s", i, e, got, want)
		}
	}
}

func TestAppendJSONStringMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		s := randString(r)
		if got, want := appendJSONString(nil, s), refAppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
		// Into spare capacity, as a document's values mostly go (the
		// short strings' word copies), over bytes left by an earlier use.
		spare := bytes.Repeat([]byte{'x'}, 4+len(s)+r.IntN(8))[:4]
		if got, want := appendJSONString(spare, s), refAppendJSONString([]byte("xxxx"), s); string(got) != string(want) {
			t.Fatalf("%q with spare capacity: got %s want %s", s, got, want)
		}
		n := plainLen(s)
		plain := strings.IndexFunc(s, func(c rune) bool { return c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf })
		if (n == len(s)) != (plain < 0) || n > len(s) || strings.ContainsFunc(s[:n], func(c rune) bool { return c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf }) {
			t.Fatalf("plainLen(%q) = %d", s, n)
		}
	}
}

func TestAppendOriginalPlainTail(t *testing.T) {
	special := func(c byte) bool { return !jsonSafe[c] }
	r := rand.New(rand.NewPCG(7, 8))
	for range 100000 {
		s := randString(r)
		got, head, tail := appendOriginal([]byte{'"'}, s) // after the opening quote
		if want := refAppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
		// The head is plain, and the byte after it is not.
		if head < 0 || head > len(s) || strings.IndexFunc(s[:head], func(c rune) bool { return c >= utf8.RuneSelf || special(byte(c)) }) >= 0 ||
			head < len(s) && !special(s[head]) && s[head] < utf8.RuneSelf {
			t.Fatalf("%q: plain head %d", s, head)
		}
		// The tail is plain, and the byte before it is not.
		if tail < 0 || tail > len(s) || strings.IndexFunc(s[len(s)-tail:], func(c rune) bool { return c >= utf8.RuneSelf || special(byte(c)) }) >= 0 ||
			tail < len(s) && !special(s[len(s)-tail-1]) {
			t.Fatalf("%q: plain tail %d", s, tail)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range randPieces {
		f.Add(s)
	}
	f.Add("abcdefgh\"ijklmnop\xffq\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendJSONString(nil, s), refAppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
		// Into spare capacity, as a document's values mostly go (the
		// short strings' word copies), over bytes left by an earlier use.
		spare := bytes.Repeat([]byte{'x'}, 4+len(s)+1)[:4]
		if got, want := appendJSONString(spare, s), refAppendJSONString([]byte("xxxx"), s); string(got) != string(want) {
			t.Fatalf("%q with spare capacity: got %s want %s", s, got, want)
		}
	})
}

func TestTimeCache(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var c timeCache
	for range 100000 {
		ns := randTime(r).UnixNano()
		if r.IntN(10) == 0 {
			ns = r.Int64()
		}
		if got, want := c.appendTime(nil, ns), refAppendTime(nil, ns); string(got) != string(want) {
			t.Fatalf("%d: got %s want %s", ns, got, want)
		}
		if got := appendTime(nil, ns); string(got) != string(refAppendTime(nil, ns)) {
			t.Fatalf("%d: appendTime %s", ns, got)
		}
	}
	// Times walking through days, as a source's do (the cache redoes only
	// the clock within a day): steps of up to two seconds, some back,
	// across midnights, before and after 1970.
	for _, start := range []int64{-86400*3 - 5, 86400*20000 - 7, 1714564800 - 3} {
		ns := start * 1e9
		for range 300000 {
			ns += r.Int64N(2e9) - 2e8
			if got, want := c.appendTime(nil, ns), refAppendTime(nil, ns); string(got) != string(want) {
				t.Fatalf("%d: got %s want %s", ns, got, want)
			}
		}
	}
}

// unsafe8's lowest flag must be the first byte that is not jsonSafe, on
// words made of the bytes around each boundary of the tricks.
func TestUnsafe8(t *testing.T) {
	edges := []byte{0x00, 0x01, 0x02, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0x81, 0x9f, 0xa0, 0xdf, 0xe0, 0xfe, 0xff}
	r := rand.New(rand.NewPCG(7, 8))
	var b [8]byte
	for range 1000000 {
		for i := range b {
			if r.IntN(3) == 0 {
				b[i] = byte(r.IntN(256))
			} else {
				b[i] = edges[r.IntN(len(edges))]
			}
		}
		s := string(b[:])
		want := 8
		for i := range b {
			if !jsonSafe[b[i]] {
				want = i
				break
			}
		}
		got := 8
		if m := unsafe8(load64(s, 0)); m != 0 {
			got = bits.TrailingZeros64(m) >> 3
		}
		if got != want {
			t.Fatalf("% x: lowest flag at %d, want %d", b, got, want)
		}
	}
}

func TestSortKey(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 100000 {
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		var pad [16]byte
		copy(pad[:], b)
		k := newSortKey(string(b), 0)
		if k.hi != binary.BigEndian.Uint64(pad[:8]) || k.lo != binary.BigEndian.Uint64(pad[8:]) {
			t.Fatalf("%q: %x %x", b, k.hi, k.lo)
		}
	}
}

// FuzzMessageSuffixOfOriginal: a message sliced from its original (the
// fast path that writes it unscanned) is written as the same message
// copied elsewhere: whatever the bytes (control bytes, '"', '\\', invalid
// or cut UTF-8, U+2028) and wherever it starts, the whole original
// included.
func FuzzMessageSuffixOfOriginal(f *testing.F) {
	for _, s := range randPieces {
		f.Add(s, uint(0))
	}
	f.Add("<13>app: a\x01b \"quoted\" \xc3\xa9t\xc3\xa9 \xe2\x80\xa8 end", uint(23))
	f.Add("plain original, plain message", uint(9))
	f.Fuzz(func(t *testing.T, orig string, from uint) {
		e := New(time.Date(2026, 12, 6, 16, 0, 0, 0, time.UTC))
		e.Original = orig
		e.Message = orig[from%uint(len(orig)+1):]
		var enc Encoder
		got := string(enc.AppendJSON(nil, e))
		e.Message = strings.Clone(e.Message)
		if want := string(enc.AppendJSON(nil, e)); got != want {
			t.Fatalf("%q from %d:\n got %s\nwant %s", orig, from, got, want)
		}
	})
}

func TestAppendInt(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for n := int64(-20001); n <= 20001; n++ {
		if got, want := appendInt(nil, n), strconv.AppendInt(nil, n, 10); string(got) != string(want) {
			t.Fatalf("%d: got %s", n, got)
		}
	}
	for range 100000 {
		n := r.Int64() >> r.IntN(64)
		if r.IntN(2) == 0 {
			n = -n
		}
		if got, want := appendInt(nil, n), strconv.AppendInt(nil, n, 10); string(got) != string(want) {
			t.Fatalf("%d: got %s", n, got)
		}
	}
}
