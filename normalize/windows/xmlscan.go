package windows

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/wire"
)

// The XML scanner parseXML (xml.go) reads a rendered event with: tokens,
// and the elements of an event's usual shapes read at once.
// xmlToken is one piece of XML.
type xmlToken struct {
	kind  byte   // 's' start, 'e' end, 't' text
	name  string // element name without namespace prefix
	attrs string // raw attribute text of a start tag
	self  bool   // <name/>
	text  string // raw text (entities not decoded); CDATA content
	cdata bool
}

// xmlScanner walks a document token by token.
type xmlScanner struct {
	s string
	i int
}

// next reads the next token; false at the end or on malformed input. The
// token is returned, not written through a pointer: a pointer write pays
// the garbage collector's write barrier while it marks.
// Long because it is the scanner's one switch over the kinds of markup.
func (x *xmlScanner) next() (xmlToken, bool) {
	s := x.s
	for x.i < len(s) {
		if s[x.i] != '<' {
			j := strings.IndexByte(s[x.i:], '<')
			if j < 0 {
				j = len(s) - x.i
			}
			t := xmlToken{kind: 't', text: s[x.i : x.i+j]}
			x.i += j
			return t, true
		}
		rest := s[x.i:]
		if len(rest) > 1 {
			switch rest[1] {
			case '!':
				switch {
				case strings.HasPrefix(rest, "<!--"):
					end := strings.Index(rest, "-->")
					if end < 0 {
						return xmlToken{}, false
					}
					x.i += end + 3
					continue
				case hasPrefixWords(rest, "<![CDATA["):
					end := strings.Index(rest, "]]>")
					if end < 0 {
						return xmlToken{}, false
					}
					x.i += end + 3
					return xmlToken{kind: 't', text: rest[9:end], cdata: true}, true
				}
				end := strings.IndexByte(rest, '>')
				if end < 0 {
					return xmlToken{}, false
				}
				x.i += end + 1
				continue
			case '?':
				end := strings.Index(rest, "?>")
				if end < 0 {
					return xmlToken{}, false
				}
				x.i += end + 2
				continue
			case '/':
				end := strings.IndexByte(rest, '>')
				if end < 0 {
					return xmlToken{}, false
				}
				name := rest[2:end]
				if name != "" && (maybeSpace(name[0]) || maybeSpace(name[len(name)-1])) {
					name = ecs.TrimSpace(name)
				}
				x.i += end + 1
				return xmlToken{kind: 'e', name: xmlLocal(name)}, true
			}
		}
		// Start tag: the name, then attributes up to the '>' that is
		// outside quoted values.
		j := 1
		for j < len(rest) && !xmlNameEnd[rest[j]] {
			j++
		}
		name := rest[1:j]
		attrStart := j
		end := -1
		for j < len(rest) {
			c := rest[j]
			if c == '>' {
				end = j
				break
			}
			if c == '"' || c == '\'' { // a quoted value: jump to its closing quote
				k := strings.IndexByte(rest[j+1:], c)
				if k < 0 {
					break
				}
				j += k + 2
				continue
			}
			j++
		}
		if end < 0 || name == "" {
			return xmlToken{}, false
		}
		attrs := rest[attrStart:end]
		self := strings.HasSuffix(attrs, "/")
		if self {
			attrs = attrs[:len(attrs)-1]
		}
		x.i += end + 1
		return xmlToken{kind: 's', name: xmlLocal(name), attrs: attrs, self: self}, true
	}
	return xmlToken{}, false
}

// skipSpace skips white space. A compare first: the agent's and most
// senders' records have none between elements, and parseXML asks before
// nearly every element.
func (x *xmlScanner) skipSpace() {
	for x.i < len(x.s) && x.s[x.i] <= ' ' && winSpace(x.s[x.i]) {
		x.i++
	}
}

// dataElement reads `<Data Name="name">value</Data>`, EventData's usual
// element, at once (name and value still escaped), or `<Data>value</Data>`
// (a 2000/2003 event's parameters; the name is then ""). False, and
// nothing read, for any other shape: other attributes, markup inside.
func (x *xmlScanner) dataElement() (name, value string, ok bool) {
	const open = `<Data Name="`
	rest := x.s[x.i:]
	if !hasPrefixWords(rest, open) {
		return x.unnamedDataElement()
	}
	q := strings.IndexByte(rest[len(open):], '"')
	if q <= 0 || len(rest) < len(open)+q+2 || rest[len(open)+q+1] != '>' {
		return "", "", false
	}
	name = rest[len(open) : len(open)+q]
	body := rest[len(open)+q+2:]
	k := strings.IndexByte(body, '<')
	if k < 0 || !strings.HasPrefix(body[k:], "</Data>") { // a constant: compared without a call, unlike textEnd's
		return "", "", false
	}
	x.i += len(open) + q + 2 + k + len("</Data>")
	return name, body[:k], true
}

// unnamedDataElement is dataElement's `<Data>value</Data>`.
func (x *xmlScanner) unnamedDataElement() (name, value string, ok bool) {
	rest := x.s[x.i:]
	if len(rest) < len("<Data>") || rest[:len("<Data>")] != "<Data>" {
		return "", "", false
	}
	body := rest[len("<Data>"):]
	k := strings.IndexByte(body, '<')
	if k < 0 || !strings.HasPrefix(body[k:], "</Data>") {
		return "", "", false
	}
	x.i += len("<Data>") + k + len("</Data>")
	return "", body[:k], true
}

// systemTextElement reads `<Name>text</Name>` at once for the children of
// System that are text only (EventID, Level, Keywords, EventRecordID,
// Channel, Computer...): the tag is compared with the one its first
// letter allows (constants: a compare of a word or two, no search). False,
// and nothing read, for any other element or shape (attributes, markup
// inside).
func (x *xmlScanner) systemTextElement() (name, text string, ok bool) {
	rest := x.s[x.i:]
	if len(rest) < 2 || rest[0] != '<' {
		return "", "", false
	}
	switch rest[1] {
	case 'E':
		if hasPrefixWords(rest, "<EventID>") {
			name = "EventID"
		} else if hasPrefixWords(rest, "<EventRecordID>") {
			name = "EventRecordID"
		}
	case 'V':
		if hasPrefixWords(rest, "<Version>") {
			name = "Version"
		}
	case 'L':
		if strings.HasPrefix(rest, "<Level>") {
			name = "Level"
		}
	case 'T':
		if strings.HasPrefix(rest, "<Task>") {
			name = "Task"
		}
	case 'O':
		if strings.HasPrefix(rest, "<Opcode>") {
			name = "Opcode"
		}
	case 'K':
		if hasPrefixWords(rest, "<Keywords>") {
			name = "Keywords"
		}
	case 'C':
		if hasPrefixWords(rest, "<Channel>") {
			name = "Channel"
		} else if hasPrefixWords(rest, "<Computer>") {
			name = "Computer"
		}
	}
	if name == "" {
		return "", "", false
	}
	saved := x.i
	x.i += len(name) + 2
	if text, ok = x.textEnd(name); !ok {
		x.i = saved
		return "", "", false
	}
	return name, text, true
}

// systemEmptyElement reads `<Name attributes/>` at once for the children
// of System that are attributes only (Provider, TimeCreated, Execution,
// Security, Correlation). False, and nothing read, for any other element
// or shape: a '>' inside a quoted value, single quotes.
func (x *xmlScanner) systemEmptyElement() (name, attrs string, ok bool) {
	rest := x.s[x.i:]
	if len(rest) < 10 || rest[0] != '<' {
		return "", "", false
	}
	switch rest[1] {
	case 'P':
		name = "Provider"
	case 'T':
		name = "TimeCreated"
	case 'E':
		name = "Execution"
	case 'S':
		name = "Security"
	case 'C':
		name = "Correlation"
	default:
		return "", "", false
	}
	n := 1 + len(name)
	if len(rest) <= n || !sameName(rest[1:n], name) || (rest[n] != ' ' && rest[n] != '/') {
		return "", "", false
	}
	gt := tagEnd(rest, n)
	if gt < 0 || rest[gt-1] != '/' {
		return "", "", false
	}
	x.i += gt + 1
	return name, rest[n : gt-1], true
}

// eventStart reads the usual `<Event xmlns="...">` at once. False, and
// nothing read, for any other shape.
func (x *xmlScanner) eventStart() bool {
	rest := x.s[x.i:]
	if len(rest) < 7 || !strings.HasPrefix(rest, "<Event") || (rest[6] != ' ' && rest[6] != '>') {
		return false
	}
	gt := tagEnd(rest, 6)
	if gt < 0 || rest[gt-1] == '/' {
		return false
	}
	x.i += gt + 1
	return true
}

// tagEnd returns the index of the '>' ending the start tag in rest whose
// attributes begin at from, or -1 when a quick look cannot tell: a '>'
// inside a quoted value, single quotes (the scanner then decides).
func tagEnd(rest string, from int) int {
	gt := strings.IndexByte(rest, '>')
	if gt < from {
		return -1
	}
	if attrs := rest[from:gt]; strings.Count(attrs, `"`)%2 != 0 || strings.IndexByte(attrs, '\'') >= 0 {
		return -1
	}
	return gt
}

// textEnd reads "text</name>" at once, the shape of nearly every element
// of an event (<Data Name="...">value</Data>, <EventID>4624</EventID>):
// one search instead of a text and an end token. False, and nothing read,
// for any other shape (markup inside, a prefixed end tag, no end).
func (x *xmlScanner) textEnd(name string) (string, bool) {
	rest := x.s[x.i:]
	k := strings.IndexByte(rest, '<')
	n := len(name)
	if k < 0 || len(rest) < k+n+3 || rest[k+1] != '/' || rest[k+2+n] != '>' || !sameName(rest[k+2:k+2+n], name) {
		return "", false
	}
	x.i += k + n + 3
	return rest[:k], true
}

// xmlNameEnd marks the bytes that end an element's name in a start tag.
var xmlNameEnd = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, '>': true, '/': true}

// xmlLocal strips a namespace prefix ("evt:Event" -> "Event").
func xmlLocal(name string) string {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// xmlAttr returns the (unescaped) value of attribute name in attrs.
func xmlAttr(attrs, name string) string {
	// The usual shape first: ` Name="value"` leading the attributes.
	if n := len(name); len(attrs) > n+3 && attrs[0] == ' ' && sameName(attrs[1:1+n], name) && attrs[1+n] == '=' && attrs[2+n] == '"' {
		if end := strings.IndexByte(attrs[n+3:], '"'); end >= 0 {
			return wire.UnescapeXML(attrs[n+3 : n+3+end])
		}
	}
	for i := 0; i < len(attrs); {
		j := strings.Index(attrs[i:], name)
		if j < 0 {
			return ""
		}
		j += i
		k := j + len(name)
		i = k
		if j > 0 && !winSpace(attrs[j-1]) {
			continue
		}
		for k < len(attrs) && winSpace(attrs[k]) {
			k++
		}
		if k >= len(attrs) || attrs[k] != '=' {
			continue
		}
		k++
		for k < len(attrs) && winSpace(attrs[k]) {
			k++
		}
		if k >= len(attrs) || (attrs[k] != '"' && attrs[k] != '\'') {
			return ""
		}
		q := attrs[k]
		end := strings.IndexByte(attrs[k+1:], q)
		if end < 0 {
			return ""
		}
		return wire.UnescapeXML(attrs[k+1 : k+1+end])
	}
	return ""
}
