package wire

import (
	"testing"
	"time"
)

func TestRecordHelpers(t *testing.T) {
	// As EvtFormatMessage(EvtFormatMessageXml) renders it: single quotes,
	// one line, the message with CR LF and tabs, escaped.
	rec := ("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>" +
		"<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>" +
		"<EventID>4625</EventID><Version>0</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>" +
		"<Keywords>0x8010000000000000</Keywords><TimeCreated SystemTime='2026-11-22T10:15:02.1234567Z'/>" +
		"<EventRecordID>88231</EventRecordID><Correlation ActivityID='{6f1d0c22-62b0-0001-4a0d-1d6fb062dc01}'/>" +
		"<Execution ProcessID='724' ThreadID='2284'/><Channel>Security</Channel><Computer>DC01.corp.example</Computer><Security/></System>" +
		"<EventData><Data Name='TargetUserName'>bob</Data></EventData>" +
		"<RenderingInfo Culture='en-US'><Message>An account failed to log on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tS-1-0-0\r\n\tA &lt;b&gt; &amp; &quot;c&quot; &#233;</Message>" +
		"<Level>Information</Level><Task>Logon</Task><Opcode>Info</Opcode><Channel>Security</Channel>" +
		"<Provider>Microsoft Windows security auditing.</Provider><Keywords><Keyword>Audit Failure</Keyword></Keywords></RenderingInfo></Event>")
	if id, ok := RecordID(rec); !ok || id != 88231 {
		t.Errorf("RecordID = %d, %v", id, ok)
	}
	if ch := RecordChannel(rec); ch != "Security" {
		t.Errorf("RecordChannel = %q", ch)
	}
	if c := RecordComputer(rec); c != "DC01.corp.example" {
		t.Errorf("RecordComputer = %q", c)
	}
	want := time.Date(2026, 11, 22, 10, 15, 2, 123456700, time.UTC)
	if tm, ok := RecordTime(rec); !ok || !tm.Equal(want) {
		t.Errorf("RecordTime = %v, %v", tm, ok)
	}
	wantMsg := "An account failed to log on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tS-1-0-0\r\n\tA <b> & \"c\" é"
	if m := RecordMessage(rec); m != wantMsg {
		t.Errorf("RecordMessage = %q", m)
	}

	// Pretty-printed, double quotes, attributes on EventID, no rendering.
	rec2 := (`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System>
    <EventID Qualifiers="16384">7036</EventID>
    <TimeCreated
        SystemTime="2026-01-02T03:04:05Z" />
    <EventRecordID>
      12
    </EventRecordID>
    <ChannelX>no</ChannelX>
    <Channel>System</Channel>
  </System>
</Event>`)
	if id, ok := RecordID(rec2); !ok || id != 12 {
		t.Errorf("RecordID = %d, %v", id, ok)
	}
	if ch := RecordChannel(rec2); ch != "System" {
		t.Errorf("RecordChannel = %q", ch)
	}
	if tm, ok := RecordTime(rec2); !ok || !tm.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("RecordTime = %v", tm)
	}
	if id, ok := ElementText(rec2, "EventID"); !ok || id != "7036" {
		t.Errorf("EventID = %q", id)
	}
	if m := RecordMessage(rec2); m != "" {
		t.Errorf("RecordMessage without RenderingInfo = %q", m)
	}
	if _, ok := RecordTime("<TimeCreated SystemTime='yesterday'/>"); ok {
		t.Error("bad time accepted")
	}
	if s, ok := ElementText("<Security/>", "Security"); !ok || len(s) != 0 {
		t.Error("self-closing element")
	}
}

func BenchmarkRecordHelpers(b *testing.B) {
	rec := string(sampleRecord(123))
	rec = rec[:len(rec)-len("</Event>")] + ("<RenderingInfo Culture='en-US'><Message>An account was successfully logged on.</Message></RenderingInfo></Event>")
	b.ReportAllocs()
	for b.Loop() {
		RecordTime(rec)
		RecordMessage(rec)
	}
}
