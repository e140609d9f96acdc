package event

import (
	"iter"
	"unsafe"
)

// SD is an event's RFC 5424 STRUCTURED-DATA: its elements in order, each an
// SD-ID and its params (PARAM-NAME and unescaped PARAM-VALUE) in order.
// The zero value has no elements. An SD is not changed once built (see
// SDBuilder); copies share its memory.
//
// It is stored flat: every ID, name and value is a span of one text (a
// part of the event's Original, as the parser builds it), and the spans
// lie in one slice without pointers. The collector thus has two pointers
// to follow per event instead of two per element and per param, and an
// SD costs 16 bytes an element or param that it never scans (nested
// slices of strings cost 40 and 32 bytes it scanned: a quarter of what
// an event allocated).
//
// An SD is one pointer to its text and spans (sdBody), carved from the
// SDBuilder's blocks: most events have no STRUCTURED-DATA (every RFC
// 3164 message), and a nil pointer costs each of them 8 bytes of the
// event where a string and a slice cost 40 (an event's allocation is
// what paces the collector; issue #17).
type SD struct {
	p *sdBody // nil: no elements
}

// sdBody is what an SD holds: its text and its spans.
type sdBody struct {
	text  string
	items []sdItem // each element: its item, then one item per param
}

// text and items are sd's (empty for the zero SD).
func (sd SD) text() string {
	if sd.p == nil {
		return ""
	}
	return sd.p.text
}

func (sd SD) items() []sdItem {
	if sd.p == nil {
		return nil
	}
	return sd.p.items
}

// sdItem is an element (a its SD-ID, b.n its number of params; b.off
// is sdJSONPlain in the first element, for an SD its builder was told is
// plain, else 0) or a param (a its name, b its value).
type sdItem struct{ a, b span }

// sdJSONPlain marks an SD whose IDs, names and values need no escaping in
// JSON (SDBuilder.FinishJSONPlain): a flag in a field elements leave
// unused, for no byte more per event (what is allocated per event paces
// the collector: issue #17).
const sdJSONPlain = 1

// jsonPlain reports whether sd's strings need no escaping in JSON.
func (sd SD) jsonPlain() bool {
	return sd.p != nil && len(sd.p.items) > 0 && sd.p.items[0].b.off == sdJSONPlain
}

// span is text[off:off+n] of an SD.
type span struct{ off, n uint32 }

func (sd SD) str(s span) string { return s.of(sd.p.text) } // only for an SD with elements

func (s span) of(text string) string { return text[s.off : s.off+s.n] }

// Len returns the number of elements.
func (sd SD) Len() int {
	n := 0
	items := sd.items()
	for i := 0; i < len(items); i += 1 + int(items[i].b.n) {
		n++
	}
	return n
}

// Elements iterates over the elements in order.
func (sd SD) Elements() iter.Seq[SDElement] {
	return func(yield func(SDElement) bool) {
		for i := 0; i < len(sd.items()); {
			el := sd.element(i)
			if !yield(el) {
				return
			}
			i += 1 + len(el.params)
		}
	}
}

// elements appends the elements to els (for the encoder, which needs them
// by index).
func (sd SD) elements(els []SDElement) []SDElement {
	items := sd.items()
	for i := 0; i < len(items); i += 1 + int(items[i].b.n) {
		els = append(els, sd.element(i))
	}
	return els
}

// element returns the element whose item is items[i].
func (sd SD) element(i int) SDElement {
	items := sd.p.items
	n := int(items[i].b.n)
	return SDElement{ID: sd.str(items[i].a), text: sd.p.text, params: items[i+1 : i+1+n]}
}

// Has reports whether sd has an element id. A loop of its own, not
// Elements: a vendor's gate asks it of every RFC 5424 line no decoder
// claimed first, and the iterator's views cost ~6 times as much.
func (sd SD) Has(id string) bool {
	items := sd.items()
	for i := 0; i < len(items); i += 1 + int(items[i].b.n) {
		if isID(sd, items[i], id) {
			return true
		}
	}
	return false
}

// AnyID reports whether the ID of one of sd's elements satisfies match,
// in a loop of its own: a gate asked of every RFC 5424 line (Check
// Point's) paid ~170 instructions a line more through Elements' views.
func (sd SD) AnyID(match func(id string) bool) bool {
	items := sd.items()
	for i := 0; i < len(items); i += 1 + int(items[i].b.n) {
		if match(sd.str(items[i].a)) {
			return true
		}
	}
	return false
}

// isID reports whether the element whose item is it is id.
func isID(sd SD, it sdItem, id string) bool {
	return int(it.a.n) == len(id) && sd.str(it.a) == id
}

// Param returns the value of param name in the first element id that has it.
func (sd SD) Param(id, name string) (string, bool) {
	// A loop of its own, not Elements: a lookup needs no SDElement views.
	items := sd.items()
	for i := 0; i < len(items); {
		n := int(items[i].b.n)
		if isID(sd, items[i], id) {
			for _, p := range items[i+1 : i+1+n] {
				if int(p.a.n) == len(name) && sd.str(p.a) == name {
					return sd.str(p.b), true
				}
			}
		}
		i += 1 + n
	}
	return "", false
}

// Text is the string every ID, name and value of sd lies in (a part of
// the event's Original when the parser built it without unescaping a
// value); Size is the memory of its spans. Together they are what sd holds (journal's
// memory accounting).
func (sd SD) Text() string { return sd.text() }

// Size returns the bytes of sd's spans and body (its strings are in Text).
func (sd SD) Size() int {
	if sd.p == nil {
		return 0
	}
	return int(unsafe.Sizeof(sdBody{})) + len(sd.p.items)*int(unsafe.Sizeof(sdItem{}))
}

// String renders sd in its RFC 5424 wire form ("-" if none). Two SDs with
// the same elements render alike whatever their memory.
func (sd SD) String() string {
	if len(sd.items()) == 0 {
		return "-"
	}
	var b []byte
	for el := range sd.Elements() {
		b = append(b, '[')
		b = append(b, el.ID...)
		for p := range el.Params() {
			b = append(b, ' ')
			b = append(b, p.Name...)
			b = append(b, '=', '"')
			for i := 0; i < len(p.Value); i++ {
				c := p.Value[i]
				if c == '"' || c == '\\' || c == ']' {
					b = append(b, '\\')
				}
				b = append(b, c)
			}
			b = append(b, '"')
		}
		b = append(b, ']')
	}
	return string(b)
}

// SDElement is one element of an SD, valid as long as the SD.
type SDElement struct {
	ID     string
	text   string
	params []sdItem
}

// SDParam is one PARAM-NAME="PARAM-VALUE" pair (value unescaped).
type SDParam struct {
	Name  string
	Value string
}

// Len returns the number of params.
func (el SDElement) Len() int { return len(el.params) }

// Param returns param k (0 <= k < Len).
func (el SDElement) Param(k int) SDParam {
	p := el.params[k]
	return SDParam{Name: el.text[p.a.off : p.a.off+p.a.n], Value: el.text[p.b.off : p.b.off+p.b.n]}
}

// Params iterates over the params in order.
func (el SDElement) Params() iter.Seq[SDParam] {
	return func(yield func(SDParam) bool) {
		for k := range el.params {
			if !yield(el.Param(k)) {
				return
			}
		}
	}
}

// SDBuilder builds SDs: Start, then Element and Param in order, then
// Finish (or Drop). The spans of many SDs are carved from one block, so
// reuse a builder for many events (one per goroutine). The zero value is
// ready to use.
type SDBuilder struct {
	base  string   // Start's text: a string added that lies in it is a span of it
	end   int      // the end of the last span of base
	extra []byte   // the strings added that do not: they follow base in the SD's text
	block []sdItem // block[from:] is the SD being built
	from  int
	elem  int // block index of the element being built

	bodies  []sdBody // the SDs' bodies still to hand out
	nBodies int      // how many the last block of bodies held
}

// sdBlock is how many spans one block holds (16 KiB): a few hundred events'.
const sdBlock = 1024

// sdBodies is how many bodies one block holds at most (10 KiB). A
// builder's first block holds one and each next twice as many, so that
// a builder for one SD (a test, one record) stays small.
const sdBodies = 256

// Start begins an SD whose strings mostly lie in base (the parser's
// message, a journal record and what follows it): those cost no copy.
// Other strings are copied, after base (all of it, then: keep that rare).
func (b *SDBuilder) Start(base string) {
	b.base, b.end, b.extra, b.from, b.elem = base, 0, b.extra[:0], len(b.block), -1
}

// Element begins an element with SD-ID id.
func (b *SDBuilder) Element(id string) {
	b.elem = len(b.block)
	b.add(sdItem{a: b.span(id)})
}

// Param adds a param to the element begun last (an element first).
func (b *SDBuilder) Param(name, value string) {
	if b.elem < 0 {
		panic("event: SDBuilder.Param before Element")
	}
	b.add(sdItem{a: b.span(name), b: b.span(value)})
	b.block[b.elem].b.n++
}

// ElementAt and ParamAt are Element and Param for strings of base given
// by their offsets (the parser's way: no address to compare).
func (b *SDBuilder) ElementAt(i, j int) {
	b.elem = len(b.block)
	b.add(sdItem{a: span{uint32(i), uint32(j - i)}})
	b.end = max(b.end, j)
}

// ParamAt: see ElementAt.
func (b *SDBuilder) ParamAt(name0, name1, value0, value1 int) {
	b.add(sdItem{a: span{uint32(name0), uint32(name1 - name0)}, b: span{uint32(value0), uint32(value1 - value0)}})
	b.block[b.elem].b.n++
	b.end = max(b.end, value1) // a value follows its name
}

// Drop forgets the SD begun by Start.
func (b *SDBuilder) Drop() {
	b.block = b.block[:b.from]
	b.base, b.end, b.elem = "", 0, -1
}

// Finish returns the SD begun by Start.
func (b *SDBuilder) Finish() SD {
	items := b.block[b.from:len(b.block):len(b.block)]
	// The text ends where its last string in base does: an SD's text
	// ends with the STRUCTURED-DATA of its message, not with the rest of
	// a whole journal block, for whoever measures the memory it holds.
	text := b.base[:b.end]
	if len(b.extra) > 0 {
		text = b.base + string(b.extra) // rare: unescaped values, strings from elsewhere
	}
	b.from, b.base, b.end, b.elem = len(b.block), "", 0, -1
	if len(items) == 0 {
		return SD{}
	}
	if len(b.bodies) == 0 {
		b.nBodies = min(max(2*b.nBodies, 1), sdBodies)
		b.bodies = make([]sdBody, b.nBodies)
	}
	body := &b.bodies[0]
	b.bodies = b.bodies[1:]
	body.text, body.items = text, items
	return SD{p: body}
}

// FinishJSONPlain is Finish for an SD whose every ID, name and value the
// caller checked to need no escaping in JSON (bytes 0x20 to 0x7f but '"'
// and '\\'): the JSON encoder then copies them as they are.
func (b *SDBuilder) FinishJSONPlain() SD {
	sd := b.Finish()
	if sd.p != nil {
		sd.p.items[0].b.off = sdJSONPlain
	}
	return sd
}

// span returns s's span in the SD's text: its place in base when it lies
// there (compared by address: nothing is searched), else in extra.
func (b *SDBuilder) span(s string) span {
	off := uintptr(unsafe.Pointer(unsafe.StringData(s))) - uintptr(unsafe.Pointer(unsafe.StringData(b.base)))
	if len(s) > 0 && off < uintptr(len(b.base)) && uintptr(len(s)) <= uintptr(len(b.base))-off {
		b.end = max(b.end, int(off)+len(s))
		return span{uint32(off), uint32(len(s))}
	}
	if len(s) == 0 {
		return span{}
	}
	off = uintptr(len(b.base) + len(b.extra))
	b.extra = append(b.extra, s...)
	return span{uint32(off), uint32(len(s))}
}

// add appends it to the SD being built, moving that SD to a new block when
// the block is full (the SDs before keep theirs).
func (b *SDBuilder) add(it sdItem) {
	if len(b.block) == cap(b.block) {
		b.grow()
	}
	b.block = append(b.block, it)
}

// grow moves the SD being built to a new block. Not inlined: it is rare,
// and add, ElementAt and ParamAt inline without it.
//
//go:noinline
func (b *SDBuilder) grow() {
	n := len(b.block) - b.from
	size := sdBlock
	if cap(b.block) == 0 {
		size = 16 // a builder for one SD (a test, one record) stays small
	}
	nb := make([]sdItem, n, max(size, 2*n+1))
	copy(nb, b.block[b.from:])
	if b.elem >= 0 {
		b.elem -= b.from
	}
	b.block, b.from = nb, 0
}

// reserve gives the builder a new block of n spans if it has room for
// fewer than room, between SDs (the one being built would move).
func (b *SDBuilder) reserve(room, n int) {
	if cap(b.block)-len(b.block) < room && b.from == len(b.block) {
		b.block, b.from = make([]sdItem, 0, n), 0
	}
}

// MakeSD builds an SD from its elements written out, each an SD-ID and
// then its params' names and values: MakeSD([]string{"meta",
// "sequenceId", "7"}, []string{"x@1"}). For tests and events made in code.
func MakeSD(elements ...[]string) SD {
	var b SDBuilder
	b.Start("")
	for _, el := range elements {
		if len(el)%2 != 1 {
			panic("event: MakeSD element without its SD-ID or with a name without a value")
		}
		b.Element(el[0])
		for k := 1; k < len(el); k += 2 {
			b.Param(el[k], el[k+1])
		}
	}
	return b.Finish()
}
