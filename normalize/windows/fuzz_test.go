package windows

import (
	"testing"

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
