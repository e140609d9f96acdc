package windows

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// The Kerberos ticket events (4768-4773) and the Filtering Platform's
// (5152-5159) by the text roads give the fields the XML road gives. Each message is laid out here as Microsoft
// documents it (the Security auditing provider's message text: sections,
// their "Label: value" lines, the closing paragraphs; msaudite.dll's for
// the legacy 672-677), filled with this test's own values, and written the
// way Snare flattens it (tabs and line breaks as spaces) and the way NXLog
// keeps it (CR LF, tabs).

// textLine is one line of a message: a section header (name "") or a
// label and the EventData name whose value it shows.
type textLine struct{ label, name string }

func textSection(s string) textLine { return textLine{label: s} }

// textValues are the EventData values of the samples.
var textValues = map[string]string{
	"TargetUserName": "jdoe", "TargetDomainName": "CORP.EXAMPLE.ORG",
	"TargetSid":   "S-1-5-21-1111111111-2222222222-3333333333-1104",
	"ServiceName": "krbtgt", "ServiceSid": "S-1-5-21-1111111111-2222222222-3333333333-502",
	"IpAddress": "::ffff:198.51.100.23", "IpPort": "50811", "TicketOptions": "0x40810010",
	"TicketEncryptionType": "0x12", "PreAuthType": "2", "LogonGuid": "{5e0b1d2c-3a4f-4b6e-9c8d-7f1a2b3c4d5e}",
	"TransmittedServices": "-", "CertIssuerName": "", "CertSerialNumber": "", "CertThumbprint": "",
	"AccountSupportedEncryptionTypes": "0x27 (DES, RC4, AES-Sk)", "AccountAvailableKeys": "AES-SHA1, RC4",
	"ServiceSupportedEncryptionTypes": "0x1F (DES, RC4, AES128-SHA96, AES256-SHA96)",
	"ServiceAvailableKeys":            "AES-SHA1, RC4", "DCSupportedEncryptionTypes": "0x1F (DES, RC4, AES128-SHA96, AES256-SHA96)",
	"DCAvailableKeys": "AES-SHA1, RC4", "ClientAdvertizedEncryptionTypes": "AES256-CTS-HMAC-SHA1-96\r\n\t\tRC4-HMAC-NT",
	"SessionKeyEncryptionType": "0x12", "PreAuthEncryptionType": "0x12", "ResponseTicket": "n/a",
	"ProcessID": "948", "Application": `\device\harddiskvolume2\program files\contoso\agent.exe`,
	"Direction": "%%14593", "SourceAddress": "10.15.5.20", "SourcePort": "57912", "DestAddress": "192.0.2.110",
	"DestPort": "443", "Protocol": "6", "FilterRTID": "89041", "LayerName": "%%14611", "LayerRTID": "48",
	"SubjectUserSid": "S-1-5-21-1111111111-2222222222-3333333333-1104", "SubjectUserName": "jdoe",
	"SubjectDomainName": "CORP", "SubjectLogonId": "0x3e7", "ServiceFileName": `C:\Program Files\Contoso\svc.exe -k run`,
	"ImagePath": `C:\Program Files\Contoso\svc.exe -k run`, "ServiceType": "user mode service",
	"ServiceStartType": "auto start", "StartType": "auto start", "ServiceAccount": "LocalSystem", "AccountName": "LocalSystem",
	"ObjectServer": "Security", "ObjectType": "File", "ObjectName": `C:\Finance\q3 report.xlsx`, "HandleId": "0x1f4",
	"TransactionId": "{00000000-0000-0000-0000-000000000000}", "AccessList": "%%4416", "AccessMask": "0x1",
	"PrivilegeList": "-", "RestrictedSidCount": "0", "ProcessId": "0x1c8", "ProcessName": `C:\Windows\explorer.exe`,
	"ObjectValueName": "Updater", "OperationType": "%%1905", "OldValueType": "%%1873", "OldValue": `C:\old.exe`,
	"NewValueType": "%%1873", "NewValue": `C:\Users\Public\new agent.exe /quiet`,
	"ShareName": `\\*\Projects`, "ShareLocalPath": `\??\D:\Projects`, "RelativeTargetName": `plans\2026 budget.xlsx`,
	"AccessReason": "-", "AccountDomain": "CORP", "LogonID": "0x1a2b3c", "SessionName": "RDP-Tcp#7",
	"ClientName": "LAPTOP-31", "ClientAddress": "198.51.100.40",
	"TargetUserSid": "S-1-5-21-1111111111-2222222222-3333333333-3101", "DnsHostName": "wks-9.corp.example.org",
	"ServicePrincipalNames": "HOST/wks-9.corp.example.org HOST/WKS-9", "SamAccountName": "WKS-9$",
	"NewUacValue": "0x80", "OldUacValue": "0x0", "SidHistory": "-",
	"CallerProcessId": "0x2b10", "CallerProcessName": `C:\Windows\System32\net1.exe`,
}

var (
	krbAccountAS   = []textLine{textSection("Account Information"), {"Account Name", "TargetUserName"}, {"Supplied Realm Name", "TargetDomainName"}}
	krbNetwork     = []textLine{textSection("Network Information"), {"Client Address", "IpAddress"}, {"Client Port", "IpPort"}}
	krbService     = []textLine{textSection("Service Information"), {"Service Name", "ServiceName"}, {"Service ID", "ServiceSid"}}
	krbCertificate = []textLine{textSection("Certificate Information"), {"Certificate Issuer Name", "CertIssuerName"},
		{"Certificate Serial Number", "CertSerialNumber"}, {"Certificate Thumbprint", "CertThumbprint"}}
)

func textLayout(parts ...[]textLine) []textLine {
	var l []textLine
	for _, p := range parts {
		l = append(l, p...)
	}
	return l
}

var krbCases = []struct {
	id     int
	status string // Status, the result or failure code
	title  string
	lines  []textLine
	close  string
}{{
	id: 4768, status: "0x0", title: "A Kerberos authentication ticket (TGT) was requested.",
	lines: textLayout(krbAccountAS, []textLine{{"User ID", "TargetSid"}}, krbService, krbNetwork,
		[]textLine{textSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Result Code", "Status"},
			{"Ticket Encryption Type", "TicketEncryptionType"}, {"Pre-Authentication Type", "PreAuthType"}}, krbCertificate),
	close: "Certificate information is only provided if a certificate was used for pre-authentication.\r\n\r\n" +
		"Pre-authentication types, ticket options, encryption types and result codes are defined in RFC 4120.",
}, {
	// The Server 2025 update's 4768: encryption types of each party.
	id: 4768, status: "0x0", title: "A Kerberos authentication ticket (TGT) was requested.",
	lines: textLayout(krbAccountAS, []textLine{{"User ID", "TargetSid"},
		{"MSDS-SupportedEncryptionTypes", "AccountSupportedEncryptionTypes"}, {"Available Keys", "AccountAvailableKeys"}},
		krbService, []textLine{{"MSDS-SupportedEncryptionTypes", "ServiceSupportedEncryptionTypes"}, {"Available Keys", "ServiceAvailableKeys"},
			textSection("Domain Controller Information"), {"MSDS-SupportedEncryptionTypes", "DCSupportedEncryptionTypes"},
			{"Available Keys", "DCAvailableKeys"}},
		krbNetwork, []textLine{{"Advertized Etypes", "ClientAdvertizedEncryptionTypes"},
			textSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Result Code", "Status"},
			{"Ticket Encryption Type", "TicketEncryptionType"}, {"Session Encryption Type", "SessionKeyEncryptionType"},
			{"Pre-Authentication Type", "PreAuthType"}, {"Pre-Authentication EncryptionType", "PreAuthEncryptionType"}},
		krbCertificate, []textLine{{"Response ticket hash", "ResponseTicket"}}),
	close: "Certificate information is only provided if a certificate was used for pre-authentication.\r\n\r\n" +
		"Pre-authentication types, ticket options, encryption types and result codes are defined in RFC 4120.",
}, {
	id: 4769, status: "0x0", title: "A Kerberos service ticket was requested.",
	lines: textLayout([]textLine{textSection("Account Information"), {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}, {"Logon GUID", "LogonGuid"}}, krbService, krbNetwork,
		[]textLine{textSection("Additional Information"), {"Ticket Options", "TicketOptions"},
			{"Ticket Encryption Type", "TicketEncryptionType"}, {"Failure Code", "Status"}, {"Transited Services", "TransmittedServices"}}),
	close: "This event is generated every time access is requested to a resource such as a computer or a Windows service.  " +
		"The service name indicates the resource to which access was requested.\r\n\r\n" +
		"Ticket options, encryption types, and failure codes are defined in RFC 4120.",
}, {
	id: 4770, status: "", title: "A Kerberos service ticket was renewed.",
	lines: textLayout([]textLine{textSection("Account Information"), {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}}, krbService, krbNetwork,
		[]textLine{textSection("Additional Information"), {"Ticket Options", "TicketOptions"},
			{"Ticket Encryption Type", "TicketEncryptionType"}}),
	close: "Ticket options and encryption types are defined in RFC 4120.",
}, {
	id: 4771, status: "0x18", title: "Kerberos pre-authentication failed.",
	lines: textLayout([]textLine{textSection("Account Information"), {"Security ID", "TargetSid"}, {"Account Name", "TargetUserName"},
		textSection("Service Information"), {"Service Name", "ServiceName"}}, krbNetwork,
		[]textLine{textSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"},
			{"Pre-Authentication Type", "PreAuthType"}}, krbCertificate),
	close: "Certificate information is only provided if a certificate was used for pre-authentication.\r\n\r\n" +
		"Pre-authentication types, ticket options and failure codes are defined in RFC 4120.",
}, {
	id: 4772, status: "0x6", title: "A Kerberos authentication ticket request failed.",
	lines: textLayout(krbAccountAS, []textLine{textSection("Service Information"), {"Service Name", "ServiceName"}}, krbNetwork,
		[]textLine{textSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"}}),
	close: "Ticket options and failure codes are defined in RFC 4120.",
}, {
	id: 4773, status: "0x1B", title: "A Kerberos service ticket request failed.",
	lines: textLayout([]textLine{textSection("Account Information"), {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}, textSection("Service Information"), {"Service Name", "ServiceName"}}, krbNetwork,
		[]textLine{textSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"}}),
	close: "Ticket options and failure codes are defined in RFC 4120.",
}}

func textValue(name, status string) string {
	if name == "Status" {
		return status
	}
	return textValues[name]
}

// textMessage renders a case's message with its line breaks (NXLog's
// classic road keeps them); Snare's is this with each CR, LF and tab a space.
func textMessage(title string, lines []textLine, close, status string) string {
	var b strings.Builder
	b.WriteString(title)
	for _, l := range lines {
		if l.name == "" {
			fmt.Fprintf(&b, "\r\n\r\n%s:", l.label)
			continue
		}
		fmt.Fprintf(&b, "\r\n\t%s:\t\t%s", l.label, textValue(l.name, status))
	}
	return b.String() + "\r\n\r\n" + close
}

func textXML(id int, lines []textLine, status string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>`+
		`<Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>%d</EventID><Level>0</Level>`+
		`<Keywords>%s</Keywords><TimeCreated SystemTime="%s"/><EventRecordID>1042</EventRecordID>`+
		`<Channel>Security</Channel><Computer>WKS-7.corp.example.org</Computer></System><EventData>`,
		id, textKeywords(status), sampleTime)
	for _, l := range lines {
		if l.name != "" {
			fmt.Fprintf(&b, `<Data Name="%s">%s</Data>`, l.name, xmlEsc(textValue(l.name, status)))
		}
	}
	b.WriteString("</EventData></Event>")
	return b.String()
}

func textKeywords(status string) string {
	if status == "" || status == "0x0" {
		return "0x8020000000000000"
	}
	return "0x8010000000000000"
}

func textSnare(id int, msg, status string) string {
	typ := "Success Audit"
	if textKeywords(status) != "0x8020000000000000" {
		typ = "Failure Audit"
	}
	msg = strings.NewReplacer("\r", " ", "\n", " ", "\t", " ").Replace(msg)
	f := []string{"MSWinEventLog", "1", "Security", "77", "Tue Jun 30 08:00:00 2026", fmt.Sprint(id),
		"Microsoft-Windows-Security-Auditing", "N/A", "N/A", typ, "WKS-7.corp.example.org", "Kerberos", "", msg, "1042"}
	return "<14>Jun 30 08:00:00 WKS-7 " + strings.Join(f, "\t")
}

// TestKerberosTextRoads: each Kerberos ticket event by Snare and by
// NXLog's classic text gives the ECS fields of its XML, and the XML
// sets every field the message shows that the catalog maps.
func TestKerberosTextRoads(t *testing.T) {
	for i, c := range krbCases {
		name := fmt.Sprintf("%d #%d", c.id, i)
		ent, ok := wincatalog.Security(c.id)
		if !ok {
			t.Fatalf("%s: not in the catalog", name)
		}
		want := decodeRoad(t, textXML(c.id, c.lines, c.status), false)
		shown := map[string]bool{}
		for _, l := range c.lines {
			shown[l.name] = true
		}
		for _, f := range ent.Fields {
			if shown[f.From] && !strings.HasPrefix(f.To, "winlog.") && textValue(f.From, c.status) != "0x0" && want[f.To] == nil {
				t.Errorf("%s: XML road lacks %s (from %s)", name, f.To, f.From)
			}
		}
		msg := textMessage(c.title, c.lines, c.close, c.status)
		compareEvents(t, name+" snare", want, decodeRoad(t, textSnare(c.id, msg, c.status), false), true)
		nx := fmt.Sprintf("<14>Jun 30 08:00:00 WKS-7.corp.example.org Microsoft-Windows-Security-Auditing: %d: %s %s", c.id,
			map[bool]string{true: "AUDIT_SUCCESS", false: "AUDIT_FAILURE"}[textKeywords(c.status) == "0x8020000000000000"], msg)
		compareEvents(t, name+" text", want, decodeRoad(t, nx, false), true)
	}
}

// TestKerberosLegacyText: the 2003 texts (672-677, msaudite.dll's labels
// without sections) give the fields of the modern event's XML.
func TestKerberosLegacyText(t *testing.T) {
	for _, c := range []struct {
		legacy, modern int
		status, text   string
		lines          []textLine
	}{
		{672, 4768, "0x0", "Authentication Ticket Request:", []textLine{{"User Name", "TargetUserName"},
			{"Supplied Realm Name", "TargetDomainName"}, {"User ID", "TargetSid"}, {"Service Name", "ServiceName"},
			{"Service ID", "ServiceSid"}, {"Ticket Options", "TicketOptions"}, {"Result Code", "Status"},
			{"Ticket Encryption Type", "TicketEncryptionType"}, {"Pre-Authentication Type", "PreAuthType"},
			{"Client Address", "IpAddress"}, {"Certificate Issuer Name", "CertIssuerName"},
			{"Certificate Serial Number", "CertSerialNumber"}, {"Certificate Thumbprint", "CertThumbprint"}}},
		{673, 4769, "0x0", "Service Ticket Request:", []textLine{{"User Name", "TargetUserName"},
			{"User Domain", "TargetDomainName"}, {"Service Name", "ServiceName"}, {"Service ID", "ServiceSid"},
			{"Ticket Options", "TicketOptions"}, {"Ticket Encryption Type", "TicketEncryptionType"},
			{"Client Address", "IpAddress"}, {"Failure Code", "Status"}, {"Logon GUID", "LogonGuid"},
			{"Transited Services", "TransmittedServices"}}},
		{674, 4770, "", "Service Ticket Renewed:", []textLine{{"User Name", "TargetUserName"},
			{"User Domain", "TargetDomainName"}, {"Service Name", "ServiceName"}, {"Service ID", "ServiceSid"},
			{"Ticket Options", "TicketOptions"}, {"Ticket Encryption Type", "TicketEncryptionType"},
			{"Client Address", "IpAddress"}}},
		{675, 4771, "0x18", "Pre-authentication failed:", []textLine{{"User Name", "TargetUserName"},
			{"User ID", "TargetSid"}, {"Service Name", "ServiceName"}, {"Pre-Authentication Type", "PreAuthType"},
			{"Failure Code", "Status"}, {"Client Address", "IpAddress"}}},
		{676, 4772, "0x6", "Authentication Ticket Request Failed:", []textLine{{"User Name", "TargetUserName"},
			{"Supplied Realm Name", "TargetDomainName"}, {"Service Name", "ServiceName"},
			{"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"}, {"Client Address", "IpAddress"}}},
		{677, 4773, "0x1B", "Service Ticket Request Failed:", []textLine{{"User Name", "TargetUserName"},
			{"User Domain", "TargetDomainName"}, {"Service Name", "ServiceName"},
			{"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"}, {"Client Address", "IpAddress"}}},
	} {
		want := decodeRoad(t, textXML(c.modern, c.lines, c.status), false)
		var b strings.Builder
		b.WriteString(c.text)
		for _, l := range c.lines {
			fmt.Fprintf(&b, "   %s: %s", l.label, textValue(l.name, c.status))
		}
		kw := map[bool]string{true: "AUDIT_SUCCESS", false: "AUDIT_FAILURE"}[textKeywords(c.status) == "0x8020000000000000"]
		got := decodeRoad(t, fmt.Sprintf("<13>Jun 30 09:48:41 WKS-7.corp.example.org Security: %d: %s %s", c.legacy, kw, b.String()), false)
		for _, k := range []string{"event.code", "event.provider"} { // 672 from the 2003 source "Security"
			delete(want, k)
			delete(got, k)
		}
		compareEvents(t, fmt.Sprint(c.legacy), want, got, true)
		if got["user.name"] != "jdoe" || got["service.name"] != "krbtgt" || got["source.ip"] != "198.51.100.23" {
			t.Errorf("%d: user %v, service %v, source %v", c.legacy, got["user.name"], got["service.name"], got["source.ip"])
		}
	}
}

// TestWFPTextRoads: the Filtering Platform's events by Snare (whose
// messages show the direction as Event Viewer renders it, "Outbound") give
// the fields of their XML.
func TestWFPTextRoads(t *testing.T) {
	network := []textLine{textSection("Application Information"), {"Process ID", "ProcessID"},
		{"Application Name", "Application"}, textSection("Network Information"), {"Direction", "Direction"},
		{"Source Address", "SourceAddress"}, {"Source Port", "SourcePort"}, {"Destination Address", "DestAddress"},
		{"Destination Port", "DestPort"}, {"Protocol", "Protocol"}, textSection("Filter Information"),
		{"Filter Run-Time ID", "FilterRTID"}, {"Layer Name", "LayerName"}, {"Layer Run-Time ID", "LayerRTID"}}
	bind := []textLine{textSection("Application Information"), {"Process ID", "ProcessID"},
		{"Application Name", "Application"}, textSection("Network Information"),
		{"Source Address", "SourceAddress"}, {"Source Port", "SourcePort"}, {"Protocol", "Protocol"},
		textSection("Filter Information"), {"Filter Run-Time ID", "FilterRTID"}, {"Layer Name", "LayerName"},
		{"Layer Run-Time ID", "LayerRTID"}}
	for _, c := range []struct {
		id     int
		status string // "0x1": a failure (Audit Failure), as textKeywords reads it
		title  string
		lines  []textLine
	}{
		{5156, "", "The Windows Filtering Platform has permitted a connection.", network},
		{5157, "0x1", "The Windows Filtering Platform has blocked a connection.", network},
		{5152, "0x1", "The Windows Filtering Platform has blocked a packet.", network},
		{5158, "", "The Windows Filtering Platform has permitted a bind to a local port.", bind},
	} {
		name := fmt.Sprint(c.id)
		want := decodeRoad(t, textXML(c.id, c.lines, c.status), false)
		for _, k := range []string{"process.pid", "source.ip", "source.port", "rule.id"} {
			if want[k] == nil {
				t.Errorf("%s: XML road lacks %s", name, k)
			}
		}
		msg := strings.ReplaceAll(textMessage(c.title, c.lines, "", c.status), "%%14593", "Outbound")
		compareEvents(t, name+" snare", want, decodeRoad(t, textSnare(c.id, msg, c.status), false), true)
	}
}

// TestServiceInstalledTextRoads: "A service was installed in the system"
// by Snare, as Security's 4697 and as the Service Control Manager's 7045
// (whose EventData names differ), gives the fields of its XML.
func TestServiceInstalledTextRoads(t *testing.T) {
	for _, c := range []struct {
		id    int
		lines []textLine
	}{
		{4697, []textLine{textSection("Subject"), {"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"},
			{"Account Domain", "SubjectDomainName"}, {"Logon ID", "SubjectLogonId"}, textSection("Service Information"),
			{"Service Name", "ServiceName"}, {"Service File Name", "ServiceFileName"}, {"Service Type", "ServiceType"},
			{"Service Start Type", "ServiceStartType"}, {"Service Account", "ServiceAccount"}}},
		{7045, []textLine{{"Service Name", "ServiceName"}, {"Service File Name", "ImagePath"}, {"Service Type", "ServiceType"},
			{"Service Start Type", "StartType"}, {"Service Account", "AccountName"}}},
	} {
		name := fmt.Sprint(c.id)
		xml := textXML(c.id, c.lines, "")
		msg := textMessage("A service was installed in the system.", c.lines, "", "")
		snare := textSnare(c.id, msg, "")
		if c.id == 7045 {
			xml = strings.Replace(strings.Replace(xml, "Microsoft-Windows-Security-Auditing", "Service Control Manager", 1),
				"<Channel>Security</Channel>", "<Channel>System</Channel>", 1)
			snare = strings.Replace(strings.Replace(snare, "\tSecurity\t", "\tSystem\t", 1),
				"Microsoft-Windows-Security-Auditing", "Service Control Manager", 1)
		}
		want := decodeRoad(t, xml, false)
		if want["service.name"] == nil || want["service.type"] == nil {
			t.Errorf("%s: XML road lacks service.name or service.type: %v", name, want)
		}
		compareEvents(t, name+" snare", want, decodeRoad(t, snare, false), true)
	}
}

// TestObjectAccessTextRoads: file and registry auditing (4656, 4663, 4657)
// by Snare gives the fields of its XML: no value runs on into the
// "Access Request Information" or "Change Information" that follow it.
func TestObjectAccessTextRoads(t *testing.T) {
	subject := []textLine{textSection("Subject"), {"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"},
		{"Account Domain", "SubjectDomainName"}, {"Logon ID", "SubjectLogonId"}}
	process := []textLine{textSection("Process Information"), {"Process ID", "ProcessId"}, {"Process Name", "ProcessName"}}
	object := []textLine{textSection("Object"), {"Object Server", "ObjectServer"}, {"Object Type", "ObjectType"},
		{"Object Name", "ObjectName"}, {"Handle ID", "HandleId"}}
	for _, c := range []struct {
		id    int
		title string
		lines []textLine
		want  []string
	}{
		{4663, "An attempt was made to access an object.", textLayout(subject, object, process,
			[]textLine{textSection("Access Request Information"), {"Accesses", "AccessList"}, {"Access Mask", "AccessMask"}}),
			[]string{"file.path", "process.executable", "process.pid"}},
		{4656, "A handle to an object was requested.", textLayout(subject, object, process,
			[]textLine{textSection("Access Request Information"), {"Transaction ID", "TransactionId"}, {"Accesses", "AccessList"},
				{"Access Mask", "AccessMask"}, {"Privileges Used for Access Check", "PrivilegeList"},
				{"Restricted SID Count", "RestrictedSidCount"}}),
			[]string{"file.path", "process.executable"}},
		{4657, "A registry value was modified.", textLayout(subject,
			[]textLine{textSection("Object"), {"Object Name", "ObjectName"}, {"Object Value Name", "ObjectValueName"},
				{"Handle ID", "HandleId"}, {"Operation Type", "OperationType"}}, process,
			[]textLine{textSection("Change Information"), {"Old Value Type", "OldValueType"}, {"Old Value", "OldValue"},
				{"New Value Type", "NewValueType"}, {"New Value", "NewValue"}}),
			[]string{"registry.path", "registry.value", "registry.data.strings", "process.executable"}},
		{5145, "A network share object was checked to see whether client can be granted desired access.", textLayout(subject,
			[]textLine{textSection("Network Information"), {"Object Type", "ObjectType"}, {"Source Address", "IpAddress"},
				{"Source Port", "IpPort"}, textSection("Share Information"), {"Share Name", "ShareName"},
				{"Share Path", "ShareLocalPath"}, {"Relative Target Name", "RelativeTargetName"},
				textSection("Access Request Information"), {"Access Mask", "AccessMask"}, {"Accesses", "AccessList"},
				{"Access Check Results", "AccessReason"}}),
			[]string{"file.path", "source.ip", "source.port"}},
	} {
		name := fmt.Sprint(c.id)
		want := decodeRoad(t, textXML(c.id, c.lines, ""), false)
		for _, k := range c.want {
			if want[k] == nil {
				t.Errorf("%s: XML road lacks %s", name, k)
			}
		}
		msg := textMessage(c.title, c.lines, "", "")
		compareEvents(t, name+" snare", want, decodeRoad(t, textSnare(c.id, msg, ""), false), true)
	}
}

// TestSessionTextRoads: a window station session reconnected or
// disconnected (4778, 4779) by Snare gives its XML's account and client.
func TestSessionTextRoads(t *testing.T) {
	lines := []textLine{textSection("Subject"), {"Account Name", "AccountName"}, {"Account Domain", "AccountDomain"},
		{"Logon ID", "LogonID"}, textSection("Session"), {"Session Name", "SessionName"},
		textSection("Additional Information"), {"Client Name", "ClientName"}, {"Client Address", "ClientAddress"}}
	for id, title := range map[int]string{4778: "A session was reconnected to a Window Station.",
		4779: "A session was disconnected from a Window Station."} {
		want := decodeRoad(t, textXML(id, lines, ""), false)
		for _, k := range []string{"user.name", "user.domain", "source.ip", "source.domain"} {
			if want[k] == nil {
				t.Errorf("%d: XML road lacks %s", id, k)
			}
		}
		close := "This event is generated when a user reconnects to an existing Terminal Services session."
		compareEvents(t, fmt.Sprint(id)+" snare", want, decodeRoad(t, textSnare(id, textMessage(title, lines, close, ""), ""), false), true)
	}
}

// TestComputerAccountTextRoads: a computer account created, changed or
// deleted (4741-4743) by Snare gives its XML's account and target.
func TestComputerAccountTextRoads(t *testing.T) {
	subject := []textLine{textSection("Subject"), {"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"},
		{"Account Domain", "SubjectDomainName"}, {"Logon ID", "SubjectLogonId"}}
	target := func(section string) []textLine {
		return []textLine{textSection(section), {"Security ID", "TargetSid"}, {"Account Name", "TargetUserName"},
			{"Account Domain", "TargetDomainName"}}
	}
	attrs := func(section string) []textLine {
		return []textLine{textSection(section), {"SAM Account Name", "SamAccountName"}, {"Old UAC Value", "OldUacValue"},
			{"New UAC Value", "NewUacValue"}, {"DNS Host Name", "DnsHostName"},
			{"Service Principal Names", "ServicePrincipalNames"}, textSection("Additional Information"),
			{"Privileges", "PrivilegeList"}}
	}
	for _, c := range []struct {
		id    int
		title string
		lines []textLine
	}{
		{4741, "A computer account was created.", textLayout(subject, target("New Computer Account"), attrs("Attributes"))},
		{4742, "A computer account was changed.", textLayout(subject, target("Computer Account That Was Changed"),
			attrs("Changed Attributes"))},
		{4743, "A computer account was deleted.", textLayout(subject, target("Target Computer"))},
	} {
		name := fmt.Sprint(c.id)
		want := decodeRoad(t, textXML(c.id, c.lines, ""), false)
		if want["user.target.name"] == nil {
			t.Errorf("%s: XML road lacks user.target.name", name)
		}
		compareEvents(t, name+" snare", want, decodeRoad(t, textSnare(c.id, textMessage(c.title, c.lines, "", ""), ""), false), true)
	}
}

// TestGroupTextRoads: a security group created or deleted (4727, 4730,
// 4731) by Snare gives its XML's group.
func TestGroupTextRoads(t *testing.T) {
	subject := []textLine{textSection("Subject"), {"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"},
		{"Account Domain", "SubjectDomainName"}, {"Logon ID", "SubjectLogonId"}}
	group := func(section string) []textLine {
		return []textLine{textSection(section), {"Security ID", "TargetSid"}, {"Group Name", "TargetUserName"},
			{"Group Domain", "TargetDomainName"}}
	}
	attrs := []textLine{textSection("Attributes"), {"SAM Account Name", "SamAccountName"}, {"SID History", "SidHistory"},
		textSection("Additional Information"), {"Privileges", "PrivilegeList"}}
	for _, c := range []struct {
		id    int
		title string
		lines []textLine
	}{
		{4727, "A security-enabled global group was created.", textLayout(subject, group("New Group"), attrs)},
		{4731, "A security-enabled local group was created.", textLayout(subject, group("New Group"), attrs)},
		{4730, "A security-enabled global group was deleted.", textLayout(subject, group("Deleted Group"),
			[]textLine{textSection("Additional Information"), {"Privileges", "PrivilegeList"}})},
	} {
		name := fmt.Sprint(c.id)
		want := decodeRoad(t, textXML(c.id, c.lines, ""), false)
		if want["group.name"] == nil {
			t.Errorf("%s: XML road lacks group.name", name)
		}
		compareEvents(t, name+" snare", want, decodeRoad(t, textSnare(c.id, textMessage(c.title, c.lines, "", ""), ""), false), true)
	}
}

// TestEnumerationTextRoads: a user's groups or a group's members
// enumerated (4798, 4799) by Snare give their XML's account or group and
// the process that asked (CallerProcessId in the XML, "Process ID" in the
// message).
func TestEnumerationTextRoads(t *testing.T) {
	subject := []textLine{textSection("Subject"), {"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"},
		{"Account Domain", "SubjectDomainName"}, {"Logon ID", "SubjectLogonId"}}
	process := []textLine{textSection("Process Information"), {"Process ID", "CallerProcessId"}, {"Process Name", "CallerProcessName"}}
	for _, c := range []struct {
		id     int
		title  string
		lines  []textLine
		target string
	}{
		{4798, "A user's local group membership was enumerated.", textLayout(subject, []textLine{textSection("User"),
			{"Security ID", "TargetSid"}, {"Account Name", "TargetUserName"}, {"Account Domain", "TargetDomainName"}}, process), "user.target.name"},
		{4799, "A security-enabled local group membership was enumerated.", textLayout(subject, []textLine{textSection("Group"),
			{"Security ID", "TargetSid"}, {"Group Name", "TargetUserName"}, {"Group Domain", "TargetDomainName"}}, process), "group.name"},
	} {
		name := fmt.Sprint(c.id)
		want := decodeRoad(t, textXML(c.id, c.lines, ""), false)
		for _, k := range []string{c.target, "process.pid", "process.executable", "user.name"} {
			if want[k] == nil {
				t.Errorf("%s: XML road lacks %s", name, k)
			}
		}
		compareEvents(t, name+" snare", want, decodeRoad(t, textSnare(c.id, textMessage(c.title, c.lines, "", ""), ""), false), true)
	}
}
