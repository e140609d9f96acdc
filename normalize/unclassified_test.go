package normalize

import (
	"strconv"
	"testing"
	"time"

	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// A Windows record whose id the catalog does not know is read and kept,
// without a category, and reported as windows_unclassified (so that
// nomen_normalized_events_total counts it apart from the records nomen
// understands); a known id is reported as windows.
func TestWindowsUnclassifiedCountedApart(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	record := func(channel string, id int) string {
		return `<14>1 2026-07-01T10:00:00Z ws1 Microsoft-Windows-Sysmon - - - <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Sysmon"/><EventID>` +
			strconv.Itoa(id) + `</EventID><TimeCreated SystemTime="2026-07-01T10:00:00.000Z"/><Channel>` + channel +
			`</Channel><Computer>ws1</Computer></System><EventData><Data Name="UtcTime">2026-07-01 10:00:00.000</Data><Data Name="ProcessId">4242</Data></EventData></Event>`
	}
	for _, c := range []struct {
		line, want string
		category   bool
	}{
		{record("Microsoft-Windows-Sysmon/Operational", 5), "windows", true},
		{record("Microsoft-Windows-Sysmon/Operational", 99), "windows_unclassified", false},
		{record("Contoso-App/Operational", 1), "windows_unclassified", false},
	} {
		e := event.New(time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC))
		p.Parse([]byte(c.line), e)
		if got := n.Normalize(e); got != c.want {
			t.Errorf("decoder %q, want %q: %s", got, c.want, c.line)
		}
		if e.Has("event.category") != c.category {
			t.Errorf("event.category set %v, want %v: %s", e.Has("event.category"), c.category, c.line)
		}
		if v, _ := e.Field("winlog.event_data.ProcessId"); v.String() != "4242" {
			t.Errorf("EventData not kept (winlog.event_data.ProcessId %q): %s", v.String(), c.line)
		}
	}
}
