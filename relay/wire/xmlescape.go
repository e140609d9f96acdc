package wire

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// UnescapeXML decodes the five predefined XML entities and character
// references (&#10;, &#xA;) in the text or an attribute of a Windows
// event record; anything else (&bogus;, a lone &) is kept as it is. Text
// without '&' is returned as is. The one copy of XML entity decoding: the
// relay's record helpers and the Windows decoder (normalize/windows) call
// it for every record.
func UnescapeXML(s string) string {
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
		if c, n := whiteRef(s[i:]); n > 0 { // most of a rendered message's entities
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
			if r, ok := charRef(ent); ok {
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
			b = append(b, s[i:i+end+1]...)
		}
		i += end + 1
	}
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is not written again: no copy
}

// whiteRef reads "&#9;", "&#10;" or "&#13;" at the start of s (a rendered
// message's tabs and line ends, one every few words) and returns the byte
// and the reference's length, 0 if s starts with another.
func whiteRef(s string) (byte, int) {
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

// charRef decodes the body of a character reference: "#10", "#xA". (Not
// strconv, whose parse costs several times more; the body is at most 11
// bytes, so neither loop can overflow.)
func charRef(ent string) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var n uint64
	if ent[1] == 'x' || ent[1] == 'X' {
		hex := ent[2:]
		if hex == "" {
			return 0, false
		}
		for i := 0; i < len(hex); i++ {
			c := hex[i]
			switch {
			case '0' <= c && c <= '9':
				c -= '0'
			case 'a' <= c && c <= 'f':
				c -= 'a' - 10
			case 'A' <= c && c <= 'F':
				c -= 'A' - 10
			default:
				return 0, false
			}
			n = n<<4 | uint64(c)
		}
	} else {
		for i := 1; i < len(ent); i++ {
			c := ent[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + uint64(c-'0')
		}
	}
	if n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}
