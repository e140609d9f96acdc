package correlate

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// keySep separates the values of a group key; it does not occur in
// normalized field values.
const keySep = '\x00'

// appendKey appends the values of fields of e, separated by keySep. It
// reports false if e lacks one of them: such an event belongs to no group.
func appendKey(dst []byte, e *event.Event, fields []string) ([]byte, bool) {
	for i, f := range fields {
		v, ok := e.Get(f)
		if !ok {
			return dst, false
		}
		if i > 0 {
			dst = append(dst, keySep)
		}
		switch v.Type {
		case event.TypeString:
			if v.Str == "" || v.Str == "-" {
				return dst, false
			}
			dst = append(dst, v.Str...)
		case event.TypeInt:
			dst = strconv.AppendInt(dst, v.Num, 10)
		default:
			dst = append(dst, v.String()...)
		}
	}
	return dst, true
}

// displayKey renders an internal key as "field=value field=value".
func displayKey(fields []string, key string) string {
	if len(fields) == 0 {
		return ""
	}
	var b strings.Builder
	for i, f := range fields {
		val, rest, _ := strings.Cut(key, string(keySep))
		key = rest
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f)
		b.WriteByte('=')
		b.WriteString(val)
	}
	return b.String()
}

// keyFields returns the values of an internal key by field name, for
// messages rendered without an event.
func keyFields(fields []string, key string) map[string]string {
	m := make(map[string]string, len(fields))
	for _, f := range fields {
		val, rest, _ := strings.Cut(key, string(keySep))
		key = rest
		m[f] = val
	}
	return m
}
