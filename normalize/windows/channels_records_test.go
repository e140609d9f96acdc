package windows

import (
	"fmt"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// channelRecord writes an event record as the agent sends it (values made
// up here, in the shape real records of these channels have): its System
// part and its EventData.
func channelRecord(provider, channel string, id int, userID, data string) string {
	return fmt.Sprintf(`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='%s'/>`+
		`<EventID>%d</EventID><Level>4</Level><Keywords>0x8000000000000000</Keywords>`+
		`<TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>4410</EventRecordID>`+
		`<Execution ProcessID='2848' ThreadID='5452'/><Channel>%s</Channel><Computer>ws12.corp.example</Computer>`+
		`<Security UserID='%s'/></System><EventData>%s</EventData></Event>`, provider, id, channel, userID, data)
}

// TestChannelRecords: records of the channels the held-out comparisons
// found unrecognised or short of a field: the firewall's rule changes
// under the ids Windows 11 logs them with (and who made them, with which
// program; not the program the rule is for), a task
// disabled, an item restored from Defender's quarantine, a service's
// start type changed by a user, an image App Control audited.
func TestChannelRecords(t *testing.T) {
	const fw, fwChan = "Microsoft-Windows-Windows Firewall With Advanced Security", "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"
	rule := `<Data Name='RuleId'>{6c1d5a0e-2b7f-4e33-9a10-5d2c7be0a4f1}</Data><Data Name='RuleName'>Contoso Agent (TCP-In)</Data>` +
		`<Data Name='Origin'>1</Data><Data Name='ApplicationPath'>C:\Program Files\Contoso\agent.exe</Data><Data Name='ServiceName'></Data>` +
		`<Data Name='Direction'>1</Data><Data Name='Protocol'>6</Data><Data Name='LocalPorts'>8443</Data><Data Name='RemotePorts'>*</Data>` +
		`<Data Name='Action'>3</Data><Data Name='Profiles'>2</Data><Data Name='ModifyingUser'>S-1-5-21-1004336348-1177238915-682003330-1107</Data>` +
		`<Data Name='ModifyingApplication'>C:\Windows\System32\netsh.exe</Data><Data Name='ErrorCode'>0</Data>`
	for _, c := range []struct {
		name, line string
		want       map[string]any
	}{
		{"firewall 2097, a rule added", channelRecord(fw, fwChan, 2097, "S-1-5-19", rule), map[string]any{
			"event.action": "added-firewall-rule", "event.category": []any{"configuration"}, "event.type": []any{"creation"},
			"rule.id": "{6c1d5a0e-2b7f-4e33-9a10-5d2c7be0a4f1}", "rule.name": "Contoso Agent (TCP-In)",
			"user.id": "S-1-5-21-1004336348-1177238915-682003330-1107", "process.executable": `C:\Windows\System32\netsh.exe`,
			"winlog.event_data.ApplicationPath": `C:\Program Files\Contoso\agent.exe`}},
		{"firewall 2071, a rule added", channelRecord(fw, fwChan, 2071, "S-1-5-19", rule), map[string]any{
			"event.action": "added-firewall-rule", "user.id": "S-1-5-21-1004336348-1177238915-682003330-1107"}},
		{"firewall 2073, a rule modified", channelRecord(fw, fwChan, 2073, "S-1-5-19", rule), map[string]any{
			"event.action": "modified-firewall-rule", "event.type": []any{"change"}, "rule.name": "Contoso Agent (TCP-In)"}},
		{"firewall 2052, a rule deleted", channelRecord(fw, fwChan, 2052, "S-1-5-19",
			`<Data Name='RuleId'>{6c1d5a0e-2b7f-4e33-9a10-5d2c7be0a4f1}</Data><Data Name='RuleName'>Contoso Agent (TCP-In)</Data>`+
				`<Data Name='ModifyingUser'>S-1-5-18</Data><Data Name='ModifyingApplication'>C:\Windows\System32\svchost.exe</Data>`),
			map[string]any{"event.action": "deleted-firewall-rule", "event.type": []any{"deletion"}, "user.id": "S-1-5-18",
				"rule.id": "{6c1d5a0e-2b7f-4e33-9a10-5d2c7be0a4f1}"}},
		{"firewall 2004, who added it", channelRecord(fw, fwChan, 2004, "S-1-5-19", rule), map[string]any{
			"user.id": "S-1-5-21-1004336348-1177238915-682003330-1107"}},
		{"task scheduler 142, a task disabled", channelRecord("Microsoft-Windows-TaskScheduler", "Microsoft-Windows-TaskScheduler/Operational", 142, "S-1-5-18",
			`<Data Name='TaskName'>\Contoso\Nightly Export</Data><Data Name='UserName'>CORP\erin</Data>`), map[string]any{
			"event.action": "disabled-scheduled-task", "event.category": []any{"configuration"}, "event.type": []any{"change"},
			"user.name": "erin", "user.domain": "CORP", "winlog.event_data.TaskName": `\Contoso\Nightly Export`}},
		{"task scheduler 129, a task's process", channelRecord("Microsoft-Windows-TaskScheduler", "Microsoft-Windows-TaskScheduler/Operational", 129, "S-1-5-18",
			`<Data Name='TaskName'>\Contoso\Nightly Export</Data><Data Name='Path'>C:\Program Files\Contoso\export.exe</Data><Data Name='ProcessID'>7712</Data>`+
				`<Data Name='Priority'>16384</Data>`), map[string]any{
			"event.action": "created-scheduled-task-process", "event.category": []any{"process"}, "event.type": []any{"start"},
			"process.executable": `C:\Program Files\Contoso\export.exe`, "process.pid": 7712}},
		{"task scheduler 203, an action that failed to start", channelRecord("Microsoft-Windows-TaskScheduler", "Microsoft-Windows-TaskScheduler/Operational", 203, "S-1-5-18",
			`<Data Name='TaskName'>\Contoso\Nightly Export</Data><Data Name='TaskInstanceId'>{2f1c0b7e-3d4a-4e9b-a6f0-18c2d7e9b501}</Data>`+
				`<Data Name='ActionName'>C:\Program Files\Contoso\export.exe</Data><Data Name='ResultCode'>2147942402</Data>`), map[string]any{
			"event.action": "scheduled-task-action-failed", "event.outcome": "failure", "process.executable": `C:\Program Files\Contoso\export.exe`}},
		{"task scheduler 203, a COM handler's action (a name, no program)", channelRecord("Microsoft-Windows-TaskScheduler", "Microsoft-Windows-TaskScheduler/Operational", 203, "S-1-5-18",
			`<Data Name='TaskName'>\Contoso\Sync</Data><Data Name='TaskInstanceId'>{2f1c0b7e-3d4a-4e9b-a6f0-18c2d7e9b502}</Data>`+
				`<Data Name='ActionName'>Contoso Sync Handler</Data><Data Name='ResultCode'>2147942402</Data>`), map[string]any{
			"event.action": "scheduled-task-action-failed", "process.executable": nil}},
		{"defender 1009, restored from quarantine", channelRecord("Microsoft-Windows-Windows Defender", "Microsoft-Windows-Windows Defender/Operational", 1009, "S-1-5-18",
			`<Data Name='Product Name'>Microsoft Defender Antivirus</Data><Data Name='Domain'>CORP</Data><Data Name='User'>erin</Data>`+
				`<Data Name='SID'>S-1-5-21-1004336348-1177238915-682003330-1107</Data><Data Name='Threat Name'>HackTool:Win32/Contoso.A</Data>`+
				`<Data Name='Threat ID'>2147700001</Data><Data Name='Path'>file:_C:\Tools\contoso-scan.exe</Data>`+
				`<Data Name='FWLink'>https://go.microsoft.com/fwlink/?linkid=37020&amp;name=HackTool:Win32/Contoso.A</Data>`), map[string]any{
			"event.action": "restored-quarantined-item", "event.category": []any{"malware"}, "threat.software.name": "HackTool:Win32/Contoso.A",
			"file.path": `C:\Tools\contoso-scan.exe`, "user.name": "erin", "user.domain": "CORP",
			"user.id":         "S-1-5-21-1004336348-1177238915-682003330-1107",
			"event.reference": "https://go.microsoft.com/fwlink/?linkid=37020&name=HackTool:Win32/Contoso.A"}},
		{"defender 1121, an attack surface reduction rule blocked", channelRecord("Microsoft-Windows-Windows Defender", "Microsoft-Windows-Windows Defender/Operational", 1121, "S-1-5-18",
			`<Data Name='Product Name'>%%827</Data><Data Name='Product Version'>4.18.24090.11</Data><Data Name='Unused'></Data>`+
				`<Data Name='ID'>D4F940AB-401B-4EFC-AADC-AD5F3C50688A</Data><Data Name='Detection Time'>2025-03-04T09:10:11.480Z</Data>`+
				`<Data Name='User'>CORP\erin</Data><Data Name='Path'>C:\Users\erin\AppData\Local\Temp\macro.exe</Data>`+
				`<Data Name='Process Name'>C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE</Data>`), map[string]any{
			"event.action": "asr-blocked", "event.category": []any{"intrusion_detection"}, "event.type": []any{"denied"},
			"event.outcome": "failure", "rule.id": "D4F940AB-401B-4EFC-AADC-AD5F3C50688A", "user.name": "erin", "user.domain": "CORP",
			"process.executable": `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`,
			"file.path":          `C:\Users\erin\AppData\Local\Temp\macro.exe`}},
		{"system 7040, start type changed by a user", channelRecord("Service Control Manager", "System", 7040, "S-1-5-21-1004336348-1177238915-682003330-1107",
			`<Data Name='param1'>Contoso Update Service</Data><Data Name='param2'>demand start</Data><Data Name='param3'>auto start</Data>`+
				`<Data Name='param4'>ContosoUpd</Data>`), map[string]any{
			"event.action": "changed-service-start-type", "service.name": "ContosoUpd", "winlog.event_data.param1": "Contoso Update Service",
			"user.id": "S-1-5-21-1004336348-1177238915-682003330-1107"}},
		{"bits 16403, a file added to a job", channelRecord("Microsoft-Windows-Bits-Client", "Microsoft-Windows-Bits-Client/Operational", 16403,
			"S-1-5-21-1004336348-1177238915-682003330-1107",
			`<Data Name='User'>CORP\erin</Data><Data Name='jobTitle'>nightly</Data><Data Name='jobId'>{0e6b1f52-9a3c-4d7e-8f21-6c5d4b3a2910}</Data>`+
				`<Data Name='jobOwner'>CORP\erin</Data><Data Name='fileCount'>1</Data><Data Name='RemoteName'>https://downloads.example.org/tools/setup.exe</Data>`+
				`<Data Name='LocalName'>C:\Users\erin\AppData\Local\Temp\setup.exe</Data><Data Name='processId'>6120</Data>`), map[string]any{
			"event.action": "added-bits-job-file", "url.full": "https://downloads.example.org/tools/setup.exe",
			"file.path": `C:\Users\erin\AppData\Local\Temp\setup.exe`, "user.name": "erin", "user.domain": "CORP", "process.pid": 6120}},
		{"code integrity 3076, an image audited", channelRecord("Microsoft-Windows-CodeIntegrity", "Microsoft-Windows-CodeIntegrity/Operational", 3076,
			"S-1-5-21-1004336348-1177238915-682003330-1107",
			`<Data Name='FileNameLength'>48</Data><Data Name='File Name'>\Device\HarddiskVolume3\Tools\contoso\helper.dll</Data>`+
				`<Data Name='ProcessNameLength'>47</Data><Data Name='Process Name'>\Device\HarddiskVolume3\Tools\contoso\agent.exe</Data>`+
				`<Data Name='Requested Signing Level'>12</Data><Data Name='Validated Signing Level'>1</Data><Data Name='Status'>0xc0e90002</Data>`+
				`<Data Name='SHA1 Hash'>0A1B2C3D4E5F60718293A4B5C6D7E8F901234567</Data>`+
				`<Data Name='SHA256 Hash'>1111111111111111111111111111111111111111111111111111111111111111</Data>`+
				`<Data Name='SHA1 Flat Hash'>89ABCDEF0123456789ABCDEF0123456789ABCDEF</Data>`+
				`<Data Name='SHA256 Flat Hash'>2222222222222222222222222222222222222222222222222222222222222222</Data>`+
				`<Data Name='PolicyName'>Contoso base policy</Data><Data Name='PolicyID'>Contoso-2025-01</Data>`+
				`<Data Name='OriginalFileName'>helper.dll</Data><Data Name='FileVersion'>2.4.1.0</Data>`), map[string]any{
			"event.action": "code-integrity-audited", "event.category": []any{"process"}, "event.outcome": "success",
			"file.path": `\Device\HarddiskVolume3\Tools\contoso\helper.dll`, "process.executable": `\Device\HarddiskVolume3\Tools\contoso\agent.exe`,
			"file.hash.sha256": "2222222222222222222222222222222222222222222222222222222222222222",
			"file.hash.sha1":   "89ABCDEF0123456789ABCDEF0123456789ABCDEF", "rule.ruleset": "Contoso base policy",
			"file.pe.original_file_name": "helper.dll", "file.pe.file_version": "2.4.1.0",
			"winlog.event_data.SHA256 Hash": "1111111111111111111111111111111111111111111111111111111111111111"}},
		{"code integrity 3077, a driver refused (the System process: no path)", channelRecord("Microsoft-Windows-CodeIntegrity", "Microsoft-Windows-CodeIntegrity/Operational", 3077,
			"S-1-5-18",
			`<Data Name='FileNameLength'>44</Data><Data Name='File Name'>\Device\HarddiskVolume3\Windows\System32\drivers\contoso.sys</Data>`+
				`<Data Name='ProcessNameLength'>6</Data><Data Name='Process Name'>System</Data><Data Name='PolicyName'>Contoso base policy</Data>`), map[string]any{
			"event.action": "code-integrity-blocked", "event.outcome": "failure",
			"file.path": `\Device\HarddiskVolume3\Windows\System32\drivers\contoso.sys`, "process.executable": nil}},
	} {
		checkFields(t, c.name, decodeRoad(t, c.line, true), c.want)
	}
	// WMI-Activity writes its data as UserData.
	wmi := func(id int, level, op, data string) string {
		return fmt.Sprintf(`<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-WMI-Activity'/>`+
			`<EventID>%d</EventID><Level>%s</Level><TimeCreated SystemTime='2025-03-04T09:10:11.5201234Z'/><EventRecordID>77</EventRecordID>`+
			`<Execution ProcessID='3076' ThreadID='4384'/><Channel>Microsoft-Windows-WMI-Activity/Operational</Channel><Computer>ws12</Computer>`+
			`<Security UserID='S-1-5-18'/></System><UserData><%s xmlns='http://manifests.microsoft.com/win/2006/windows/WMI'>%s</%s></UserData></Event>`,
			id, level, op, data, op)
	}
	for _, c := range []struct {
		name, line string
		want       map[string]any
	}{
		{"wmi 5858, an operation failed", wmi(5858, "2", "Operation_ClientFailure",
			`<Id>{00000000-0000-0000-0000-000000000000}</Id><ClientMachine>WS12</ClientMachine><User>CORP\erin</User>`+
				`<ClientProcessId>7304</ClientProcessId><Component>Unknown</Component><Operation>Start IWbemServices::ExecQuery - root\cimv2 : SELECT * FROM Win32_Service</Operation>`+
				`<ResultCode>0x80041010</ResultCode><PossibleCause>Unknown</PossibleCause>`), map[string]any{
			"event.action": "wmi-operation-failed", "event.outcome": "failure", "user.name": "erin", "user.domain": "CORP", "process.pid": 7304}},
		{"wmi 5859, a permanent filter started", wmi(5859, "0", "Operation_EssStarted",
			`<NamespaceName>//./root/CIMV2</NamespaceName><Query>select * from __InstanceCreationEvent within 5 where TargetInstance isa 'Win32_Process'</Query>`+
				`<User>S-1-5-32-544</User><Processid>3076</Processid><Provider>WMI Kernel Trace Event Provider</Provider><queryid>0</queryid><PossibleCause>Permanent</PossibleCause>`),
			map[string]any{"event.action": "started-wmi-event-filter", "event.category": []any{"configuration"}, "process.pid": 3076, "user.name": nil}},
		{"wmi 5860, a temporary consumer registered", wmi(5860, "0", "Operation_TemporaryEssStarted",
			`<NamespaceName>//./root/CIMV2</NamespaceName><Query>SELECT * FROM Win32_ProcessStartTrace</Query><User>CORP\erin</User>`+
				`<Processid>5532</Processid><PossibleCause>Temporary</PossibleCause>`), map[string]any{
			"event.action": "registered-wmi-temporary-consumer", "user.name": "erin", "process.pid": 5532}},
	} {
		checkFields(t, c.name, decodeRoad(t, c.line, true), c.want)
	}
}

// TestSecurityElasticClassified: the Security ids whose classification
// Elastic's windows integration gives (security.txt) take its category,
// type and action, so that its searches and detection rules match.
func TestSecurityElasticClassified(t *testing.T) {
	const sec, auditing = "Security", "Microsoft-Windows-Security-Auditing"
	subject := `<Data Name='SubjectUserSid'>S-1-5-21-1004336348-1177238915-682003330-1107</Data><Data Name='SubjectUserName'>erin</Data>` +
		`<Data Name='SubjectDomainName'>CORP</Data><Data Name='SubjectLogonId'>0x5e2887</Data>`
	ds := subject + `<Data Name='DSName'>corp.example</Data><Data Name='DSType'>%%14676</Data>` +
		`<Data Name='ObjectDN'>CN=Contoso Admins,OU=Groups,DC=corp,DC=example</Data><Data Name='ObjectClass'>group</Data>` +
		`<Data Name='AttributeLDAPDisplayName'>description</Data><Data Name='OperationType'>%%14674</Data>`
	wfp := `<Data Name='ProcessID'>3312</Data><Data Name='Application'>\device\harddiskvolume3\program files\contoso\agent.exe</Data>` +
		`<Data Name='Direction'>%%14593</Data><Data Name='SourceAddress'>192.0.2.15</Data><Data Name='SourcePort'>50321</Data>` +
		`<Data Name='DestAddress'>198.51.100.7</Data><Data Name='DestPort'>443</Data><Data Name='Protocol'>6</Data>`
	for _, c := range []struct {
		name string
		id   int
		data string
		want map[string]any
	}{
		{"5136, a directory object modified", 5136, ds, map[string]any{"event.action": "directory-service-object-modified",
			"event.category": []any{"iam", "configuration"}, "event.type": []any{"admin", "change"}, "user.name": "erin"}},
		{"5137, created", 5137, ds, map[string]any{"event.action": "directory-service-object-created", "event.type": []any{"admin", "creation"}}},
		{"5141, deleted", 5141, ds, map[string]any{"event.action": "directory-service-object-deleted", "event.type": []any{"admin", "deletion"}}},
		{"5156, a connection permitted", 5156, wfp, map[string]any{"event.action": "windows-firewall-connection",
			"event.category": []any{"network"}, "event.type": []any{"connection", "info", "allowed"}, "destination.port": 443}},
		{"5157, a connection blocked", 5157, wfp, map[string]any{"event.action": "windows-firewall-packet-block",
			"event.type": []any{"connection", "info", "denied"}, "event.outcome": "failure"}},
	} {
		checkFields(t, c.name, decodeRoad(t, channelRecord(auditing, sec, c.id, "", c.data), true), c.want)
	}
}

// TestWinlogbeatTimeCreated: a Winlogbeat document without @timestamp (a
// pipeline dropped it) is dated by its record's winlog.time_created, not
// by when nomen received it.
func TestWinlogbeatTimeCreated(t *testing.T) {
	line := `{"host":{"name":"dc01.corp.example"},"winlog":{"channel":"Security","computer_name":"dc01.corp.example",` +
		`"event_id":"5136","provider_name":"Microsoft-Windows-Security-Auditing","record_id":410204,"keywords":["Audit Success"],` +
		`"event_data":{"SubjectUserSid":"S-1-5-21-1004336348-1177238915-682003330-1107","SubjectUserName":"erin",` +
		`"SubjectDomainName":"CORP","SubjectLogonId":"0x32004"},"time_created":"2025-03-04T09:10:11.5201234Z"}}`
	checkFields(t, "Winlogbeat, no @timestamp", decodeRoad(t, line, false), map[string]any{
		"@timestamp": "2025-03-04T09:10:11.520123400Z", "event.code": "5136", "user.name": "erin"})
}

// TestContextInfoLocalizedAndMultiline: 4103's ContextInfo as a French
// Windows writes it, and a host application whose command line holds a
// line break (its script goes on in a line of its own, not indented).
func TestContextInfoLocalizedAndMultiline(t *testing.T) {
	const ps, psChan = "Microsoft-Windows-PowerShell", "Microsoft-Windows-PowerShell/Operational"
	fr := "<Data Name='ContextInfo'>        Gravité = Informational\n        Nom d’hôte = ConsoleHost\n" +
		"        Version de l’hôte = 5.1.19041.4522\n        ID d’hôte = 0b6f2c1e-7d3a-4c55-9e10-2a4b8c6d1f03\n" +
		"        Application hôte = C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile\n" +
		"        Version du moteur = 5.1.19041.4522\n        ID d’instance d’exécution = 3c1d9e2f-5a7b-4e08-b6c4-9f0a1e2d3c4b\n" +
		"        ID de pipeline = 7\n        Nom de commande = Get-Process\n        Type de commande = Cmdlet\n" +
		"        Nom du script = \n        Numéro de séquence = 21\n        Utilisateur = CONTOSO\\camille\n" +
		"        Utilisateur connecté = \n        ID d’interpréteur de commandes = Microsoft.PowerShell\n</Data>" +
		"<Data Name='UserData'></Data><Data Name='Payload'>CommandInvocation(Get-Process): « Get-Process »</Data>"
	checkFields(t, "4103 in French", decodeRoad(t, channelRecord(ps, psChan, 4103, "S-1-5-21-1004336348-1177238915-682003330-1110", fr), true),
		map[string]any{"user.name": "camille", "user.domain": "CONTOSO", "powershell.command.name": "Get-Process",
			"powershell.command.type": "Cmdlet", "powershell.pipeline_id": "7", "event.sequence": 21,
			"powershell.runspace_id": "3c1d9e2f-5a7b-4e08-b6c4-9f0a1e2d3c4b", "process.entity_id": "0b6f2c1e-7d3a-4c55-9e10-2a4b8c6d1f03",
			"process.executable": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "powershell.id": "Microsoft.PowerShell"})
	multi := "<Data Name='ContextInfo'>        Severity = Informational\n        Host Name = ConsoleHost\n" +
		"        Host Application = powershell.exe -Command &amp; {Get-Date\nWrite-Output done}\n" +
		"        Command Name = Get-Date\n        User = CONTOSO\\camille\n</Data><Data Name='UserData'></Data><Data Name='Payload'></Data>"
	checkFields(t, "4103, a command line of two lines", decodeRoad(t, channelRecord(ps, psChan, 4103, "S-1-5-21-1004336348-1177238915-682003330-1110", multi), true),
		map[string]any{"process.command_line": "powershell.exe -Command & {Get-Date\nWrite-Output done}",
			"powershell.command.name": "Get-Date", "user.name": "camille"})
}

// A host application's command line is the caller's text: lines in it
// written as the engine's keys ("        User = ...") do not take the
// user, the connected user (which would make it a remote session) or the
// host's name; the engine's own lines do.
func TestContextInfoForgedInCommandLine(t *testing.T) {
	const ps, psChan = "Microsoft-Windows-PowerShell", "Microsoft-Windows-PowerShell/Operational"
	forged := "<Data Name='ContextInfo'>        Severity = Informational\n        Host Name = ConsoleHost\n" +
		"        Host Application = powershell.exe -Command Get-Date\n        Host Name = ServerRemoteHost\n" +
		"        User = CONTOSO\\admin\n        Connected User = CONTOSO\\admin\n" +
		"        Engine Version = 5.1.19041.4522\n        Command Name = Get-Date\n        User = CONTOSO\\camille\n" +
		"        Connected User = \n        Shell ID = Microsoft.PowerShell\n</Data><Data Name='UserData'></Data><Data Name='Payload'></Data>"
	checkFields(t, "4103, keys forged in the command line", decodeRoad(t, channelRecord(ps, psChan, 4103, "S-1-5-21-1004336348-1177238915-682003330-1110", forged), true),
		map[string]any{"user.name": "camille", "user.domain": "CONTOSO", "source.user.name": nil, "destination.user.name": nil,
			"process.title": "ConsoleHost", "powershell.command.name": "Get-Date", "related.user": []any{"camille"}})
}

// The classic log's details end with the CommandLine, the caller's text:
// key lines in it do not replace the engine's, written before it.
func TestContextInfoForgedInClassicCommandLine(t *testing.T) {
	e := event.New(time.Time{})
	var rel ecs.Related
	setContextInfo(e, &rel, "\tHostName=ConsoleHost\r\n\tHostApplication=powershell.exe -File C:\\ops\\sync.ps1\r\n"+
		"\tPipelineId=3\r\n\tScriptName=C:\\ops\\sync.ps1\r\n\tCommandLine=Write-Output x\r\n"+
		"\tScriptName=C:\\Users\\Public\\evil.ps1\r\n\tPipelineId=99\r\n\tUserId=CORP\\admin\r\n")
	rel.Flush(e, 0)
	for k, want := range map[string]string{"file.path": `C:\ops\sync.ps1`, "powershell.pipeline_id": "3",
		"powershell.command.value": "Write-Output x", "user.name": ""} {
		if got := e.Str(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestContextInfoLine(t *testing.T) {
	for _, c := range [][2]string{
		{"", ""}, {"a = 1", "a = 1"}, {"a = 1\n", "a = 1"}, {"a = 1\n  b = 2", "a = 1"},
		{"a = x\ny\n  b = 2", "a = x\ny"}, {"a = x\ny", "a = x\ny"}, {"a = x\ny\n", "a = x\ny"},
		{"a = x\nUser=2", "a = x"}, {"a = x\nNom de commande = y", "a = x"},
		{"a = {\n$b = 2\n}\n  c = 3", "a = {\n$b = 2\n}"}, {"a = x\r\n\tb = 2", "a = x\r"},
	} {
		if got := contextInfoLine(c[0]); got != c[1] {
			t.Errorf("contextInfoLine(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}
