package wire

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Records of FormatWindowsXML are rendered Windows events:
//
//	<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>
//	  <System>...<TimeCreated SystemTime='...'/><EventRecordID>N</EventRecordID>...
//	    <Channel>Security</Channel><Computer>...</Computer>...</System>
//	  <EventData><Data Name='...'>...</Data>...</EventData>
//	  <RenderingInfo Culture='en-US'><Message>...</Message>...</RenderingInfo>
//	</Event>
//
// These helpers pull the few values both ends need out of such a record
// with byte scans, not an XML parser: the relay calls them for every
// record. They accept either quote style and any whitespace the renderers
// produce, and return zero values for anything they cannot find.

// RecordID returns the record's <EventRecordID>.
func RecordID(rec string) (uint64, bool) {
	s, ok := elementText(rec, "<EventRecordID")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}

// RecordChannel returns the record's <Channel> (the System one).
func RecordChannel(rec string) string {
	s, _ := elementText(rec, "<Channel")
	return unescapeXML(s)
}

// RecordComputer returns the record's <Computer>.
func RecordComputer(rec string) string {
	s, _ := elementText(rec, "<Computer")
	return unescapeXML(s)
}

// RecordTime returns the record's <TimeCreated SystemTime='...'>.
func RecordTime(rec string) (time.Time, bool) {
	i := strings.Index(rec, "<TimeCreated")
	if i < 0 {
		return time.Time{}, false
	}
	v, ok := attr(rec[i+len("<TimeCreated"):], "SystemTime")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// RecordMessage returns the text of <RenderingInfo>'s <Message>, unescaped
// ("" when the record was not rendered with its message).
func RecordMessage(rec string) string {
	i := strings.Index(rec, "<RenderingInfo")
	if i < 0 {
		return ""
	}
	s, _ := elementText(rec[i:], "<Message")
	return unescapeXML(s)
}

// ElementText returns the raw (still escaped) text of the first element
// named name: <name>text</name> or <name attr='...'>text</name>. A
// self-closing <name/> has empty text.
func ElementText(rec string, name string) (string, bool) {
	return elementText(rec, "<"+name)
}

// elementText is ElementText with the opening "<name" given.
func elementText(rec string, open string) (string, bool) {
	for off := 0; ; {
		i := strings.Index(rec[off:], open)
		if i < 0 {
			return "", false
		}
		p := off + i + len(open)
		if p >= len(rec) {
			return "", false
		}
		switch rec[p] {
		case '>', ' ', '\t', '\r', '\n', '/':
		default: // <ChannelX>: keep looking
			off = p
			continue
		}
		gt := strings.IndexByte(rec[p:], '>')
		if gt < 0 {
			return "", false
		}
		if rec[p+gt-1] == '/' {
			return "", true
		}
		start := p + gt + 1
		end := strings.IndexByte(rec[start:], '<')
		if end < 0 {
			return "", false
		}
		return rec[start : start+end], true
	}
}

// attr finds name='value' or name="value" in the attributes that start b
// (up to the tag's closing '>').
func attr(b string, name string) (string, bool) {
	if gt := strings.IndexByte(b, '>'); gt >= 0 {
		b = b[:gt]
	}
	for {
		i := strings.Index(b, name)
		if i < 0 {
			return "", false
		}
		rest := strings.TrimLeft(b[i+len(name):], " \t\r\n")
		before := i == 0 || b[i-1] == ' ' || b[i-1] == '\t' || b[i-1] == '\r' || b[i-1] == '\n'
		if !before || len(rest) == 0 || rest[0] != '=' {
			b = b[i+len(name):]
			continue
		}
		rest = strings.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '\'' && rest[0] != '"') {
			return "", false
		}
		q := rest[0]
		end := strings.IndexByte(rest[1:], q)
		if end < 0 {
			return "", false
		}
		return rest[1 : 1+end], true
	}
}

// unescapeXML resolves the five predefined entities and character
// references; anything else is kept as it is.
func unescapeXML(b string) string {
	if strings.IndexByte(b, '&') < 0 {
		return b // a substring: no copy
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		i := strings.IndexByte(b, '&')
		if i < 0 {
			out = append(out, b...)
			break
		}
		out = append(out, b[:i]...)
		b = b[i:]
		semi := strings.IndexByte(b, ';')
		if semi < 0 || semi > 12 {
			out = append(out, '&')
			b = b[1:]
			continue
		}
		ent := b[1:semi]
		switch ent {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				out = append(out, b[:semi+1]...)
				b = b[semi+1:]
				continue
			}
			out = utf8.AppendRune(out, r)
		}
		b = b[semi+1:]
	}
	return string(out)
}

func charRef(ent string) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if ent[1] == 'x' || ent[1] == 'X' {
		n, err = strconv.ParseUint(ent[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(ent[1:], 10, 32)
	}
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}
