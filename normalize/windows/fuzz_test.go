package windows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// go test ./normalize -run '^$' -fuzz FuzzWindowsDecoder -fuzztime 60s
func FuzzWindowsDecoder(f *testing.F) {
	normtest.Seeds(f, "windows_xml", "windows_nxlog", "windows_winlogbeat", "windows_snare", "windows_legacy", "windows_evtx")
	f.Add(agentXML)
	// a flattened Sysmon message whose command line holds labels (the text reader's label choice)
	f.Add("<14>Jun 30 08:00:00 WKS-7 MSWinEventLog\t1\tMicrosoft-Windows-Sysmon/Operational\t77\tTue Jun 30 08:00:00 2026\t1\t" +
		"Microsoft-Windows-Sysmon\tN/A\tN/A\tInformation\tWKS-7\t\t\tProcess Create: RuleName: - UtcTime: 2026-06-30 08:00:00.100 " +
		"ProcessGuid: {7d3c2a10-4b1e-67c6-2a01-000000001200} ProcessId: 6412 Image: C:\\Tools\\a.exe CommandLine: a.exe User: CORP\\admin " +
		"ParentProcessId: 4 CurrentDirectory: C:\\ User: CORP\\erin ParentProcessId: 5120 ParentCommandLine: x RuleName: y\t1042")
	f.Fuzz(func(t *testing.T, msg string) {
		normtest.FuzzDecode(t, "windows", decodeWindows, "", msg)
		normtest.FuzzDecode(t, "windows", decodeWindows, "Security", msg)
		e := event.New(normtest.Received)
		e.Format, e.Original, e.Message = "agent", msg, msg
		if !decodeWindows(e) && len(e.Fields) != 0 {
			t.Fatalf("agent road said no but changed the event: %v", e.Fields)
		}
	})
}

// FuzzWinTime: winTime reads what time.Parse(time.RFC3339Nano) reads, as
// it reads it, and nothing else.
func FuzzWinTime(f *testing.F) {
	for _, s := range []string{"2026-07-01T10:15:02.1234567Z", "2024-02-29T23:59:59Z", "2026-07-01T10:15:02+02:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		want, err := time.Parse(time.RFC3339Nano, v)
		if got, ok := rfc3339UTC(v); ok && (err != nil || got != want) { // the same Time, location included
			t.Fatalf("rfc3339UTC(%q) = %v, time.Parse %v %v", v, got, want, err)
		}
		if got, ok := winTime(v); ok != (err == nil) || !got.Equal(want) {
			t.Fatalf("winTime(%q) = %v %v, time.Parse %v %v", v, got, ok, want, err)
		}
	})
}

// FuzzJSONUnescape: jsonUnescape reads every string body encoding/json
// reads (valid UTF-8, no raw control bytes) as it reads it, and appends
// it after what b held. Long seeds: the word-at-a-time copy and the runs
// of escapes read from a word are used only 8 bytes from the end.
func FuzzJSONUnescape(f *testing.F) {
	for _, s := range []string{
		`An account was successfully logged on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tS-1-5-18\r\n\tAccount Name:\t\tWKS$`,
		`C:\\Windows\\System32\\svchost.exe -k netsvcs -p -s Schedule`,
		`\"quoted\" \\\\server\\share\\\"x\" \u00e9\ud83d\ude00 tail\t`,
		`abcdefg\`, `abcdefg\u00e9`, `abcdefgh\ud83d\ude00ij`, `\t\t\t\t\t\t\t\t\t\t`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := jsonUnescape([]byte("kept"), in)
		if ok && !strings.HasPrefix(string(got), "kept") {
			t.Fatalf("jsonUnescape(%q) lost what b held: %q", in, got)
		}
		if !utf8.ValidString(in) || strings.ContainsFunc(in, func(r rune) bool { return r < 0x20 }) {
			return // encoding/json replaces or refuses these; jsonUnescape keeps them
		}
		for i := 0; i < len(in); i++ {
			switch in[i] {
			case '\\':
				i++
			case '"':
				return // not a string body: the scanner ends the string there
			}
		}
		var std string
		err := json.Unmarshal([]byte(`"`+in+`"`), &std)
		switch {
		case err != nil && ok:
			t.Fatalf("jsonUnescape(%q) accepted what encoding/json refuses (%v)", in, err)
		case err == nil && !ok:
			t.Fatalf("jsonUnescape(%q) refused, encoding/json reads %q", in, std)
		case err == nil && string(got[len("kept"):]) != std:
			t.Fatalf("jsonUnescape(%q) = %q, encoding/json %q", in, got[len("kept"):], std)
		}
	})
}

// FuzzTaskXML: any scheduled task definition decodes without a panic, and
// the actions, principals and triggers it gives are lists of objects.
// go test ./normalize/windows -run '^$' -fuzz FuzzTaskXML -fuzztime 30s
func FuzzTaskXML(f *testing.F) {
	f.Add(`<Task><RegistrationInfo><URI>\T</URI></RegistrationInfo><Actions Context="Author"><Exec><Command>a.exe</Command>` +
		`<Arguments>-x &amp; "y"</Arguments></Exec></Actions></Task>`)
	f.Add(`<Task><Actions><Exec/><ComHandler><ClassId>{0}</ClassId></ComHandler><Exec><Command>b</Command></Exec></Actions></Task>`)
	f.Add(`<Task><Actions><ExecX><Exec></Exec></Actions></Task`)
	f.Add(`<Task><Settings><Hidden>true</Hidden></Settings><Principals><Principal id="a&amp;b"><UserId>S-1-5-18</UserId>` +
		`<LogonType>Password</LogonType></Principal><Principal/></Principals><Actions><Exec><Command>c</Command></Exec></Actions></Task>`)
	f.Add(`<Task><Triggers><BootTrigger/><TimeTrigger><Enabled>0</Enabled><Repetition><Interval>PT5M</Interval>` +
		`<StopAtDurationEnd>x</StopAtDurationEnd></Repetition></TimeTrigger><EventTrigger><Subscription>&lt;a|b=%&gt;</Subscription>` +
		`</EventTrigger></Triggers><Actions><Exec><Command>d</Command></Exec></Actions></Task>`)
	f.Fuzz(func(t *testing.T, task string) {
		if !utf8.ValidString(task) {
			return // a JSON record's strings are UTF-8
		}
		got := decodeRoad(t, secRecord("4698", `"TaskName":"\\T","TaskContent":`+jsonStr(task)), false)
		for _, key := range []string{"winlog.scheduled_task.actions", "winlog.scheduled_task.principals", "winlog.scheduled_task.triggers"} {
			v, ok := got[key]
			if !ok {
				continue
			}
			l, isList := v.([]any)
			if !isList || len(l) == 0 {
				t.Fatalf("%s %#v from %q", key, v, task)
			}
			for _, a := range l {
				if _, isObj := a.(map[string]any); !isObj {
					t.Fatalf("%s: %#v from %q", key, a, task)
				}
			}
		}
	})
}
