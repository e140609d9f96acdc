package windows

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/relay/wire"
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
// The scanner (xmlscan.go) reads exactly this: elements, attributes, text,
// entities; comments, processing instructions and CDATA are tolerated.
// It does not validate (a relay keeps what it cannot fully read) and
// never allocates except to unescape text holding entities. Measured on a
// 4688 (2 cores, busy machine): encoding/xml.Unmarshal into a small struct
// takes ~45 µs and 394 allocations only to read it (BenchmarkStdlibXML);
// the whole decode here ~4 µs and 3 (BenchmarkDecodeWindowsXML).

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
		fieldText string // its text so far, when comments, CDATA or processing instructions split it
		userDepth int    // depth of the UserData wrapper element
		unnamed   int    // <Data> without Name: param1, param2, ...
		sawEvent  bool
		closed    bool // </Event> seen: a truncated record is not decoded
	)
	for {
		// The usual shapes first, read without the token scanner: white
		// space between elements (which no field keeps), the sections'
		// tags, System's children, EventData's <Data Name="...">.
		if !inData && field == "" {
			x.skipSpace()
		}
		if depth == 0 && x.eventStart() {
			depth, sawEvent = 1, true
			continue
		}
		if depth == 1 {
			rest := x.s[x.i:]
			switch {
			case strings.HasPrefix(rest, "<System>"):
				x.i += len("<System>")
				section, depth = xmlSystem, 2
				continue
			case hasPrefixWords(rest, "<EventData>"):
				x.i += len("<EventData>")
				section, depth = xmlEventData, 2
				continue
			case strings.HasPrefix(rest, "</Event>"):
				x.i += len("</Event>")
				depth, closed = 0, true
				continue
			}
		}
		if section == xmlSystem && depth == 2 {
			// System's children one after another, in this loop: a turn of
			// the outer one costs ~50 instructions more (its many
			// variables are stored and loaded again around its calls).
			for {
				if name, text, ok := x.systemTextElement(); ok {
					if text != "" {
						w.xmlText(text, entities, false, name)
					}
				} else if name, attrs, ok := x.systemEmptyElement(); ok {
					w.xmlSystemAttrs(name, attrs)
				} else {
					break
				}
				x.skipSpace()
			}
			if hasPrefixWords(x.s[x.i:], "</System>") {
				x.i += len("</System>")
				section, depth = xmlOther, 1
				continue
			}
		}
		if section == xmlEventData && depth == 2 {
			name, value, ok := x.dataElement()
			for ; ok; name, value, ok = x.dataElement() { // the Data elements one after another
				if entities {
					name, value = wire.UnescapeXML(name), wire.UnescapeXML(value)
				}
				if name == "" { // <Data>, as the token road names it
					unnamed++
					name = winParamName(unnamed)
				}
				w.add(name, value)
			}
			if hasPrefixWords(x.s[x.i:], "</EventData>") {
				x.i += len("</EventData>")
				section, depth = xmlOther, 1
				continue
			}
		}
		t, ok := x.next()
		if !ok {
			break
		}
		if t.kind != 't' && fieldText != "" {
			w.xmlField(field, fieldText) // the field's pieces as one text
			fieldText = ""
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
			if inData || field == "" {
				w.xmlText(t.text, entities && !t.cdata, inData, field)
			} else if entities && !t.cdata {
				fieldText += wire.UnescapeXML(t.text)
			} else {
				fieldText += t.text
			}
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
		if ts, ok := winTime(xmlAttr(attrs, "SystemTime")); ok {
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
		text = wire.UnescapeXML(text)
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
		if n, ok := ecs.ParseUint(ecs.TrimSpace(text)); ok {
			w.recordID, w.hasRecID = n, true
		}
	case "Channel":
		w.channel = ecs.TrimSpace(text)
	case "Computer":
		w.computer = ecs.TrimSpace(text)
	case "Level":
		w.setLevelNumber(text)
	case "Keywords":
		if mask, ok := vendor.ParseHex(ecs.TrimSpace(text)); ok {
			w.setKeywordMask(mask)
		}
	case "RenderingMessage":
		w.message = ecs.TrimSpace(w.message + text)
	case "RenderingLevel":
		if text = ecs.TrimSpace(text); text != "" {
			w.level = strings.ToLower(text)
		}
	case "RenderingTask":
		w.task = ecs.TrimSpace(text)
	case "RenderingOpcode":
		w.opcode = ecs.TrimSpace(text)
	case "RenderingKeyword":
		w.setAuditKeyword(ecs.TrimSpace(text))
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
