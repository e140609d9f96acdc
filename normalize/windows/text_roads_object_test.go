package windows

import (
	"fmt"
	"strings"
	"testing"
)

// Every road, the same event, for the object access, detailed tracking,
// system, firewall policy, Network Policy Server and Plug and Play events
// (issue #15): each message laid out as the Security auditing provider
// renders it (its English message text: sections, "Label: value" lines),
// filled with this test's own values, by Snare (tab and "#011" fields,
// RFC 3164 and RFC 5424 headers) and by NXLog's classic text, gives the
// ECS fields of its XML.

// objValues are the EventData values of these samples that textValues has not.
var objValues = map[string]string{
	"FileName": `C:\Finance\q3 report.xlsx`, "LinkName": `C:\Users\Public\q3.xlsx`, "Status": "0x0",
	"SourceHandleId": "0x2b4", "SourceProcessId": "0x1c8", "TargetHandleId": "0x3c0", "TargetProcessId": "0x4",
	"TargetProcessName": `C:\Windows\System32\svchost.exe`, "TargetLogonId": "0x3e4",
	"PreviousTime": "2026-06-30T07:59:58.0000000Z", "NewTime": "2026-06-30T08:00:00.0000000Z",
	"LogonProcessName": "Winlogon", "RuleId": "{F2649D59-1355-4E3C-B886-CDD08B683199}", "RuleName": "Allow Contoso Agent",
	"ProfileChanged": "Domain,Private", "ProfileUsed": "Domain", "RuleAttr": "Local Port", "FullyQualifiedSubjectUserName": `CORP\jdoe`, "ClientIPAddress": "192.0.2.17",
	"CallingStationID": "00-1A-2B-3C-4D-5E", "NetworkPolicyName": "Corp Wireless", "AuthenticationProvider": "Windows",
	"Reason": "The user could not be authenticated using Extensible Authentication Protocol (EAP).", "ReasonCode": "22",
	"DeviceId": `USB\VID_0781&PID_5581\4C530001231105116161`, "DeviceDescription": "Contoso USB Device",
	"ClassId": "{eec5ad98-8080-425f-922a-dabf3de3f69a}", "ClassName": "WPD", "KeyId": "b3bd1e86-3c4f-4a8f-b2b0-1c2b3d4e5f60",
	"NewState": "52", "ResourceManager": "{3f2a7e10-1c2d-4b5e-8f90-a1b2c3d4e5f6}", "ShareComment": "-",
	"ResourceAttributes": "S:AI", "NullSid": "S-1-0-0", "NoName": "-", "NASPort": "1", "MasterKeyId": "0d6b5b5e-2f1c-4c1e-9a0b-7f9e8d7c6b5a", "RecoveryReason": "0x5c005c",
	"RecoveryServer": "DC01.corp.example.org", "RecoveryKeyId": "-", "FailureId": "0x0", "ProviderName": "Microsoft Software Key Storage Provider",
	"AlgorithmName": "RSA", "KeyName": "contoso-signing", "KeyType": "%%2499", "KeyFilePath": `C:\ProgramData\Microsoft\Crypto\Keys\ab12`,
	"Operation": "%%2458", "ReturnCode": "0x0",
}

// objValue is the value of EventData name ("Name|key": of Name, the
// value of key) in a case whose status is status.
func objValue(name, status string) string {
	if _, key, ok := strings.Cut(name, "|"); ok {
		name = key
	}
	if name == "Status" && status != "" {
		return status
	}
	if v, ok := objValues[name]; ok {
		return v
	}
	return textValues[name]
}

var (
	objSubject = []textLine{textSection("Subject"), {"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"},
		{"Account Domain", "SubjectDomainName"}, {"Logon ID", "SubjectLogonId"}}
	objProcess = []textLine{textSection("Process Information"), {"Process ID", "ProcessId"}, {"Process Name", "ProcessName"}}
	objObject  = []textLine{textSection("Object"), {"Object Server", "ObjectServer"}, {"Object Type", "ObjectType"},
		{"Object Name", "ObjectName"}, {"Handle ID", "HandleId"}}
	objWFPApp = []textLine{textSection("Application Information"), {"Process ID", "ProcessID"},
		{"Application Name", "Application"}}
	objWFPFilter = []textLine{textSection("Filter Information"), {"Filter Run-Time ID", "FilterRTID"},
		{"Layer Name", "LayerName"}, {"Layer Run-Time ID", "LayerRTID"}}
	objWFPConnection = textLayout(objWFPApp, []textLine{textSection("Network Information"), {"Direction", "Direction"},
		{"Source Address", "SourceAddress"}, {"Source Port", "SourcePort"}, {"Destination Address", "DestAddress"},
		{"Destination Port", "DestPort"}, {"Protocol", "Protocol"}}, objWFPFilter)
	objWFPBind = textLayout(objWFPApp, []textLine{textSection("Network Information"), {"Source Address", "SourceAddress"},
		{"Source Port", "SourcePort"}, {"Protocol", "Protocol"}}, objWFPFilter)
	objDevice = []textLine{textSection("Device ID"), {"Device ID", "DeviceId"}, {"Device Name", "DeviceDescription"},
		{"Class Id", "ClassId"}, {"Class Name", "ClassName"}}
	objShare = textLayout(objSubject, []textLine{textSection("Share Information"), {"Share Name", "ShareName"},
		{"Share Path", "ShareLocalPath"}})
	objRule = func(section string) []textLine {
		return []textLine{{"Profile Changed", "ProfileChanged"}, textSection(section), {"Rule ID", "RuleId"}, {"Rule Name", "RuleName"}}
	}
	objNPS = []textLine{textSection("User"), {"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"},
		{"Account Domain", "SubjectDomainName"}, {"Fully Qualified Account Name", "FullyQualifiedSubjectUserName"},
		textSection("Client Machine"), {"Security ID", "SubjectMachineSID"}, {"Account Name", "SubjectMachineName"},
		{"Fully Qualified Account Name", "FullyQualifiedSubjectMachineName"}, {"Called Station Identifier", "CalledStationID"},
		{"Calling Station Identifier", "CallingStationID"}, textSection("NAS"), {"NAS IPv4 Address", "NASIPv4Address"},
		{"NAS Identifier", "NASIdentifier"}, {"NAS Port-Type", "NASPortType"}, {"NAS Port", "NASPort"},
		textSection("RADIUS Client"), {"Client Friendly Name", "ClientName"}, {"Client IP Address", "ClientIPAddress"},
		textSection("Authentication Details"), {"Connection Request Policy Name", "ProxyPolicyName"},
		{"Network Policy Name", "NetworkPolicyName"}, {"Authentication Provider", "AuthenticationProvider"},
		{"Authentication Server", "AuthenticationServer"}, {"Authentication Type", "AuthenticationType"},
		{"EAP Type", "EAPType"}, {"Account Session Identifier", "AccountSessionIdentifier"}}
)

// objCase is one event of these families as its message lays it out.
type objCase struct {
	id     int
	status string // Status when the event has one; "0x1": a failure (Audit Failure)
	title  string
	lines  []textLine
	want   []string // ECS fields the XML road must set
}

var objCases = []objCase{
	{4656, "", "A handle to an object was requested.", textLayout(objSubject, objObject,
		[]textLine{{"Resource Attributes", "ResourceAttributes"}}, objProcess,
		[]textLine{textSection("Access Request Information"), {"Transaction ID", "TransactionId"}, {"Accesses", "AccessList"},
			{"Access Mask", "AccessMask"}, {"Privileges Used for Access Check", "PrivilegeList"},
			{"Restricted SID Count", "RestrictedSidCount"}}), []string{"file.path", "process.pid", "user.name"}},
	{4658, "", "The handle to an object was closed.", textLayout(objSubject, []textLine{textSection("Object"),
		{"Object Server", "ObjectServer"}, {"Handle ID", "HandleId"}}, objProcess), []string{"process.executable", "user.name"}},
	{4659, "", "A handle to an object was requested with intent to delete.", textLayout(objSubject, objObject, objProcess,
		[]textLine{textSection("Access Request Information"), {"Transaction ID", "TransactionId"}, {"Accesses", "AccessList"},
			{"Access Mask", "AccessMask"}, {"Privileges Used for Access Check", "PrivilegeList"}}), []string{"file.path", "user.name"}},
	{4660, "", "An object was deleted.", textLayout(objSubject, []textLine{textSection("Object"),
		{"Object Server", "ObjectServer"}, {"Handle ID", "HandleId"}}, objProcess), []string{"process.executable", "user.name"}},
	{4661, "", "A handle to an object was requested.", textLayout(objSubject, objObject, objProcess,
		[]textLine{textSection("Access Request Information"), {"Transaction ID", "TransactionId"}, {"Accesses", "AccessList"},
			{"Access Mask", "AccessMask"}, {"Privileges Used for Access Check", "PrivilegeList"}, {"Properties", "Properties"},
			{"Restricted SID Count", "RestrictedSidCount"}}), []string{"process.executable", "user.name"}},
	{4664, "", "An attempt was made to create a hard link.", textLayout(objSubject, []textLine{textSection("Link Information"),
		{"File Name", "FileName"}, {"Link Name", "LinkName"}, {"Transaction ID", "TransactionId"}}), []string{"file.path", "user.name"}},
	{4670, "", "Permissions on an object were changed.", textLayout(objSubject, objObject, []textLine{textSection("Process"),
		{"Process ID", "ProcessId"}, {"Process Name", "ProcessName"}, textSection("Permissions Change"),
		{"Original Security Descriptor", "OldSd"}, {"New Security Descriptor", "NewSd"}}), []string{"file.path", "process.executable"}},
	{4689, "0x0", "A process has exited.", textLayout(objSubject, objProcess, []textLine{{"Exit Status", "Status"}}),
		[]string{"process.executable", "process.exit_code", "user.name"}},
	{4690, "", "An attempt was made to duplicate a handle to an object.", textLayout(objSubject,
		[]textLine{textSection("Source Handle Information"), {"Source Handle ID", "SourceHandleId"}, {"Source Process ID", "SourceProcessId"},
			textSection("New Handle Information"), {"Target Handle ID", "TargetHandleId"}, {"Target Process ID", "TargetProcessId"}}),
		[]string{"process.pid", "user.name"}},
	{4691, "", "Indirect access to an object was requested.", textLayout(objSubject, []textLine{textSection("Object"),
		{"Object Type", "ObjectType"}, {"Object Name", "ObjectName"}, textSection("Process Information"), {"Process ID", "ProcessId"},
		textSection("Access Request Information"), {"Accesses", "AccessList"}, {"Access Mask", "AccessMask"}}),
		[]string{"file.path", "process.pid"}},
	{4692, "", "Backup of data protection master key was attempted.", textLayout(objSubject, []textLine{textSection("Key Information"),
		{"Key Identifier", "MasterKeyId"}}), []string{"user.name", "winlog.logon.id"}},
	{4693, "", "Recovery of data protection master key was attempted.", textLayout(objSubject,
		[]textLine{textSection("Key Information"), {"Key Identifier", "MasterKeyId"}, {"Recovery Reason", "RecoveryReason"},
			{"Recovery Server", "RecoveryServer"}, {"Recovery Key ID", "RecoveryKeyId"}, {"Failure Reason", "FailureId"}}),
		[]string{"user.name", "winlog.logon.id"}},
	{4696, "", "A primary token was assigned to process.", textLayout(objSubject, objProcess, []textLine{textSection("Target Process"),
		{"Target Process ID", "TargetProcessId"}, {"Target Process Name", "TargetProcessName"}, textSection("New Token Information"),
		{"Security ID", "TargetUserSid"}, {"Account Name", "TargetUserName"}, {"Account Domain", "TargetDomainName"},
		{"Logon ID", "TargetLogonId"}}), []string{"process.executable", "user.effective.name", "user.name"}},
	{4985, "", "The state of a transaction has changed.", textLayout(objSubject, []textLine{textSection("Transaction Information"),
		{"RM Transaction ID", "TransactionId"}, {"New State", "NewState"}, {"Resource Manager", "ResourceManager"}}, objProcess),
		[]string{"process.executable", "user.name"}},
	{5039, "", "A registry key was virtualized.", textLayout(objSubject, []textLine{textSection("Object"),
		{"Key Name", "ObjectName"}, {"Virtual Key Name", "ObjectVirtualName"}}, objProcess),
		[]string{"registry.path", "process.executable", "user.name"}},
	{5051, "", "A file was virtualized.", textLayout(objSubject, []textLine{textSection("Object"),
		{"File Name", "ObjectName"}, {"Virtual File Name", "ObjectVirtualName"}}, objProcess),
		[]string{"file.path", "process.executable", "user.name"}},
	{5058, "", "Key file operation.", textLayout(objSubject, []textLine{textSection("Cryptographic Parameters"),
		{"Provider Name", "ProviderName"}, {"Algorithm Name", "AlgorithmName"}, {"Key Name", "KeyName"}, {"Key Type", "KeyType"},
		textSection("Key File Operation Information"), {"File Path", "KeyFilePath"}, {"Operation", "Operation"},
		{"Return Code", "ReturnCode"}}), []string{"user.name", "winlog.logon.id"}},
	{5061, "", "Cryptographic operation.", textLayout(objSubject, []textLine{textSection("Cryptographic Parameters"),
		{"Provider Name", "ProviderName"}, {"Algorithm Name", "AlgorithmName"}, {"Key Name", "KeyName"}, {"Key Type", "KeyType"},
		textSection("Cryptographic Operation"), {"Operation", "Operation"}, {"Return Code", "ReturnCode"}}),
		[]string{"user.name", "winlog.logon.id"}},
	{1102, "", "The audit log was cleared.", []textLine{textSection("Subject"), {"Security ID", "SubjectUserSid"},
		{"Account Name", "SubjectUserName"}, {"Domain Name", "SubjectDomainName"}, {"Logon ID", "SubjectLogonId"}},
		[]string{"user.id", "winlog.logon.id"}},
	{5142, "", "A network share object was added.", objShare, []string{"user.name"}},
	{5143, "", "A network share object was modified.", objShare, []string{"user.name"}},
	{5144, "", "A network share object was deleted.", objShare, []string{"user.name"}},
	{5152, "0x1", "The Windows Filtering Platform has blocked a packet.", objWFPConnection, []string{"source.ip", "process.pid"}},
	{5154, "", "The Windows Filtering Platform has permitted an application or service to listen on a port for incoming connections.",
		objWFPBind, []string{"source.ip", "process.executable"}},
	{5155, "0x1", "The Windows Filtering Platform has blocked an application or service from listening on a port for incoming connections.",
		objWFPBind, []string{"source.ip", "process.executable"}},
	{5156, "", "The Windows Filtering Platform has permitted a connection.", objWFPConnection, []string{"destination.ip", "rule.id"}},
	{5157, "0x1", "The Windows Filtering Platform has blocked a connection.", objWFPConnection, []string{"destination.ip", "rule.id"}},
	{5158, "", "The Windows Filtering Platform has permitted a bind to a local port.", objWFPBind, []string{"source.port"}},
	{5159, "0x1", "The Windows Filtering Platform has blocked a bind to a local port.", objWFPBind, []string{"source.port"}},
	{4611, "", "A trusted logon process has been registered with the Local Security Authority. This logon process will be trusted to submit logon requests.",
		textLayout(objSubject, []textLine{{"Logon Process Name", "LogonProcessName"}}), []string{"user.name", "winlog.logon.id"}},
	{4616, "", "The system time was changed.", textLayout(objSubject, []textLine{textSection("Process Information"),
		{"Process ID", "ProcessId"}, {"Name", "ProcessName"}, {"Previous Time", "PreviousTime"}, {"New Time", "NewTime"}}),
		[]string{"process.executable", "process.pid", "user.name"}},
	{4946, "", "A change has been made to Windows Firewall exception list. A rule was added.", objRule("Added Rule"),
		[]string{"rule.id", "rule.name"}},
	{4947, "", "A change has been made to Windows Firewall exception list. A rule was modified.", objRule("Modified Rule"),
		[]string{"rule.id", "rule.name"}},
	{4948, "", "A change has been made to Windows Firewall exception list. A rule was deleted.", objRule("Deleted Rule"),
		[]string{"rule.id", "rule.name"}},
	{4945, "", "A rule was listed when the Windows Firewall started.", []textLine{{"Profile used", "ProfileUsed"},
		textSection("Rule"), {"Rule ID", "RuleId"}, {"Rule Name", "RuleName"}}, []string{"rule.id", "rule.name"}},
	{4957, "0x1", "Windows Firewall did not apply the following rule:", []textLine{textSection("Rule Information"),
		{"ID", "RuleId"}, {"Name", "RuleName"}, textSection("Error Information"), {"Reason", "RuleAttr"}},
		[]string{"rule.id", "rule.name"}},
	{4958, "0x1", "Windows Firewall did not apply the following rule because the rule referred to items not configured on this computer:",
		[]textLine{textSection("Rule Information"), {"ID", "RuleId"}, {"Name", "RuleName"}, textSection("Error Information"),
			{"Reason", "RuleAttr"}}, []string{"rule.id", "rule.name"}},
	{6272, "", "Network Policy Server granted access to a user.", objNPS, []string{"user.name", "client.ip", "rule.name", "source.address"}},
	{6273, "0x1", "Network Policy Server denied access to a user.", textLayout(objNPS, []textLine{{"Reason Code", "ReasonCode"},
		{"Reason", "Reason"}}), []string{"user.name", "client.ip", "rule.name", "event.reason"}},
	{6274, "", "Network Policy Server discarded the request for a user.", textLayout(objNPS, []textLine{{"Reason Code", "ReasonCode"},
		{"Reason", "Reason"}}), []string{"user.name", "client.ip", "event.reason"}},
	// A request that named no account: its user only by its full name.
	{6273, "0x1", "Network Policy Server denied access to a user.", []textLine{textSection("User"),
		{"Security ID", "SubjectUserSid|NullSid"}, {"Account Name", "SubjectUserName|NoName"},
		{"Account Domain", "SubjectDomainName|NoName"}, {"Fully Qualified Account Name", "FullyQualifiedSubjectUserName"},
		textSection("Client Machine"), {"Security ID", "SubjectMachineSID|NullSid"}, {"Account Name", "SubjectMachineName|NoName"},
		{"Calling Station Identifier", "CallingStationID"},
		textSection("NAS"), {"NAS Port", "NASPort"}, textSection("RADIUS Client"), {"Client IP Address", "ClientIPAddress"},
		{"Reason", "Reason"}}, []string{"user.name", "user.domain", "client.ip"}},
	{6279, "", "Network Policy Server locked the user account due to repeated failed authentication attempts.",
		[]textLine{{"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"}, // no section
			{"Account Domain", "SubjectDomainName"}, {"Fully Qualified Account Name", "FullyQualifiedSubjectUserName"}},
		[]string{"user.name"}},
	{6416, "", "A new external device was recognized by the System.", textLayout(objSubject, objDevice[1:]), []string{"user.name", "winlog.logon.id"}},
	{6419, "", "A request was made to disable a device.", textLayout(objSubject, objDevice[1:]), []string{"user.name", "winlog.logon.id"}},
	{6420, "", "A device was disabled.", textLayout(objSubject, objDevice[1:]), []string{"user.name", "winlog.logon.id"}},
	{6421, "", "A request was made to enable a device.", textLayout(objSubject, objDevice[1:]), []string{"user.name", "winlog.logon.id"}},
	{6422, "", "A device was enabled.", textLayout(objSubject, objDevice[1:]), []string{"user.name", "winlog.logon.id"}},
	{6423, "", "The installation of this device is forbidden by system policy.", textLayout(objSubject, objDevice[1:]), []string{"user.name", "winlog.logon.id"}},
	{6424, "", "The installation of this device was allowed, after having previously been forbidden by policy.",
		textLayout(objSubject, objDevice[1:]), []string{"user.name", "winlog.logon.id"}},
}

// objMessage renders c's message with its line breaks and tabs.
func objMessage(c objCase, value func(string) string) string {
	var b strings.Builder
	b.WriteString(c.title)
	for _, l := range c.lines {
		if l.name == "" {
			fmt.Fprintf(&b, "\r\n\r\n%s:", l.label)
			continue
		}
		fmt.Fprintf(&b, "\r\n\t%s:\t\t%s", l.label, value(l.name))
	}
	return b.String()
}

// objXML is c's record as the agent sends it.
func objXML(c objCase, value func(string) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>`+
		`<Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>%d</EventID><Level>0</Level>`+
		`<Keywords>%s</Keywords><TimeCreated SystemTime="%s"/><EventRecordID>1042</EventRecordID>`+
		`<Channel>Security</Channel><Computer>WKS-7.corp.example.org</Computer></System><EventData>`,
		c.id, objKeywords(c), sampleTime)
	for _, l := range c.lines {
		if l.name != "" {
			name, _, _ := strings.Cut(l.name, "|")
			fmt.Fprintf(&b, `<Data Name="%s">%s</Data>`, name, xmlEsc(value(l.name)))
		}
	}
	b.WriteString("</EventData></Event>")
	return b.String()
}

func objKeywords(c objCase) string {
	if c.status == "0x1" {
		return "0x8010000000000000"
	}
	return "0x8020000000000000"
}

// objTextRoads are c's text records: Snare's (tab and "#011" fields,
// RFC 3164 and RFC 5424 headers; the message flattened) and the
// "SOURCE: ID: KEYWORD text" of NXLog's classic text and evtsys (its
// line breaks and tabs kept).
func objTextRoads(c objCase, msg string) map[string]string {
	typ, kw := "Success Audit", "AUDIT_SUCCESS"
	if objKeywords(c) != "0x8020000000000000" {
		typ, kw = "Failure Audit", "AUDIT_FAILURE"
	}
	roads := map[string]string{"source: id: text": fmt.Sprintf(
		"<14>Jun 30 08:00:00 WKS-7.corp.example.org Microsoft-Windows-Security-Auditing: %d: %s %s", c.id, kw, msg)}
	msg = strings.NewReplacer("\r", " ", "\n", " ", "\t", " ").Replace(msg)
	f := []string{"MSWinEventLog", "1", "Security", "77", "Tue Jun 30 08:00:00 2026", fmt.Sprint(c.id),
		"Microsoft-Windows-Security-Auditing", "N/A", "N/A", typ, "WKS-7.corp.example.org", "Object Access", "", msg, "1042"}
	for sepName, sep := range map[string]string{"tab": "\t", "#011": "#011"} {
		rec := strings.Join(f, sep)
		roads["3164 "+sepName] = "<14>Jun 30 08:00:00 WKS-7 " + rec
		roads["5424 "+sepName] = "<14>1 2026-06-30T08:00:00Z WKS-7 - - - - " + rec
	}
	return roads
}

// objRoadDiffs decodes c by XML and by each text road and returns, per
// road, the fields that differ (none: the same event).
func objRoadDiffs(t *testing.T, c objCase, value func(string) string) (want map[string]any, diffs map[string][]string) {
	want = decodeRoad(t, objXML(c, value), false)
	diffs = map[string][]string{}
	msg := objMessage(c, value)
	for road, line := range objTextRoads(c, msg) {
		diffs[road] = objDiff(want, decodeRoad(t, line, false))
	}
	return want, diffs
}

// objDiff lists the fields compareEvents would report for text roads.
func objDiff(want, got map[string]any) []string {
	var d []string
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	for k := range keys {
		if roadSpecific(k) || strings.HasPrefix(k, "winlog.") && !strings.HasPrefix(k, "winlog.logon.") || k == "@timestamp" {
			continue
		}
		if fmt.Sprint(want[k]) != fmt.Sprint(got[k]) {
			d = append(d, fmt.Sprintf("%s = %v, XML %v", k, got[k], want[k]))
		}
	}
	return d
}

// TestObjectFamiliesTextRoads: each event above by every text road gives
// the ECS fields of its XML, and the XML sets the fields it should.
func TestObjectFamiliesTextRoads(t *testing.T) {
	same := 0
	for _, c := range objCases {
		value := func(name string) string { return objValue(name, c.status) }
		want, diffs := objRoadDiffs(t, c, value)
		for _, k := range c.want {
			if want[k] == nil {
				t.Errorf("%d: XML road lacks %s", c.id, k)
			}
		}
		ok := true
		for road, d := range diffs {
			for _, x := range d {
				ok = false
				t.Errorf("%d %s: %s", c.id, road, x)
			}
		}
		if ok {
			same++
		}
	}
	t.Logf("%d of %d cases: every text road gives the XML's ECS fields", same, len(objCases))
}

// Messages of these families as Snare flattens them, with %s where a
// value a user, a client or a program chose goes.
const (
	msgSubject = "Subject:  Security ID: S-1-5-21-1-2-3-1104  Account Name: erin  Account Domain: CORP  Logon ID: 0xA3E5C  "
	msg4656    = "A handle to an object was requested.  " + msgSubject + "Object:  Object Server: Security  " +
		"Object Type: File  Object Name: %s  Handle ID: 0x1a4  Resource Attributes: -  Process Information:  " +
		"Process ID: 0x1a2c  Process Name: C:\\Tools\\a.exe  Access Request Information:  Transaction ID: " +
		"{00000000-0000-0000-0000-000000000000}  Accesses: DELETE  Access Reasons: -  Access Mask: 0x10000  " +
		"Privileges Used for Access Check: -  Restricted SID Count: 0"
	msg4670 = "Permissions on an object were changed.  " + msgSubject + "Object:  Object Server: Security  " +
		"Object Type: File  Object Name: %s  Handle ID: 0x1a4  Process:  Process ID: 0x1a2c  Process Name: C:\\Tools\\a.exe  " +
		"Permissions Change:  Original Security Descriptor: D:(A;;FA;;;SY)  New Security Descriptor: D:(A;;FA;;;WD)"
	msg4664 = "An attempt was made to create a hard link.  " + msgSubject + "Link Information:  File Name: %s  " +
		"Link Name: C:\\Users\\Public\\b.txt  Transaction ID: {00000000-0000-0000-0000-000000000000}"
	msg5156 = "The Windows Filtering Platform has permitted a connection.  Application Information:  Process ID: 4242  " +
		"Application Name: %s  Network Information:  Direction: Outbound  Source Address: 10.1.2.3  Source Port: 50123  " +
		"Destination Address: 192.0.2.80  Destination Port: 443  Protocol: 6  Filter Information:  " +
		"Filter Run-Time ID: 70123  Layer Name: Connect  Layer Run-Time ID: 48"
	msg4946 = "A change has been made to Windows Firewall exception list. A rule was added.  Profile Changed: All  " +
		"Added Rule:  Rule ID: {F2649D59-1355-4E3C-B886-CDD08B683199}  Rule Name: %s"
	msg6272 = "Network Policy Server granted access to a user.  User:  Security ID: S-1-5-21-1-2-3-1104  Account Name: %s  " +
		"Account Domain: CORP  Fully Qualified Account Name: %s  Client Machine:  Security ID: S-1-0-0  Account Name: -  " +
		"Fully Qualified Account Name: -  OS-Version: -  Called Station Identifier: 00-AA-BB-CC-DD-EE:CorpWiFi  " +
		"Calling Station Identifier: 00-1A-2B-3C-4D-5E  NAS:  NAS IPv4 Address: 10.0.0.2  NAS IPv6 Address: -  " +
		"NAS Identifier: ap-3  NAS Port-Type: Wireless - IEEE 802.11  NAS Port: 1  RADIUS Client:  " +
		"Client Friendly Name: ap-3  Client IP Address: 10.0.0.2  Authentication Details:  " +
		"Connection Request Policy Name: Secure Wireless Connections  Network Policy Name: Corp Wireless  " +
		"Authentication Provider: Windows  Authentication Server: nps1.corp.example.org  Authentication Type: PEAP  " +
		"EAP Type: Microsoft: Secured password (EAP-MSCHAP v2)  Account Session Identifier: -  Logging Results: " +
		"Accounting information was written to the local log file."
	msg5039 = "A registry key was virtualized.  " + msgSubject + "Object:  Key Name: %s  " +
		"Virtual Key Name: \\REGISTRY\\USER\\S-1-5-21-1-2-3-1104_Classes\\VirtualStore\\MACHINE\\SOFTWARE\\Contoso  " +
		"Process Information:  Process ID: 0x1a2c  Process Name: C:\\Tools\\a.exe"
	msg4616 = "The system time was changed.  " + msgSubject + "Process Information:  Process ID: 0x1a2c  Name: %s  " +
		"Previous Time: 2026-06-30T07:59:58.000000000Z  New Time: 2026-06-30T08:00:00.000000000Z  " +
		"This event is generated when the system time is changed."
)

// TestObjectTextForged: a value a user, a client or a program chose (an
// object's or a file's name, an application's path, a firewall rule's
// name, the account a RADIUS client sent, a process's path) that holds
// labels of the message sets no other field.
func TestObjectTextForged(t *testing.T) {
	fileOwn := []string{"file.path", "file.directory", "file.name", "file.extension"}
	checkForged(t, []forgedCase{
		{"4656 object name", 4656, "File System", msg4656, `C:\x\y.txt`,
			`C:\x\y  Source Address: 1.2.3.4  Account Name: admin  Process Name: C:\evil.exe  Handle ID: 0x1.txt`, fileOwn,
			map[string]any{"user.name": "erin", "process.executable": `C:\Tools\a.exe`, "source.ip": nil,
				"file.path": `C:\x\y  Source Address: 1.2.3.4  Account Name: admin  Process Name: C:\evil.exe  Handle ID: 0x1.txt`}},
		{"4670 object name", 4670, "File System", msg4670, `C:\x\y.txt`,
			`C:\x\y Process ID: 0x4 Process Name: C:\evil.exe Account Name: admin.txt`, fileOwn,
			map[string]any{"user.name": "erin", "process.executable": `C:\Tools\a.exe`, "process.pid": 6700}},
		{"4664 file name", 4664, "File System", msg4664, `C:\x\a.txt`,
			`C:\x\a  Account Name: admin  Logon ID: 0x1.txt`, fileOwn,
			map[string]any{"user.name": "erin", "file.path": `C:\x\a  Account Name: admin  Logon ID: 0x1.txt`}},
		// A copy of the label after it: which "Link Name" is the
		// message's, and which "Account Name", is not known: both unset.
		{"4664 file name copying the link name", 4664, "File System", msg4664, `C:\x\a.txt`,
			`C:\x\a  Link Name: C:\evil  Account Name: admin.txt`, append(fileOwn, "user.name", "related.user"),
			map[string]any{"user.name": nil, "file.path": nil, "user.id": "S-1-5-21-1-2-3-1104"}},
		{"5156 application name", 5156, "Filtering Platform Connection", msg5156, `\device\harddiskvolume2\tools\a.exe`,
			`\device\harddiskvolume2\tools\a  Source Address: 1.2.3.4  Destination Port: 1  Account Name: admin.exe`,
			[]string{"process.executable", "process.name"},
			map[string]any{"source.ip": "10.1.2.3", "destination.port": 443, "user.name": nil}},
		{"4946 rule name", 4946, "MPSSVC Rule-Level Policy Change", msg4946, "Allow Contoso Agent",
			"Allow Rule ID: {00000000-0000-0000-0000-000000000001} Profile Changed: Public", []string{"rule.name"},
			map[string]any{"rule.id": "{F2649D59-1355-4E3C-B886-CDD08B683199}"}},
		{"5039 key name", 5039, "Registry", msg5039, `\REGISTRY\MACHINE\SOFTWARE\Contoso`,
			`\REGISTRY\MACHINE\SOFTWARE\Contoso  Process Name: C:\evil.exe  Account Name: admin  Process ID: 0x4`,
			[]string{"registry."},
			map[string]any{"user.name": "erin", "process.executable": `C:\Tools\a.exe`, "process.pid": 6700}},
		{"4616 process name", 4616, "Security State Change", msg4616, `C:\Tools\t.exe`,
			`C:\Tools\t  Account Name: admin  Process ID: 0x4  Source Address: 1.2.3.4.exe`,
			[]string{"process.executable", "process.name"},
			map[string]any{"user.name": "erin", "process.pid": 6700, "source.ip": nil}},
	})
	// NPS: the account the RADIUS client sent, in both its names.
	for _, forged := range []string{`jdoe  Client IP Address: 1.2.3.4  Network Policy Name: evil  Account Domain: EVIL`,
		`jdoe Calling Station Identifier: 66-66-66-66-66-66`} {
		checkForged(t, []forgedCase{
			{"6272 account name", 6272, "Network Policy Server",
				strings.Replace(msg6272, "Fully Qualified Account Name: %s", `Fully Qualified Account Name: CORP\jdoe`, 1),
				"jdoe", forged, []string{"user.name", "related.user"},
				map[string]any{"client.ip": "10.0.0.2", "rule.name": "Corp Wireless", "user.domain": "CORP",
					"source.address": "00-1A-2B-3C-4D-5E"}},
			{"6272 fully qualified account name", 6272, "Network Policy Server",
				strings.Replace(msg6272, "Account Name: %s", "Account Name: jdoe", 1), `CORP\jdoe`, `CORP\` + forged, nil,
				map[string]any{"client.ip": "10.0.0.2", "rule.name": "Corp Wireless", "user.domain": "CORP", "user.name": "jdoe",
					"source.address": "00-1A-2B-3C-4D-5E"}},
		})
	}
}

// TestObjectTemplatesNeeded: each template of winObjectTextTemplates has a
// free-text value, a label twice or a generic label: without, reading
// label by label gives the same for less (text_templates_object.go).
func TestObjectTemplatesNeeded(t *testing.T) {
	for id, tmpl := range winObjectTextTemplates() {
		seen, needed := map[string]bool{}, false
		for _, l := range tmpl {
			needed = needed || winTextFree[l] || seen[l] || winTextGeneric[l]
			seen[l] = true
		}
		if !needed {
			t.Errorf("%d: its template has no free-text value, no label twice and no generic label", id)
		}
	}
}

// TestSentenceTextRoads: the Service Control Manager's one-sentence
// messages (7036 a service's state, 7040 its start type) by Snare give
// the fields of their XML, whose insertion strings are param1, param2 ...;
// a display name that copies the sentence's words stays in param1.
func TestSentenceTextRoads(t *testing.T) {
	for _, c := range []struct {
		id     int
		msg    string
		params []string
		want   map[string]any
	}{
		{7036, "The Contoso Updater service entered the running state.", []string{"Contoso Updater", "running"},
			map[string]any{"service.state": "running"}},
		{7036, "The Evil service entered the stopped service entered the running state.",
			[]string{"Evil service entered the stopped", "running"},
			map[string]any{"service.state": "running", "winlog.event_data.param1": "Evil service entered the stopped"}},
		{7040, "The start type of the Background Intelligent Transfer Service service was changed from demand start to auto start.",
			[]string{"Background Intelligent Transfer Service", "demand start", "auto start"},
			map[string]any{"winlog.event_data.param1": "Background Intelligent Transfer Service"}},
	} {
		var b strings.Builder
		fmt.Fprintf(&b, `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>`+
			`<Provider Name="Service Control Manager"/><EventID>%d</EventID><Level>4</Level>`+
			`<Keywords>0x8080000000000000</Keywords><TimeCreated SystemTime="%s"/><EventRecordID>1042</EventRecordID>`+
			`<Channel>System</Channel><Computer>WKS-7.corp.example.org</Computer></System><EventData>`, c.id, sampleTime)
		for i, p := range c.params {
			fmt.Fprintf(&b, `<Data Name="param%d">%s</Data>`, i+1, xmlEsc(p))
		}
		b.WriteString("</EventData></Event>")
		want := decodeRoad(t, b.String(), false)
		checkFields(t, fmt.Sprint(c.id, " XML"), want, c.want)
		f := []string{"MSWinEventLog", "0", "System", "77", "Tue Jun 30 08:00:00 2026", fmt.Sprint(c.id),
			"Service Control Manager", "N/A", "N/A", "Information", "WKS-7.corp.example.org", "None", "", c.msg, "1042"}
		for sepName, sep := range map[string]string{"tab": "\t", "#011": "#011"} {
			for hdrName, hdr := range map[string]string{"3164": "<14>Jun 30 08:00:00 WKS-7 ", "5424": "<14>1 2026-06-30T08:00:00Z WKS-7 - - - - "} {
				got := decodeRoad(t, hdr+strings.Join(f, sep), false)
				checkFields(t, fmt.Sprint(c.id, " ", hdrName, " ", sepName), got, c.want)
				if d := objDiff(want, got); len(d) > 0 {
					t.Errorf("%d %s %s: %v", c.id, hdrName, sepName, d)
				}
			}
		}
	}
}
