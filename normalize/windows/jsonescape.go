package windows

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// JSON strings with escapes: where their end is, how they are decoded,
// and where the decoded copies live.

// strEscaped reads the rest of the string that begins at start and has
// its first backslash at bs: apart from str, whose frame stays that of the
// usual string.
func (js *jsonScanner) strEscaped(start, bs int) (string, int, bool) {
	s := js.s
	end := bs
	// The string ends at the first quote after an even run of
	// backslashes (an odd one escapes it): searched with strings.IndexByte,
	// which skips a long message's escapes 16 bytes at a time.
	for {
		n := strings.IndexByte(s[end+1:], '"')
		if n < 0 {
			return "", end, false
		}
		end += 1 + n
		bs := 0
		for k := end - 1; k >= start && s[k] == '\\'; k-- {
			bs++
		}
		if bs%2 == 0 {
			break
		}
	}
	v, ok := js.unescape(s[start:end])
	return v, end + 1, ok
}

// jsonTextBlocks holds the blocks the decoded copies of the strings that
// had escapes are carved from (Windows paths always do; a record has one
// to three: its message, a path, a command line). A block is shared by
// many records, as parse carves the frames from its (Parser.keep), so
// that a record costs the garbage collector no object of its own for
// them, and a copy takes its decoded length, not its escaped length
// rounded up to a size class. A block lives as long as any event
// pointing into it: state that outlives events must strings.Clone what
// it keeps, as for the frames. The decoders have no state of their own
// and run on many goroutines: a record's scanner takes a block at its
// first escaped string and gives it back once the record is read
// (jsonScanner.read), so one goroutine at a time appends to a block; bytes
// a string was made of are never written again (appends go past them).
var jsonTextBlocks sync.Pool

// jsonTextBlock is a block's size: a few dozen records' copies.
const jsonTextBlock = 16 << 10

// unescape returns s, a JSON string body, with its escapes decoded.
func (js *jsonScanner) unescape(s string) (string, bool) {
	// Decoded, s is never longer: len(s) bytes of room are enough.
	if len(s) > jsonTextBlock/8 {
		b, ok := jsonUnescape(make([]byte, 0, len(s)), s) // a long one gets its own
		return unsafe.String(unsafe.SliceData(b), len(b)), ok
	}
	if js.text == nil {
		js.text, _ = jsonTextBlocks.Get().(*[]byte)
		if js.text == nil {
			js.text = new([]byte)
		}
	}
	blk := js.text
	if cap(*blk)-len(*blk) < len(s) {
		*blk = make([]byte, 0, jsonTextBlock)
	}
	from := len(*blk)
	b, ok := jsonUnescape(*blk, s)
	if !ok {
		return "", false
	}
	*blk = b
	return unsafe.String(unsafe.SliceData(b[from:]), len(b)-from), true
}

// read reads the document (value) and gives back the text block it took.
func (js *jsonScanner) read(w *winEvent, nx *nxlogHold, mode int) bool {
	ok := js.value(w, nx, mode)
	if js.text != nil {
		jsonTextBlocks.Put(js.text)
		js.text = nil
	}
	return ok
}

// jsonUnescape appends s, a JSON string body, to b with its escapes
// decoded. Decoded, s is never longer (an escape is never shorter than
// what it decodes to), so with that room in b whole words can be copied
// between escapes: a word is written only where s has 8 bytes left to
// read, and the output is never ahead of the input.
func jsonUnescape(b []byte, s string) ([]byte, bool) {
	if cap(b)-len(b) < len(s) {
		b = append(make([]byte, 0, len(b)+len(s)), b...)
	}
	out := b[:cap(b)]
	p := unsafe.Pointer(unsafe.SliceData(out))
	o := len(b)
	i := 0
	// The backslash test's constants as values the compiler cannot fold,
	// so that it keeps them in registers: it materialised them anew on
	// every word.
	k := &jsonWordMasks
	bs, ml, mh := k[1], k[2], k[3]
	// Stores go to their address, without a bounds check: o-len(b) <= i
	// and i+8 <= len(s) <= cap(b)-len(b), so o+8 <= cap(b).
	for i+8 <= len(s) {
		// Copy up to the next escape a word at a time, bytes past the
		// backslash included: the escape writes over them. Between two
		// escapes the output is d bytes from the input: one index moves.
		d := o - i
		var m uint64
		for {
			x := word(s, i)
			binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(p, i+d))[:], x)
			y := x ^ bs // the "has zero byte" trick (quoteOrBackslash8) for the backslash
			if m = (y + ml) &^ y & mh; m != 0 {
				break
			}
			if i += 8; i+8 > len(s) {
				break
			}
		}
		if m == 0 { // fewer than 8 bytes left, no escape met
			o = i + d
			break
		}
		i += bits.TrailingZeros64(m) >> 3
		o = i + d
		if i+8 > len(s) {
			break
		}
		// The escapes there, one after another, read from the word at
		// the backslash: Windows messages hold runs of them (\r\n\t\t).
		// The word's bytes shift out two at a time; the zeros shifted in
		// end the run. A backslash in its last byte, or an escape that
		// is not one letter, is read from s.
		x := word(s, i)
		for {
			c := jsonEscapePairs[uint16(x)] // 0: not a one-letter escape
			if c == 0 {
				break
			}
			*(*byte)(unsafe.Add(p, o)) = c
			o++
			i += 2
			x >>= 16
		}
		if byte(x) == '\\' { // \u, or an invalid escape
			var ok bool
			if o, i, ok = jsonEscape(out, o, s, i); !ok {
				return nil, false
			}
		}
	}
	// The last bytes, fewer than 8.
	for i < len(s) {
		if c := s[i]; c != '\\' {
			out[o] = c
			o++
			i++
			continue
		}
		var ok bool
		if o, i, ok = jsonEscape(out, o, s, i); !ok {
			return nil, false
		}
	}
	return out[:o], true
}

// jsonEscape decodes the escape whose backslash is s[i] into out[o:], and
// returns where both go on.
func jsonEscape(out []byte, o int, s string, i int) (int, int, bool) {
	if i+1 >= len(s) {
		return o, i, false
	}
	if c := jsonEscapes[s[i+1]]; c != 0 {
		out[o] = c
		return o + 1, i + 2, true
	}
	return jsonUnescapeU(out, o, s, i+1)
}

// jsonUnescapeU decodes the \u escape whose 'u' is s[i] (a surrogate
// pair as one rune) into out[o:], and returns where both go on.
func jsonUnescapeU(out []byte, o int, s string, i int) (int, int, bool) {
	if s[i] != 'u' {
		return o, i, false
	}
	r, ok := jsonHex4(s, i+1)
	if !ok {
		return o, i, false
	}
	i += 5
	if utf16.IsSurrogate(r) {
		if r2, ok := jsonHex4(s, i+2); ok && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				r = d
				i += 6
			}
		}
	}
	return o + utf8.EncodeRune(out[o:], r), i, true
}

// jsonEscapes is what a one-letter escape stands for (0: not one).
var jsonEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// jsonEscapePairs is jsonEscapes by the escape's two bytes, backslash
// first, read little-endian: one load and one test per escape of a run
// (a Windows message holds a run every few words: \r\n\t\t), not a test
// of the backslash, a load and a test. Of its 64 KiB, the program only
// ever touches the 8 cache lines (and pages) that hold the escapes.
var jsonEscapePairs = func() *[1 << 16]byte {
	t := new([1 << 16]byte)
	for letter, c := range jsonEscapes {
		if c != 0 {
			t[letter<<8|'\\'] = c
		}
	}
	return t
}()

// jsonHex4 reads the 4 hex digits of a \u escape at s[i:]: exactly 4
// (vendor.ParseHex would take "0x41" for 0x41).
func jsonHex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c|0x20 && c|0x20 <= 'f':
			c = c | 0x20 - 'a' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
