package wire

import "testing"

func TestUnescapeXML(t *testing.T) {
	for in, want := range map[string]string{
		"a &lt;b&gt; &amp; &quot;c&quot; &apos;":  `a <b> & "c" '`,
		"&#13;&#10;&#9;&#x41;":                    "\r\n\tA",
		"plain":                                   "plain",
		"bad &bogus; &#xZZ; & end":                "bad &bogus; &#xZZ; & end",
		"&#X263a;&#0065;&#x0x41;&#;&#x;&#-1;":     "\u263aA&#x0x41;&#;&#x;&#-1;",
		"&#1114111;&#1114112;&#x110000;&#+5;":     "\U0010ffff&#1114112;&#x110000;&#+5;",
		"a&#9;b&#10;c&#13;d&#11;&#19;&#90;&#130;": "a\tb\nc\rd\v\x13Z\u0082", // the short road and its neighbours
		"&#9":   "&#9",
		"&#1;":  "\x01",
		"&#10":  "&#10",
		"x&#13": "x&#13",
	} {
		if got := UnescapeXML(in); got != want {
			t.Errorf("UnescapeXML(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkRecordMessageEntities: a rendered message's text holds a
// character reference at every line end and tab, and often &lt; &gt;.
func BenchmarkRecordMessageEntities(b *testing.B) {
	rec := string(sampleRecord(123))
	rec = rec[:len(rec)-len("</Event>")] + "<RenderingInfo Culture='en-US'><Message>An account was successfully logged on.&#13;&#10;&#13;&#10;Subject:&#13;&#10;&#9;Security ID:&#9;&#9;S-1-5-18&#13;&#10;&#9;Account Name:&#9;&#9;WKS-1$&#13;&#10;&#9;Account Domain:&#9;&#9;CORP&#13;&#10;&#13;&#10;Process Information:&#13;&#10;&#9;Process Name:&#9;&#9;C:\\Windows\\System32\\svchost.exe &lt;netsvcs&gt;&#13;&#10;</Message></RenderingInfo></Event>"
	b.ReportAllocs()
	for b.Loop() {
		RecordMessage(rec)
	}
}
