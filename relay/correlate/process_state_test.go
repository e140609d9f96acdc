package correlate

import "testing"

// sysmonEnd is a Sysmon process end (event 5) of pid on host.
func sysmonEnd(p *pipe, host string, pid int64) []string {
	e := ev(p.now, "event.code", "5", "winlog.channel", channelSysmon, "host.name", host,
		"process.entity_id", "{7f3c2a10-0000-0000-0001-000000000009}", "process.executable", `C:\Windows\System32\cmd.exe`)
	e.SetInt("process.pid", pid)
	var actions []string
	for _, f := range p.send(e) {
		actions = append(actions, f.Str("rule.name"))
	}
	return actions
}

// TestAuditedHostsSurviveRestart: a host that sent a Security process
// start is known to be audited after a restart too, so a Sysmon end
// without a start there is no alert (Security records that host's
// processes), while on a host never audited it is.
func TestAuditedHostsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	p := newPipe(t, "", dir)
	p.send(winProc(p.now, "4688", 500, `C:\Windows\notepad.exe`)) // host WEB1
	if err := p.en.Close(); err != nil {
		t.Fatal(err)
	}
	p.open(decode(t, ""))
	if got := sysmonEnd(p, "web1", 700); len(got) != 0 {
		t.Errorf("Sysmon end on an audited host: %v", got)
	}
	if got := sysmonEnd(p, "WS2", 700); len(got) != 1 || got[0] != ruleStartMissing {
		t.Errorf("Sysmon end without a start on a host not audited: %v, want %s", got, ruleStartMissing)
	}
}
