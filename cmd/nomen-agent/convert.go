package main

import (
	"strconv"
	"strings"
	"time"
)

// JSON records are converted to the record form the protocol carries:
// Windows event XML as EvtRender + EvtFormatMessage produce it (single
// quoted attributes, System, EventData, RenderingInfo with the message).
// The relay then sees one format whatever the agent read.

const eventNS = "http://schemas.microsoft.com/win/2004/08/events/event"

// evtxDumpToXML converts an evtx_dump JSON "Event" object, which mirrors
// the XML: "#attributes" are attributes, "#text" is text, other keys are
// child elements; under EventData, keys are <Data Name='key'> elements.
func evtxDumpToXML(ev jsonObject) []byte {
	var b []byte
	b = append(b, "<Event xmlns='"+eventNS+"'>"...)
	for _, m := range ev {
		switch m.key {
		case "#attributes":
		case "EventData":
			b = appendEventData(b, m.val)
		default:
			b = appendElement(b, m.key, m.val)
		}
	}
	return append(b, "</Event>"...)
}

func appendEventData(b []byte, v any) []byte {
	obj, ok := v.(jsonObject)
	if !ok {
		return appendElement(b, "EventData", v)
	}
	b = append(b, "<EventData>"...)
	for _, m := range obj {
		switch m.key {
		case "#attributes":
		case "Data", "Binary":
			// Unnamed <Data> elements: {"Data": {"#text": [...]}} or a list.
			if o, ok := m.val.(jsonObject); ok {
				if t, ok := o.get("#text"); ok {
					m.val = t
				}
			}
			if arr, ok := m.val.([]any); ok {
				for _, x := range arr {
					b = appendElement(b, m.key, x)
				}
			} else {
				b = appendElement(b, m.key, m.val)
			}
		default:
			b = append(b, "<Data Name='"...)
			b = appendEscaped(b, m.key, true)
			b = append(b, '\'')
			b = appendContent(b, "Data", m.val)
		}
	}
	return append(b, "</EventData>"...)
}

// appendElement renders <name ...>...</name> from a JSON value.
func appendElement(b []byte, name string, v any) []byte {
	if arr, ok := v.([]any); ok {
		for _, x := range arr {
			b = appendElement(b, name, x)
		}
		return b
	}
	b = append(b, '<')
	b = append(b, name...)
	return appendContent(b, name, v)
}

// appendContent renders what follows "<name": attributes, then content
// and the end tag (or "/>").
func appendContent(b []byte, name string, v any) []byte {
	obj, isObj := v.(jsonObject)
	if isObj {
		if attrs, ok := obj.get("#attributes"); ok {
			if ao, ok := attrs.(jsonObject); ok {
				for _, a := range ao {
					b = append(b, ' ')
					b = append(b, a.key...)
					b = append(b, "='"...)
					b = appendEscaped(b, braceGUID(a.key, scalar(a.val)), true)
					b = append(b, '\'')
				}
			}
		}
	}
	start := len(b)
	b = append(b, '>')
	switch {
	case isObj:
		for _, m := range obj {
			switch m.key {
			case "#attributes":
			case "#text":
				if arr, ok := m.val.([]any); ok {
					for _, x := range arr {
						b = appendEscaped(b, scalar(x), false)
					}
				} else {
					b = appendEscaped(b, scalar(m.val), false)
				}
			default:
				b = appendElement(b, m.key, m.val)
			}
		}
	case v != nil:
		b = appendEscaped(b, scalar(v), false)
	}
	if len(b) == start+1 {
		return append(b[:start], "/>"...)
	}
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// braceGUID writes GUID attributes the way EvtRender does ("{...}");
// evtx_dump leaves the braces out.
func braceGUID(attr, v string) string {
	switch attr {
	case "Guid", "ActivityID", "RelatedActivityID":
		if len(v) == 36 && v[8] == '-' {
			return "{" + v + "}"
		}
	}
	return v
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	return ""
}

// appendEscaped escapes XML text (and, in attributes, quotes). CR, LF and
// tabs stay as they are, as Windows renders message text.
func appendEscaped(b []byte, s string, attr bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '\'':
			if attr {
				b = append(b, "&apos;"...)
			} else {
				b = append(b, c)
			}
		case '"':
			if attr {
				b = append(b, "&quot;"...)
			} else {
				b = append(b, c)
			}
		default:
			b = append(b, c)
		}
	}
	return b
}

// NXLog's im_msvistalog fields that describe the event rather than being
// event data: they map into System and RenderingInfo, or are NXLog's own.
var nxlogMeta = map[string]bool{
	"EventTime": true, "EventReceivedTime": true, "Hostname": true, "Keywords": true, "EventType": true,
	"SeverityValue": true, "Severity": true, "EventID": true, "SourceName": true, "ProviderName": true,
	"ProviderGuid": true, "Version": true, "Task": true, "OpcodeValue": true, "RecordNumber": true,
	"EventRecordID": true, "ActivityID": true, "RelatedActivityID": true, "ExecutionProcessID": true,
	"ExecutionThreadID": true, "Channel": true, "Message": true, "Category": true, "Opcode": true,
	"UserID": true, "AccountName": true, "Domain": true, "AccountType": true, "SourceModuleName": true,
	"SourceModuleType": true, "MessageSourceAddress": true, "Level": true, "LevelValue": true, "Qualifiers": true,
}

// nxlogToXML converts an NXLog im_msvistalog JSON record. NXLog flattens
// EventData into the top level next to its own fields: every field that
// is not one of NXLog's becomes a <Data Name='...'>, in the record's order.
// Long because it is the table of NXLog's own fields, then the rest in
// order.
func nxlogToXML(obj jsonObject) []byte {
	get := func(k string) string {
		v, _ := obj.get(k)
		return scalar(v)
	}
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := get(k); v != "" {
				return v
			}
		}
		return ""
	}
	var b []byte
	b = append(b, "<Event xmlns='"+eventNS+"'><System><Provider Name='"...)
	b = appendEscaped(b, first("SourceName", "ProviderName"), true)
	b = append(b, '\'')
	if g := get("ProviderGuid"); g != "" {
		b = append(b, " Guid='"...)
		b = appendEscaped(b, g, true)
		b = append(b, '\'')
	}
	b = append(b, "/>"...)
	if q := get("Qualifiers"); q != "" {
		b = append(b, "<EventID Qualifiers='"...)
		b = appendEscaped(b, q, true)
		b = append(b, "'>"...)
		b = appendEscaped(b, get("EventID"), false)
		b = append(b, "</EventID>"...)
	} else {
		b = appendText(b, "EventID", get("EventID"))
	}
	b = appendText(b, "Version", get("Version"))
	b = appendText(b, "Level", nxlogLevel(get("SeverityValue"), get("EventType"), first("LevelValue")))
	b = appendText(b, "Task", get("Task"))
	b = appendText(b, "Opcode", get("OpcodeValue"))
	b = appendText(b, "Keywords", nxlogKeywords(get("Keywords")))
	if t, ok := parseNXLogTime(first("EventTime", "EventReceivedTime")); ok {
		b = append(b, "<TimeCreated SystemTime='"...)
		b = append(b, t.UTC().Format("2006-01-02T15:04:05.0000000Z")...)
		b = append(b, "'/>"...)
	}
	b = appendText(b, "EventRecordID", first("RecordNumber", "EventRecordID"))
	b = append(b, "<Correlation"...)
	for _, k := range []string{"ActivityID", "RelatedActivityID"} {
		if v := get(k); v != "" {
			b = append(b, ' ')
			b = append(b, k...)
			b = append(b, "='"...)
			b = appendEscaped(b, v, true)
			b = append(b, '\'')
		}
	}
	b = append(b, "/><Execution ProcessID='"...)
	b = appendEscaped(b, get("ExecutionProcessID"), true)
	b = append(b, "' ThreadID='"...)
	b = appendEscaped(b, get("ExecutionThreadID"), true)
	b = append(b, "'/>"...)
	b = appendText(b, "Channel", get("Channel"))
	b = appendText(b, "Computer", get("Hostname"))
	b = append(b, "<Security"...)
	if sid := get("UserID"); sid != "" {
		b = appendAccount(b, sid, get("AccountName"), get("Domain"), get("AccountType"))
	}
	b = append(b, "/></System><EventData>"...)
	for _, m := range obj {
		if nxlogMeta[m.key] {
			continue
		}
		b = append(b, "<Data Name='"...)
		b = appendEscaped(b, m.key, true)
		b = append(b, '\'')
		b = appendContent(b, "Data", scalarValue(m.val))
	}
	b = append(b, "</EventData>"...)
	if msg := get("Message"); msg != "" {
		b = append(b, "<RenderingInfo Culture='en-US'>"...)
		b = appendText(b, "Message", msg)
		b = appendText(b, "Level", get("Severity"))
		b = appendText(b, "Task", get("Category"))
		b = appendText(b, "Opcode", get("Opcode"))
		b = appendText(b, "Channel", get("Channel"))
		b = appendText(b, "Provider", first("SourceName", "ProviderName"))
		if k := nxlogKeywordName(get("EventType")); k != "" {
			b = append(b, "<Keywords><Keyword>"...)
			b = append(b, k...)
			b = append(b, "</Keyword></Keywords>"...)
		}
		b = append(b, "</RenderingInfo>"...)
	}
	return append(b, "</Event>"...)
}

// appendAccount adds the account a SID resolves to, as attributes of
// <Security UserID='...'>: the agent does the same with LookupAccountSid.
func appendAccount(b []byte, sid, name, domain, typ string) []byte {
	for _, a := range [][2]string{{"UserID", sid}, {"AccountName", name}, {"AccountDomain", domain}, {"AccountType", typ}} {
		if a[1] == "" {
			continue
		}
		b = append(b, ' ')
		b = append(b, a[0]...)
		b = append(b, "='"...)
		b = appendEscaped(b, a[1], true)
		b = append(b, '\'')
	}
	return b
}

// scalarValue flattens a nested value NXLog may carry into text.
func scalarValue(v any) any {
	switch v.(type) {
	case jsonObject, []any:
		return nil
	}
	return v
}

func appendText(b []byte, name, text string) []byte {
	if text == "" {
		return b
	}
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = appendEscaped(b, text, false)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// nxlogLevel maps NXLog's SeverityValue back to the Windows level: audit
// events are level 0 (LogAlways) whatever NXLog calls them.
func nxlogLevel(sev, eventType, level string) string {
	if level != "" {
		return level
	}
	switch strings.ToUpper(eventType) {
	case "AUDIT_SUCCESS", "AUDIT_FAILURE":
		return "0"
	}
	switch sev {
	case "5":
		return "1"
	case "4":
		return "2"
	case "3":
		return "3"
	case "2":
		return "4"
	case "1":
		return "5"
	}
	return ""
}

func nxlogKeywordName(eventType string) string {
	switch strings.ToUpper(eventType) {
	case "AUDIT_SUCCESS":
		return "Audit Success"
	case "AUDIT_FAILURE":
		return "Audit Failure"
	}
	return ""
}

// nxlogKeywords turns NXLog's signed decimal keywords into the hex form
// Windows renders ("-9214364837600034816" -> "0x8020000000000000").
func nxlogKeywords(k string) string {
	if k == "" || strings.HasPrefix(k, "0x") {
		return k
	}
	if n, err := strconv.ParseInt(k, 10, 64); err == nil {
		return "0x" + strconv.FormatUint(uint64(n), 16)
	}
	if n, err := strconv.ParseUint(k, 10, 64); err == nil {
		return "0x" + strconv.FormatUint(n, 16)
	}
	return k
}

// parseNXLogTime accepts NXLog's "2006-01-02 15:04:05" (taken as UTC: the
// record does not say which zone) and RFC 3339 forms.
func parseNXLogTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
