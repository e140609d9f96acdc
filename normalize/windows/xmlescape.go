package windows

// XML escapes: entities and character references in text and attributes.

import (
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

// xmlUnescape decodes the five XML entities and character references;
// text without '&' is returned as is.
func xmlUnescape(s string) string {
	i := strings.IndexByte(s, '&')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c != '&' {
			run := strings.IndexByte(s[i:], '&') // copy up to the next entity at once
			if run < 0 {
				run = len(s) - i
			}
			b = append(b, s[i:i+run]...)
			i += run
			continue
		}
		if c, n := xmlWhiteRef(s[i:]); n > 0 { // most of a rendered message's entities
			b = append(b, c)
			i += n
			continue
		}
		end := strings.IndexByte(s[i:], ';')
		if end < 0 || end > 12 {
			b = append(b, c)
			i++
			continue
		}
		ent := s[i+1 : i+end]
		if ent != "" && ent[0] == '#' { // the usual entity: &#13;&#10; ends each line of a rendered message
			if r, ok := xmlCharRef(ent); ok {
				b = utf8.AppendRune(b, r)
			} else {
				b = append(b, s[i:i+end+1]...)
			}
			i += end + 1
			continue
		}
		switch ent {
		case "lt":
			b = append(b, '<')
		case "gt":
			b = append(b, '>')
		case "amp":
			b = append(b, '&')
		case "quot":
			b = append(b, '"')
		case "apos":
			b = append(b, '\'')
		default:
			if r, ok := xmlCharRef(ent); ok {
				b = utf8.AppendRune(b, r)
			} else {
				b = append(b, s[i:i+end+1]...)
			}
		}
		i += end + 1
	}
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is not written again: no copy
}

// xmlWhiteRef reads "&#9;", "&#10;" or "&#13;" at the start of s (a
// rendered message's tabs and line ends, one every few words) and returns
// the byte and the reference's length, 0 if s starts with another.
func xmlWhiteRef(s string) (byte, int) {
	switch {
	case len(s) >= 4 && s[1] == '#' && s[2] == '9' && s[3] == ';':
		return '\t', 4
	case len(s) >= 5 && s[1] == '#' && s[2] == '1' && s[4] == ';' && s[3] == '0':
		return '\n', 5
	case len(s) >= 5 && s[1] == '#' && s[2] == '1' && s[4] == ';' && s[3] == '3':
		return '\r', 5
	}
	return 0, 0
}

// xmlCharRef decodes the body of a character reference: "#10", "#xA".
// (Rendered messages hold one per line end: &#13;&#10;. Not strconv,
// whose parse costs several times more.)
func xmlCharRef(ent string) (rune, bool) {
	var n uint64
	var ok bool
	switch {
	case len(ent) > 2 && (ent[1] == 'x' || ent[1] == 'X') && ent[0] == '#':
		hex := ent[2:]
		if len(hex) > 1 && (hex[1] == 'x' || hex[1] == 'X') {
			return 0, false // "#x0x41": ParseHex would take the prefix
		}
		n, ok = vendor.ParseHex(hex)
	case len(ent) > 1 && ent[0] == '#':
		var d int64
		d, ok = ecs.ParseUint(ent[1:])
		n = uint64(d)
	}
	if !ok || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}
