package wire

import (
	"strconv"
	"strings"
	"time"
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
	return UnescapeXML(s)
}

// RecordComputer returns the record's <Computer>.
func RecordComputer(rec string) string {
	s, _ := elementText(rec, "<Computer")
	return UnescapeXML(s)
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
	return UnescapeXML(s)
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
