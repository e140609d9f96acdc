package windows

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// The Kerberos ticket events (4768-4773) by the text roads give the
// fields the XML road gives. Each message is laid out here as Microsoft
// documents it (the Security auditing provider's message text: sections,
// their "Label: value" lines, the closing paragraphs; msaudite.dll's for
// the legacy 672-677), filled with this test's own values, and written the
// way Snare flattens it (tabs and line breaks as spaces) and the way NXLog
// keeps it (CR LF, tabs).

// krbLine is one line of a message: a section header (name "") or a
// label and the EventData name whose value it shows.
type krbLine struct{ label, name string }

func krbSection(s string) krbLine { return krbLine{label: s} }

// krbValues are the EventData values of the samples.
var krbValues = map[string]string{
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
}

var (
	krbAccountAS   = []krbLine{krbSection("Account Information"), {"Account Name", "TargetUserName"}, {"Supplied Realm Name", "TargetDomainName"}}
	krbNetwork     = []krbLine{krbSection("Network Information"), {"Client Address", "IpAddress"}, {"Client Port", "IpPort"}}
	krbService     = []krbLine{krbSection("Service Information"), {"Service Name", "ServiceName"}, {"Service ID", "ServiceSid"}}
	krbCertificate = []krbLine{krbSection("Certificate Information"), {"Certificate Issuer Name", "CertIssuerName"},
		{"Certificate Serial Number", "CertSerialNumber"}, {"Certificate Thumbprint", "CertThumbprint"}}
)

func krbLayout(parts ...[]krbLine) []krbLine {
	var l []krbLine
	for _, p := range parts {
		l = append(l, p...)
	}
	return l
}

var krbCases = []struct {
	id     int
	status string // Status, the result or failure code
	title  string
	lines  []krbLine
	close  string
}{{
	id: 4768, status: "0x0", title: "A Kerberos authentication ticket (TGT) was requested.",
	lines: krbLayout(krbAccountAS, []krbLine{{"User ID", "TargetSid"}}, krbService, krbNetwork,
		[]krbLine{krbSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Result Code", "Status"},
			{"Ticket Encryption Type", "TicketEncryptionType"}, {"Pre-Authentication Type", "PreAuthType"}}, krbCertificate),
	close: "Certificate information is only provided if a certificate was used for pre-authentication.\r\n\r\n" +
		"Pre-authentication types, ticket options, encryption types and result codes are defined in RFC 4120.",
}, {
	// The Server 2025 update's 4768: encryption types of each party.
	id: 4768, status: "0x0", title: "A Kerberos authentication ticket (TGT) was requested.",
	lines: krbLayout(krbAccountAS, []krbLine{{"User ID", "TargetSid"},
		{"MSDS-SupportedEncryptionTypes", "AccountSupportedEncryptionTypes"}, {"Available Keys", "AccountAvailableKeys"}},
		krbService, []krbLine{{"MSDS-SupportedEncryptionTypes", "ServiceSupportedEncryptionTypes"}, {"Available Keys", "ServiceAvailableKeys"},
			krbSection("Domain Controller Information"), {"MSDS-SupportedEncryptionTypes", "DCSupportedEncryptionTypes"},
			{"Available Keys", "DCAvailableKeys"}},
		krbNetwork, []krbLine{{"Advertized Etypes", "ClientAdvertizedEncryptionTypes"},
			krbSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Result Code", "Status"},
			{"Ticket Encryption Type", "TicketEncryptionType"}, {"Session Encryption Type", "SessionKeyEncryptionType"},
			{"Pre-Authentication Type", "PreAuthType"}, {"Pre-Authentication EncryptionType", "PreAuthEncryptionType"}},
		krbCertificate, []krbLine{{"Response ticket hash", "ResponseTicket"}}),
	close: "Certificate information is only provided if a certificate was used for pre-authentication.\r\n\r\n" +
		"Pre-authentication types, ticket options, encryption types and result codes are defined in RFC 4120.",
}, {
	id: 4769, status: "0x0", title: "A Kerberos service ticket was requested.",
	lines: krbLayout([]krbLine{krbSection("Account Information"), {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}, {"Logon GUID", "LogonGuid"}}, krbService, krbNetwork,
		[]krbLine{krbSection("Additional Information"), {"Ticket Options", "TicketOptions"},
			{"Ticket Encryption Type", "TicketEncryptionType"}, {"Failure Code", "Status"}, {"Transited Services", "TransmittedServices"}}),
	close: "This event is generated every time access is requested to a resource such as a computer or a Windows service.  " +
		"The service name indicates the resource to which access was requested.\r\n\r\n" +
		"Ticket options, encryption types, and failure codes are defined in RFC 4120.",
}, {
	id: 4770, status: "", title: "A Kerberos service ticket was renewed.",
	lines: krbLayout([]krbLine{krbSection("Account Information"), {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}}, krbService, krbNetwork,
		[]krbLine{krbSection("Additional Information"), {"Ticket Options", "TicketOptions"},
			{"Ticket Encryption Type", "TicketEncryptionType"}}),
	close: "Ticket options and encryption types are defined in RFC 4120.",
}, {
	id: 4771, status: "0x18", title: "Kerberos pre-authentication failed.",
	lines: krbLayout([]krbLine{krbSection("Account Information"), {"Security ID", "TargetSid"}, {"Account Name", "TargetUserName"},
		krbSection("Service Information"), {"Service Name", "ServiceName"}}, krbNetwork,
		[]krbLine{krbSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"},
			{"Pre-Authentication Type", "PreAuthType"}}, krbCertificate),
	close: "Certificate information is only provided if a certificate was used for pre-authentication.\r\n\r\n" +
		"Pre-authentication types, ticket options and failure codes are defined in RFC 4120.",
}, {
	id: 4772, status: "0x6", title: "A Kerberos authentication ticket request failed.",
	lines: krbLayout(krbAccountAS, []krbLine{krbSection("Service Information"), {"Service Name", "ServiceName"}}, krbNetwork,
		[]krbLine{krbSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"}}),
	close: "Ticket options and failure codes are defined in RFC 4120.",
}, {
	id: 4773, status: "0x1B", title: "A Kerberos service ticket request failed.",
	lines: krbLayout([]krbLine{krbSection("Account Information"), {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}, krbSection("Service Information"), {"Service Name", "ServiceName"}}, krbNetwork,
		[]krbLine{krbSection("Additional Information"), {"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"}}),
	close: "Ticket options and failure codes are defined in RFC 4120.",
}}

func krbValue(name, status string) string {
	if name == "Status" {
		return status
	}
	return krbValues[name]
}

// krbMessage renders a case's message with its line breaks (NXLog's
// classic road keeps them); Snare's is this with each CR, LF and tab a space.
func krbMessage(title string, lines []krbLine, close, status string) string {
	var b strings.Builder
	b.WriteString(title)
	for _, l := range lines {
		if l.name == "" {
			fmt.Fprintf(&b, "\r\n\r\n%s:", l.label)
			continue
		}
		fmt.Fprintf(&b, "\r\n\t%s:\t\t%s", l.label, krbValue(l.name, status))
	}
	return b.String() + "\r\n\r\n" + close
}

func krbXML(id int, lines []krbLine, status string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>`+
		`<Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>%d</EventID><Level>0</Level>`+
		`<Keywords>%s</Keywords><TimeCreated SystemTime="%s"/><EventRecordID>1042</EventRecordID>`+
		`<Channel>Security</Channel><Computer>WKS-7.corp.example.org</Computer></System><EventData>`,
		id, krbKeywords(status), sampleTime)
	for _, l := range lines {
		if l.name != "" {
			fmt.Fprintf(&b, `<Data Name="%s">%s</Data>`, l.name, xmlEsc(krbValue(l.name, status)))
		}
	}
	b.WriteString("</EventData></Event>")
	return b.String()
}

func krbKeywords(status string) string {
	if status == "" || status == "0x0" {
		return "0x8020000000000000"
	}
	return "0x8010000000000000"
}

func krbSnare(id int, msg, status string) string {
	typ := "Success Audit"
	if krbKeywords(status) != "0x8020000000000000" {
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
		want := decodeRoad(t, krbXML(c.id, c.lines, c.status), false)
		shown := map[string]bool{}
		for _, l := range c.lines {
			shown[l.name] = true
		}
		for _, f := range ent.Fields {
			if shown[f.From] && !strings.HasPrefix(f.To, "winlog.") && krbValue(f.From, c.status) != "0x0" && want[f.To] == nil {
				t.Errorf("%s: XML road lacks %s (from %s)", name, f.To, f.From)
			}
		}
		msg := krbMessage(c.title, c.lines, c.close, c.status)
		compareEvents(t, name+" snare", want, decodeRoad(t, krbSnare(c.id, msg, c.status), false), true)
		nx := fmt.Sprintf("<14>Jun 30 08:00:00 WKS-7.corp.example.org Microsoft-Windows-Security-Auditing: %d: %s %s", c.id,
			map[bool]string{true: "AUDIT_SUCCESS", false: "AUDIT_FAILURE"}[krbKeywords(c.status) == "0x8020000000000000"], msg)
		compareEvents(t, name+" text", want, decodeRoad(t, nx, false), true)
	}
}

// TestKerberosLegacyText: the 2003 texts (672-677, msaudite.dll's labels
// without sections) give the fields of the modern event's XML.
func TestKerberosLegacyText(t *testing.T) {
	for _, c := range []struct {
		legacy, modern int
		status, text   string
		lines          []krbLine
	}{
		{672, 4768, "0x0", "Authentication Ticket Request:", []krbLine{{"User Name", "TargetUserName"},
			{"Supplied Realm Name", "TargetDomainName"}, {"User ID", "TargetSid"}, {"Service Name", "ServiceName"},
			{"Service ID", "ServiceSid"}, {"Ticket Options", "TicketOptions"}, {"Result Code", "Status"},
			{"Ticket Encryption Type", "TicketEncryptionType"}, {"Pre-Authentication Type", "PreAuthType"},
			{"Client Address", "IpAddress"}, {"Certificate Issuer Name", "CertIssuerName"},
			{"Certificate Serial Number", "CertSerialNumber"}, {"Certificate Thumbprint", "CertThumbprint"}}},
		{673, 4769, "0x0", "Service Ticket Request:", []krbLine{{"User Name", "TargetUserName"},
			{"User Domain", "TargetDomainName"}, {"Service Name", "ServiceName"}, {"Service ID", "ServiceSid"},
			{"Ticket Options", "TicketOptions"}, {"Ticket Encryption Type", "TicketEncryptionType"},
			{"Client Address", "IpAddress"}, {"Failure Code", "Status"}, {"Logon GUID", "LogonGuid"},
			{"Transited Services", "TransmittedServices"}}},
		{674, 4770, "", "Service Ticket Renewed:", []krbLine{{"User Name", "TargetUserName"},
			{"User Domain", "TargetDomainName"}, {"Service Name", "ServiceName"}, {"Service ID", "ServiceSid"},
			{"Ticket Options", "TicketOptions"}, {"Ticket Encryption Type", "TicketEncryptionType"},
			{"Client Address", "IpAddress"}}},
		{675, 4771, "0x18", "Pre-authentication failed:", []krbLine{{"User Name", "TargetUserName"},
			{"User ID", "TargetSid"}, {"Service Name", "ServiceName"}, {"Pre-Authentication Type", "PreAuthType"},
			{"Failure Code", "Status"}, {"Client Address", "IpAddress"}}},
		{676, 4772, "0x6", "Authentication Ticket Request Failed:", []krbLine{{"User Name", "TargetUserName"},
			{"Supplied Realm Name", "TargetDomainName"}, {"Service Name", "ServiceName"},
			{"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"}, {"Client Address", "IpAddress"}}},
		{677, 4773, "0x1B", "Service Ticket Request Failed:", []krbLine{{"User Name", "TargetUserName"},
			{"User Domain", "TargetDomainName"}, {"Service Name", "ServiceName"},
			{"Ticket Options", "TicketOptions"}, {"Failure Code", "Status"}, {"Client Address", "IpAddress"}}},
	} {
		want := decodeRoad(t, krbXML(c.modern, c.lines, c.status), false)
		var b strings.Builder
		b.WriteString(c.text)
		for _, l := range c.lines {
			fmt.Fprintf(&b, "   %s: %s", l.label, krbValue(l.name, c.status))
		}
		kw := map[bool]string{true: "AUDIT_SUCCESS", false: "AUDIT_FAILURE"}[krbKeywords(c.status) == "0x8020000000000000"]
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
