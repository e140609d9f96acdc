package forward

import (
	"fmt"
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// Template is a destination name with {field.path} placeholders that each
// event's values fill: the nats sink's subject, the kafka sink's topic.
// Which characters a name may hold is the sink's business: it checks the
// literal parts (Shape) and gives Append the function that cleans values.
type Template struct {
	parts []templatePart
}

type templatePart struct {
	literal string
	field   string // set for a {field}
}

// ParseTemplate parses s: literal text and {field.path} placeholders. The
// errors do not name the template; the caller says which key it was.
func ParseTemplate(s string) (Template, error) {
	var t Template
	rest := s
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			t.parts = append(t.parts, templatePart{literal: rest})
			break
		}
		if open > 0 {
			t.parts = append(t.parts, templatePart{literal: rest[:open]})
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return t, fmt.Errorf("unclosed {")
		}
		field := rest[open+1 : open+end]
		if field == "" || strings.ContainsAny(field, " {") {
			return t, fmt.Errorf("bad field {%s}", field)
		}
		t.parts = append(t.parts, templatePart{field: field})
		rest = rest[open+end+1:]
	}
	return t, nil
}

// Shape returns the template with every placeholder replaced by
// placeholder, for checking the literal parts ("nomen.events.*").
func (t Template) Shape(placeholder string) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.field != "" {
			b.WriteString(placeholder)
		} else {
			b.WriteString(p.literal)
		}
	}
	return b.String()
}

// HasFields reports whether the template has a placeholder (otherwise
// every event gets the same name).
func (t Template) HasFields() bool {
	for _, p := range t.parts {
		if p.field != "" {
			return true
		}
	}
	return false
}

// Append appends the name of e to dst. A placeholder becomes the event's
// value (the first item of a list, a number in decimal), each byte passed
// through clean, or missing when the event has no such field or its value
// is empty. missing is appended as it is: the sink validates it.
func (t *Template) Append(dst []byte, e *event.Event, missing string, clean func(byte) byte) []byte {
	for _, p := range t.parts {
		if p.field == "" {
			dst = append(dst, p.literal...)
			continue
		}
		v, ok := e.Get(p.field)
		var s string
		switch {
		case !ok:
		case v.Type == event.TypeStrings:
			if len(v.List) > 0 {
				s = v.List[0]
			}
		case v.Type == event.TypeString:
			s = v.Str
		default:
			s = v.String()
		}
		if s == "" {
			dst = append(dst, missing...)
			continue
		}
		for i := 0; i < len(s); i++ {
			dst = append(dst, clean(s[i]))
		}
	}
	return dst
}
