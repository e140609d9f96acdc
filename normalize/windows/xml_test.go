package windows

import "testing"

func TestXMLUnescape(t *testing.T) {
	for in, want := range map[string]string{
		"a &lt;b&gt; &amp; &quot;c&quot; &apos;": `a <b> & "c" '`,
		"&#13;&#10;&#9;&#x41;":                   "\r\n\tA",
		"plain":                                  "plain",
		"bad &bogus; &#xZZ; & end":               "bad &bogus; &#xZZ; & end",
		"&#X263a;&#0065;&#x0x41;&#;&#x;&#-1;":    "\u263aA&#x0x41;&#;&#x;&#-1;",
		"&#1114111;&#1114112;&#x110000;&#+5;":    "\U0010ffff&#1114112;&#x110000;&#+5;",
	} {
		if got := xmlUnescape(in); got != want {
			t.Errorf("xmlUnescape(%q) = %q, want %q", in, got, want)
		}
	}
}

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
