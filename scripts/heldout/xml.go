package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// xmlRecord is an event written as its parts, as a dump of an .evtx file
// (evtx_dump's JSON, a page's example) gives them; render writes the event
// XML Windows renders for it (one line: a line break in a value as &#10;).
//
//	"sys": {"prov", "guid", "id", "qual", "ver", "level", "task", "kw", "time",
//	        "rec", "act", "pid", "tid", "chan", "comp", "uid"}
//	"ed": {"Name": value, ...} (EventData, in order; null an empty element),
//	"edname": EventData's Name attribute, "rawdata": [unnamed Data values],
//	"ud": [element, namespace, {"Name": value, ...}] (UserData)
type xmlRecord struct {
	Sys struct {
		Provider  string `json:"prov"`
		GUID      string `json:"guid"`
		ID        int    `json:"id"`
		Qualifier int    `json:"qual"`
		Version   int    `json:"ver"`
		Level     int    `json:"level"`
		Task      int    `json:"task"`
		Keywords  string `json:"kw"`
		Time      string `json:"time"`
		Record    int64  `json:"rec"`
		Activity  string `json:"act"`
		PID       int    `json:"pid"`
		TID       int    `json:"tid"`
		Channel   string `json:"chan"`
		Computer  string `json:"comp"`
		UserID    string `json:"uid"`
	} `json:"sys"`
	EventData     orderedMap        `json:"ed"`
	EventDataName string            `json:"edname"`
	RawData       []string          `json:"rawdata"`
	UserData      []json.RawMessage `json:"ud"`
}

// orderedMap keeps a JSON object's members in their order.
type orderedMap struct {
	keys []string
	vals []any
}

func (m *orderedMap) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if _, err := d.Token(); err != nil { // {
		return err
	}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		var v any
		if err := d.Decode(&v); err != nil {
			return err
		}
		m.keys = append(m.keys, t.(string))
		m.vals = append(m.vals, v)
	}
	return nil
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#10;", "\r", "&#13;")

func (r *xmlRecord) render() string {
	s := r.Sys
	var b strings.Builder
	b.WriteString(`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="` + xmlEscaper.Replace(s.Provider) + `"`)
	if s.GUID != "" {
		b.WriteString(` Guid="` + s.GUID + `"`)
	}
	b.WriteString("/>")
	if s.Qualifier != 0 {
		fmt.Fprintf(&b, `<EventID Qualifiers="%d">%d</EventID>`, s.Qualifier, s.ID)
	} else {
		fmt.Fprintf(&b, `<EventID>%d</EventID>`, s.ID)
	}
	fmt.Fprintf(&b, `<Version>%d</Version><Level>%d</Level><Task>%d</Task><Opcode>0</Opcode><Keywords>%s</Keywords>`, s.Version, s.Level, s.Task, s.Keywords)
	fmt.Fprintf(&b, `<TimeCreated SystemTime="%s"/><EventRecordID>%d</EventRecordID>`, s.Time, s.Record)
	if s.Activity != "" {
		fmt.Fprintf(&b, `<Correlation ActivityID="{%s}"/>`, strings.Trim(s.Activity, "{}"))
	} else {
		b.WriteString("<Correlation/>")
	}
	fmt.Fprintf(&b, `<Execution ProcessID="%d" ThreadID="%d"/><Channel>%s</Channel><Computer>%s</Computer>`,
		s.PID, s.TID, xmlEscaper.Replace(s.Channel), xmlEscaper.Replace(s.Computer))
	if s.UserID != "" {
		b.WriteString(`<Security UserID="` + s.UserID + `"/>`)
	} else {
		b.WriteString("<Security/>")
	}
	b.WriteString("</System>")
	switch {
	case r.RawData != nil:
		b.WriteString("<EventData>")
		for _, v := range r.RawData {
			b.WriteString("<Data>" + xmlEscaper.Replace(v) + "</Data>")
		}
		b.WriteString("</EventData>")
	case r.EventData.keys != nil:
		if r.EventDataName != "" {
			b.WriteString(`<EventData Name="` + r.EventDataName + `">`)
		} else {
			b.WriteString("<EventData>")
		}
		for i, k := range r.EventData.keys {
			if r.EventData.vals[i] == nil {
				b.WriteString(`<Data Name="` + xmlEscaper.Replace(k) + `"/>`)
				continue
			}
			fmt.Fprintf(&b, `<Data Name="%s">%s</Data>`, xmlEscaper.Replace(k), xmlEscaper.Replace(fmt.Sprint(r.EventData.vals[i])))
		}
		b.WriteString("</EventData>")
	}
	if len(r.UserData) == 3 {
		var name, ns string
		var data orderedMap
		if json.Unmarshal(r.UserData[0], &name) == nil && json.Unmarshal(r.UserData[1], &ns) == nil && json.Unmarshal(r.UserData[2], &data) == nil {
			fmt.Fprintf(&b, `<UserData><%s xmlns="%s">`, name, ns)
			for i, k := range data.keys {
				if data.vals[i] == nil {
					b.WriteString("<" + k + "/>")
					continue
				}
				fmt.Fprintf(&b, "<%s>%s</%s>", k, xmlEscaper.Replace(fmt.Sprint(data.vals[i])), k)
			}
			fmt.Fprintf(&b, "</%s></UserData>", name)
		}
	}
	b.WriteString("</Event>")
	return b.String()
}
