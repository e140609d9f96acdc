package event

// The JSON of structured data (log.syslog.structured_data): appendSD, and
// its road for an SD whose strings the parser found plain.

import (
	"slices"
	"unsafe"
)

// appendSD encodes structured data as {"id":{"param":"value",...},...}.
// RFC 5424 allows an SD-ID and a PARAM-NAME to repeat; JSON objects must not
// repeat keys (Elasticsearch rejects them), so repeated elements are merged
// and a repeated param becomes an array of its values, in order.
func appendSD(b []byte, sd SD) []byte { return appendSDIn(b, sd, "") }

// appendSDOf is appendSD of e.SD, whose text is mostly the start of
// e.Original (the parser's SD).
func appendSDOf(b []byte, e *Event) []byte { return appendSDIn(b, e.SD, e.Original) }

// appendSDIn is appendSD for an SD whose text may be the start of in:
// then the bytes of in after it may be read too (appendPlainSD).
func appendSDIn(b []byte, sd SD, in string) []byte {
	// The elements as they are, read straight from the spans, unless an
	// ID or a name repeats (rare): then start over and merge.
	text, items := sd.text(), sd.items()
	if sd.jsonPlain() && !sdRepeats(text, items) {
		readable := len(text)
		if len(in) > len(text) && unsafe.StringData(in) == unsafe.StringData(text) {
			readable = len(in)
		}
		return appendPlainSD(b, text, readable, items)
	}
	start := len(b)
	b = append(b, '{')
	for i := 0; i < len(items); {
		id := items[i].a.of(text)
		for j := 0; j < i; j += 1 + int(items[j].b.n) {
			if items[j].a.of(text) == id {
				return appendSDRepeats(b[:start], sd)
			}
		}
		if i > 0 {
			b = append(b, ',')
		}
		n := int(items[i].b.n)
		b = appendJSONString(b, id)
		b = append(b, ':', '{')
		params := items[i+1 : i+1+n]
		for k, p := range params {
			name := p.a.of(text)
			for _, q := range params[:k] {
				if q.a.of(text) == name {
					return appendSDRepeats(b[:start], sd)
				}
			}
			if k > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, name)
			b = append(b, ':')
			b = appendJSONString(b, p.b.of(text))
		}
		b = append(b, '}')
		i += 1 + n
	}
	return append(b, '}')
}

// appendSDRepeats is appendSD for structured data whose IDs or names
// repeat, by elements (a function of its own, so the common case does not
// set up their buffer).
func appendSDRepeats(b []byte, sd SD) []byte {
	var buf [8]SDElement
	return appendSDMerged(b, sd.elements(buf[:0]))
}

// appendSDMerged is appendSD for structured data with repeats.
func appendSDMerged(b []byte, sd []SDElement) []byte {
	b = append(b, '{')
	for i, el := range sd {
		if seenID(sd[:i], el.ID) {
			continue
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, el.ID)
		b = append(b, ':', '{')
		first := true
		for j := i; j < len(sd); j++ {
			if sd[j].ID != el.ID {
				continue
			}
			for k := range sd[j].params {
				name := sd[j].Param(k).Name
				if paramSeen(sd[i:j+1], el.ID, name, k) {
					continue
				}
				if !first {
					b = append(b, ',')
				}
				first = false
				b = appendJSONString(b, name)
				b = append(b, ':')
				b = appendParamValues(b, sd[j:], el.ID, name, k)
			}
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func seenID(before []SDElement, id string) bool {
	for _, el := range before {
		if el.ID == id {
			return true
		}
	}
	return false
}

// paramSeen reports whether param name of element id already appeared
// before param k of els[len(els)-1].
func paramSeen(els []SDElement, id, name string, k int) bool {
	last := len(els) - 1
	for x, el := range els {
		if el.ID != id {
			continue
		}
		n := el.Len()
		if x == last {
			n = k
		}
		for q := range n {
			if el.Param(q).Name == name {
				return true
			}
		}
	}
	return false
}

// appendParamValues writes the value of param name (first at param k of
// els[0]), or an array of every value when the name repeats.
func appendParamValues(b []byte, els []SDElement, id, name string, k int) []byte {
	n := 0
	for x, el := range els {
		if el.ID != id {
			continue
		}
		for q := range el.Len() {
			if (x > 0 || q >= k) && el.Param(q).Name == name {
				n++
			}
		}
	}
	if n == 1 {
		return appendJSONString(b, els[0].Param(k).Value)
	}
	b = append(b, '[')
	first := true
	for x, el := range els {
		if el.ID != id {
			continue
		}
		for q := range el.Len() {
			if p := el.Param(q); (x > 0 || q >= k) && p.Name == name {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = appendJSONString(b, p.Value)
			}
		}
	}
	return append(b, ']')
}

// sdRepeats reports whether an SD-ID, or a PARAM-NAME within an element,
// repeats.
func sdRepeats(text string, items []sdItem) bool {
	for i := 0; i < len(items); {
		id, n := items[i].a, int(items[i].b.n)
		for j := 0; j < i; j += 1 + int(items[j].b.n) {
			if items[j].a.n == id.n && items[j].a.of(text) == id.of(text) {
				return true
			}
		}
		params := items[i+1 : i+1+n]
		for k, p := range params {
			for _, q := range params[:k] {
				if q.a.n == p.a.n && q.a.of(text) == p.a.of(text) {
					return true
				}
			}
		}
		i += 1 + n
	}
	return false
}

// appendPlainSD is appendSD for an SD whose strings need no escaping
// (SD.jsonPlain) and none of whose IDs or names repeat: the JSON is its
// strings between punctuation, written into room made once, a string of
// at most 16 bytes (most of an SD's) as one 16-byte move from the text
// (its bytes and those after it, which the next write covers), without
// looking at them. Written a string at a time through appendJSONString,
// the throughput benchmark's two elements of four params cost ~1,600
// instructions (issue #17).
//
// The text at t may be read up to readable bytes (>= len(text)): an SD's
// text ends with its last value, and what follows it in the event's
// original makes room for that value's move.
func appendPlainSD(b []byte, text string, readable int, items []sdItem) []byte {
	// An item's strings take 6 bytes more at most (an element's quotes,
	// ':' '{' '}' and ','; a param's four quotes, ':' and ','), the
	// object's braces 2, and the last string may store 16 bytes. (An
	// element's b.n, its count of params, only adds room.)
	need := 2 + 16
	for _, it := range items {
		need += int(it.a.n) + int(it.b.n) + 6
	}
	if cap(b)-len(b) < need {
		b = slices.Grow(b, need)
	}
	o := len(b)
	buf := b[:o+need]
	t := unsafe.Pointer(unsafe.StringData(text))
	buf[o] = '{'
	o++
	for i := 0; i < len(items); {
		if i > 0 {
			buf[o] = ','
			o++
		}
		n := int(items[i].b.n)
		if sp := items[i].a; isShort(sp, readable) {
			o = putShort(buf, o, t, sp)
		} else {
			o = putLong(buf, o, text, sp)
		}
		buf[o], buf[o+1] = ':', '{'
		o += 2
		for k, p := range items[i+1 : i+1+n] {
			if k > 0 {
				buf[o] = ','
				o++
			}
			if isShort(p.a, readable) {
				o = putShort(buf, o, t, p.a)
			} else {
				o = putLong(buf, o, text, p.a)
			}
			buf[o] = ':'
			o++
			if isShort(p.b, readable) {
				o = putShort(buf, o, t, p.b)
			} else {
				o = putLong(buf, o, text, p.b)
			}
		}
		buf[o] = '}'
		o++
		i += 1 + n
	}
	buf[o] = '}'
	return buf[:o+1]
}

// isShort reports whether span sp is at most 16 bytes long, with 16 bytes
// from its start among the readable ones: putShort's.
func isShort(sp span, readable int) bool { return sp.n <= 16 && int(sp.off)+16 <= readable }

// putShort writes span sp (short) of the text at t, quoted, at buf[o:]
// (room for 18 bytes), and returns where it ends.
func putShort(buf []byte, o int, t unsafe.Pointer, sp span) int {
	d := (*[18]byte)(buf[o:])
	*(*[16]byte)(d[1:]) = *(*[16]byte)(unsafe.Add(t, sp.off))
	d[0] = '"'
	d[1+sp.n] = '"'
	return o + int(sp.n) + 2
}

// putLong is putShort for a span that is not short.
//
//go:noinline
func putLong(buf []byte, o int, text string, sp span) int {
	buf[o] = '"'
	o += 1 + copy(buf[o+1:], sp.of(text))
	buf[o] = '"'
	return o + 1
}
