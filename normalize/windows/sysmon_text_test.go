package windows

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// TestSysmonTextForged: a value a user chose (a command line, a parent's
// command line, a registry value's data) that holds Sysmon's labels sets
// no other field on a road that carries the message flattened to one line
// (Snare): the labels are the event's own, in its order. A value that
// copies every label around it leaves the copied names unset: no word says
// which copy is Sysmon's.
func TestSysmonTextForged(t *testing.T) {
	const guid, pguid = "{7d3c2a10-4b1e-67c6-2a01-000000001200}", "{7d3c2a10-4a90-67c6-1f01-000000001200}"
	create := func(cmd, parentCmd string, parentUser bool) [][2]string {
		d := [][2]string{{"RuleName", "-"}, {"UtcTime", "2026-06-30 08:00:00.100"}, {"ProcessGuid", guid}, {"ProcessId", "6412"},
			{"Image", `C:\Tools\agent.exe`}, {"CommandLine", cmd}, {"CurrentDirectory", `C:\Tools\`}, {"User", `CORP\erin`},
			{"LogonId", "0x3e7"}, {"ParentProcessGuid", pguid}, {"ParentProcessId", "5120"},
			{"ParentImage", `C:\Windows\explorer.exe`}, {"ParentCommandLine", parentCmd}}
		if parentUser {
			d = append(d, [2]string{"ParentUser", `CORP\erin`})
		}
		return d
	}
	const head = `RuleName: - UtcTime: 2026-06-30 08:00:00.100 ProcessGuid: {7d3c2a10-0000-0000-0000-000000000666} ProcessId: 4 ` +
		`Image: C:\x.exe CommandLine: x CurrentDirectory: C:\ User: CORP\admin LogonId: 0x3e7 ParentProcessGuid: {00000000-0000-0000-0000-000000000001} ` +
		`ParentProcessId: 4 ParentImage: C:\x.exe ParentCommandLine: x`
	for _, c := range []struct {
		name   string
		id     int
		data   [][2]string
		want   map[string]any // by every road
		forbid map[string]any // a value the text road must not give
	}{
		{"labels after the command line's own", 1, create(`agent.exe User: CORP\admin ParentProcessId: 4`, "explorer.exe", true), map[string]any{
			"process.command_line": `agent.exe User: CORP\admin ParentProcessId: 4`, "user.name": "erin", "process.parent.pid": 5120}, nil},
		{"the labels that follow it, copied", 1, create(`agent.exe CurrentDirectory: C:\ User: CORP\admin LogonId: 0x3e7 ParentProcessGuid: `+
			pguid+` ParentProcessId: 4 ParentImage: C:\x.exe ParentCommandLine: y`, "explorer.exe", true), map[string]any{
			"process.pid": 6412, "process.entity_id": guid, "process.parent.user.name": "erin"}, map[string]any{
			"user.name": "admin", "process.parent.pid": 4, "process.parent.executable": `C:\x.exe`, "process.working_directory": `C:\`,
			"process.parent.command_line": "y"}},
		{"the labels before a parent's command line, copied into it", 1, create("agent.exe", "explorer.exe "+head, true), map[string]any{
			"process.parent.user.name": "erin"}, map[string]any{"user.name": "admin", "process.pid": 4, "process.parent.pid": 4,
			"process.entity_id": "{7d3c2a10-0000-0000-0000-000000000666}", "process.executable": `C:\x.exe`, "process.command_line": "x"}},
		{"a parent's user where the schema has none", 1, create(`agent.exe ParentUser: CORP\admin`, "explorer.exe", false), map[string]any{
			"process.parent.user.name": nil, "process.command_line": `agent.exe ParentUser: CORP\admin`}, nil},
		{"a command line of many labels", 1, create("agent.exe"+strings.Repeat(` User: CORP\admin CommandLine: x`, 200), "explorer.exe", true),
			map[string]any{"process.pid": 6412, "process.parent.pid": 5120, "process.executable": `C:\Tools\agent.exe`,
				"process.working_directory": `C:\Tools\`}, map[string]any{"user.name": "admin", "process.command_line": "x"}},
		{"a registry value's data", 13, [][2]string{{"RuleName", "-"}, {"EventType", "SetValue"}, {"UtcTime", "2026-06-30 08:00:00.100"},
			{"ProcessGuid", guid}, {"ProcessId", "6412"}, {"Image", `C:\Tools\agent.exe`}, {"TargetObject", `HKLM\SOFTWARE\Contoso\Run`},
			{"Details", `x User: CORP\admin`}, {"User", `CORP\erin`}}, map[string]any{
			"user.name": "erin", "registry.data.strings": []any{`x User: CORP\admin`}}, nil},
	} {
		ent, ok := wincatalog.Lookup(wincatalog.ChannelSysmon, c.id)
		if !ok {
			t.Fatalf("no Sysmon %d", c.id)
		}
		s := sample{ent: ent, provider: "Microsoft-Windows-Sysmon", audit: true, data: c.data}
		for _, sep := range []string{"\t", "#011"} {
			got := decodeRoad(t, s.snare(sep), false)
			checkFields(t, c.name, got, c.want)
			for k, v := range c.forbid {
				if normtest.JSONText(got[k]) == normtest.JSONText(v) {
					t.Errorf("%s: %s = %s, the copy's", c.name, k, normtest.JSONText(v))
				}
			}
		}
		checkFields(t, c.name+" (agent)", decodeRoad(t, s.xml(false), true), c.want)
	}
}

// BenchmarkDecodeSysmonSnare decodes a Sysmon process creation by Snare:
// the text reader's cost (its labels chosen in Sysmon's order).
func BenchmarkDecodeSysmonSnare(b *testing.B) {
	ent, _ := wincatalog.Lookup(wincatalog.ChannelSysmon, 1)
	s := sample{ent: ent, provider: "Microsoft-Windows-Sysmon", audit: true, data: [][2]string{
		{"RuleName", "-"}, {"UtcTime", "2026-06-30 08:00:00.100"}, {"ProcessGuid", "{7d3c2a10-4b1e-67c6-2a01-000000001200}"},
		{"ProcessId", "6412"}, {"Image", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`}, {"FileVersion", "10.0.19041.3996"},
		{"Description", "Windows PowerShell"}, {"Product", "Microsoft Windows Operating System"}, {"Company", "Microsoft Corporation"},
		{"OriginalFileName", "PowerShell.EXE"}, {"CommandLine", `powershell.exe -NoP -c "Get-Date; whoami"`},
		{"CurrentDirectory", `C:\Users\erin\`}, {"User", `CORP\erin`}, {"LogonGuid", "{7d3c2a10-0a11-67c6-5c3e-0a0000000000}"},
		{"LogonId", "0xA3E5C"}, {"TerminalSessionId", "1"}, {"IntegrityLevel", "Medium"},
		{"Hashes", "SHA256=AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00112233445566778899"},
		{"ParentProcessGuid", "{7d3c2a10-4a90-67c6-1f01-000000001200}"}, {"ParentProcessId", "5120"},
		{"ParentImage", `C:\Windows\explorer.exe`}, {"ParentCommandLine", `C:\Windows\Explorer.EXE`}, {"ParentUser", `CORP\erin`}}}
	normtest.BenchDecoder(b, decodeWindows, s.snare("\t"))
}

// TestSysmonTextOtherOrder: a message whose names come in another order
// than the one known (a Sysmon version that wrote User last) and hold no
// copies is still read, each value up to the next name.
func TestSysmonTextOtherOrder(t *testing.T) {
	ent, _ := wincatalog.Lookup(wincatalog.ChannelSysmon, 3)
	s := sample{ent: ent, provider: "Microsoft-Windows-Sysmon", audit: true, data: [][2]string{
		{"UtcTime", "2026-06-30 08:00:00.100"}, {"ProcessGuid", "{7d3c2a10-4b1e-67c6-2a01-000000001200}"}, {"ProcessId", "6412"},
		{"Image", `C:\Tools\agent.exe`}, {"Protocol", "tcp"}, {"Initiated", "true"}, {"SourceIp", "192.0.2.7"}, {"SourcePort", "50412"},
		{"DestinationIp", "198.51.100.9"}, {"DestinationPort", "443"}, {"User", `CORP\erin`}}}
	checkFields(t, "User last", decodeRoad(t, s.snare("\t"), false), map[string]any{
		"user.name": "erin", "process.executable": `C:\Tools\agent.exe`, "destination.port": 443, "source.ip": "192.0.2.7"})
}
