package windows

import (
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
)

// Rendered Windows event XML (EvtRender EvtRenderEventXml, wevtutil,
// Get-WinEvent ToXml(), the native agent):
//
//	<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
//	  <System>
//	    <Provider Name="Microsoft-Windows-Security-Auditing" Guid="{...}"/>
//	    <EventID>4624</EventID> <Version/> <Level>0</Level> <Task>12544</Task>
//	    <Opcode>0</Opcode> <Keywords>0x8020000000000000</Keywords>
//	    <TimeCreated SystemTime="2026-07-01T10:15:02.1234567Z"/>
//	    <EventRecordID>1042</EventRecordID> <Correlation/>
//	    <Execution ProcessID="636" ThreadID="700"/> <Channel>Security</Channel>
//	    <Computer>DC01.example.org</Computer> <Security UserID="S-1-5-18"/>
//	  </System>
//	  <EventData><Data Name="SubjectUserSid">S-1-5-18</Data>...</EventData>
//	  | <UserData><LogFileCleared xmlns="..."><SubjectUserName>..</SubjectUserName>...</LogFileCleared></UserData>
//	  <RenderingInfo Culture="en-US"><Message>...</Message><Level>Information</Level>
//	    <Task>Logon</Task><Opcode>Info</Opcode><Keywords><Keyword>Audit Success</Keyword></Keywords>
//	  </RenderingInfo>
//	</Event>
//
// The scanner below reads exactly this: elements, attributes, text,
// entities; comments, processing instructions and CDATA are tolerated.
// It does not validate (a relay keeps what it cannot fully read) and
// never allocates except to unescape text holding entities. Measured on a
// 4688 (2 cores, busy machine): encoding/xml.Unmarshal into a small struct
// takes ~45 µs and 394 allocations only to read it (BenchmarkStdlibXML);
// the whole decode here ~4 µs and 3 (BenchmarkDecodeWindowsXML).

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
				case strings.HasPrefix(rest, "<![CDATA["):
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
					name = strings.TrimSpace(name)
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

// dataElement reads `<Data Name="name">value</Data>`, EventData's usual
// element, at once (name and value still escaped). False, and nothing
// read, for any other shape: other attributes, no name, markup inside.
func (x *xmlScanner) dataElement() (name, value string, ok bool) {
	const open = `<Data Name="`
	rest := x.s[x.i:]
	if !strings.HasPrefix(rest, open) {
		return "", "", false
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

// systemTextElement reads `<Name>text</Name>` at once for the children of
// System that are text only (EventID, Level, Keywords, EventRecordID,
// Channel, Computer...): the name is checked against the list, not
// scanned byte by byte. False, and nothing read, for any other element or
// shape (attributes, markup inside).
func (x *xmlScanner) systemTextElement() (name, text string, ok bool) {
	rest := x.s[x.i:]
	gt := strings.IndexByte(rest, '>')
	if gt < 2 || rest[0] != '<' {
		return "", "", false
	}
	name = rest[1:gt]
	switch name {
	case "EventID", "Version", "Level", "Task", "Opcode", "Keywords", "EventRecordID", "Channel", "Computer":
	default:
		return "", "", false
	}
	saved := x.i
	x.i += gt + 1
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
	if len(rest) <= n || rest[1:n] != name || (rest[n] != ' ' && rest[n] != '/') {
		return "", "", false
	}
	gt := strings.IndexByte(rest, '>')
	if gt < 0 || rest[gt-1] != '/' {
		return "", "", false
	}
	attrs = rest[n : gt-1]
	if strings.Count(attrs, `"`)%2 != 0 || strings.IndexByte(attrs, '\'') >= 0 {
		return "", "", false // the '>' may be inside a value: the scanner decides
	}
	x.i += gt + 1
	return name, attrs, true
}

// textEnd reads "text</name>" at once, the shape of nearly every element
// of an event (<Data Name="...">value</Data>, <EventID>4624</EventID>):
// one search instead of a text and an end token. False, and nothing read,
// for any other shape (markup inside, a prefixed end tag, no end).
func (x *xmlScanner) textEnd(name string) (string, bool) {
	rest := x.s[x.i:]
	k := strings.IndexByte(rest, '<')
	n := len(name)
	if k < 0 || len(rest) < k+n+3 || rest[k+1] != '/' || rest[k+2+n] != '>' || rest[k+2:k+2+n] != name {
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
	if n := len(name); len(attrs) > n+3 && attrs[0] == ' ' && attrs[1:1+n] == name && attrs[1+n] == '=' && attrs[2+n] == '"' {
		if end := strings.IndexByte(attrs[n+3:], '"'); end >= 0 {
			return xmlUnescape(attrs[n+3 : n+3+end])
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
		return xmlUnescape(attrs[k+1 : k+1+end])
	}
	return ""
}

// parseXML reads a rendered event into w. It requires <Event> with a
// <System> that has an EventID.
// Long because it is one state machine over the token stream (sections,
// depths, the field being read).
func (w *winEvent) parseXML(s string) bool {
	x := xmlScanner{s: s}
	entities := strings.IndexByte(s, '&') >= 0 // else no text needs unescaping
	var (
		depth     int
		section   xmlSection // the child of <Event> being read
		dataName  string     // the <Data Name=...> or UserData field being read
		inData    bool
		field     string // System / RenderingInfo child whose text is being read
		userDepth int    // depth of the UserData wrapper element
		unnamed   int    // <Data> without Name: param1, param2, ...
		sawEvent  bool
		closed    bool // </Event> seen: a truncated record is not decoded
	)
	for {
		if section == xmlSystem && depth == 2 {
			if name, text, ok := x.systemTextElement(); ok {
				if text != "" {
					w.xmlText(text, entities, false, name)
				}
				continue
			}
			if name, attrs, ok := x.systemEmptyElement(); ok {
				w.xmlSystemAttrs(name, attrs)
				continue
			}
			if strings.HasPrefix(x.s[x.i:], "</System>") {
				x.i += len("</System>")
				section, depth = xmlOther, 1
				continue
			}
		}
		if section == xmlEventData && depth == 2 {
			if name, value, ok := x.dataElement(); ok {
				if entities {
					name, value = xmlUnescape(name), xmlUnescape(value)
				}
				w.add(name, value)
				continue
			}
		}
		t, ok := x.next()
		if !ok {
			break
		}
		switch t.kind {
		case 's':
			depth++
			switch {
			case depth == 1:
				if t.name != "Event" {
					return false
				}
				sawEvent = true
			case depth == 2:
				section = xmlSectionOf(t.name)
				if section == xmlUserData {
					w.userData = true
				}
			case section == xmlSystem && depth == 3:
				field = t.name
				w.xmlSystemAttrs(t.name, t.attrs)
			case section == xmlEventData && depth == 3 && t.name == "Data":
				dataName = xmlAttr(t.attrs, "Name")
				if dataName == "" {
					unnamed++
					dataName = winParamName(unnamed)
				}
				if t.self {
					w.add(dataName, "")
				} else {
					inData = true
					w.add(dataName, "") // filled by the text, if any
				}
				if len(t.attrs) > len(dataName)+10 && w.n > 0 { // the agent's account of a SID value
					if name := xmlAttr(t.attrs, "AccountName"); name != "" {
						w.setAccount(joinAccount(xmlAttr(t.attrs, "AccountDomain"), name))
					}
				}
			case section == xmlUserData && depth == 3:
				userDepth = 3
			case section == xmlUserData && depth == userDepth+1 && userDepth > 0:
				dataName = t.name
				if t.self {
					w.add(dataName, "")
				} else {
					inData = true
					w.add(dataName, "")
				}
			case section == xmlRenderingInfo && depth >= 3:
				field = winRenderingField(t.name)
			}
			if t.self {
				depth--
				field = ""
			} else if depth >= 3 {
				if text, ok := x.textEnd(t.name); ok {
					// The usual element: its text and end tag read at once.
					if text != "" {
						w.xmlText(text, entities, inData, field)
					}
					inData, field = false, ""
					depth--
				}
			}
		case 'e':
			switch {
			case depth == 2:
				section = xmlOther
				userDepth = 0
			case inData:
				inData = false
			}
			field = ""
			depth--
			if depth < 0 {
				return false
			}
			if depth == 0 {
				closed = true
			}
		case 't':
			w.xmlText(t.text, entities && !t.cdata, inData, field)
		}
	}
	if !sawEvent || !closed || w.code == "" {
		return false
	}
	w.structured = w.n > 0
	if w.road == "" {
		w.road = winRoadXML
	}
	if w.message != "" && w.n == 0 {
		w.parseText(w.message)
	}
	return true
}

// xmlSystemAttrs reads the attributes of a child of System.
func (w *winEvent) xmlSystemAttrs(name, attrs string) {
	switch name {
	case "Provider":
		w.provider = xmlAttr(attrs, "Name")
		if w.provider == "" {
			w.provider = xmlAttr(attrs, "EventSourceName")
		}
	case "TimeCreated":
		if ts, err := time.Parse(time.RFC3339Nano, xmlAttr(attrs, "SystemTime")); err == nil {
			w.time, w.exact = ts, true
		}
	case "Execution":
		w.execPID = xmlAttr(attrs, "ProcessID")
		w.execTID = xmlAttr(attrs, "ThreadID")
	case "Security":
		w.userSID = xmlAttr(attrs, "UserID")
		// The agent's LookupAccountSid of it, as NXLog and Winlogbeat give it.
		w.userName = xmlAttr(attrs, "AccountName")
		w.userDom = xmlAttr(attrs, "AccountDomain")
		w.userType = xmlAttr(attrs, "AccountType")
	}
}

// xmlSection is a child of <Event>: a number, as the scanner compares it
// at every element.
type xmlSection uint8

const (
	xmlOther xmlSection = iota
	xmlSystem
	xmlEventData
	xmlUserData
	xmlRenderingInfo
)

func xmlSectionOf(name string) xmlSection {
	switch name {
	case "System":
		return xmlSystem
	case "EventData":
		return xmlEventData
	case "UserData":
		return xmlUserData
	case "RenderingInfo":
		return xmlRenderingInfo
	}
	return xmlOther
}

// xmlText stores a piece of text: an EventData value's (inData) or a
// System or RenderingInfo child's (field).
func (w *winEvent) xmlText(text string, unescape, inData bool, field string) {
	if unescape {
		text = xmlUnescape(text)
	}
	if inData && w.n > 0 {
		if d := &w.data[w.n-1]; d.value == "" {
			d.value = text
		} else {
			d.value += text
		}
		return
	}
	w.xmlField(field, text)
}

// xmlField stores the text of a System or RenderingInfo child.
func (w *winEvent) xmlField(field, text string) {
	switch field {
	case "EventID":
		w.setCode(text)
	case "EventRecordID":
		if n, ok := ecs.ParseUint(strings.TrimSpace(text)); ok {
			w.recordID, w.hasRecID = n, true
		}
	case "Channel":
		w.channel = strings.TrimSpace(text)
	case "Computer":
		w.computer = strings.TrimSpace(text)
	case "Level":
		w.setLevelNumber(text)
	case "Keywords":
		if mask, ok := vendor.ParseHex(strings.TrimSpace(text)); ok {
			w.setKeywordMask(mask)
		}
	case "RenderingMessage":
		w.message = strings.TrimSpace(w.message + text)
	case "RenderingLevel":
		if text = strings.TrimSpace(text); text != "" {
			w.level = strings.ToLower(text)
		}
	case "RenderingTask":
		w.task = strings.TrimSpace(text)
	case "RenderingOpcode":
		w.opcode = strings.TrimSpace(text)
	case "RenderingKeyword":
		w.setAuditKeyword(strings.TrimSpace(text))
	}
}

var winParamNames = [...]string{"param1", "param2", "param3", "param4", "param5", "param6",
	"param7", "param8", "param9", "param10", "param11", "param12", "param13", "param14", "param15", "param16"}

// winParamName names the n-th unnamed <Data> (as Winlogbeat does).
func winParamName(n int) string {
	if n <= len(winParamNames) {
		return winParamNames[n-1]
	}
	return "param" + strconv.Itoa(n)
}

// winRenderingField names a RenderingInfo child for xmlField.
func winRenderingField(name string) string {
	switch name {
	case "Message":
		return "RenderingMessage"
	case "Level":
		return "RenderingLevel"
	case "Task":
		return "RenderingTask"
	case "Opcode":
		return "RenderingOpcode"
	case "Keyword":
		return "RenderingKeyword"
	}
	return ""
}

// joinAccount writes an account as Windows does: DOMAIN\name.
func joinAccount(domain, name string) string {
	if domain == "" {
		return name
	}
	return domain + `\` + name
}
