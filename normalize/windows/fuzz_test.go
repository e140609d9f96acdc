package windows

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// go test ./normalize -run '^$' -fuzz FuzzWindowsDecoder -fuzztime 60s
func FuzzWindowsDecoder(f *testing.F) {
	normtest.Seeds(f, "windows_xml", "windows_nxlog", "windows_winlogbeat", "windows_snare", "windows_legacy", "windows_evtx")
	f.Add(agentXML)
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
