package correlate

import (
	"testing"
	"time"
)

// TestSysmonLifetimeParentGUID: on a host without process auditing,
// Sysmon's create (1) and terminate (5) of one ProcessGuid are one
// lifetime record, which names the process and its parent by their
// ProcessGuids (entity_id), as Sysmon's create does.
func TestSysmonLifetimeParentGUID(t *testing.T) {
	p := newPipe(t, "", "")
	const guid, parent = "{7f3c2a10-5c2f-67c6-4b01-000000001200}", "{7f3c2a10-4a90-67c6-1f01-000000001200}"
	start := ev(p.now, "event.code", "1", "winlog.channel", channelSysmon, "host.name", "WS12",
		"process.entity_id", guid, "process.parent.entity_id", parent, "process.executable", `C:\Tools\agent.exe`,
		"process.parent.executable", `C:\Windows\explorer.exe`, "user.name", "erin")
	start.SetInt("process.pid", 7001)
	start.SetInt("process.parent.pid", 6412)
	end := ev(p.now.Add(time.Minute), "event.code", "5", "winlog.channel", channelSysmon, "host.name", "WS12",
		"process.entity_id", guid, "process.executable", `C:\Tools\agent.exe`)
	end.SetInt("process.pid", 7001)
	got := p.send(start, end)
	if len(got) != 1 || got[0].Str("event.action") != "process-lifetime" {
		t.Fatalf("want one lifetime record: %v", encAll(got))
	}
	for k, want := range map[string]string{"process.entity_id": guid, "process.parent.entity_id": parent,
		"process.parent.executable": `C:\Windows\explorer.exe`} {
		if v := got[0].Str(k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
}
