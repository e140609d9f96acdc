package snapshot

import (
	"io"
	"unicode/utf8"
)

// Appender is an element of a List that appends its own JSON to b, the
// bytes json.Marshal writes of it; ok is false if it cannot (the same for
// every value of its type), and List then encodes with encoding/json.
//
// A hand-written appender is about a fifth of encoding/json's cost per
// element: a rule at max_keys is 100,000 of them at every snapshot, taken
// every few seconds while the relay is under load.
type Appender interface {
	AppendJSON(b []byte) (out []byte, ok bool)
}

// appendChunk: an appending List is written whenever this much of it is
// encoded (written in pieces, as listChunk elements are).
const appendChunk = 128 << 10

// writeAppended writes l, whose elements are Appenders that can, as the
// JSON array json.Marshal would.
func writeAppended[T any](w io.Writer, l []T) error {
	b := make([]byte, 0, appendChunk+4<<10)
	b = append(b, '[')
	for i := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = any(&l[i]).(Appender).AppendJSON(b)
		if len(b) >= appendChunk {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err := w.Write(append(b, ']'))
	return err
}

// appends reports whether l's elements are Appenders that can.
func appends[T any](l []T) bool {
	if len(l) == 0 {
		return false
	}
	a, ok := any(&l[0]).(Appender)
	if !ok {
		return false
	}
	var probe [64]byte
	_, ok = a.AppendJSON(probe[:0])
	return ok
}

// AppendString appends s as a JSON string, escaped as json.Marshal
// escapes it: `"` and `\`, control characters (\b \f \n \r \t by name,
// the others as \u00XX), <, > and & (\u003c, \u003e, \u0026), U+2028 and
// U+2029, and each byte of invalid UTF-8 as \ufffd.
func AppendString[S string | []byte](b []byte, s S) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		// A rune's bytes as a string: on the stack, for []byte too.
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
