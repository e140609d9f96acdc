package windows

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unsafe"
)

// Windows events as JSON:
//
//   - NXLog im_msvistalog + to_json: one flat object, NXLog's fields
//     (EventID, Hostname, Channel, SourceName, RecordNumber, EventType,
//     Keywords, Category, Message, EventTime, ProcessID, ...) and the
//     EventData names side by side (TargetUserName, IpAddress, ...; a
//     name both use is resolved in nxlog.go);
//     im_mseventlog (Windows 2003) has no EventData, only the Message.
//   - Winlogbeat: {"@timestamp", "message", "winlog": {"event_id",
//     "channel", "record_id", "computer_name", "provider_name",
//     "event_data": {...}, "user_data": {...}, "keywords": [...], ...}};
//     Winlogbeat 6 had event_id, computer_name, log_name, record_number,
//     source_name and event_data at the top.
//   - evtx_dump (github.com/omerbenamram/evtx) JSON: the event XML as an
//     object, attributes under "#attributes", element text under "#text":
//     {"Event": {"System": {"EventID": 4624, ...}, "EventData": {...}}}.
//
// A small scanner walks the document and hands each scalar with its key
// path to the road's mapper: no map, no reflection; strings are
// substrings of the message unless they hold escapes. Measured on an NXLog
// 4688: encoding/json into a map[string]any ~31 µs and 159 allocations
// (BenchmarkStdlibJSONMap), the whole decode here ~5 µs and 3
// (BenchmarkDecodeNXLogJSON), unescaping Windows paths (loaded machine).

const jsonMaxDepth = 32

// jsonScanner walks one JSON document.
type jsonScanner struct {
	s     string
	i     int
	depth int
	path  [jsonMaxDepth]string
	// beatsObject: an object under the top-level key "winlog" or
	// "event_data", read without escapes, was entered (noteBeatsObject): the
	// document holds the key parseJSON's search for Winlogbeat's shape
	// finds.
	beatsObject bool
	// text is the block the strings with escapes are decoded into, taken
	// from jsonTextBlocks at the first (jsonScanner.unescape).
	text *[]byte
}

const (
	jsonNXLog = iota
	jsonWinlogbeat
	jsonEvtx
)

// newJSONScanner returns a scanner at the start of s.
func newJSONScanner(s string) jsonScanner {
	return jsonScanner{s: s}
}

// parseJSON reads an NXLog, Winlogbeat or evtx_dump record; w is empty.
func (w *winEvent) parseJSON(s string) bool {
	// The shape is told by its keys: evtx_dump's "Event", NXLog's
	// "EventID" (near the start of its records), Winlogbeat's "winlog"
	// (7.x+) or "event_data" (6.x). The first key tells at once for the
	// usual records, with no search of the document: NXLog writes
	// "EventTime" first (im_msvistalog and im_mseventlog), Beats write
	// "@timestamp" first. A Beats document is read as Winlogbeat's at
	// once, and kept when that reading decodes it and entered its
	// "winlog" or "event_data" object: the search for those keys cost
	// ~1,000 instructions of the ~28k a Winlogbeat record costs (its
	// "winlog" comes after the message, measured with callgrind). Any other Beats document (NXLog
	// sent by a Beat, or one that did not decode) is read again, the
	// shape told by the search as before, from an empty w.
	beats := hasPrefixWords(s, `{"@timestamp":`)
	if beats {
		js := jsonScanner{s: s}
		if js.read(w, nil, jsonWinlogbeat) && w.code != "" && js.beatsObject {
			return w.parsedJSON(winRoadWinlogbeat)
		}
		*w = winEvent{}
	}
	var mode int
	switch {
	case hasPrefixWords(s, `{"Event":`) || hasPrefixWords(s, `{ "Event":`) || hasPrefixWords(s, "{\n  \"Event\":"):
		mode = jsonEvtx
	case hasPrefixWords(s, `{"EventTime":`): // prefixes of 8 to 16 bytes: see hasPrefixWords
		mode = jsonNXLog
	case !beats && jsonHasKey(s, `EventID"`):
		mode = jsonNXLog
	case jsonHasKey(s, `winlog"`) || jsonHasKey(s, `event_data"`):
		mode = jsonWinlogbeat
	case beats && jsonHasKey(s, `EventID"`):
		mode = jsonNXLog
	default:
		return false
	}
	js := jsonScanner{s: s, i: jsonSkipSpace(s, 0)}
	if js.i >= len(s) || s[js.i] != '{' {
		return false
	}
	switch mode {
	case jsonNXLog:
		// NXLog's own fields are held until the record is read: cleared
		// here, as only this road needs them.
		var nx nxlogHold
		// once a record, not once a value; an escaped one (the \u0026 a
		// relay's JSON encoder may write) is seen as its string is unescaped
		w.nxlogAmp = strings.IndexByte(s, '&') >= 0
		if !js.read(w, &nx, mode) || w.code == "" {
			return false
		}
		w.resolveNXLog(&nx)
		return w.parsedJSON(winRoadNXLog)
	case jsonWinlogbeat:
		if !js.read(w, nil, mode) || w.code == "" {
			return false
		}
		return w.parsedJSON(winRoadWinlogbeat)
	default:
		if !js.read(w, nil, mode) || w.code == "" {
			return false
		}
		return w.parsedJSON(winRoadEvtx)
	}
}

// parsedJSON ends the reading of a JSON record that decoded by road.
func (w *winEvent) parsedJSON(road string) bool {
	w.road = road
	if w.nxlogClassic {
		w.n = 0 // im_mseventlog (Windows 2003): the extra names are NXLog's, not EventData
	}
	w.structured = w.n > 0
	if w.n == 0 && w.message != "" {
		w.parseText(w.message)
	}
	return true
}

// jsonHasKey reports whether s holds the string `"`+name (name ends with
// its closing quote). It looks for name without its opening quote: a
// search led by '"', the most frequent byte of a JSON document, stops at
// every string and costs several times more (the documents are 1-4 KiB
// and a Winlogbeat one is searched in full twice).
func jsonHasKey(s, name string) bool {
	for i := 1; i < len(s); {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return false
		}
		if s[i+j-1] == '"' {
			return true
		}
		i += j + 1
	}
	return false
}

// jsonSkipSpace returns the index of the first byte at or after i that
// is not white space. The scanner keeps its position in a local variable
// in its loops and passes it along: reached through the scanner's
// pointer, every byte read was a load and a store more (~2,000
// instructions per record).
func jsonSkipSpace(s string, i int) int {
	for i < len(s) && s[i] <= ' ' && winSpace(s[i]) { // a compare first: compact documents have no space
		i++
	}
	return i
}

// value reads one value at js.i and reports scalars to w; nx holds
// NXLog's own fields (nxlog.go), nil on the other roads: a parameter, as
// a pointer kept in the scanner would move what it points to to the heap.
// Long because it is the scanner's one switch over JSON's kinds of value.
func (js *jsonScanner) value(w *winEvent, nx *nxlogHold, mode int) bool {
	s := js.s
	i := jsonSkipSpace(s, js.i)
	if i >= len(s) {
		return false
	}
	switch s[i] {
	case '{':
		if js.depth == jsonMaxDepth {
			return false
		}
		if i = jsonSkipSpace(s, i+1); i < len(s) && s[i] == '}' {
			js.i = i + 1
			return true
		}
		if js.depth == 1 && mode == jsonWinlogbeat {
			js.noteBeatsObject()
		}
		ok := js.members(w, nx, mode, i)
		return ok
	case '[':
		i = jsonSkipSpace(s, i+1)
		if i < len(s) && s[i] == ']' {
			js.i = i + 1
			return true
		}
		for {
			js.i = i
			if !js.value(w, nx, mode) {
				return false
			}
			if i = jsonSkipSpace(s, js.i); i >= len(s) {
				return false
			}
			switch s[i] {
			case ',':
				i++
			case ']':
				js.i = i + 1
				return true
			default:
				return false
			}
		}
	case '"':
		v, next, ok := js.str(i)
		if ok {
			js.i = next
			js.element(w, nx, mode, v)
		}
		return ok
	}
	lit, next := jsonLiteral(s, i)
	js.i = next
	if lit == "" {
		return false
	}
	if lit != "null" {
		js.element(w, nx, mode, lit)
	}
	return true
}

// members reads the members of the object whose first key's quote (or
// white space before it) is at i, up to its closing brace. Only the keys
// of objects and arrays go on the path: a scalar member is handed to the
// mapper with its key (most members are; a store of the key was a store
// through a pointer, with the write barrier's check, and while the
// garbage collector marks, the barrier itself). Compact documents have
// no white space and keys without escapes: the usual member, `"key":` and
// a string without escapes, is read by jsonPair, and anything else here.
// Long because it is the member loop, the scanner's hot path.
func (js *jsonScanner) members(w *winEvent, nx *nxlogHold, mode int, i int) bool {
	s := js.s
	data := js.eventData(mode)
	parents := js.path[:js.depth]
	for {
		key, v, next, read := jsonPair(s, i)
		i = next
		if read != jsonPairString {
			var ok bool
			if read == jsonPairNone {
				if key, i, ok = js.memberKey(i); !ok {
					return false
				}
			}
			if i < len(s) && s[i] <= ' ' {
				i = jsonSkipSpace(s, i)
			}
			if i >= len(s) {
				return false
			}
			switch s[i] {
			case '"':
				if v, i, ok = js.str(i); !ok {
					return false
				}
				if mode == jsonNXLog && !w.nxlogAmp {
					w.nxlogAmp = strings.IndexByte(v, '&') >= 0 // an escaped '&'
				}
			case '{', '[':
				js.path[js.depth] = key
				js.depth++
				js.i = i
				ok = js.value(w, nx, mode)
				js.depth--
				if !ok {
					return false
				}
				i = js.i
				goto next
			default:
				var lit string
				if lit, i = jsonLiteral(s, i); lit == "" {
					return false
				}
				if lit != "null" {
					w.jsonMember(nx, mode, parents, key, lit)
				}
				goto next
			}
		}
		// A string member. jsonMember's switch, here: the usual member
		// reaches its road's mapper in one call, not two (~20
		// instructions each).
		switch {
		case data && mode == jsonNXLog:
			w.nxlogData(key, v)
		case data:
			w.add(key, v)
		case mode == jsonWinlogbeat:
			w.winlogbeatField(parents, key, v)
		case mode == jsonNXLog:
			w.nxlogField(nx, parents, key, v)
		default:
			w.evtxField(parents, key, v)
		}
	next:
		if i < len(s) && s[i] == ',' { // the usual end of a member
			i++
			continue
		}
		if i = jsonSkipSpace(s, i); i >= len(s) {
			return false
		}
		switch s[i] {
		case ',':
			i++
		case '}':
			js.i = i + 1
			return true
		default:
			return false
		}
	}
}

// What jsonPair read of a member.
const (
	jsonPairNone   = iota // nothing: the key is not the usual one (white space before it, escapes)
	jsonPairKey           // the key and its colon; the value, at next, is not a string without escapes
	jsonPairString        // the key and a string value without escapes
)

// jsonPair reads the usual member at i, `"key":"value"` with neither white
// space nor escapes, and returns the index after it; or as much of it as
// is usual (read says what). A function of its own, not inlined: in the
// member loop, whose state takes the registers, the compiler reloaded four
// of it from the stack on every 8 bytes scanned (25 instructions a word);
// here the scan keeps its constants in registers.
func jsonPair(s string, i int) (key, v string, next int, read int) {
	// The masks as values the compiler cannot fold: it keeps them in
	// registers, where it materialised constants anew in every turn of
	// the scan (and reloaded what their registers had held).
	k := &jsonWordMasks
	q, b, m, h := k[0], k[1], k[2], k[3]
	// Bytes and substrings read at their address: every index is tested
	// against the length first (the compiler's own checks were a third
	// of the instructions outside the scans). The length is kept as last,
	// len(s)-8, the scans' bound: with len(s) too, the value's scan had
	// one register too few and kept its word on the stack.
	p, last := unsafe.Pointer(unsafe.StringData(s)), len(s)-8
	at := func(j int) byte { return *(*byte)(unsafe.Add(p, j)) }
	if i >= last+8 || at(i) != '"' {
		return "", "", i, jsonPairNone
	}
	ke := jsonWordEndAt(p, i+1, last, q, b, m, h) // the key's end, <= len(s)
	if ke+2 >= last+8 || at(ke) != '"' || at(ke+1) != ':' {
		return "", "", i, jsonPairNone
	}
	// The key is taken once the value is read: its end is the value's
	// start less 2, one register fewer in the scan.
	vs := ke + 2
	if at(vs) != '"' {
		return unsafe.String((*byte)(unsafe.Add(p, i+1)), vs-2-i-1), "", vs, jsonPairKey
	}
	ve := jsonWordEndAt(p, vs+1, last, q, b, m, h)
	key = unsafe.String((*byte)(unsafe.Add(p, i+1)), vs-2-i-1)
	if ve >= last+8 || at(ve) != '"' {
		return key, "", vs, jsonPairKey // escapes, or the document's end
	}
	return key, unsafe.String((*byte)(unsafe.Add(p, vs+1)), ve-vs-1), ve + 1, jsonPairString
}

// jsonWordMasks are quoteOrBackslash8's constants, for jsonPair.
var jsonWordMasks = [4]uint64{lo8 * '"', lo8 * '\\', -lo8 & (1<<64 - 1), hi8}

// jsonWordEndAt is jsonWordEnd for the document at p whose length less
// 8 is last, with quoteOrBackslash8's constants given: q and b the quote
// and the backslash in every byte, m -lo8 and h hi8.
func jsonWordEndAt(p unsafe.Pointer, i, last int, q, b, m, h uint64) int {
	for ; i <= last; i += 8 {
		x := binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, i))[:]) // word, at p
		qm, bm := (x^q)+m, (x^b)+m
		if f := (qm | bm) &^ x & h; f != 0 {
			return i + bits.TrailingZeros64(f)>>3
		}
	}
	return i
}

// memberKey reads a member's key at i (after white space, and with
// escapes) and its colon, and returns the index after the colon.
func (js *jsonScanner) memberKey(i int) (string, int, bool) {
	s := js.s
	key, i, ok := js.str(jsonSkipSpace(s, i))
	if !ok {
		return "", i, false
	}
	if i = jsonSkipSpace(s, i); i >= len(s) || s[i] != ':' {
		return "", i, false
	}
	return key, i + 1, true
}

// noteBeatsObject notes an object entered under the top-level key
// "winlog" or "event_data" as written (parseJSON's fast road for Beats
// documents). Apart from eventData, which stays small enough to be
// inlined into members.
func (js *jsonScanner) noteBeatsObject() {
	if k := js.path[0]; (k == "winlog" || k == "event_data") && js.inDocument(k) {
		js.beatsObject = true
	}
}

// inDocument reports whether v is bytes of the document (a string read
// without escapes), not of the unescaped ones.
func (js *jsonScanner) inDocument(v string) bool {
	p, d := uintptr(unsafe.Pointer(unsafe.StringData(v))), uintptr(unsafe.Pointer(unsafe.StringData(js.s)))
	return p >= d && p-d <= uintptr(len(js.s)-len(v))
}

// jsonLiteral returns the number, true, false or null at i (up to the
// next delimiter or white space) and the index after it.
func jsonLiteral(s string, i int) (string, int) {
	start := i
	for i < len(s) {
		c := s[i]
		if c == ',' || c == '}' || c == ']' || winSpace(c) {
			break
		}
		i++
	}
	return s[start:i], i
}

// element maps a scalar that is not an object's member: an array's
// element, whose key is the array's (the path's last); the document
// itself, a scalar, maps to nothing.
func (js *jsonScanner) element(w *winEvent, nx *nxlogHold, mode int, v string) {
	if js.depth > 0 {
		w.jsonMember(nx, mode, js.path[:js.depth-1], js.path[js.depth-1], v)
	}
}

// eventData reports whether the object being entered (at js's path) is
// the record's EventData, whose every string member the road's mapper
// adds as it is: the scanner then adds them itself (a third of a
// Winlogbeat record's members, ~50 instructions each through the mapper).
func (js *jsonScanner) eventData(mode int) bool {
	p := js.path[:js.depth]
	switch mode {
	case jsonWinlogbeat:
		return len(p) == 2 && p[0] == "winlog" && p[1] == "event_data" || len(p) == 1 && p[0] == "event_data"
	case jsonNXLog:
		return len(p) == 1 && p[0] == "EventData"
	}
	return false
}

// str reads a JSON string at i and returns the index after it.
func (js *jsonScanner) str(i int) (string, int, bool) {
	s := js.s
	if i >= len(s) || s[i] != '"' {
		return "", i, false
	}
	end := jsonWordEnd(s, i+1)
	for end < len(s) && s[end] != '"' && s[end] != '\\' { // the document's last bytes
		end++
	}
	if end == len(s) {
		return "", end, false
	}
	if s[end] == '"' { // the usual string: no escapes, a substring, no copy
		return s[i+1 : end], end + 1, true
	}
	return js.strEscaped(i+1, end)
}

// jsonWordEnd returns the index of the first quote or backslash at or
// after i, found 8 bytes at a time (a call to strings.IndexByte costs
// more than the whole of a usual key or value, and would only find the
// quote); or, when none is in the words before the document's last 7
// bytes or fewer, the index of the first of those, for the caller to
// read: if it is a quote, it is the first. Small enough to be inlined
// into str; jsonPair, the usual member's reader, scans with
// jsonWordEndAt.
func jsonWordEnd(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if m := quoteOrBackslash8(word(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}

// quoteOrBackslash8 flags (high bit of each byte) the bytes of x that
// are '"' or '\\'; only the lowest flag is sure to be a true one. It is
// the "has zero byte" bit trick, (y-lo8) &^ y & hi8 for y = x^(lo8*c),
// twice with one mask: q and b have x's high bits (neither byte
// has its own), so a byte of x at 0x80 or above, whose q-1 or b-1 may set
// its high bit, is cleared by &^x as by &^q and &^b (one operation fewer
// on every 8 bytes of every key and value).
func quoteOrBackslash8(x uint64) uint64 {
	q, b := x^(lo8*'"'), x^(lo8*'\\')
	return ((q - lo8) | (b - lo8)) &^ x & hi8
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// word reads s[i:i+8] little-endian; the caller has tested i+8 <=
// len(s). The 8 bytes are read as an array at their address, so that
// the compiler checks no bounds (its check cost a quarter of the scan
// of a word): a string's bytes are never written, and the read is byte
// by byte in meaning (the same value on every architecture).
func word(s string, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))[:])
}
