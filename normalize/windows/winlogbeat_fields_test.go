package windows

import (
	"fmt"
	"reflect"
	"testing"
)

// The fields Winlogbeat's security and sysmon modules give these events
// (their documented mappings; the samples are written here), which users
// moving from Winlogbeat search on.

func wlbRecord(id, channel, provider, data string) string {
	return `{"@timestamp":"2026-06-30T08:00:00.000Z","winlog":{"event_id":"` + id + `","channel":"` + channel +
		`","provider_name":"` + provider + `","computer_name":"DC-2.corp.example.org","record_id":7,` +
		`"keywords":["Audit Success"],"event_data":{` + data + `}}}`
}

func secRecord(id, data string) string {
	return wlbRecord(id, "Security", "Microsoft-Windows-Security-Auditing", data)
}

func sysmonRecord(id, data string) string {
	return wlbRecord(id, "Microsoft-Windows-Sysmon/Operational", "Microsoft-Windows-Sysmon", data)
}

func TestWinlogbeatFields(t *testing.T) {
	for _, c := range []struct {
		name, line string
		want       map[string]any
	}{{
		"4625 failure status and sub-status described",
		secRecord("4625", `"TargetUserName":"eve","TargetDomainName":"CORP","Status":"0xc000006d",`+
			`"SubStatus":"0xc0000064","FailureReason":"%%2313","LogonType":"3","IpAddress":"192.0.2.9","IpPort":"51234"`),
		map[string]any{
			"winlog.logon.failure.status":     "This is either due to a bad username or authentication information",
			"winlog.logon.failure.sub_status": "User logon with misspelled or bad user account",
			"winlog.logon.failure.reason":     "Unknown user name or bad password.",
			"event.action":                    "logon-failed", "winlog.logon.type": "Network", "event.module": "security",
		},
	}, {
		"4670 security descriptors read out",
		secRecord("4670", `"SubjectUserSid":"S-1-5-18","ObjectType":"Token","OldSd":"D:(A;;GA;;;SY)","NewSd":"O:BAD:(A;;GA;;;SY)(A;;RC;;;OW)"`),
		map[string]any{"winlog.event_data.OldSdDacl0": "Local system :Access Allowed (Generic All)",
			"winlog.event_data.NewSdOwner": "Built-in administrators", "winlog.event_data.NewSd": "O:BAD:(A;;GA;;;SY)(A;;RC;;;OW)",
			"winlog.event_data.NewSdDacl1": "Owner rights :Access Allowed (Read Permissions)"},
	}, {
		"4776 failed validation described",
		secRecord("4776", `"PackageName":"MICROSOFT_AUTHENTICATION_PACKAGE_V1_0","TargetUserName":"eve","Workstation":"WKS-3","Status":"0xc0000234"`),
		map[string]any{"winlog.logon.failure.status": "User logon with account locked", "event.outcome": "failure"},
	}, {
		"4634 is an authentication end",
		secRecord("4634", `"TargetUserSid":"S-1-5-21-1-2-3-1104","TargetUserName":"jdoe","TargetDomainName":"CORP","TargetLogonId":"0x8a5f21c","LogonType":"10"`),
		map[string]any{"event.category": []any{"authentication"}, "event.type": []any{"end"}, "event.action": "logged-out",
			"winlog.logon.id": "0x8a5f21c", "user.name": "jdoe"},
	}, {
		"4768 for an unknown principal: the NULL SID is no account",
		secRecord("4768", `"TargetUserName":"ghost","TargetDomainName":"CORP.EXAMPLE.ORG","TargetSid":"S-1-0-0","ServiceName":"krbtgt/CORP.EXAMPLE.ORG",`+
			`"ServiceSid":"S-1-0-0","Status":"0x6","IpAddress":"::ffff:192.0.2.77","IpPort":"50101"`),
		map[string]any{"user.name": "ghost", "user.id": nil, "service.id": nil, "service.name": "krbtgt/CORP.EXAMPLE.ORG", "source.ip": "192.0.2.77"},
	}, {
		"4717 a well-known SID names the target, not related.user",
		secRecord("4717", `"SubjectUserSid":"S-1-5-18","SubjectUserName":"WKS-3$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",`+
			`"TargetSid":"S-1-5-32-555","AccessGranted":"SeRemoteInteractiveLogonRight"`),
		map[string]any{"user.target.id": "S-1-5-32-555", "user.target.name": "Remote Desktop Users", "related.user": []any{"WKS-3$"}},
	}, {
		"4798 the caller process",
		secRecord("4798", `"TargetUserName":"Guest","TargetDomainName":"WKS-3","TargetSid":"S-1-5-21-1-2-3-501","SubjectUserSid":"S-1-5-21-1-2-3-1104",`+
			`"SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x8a5f21c","CallerProcessId":"0x2b10","CallerProcessName":"C:\\Windows\\System32\\net1.exe"`),
		map[string]any{"process.pid": 11024, "process.executable": `C:\Windows\System32\net1.exe`, "user.target.name": "Guest"},
	}, {
		"4799 the caller process",
		secRecord("4799", `"TargetUserName":"Administrators","TargetDomainName":"Builtin","TargetSid":"S-1-5-32-544","SubjectUserSid":"S-1-5-21-1-2-3-1104",`+
			`"SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x8a5f21c","CallerProcessId":"0x1f40","CallerProcessName":"C:\\Windows\\System32\\net1.exe"`),
		map[string]any{"process.pid": 8000, "process.executable": `C:\Windows\System32\net1.exe`, "group.name": "Administrators"},
	}, {
		"4769 principal's user",
		secRecord("4769", `"TargetUserName":"jdoe@CORP.EXAMPLE.ORG","TargetDomainName":"CORP.EXAMPLE.ORG","ServiceName":"WKS-9$",`+
			`"IpAddress":"::ffff:192.0.2.9","IpPort":"50811","Status":"0x0","TicketOptions":"0x40810000","TicketEncryptionType":"0x12"`),
		map[string]any{"user.name": "jdoe", "user.domain": "CORP.EXAMPLE.ORG", "source.ip": "192.0.2.9", "service.name": "WKS-9$",
			"related.user": []any{"jdoe"}, "event.action": "kerberos-service-ticket-requested",
			"winlog.event_data.TicketOptionsDescription":        []any{"Name-canonicalize", "Renewable", "Forwardable"},
			"winlog.event_data.TicketEncryptionTypeDescription": "AES256-CTS-HMAC-SHA1-96",
			"winlog.event_data.StatusDescription":               "KDC_ERR_NONE"},
	}, {
		"4771 failed pre-authentication described",
		secRecord("4771", `"TargetUserName":"eve","TargetSid":"S-1-5-21-1-2-3-1107","ServiceName":"krbtgt/CORP.EXAMPLE.ORG",`+
			`"TicketOptions":"0x40800010","Status":"0x18","PreAuthType":"2","IpAddress":"::ffff:192.0.2.9","IpPort":"50812"`),
		map[string]any{"winlog.event_data.StatusDescription": "KDC_ERR_PREAUTH_FAILED",
			"winlog.event_data.TicketOptionsDescription": []any{"Renewable-ok", "Renewable", "Forwardable"},
			"event.outcome": "failure", "user.name": "eve"},
	}, {
		"4768 failed request: no ticket, encryption type FAIL",
		secRecord("4768", `"TargetUserName":"ghost","TargetDomainName":"CORP","ServiceName":"krbtgt/CORP","TicketOptions":"0x40810010",`+
			`"Status":"0x6","TicketEncryptionType":"0xFFFFFFFF","PreAuthType":"-","IpAddress":"::ffff:192.0.2.9","IpPort":"50813"`),
		map[string]any{"winlog.event_data.StatusDescription": "KDC_ERR_C_PRINCIPAL_UNKNOWN",
			"winlog.event_data.TicketEncryptionTypeDescription": "FAIL"},
	}, {
		"5379 Credential Manager read, classified as Winlogbeat's security module",
		secRecord("5379", `"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5a1f3",`+
			`"TargetName":"Domain:target=fs1.corp.example.org","Type":"2","CountOfCredentialsReturned":"1","ReadOperation":"%%8100",`+
			`"ReturnCode":"0","ProcessCreationTime":"2026-06-30T07:58:12.0000000Z","ClientProcessId":"5120"`),
		map[string]any{"event.action": "credential-manager-credentials-were-read", "event.category": []any{"iam"},
			"event.type": []any{"user", "info"}, "user.name": "jdoe", "user.id": "S-1-5-21-1-2-3-1104", "winlog.logon.id": "0x5a1f3"},
	}, {
		"4738 account-control flags by their SAM names, as Winlogbeat lists them",
		secRecord("4738", `"TargetUserName":"jdoe","TargetDomainName":"CORP","TargetSid":"S-1-5-21-1-2-3-1104","OldUacValue":"0x10",`+
			`"NewUacValue":"0x210","UserAccountControl":"\r\n\t\t%%2089","SubjectUserSid":"S-1-5-21-1-2-3-500",`+
			`"SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7"`),
		map[string]any{"winlog.event_data.NewUACList": []any{"USER_NORMAL_ACCOUNT", "USER_DONT_EXPIRE_PASSWORD"},
			"winlog.event_data.OldUACList": []any{"USER_NORMAL_ACCOUNT"}, "user.target.name": "jdoe",
			"winlog.event_data.UserAccountControl": []any{"2089"}},
	}, {
		"4741 the changed flags' message codes as a list, as Winlogbeat gives them",
		secRecord("4741", `"TargetUserName":"WKS-12$","TargetDomainName":"CORP","TargetSid":"S-1-5-21-1-2-3-1311","OldUacValue":"0x0",`+
			`"NewUacValue":"0x80","UserAccountControl":"\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2087","SubjectUserSid":"S-1-5-21-1-2-3-500",`+
			`"SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7"`),
		map[string]any{"winlog.event_data.UserAccountControl": []any{"2080", "2082", "2087"},
			"winlog.event_data.NewUACList": []any{"USER_WORKSTATION_TRUST_ACCOUNT"}},
	}, {
		"4738 a UserAccountControl already in words stays as it came",
		secRecord("4738", `"TargetUserName":"jdoe","TargetDomainName":"CORP","TargetSid":"S-1-5-21-1-2-3-1104","OldUacValue":"0x10",`+
			`"NewUacValue":"0x210","UserAccountControl":"\n\t\t'Don't Expire Password' - Enabled"`),
		map[string]any{"winlog.event_data.UserAccountControl": "\n\t\t'Don't Expire Password' - Enabled"},
	}, {
		"4702 the new definition's actions; no RegistrationInfo: the task's path is its TaskName",
		secRecord("4702", `"SubjectUserSid":"S-1-5-18","SubjectUserName":"WKS-7$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",`+
			`"TaskName":"\\Contoso\\Nightly Backup","TaskContentNew":"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n`+
			`<Task version=\"1.6\"><Actions Context=\"LocalSystem\"><Exec><Command>%ProgramFiles%\\Contoso\\backup.exe</Command>`+
			`<Arguments>--full &amp; --verify</Arguments></Exec></Actions></Task>"`),
		map[string]any{"winlog.scheduled_task.uri": `\Contoso\Nightly Backup`, "winlog.scheduled_task.name": `\Contoso\Nightly Backup`,
			"winlog.scheduled_task.actions": []any{map[string]any{"type": "exec", "context": "LocalSystem",
				"command": `%ProgramFiles%\Contoso\backup.exe`, "arguments": "--full & --verify",
				"definition": `v=1|type=exec|context=LocalSystem|command=%25ProgramFiles%25\Contoso\backup.exe|arguments=--full & --verify|working_directory=|class_id=`}}},
	}, {
		"4698 RegistrationInfo's URI; an Exec and a COM handler, each with the actions' context",
		secRecord("4698", `"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5a1f3",`+
			`"TaskName":"\\Updater","TaskContent":"<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<Task version=\"1.2\" `+
			`xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\r\n  <RegistrationInfo>\r\n    <Author>CORP\\jdoe</Author>\r\n`+
			`    <URI>\\Updater</URI>\r\n  </RegistrationInfo>\r\n  <Actions Context=\"Author\">\r\n    <ComHandler>\r\n`+
			`      <ClassId>{0f87369f-a4e5-4cfc-bd3e-73e6154572dd}</ClassId>\r\n    </ComHandler>\r\n    <Exec>\r\n`+
			`      <Command>C:\\Users\\jdoe\\AppData\\Local\\upd.exe</Command>\r\n      <WorkingDirectory>C:\\Users\\jdoe</WorkingDirectory>\r\n`+
			`    </Exec>\r\n  </Actions>\r\n</Task>"`),
		map[string]any{"winlog.scheduled_task.uri": `\Updater`, "winlog.scheduled_task.actions": []any{
			map[string]any{"type": "exec", "context": "Author", "command": `C:\Users\jdoe\AppData\Local\upd.exe`,
				"working_directory": `C:\Users\jdoe`,
				"definition":        `v=1|type=exec|context=Author|command=C:\Users\jdoe\AppData\Local\upd.exe|arguments=|working_directory=C:\Users\jdoe|class_id=`},
			map[string]any{"type": "com_handler", "context": "Author", "class_id": "{0f87369f-a4e5-4cfc-bd3e-73e6154572dd}",
				"definition": "v=1|type=com_handler|context=Author|command=|arguments=|working_directory=|class_id={0f87369f-a4e5-4cfc-bd3e-73e6154572dd}"}}},
	}, {
		"4698 a definition cut short: no task fields, the XML kept as it came",
		secRecord("4698", `"SubjectUserSid":"S-1-5-18","SubjectUserName":"WKS-7$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",`+
			`"TaskName":"\\Cut","TaskContent":"<Task><Actions><Exec><Command>a.exe</Command></Ex"`),
		map[string]any{"winlog.scheduled_task.uri": nil, "winlog.scheduled_task.actions": nil,
			"winlog.event_data.TaskContent": "<Task><Actions><Exec><Command>a.exe</Command></Ex", "winlog.scheduled_task.name": `\Cut`},
	}, {
		"4695 DataDescription (the protected data's description) as it came",
		secRecord("4695", `"SubjectUserSid":"S-1-5-18","SubjectUserName":"WKS-7$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",`+
			`"MasterKeyId":"6c1f0e2a-0000-4000-8000-00000000002b","DataDescription":"Private Key","ProtectedDataFlags":"0x0",`+
			`"CryptoAlgorithms":"AES-256, SHA512","FailureReason":"0x0"`),
		map[string]any{"winlog.event_data.DataDescription": "Private Key", "user.id": "S-1-5-18",
			"event.action": "auditable-data-unprotection-attempted"},
	}, {
		"4706 trust by Winlogbeat's names; several attribute flags name none",
		secRecord("4706", `"DomainName":"partner.example.net","DomainSid":"S-1-5-21-9-8-7","TdoType":"2","TdoDirection":"1",`+
			`"TdoAttributes":"72","SidFilteringEnabled":"%%1796","SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin",`+
			`"SubjectDomainName":"CORP","SubjectLogonId":"0x3e7"`),
		map[string]any{"winlog.trustType": "TRUST_TYPE_UPLEVEL", "winlog.trustDirection": "TRUST_DIRECTION_INBOUND",
			"winlog.trustAttribute": nil, "event.action": "domain-trust-added"},
	}, {
		"4716 a trust's single attribute flag named",
		secRecord("4716", `"DomainName":"partner.example.net","DomainSid":"S-1-5-21-9-8-7","TdoType":"3","TdoDirection":"3",`+
			`"TdoAttributes":"8","SidFilteringEnabled":"-","SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin",`+
			`"SubjectDomainName":"CORP","SubjectLogonId":"0x3e7"`),
		map[string]any{"winlog.trustType": "TRUST_TYPE_MIT", "winlog.trustDirection": "TRUST_DIRECTION_BIDIRECTIONAL",
			"winlog.trustAttribute": "TRUST_ATTRIBUTE_FOREST_TRANSITIVE"},
	}, {
		"4672 privileges as a list, as Winlogbeat splits them",
		secRecord("4672", `"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5a1f3",`+
			`"PrivilegeList":"SeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeDebugPrivilege"`),
		map[string]any{"winlog.event_data.PrivilegeList": []any{"SeBackupPrivilege", "SeRestorePrivilege", "SeDebugPrivilege"},
			"event.action": "logged-in-special", "user.name": "jdoe"},
	}, {
		"4674 a single privilege is a list of one",
		secRecord("4674", `"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5a1f3",`+
			`"ObjectServer":"Security","ObjectType":"Key","ObjectName":"\\REGISTRY\\MACHINE\\SYSTEM","HandleId":"0x2c4",`+
			`"AccessMask":"%%1538","PrivilegeList":"SeSecurityPrivilege","ProcessId":"0x2a8","ProcessName":"C:\\Windows\\regedit.exe"`),
		map[string]any{"winlog.event_data.PrivilegeList": []any{"SeSecurityPrivilege"}},
	}, {
		"4720 no privileges: \"-\" as it came",
		secRecord("4720", `"TargetUserName":"jsmith","TargetDomainName":"CORP","TargetSid":"S-1-5-21-1-2-3-1201","PrivilegeList":"-",`+
			`"SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7"`),
		map[string]any{"winlog.event_data.PrivilegeList": "-"},
	}, {
		"AppLocker 8004 blocked: the file by its full path, the process and user it was for",
		`{"@timestamp":"2026-06-30T08:00:00.000Z","winlog":{"event_id":"8004","channel":"Microsoft-Windows-AppLocker/EXE and DLL",` +
			`"provider_name":"Microsoft-Windows-AppLocker","computer_name":"WKS-7.corp.example.org","record_id":88,` +
			`"user_data":{"PolicyName":"EXE","RuleId":"{5e1c0a2b-0000-4000-8000-00000000000d}","RuleName":"Deny Downloads",` +
			`"TargetUser":"S-1-5-21-1-2-3-1104","TargetProcessId":7312,"FilePath":"%OSDRIVE%\\USERS\\JDOE\\DOWNLOADS\\TOOL.EXE",` +
			`"FileHash":"00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF",` +
			`"FullFilePath":"C:\\Users\\jdoe\\Downloads\\tool.exe"}}}`,
		map[string]any{"event.category": []any{"process"}, "event.type": []any{"start"}, "event.outcome": "failure",
			"event.action": "applocker-blocked", "file.path": `C:\Users\jdoe\Downloads\tool.exe`, "file.name": "tool.exe",
			"user.id": "S-1-5-21-1-2-3-1104", "process.pid": 7312, "rule.name": "Deny Downloads",
			"file.hash.sha256": nil, "rule.id": nil},
	}, {
		"AppLocker 8023: a packaged app's installation allowed",
		`{"@timestamp":"2026-06-30T08:00:00.000Z","winlog":{"event_id":"8023","channel":"Microsoft-Windows-AppLocker/Packaged app-Deployment",` +
			`"provider_name":"Microsoft-Windows-AppLocker","computer_name":"WKS-7.corp.example.org","record_id":89,` +
			`"user_data":{"PolicyName":"APPX","RuleName":"-","TargetUser":"S-1-5-21-1-2-3-1104","Package":"CONTOSO.NOTES"}}}`,
		map[string]any{"event.category": []any{"package"}, "event.type": []any{"installation"}, "event.outcome": "success",
			"rule.name": nil, "user.id": "S-1-5-21-1-2-3-1104"},
	}, {
		"Sysmon 24 clipboard content archived",
		sysmonRecord("24", `"ProcessGuid":"{a1b2c3d4-0001-0000-0000-000000000001}","ProcessId":"4412","Image":"C:\\Tools\\x.exe",`+
			`"Session":"2","ClientInfo":"user: CORP\\jdoe","Hashes":"SHA256=AB01","Archived":"true"`),
		map[string]any{"sysmon.file.archived": true, "file.hash.sha256": "ab01", "event.action": "changed-clipboard"},
	}, {
		"PowerShell 4103 over remoting: the connected user is the source, the session's user the destination",
		psRecord("4103", `"ContextInfo":"        Host Name = ServerRemoteHost\r\n        Host Application = C:\\Windows\\system32\\wsmprovhost.exe -Embedding\r\n`+
			`        User = WKS-9\\svc-ops\r\n        Connected User = CORP\\jdoe\r\n        Shell ID = Microsoft.PowerShell\r\n","Payload":""`),
		map[string]any{"source.user.name": "jdoe", "source.user.domain": "CORP", "destination.user.name": "svc-ops",
			"destination.user.domain": "WKS-9", "user.name": "svc-ops", "related.user": []any{"svc-ops", "jdoe"}},
	}, {
		"4797 blank-password query: who asked, for which account",
		secRecord("4797", `"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5a1f3",`+
			`"TargetUserName":"Guest","TargetDomainName":"WKS-7","Workstation":"WKS-7"`),
		map[string]any{"event.action": "query-existence-of-blank-password", "event.type": []any{"user", "info"},
			"user.name": "jdoe", "user.target.name": "Guest", "related.user": []any{"jdoe", "Guest"}},
	}, {
		"4663 access list named as the message words it, an unknown code left out",
		secRecord("4663", `"SubjectUserSid":"S-1-5-21-1-2-3-1104","SubjectUserName":"jdoe","SubjectDomainName":"CORP","SubjectLogonId":"0x5a1f3",`+
			`"ObjectServer":"Security","ObjectType":"File","ObjectName":"C:\\Finance\\q3.xlsx","HandleId":"0x3c4",`+
			`"AccessList":"%%4417\r\n\t\t\t\t%%4418\r\n\t\t\t\t%%9999\r\n\t\t\t\t","AccessMask":"0x6",`+
			`"ProcessId":"0x1a2c","ProcessName":"C:\\Windows\\System32\\notepad.exe"`),
		map[string]any{"winlog.event_data.AccessListDescription": []any{"WriteData (or AddFile)",
			"AppendData (or AddSubdirectory or CreatePipeInstance)"}, "file.path": `C:\Finance\q3.xlsx`},
	}, {
		"4719 the audit policy's category, subcategory and changes named",
		secRecord("4719", `"SubjectUserSid":"S-1-5-18","SubjectUserName":"DC-2$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",`+
			`"CategoryId":"%%8274","SubcategoryId":"%%12808","SubcategoryGuid":"{0cce9224-69ae-11d9-bed3-505054503030}",`+
			`"AuditPolicyChanges":"%%8448, %%8451"`),
		map[string]any{"winlog.event_data.Category": "Object Access", "winlog.event_data.SubCategory": "File Share",
			"winlog.event_data.AuditPolicyChangesDescription": []any{"Success removed", "Failure added"},
			"event.action": "changed-audit-config"},
	}, {
		"4627 the new logon's account is the user, not the subject's NULL SID",
		secRecord("4627", `"SubjectUserSid":"S-1-0-0","SubjectUserName":"-","SubjectDomainName":"-","SubjectLogonId":"0x0",`+
			`"TargetUserSid":"S-1-5-21-1-2-3-1104","TargetUserName":"jdoe","TargetDomainName":"CORP","TargetLogonId":"0x8a5f21c",`+
			`"LogonType":"3","EventIdx":"1","EventCountTotal":"1","GroupMembership":"\r\n\t\t%{S-1-5-32-545}"`),
		map[string]any{"user.id": "S-1-5-21-1-2-3-1104", "user.name": "jdoe", "user.domain": "CORP",
			"winlog.logon.id": "0x8a5f21c", "winlog.logon.type": "Network", "event.action": "group-membership-info"},
	}, {
		"4675 filtered SIDs of a trust",
		secRecord("4675", `"TargetUserSid":"S-1-5-21-9-8-7-1107","TargetUserName":"eve","TargetDomainName":"PARTNER","TdoDirection":"1",`+
			`"TdoAttributes":"4","TdoType":"2","TdoSid":"S-1-5-21-9-8-7","SidList":"\r\n\t\t%{S-1-5-21-1-2-3-512}"`),
		map[string]any{"winlog.trustType": "TRUST_TYPE_UPLEVEL", "winlog.trustDirection": "TRUST_DIRECTION_INBOUND",
			"winlog.trustAttribute": "TRUST_ATTRIBUTE_QUARANTINED_DOMAIN", "user.target.name": "eve"},
	}, {
		"4908 special groups named where the SID is well known, as it is otherwise",
		secRecord("4908", `"SidList":"\r\n\t\t%{S-1-5-32-544}\r\n\t\t%{S-1-5-21-1-2-3-512}\r\n\t\t%{S-1-5-21-1-2-3-1377}"`),
		map[string]any{"winlog.event_data.SidListDesc": []any{"Administrators", "Domain Admins", "S-1-5-21-1-2-3-1377"},
			"event.action": "special-group-table-changed"},
	}, {
		"Defender 1000 scan started: process/info, not malware",
		wlbRecord("1000", "Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender",
			`"Product_Name":"Microsoft Defender Antivirus","Scan_ID":"{5c1d0e2f-0000-4000-8000-00000000000e}","Scan_Type":"Antimalware",`+
				`"Scan_Parameters":"Full Scan","Domain":"CORP","User":"jdoe","SID":"S-1-5-21-1-2-3-1104"`),
		map[string]any{"event.category": []any{"process"}, "event.type": []any{"info"}, "event.action": "started-malware-scan",
			"user.name": "jdoe", "user.domain": "CORP", "user.id": "S-1-5-21-1-2-3-1104"},
	}, {
		"Defender 1117 quarantined: Elastic's malware-quarantined",
		wlbRecord("1117", "Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender",
			`"Threat_Name":"Trojan:Win32/Contoso.A","Path":"file:_C:\\Users\\jdoe\\Downloads\\setup.exe",`+
				`"Action_ID":"2","Action_Name":"Quarantine","Detection_User":"CORP\\jdoe"`),
		map[string]any{"event.action": "malware-quarantined", "event.category": []any{"malware"}, "threat.software.name": "Trojan:Win32/Contoso.A"},
	}, {
		"Defender 1117 removed: malware-detected, as Elastic names every other action",
		wlbRecord("1117", "Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender",
			`"Threat_Name":"Trojan:Win32/Contoso.A","Path":"file:_C:\\Users\\jdoe\\Downloads\\setup.exe",`+
				`"Action_ID":"3","Action_Name":"Remove","Detection_User":"CORP\\jdoe"`),
		map[string]any{"event.action": "malware-detected"},
	}, {
		"Defender 1117 by its own name (Action Name, as the event's XML has it)",
		`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Windows Defender"/>` +
			`<EventID>1117</EventID><TimeCreated SystemTime="2026-06-30T08:00:00.000Z"/><Channel>Microsoft-Windows-Windows Defender/Operational</Channel>` +
			`<Computer>WKS-7.corp.example.org</Computer></System><EventData><Data Name="Threat Name">Trojan:Win32/Contoso.A</Data>` +
			`<Data Name="Action Name">Quarantine</Data></EventData></Event>`,
		map[string]any{"event.action": "malware-quarantined"},
	}, {
		"Defender 1116 with no process: Unknown is no executable",
		wlbRecord("1116", "Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender",
			`"Threat_Name":"Virus:DOS/EICAR_Test_File","Path":"file:_C:\\Users\\jdoe\\Downloads\\eicar.com",`+
				`"Process_Name":"Unknown","Detection_User":"CORP\\jdoe"`),
		map[string]any{"process.executable": nil, "process.name": nil, "file.path": `C:\Users\jdoe\Downloads\eicar.com`},
	}, {
		"Defender 1116 with several resources: every one as evidence, the first file as file.path",
		wlbRecord("1116", "Microsoft-Windows-Windows Defender/Operational", "Microsoft-Windows-Windows Defender",
			`"Threat_Name":"Trojan:Win32/Contoso","Path":"containerfile:_C:\\Users\\jdoe\\a.zip; file:_C:\\Users\\jdoe\\a.zip->x.exe; process:_pid:4412"`),
		map[string]any{"file.path": `C:\Users\jdoe\a.zip`, "windows_defender.evidence_paths": []any{`C:\Users\jdoe\a.zip`,
			`C:\Users\jdoe\a.zip->x.exe`, "pid:4412"}},
	}, {
		"4700 the task's name as the system integration's winlog.scheduled_task.name",
		secRecord("4700", `"SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",`+
			`"TaskName":"\\Contoso\\Nightly Sync"`),
		map[string]any{"winlog.scheduled_task.name": `\Contoso\Nightly Sync`, "winlog.event_data.TaskName": `\Contoso\Nightly Sync`},
	}, {
		"AppLocker 8002 signer, product, original name and version from the FQBN; a quoted publisher",
		`{"@timestamp":"2026-06-30T08:00:00.000Z","winlog":{"event_id":"8002","channel":"Microsoft-Windows-AppLocker/EXE and DLL",` +
			`"provider_name":"Microsoft-Windows-AppLocker","computer_name":"WKS-7.corp.example.org","record_id":90,` +
			`"user_data":{"PolicyName":"EXE","TargetUser":"S-1-5-21-1-2-3-1104","FullFilePath":"C:\\Tools\\sync.exe",` +
			`"Fqbn":"CN=\"Contoso, Ltd.\", O=\"Contoso, Ltd.\", L=Redmond, S=Washington, C=US\\CONTOSO SYNC\\SYNC.EXE\\3.2.1.0"}}}`,
		map[string]any{"file.x509.subject.common_name": []any{"Contoso, Ltd."}, "file.x509.subject.organization": []any{"Contoso, Ltd."},
			"file.x509.subject.locality": []any{"Redmond"}, "file.x509.subject.country": []any{"US"},
			"file.pe.product": "CONTOSO SYNC", "file.pe.original_file_name": "SYNC.EXE", "file.pe.file_version": "3.2.1.0"},
	}, {
		"AppLocker 8005 a script's FQBN: no product nor name, only a version",
		`{"@timestamp":"2026-06-30T08:00:00.000Z","winlog":{"event_id":"8005","channel":"Microsoft-Windows-AppLocker/MSI and Script",` +
			`"provider_name":"Microsoft-Windows-AppLocker","computer_name":"WKS-7.corp.example.org","record_id":91,` +
			`"user_data":{"PolicyName":"SCRIPT","FullFilePath":"C:\\ops\\a.ps1","Fqbn":"O=CONTOSO, C=US\\\\\\0.0.0.0"}}}`,
		map[string]any{"file.pe.product": nil, "file.pe.original_file_name": nil, "file.pe.file_version": "0.0.0.0",
			"file.x509.subject.organization": []any{"CONTOSO"}},
	}, {
		"4781 old name is the target's, the new one its change",
		secRecord("4781", `"OldTargetUserName":"tmpuser","NewTargetUserName":"jsmith","TargetDomainName":"CORP","TargetSid":"S-1-5-21-1-2-3-1201",`+
			`"SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7"`),
		map[string]any{"user.target.name": "tmpuser", "user.changes.name": "jsmith", "user.name": "admin",
			"related.user": []any{"admin", "tmpuser", "jsmith"}},
	}, {
		"4964 the new logon's account",
		secRecord("4964", `"LogonGuid":"{00000000-0000-0000-0000-000000000000}","TargetUserName":"svc-backup","TargetDomainName":"CORP",`+
			`"TargetUserSid":"S-1-5-21-1-2-3-1300","TargetLogonId":"0x5a1b2c","SubjectUserSid":"S-1-5-18","SubjectUserName":"DC-2$",`+
			`"SubjectDomainName":"CORP","SubjectLogonId":"0x3e7","SidList":"%{S-1-5-21-1-2-3-512}"`),
		map[string]any{"user.name": "svc-backup", "user.id": "S-1-5-21-1-2-3-1300", "winlog.logon.id": "0x5a1b2c",
			"event.action": "logged-in-special"},
	}, {
		"Sysmon 22 names in related.hosts",
		sysmonRecord("22", `"ProcessGuid":"{a1b2c3d4-0001-0000-0000-000000000001}","ProcessId":"4412","QueryName":"www.example.com",`+
			`"QueryStatus":"0","QueryResults":"type:  5 edge.example.net;::ffff:192.0.2.7;","Image":"C:\\Tools\\x.exe"`),
		map[string]any{"dns.question.name": "www.example.com", "dns.resolved_ip": []any{"192.0.2.7"},
			"related.hosts": []any{"www.example.com", "edge.example.net"}, "related.ip": []any{"192.0.2.7"},
			"network.protocol": "dns", "sysmon.dns.status": "SUCCESS", "dns.question.registered_domain": "example.com",
			"dns.question.top_level_domain": "com", "dns.question.subdomain": "www",
			"dns.answers": []any{map[string]any{"data": "edge.example.net", "type": "CNAME"},
				map[string]any{"data": "192.0.2.7", "type": "A"}}},
	}, {
		"4768 from the domain controller itself: Client Port 0 (Microsoft's value for a local request) is kept",
		secRecord("4768", `"TargetUserName":"DC-2$","TargetDomainName":"CORP.EXAMPLE","ServiceName":"krbtgt","TicketOptions":"0x40810010",`+
			`"Status":"0x0","TicketEncryptionType":"0x12","PreAuthType":"2","IpAddress":"::1","IpPort":"0"`),
		map[string]any{"source.ip": "::1", "source.port": float64(0)},
	}, {
		"Sysmon 7 a signed image: its signature verified (valid) as Winlogbeat gives it, under dll.* and file.*",
		sysmonRecord("7", `"ProcessId":"5184","Image":"C:\\Windows\\System32\\dllhost.exe","ImageLoaded":"C:\\Windows\\System32\\IDStore.dll",`+
			`"OriginalFileName":"IdStore.dll","Signed":"true","Signature":"Microsoft Windows","SignatureStatus":"Valid"`),
		map[string]any{"dll.code_signature.valid": true, "file.code_signature.valid": true, "dll.code_signature.status": "Valid",
			"dll.pe.original_file_name": "IdStore.dll", "file.code_signature.subject_name": "Microsoft Windows"},
	}, {
		"Sysmon 7 a revoked signature is not valid; an unsigned image (status Unavailable) has no verdict",
		sysmonRecord("7", `"ProcessId":"5184","Image":"C:\\Tools\\a.exe","ImageLoaded":"C:\\Tools\\b.dll","Signed":"true",`+
			`"Signature":"Contoso Ltd","SignatureStatus":"Revoked"`),
		map[string]any{"dll.code_signature.valid": false, "file.code_signature.valid": false},
	}, {
		"Sysmon 6 an unsigned driver: no signature verdict",
		sysmonRecord("6", `"ImageLoaded":"C:\\Windows\\System32\\drivers\\x.sys","Signed":"false","Signature":"-","SignatureStatus":"Unavailable"`),
		map[string]any{"file.code_signature.valid": nil, "file.code_signature.status": "Unavailable"},
	}, {
		"Sysmon 22 IPv6 answer, unknown record type",
		sysmonRecord("22", `"ProcessId":"4412","QueryName":"v6.example.com","QueryStatus":"0",`+
			`"QueryResults":"type:  4242 odd.example.net;2001:db8::7;","Image":"C:\\Tools\\x.exe"`),
		map[string]any{"dns.resolved_ip": []any{"2001:db8::7"},
			"dns.answers": []any{map[string]any{"data": "odd.example.net"}, map[string]any{"data": "2001:db8::7", "type": "AAAA"}}},
	}, {
		"classic PowerShell 400: the engine started, its details",
		wlbRecord("400", "Windows PowerShell", "PowerShell", `"param1":"Available","param2":"None",`+
			`"param3":"\tNewEngineState=Available\r\n\tPreviousEngineState=None\r\n\r\n\tSequenceNumber=13\r\n\r\n`+
			`\tHostName=ConsoleHost\r\n\tHostVersion=5.1.19041.1\r\n\tHostId=5d8e1c2a-0000-4000-8000-00000000000a\r\n`+
			`\tHostApplication=powershell.exe -NoProfile -File C:\\ops\\sync.ps1\r\n\tEngineVersion=5.1.19041.1\r\n`+
			`\tRunspaceId=9a0b1c2d-0000-4000-8000-00000000000b\r\n\tPipelineId=\r\n\tCommandName=\r\n\tCommandType=\r\n`+
			`\tScriptName=\r\n\tCommandPath=\r\n\tCommandLine="`),
		map[string]any{"event.category": []any{"process"}, "event.type": []any{"start"}, "event.module": "powershell",
			"powershell.engine.new_state": "Available", "powershell.engine.previous_state": "None", "event.sequence": "13",
			"process.title": "ConsoleHost", "process.entity_id": "5d8e1c2a-0000-4000-8000-00000000000a",
			"process.command_line":                  `powershell.exe -NoProfile -File C:\ops\sync.ps1`,
			"process.args":                          []any{"powershell.exe", "-NoProfile", "-File", `C:\ops\sync.ps1`},
			"powershell.engine.version":             "5.1.19041.1",
			"powershell.process.executable_version": "5.1.19041.1",
			"powershell.runspace_id":                "9a0b1c2d-0000-4000-8000-00000000000b",
			"powershell.pipeline_id":                nil, "powershell.command.name": nil},
	}, {
		"PowerShell 4105/4106: a script block's start and end",
		psRecord("4106", `"ScriptBlockId":"1c2d3e4f-0000-4000-8000-00000000000c","RunspaceId":"9a0b1c2d-0000-4000-8000-00000000000b"`),
		map[string]any{"event.category": []any{"process"}, "event.type": []any{"end"}, "event.module": "powershell",
			"powershell.file.script_block_id": "1c2d3e4f-0000-4000-8000-00000000000c",
			"powershell.runspace_id":          "9a0b1c2d-0000-4000-8000-00000000000b"},
	}, {
		"classic PowerShell 600: a provider started",
		wlbRecord("600", "Windows PowerShell", "PowerShell", `"param1":"Registry","param2":"Started",`+
			`"param3":"\tProviderName=Registry\r\n\tNewProviderState=Started\r\n\r\n\tSequenceNumber=1\r\n\r\n\tHostName=ConsoleHost"`),
		map[string]any{"powershell.provider.name": "Registry", "powershell.provider.new_state": "Started",
			"event.type": []any{"info"}, "event.sequence": "1"},
	}, {
		"classic PowerShell 800: pipeline details, the user",
		wlbRecord("800", "Windows PowerShell", "PowerShell", `"param1":"Get-Date",`+
			`"param2":"\tDetailSequence=1\r\n\tDetailTotal=1\r\n\r\n\tSequenceNumber=42\r\n\r\n\tUserId=CORP\\bob\r\n`+
			`\tHostName=ConsoleHost\r\n\tPipelineId=3\r\n\tCommandName=Get-Date\r\n\tCommandType=Cmdlet\r\n\tCommandLine=Get-Date ",`+
			`"param3":"CommandInvocation(Get-Date): \"Get-Date\""`),
		map[string]any{"user.name": "bob", "user.domain": "CORP", "related.user": []any{"bob"},
			"powershell.sequence": "1", "powershell.total": "1", "event.sequence": "42", "powershell.pipeline_id": "3",
			"powershell.command.name": "Get-Date", "powershell.command.type": "Cmdlet", "powershell.command.value": "Get-Date",
			"powershell.command.invocation_details": []any{map[string]any{"type": "CommandInvocation",
				"related_command": "Get-Date", "value": `"Get-Date"`}}},
	}, {
		"4103 invocation details: a binding's name and value, a line of no known shape kept",
		psRecord("4103", `"ContextInfo":"        Host Name = ConsoleHost\r\n","Payload":"CommandInvocation(Set-Content): \"Set-Content\"\r\n`+
			`ParameterBinding(Set-Content): name=\"Path\"; value=\"C:\\ops\\a;b.txt\"\r\nsomething else\r\n"`),
		map[string]any{"powershell.command.invocation_details": []any{
			map[string]any{"type": "CommandInvocation", "related_command": "Set-Content", "value": `"Set-Content"`},
			map[string]any{"type": "ParameterBinding", "related_command": "Set-Content", "name": `"Path"`, "value": `"C:\ops\a;b.txt"`},
			map[string]any{"value": "something else"}}},
	}, {
		"Sysmon 23 archived, not executable",
		sysmonRecord("23", `"ProcessId":"4412","Image":"C:\\Tools\\x.exe","TargetFilename":"C:\\Users\\bob\\notes.txt",`+
			`"IsExecutable":"false","Archived":"true"`),
		map[string]any{"sysmon.file.archived": true, "sysmon.file.is_executable": false, "file.extension": "txt"},
	}, {
		"4697 service type named",
		secRecord("4697", `"SubjectUserSid":"S-1-5-18","SubjectUserName":"DC-2$","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7",`+
			`"ServiceName":"contososvc","ServiceFileName":"C:\\svc.exe","ServiceType":"0x10","ServiceStartType":"2","ServiceAccount":"LocalSystem"`),
		map[string]any{"service.name": "contososvc", "service.type": "Win32 Own Process", "event.action": "service-installed",
			"event.category": []any{"iam", "configuration"}, "event.type": []any{"admin", "change"}},
	}, {
		"4732 member from its directory name, and the group as the target's",
		secRecord("4732", `"MemberName":"CN=Bob Smith,OU=Staff,DC=corp,DC=example","MemberSid":"S-1-5-21-1-2-3-1107",`+
			`"TargetUserName":"Administrators","TargetDomainName":"Builtin","TargetSid":"S-1-5-32-544",`+
			`"SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7"`),
		map[string]any{"user.target.name": "Bob Smith", "group.name": "Administrators", "user.target.group.name": "Administrators",
			"user.target.group.id": "S-1-5-32-544", "user.target.group.domain": "Builtin", "user.name": "admin"},
	}, {
		"4742 computer object",
		secRecord("4742", `"TargetUserName":"WKS-9$","TargetDomainName":"CORP","TargetSid":"S-1-5-21-1-2-3-3101",`+
			`"SubjectUserSid":"S-1-5-21-1-2-3-500","SubjectUserName":"admin","SubjectDomainName":"CORP","SubjectLogonId":"0x3e7"`),
		map[string]any{"winlog.computerObject.name": "WKS-9$", "winlog.computerObject.domain": "CORP",
			"winlog.computerObject.id": "S-1-5-21-1-2-3-3101", "event.action": "changed-computer-account",
			"event.type": []any{"change", "admin"}},
	}, {
		"Sysmon 1 imphash is the PE's, a zero hash none",
		sysmonRecord("1", `"ProcessGuid":"{a1b2c3d4-0001-0000-0000-000000000001}","ProcessId":"4412","Image":"C:\\Tools\\x.exe",`+
			`"Hashes":"MD5=0123456789ABCDEF0123456789ABCDEF,IMPHASH=00000000000000000000000000000000"`),
		map[string]any{"process.hash.md5": "0123456789abcdef0123456789abcdef", "process.pe.imphash": nil, "process.hash.imphash": nil,
			"related.hash": []any{"0123456789abcdef0123456789abcdef"}},
	}, {
		"Sysmon 7 loaded image as file.*",
		sysmonRecord("7", `"ProcessGuid":"{a1b2c3d4-0001-0000-0000-000000000001}","ProcessId":"4412","Image":"C:\\Tools\\x.exe",`+
			`"ImageLoaded":"C:\\Windows\\System32\\wininet.dll","Hashes":"SHA256=AB01,IMPHASH=CD02","Signature":"Microsoft Windows",`+
			`"SignatureStatus":"Valid","OriginalFileName":"wininet.dll"`),
		map[string]any{"file.path": `C:\Windows\System32\wininet.dll`, "file.name": "wininet.dll", "file.hash.sha256": "ab01",
			"file.pe.imphash": "cd02", "related.hash": []any{"ab01", "cd02"}, "file.code_signature.subject_name": "Microsoft Windows",
			"file.code_signature.status": "Valid", "file.pe.original_file_name": "wininet.dll", "dll.path": `C:\Windows\System32\wininet.dll`},
	}, {
		"Sysmon 10 source process GUID and thread",
		sysmonRecord("10", `"SourceProcessGUID":"{a1b2c3d4-0001-0000-0000-000000000001}","SourceProcessId":"4412","SourceThreadId":"1212",`+
			`"SourceImage":"C:\\Tools\\x.exe","TargetProcessGUID":"{a1b2c3d4-0002-0000-0000-000000000002}","TargetProcessId":"712",`+
			`"TargetImage":"C:\\Windows\\System32\\lsass.exe","GrantedAccess":"0x1010"`),
		map[string]any{"process.entity_id": "{a1b2c3d4-0001-0000-0000-000000000001}", "process.thread.id": "1212", "process.pid": "4412"},
	}, {
		"Sysmon 13 DWORD data",
		sysmonRecord("13", `"EventType":"SetValue","ProcessGuid":"{a1b2c3d4-0001-0000-0000-000000000001}","ProcessId":"4412",`+
			`"Image":"C:\\Windows\\regedit.exe","TargetObject":"HKLM\\SOFTWARE\\Contoso\\Enabled","Details":"DWORD (0x0000002a)"`),
		map[string]any{"registry.data.strings": []any{"42"}, "registry.data.type": "REG_DWORD", "registry.value": "Enabled",
			"event.category": []any{"configuration", "registry"}},
	}, {
		"Sysmon 3 port name and types",
		sysmonRecord("3", `"ProcessGuid":"{a1b2c3d4-0001-0000-0000-000000000001}","ProcessId":"4412","Image":"C:\\Tools\\x.exe",`+
			`"Protocol":"tcp","Initiated":"true","SourceIp":"10.1.2.3","SourcePort":"50123","DestinationIp":"192.0.2.80",`+
			`"DestinationPort":"443","DestinationPortName":"https"`),
		map[string]any{"network.protocol": "https", "network.direction": "egress",
			"event.type": []any{"start", "connection", "protocol"}},
	}} {
		got := decodeRoad(t, c.line, false)
		for k, v := range c.want {
			if v == nil {
				if _, ok := got[k]; ok {
					t.Errorf("%s: %s = %v, want none", c.name, k, got[k])
				}
				continue
			}
			if !reflect.DeepEqual(got[k], v) && fmt.Sprint(got[k]) != fmt.Sprint(v) { // numbers: json.Number

				t.Errorf("%s: %s = %#v, want %#v", c.name, k, got[k], v)
			}
		}
	}
}

// TestRegistryData: the Details forms Sysmon writes.
func TestRegistryData(t *testing.T) {
	for _, c := range []struct{ in, strings, typ string }{
		{"DWORD (0x00000001)", "1", "REG_DWORD"},
		{"QWORD (0x00000001-0x00000002)", "4294967298", "REG_QWORD"},
		{"Binary Data", "Binary Data", "REG_BINARY"},
		{`C:\Tools\agent.exe /quiet`, `C:\Tools\agent.exe /quiet`, "REG_SZ"},
		{"DWORD (0xzz)", "DWORD (0xzz)", "REG_SZ"},
	} {
		got := decodeRoad(t, sysmonRecord("13", `"EventType":"SetValue","TargetObject":"HKLM\\SOFTWARE\\k\\v","Details":"`+
			jsonTestEscape(c.in)+`"`), false)
		if s, _ := got["registry.data.strings"].([]any); len(s) != 1 || s[0] != c.strings || got["registry.data.type"] != c.typ {
			t.Errorf("%q: strings %v type %v, want %q %q", c.in, got["registry.data.strings"], got["registry.data.type"], c.strings, c.typ)
		}
	}
}

// jsonTestEscape escapes backslashes and quotes for a JSON string's body.
func jsonTestEscape(s string) string {
	b := []byte{}
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '"' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// TestTextTaskAndTicketHeading: on the text roads, 4698's task name is
// read from its label, and 4768's colonless "Ticket information" heading
// joins no value.
func TestTextTaskAndTicketHeading(t *testing.T) {
	task := textSnare(4698, "A scheduled task was created.    Subject:   Security ID:  S-1-5-21-1-2-3-1104   Account Name:  jdoe"+
		"   Account Domain:  CORP   Logon ID:  0x3e7    Task Information:   Task Name:   \\Contoso\\Nightly Sync"+
		"   Task Content:   <?xml version=\"1.0\"?> <Task version=\"1.2\"></Task>", "")
	got := decodeRoad(t, task, false)
	if got["winlog.event_data.TaskName"] != `\Contoso\Nightly Sync` || got["user.name"] != "jdoe" {
		t.Errorf("4698: TaskName %v, user.name %v", got["winlog.event_data.TaskName"], got["user.name"])
	}
	w := &winEvent{id: 4768, channel: "Security"}
	w.parseText("A Kerberos authentication ticket (TGT) was requested.    Account Information:   Account Name:  jdoe" +
		"    Certificate Information:   Certificate Issuer Name:     Certificate Serial Number:    Certificate Thumbprint:" +
		"      Ticket information   Response ticket hash:  n/a    Certificate information is only provided if a certificate was used.")
	w.index()
	if v := w.val("CertThumbprint"); v != "" {
		t.Errorf("4768: CertThumbprint = %q, want empty", v)
	}
	if v := w.val("ResponseTicket"); v != "n/a" {
		t.Errorf("4768: ResponseTicket = %q, want n/a", v)
	}
}
