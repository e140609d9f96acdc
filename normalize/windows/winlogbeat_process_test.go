package windows

import (
	"fmt"
	"strings"
	"testing"
)

func psRecord(id, data string) string {
	return wlbRecord(id, "Microsoft-Windows-PowerShell/Operational", "Microsoft-Windows-PowerShell", data)
}

// TestWinlogbeatProcessFields: arguments, PowerShell's fields, Sysmon's
// network type and a file path's parts, as Winlogbeat's modules give them.
func TestWinlogbeatProcessFields(t *testing.T) {
	for _, c := range []struct {
		name, line string
		want       map[string]string // fmt.Sprint of the flattened value
	}{{
		"4688 arguments keep their quotes",
		secRecord("4688", `"NewProcessId":"0x1a2c","NewProcessName":"C:\\Tools\\a b.exe","ProcessId":"0x2c8",`+
			`"CommandLine":"\"C:\\Tools\\a b.exe\"  -x  \"two words\"","SubjectUserName":"jdoe","SubjectDomainName":"CORP"`),
		map[string]string{"process.args": `["C:\Tools\a b.exe" -x "two words"]`, "process.pid": "6700", "process.args_count": "<nil>"},
	}, {
		"Sysmon 1 arguments as Windows splits them",
		sysmonRecord("1", `"ProcessGuid":"{a1b2c3d4-0001-0000-0000-000000000001}","ProcessId":"4412","Image":"C:\\Tools\\a b.exe",`+
			`"CommandLine":"\"C:\\Tools\\a b.exe\" -m \"say \\\"hi\\\"\" C:\\dir\\\\","ParentCommandLine":"C:\\Windows\\Explorer.EXE"`),
		map[string]string{"process.args": `[C:\Tools\a b.exe -m say "hi" C:\dir\\]`, "process.args_count": "4",
			"process.parent.args": `[C:\Windows\Explorer.EXE]`, "process.parent.args_count": "1"},
	}, {
		"Sysmon 3 network type",
		sysmonRecord("3", `"ProcessId":"4412","SourceIsIpv6":"true","SourceIp":"2001:db8::7","DestinationIp":"2001:db8::8"`),
		map[string]string{"network.type": "ipv6"},
	}, {
		"Sysmon 11 file path parts",
		sysmonRecord("11", `"ProcessId":"4412","Image":"C:\\Tools\\x.exe","TargetFilename":"C:\\Users\\bob\\AppData\\drop.v2.ps1"`),
		map[string]string{"file.directory": `C:\Users\bob\AppData`, "file.extension": "ps1", "file.name": "drop.v2.ps1"},
	}, {
		"4104 script block",
		psRecord("4104", `"MessageNumber":"2","MessageTotal":"3","ScriptBlockText":"Get-Date","ScriptBlockId":"0a1b2c3d-1111-2222-3333-444455556666",`+
			`"Path":"C:\\Scripts\\daily.ps1"`),
		map[string]string{"powershell.file.script_block_text": "Get-Date", "powershell.file.script_block_id": "0a1b2c3d-1111-2222-3333-444455556666",
			"powershell.sequence": "2", "powershell.total": "3", "file.path": `C:\Scripts\daily.ps1`, "file.directory": `C:\Scripts`},
	}, {
		"4103 context",
		psRecord("4103", `"ContextInfo":"        Severity = Informational\r\n        Host Name = ConsoleHost\r\n        Host Version = 5.1.19041.1\r\n`+
			`        Host ID = 5b2f1c3e-1111-2222-3333-444455556666\r\n        Host Application = powershell.exe -nop -c Get-Date\r\n`+
			`        Engine Version = 5.1.19041.1\r\n        Runspace ID = 9a8b7c6d-1111-2222-3333-444455556666\r\n        Pipeline ID = 7\r\n`+
			`        Command Name = Get-Date\r\n        Command Type = Cmdlet\r\n        Script Name = \r\n        Sequence Number = 15\r\n`+
			`        User = CORP\\bob\r\n        Connected User = \r\n        Shell ID = Microsoft.PowerShell\r\n"`),
		map[string]string{"process.title": "ConsoleHost", "process.command_line": "powershell.exe -nop -c Get-Date",
			"process.args": "[powershell.exe -nop -c Get-Date]", "process.entity_id": "5b2f1c3e-1111-2222-3333-444455556666",
			"powershell.engine.version": "5.1.19041.1", "powershell.process.executable_version": "5.1.19041.1",
			"powershell.runspace_id": "9a8b7c6d-1111-2222-3333-444455556666", "powershell.pipeline_id": "7",
			"powershell.command.name": "Get-Date", "powershell.command.type": "Cmdlet", "powershell.id": "Microsoft.PowerShell",
			"event.sequence": "15", "user.name": "bob", "user.domain": "CORP", "file.path": "<nil>"},
	}, {
		"Defender 1116 by Winlogbeat (underscored names)",
		wlbRecord("1116", "Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender",
			`"Threat_Name":"Virus:DOS/EICAR_Test_File","Path":"file:_C:\\Users\\bob\\eicar.com; process:_pid:4412",`+
				`"Detection_User":"CORP\\bob","Process_Name":"C:\\Windows\\explorer.exe","FWLink":"https://go.microsoft.com/fwlink/?linkid=37020"`),
		map[string]string{"threat.software.name": "Virus:DOS/EICAR_Test_File", "file.path": `C:\Users\bob\eicar.com`,
			"file.name": "eicar.com", "user.name": "bob", "user.domain": "CORP", "process.executable": `C:\Windows\explorer.exe`,
			"event.action": "malware-detected", "event.category": "[malware]", "event.reference": "https://go.microsoft.com/fwlink/?linkid=37020"},
	}, {
		"Defender 1116 by XML names, a registry resource is no file",
		wlbRecord("1116", "Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender",
			`"Threat Name":"PUA:Win32/Presenoker","Path":"regkey:_HKLM\\SOFTWARE\\Run\\x"`),
		map[string]string{"threat.software.name": "PUA:Win32/Presenoker", "file.path": "<nil>"},
	}, {
		"4104 text verbatim: a part may end in white space",
		psRecord("4104", `"MessageNumber":"1","MessageTotal":"2","ScriptBlockText":"param($a)\r\n    ","ScriptBlockId":"1"`),
		map[string]string{"powershell.file.script_block_text": "param($a)\r\n    "},
	}, {
		"event.module by log",
		sysmonRecord("5", `"ProcessGuid":"{a1b2c3d4-0001-0000-0000-000000000001}","ProcessId":"4412","Image":"C:\\Tools\\x.exe"`),
		map[string]string{"event.module": "sysmon"},
	}, {
		"4104 user is the record's",
		strings.Replace(psRecord("4104", `"MessageNumber":"1","MessageTotal":"1","ScriptBlockText":"whoami","ScriptBlockId":"1"`),
			`"record_id":7,`, `"record_id":7,"user":{"identifier":"S-1-5-21-1-2-3-1107"},`, 1),
		map[string]string{"user.id": "S-1-5-21-1-2-3-1107"},
	}} {
		got := decodeRoad(t, c.line, false)
		for k, v := range c.want {
			if s := fmt.Sprint(got[k]); s != v {
				t.Errorf("%s: %s = %s, want %s", c.name, k, s, v)
			}
		}
	}
}
