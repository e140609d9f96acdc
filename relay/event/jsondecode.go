package event

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// DecodeJSON turns a document the Encoder wrote (another nomen's output,
// read back from a bus) into an event that the Encoder writes again as the
// same document: the typed part (times, syslog header, structured data,
// nomen.input, nomen.peer, nomen.format, nomen.truncated, nomen.id as ID)
// is restored, derived fields equal to what the typed part gives are
// dropped, and everything else becomes a field. A nested object becomes
// dotted keys; an object whose keys cannot be dotted (empty, or holding
// a '.') and an array not of strings only are kept whole as JSON. A
// value of an unexpected type for a typed key (an @timestamp that is not
// the Encoder's time format) is kept as a field, so nothing is lost.
//
// observer is the document's observer.hostname (the Encoder writes its own,
// which is not part of the event). The error says what is wrong with data
// that is not one JSON object.
func DecodeJSON(data []byte) (e *Event, observer string, err error) {
	d := jsonDecoder{data: data}
	d.skipSpace()
	if d.i >= len(d.data) || d.data[d.i] != '{' {
		return nil, "", errors.New("json: not an object")
	}
	if err := d.object(nil, 0); err != nil {
		return nil, "", err
	}
	d.skipSpace()
	if d.i != len(d.data) {
		return nil, "", fmt.Errorf("json: data after the object at byte %d", d.i)
	}
	e = &Event{Pri: NoPri}
	observer = e.restore(d.leaves)
	return e, observer, nil
}

// leaf is one scalar (or whole value) of a document under its dotted key.
type leaf struct {
	key string
	val Value
}

// maxJSONDepth bounds nesting (the Encoder's documents are a few levels).
const maxJSONDepth = 64

type jsonDecoder struct {
	data   []byte
	i      int
	leaves []leaf
}

func (d *jsonDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("json: byte %d: %s", d.i, fmt.Sprintf(format, args...))
}

func (d *jsonDecoder) skipSpace() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) expect(c byte) error {
	d.skipSpace()
	if d.i >= len(d.data) || d.data[d.i] != c {
		return d.errorf("want %q", c)
	}
	d.i++
	return nil
}

// object reads an object at d.i whose members go under prefix (dotted, with
// a trailing '.'; nil at the root). Below the root an object with a key
// that cannot be dotted is kept whole.
func (d *jsonDecoder) object(prefix []byte, depth int) error {
	if depth > maxJSONDepth {
		return d.errorf("nested deeper than %d", maxJSONDepth)
	}
	start, mark := d.i, len(d.leaves)
	d.i++ // '{'
	d.skipSpace()
	if d.i < len(d.data) && d.data[d.i] == '}' {
		d.i++
		if prefix != nil {
			d.leaves = append(d.leaves, leaf{string(prefix[:len(prefix)-1]), RawJSON("{}")})
		}
		return nil
	}
	for {
		d.skipSpace()
		if d.i >= len(d.data) || d.data[d.i] != '"' {
			return d.errorf("want a key")
		}
		k, err := d.str()
		if err != nil {
			return err
		}
		if prefix != nil && (k == "" || strings.IndexByte(k, '.') >= 0) {
			d.i = start
			if err := d.skipValue(depth); err != nil {
				return err
			}
			d.leaves = append(d.leaves[:mark], leaf{string(prefix[:len(prefix)-1]), RawJSON(string(d.data[start:d.i]))})
			return nil
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		key := append(prefix[:len(prefix):len(prefix)], k...)
		if err := d.value(key, depth); err != nil {
			return err
		}
		d.skipSpace()
		if d.i < len(d.data) && d.data[d.i] == ',' {
			d.i++
			continue
		}
		return d.expect('}')
	}
}

// value reads the value of key at d.i.
func (d *jsonDecoder) value(key []byte, depth int) error {
	d.skipSpace()
	if d.i >= len(d.data) {
		return d.errorf("want a value")
	}
	switch c := d.data[d.i]; {
	case c == '{':
		if string(key) == "log.syslog.structured_data" {
			start := d.i
			if err := d.skipValue(depth); err != nil {
				return err
			}
			d.leaves = append(d.leaves, leaf{string(key), RawJSON(string(d.data[start:d.i]))})
			return nil
		}
		return d.object(append(key, '.'), depth+1)
	case c == '[':
		return d.array(key, depth)
	case c == '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		d.leaves = append(d.leaves, leaf{string(key), String(s)})
		return nil
	}
	v, err := d.scalar()
	if err != nil {
		return err
	}
	if len(key) > 0 {
		d.leaves = append(d.leaves, leaf{string(key), v})
	}
	return nil
}

// array reads an array: a list of strings, or any other kept whole.
func (d *jsonDecoder) array(key []byte, depth int) error {
	start := d.i
	d.i++
	var list []string
	for strs, n := true, 0; ; n++ {
		d.skipSpace()
		if d.i < len(d.data) && d.data[d.i] == ']' && n == 0 {
			d.i++
			break
		}
		if strs && d.i < len(d.data) && d.data[d.i] == '"' {
			s, err := d.str()
			if err != nil {
				return err
			}
			list = append(list, s)
		} else {
			strs = false
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
		}
		d.skipSpace()
		if d.i < len(d.data) && d.data[d.i] == ',' {
			d.i++
			continue
		}
		if err := d.expect(']'); err != nil {
			return err
		}
		if !strs {
			d.leaves = append(d.leaves, leaf{string(key), RawJSON(string(d.data[start:d.i]))})
			return nil
		}
		break
	}
	if list == nil {
		list = []string{}
	}
	d.leaves = append(d.leaves, leaf{string(key), Strings(list...)})
	return nil
}

// skipValue checks and passes over any value.
func (d *jsonDecoder) skipValue(depth int) error {
	if depth > maxJSONDepth {
		return d.errorf("nested deeper than %d", maxJSONDepth)
	}
	d.skipSpace()
	if d.i >= len(d.data) {
		return d.errorf("want a value")
	}
	switch d.data[d.i] {
	case '"':
		_, err := d.str()
		return err
	case '{', '[':
		open, end := d.data[d.i], byte('}')
		if open == '[' {
			end = ']'
		}
		d.i++
		d.skipSpace()
		if d.i < len(d.data) && d.data[d.i] == end {
			d.i++
			return nil
		}
		for {
			if open == '{' {
				d.skipSpace()
				if d.i >= len(d.data) || d.data[d.i] != '"' {
					return d.errorf("want a key")
				}
				if _, err := d.str(); err != nil {
					return err
				}
				if err := d.expect(':'); err != nil {
					return err
				}
			}
			if err := d.skipValue(depth + 1); err != nil {
				return err
			}
			d.skipSpace()
			if d.i < len(d.data) && d.data[d.i] == ',' {
				d.i++
				continue
			}
			return d.expect(end)
		}
	}
	_, err := d.scalar()
	return err
}

// scalar reads a number, true, false or null.
func (d *jsonDecoder) scalar() (Value, error) {
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(string(d.data[d.i:min(len(d.data), d.i+5)]), lit) {
			d.i += len(lit)
			switch lit {
			case "true":
				return Bool(true), nil
			case "false":
				return Bool(false), nil
			}
			return RawJSON("null"), nil
		}
	}
	return d.number()
}

// number reads a JSON number: an integer that fits int64 becomes Int, any
// other a Float, or kept as written if a float cannot hold it.
func (d *jsonDecoder) number() (Value, error) {
	start := d.i
	digits := func() int {
		n := 0
		for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	if d.i < len(d.data) && d.data[d.i] == '-' {
		d.i++
	}
	intStart := d.i
	if n := digits(); n == 0 || n > 1 && d.data[intStart] == '0' {
		return Value{}, d.errorf("invalid value")
	}
	integer := true
	if d.i < len(d.data) && d.data[d.i] == '.' {
		d.i++
		integer = false
		if digits() == 0 {
			return Value{}, d.errorf("invalid number")
		}
	}
	if d.i < len(d.data) && (d.data[d.i] == 'e' || d.data[d.i] == 'E') {
		d.i++
		integer = false
		if d.i < len(d.data) && (d.data[d.i] == '+' || d.data[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return Value{}, d.errorf("invalid number")
		}
	}
	text := string(d.data[start:d.i])
	if integer {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return Int(n), nil
		}
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && strconv.FormatFloat(f, 'g', -1, 64) == text {
		return Float(f), nil
	}
	return RawJSON(text), nil
}

// str reads a string at d.i (at its '"').
func (d *jsonDecoder) str() (string, error) {
	d.i++
	start := d.i
	for d.i < len(d.data) {
		switch c := d.data[d.i]; {
		case c == '"':
			s := string(d.data[start:d.i])
			d.i++
			return s, nil
		case c == '\\':
			return d.strEscaped(start)
		case c < 0x20:
			return "", d.errorf("control byte in a string")
		}
		d.i++
	}
	return "", d.errorf("unterminated string")
}

// strEscaped is str for a string with escapes, from d.i (at a '\').
func (d *jsonDecoder) strEscaped(start int) (string, error) {
	b := append([]byte(nil), d.data[start:d.i]...)
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b), nil
		case c < 0x20:
			return "", d.errorf("control byte in a string")
		case c != '\\':
			b = append(b, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.data) {
			break
		}
		esc := d.data[d.i+1]
		d.i += 2
		switch esc {
		case '"', '\\', '/':
			b = append(b, esc)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errorf("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.data) && d.data[d.i] == '\\' && d.data[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					if r2, ok = d.hex4(); !ok {
						return "", d.errorf("invalid \\u escape")
					}
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						d.i, r2 = save, -1
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", d.errorf("invalid escape")
		}
	}
	return "", d.errorf("unterminated string")
}

func (d *jsonDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.data) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.data[d.i:d.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(n), true
}
