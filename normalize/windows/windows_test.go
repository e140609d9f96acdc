package windows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// winContractKeys are the fields every road must agree on: what
// relay/correlate and the sequence tracker read.
var winContractKeys = []string{
	"event.code", "event.action", "event.category", "event.type", "event.outcome", "event.reason",
	"user.name", "user.domain", "user.id", "user.effective.name", "user.effective.domain",
	"user.target.name", "group.name", "source.ip", "source.port", "source.domain", "destination.domain",
	"process.pid", "process.executable", "process.name", "process.command_line", "process.parent.pid",
	"process.parent.executable", "process.exit_code", "winlog.logon.id", "winlog.logon.type",
	"winlog.logon.failure.status", "winlog.record_id", "winlog.channel", "winlog.event_id",
}

// normalizeLines parses and decodes every line of a golden input file.
func normalizeLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	var enc event.Encoder
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		e := event.New(normtest.Received)
		p.Parse([]byte(line), e)
		if !decodeWindows(e) {
			t.Fatalf("not decoded: %.80s", line)
		}
		out = append(out, normtest.Flatten(enc.AppendJSON(nil, e)))
	}
	return out
}

// TestWindowsRoadsAgree: the same Security events, carried as event XML,
// NXLog JSON, Winlogbeat JSON and Snare, must mean the same thing.
func TestWindowsRoadsAgree(t *testing.T) {
	dir := normtest.Root(t)
	roads := map[string][]map[string]any{
		"xml":        normalizeLines(t, filepath.Join(dir, "windows_xml/security/input.txt")),
		"nxlog":      normalizeLines(t, filepath.Join(dir, "windows_nxlog/vista/input.txt")),
		"winlogbeat": normalizeLines(t, filepath.Join(dir, "windows_winlogbeat/security/input.txt")),
		"snare":      normalizeLines(t, filepath.Join(dir, "windows_snare/modern/input.txt")),
	}
	ref := roads["xml"]
	if len(ref) < 20 {
		t.Fatalf("only %d XML samples", len(ref))
	}
	for i, want := range ref {
		if want["event.action"] == nil {
			t.Errorf("xml line %d (event %v): no event.action", i+1, want["event.code"])
		}
		for road, events := range roads {
			if road == "xml" {
				continue
			}
			got := events[i]
			for _, k := range winContractKeys {
				if !reflect.DeepEqual(got[k], want[k]) {
					t.Errorf("event %v: %s: %s = %v, xml has %v", want["event.code"], road, k, normtest.JSONText(got[k]), normtest.JSONText(want[k]))
				}
			}
		}
	}
}

// TestWindowsLegacyAgree: Windows 2003 events read from Snare and from
// NXLog's im_mseventlog agree, and mean what their modern ids mean.
func TestWindowsLegacyAgree(t *testing.T) {
	snare := normalizeLines(t, filepath.Join(normtest.Root(t), "windows_legacy/snare2003/input.txt"))
	nx := normalizeLines(t, filepath.Join(normtest.Root(t), "windows_nxlog/classic/input.txt"))
	modern := map[string]map[string]any{}
	for _, e := range normalizeLines(t, filepath.Join(normtest.Root(t), "windows_xml/security/input.txt")) {
		modern[e["event.code"].(string)] = e
	}
	for i, want := range nx {
		got := snare[i]
		for _, k := range winContractKeys {
			if k == "event.reason" || k == "winlog.logon.failure.status" {
				continue // the 2003 texts word the reasons their own way
			}
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("event %v: snare %s = %v, nxlog has %v", want["event.code"], k, normtest.JSONText(got[k]), normtest.JSONText(want[k]))
			}
		}
		code := want["event.code"].(string)
		id, _ := ecs.ParseUint(code)
		m, legacy := modernID(int(id))
		if !legacy {
			t.Errorf("%s is not a legacy id", code)
			continue
		}
		mod := modern[itoa(m)]
		if mod == nil {
			continue
		}
		for _, k := range []string{"event.action", "event.category", "event.type"} {
			if !reflect.DeepEqual(want[k], mod[k]) {
				t.Errorf("legacy %s %s = %v, modern %d has %v", code, k, normtest.JSONText(want[k]), m, normtest.JSONText(mod[k]))
			}
		}
	}
}

func itoa(n int) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

// agentXML is a 4688 as the agent sends it: EvtRender XML, pretty-printed
// with CRLF line ends, with the rendered message.
const agentXML = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\r\n" +
	"  <System>\r\n" +
	"    <Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>\r\n" +
	"    <EventID>4688</EventID>\r\n    <Version>2</Version>\r\n    <Level>0</Level>\r\n    <Task>13312</Task>\r\n" +
	"    <Opcode>0</Opcode>\r\n    <Keywords>0x8020000000000000</Keywords>\r\n" +
	"    <TimeCreated SystemTime='2026-06-30T08:20:31.2500000Z'/>\r\n    <EventRecordID>88400</EventRecordID>\r\n" +
	"    <Correlation/>\r\n    <Execution ProcessID='4' ThreadID='7212'/>\r\n    <Channel>Security</Channel>\r\n" +
	"    <Computer>WEB1</Computer>\r\n    <Security/>\r\n  </System>\r\n" +
	"  <EventData>\r\n" +
	"    <Data Name='SubjectUserSid'>S-1-5-21-1004336348-1177238915-682003330-1377</Data>\r\n" +
	"    <Data Name='SubjectUserName'>IUSR_WEB1</Data>\r\n    <Data Name='SubjectDomainName'>WEB1</Data>\r\n" +
	"    <Data Name='SubjectLogonId'>0x3B0C1D</Data>\r\n    <Data Name='NewProcessId'>0xa0c</Data>\r\n" +
	"    <Data Name='NewProcessName'>C:\\Windows\\System32\\cmd.exe</Data>\r\n" +
	"    <Data Name='TokenElevationType'>%%1936</Data>\r\n    <Data Name='ProcessId'>0x770</Data>\r\n" +
	"    <Data Name='CommandLine'>cmd.exe /c &quot;dir &amp; whoami&quot;</Data>\r\n" +
	"    <Data Name='TargetUserSid'>S-1-0-0</Data>\r\n    <Data Name='TargetUserName'>-</Data>\r\n" +
	"    <Data Name='TargetDomainName'>-</Data>\r\n    <Data Name='TargetLogonId'>0x0</Data>\r\n" +
	"    <Data Name='ParentProcessName'>C:\\Windows\\System32\\inetsrv\\w3wp.exe</Data>\r\n" +
	"    <Data Name='MandatoryLabel'>S-1-16-8192</Data>\r\n" +
	"  </EventData>\r\n" +
	"  <RenderingInfo Culture='en-US'>\r\n" +
	"    <Message>A new process has been created.\r\n\r\nCreator Subject:\r\n\tSecurity ID:\t\tWEB1\\IUSR_WEB1</Message>\r\n" +
	"    <Level>Information</Level>\r\n    <Task>Process Creation</Task>\r\n    <Opcode>Info</Opcode>\r\n" +
	"    <Keywords>\r\n      <Keyword>Audit Success</Keyword>\r\n    </Keywords>\r\n" +
	"  </RenderingInfo>\r\n</Event>\r\n"

// TestWindowsAgentRoad: the agent's records (nomen.format "agent", the
// rendered XML as event.original) get the process-tracking contract.
func TestWindowsAgentRoad(t *testing.T) {
	e := event.New(normtest.Received)
	e.Format = "agent"
	e.Original = agentXML
	e.Message = agentXML
	e.Hostname = "WEB1"
	if !sniffWindows(e) || !decodeWindows(e) {
		t.Fatal("an agent record is not a Windows event")
	}
	want := map[string]any{
		"event.code": "4688", "winlog.event_id": "4688", "winlog.channel": "Security",
		"winlog.record_id": int64(88400), "winlog.computer_name": "WEB1", "host.name": "WEB1",
		"winlog.provider_name": "Microsoft-Windows-Security-Auditing", "event.provider": "Microsoft-Windows-Security-Auditing",
		"event.action": "created-process", "process.pid": int64(0xa0c), "process.executable": `C:\Windows\System32\cmd.exe`,
		"process.name": "cmd.exe", "process.command_line": `cmd.exe /c "dir & whoami"`, "process.parent.pid": int64(0x770),
		"process.parent.executable": `C:\Windows\System32\inetsrv\w3wp.exe`, "user.name": "IUSR_WEB1",
		"user.domain": "WEB1", "user.id": "S-1-5-21-1004336348-1177238915-682003330-1377", "winlog.logon.id": "0x3b0c1d",
		"winlog.event_data.SubjectLogonId": "0x3B0C1D", "winlog.event_data.TargetUserName": "-",
		"nomen.rule": winRoadAgent,
	}
	for k, v := range want {
		got, ok := e.Field(k)
		if !ok {
			t.Errorf("%s absent, want %v", k, v)
			continue
		}
		var gv any = got.Str
		if got.Type == event.TypeInt {
			gv = got.Num
		}
		if gv != v {
			t.Errorf("%s = %v, want %v", k, gv, v)
		}
	}
	if e.Has("user.effective.name") {
		t.Error(`user.effective.name set from TargetUserName "-"`)
	}
	if !e.Time.Equal(time.Date(2026, 6, 30, 8, 20, 31, 250000000, time.UTC)) {
		t.Errorf("@timestamp = %v, want the record's TimeCreated", e.Time)
	}
	if !strings.HasPrefix(e.Message, "A new process has been created.") {
		t.Errorf("message = %q, want the rendered message", e.Message)
	}
}

// TestWindowsLeavesOthersAlone: look-alikes are not Windows events, and
// a decoder that says no leaves the event untouched.
func TestWindowsLeavesOthersAlone(t *testing.T) {
	for _, m := range []string{
		`{"msg":"hello","EventIDs":[1]}`,
		`{"EventID":"four","Message":"x"}`,
		`{"EventID":4624`,
		`<html><body>EventID</body></html>`,
		`<Event><System><Channel>Security</Channel></System></Event>`,
		`<Event><System><EventID>4624</EventID>`,
		"MSWinEventLog\t1\tSecurity",
		"MSWinEventLog\t1\tSecurity\t12\tFri Sep 17 16:37:25 2021\tfour\tX\tN/A\tN/A\tSuccess Audit\tH\tLogon\t\tx\t1",
		"just text mentioning MSWinEventLog somewhere far away " + strings.Repeat("x", 100),
		`{"winlog":{"channel":"Security"}}`,
	} {
		e := event.New(normtest.Received)
		e.Message = m
		if decodeWindows(e) {
			t.Errorf("decoded %q", m)
		}
		if len(e.Fields) != 0 || e.Message != m {
			t.Errorf("%q: event changed: %v %q", m, e.Fields, e.Message)
		}
	}
}

func TestWinLogonID(t *testing.T) {
	for in, want := range map[string]string{
		"0x3E7": "0x3e7", "0x3e7": "0x3e7", "(0x0,0x3E7)": "0x3e7", "(0x1,0x2)": "0x100000002",
		"": "", "(0x0,zz)": "(0x0,zz)",
	} {
		if got := winLogonID(in); got != want {
			t.Errorf("winLogonID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWinPID(t *testing.T) {
	for in, want := range map[string]int64{"0x1a2c": 6700, "0X10": 16, "1536": 1536, "0x0": 0} {
		if got, ok := winPID(in); !ok || got != want {
			t.Errorf("winPID(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-", "0x", "0xzz", "12a", "0x10000000000000000"} {
		if _, ok := winPID(in); ok {
			t.Errorf("winPID(%q) accepted", in)
		}
	}
}

func TestWinTextLabels(t *testing.T) {
	// The longest label wins, values end at the next label, sections
	// decide whose account a label describes.
	var w winEvent
	w.id = 4624
	w.parseText("An account was successfully logged on. Subject: Security ID: S-1-5-18 Account Name: HOST$ " +
		"Account Domain: NT AUTHORITY Logon ID: 0x3e7 Logon Type: 3 New Logon: Security ID: S-1-5-21-1-2-3-1104 " +
		"Account Name: jdoe Account Domain: CORP Logon ID: 0x1234 Process Information: Process ID: 0x0 " +
		"Process Name: C:\\Program Files\\App\\a.exe Network Information: Workstation Name: WS7 " +
		"Source Network Address: 192.0.2.7 Source Port: 51000 This event is generated when a logon session is created.")
	for name, want := range map[string]string{
		"SubjectUserName": "HOST$", "SubjectDomainName": "NT AUTHORITY", "TargetUserName": "jdoe",
		"TargetDomainName": "CORP", "TargetLogonId": "0x1234", "ProcessName": `C:\Program Files\App\a.exe`,
		"IpAddress": "192.0.2.7", "IpPort": "51000", "WorkstationName": "WS7", "LogonType": "3",
	} {
		if got := w.raw(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestJSONUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`C:\\Windows\\cmd.exe`: `C:\Windows\cmd.exe`,
		`a\"b\/c\r\n\t`:        "a\"b/c\r\n\t",
		`\u00e9\ud83d\ude00`:   "é😀",
		`\b\f\\\/x\t`:          "\b\f\\/x\t",
	} {
		b, ok := jsonUnescape([]byte("kept"), in)
		got := strings.TrimPrefix(string(b), "kept")
		if !ok || got != want || !strings.HasPrefix(string(b), "kept") {
			t.Errorf("jsonUnescape(%q) = %q, %v; want %q", in, got, ok, want)
		}
		var std string
		if err := json.Unmarshal([]byte(`"`+in+`"`), &std); err != nil || std != got {
			t.Errorf("encoding/json reads %q as %q", in, std)
		}
	}
	for _, in := range []string{`\x`, `\u12`, `abc\`, `\a`, `\0`, "\\\x00", `\u0x41`, `\ud800\u0X00`} {
		if _, ok := jsonUnescape(nil, in); ok {
			t.Errorf("jsonUnescape(%q) accepted", in)
		}
	}
}

// TestJSONScannerUnescapedStrings: the strings unescaped into the
// scanner's one buffer per document stay what they were when later ones
// are added (they share the buffer).
func TestJSONScannerUnescapedStrings(t *testing.T) {
	js := newJSONScanner(`"C:\\a\\b.exe" "x" "\u00e9t\u00e9" "\"q\"" "C:\\c"`)
	want := []string{`C:\a\b.exe`, "x", "été", `"q"`, `C:\c`}
	var got []string
	for range want {
		v, next, ok := js.str(jsonSkipSpace(js.s, js.i))
		js.i = next
		if !ok {
			t.Fatalf("str failed at %d", js.i)
		}
		got = append(got, v)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("string %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// TestJSONTextBlocksShared: strings with escapes are carved from blocks
// shared by the records read after them, on several goroutines at once
// (jsonTextBlocks): each stays what it was while the others are read, and
// a string too long for a block is read whole.
func TestJSONTextBlocksShared(t *testing.T) {
	long := strings.Repeat(`C:\Windows\`, jsonTextBlock/8)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var got, want []string
			for n := range 3000 {
				v := fmt.Sprintf("C:\\Users\\u%d-%d\r\n\t<done>", g, n)
				if n%500 == 0 {
					v = long
				}
				quoted, _ := json.Marshal(v) // escapes \\, \r, \n, \t, and < > as \u003c \u003e
				js := newJSONScanner(`{"a":` + string(quoted) + `}`)
				s, _, ok := js.str(len(`{"a":`))
				if js.text != nil {
					jsonTextBlocks.Put(js.text) // as read does once a record is read
				}
				if !ok {
					t.Errorf("str(%s) failed", quoted)
					return
				}
				got, want = append(got, s), append(want, v)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("goroutine %d, string %d = %q, want %q", g, i, got[i], want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestSnareForms: the same record by tab, "#011", spaces and with the
// agent's host in front.
func TestSnareForms(t *testing.T) {
	rec := "MSWinEventLog\t1\tSecurity\t77\tTue Jun 30 08:20:31 2026\t4689\tMicrosoft-Windows-Security-Auditing\tN/A\tN/A\tSuccess Audit\tWEB1\tProcess Termination\t\t" +
		"A process has exited.  Subject:  Security ID: S-1-5-18  Account Name: WEB1$  Account Domain: CORP  Logon ID: 0x3e7  Process Information:  Process ID: 0x1a2c  Process Name: C:\\Windows\\System32\\cmd.exe  Exit Status: 0x1\t4242"
	for name, m := range map[string]string{
		"tabs":   rec,
		"hash":   strings.ReplaceAll(rec, "\t", "#011"),
		"spaces": strings.Replace(rec, "MSWinEventLog\t", "MSWinEventLog    ", 1),
		"host":   "WEB1\t" + rec,
	} {
		var w winEvent
		if !w.parseSnare(m) {
			t.Errorf("%s: not read", name)
			continue
		}
		if w.code != "4689" || w.sequence != 77 || w.recordID != 4242 || w.computer != "WEB1" ||
			w.raw("ProcessId") != "0x1a2c" || w.raw("Status") != "0x1" || w.audit != ecs.OutcomeSuccess {
			t.Errorf("%s: read %+v", name, w)
		}
	}
}

// TestWindowsAgentReplayJSON: records the agent replays from NXLog or
// evtx_dump JSON files are read as well, as the agent road.
func TestWindowsAgentReplayJSON(t *testing.T) {
	for _, line := range []string{
		normtest.Line(t, "windows_evtx/security/input.txt", 2),
		normtest.Line(t, "windows_nxlog/vista/input.txt", 6),
	} {
		e := event.New(normtest.Received)
		e.Format, e.Original = "agent", line
		if !decodeWindows(e) {
			t.Fatalf("not decoded: %.80s", line)
		}
		for k, want := range map[string]string{"nomen.rule": winRoadAgent, "event.code": "4688", "process.pid": "6700", "user.name": "jdoe"} {
			if got := normtest.Str(e, k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
	}
}

// TestJSONHasKey: the road sniffing finds "name" (quoted) and only it.
func TestJSONHasKey(t *testing.T) {
	for doc, want := range map[string]bool{
		`{"EventID":4624}`:                   true,
		`{"MyEventID":1,"xEventID":2}`:       false,
		`{"a":"EventIDs","b":{"EventID":1}}`: true,
		`{}`:                                 false,
		`EventID"`:                           false,
	} {
		if got := jsonHasKey(doc, `EventID"`); got != want {
			t.Errorf("jsonHasKey(%s) = %v, want %v", doc, got, want)
		}
	}
}

// TestJSONShape: a Winlogbeat record (it begins with "@timestamp") whose
// EventData has a name "EventID" is read as Winlogbeat, not taken for
// NXLog by that name; NXLog's records (they begin with "EventTime") and a
// document with NXLog's EventID after other keys are read as NXLog. A
// Beats document is read as Winlogbeat's at once only when it has the
// key "winlog" or "event_data" as written (not spelled with escapes);
// else its shape is told as for any document.
func TestJSONShape(t *testing.T) {
	for doc, want := range map[string]string{
		`{"@timestamp":"2026-07-01T10:15:02.000Z","winlog":{"event_id":"4656","channel":"Security",` +
			`"computer_name":"WS9","event_data":{"EventID":"7","ObjectName":"x"}}}`: "windows.winlogbeat 4656",
		`{"EventTime":"2026-07-01 10:15:02","Hostname":"WS9","EventID":4656,"Channel":"Security"}`:  "windows.nxlog 4656",
		`{"Hostname":"WS9","EventID":4656,"Channel":"Security"}`:                                    "windows.nxlog 4656",
		`{"@timestamp":"2026-07-01T10:15:02.000Z","Hostname":"WS9","EventID":4656}`:                 "windows.nxlog 4656",
		`{"@timestamp":"2026-07-01T10:15:02.000Z","event":{"code":"4656"}}`:                         "",
		`{"@timestamp":"2026-07-01T10:15:02.000Z","event_id":4656,"event_data":{"ObjectName":"x"}}`: "windows.winlogbeat 4656",
		`{"@timestamp":"2026-07-01T10:15:02.000Z","winl\u006fg":{"event_id":"4656"}}`:               "",
		`{"@timestamp":"2026-07-01T10:15:02.000Z","event_id":4656,"tags":["winlog"]}`:               "windows.winlogbeat 4656",
		`{"@timestamp":"2026-07-01T10:15:02.000Z","event":{"code":"4656"},"EventID":4657}`:          "windows.nxlog 4657",
	} {
		var w winEvent
		got := ""
		if w.parseJSON(doc) {
			got = w.road + " " + w.code
		}
		if got != want {
			t.Errorf("%s: %q, want %q", doc, got, want)
		}
	}
}

// TestUnknownIDKeptWithoutCategory: an id its channel's table lacks keeps
// its envelope and EventData but gets no category, type or action, not
// even by channel (docs/windows-events.md says why); in the Security log
// it keeps the outcome of its audit keyword.
func TestUnknownIDKeptWithoutCategory(t *testing.T) {
	const doc = `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>` +
		`<Provider Name="%s"/><EventID>%s</EventID><Level>4</Level><Keywords>%s</Keywords>` +
		`<TimeCreated SystemTime="2026-07-01T10:00:00.0000000Z"/><EventRecordID>77</EventRecordID>` +
		`<Channel>%s</Channel><Computer>WS9</Computer></System>` +
		`<EventData><Data Name="Current Signature Version">1.2.3.4</Data></EventData></Event>`
	for _, tc := range []struct{ provider, id, keywords, channel, outcome string }{
		{"Microsoft-Windows-Windows Defender", "2001", "0x8000000000000000", "Microsoft-Windows-Windows Defender/Operational", ""},
		{"Application Error", "1000", "0x80000000000000", "Application", ""},
		{"Microsoft-Windows-Security-Auditing", "4999", "0x8010000000000000", "Security", "failure"},
	} {
		e := event.New(normtest.Received)
		e.Format = "agent"
		e.Original = strings.NewReplacer("%s", "\x00").Replace(doc)
		for _, v := range []string{tc.provider, tc.id, tc.keywords, tc.channel} {
			e.Original = strings.Replace(e.Original, "\x00", v, 1)
		}
		if !decodeWindows(e) {
			t.Fatalf("%s %s: not decoded", tc.channel, tc.id)
		}
		for key, want := range map[string]string{
			"event.code": tc.id, "winlog.channel": tc.channel, "host.name": "WS9",
			"winlog.event_data.Current Signature Version": "1.2.3.4", "event.outcome": tc.outcome,
			"event.category": "", "event.type": "", "event.action": "",
		} {
			if got := normtest.Str(e, key); got != want {
				t.Errorf("%s %s: %s = %q, want %q", tc.channel, tc.id, key, got, want)
			}
		}
	}
}

// TestSnareTimeUsual: the fast reading of Snare's time agrees with
// time.Parse's wherever it answers, and leaves the rest to it.
func TestSnareTimeUsual(t *testing.T) {
	for _, tc := range []struct {
		date, year string
		fast       bool
	}{
		{"Tue Jun 30 08:01:12 2026", "", true},
		{"Wed Nov  3 16:28:40", "2021", true},
		{"Wed Nov 03 16:28:40", "2021", true},
		{"Sun Feb 29 00:00:00", "2024", true},
		{"Sun Feb 29 00:00:00", "2026", false}, // no such day
		{"Fri Sep 17 16:37:25 1985", "", false},
		{"unM Sep 17 16:37:25 2021", "", false},
		{"Fri Spe 17 16:37:25 2021", "", false},
		{"Fri Sep 17 24:00:00 2021", "", false},
		{"Fri Sep 17 23:59:60 2021", "", false},
		{"Fri Sep 0  23:59:59 2021", "", false},
		{"Fri Sep 17 16:37:25", "", false},
	} {
		got, ok := snareTimeUsual(tc.date, tc.year)
		if ok != tc.fast {
			t.Errorf("snareTimeUsual(%q, %q) ok = %v, want %v", tc.date, tc.year, ok, tc.fast)
		}
		if want := snareTimeParse(tc.date, tc.year); ok && !got.Equal(want) {
			t.Errorf("snareTimeUsual(%q, %q) = %v, time.Parse reads %v", tc.date, tc.year, got, want)
		}
	}
}

// TestRepeatedEventDataKeepsFirst: a name given twice (malformed or crafted
// XML) keeps its first value in winlog.event_data, among names that share
// length and last letter with it.
func TestRepeatedEventDataKeepsFirst(t *testing.T) {
	e := event.New(normtest.Received)
	e.Format = "agent"
	e.Original = `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>` +
		`<Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>4999</EventID><Channel>Security</Channel>` +
		`<Computer>WS9</Computer></System><EventData><Data Name="AbcX">1</Data><Data Name="DefX">2</Data>` +
		`<Data Name="AbcX">3</Data><Data Name="Other">4</Data><Data Name="DefX">5</Data></EventData></Event>`
	if !decodeWindows(e) {
		t.Fatal("not decoded")
	}
	n := 0
	for _, f := range e.Fields {
		if strings.HasPrefix(f.Key, "winlog.event_data.") {
			n++
		}
	}
	if n != 3 || normtest.Str(e, "winlog.event_data.AbcX") != "1" || normtest.Str(e, "winlog.event_data.DefX") != "2" {
		t.Errorf("event_data: %d fields, AbcX=%q DefX=%q", n, normtest.Str(e, "winlog.event_data.AbcX"), normtest.Str(e, "winlog.event_data.DefX"))
	}
}

// TestJSONScannerStringEnds: a string ends at the first quote after an
// even run of backslashes, as encoding/json reads it.
func TestJSONScannerStringEnds(t *testing.T) {
	for _, doc := range []string{`"a\\"`, `"b\"c\\\"d"`, `"\\\\"`, `"e\\\\\"f"`, `"\"\""`, `"C:\\x\\"`} {
		js := newJSONScanner(doc + ` "next"`)
		got, next, ok := js.str(0)
		var want string
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		if !ok || got != want {
			t.Errorf("str(%s) = %q, %v; want %q", doc, got, ok, want)
		}
		if after, _, ok := js.str(jsonSkipSpace(js.s, next)); !ok || after != "next" {
			t.Errorf("after %s: %q, %v", doc, after, ok)
		}
	}
	for _, doc := range []string{`"a\"`, `"b\\\"`} {
		js := newJSONScanner(doc)
		if _, _, ok := js.str(0); ok {
			t.Errorf("str(%s) accepted an unterminated string", doc)
		}
	}
}

// TestXMLDataElement: EventData's usual elements (named, or unnamed as in
// 2000/2003 events) are read at once; every other shape is left to the
// token scanner, with nothing read.
func TestXMLDataElement(t *testing.T) {
	for doc, want := range map[string]string{
		`<Data Name="IpPort">445</Data>`:                     "IpPort=445",
		`<Data Name="CommandLine">a &gt; b</Data><x/>`:       "CommandLine=a &gt; b",
		`<Data Name="Empty"></Data>`:                         "Empty=",
		`<Data Name="">x</Data>`:                             "",
		`<Data Name="Sid" AccountName="bob">S-1-5-21</Data>`: "",
		`<Data Name="X"><![CDATA[y]]></Data>`:                "",
		`<Data Name="X">y</evt:Data>`:                        "",
		`<Data>y</Data>`:                                     "=y", // unnamed: parseXML names it param1...
		`<Data></Data><Data>z</Data>`:                        "=",
		`<Data>y<!-- c --></Data>`:                           "",
		`<Data Name="X">y`:                                   "",
	} {
		x := xmlScanner{s: doc}
		name, value, ok := x.dataElement()
		got := ""
		if ok {
			got = name + "=" + value
		}
		if got != want || !ok && x.i != 0 {
			t.Errorf("dataElement(%s) = %q (at %d), want %q", doc, got, x.i, want)
		}
	}
}

// TestJSONScannerEscapesAcrossStrings: strings with and without escapes
// in any order read as encoding/json reads them (str knows a string has
// no escapes from where the next backslash of the document is), and a
// backslash outside any string does not hide a later string's escapes.
func TestJSONScannerEscapesAcrossStrings(t *testing.T) {
	pieces := []string{"plain", `C:\Windows\x.exe`, "", `"quoted"`, "tab\there", `\`, "é", "a/b", `\\server\share`}
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 2000 {
		var doc strings.Builder
		var want []string
		for range 1 + rng.IntN(8) {
			p := pieces[rng.IntN(len(pieces))]
			b, _ := json.Marshal(p)
			doc.Write(b)
			doc.WriteByte(' ')
			want = append(want, p)
		}
		js := newJSONScanner(doc.String())
		for i, w := range want {
			got, next, ok := js.str(jsonSkipSpace(js.s, js.i))
			js.i = next
			if !ok || got != w {
				t.Fatalf("round %d, %s: string %d = %q, %v; want %q", round, doc.String(), i, got, ok, w)
			}
		}
	}
	js := newJSONScanner(`\ "C:\\x" "y"`)
	js.i = 2
	for _, w := range []string{`C:\x`, "y"} {
		got, next, ok := js.str(jsonSkipSpace(js.s, js.i))
		js.i = next
		if !ok || got != w {
			t.Errorf("after a stray backslash: %q, %v; want %q", got, ok, w)
		}
	}
}

// TestWinSpaceIndex checks the word-at-a-time scan against a byte loop:
// a space, tab, CR or LF at every position of strings of every length
// around the word size, among bytes that are near them (0x00-0x21) or
// not ASCII, must be found first.
func TestWinSpaceIndex(t *testing.T) {
	slow := func(s string) int {
		for i := 0; i < len(s); i++ {
			if s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' {
				return i
			}
		}
		return -1
	}
	fillers := []byte{'S', '!', 0x00, 0x1f, 0x0b, 0x80, 0xa0, 0xff}
	for n := 0; n <= 26; n++ {
		for _, fill := range fillers {
			b := bytes.Repeat([]byte{fill}, n)
			if got, want := winSpaceIndex(string(b)), slow(string(b)); got != want {
				t.Fatalf("winSpaceIndex(%q) = %d, want %d", b, got, want)
			}
			for pos := 0; pos < n; pos++ {
				for _, sp := range []byte(" \t\r\n") {
					c := bytes.Clone(b)
					c[pos] = sp
					if pos+3 < n {
						c[pos+3] = ' ' // a later space does not count
					}
					if got, want := winSpaceIndex(string(c)), slow(string(c)); got != want || got != pos {
						t.Fatalf("winSpaceIndex(%q) = %d, want %d", c, got, pos)
					}
				}
			}
		}
	}
	if got := winSpaceIndex("S-1-5-21-3623811015-3361044348-30300820-1013  (0x0,0x3E7)"); got != 44 {
		t.Errorf("SID then text: %d, want 44", got)
	}
}
