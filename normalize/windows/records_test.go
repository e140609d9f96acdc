package windows

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
)

// Records as real collectors write them (values made up here): NXLog's
// (what it keeps of its own, what it leaves encoded), and the fields users
// search by that a record's System part or several EventData values give.

// checkFields compares the decoded fields named in want; a nil want is a
// field that must not be set.
func checkFields(t *testing.T, name string, got map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if v == nil {
			if got[k] != nil {
				t.Errorf("%s: %s = %s, want none", name, k, normtest.JSONText(got[k]))
			}
			continue
		}
		if normtest.JSONText(got[k]) != normtest.JSONText(v) {
			t.Errorf("%s: %s = %s, want %s", name, k, normtest.JSONText(got[k]), normtest.JSONText(v))
		}
	}
}

// TestNXLogRecords: the fields users search by, from NXLog's records.
func TestNXLogRecords(t *testing.T) {
	for _, c := range []struct {
		name, line string
		want       map[string]any
	}{
		{"EventData entities decoded", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12.corp.example","Keywords":-9214364837600034816,` +
			`"EventType":"AUDIT_SUCCESS","EventID":6416,"SourceName":"Microsoft-Windows-Security-Auditing","ProcessID":4,"ThreadID":880,` +
			`"Channel":"Security","Message":"A new external device was recognized by the system.","SubjectUserSid":"S-1-5-18",` +
			`"SubjectUserName":"WS12$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",` +
			`"DeviceId":"USB\\VID_0781&amp;PID_5581\\4C53&lt;1&gt;","ClassName":"DiskDrive","SourceModuleType":"im_msvistalog"}`,
			map[string]any{"winlog.event_data.DeviceId": `USB\VID_0781&PID_5581\4C53<1>`, "user.name": "WS12$",
				"process.pid": nil, "winlog.process.pid": 4}},
		{"Defender's link decoded", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","EventType":"WARNING","EventID":1116,` +
			`"SourceName":"Microsoft-Windows-Windows Defender","Channel":"Microsoft-Windows-Windows Defender/Operational",` +
			`"ProcessID":3020,"ThreadID":4112,"Domain":"NT AUTHORITY","AccountName":"SYSTEM","UserID":"S-1-5-18",` +
			`"Threat Name":"Virus:DOS/EICAR_Test_File","Detection User":"CORP\\erin",` +
			`"FWLink":"https://go.microsoft.com/fwlink/?linkid=37020&amp;name=Virus:DOS/EICAR_Test_File&amp;threatid=2147519003",` +
			`"Path":"file:_C:\\Users\\erin\\Downloads\\eicar.com","SourceModuleType":"im_msvistalog"}`,
			map[string]any{"event.reference": "https://go.microsoft.com/fwlink/?linkid=37020&name=Virus:DOS/EICAR_Test_File&threatid=2147519003",
				"user.name": "erin", "user.domain": "CORP", "user.id": nil, "process.pid": nil}},
		// A WFP record's one ProcessID is NXLog's (the System process that
		// logged it): the application's pid is lost, not replaced by 4.
		{"WFP, one ProcessID", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","EventType":"AUDIT_SUCCESS","EventID":5156,` +
			`"SourceName":"Microsoft-Windows-Security-Auditing","ProcessID":4,"ThreadID":7740,"Channel":"Security",` +
			`"Application":"\\device\\harddiskvolume3\\program files\\contoso\\agent.exe","Direction":"%%14593",` +
			`"SourceAddress":"192.0.2.15","SourcePort":"50321","DestAddress":"198.51.100.7","DestPort":"443","Protocol":"6",` +
			`"FilterRTID":"70512","LayerName":"%%14611","LayerRTID":"48","SourceModuleType":"im_msvistalog"}`,
			map[string]any{"process.pid": nil, "winlog.process.pid": 4, "network.transport": "tcp", "network.iana_number": "6",
				"network.direction": "outbound", "destination.port": 443}},
		// ... and the rendered message still names it.
		{"WFP, one ProcessID, the message's", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","EventType":"AUDIT_SUCCESS","EventID":5156,` +
			`"SourceName":"Microsoft-Windows-Security-Auditing","ProcessID":4,"ThreadID":7740,"Channel":"Security",` +
			`"Message":"The Windows Filtering Platform has permitted a connection.\r\n\r\nApplication Information:\r\n\tProcess ID:\t\t3312\r\n` +
			`\tApplication Name:\t\\device\\harddiskvolume3\\program files\\contoso\\agent.exe\r\n\r\nNetwork Information:\r\n` +
			`\tDirection:\t\tOutbound\r\n\tSource Address:\t\t192.0.2.15\r\n\tSource Port:\t\t50321\r\n",` +
			`"Application":"\\device\\harddiskvolume3\\program files\\contoso\\agent.exe","Direction":"%%14593",` +
			`"SourceAddress":"192.0.2.15","SourcePort":"50321","DestAddress":"198.51.100.7","DestPort":"443","Protocol":"6",` +
			`"SourceModuleType":"im_msvistalog"}`,
			map[string]any{"process.pid": 3312, "winlog.process.pid": 4, "source.port": 50321}},
		{"4688, the creator's id from the message", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","EventType":"AUDIT_SUCCESS",` +
			`"EventID":4688,"SourceName":"Microsoft-Windows-Security-Auditing","ProcessID":4,"ThreadID":7740,"Channel":"Security",` +
			`"Message":"A new process has been created.\r\n\r\nCreator Subject:\r\n\tSecurity ID:\t\tS-1-5-18\r\n\tAccount Name:\t\tWS12$\r\n` +
			`\tAccount Domain:\t\tCORP\r\n\tLogon ID:\t\t0x3E7\r\n\r\nProcess Information:\r\n\tNew Process ID:\t\t0x1a2c\r\n` +
			`\tNew Process Name:\tC:\\Windows\\System32\\cmd.exe\r\n\tCreator Process ID:\t0x2a28\r\n\tProcess Command Line:\t\r\n",` +
			`"SubjectUserSid":"S-1-5-18","SubjectUserName":"WS12$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",` +
			`"NewProcessId":"0x1a2c","NewProcessName":"C:\\Windows\\System32\\cmd.exe","SourceModuleType":"im_msvistalog"}`,
			map[string]any{"process.pid": 6700, "process.parent.pid": 10792, "winlog.event_data.ProcessId": "0x2a28"}},
		{"WFP, ProcessID twice", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","EventType":"AUDIT_SUCCESS","EventID":5157,` +
			`"SourceName":"Microsoft-Windows-Security-Auditing","ProcessID":4,"ThreadID":7740,"Channel":"Security","ProcessID":"2216",` +
			`"Application":"\\device\\harddiskvolume3\\windows\\system32\\svchost.exe","Direction":"%%14592",` +
			`"SourceAddress":"198.51.100.7","SourcePort":"53","DestAddress":"192.0.2.15","DestPort":"61022","Protocol":"17",` +
			`"SourceModuleType":"im_msvistalog"}`,
			map[string]any{"process.pid": 2216, "winlog.process.pid": 4, "network.transport": "udp"}},
		// NXLog's EventTime is the agent's local time, its zone unknown;
		// Sysmon's UtcTime says when, in UTC.
		{"Sysmon's UtcTime", `{"EventTime":"2025-03-04 11:10:11","Hostname":"ws12","EventType":"INFO","EventID":11,` +
			`"SourceName":"Microsoft-Windows-Sysmon","ProcessID":2912,"ThreadID":3104,"Channel":"Microsoft-Windows-Sysmon/Operational",` +
			`"Domain":"NT AUTHORITY","AccountName":"SYSTEM","UserID":"S-1-5-18","RuleName":"-","UtcTime":"2025-03-04 10:10:10.457",` +
			`"ProcessGuid":"{5a1e3c2b-0d4f-67c8-2a01-000000001a00}","ProcessId":"6184","Image":"C:\\Tools\\unzip.exe",` +
			`"TargetFilename":"C:\\Users\\erin\\AppData\\Local\\Temp\\x.dll","User":"CORP\\erin","SourceModuleType":"im_msvistalog"}`,
			map[string]any{"@timestamp": "2025-03-04T10:10:10.457Z", "process.pid": 6184, "user.name": "erin", "user.id": nil}},
		// NXLog's ProcessID takes a Sysmon event's ProcessId (names are
		// case-blind to it); the rendered message still has it.
		{"Sysmon's ProcessId, from the message", `{"EventTime":"2025-03-04 11:10:11","Hostname":"ws12","EventType":"INFO","EventID":3,` +
			`"SourceName":"Microsoft-Windows-Sysmon","ProcessID":2912,"ThreadID":3104,"Channel":"Microsoft-Windows-Sysmon/Operational",` +
			`"Message":"Network connection detected:\r\nRuleName: -\r\nUtcTime: 2025-03-04 10:10:10.457\r\n` +
			`ProcessGuid: {5a1e3c2b-0d4f-67c8-2a01-000000001a00}\r\nProcessId: 6184\r\nImage: C:\\Tools\\sync.exe\r\n` +
			`User: CORP\\erin\r\nProtocol: tcp","RuleName":"-","UtcTime":"2025-03-04 10:10:10.457",` +
			`"ProcessGuid":"{5a1e3c2b-0d4f-67c8-2a01-000000001a00}","Image":"C:\\Tools\\sync.exe","User":"CORP\\erin",` +
			`"Protocol":"tcp","Initiated":"true","SourceIp":"192.0.2.15","SourcePort":"50321","DestinationIp":"198.51.100.7",` +
			`"DestinationPort":"443","SourceModuleType":"im_msvistalog"}`,
			map[string]any{"process.pid": 6184, "winlog.process.pid": 2912, "process.executable": `C:\Tools\sync.exe`}},
		// PowerShell's host process writes its own records: the record's
		// process and account are the session's.
		{"PowerShell 4104", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","EventType":"VERBOSE","EventID":4104,` +
			`"SourceName":"Microsoft-Windows-PowerShell","ProcessID":7312,"ThreadID":7408,` +
			`"Channel":"Microsoft-Windows-PowerShell/Operational","Domain":"CORP","AccountName":"erin",` +
			`"UserID":"S-1-5-21-1004336348-1177238915-682003330-1105","MessageNumber":"1","MessageTotal":"1",` +
			`"ScriptBlockText":"Get-Service | Where-Object Status -eq 'Running'","ScriptBlockId":"0f3c2d1e-5b6a-4c7d-8e9f-0a1b2c3d4e5f",` +
			`"SourceModuleType":"im_msvistalog"}`,
			map[string]any{"process.pid": 7312, "user.name": "erin", "user.domain": "CORP",
				"user.id": "S-1-5-21-1004336348-1177238915-682003330-1105", "related.user": []any{"erin"}}},
		// A BITS transfer's URL in parts, its host the server.
		{"BITS 61", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","EventType":"WARNING","EventID":61,` +
			`"SourceName":"Microsoft-Windows-Bits-Client","ProcessID":1404,"ThreadID":5520,` +
			`"Channel":"Microsoft-Windows-Bits-Client/Operational","Domain":"CORP","AccountName":"erin",` +
			`"UserID":"S-1-5-21-1004336348-1177238915-682003330-1105","transferId":"{3d2c1b0a-9f8e-4d7c-6b5a-493827160504}",` +
			`"name":"updater job","url":"http://203.0.113.80:8080/files/setup.exe?t=1","hr":"2147954402",` +
			`"bytesTransferred":"0","SourceModuleType":"im_msvistalog"}`,
			map[string]any{"event.action": "bits-transfer-failed", "event.outcome": "failure",
				"url.original": "http://203.0.113.80:8080/files/setup.exe?t=1", "url.scheme": "http", "url.domain": "203.0.113.80",
				"url.port": 8080, "url.path": "/files/setup.exe", "url.query": "t=1", "destination.ip": "203.0.113.80",
				"destination.address": "203.0.113.80",
				"file.name":           nil, "user.name": nil}},
		// Defender's service logs a detection; when the detection's user
		// is that account, the record's SID is the user's.
		{"Defender 1117, the service's own account", `{"EventTime":"2025-03-04 09:10:11","Hostname":"ws12","EventType":"INFO",` +
			`"EventID":1117,"SourceName":"Microsoft-Windows-Windows Defender",` +
			`"Channel":"Microsoft-Windows-Windows Defender/Operational","ProcessID":3020,"Domain":"NT AUTHORITY",` +
			`"AccountName":"SYSTEM","UserID":"S-1-5-18","Threat Name":"Trojan:Win32/Wacatac.B!ml",` +
			`"Detection User":"NT AUTHORITY\\SYSTEM","Action Name":"Quarantine","Path":"file:_C:\\Windows\\Temp\\a.exe",` +
			`"SourceModuleType":"im_msvistalog"}`,
			map[string]any{"event.action": "malware-quarantined", "user.name": "SYSTEM", "user.domain": "NT AUTHORITY",
				"user.id": "S-1-5-18", "file.path": `C:\Windows\Temp\a.exe`}},
	} {
		checkFields(t, c.name, decodeRoad(t, c.line, false), c.want)
	}
}

// TestRecordAccountNamesUser: when the event's user is the record's own
// account (same SID), the name the collector resolved for it is the user's.
func TestRecordAccountNamesUser(t *testing.T) {
	line := `{"@timestamp":"2025-03-04T09:10:11.123Z","winlog":{"channel":"Microsoft-Windows-AppLocker/EXE and DLL",` +
		`"provider_name":"Microsoft-Windows-AppLocker","event_id":"8004","computer_name":"ws12","record_id":77,` +
		`"user":{"identifier":"S-1-5-21-1004336348-1177238915-682003330-1107","name":"dave","domain":"CORP"},` +
		`"user_data":{"PolicyName":"EXE","RuleId":"{5c4b3a29-1807-4f6e-9d8c-7b6a5f4e3d2c}","RuleName":"Block Temp",` +
		`"TargetUser":"S-1-5-21-1004336348-1177238915-682003330-1107","TargetProcessId":"9120",` +
		`"FilePath":"%OSDRIVE%\\USERS\\DAVE\\APPDATA\\LOCAL\\TEMP\\RUN.EXE",` +
		`"FullFilePath":"C:\\Users\\dave\\AppData\\Local\\Temp\\run.exe"}}}`
	checkFields(t, "AppLocker 8004", decodeRoad(t, line, false), map[string]any{
		"user.id": "S-1-5-21-1004336348-1177238915-682003330-1107", "user.name": "dave", "user.domain": "CORP",
		"event.outcome": "failure", "file.path": `C:\Users\dave\AppData\Local\Temp\run.exe`, "rule.name": "Block Temp"})
	other := strings.Replace(line, `"TargetUser":"S-1-5-21-1004336348-1177238915-682003330-1107"`,
		`"TargetUser":"S-1-5-21-1004336348-1177238915-682003330-1188"`, 1)
	checkFields(t, "AppLocker 8004, another user", decodeRoad(t, other, false), map[string]any{
		"user.id": "S-1-5-21-1004336348-1177238915-682003330-1188", "user.name": nil})
}

// TestShareFilePath: a file reached through a share is at the share's
// local path joined with the name relative to it; a relative name alone
// is no path.
func TestShareFilePath(t *testing.T) {
	line := `{"@timestamp":"2025-03-04T09:10:11.123Z","winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing",` +
		`"event_id":"5145","computer_name":"fs2.corp.example","record_id":78,"keywords":["Audit Success"],"event_data":{` +
		`"SubjectUserSid":"S-1-5-21-1004336348-1177238915-682003330-1107","SubjectUserName":"dave","SubjectDomainName":"CORP",` +
		`"SubjectLogonId":"0x5a1f2","ObjectType":"File","IpAddress":"192.0.2.44","IpPort":"51012","ShareName":"\\\\*\\Finance",` +
		`"ShareLocalPath":"\\??\\D:\\Shares\\Finance","RelativeTargetName":"budget\\2025\\plan.xlsx","AccessMask":"0x1",` +
		`"AccessList":"%%4416\n\t\t\t\t"}}}`
	checkFields(t, "5145", decodeRoad(t, line, false), map[string]any{
		"file.path": `D:\Shares\Finance\budget\2025\plan.xlsx`, "file.name": "plan.xlsx", "file.extension": "xlsx",
		"file.directory": `D:\Shares\Finance\budget\2025`, "source.ip": "192.0.2.44", "user.name": "dave"})
	noShare := strings.Replace(line, `"ShareLocalPath":"\\??\\D:\\Shares\\Finance",`, "", 1)
	checkFields(t, "5145 without the share's path", decodeRoad(t, noShare, false), map[string]any{
		"file.path": nil, "winlog.event_data.RelativeTargetName": `budget\2025\plan.xlsx`})
	root := strings.Replace(line, `"RelativeTargetName":"budget\\2025\\plan.xlsx"`, `"RelativeTargetName":"\\"`, 1)
	checkFields(t, "5145 the share's root", decodeRoad(t, root, false), map[string]any{
		"file.path": `D:\Shares\Finance`, "file.name": "Finance", "file.directory": `D:\Shares`})
}

// TestWorkstationAddress: NTLM's Workstation written as an address behind
// a UNC prefix ("\\10.9.8.7", as some clients send it) is no domain name,
// and no source.ip either (the client names itself as it likes: a forged
// address must not become the source's); a name loses the prefix.
func TestWorkstationAddress(t *testing.T) {
	for _, c := range []struct {
		ws                 string
		wantIP, wantDomain any
	}{
		{`\\\\10.9.8.7`, nil, nil},
		{`10.9.8.7`, nil, nil},
		{`\\\\WKS-3`, nil, "WKS-3"},
		{`WKS-3`, nil, "WKS-3"},
	} {
		line := secRecord("4776", `"PackageName":"MICROSOFT_AUTHENTICATION_PACKAGE_V1_0","TargetUserName":"eve","Workstation":"`+c.ws+`","Status":"0xc0000064"`)
		checkFields(t, "4776 "+c.ws, decodeRoad(t, line, false), map[string]any{"source.ip": c.wantIP, "source.domain": c.wantDomain})
	}
}

// TestSysmonImageSignature: an image loaded whose signature check failed
// has the failure as its signature's status; ECS's library category.
func TestSysmonImageSignature(t *testing.T) {
	line := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/>` +
		`<EventID>7</EventID><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>5521</EventRecordID>` +
		`<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ws12</Computer><Security UserID='S-1-5-18'/></System>` +
		`<EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>2025-03-04 09:10:11.519</Data>` +
		`<Data Name='ProcessGuid'>{5a1e3c2b-0d4f-67c8-2a01-000000001b00}</Data><Data Name='ProcessId'>4410</Data>` +
		`<Data Name='Image'>C:\Tools\viewer.exe</Data><Data Name='ImageLoaded'>C:\Tools\plugin.dll</Data>` +
		`<Data Name='Signed'>failed: Invalid hash</Data><Data Name='Signature'>-</Data><Data Name='SignatureStatus'>-</Data>` +
		`<Data Name='User'>CORP\erin</Data></EventData></Event>`
	checkFields(t, "Sysmon 7", decodeRoad(t, line, true), map[string]any{
		"event.category": []any{"process", "library"}, "event.type": []any{"change", "start"},
		"dll.code_signature.status": "failed: Invalid hash", "file.code_signature.status": "failed: Invalid hash",
		"dll.code_signature.valid": nil, "file.code_signature.trusted": nil, "dll.path": `C:\Tools\plugin.dll`})
	signed := strings.Replace(line, "failed: Invalid hash", "true", 1)
	checkFields(t, "Sysmon 7, signed", decodeRoad(t, signed, true), map[string]any{"dll.code_signature.status": nil})
}

// TestSysmonTimeIsUtcTime: a Sysmon event happened at its UtcTime; its
// record's zoned TimeCreated is when Sysmon wrote it (here a network
// connection's, batched a second later), which does not make @timestamp.
func TestSysmonTimeIsUtcTime(t *testing.T) {
	line := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/>` +
		`<EventID>3</EventID><TimeCreated SystemTime='2025-03-04T09:10:12.6409876Z'/><EventRecordID>5522</EventRecordID>` +
		`<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ws12</Computer><Security UserID='S-1-5-18'/></System>` +
		`<EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>2025-03-04 09:10:11.250</Data>` +
		`<Data Name='ProcessGuid'>{5a1e3c2b-0d4f-67c8-2a01-000000001c00}</Data><Data Name='ProcessId'>4412</Data>` +
		`<Data Name='Image'>C:\Tools\sync.exe</Data><Data Name='User'>CORP\erin</Data><Data Name='Protocol'>tcp</Data>` +
		`<Data Name='Initiated'>true</Data><Data Name='SourceIp'>192.0.2.15</Data><Data Name='SourcePort'>50321</Data>` +
		`<Data Name='DestinationIp'>198.51.100.7</Data><Data Name='DestinationPort'>443</Data></EventData></Event>`
	checkFields(t, "Sysmon 3", decodeRoad(t, line, true), map[string]any{"@timestamp": "2025-03-04T09:10:11.250Z"})
	noUtc := strings.Replace(line, `<Data Name='UtcTime'>2025-03-04 09:10:11.250</Data>`, "", 1)
	checkFields(t, "Sysmon 3 without UtcTime", decodeRoad(t, noUtc, true), map[string]any{"@timestamp": "2025-03-04T09:10:12.640987600Z"})
}

// TestAccountSIDs: a SID written where Sysmon writes its User (older
// schemas) is the user's id, never a name; the account that cleared a log
// or installed a service is the record's.
func TestAccountSIDs(t *testing.T) {
	wmi := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/>` +
		`<EventID>19</EventID><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>88</EventRecordID>` +
		`<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ws12</Computer><Security UserID='S-1-5-18'/></System>` +
		`<EventData><Data Name='EventType'>WmiFilterEvent</Data><Data Name='UtcTime'>2025-03-04 09:10:11.500</Data>` +
		`<Data Name='Operation'>Created</Data><Data Name='User'>S-1-5-21-1004336348-1177238915-682003330-1107</Data>` +
		`<Data Name='EventNamespace'>"root\cimv2"</Data><Data Name='Name'>"upd"</Data></EventData></Event>`
	checkFields(t, "Sysmon 19", decodeRoad(t, wmi, true), map[string]any{
		"user.id": "S-1-5-21-1004336348-1177238915-682003330-1107", "user.name": nil, "related.user": nil})
	cleared := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Eventlog'/>` +
		`<EventID>104</EventID><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>89</EventRecordID>` +
		`<Channel>System</Channel><Computer>ws12</Computer><Security UserID='S-1-5-21-1004336348-1177238915-682003330-500'/></System>` +
		`<UserData><LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'><SubjectUserName>Administrator</SubjectUserName>` +
		`<SubjectDomainName>WS12</SubjectDomainName><Channel>Windows PowerShell</Channel><BackupPath></BackupPath></LogFileCleared></UserData></Event>`
	checkFields(t, "System 104", decodeRoad(t, cleared, true), map[string]any{
		"user.id": "S-1-5-21-1004336348-1177238915-682003330-500", "user.name": "Administrator", "user.domain": "WS12",
		"event.action": "cleared-event-log"})
	installed := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Service Control Manager'/>` +
		`<EventID Qualifiers='16384'>7045</EventID><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>90</EventRecordID>` +
		`<Channel>System</Channel><Computer>ws12</Computer><Security UserID='S-1-5-21-1004336348-1177238915-682003330-1107'/></System>` +
		`<EventData><Data Name='ServiceName'>Contoso Updater</Data><Data Name='ImagePath'>C:\Tools\upd.exe</Data>` +
		`<Data Name='ServiceType'>user mode service</Data><Data Name='StartType'>auto start</Data><Data Name='AccountName'>LocalSystem</Data></EventData></Event>`
	checkFields(t, "System 7045", decodeRoad(t, installed, true), map[string]any{
		"user.id": "S-1-5-21-1004336348-1177238915-682003330-1107", "user.name": nil, "service.name": "Contoso Updater",
		"winlog.event_data.AccountName": "LocalSystem"})
}

// TestSysmonKernelRegistryPath: an older Sysmon's kernel registry path is
// written with its hive's short name, and split as a new one is.
func TestSysmonKernelRegistryPath(t *testing.T) {
	line := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/>` +
		`<EventID>13</EventID><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>91</EventRecordID>` +
		`<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ws12</Computer><Security UserID='S-1-5-18'/></System>` +
		`<EventData><Data Name='EventType'>SetValue</Data><Data Name='UtcTime'>2025-03-04 09:10:11.500</Data>` +
		`<Data Name='ProcessId'>712</Data><Data Name='Image'>C:\Windows\system32\services.exe</Data>` +
		`<Data Name='TargetObject'>\REGISTRY\MACHINE\SYSTEM\ControlSet001\Services\updsvc\ImagePath</Data>` +
		`<Data Name='Details'>C:\Tools\updsvc.exe</Data></EventData></Event>`
	checkFields(t, "Sysmon 13", decodeRoad(t, line, true), map[string]any{
		"registry.path": `HKLM\SYSTEM\ControlSet001\Services\updsvc\ImagePath`, "registry.hive": "HKLM",
		"registry.key": `SYSTEM\ControlSet001\Services\updsvc`, "registry.value": "ImagePath"})
	key := `{"@timestamp":"2025-03-04T09:10:11.123Z","winlog":{"channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing",` +
		`"event_id":"4663","computer_name":"ws12","record_id":92,"keywords":["Audit Success"],"event_data":{` +
		`"SubjectUserSid":"S-1-5-21-1004336348-1177238915-682003330-1107","SubjectUserName":"dave","SubjectDomainName":"CORP",` +
		`"SubjectLogonId":"0x5a1f2","ObjectServer":"Security","ObjectType":"Key",` +
		`"ObjectName":"\\REGISTRY\\MACHINE\\SOFTWARE\\Contoso\\Run","HandleId":"0x1f4","AccessList":"%%4432\r\n\t\t\t\t",` +
		`"AccessMask":"0x1","ProcessId":"0xb10","ProcessName":"C:\\Windows\\regedit.exe"}}}`
	checkFields(t, "4663 a key", decodeRoad(t, key, false), map[string]any{
		"registry.path": `HKLM\SOFTWARE\Contoso\Run`, "file.path": nil, "process.pid": 2832})
	for in, want := range map[string]string{`\REGISTRY\USER\S-1-5-21-1-2-3-1001\Software\x`: `HKU\S-1-5-21-1-2-3-1001\Software\x`,
		`\Registry\Machine\SOFTWARE\x`: `HKLM\SOFTWARE\x`, `\REGISTRY\MACHINEX\a`: `\REGISTRY\MACHINEX\a`, `HKLM\a`: `HKLM\a`} {
		if got := registryHiveName(in); got != want {
			t.Errorf("registryHiveName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSysmonMessagePID: the ProcessId line, not a ParentProcessId or
// SourceProcessId one; lines flattened to spaces too.
func TestSysmonMessagePID(t *testing.T) {
	for msg, want := range map[string]string{
		"Process Create:\r\nParentProcessId: 700\r\nProcessId: 4410\r\nImage: C:\\a.exe": "4410",
		"CreateRemoteThread detected: SourceProcessId: 12 TargetProcessId: 13":           "",
		"Network connection detected: RuleName: - ProcessId: 99 Image: C:\\b.exe":        "99",
		"ProcessId: 5\r\n": "5", "": "",
	} {
		if got := sysmonMessagePID(msg); got != want {
			t.Errorf("sysmonMessagePID(%q) = %q, want %q", msg, got, want)
		}
	}
}

// TestPowerShellHostProgram: the PowerShell host's program is the
// process's executable when ContextInfo's Host Application names it by its
// whole path; a bare program name names no file.
func TestPowerShellHostProgram(t *testing.T) {
	record := func(app string) string {
		return `{"@timestamp":"2025-03-04T09:10:11.123Z","winlog":{"channel":"Microsoft-Windows-PowerShell/Operational",` +
			`"provider_name":"Microsoft-Windows-PowerShell","event_id":"4103","computer_name":"ws12","record_id":93,` +
			`"process":{"pid":5120,"thread":{"id":5200}},"user":{"identifier":"S-1-5-21-1004336348-1177238915-682003330-1107"},` +
			`"event_data":{"ContextInfo":"        Severity = Informational\r\n        Host Name = ConsoleHost\r\n` +
			`        Host Application = ` + app + `\r\n        Command Name = Get-Process\r\n        User = CORP\\dave\r\n",` +
			`"Payload":"CommandInvocation(Get-Process): \"Get-Process\"\r\n"}}}`
	}
	checkFields(t, "4103 whole path", decodeRoad(t, record(`C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile`), false),
		map[string]any{"process.executable": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "process.name": "powershell.exe",
			"process.pid": 5120, "user.name": "dave", "user.id": "S-1-5-21-1004336348-1177238915-682003330-1107"})
	checkFields(t, "4103 bare name", decodeRoad(t, record(`powershell -ExecutionPolicy Bypass`), false),
		map[string]any{"process.executable": nil, "process.name": nil, "process.pid": 5120})
}

// TestResultCodeOutcome: Task Scheduler's 201 and WMI's 5857 succeeded
// when their result code is 0; WMI's failed when it is another number,
// while 201's is a program's exit code, whose meaning is the program's
// (unknown); neither says anything of it when they have none (a record
// cut short).
func TestResultCodeOutcome(t *testing.T) {
	task := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>` +
		`<Provider Name='Microsoft-Windows-TaskScheduler' Guid='{de7b24ea-73c8-4a09-985d-5bdadcfa9017}'/><EventID>201</EventID>` +
		`<Version>2</Version><Level>4</Level><Task>202</Task><Opcode>2</Opcode><Keywords>0x8000000000000000</Keywords>` +
		`<TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>88120</EventRecordID>` +
		`<Channel>Microsoft-Windows-TaskScheduler/Operational</Channel><Computer>ws12</Computer><Security UserID='S-1-5-18'/></System>` +
		`<EventData Name='ActionSuccess'><Data Name='TaskName'>\Contoso\Nightly sync</Data>` +
		`<Data Name='TaskInstanceId'>{6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f}</Data><Data Name='ActionName'>C:\Tools\sync.exe</Data>` +
		`<Data Name='ResultCode'>0</Data><Data Name='EnginePID'>5120</Data></EventData></Event>`
	checkFields(t, "201", decodeRoad(t, task, true), map[string]any{"event.action": "completed-scheduled-task-action",
		"event.category": []any{"process"}, "event.type": []any{"end"}, "event.outcome": "success",
		"process.executable": `C:\Tools\sync.exe`, "winlog.event_data.ResultCode": "0"})
	failed := strings.Replace(task, `<Data Name='ResultCode'>0</Data>`, `<Data Name='ResultCode'>2147942402</Data>`, 1)
	checkFields(t, "201, 0x80070002", decodeRoad(t, failed, true), map[string]any{"event.outcome": "unknown"})
	hex := strings.Replace(task, `<Data Name='ResultCode'>0</Data>`, `<Data Name='ResultCode'>0x1</Data>`, 1)
	checkFields(t, "201, 0x1", decodeRoad(t, hex, true), map[string]any{"event.outcome": "unknown"})
	none := strings.Replace(task, `<Data Name='ResultCode'>0</Data>`, "", 1)
	checkFields(t, "201 without its code", decodeRoad(t, none, true), map[string]any{"event.outcome": "success"}) // no keyword: success, as every row's

	wmi := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>` +
		`<Provider Name='Microsoft-Windows-WMI-Activity' Guid='{1418ef04-b0b4-4623-bf7e-d74ab47bbdaa}'/><EventID>5857</EventID>` +
		`<Version>0</Version><Level>0</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x4000000000000000</Keywords>` +
		`<TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>4410</EventRecordID>` +
		`<Execution ProcessID='3012' ThreadID='3016'/><Channel>Microsoft-Windows-WMI-Activity/Operational</Channel>` +
		`<Computer>ws12</Computer><Security UserID='S-1-5-18'/></System><UserData>` +
		`<Operation_StartedOperational xmlns='http://manifests.microsoft.com/win/2006/windows/WMI'>` +
		`<ProviderName>CIMWin32</ProviderName><Code>0x0</Code><HostProcess>wmiprvse.exe</HostProcess><ProcessID>3012</ProcessID>` +
		`<ProviderPath>%systemroot%\system32\wbem\cimwin32.dll</ProviderPath></Operation_StartedOperational></UserData></Event>`
	checkFields(t, "5857", decodeRoad(t, wmi, true), map[string]any{"event.action": "started-wmi-provider",
		"event.category": []any{"library"}, "event.type": []any{"start"}, "event.outcome": "success",
		"process.name": "wmiprvse.exe", "process.pid": 3012, "dll.path": `%systemroot%\system32\wbem\cimwin32.dll`})
	wmiFailed := strings.Replace(wmi, `<Code>0x0</Code>`, `<Code>0x80041002</Code>`, 1)
	checkFields(t, "5857, 0x80041002", decodeRoad(t, wmiFailed, true), map[string]any{"event.outcome": "failure"})

	ci := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>` +
		`<Provider Name='Microsoft-Windows-CodeIntegrity' Guid='{4ee76bd8-3cf4-44a0-a0ac-3937643e37a3}'/><EventID>3089</EventID>` +
		`<Version>2</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>` +
		`<TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>9120</EventRecordID>` +
		`<Correlation ActivityID='{0b9a8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d}'/>` +
		`<Channel>Microsoft-Windows-CodeIntegrity/Operational</Channel><Computer>ws12</Computer><Security UserID='S-1-5-18'/></System>` +
		`<EventData><Data Name='TotalSignatureCount'>1</Data><Data Name='Signature'>0</Data><Data Name='CacheState'>0</Data>` +
		`<Data Name='Hash Size'>20</Data><Data Name='Hash'>4C1F0E2A9B7D6C5E4F3A2B1C0D9E8F7A6B5C4D3E</Data>` +
		`<Data Name='PageHash'>false</Data><Data Name='SignatureType'>1</Data><Data Name='ValidatedSigningLevel'>1</Data>` +
		`<Data Name='VerificationError'>23</Data><Data Name='Flags'>0</Data><Data Name='PolicyBits'>0</Data>` +
		`<Data Name='NotValidBefore'>2024-01-02T00:00:00.000Z</Data><Data Name='NotValidAfter'>2026-01-02T00:00:00.000Z</Data>` +
		`<Data Name='PublisherNameLength'>14</Data><Data Name='PublisherName'>Contoso Tools</Data>` +
		`<Data Name='IssuerNameLength'>20</Data><Data Name='IssuerName'>Contoso Code Signing</Data></EventData></Event>`
	checkFields(t, "3089", decodeRoad(t, ci, true), map[string]any{"event.action": "code-integrity-signature-info",
		"event.category": []any{"file"}, "event.type": []any{"info"}, "file.code_signature.subject_name": "Contoso Tools",
		"winlog.event_data.IssuerName": "Contoso Code Signing"})
}

func TestResultCode(t *testing.T) {
	for _, c := range []struct {
		v        string
		zero, ok bool
	}{{"0", true, true}, {"0x0", true, true}, {"0X00", true, true}, {"2147942402", false, true}, {"0xC000006A", false, true},
		{"", false, false}, {"0x", false, false}, {"abc", false, false}, {"12a", false, false}} {
		if zero, ok := resultCode(c.v); zero != c.zero || ok != c.ok {
			t.Errorf("resultCode(%q) = %v, %v, want %v, %v", c.v, zero, ok, c.zero, c.ok)
		}
	}
}

// TestDNSClientQuery: the DNS client's 3006 names the looked-up name; its
// numeric type and servers stay in winlog.event_data.
func TestDNSClientQuery(t *testing.T) {
	line := `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>` +
		`<Provider Name='Microsoft-Windows-DNS-Client' Guid='{1c95126e-7eea-49a9-a3fe-a378b03ddb4d}'/><EventID>3006</EventID>` +
		`<Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>` +
		`<TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>70112</EventRecordID>` +
		`<Execution ProcessID='6184' ThreadID='7010'/><Channel>Microsoft-Windows-DNS-Client/Operational</Channel>` +
		`<Computer>ws12</Computer><Security UserID='S-1-5-21-1004336348-1177238915-682003330-1105'/></System>` +
		`<EventData><Data Name='QueryName'>updates.contoso.example</Data><Data Name='QueryType'>28</Data>` +
		`<Data Name='QueryOptions'>140737488355328</Data><Data Name='ServerList'></Data><Data Name='IsNetworkQuery'>0</Data>` +
		`<Data Name='NetworkQueryIndex'>0</Data><Data Name='InterfaceIndex'>0</Data><Data Name='IsAsyncQuery'>0</Data></EventData></Event>`
	checkFields(t, "3006", decodeRoad(t, line, true), map[string]any{"event.action": "called-dns-query",
		"event.category": []any{"network"}, "event.type": []any{"protocol", "info"}, "dns.question.name": "updates.contoso.example",
		"winlog.event_data.QueryType": "28", "process.pid": nil})
}
