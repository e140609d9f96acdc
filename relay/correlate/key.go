package correlate

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// keySep separates the values of a group key; it does not occur in
// normalized field values.
const keySep = '\x00'

// appendKey appends the values of keys (indices in the condition table)
// of the memo's event, separated by keySep. It reports false if the
// event lacks one of them: such an event belongs to no group.
func (m *memo) appendKey(dst []byte, keys []int) ([]byte, bool) {
	for i, k := range keys {
		v := m.get(k)
		if v == nil {
			return dst, false
		}
		if i > 0 {
			dst = append(dst, keySep)
		}
		var ok bool
		if dst, ok = appendKeyValue(dst, v); !ok {
			return dst, false
		}
	}
	return dst, true
}

// appendKey is memo.appendKey for an event without a memo (a journaled
// finding) and keys by name.
func appendKey(dst []byte, e *event.Event, fields []string) ([]byte, bool) {
	for i, f := range fields {
		v, ok := e.Get(f)
		if !ok {
			return dst, false
		}
		if i > 0 {
			dst = append(dst, keySep)
		}
		if dst, ok = appendKeyValue(dst, &v); !ok {
			return dst, false
		}
	}
	return dst, true
}

// appendKeyValue appends v as a group key holds it; false if it is empty
// or "-" (no value).
func appendKeyValue(dst []byte, v *event.Value) ([]byte, bool) {
	switch v.Type {
	case event.TypeString:
		if v.Str == "" || v.Str == "-" {
			return dst, false
		}
		return append(dst, v.Str...), true
	case event.TypeInt:
		return strconv.AppendInt(dst, v.Num, 10), true
	}
	return append(dst, v.String()...), true
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
