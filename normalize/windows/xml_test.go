package windows

import (
	"strings"
	"testing"
)

// TestXMLSystemShapes: System's text children are read the same whether
// they take the short road (<Name>text</Name>) or not: with attributes,
// entities, CDATA, comments, empty.
func TestXMLSystemShapes(t *testing.T) {
	const tail = `<Channel>Security</Channel></System><EventData><Data Name="TargetUserName">jdoe</Data></EventData></Event>`
	for _, c := range []struct{ system, code, computer string }{
		{`<EventID>4624</EventID><Computer>WKS-1</Computer>`, "4624", "WKS-1"},
		{`<EventID Qualifiers="16384">7036</EventID><Computer>WKS-1</Computer>`, "7036", "WKS-1"},
		{`<EventID>4624</EventID><Computer>A&amp;B</Computer>`, "4624", "A&B"},
		{`<EventID>4624</EventID><Computer></Computer><Level/>`, "4624", ""},
		{`<EventID>4624</EventID><Computer><![CDATA[WKS-1]]></Computer>`, "4624", "WKS-1"},
		// A comment, a processing instruction or CDATA inside the text is
		// not the end of it: the pieces make one value.
		{`<EventID>46<!-- x -->24</EventID><Computer>WKS<?pi?>-1</Computer>`, "4624", "WKS-1"},
		{`<EventID>46<![CDATA[24]]></EventID><Computer><!---->WKS-1<!-- x --></Computer>`, "4624", "WKS-1"},
		{`<EventID Qualifiers="0">70<!-- x -->36</EventID><Computer>A&amp;<!-- x -->&amp;B</Computer>`, "7036", "A&&B"},
	} {
		var w winEvent
		if !w.parseXML(`<Event><System>` + c.system + tail) {
			t.Errorf("%s: not read", c.system)
			continue
		}
		if w.code != c.code || w.computer != c.computer || w.channel != "Security" || w.raw("TargetUserName") != "jdoe" {
			t.Errorf("%s: code %q computer %q channel %q user %q", c.system, w.code, w.computer, w.channel, w.raw("TargetUserName"))
		}
	}
}

// TestXMLSystemAttributeShapes: System's attribute-only children
// (Provider, TimeCreated, Execution, Security) are read the same whether
// they take the short road (<Name attributes/>) or the scanner's: spaces,
// single quotes, a '>' inside a value, an element with an end tag, a
// namespace prefix, no attributes.
func TestXMLSystemAttributeShapes(t *testing.T) {
	const head = `<Event><System><EventID>4624</EventID>`
	const tail = `<Channel>Security</Channel></System><EventData><Data Name="TargetUserName">jdoe</Data></EventData></Event>`
	for _, c := range []struct{ system, provider, pid, sid, time string }{
		{`<Provider Name="P1" Guid="{x}"/><Execution ProcessID="4" ThreadID="8"/><Security UserID="S-1-5-18"/>`, "P1", "4", "S-1-5-18", ""},
		{`<Provider Name="P1" /><Execution  ProcessID = "4" /><Security/>`, "P1", "4", "", ""},
		{`<Provider Name='P1'/><Execution ProcessID='4'/><Security UserID='S-1-5-18'/>`, "P1", "4", "S-1-5-18", ""},
		{`<Provider Name="a>b"/><Execution ProcessID="4"/>`, "a>b", "4", "", ""},
		{`<Provider Name="P1"></Provider><Execution ProcessID="4"></Execution><Security UserID="S-1-5-18"></Security>`, "P1", "4", "S-1-5-18", ""},
		{`<evt:Provider Name="P1"/><Execution ProcessID="4"/>`, "P1", "4", "", ""},
		{`<Provider EventSourceName="Src"/><TimeCreated SystemTime="2026-06-30T08:01:12.5Z"/>`, "Src", "", "", "2026-06-30T08:01:12.5Z"},
		{`<Providers Name="no"/><Execution ProcessID="4"/>`, "", "4", "", ""},
		{`<Provider Name="P&amp;Q"/><SecurityX UserID="S-1-5-18"/>`, "P&Q", "", "", ""},
	} {
		var w winEvent
		if !w.parseXML(head + c.system + tail) {
			t.Errorf("%s: not read", c.system)
			continue
		}
		var ts string
		if !w.time.IsZero() {
			ts = w.time.UTC().Format("2006-01-02T15:04:05.999999999Z")
		}
		if w.provider != c.provider || w.execPID != c.pid || w.userSID != c.sid || ts != c.time || w.channel != "Security" || w.raw("TargetUserName") != "jdoe" {
			t.Errorf("%s: provider %q pid %q sid %q time %q channel %q user %q", c.system, w.provider, w.execPID, w.userSID, ts, w.channel, w.raw("TargetUserName"))
		}
	}
}

// TestXMLSectionTags: the sections' tags read the same by the short road
// (<System>, <EventData>, </EventData>, </Event> as written) or by the
// scanner (attributes, quotes, prefixes, spaces, lines); a record without its
// </Event> (cut short) is not decoded.
func TestXMLSectionTags(t *testing.T) {
	const sys = `<EventID>4624</EventID><Channel>Security</Channel>`
	const data = `<Data Name="TargetUserName">jdoe</Data>`
	for doc, decoded := range map[string]bool{
		`<Event><System>` + sys + `</System><EventData>` + data + `</EventData></Event>`:                                                               true,
		"<Event>\r\n  <System>\r\n    " + sys + "\r\n  </System>\r\n  <EventData>\r\n    " + data + "\r\n  </EventData>\r\n</Event>\r\n":               true,
		`<evt:Event><evt:System>` + sys + `</evt:System><evt:EventData>` + data + `</evt:EventData></evt:Event>`:                                       true,
		`<Event><System >` + sys + `</System ><EventData Name="x">` + data + `</EventData ></Event >`:                                                  true,
		`<Event><System>` + sys + `</System><EventData>` + data + `</EventData>`:                                                                       false,
		`<Event><System>` + sys + `</System><EventData>` + data:                                                                                        false,
		`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>` + sys + `</System><EventData>` + data + `</EventData></Event>`: true,
		`<Event xmlns='x'><System>` + sys + `</System><EventData>` + data + `</EventData></Event>`:                                                     true,
		`<Event a="x>y"><System>` + sys + `</System><EventData>` + data + `</EventData></Event>`:                                                       true,
		`<Events><System>` + sys + `</System><EventData>` + data + `</EventData></Events>`:                                                             false,
		`<Event/><System>` + sys + `</System><EventData>` + data + `</EventData></Event>`:                                                              false,
	} {
		var w winEvent
		ok := w.parseXML(doc)
		if ok != decoded || ok && (w.code != "4624" || w.channel != "Security" || w.raw("TargetUserName") != "jdoe") {
			t.Errorf("%q: decoded %v (want %v), code %q channel %q user %q", doc, ok, decoded, w.code, w.channel, w.raw("TargetUserName"))
		}
	}
}

// TestXMLUnnamedData: unnamed <Data> (2000/2003 events) are param1,
// param2... in document order, whether read at once or by the scanner
// (CDATA, a comment, an empty element, a Name that is empty).
func TestXMLUnnamedData(t *testing.T) {
	const head = `<Event><System><EventID>528</EventID><Channel>Security</Channel></System><EventData>`
	doc := head + `<Data>a</Data><Data><![CDATA[b]]></Data><Data>c</Data><Data/><Data Name="">e</Data><Data>f<!-- x --></Data><Data>&lt;g&gt;</Data><Data Name="N">n</Data><Data>h</Data></EventData></Event>`
	var w winEvent
	if !w.parseXML(doc) {
		t.Fatal("not read")
	}
	var got []string
	for _, d := range w.data[:w.n] {
		got = append(got, d.name+"="+d.value)
	}
	want := []string{"param1=a", "param2=b", "param3=c", "param4=", "param5=e", "param6=f", "param7=<g>", "N=n", "param8=h"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}
