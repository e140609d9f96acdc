package windows

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// The sample records of the roads test (roads_test.go): one record per
// catalog row, made from the row's EventData names, and written in the
// shape each road gives it (the event XML, with or without RenderingInfo,
// Winlogbeat's JSON, NXLog's JSON in its three shapes, evtx_dump's JSON,
// Snare's text with either separator).

// sample is one generated record.
type sample struct {
	ent      *wincatalog.Entry
	provider string
	audit    bool // Audit Success keyword
	data     [][2]string
}

// sampleValue is a value of an EventData name that the decode accepts.
func sampleValue(f wincatalog.Field) string {
	switch f.Decode {
	case wincatalog.DecodeHex:
		return "0x1a2c"
	case wincatalog.DecodeInt:
		return "4242"
	case wincatalog.DecodeSID:
		return "S-1-5-21-1111111111-2222222222-3333333333-1105"
	case wincatalog.DecodeLogonID:
		return "0x8A5F21C"
	case wincatalog.DecodeLogonType:
		return "3"
	case wincatalog.DecodeStatus:
		return "0xC000006A"
	case wincatalog.DecodeMessage:
		return "%%2313"
	case wincatalog.DecodeUAC:
		return "0x15"
	case wincatalog.DecodeAccessMask:
		return "0x6"
	case wincatalog.DecodeDirection:
		return "%%14593"
	case wincatalog.DecodeAccount:
		return `CORP\alice`
	case wincatalog.DecodeHashes:
		return "SHA1=0A1B2C3D4E5F60718293A4B5C6D7E8F901234567,MD5=00112233445566778899AABBCCDDEEFF," +
			"SHA256=00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF,IMPHASH=FFEEDDCCBBAA99887766554433221100"
	case wincatalog.DecodeObjectPath:
		return `C:\Data\Reports\q3 "final".docx`
	case wincatalog.DecodeIP:
		return "::ffff:192.0.2.10"
	case wincatalog.DecodePort:
		return "49152"
	case wincatalog.DecodeHost:
		return "WKS-7"
	case wincatalog.DecodeInitiated:
		return "true"
	case wincatalog.DecodeDNSResults:
		return "type:  5 cdn.example.net;::ffff:192.0.2.44;192.0.2.45;"
	case wincatalog.DecodeRegistryPath:
		return `HKLM\SOFTWARE\Contoso\Run\updater`
	case wincatalog.DecodeServiceType:
		return "0x10"
	case wincatalog.DecodeRegistryData:
		return "DWORD (0x0000002a)"
	case wincatalog.DecodeArgv, wincatalog.DecodeArgvQuoted:
		return `"C:\Program Files\Contoso\tool.exe" -run now`
	case wincatalog.DecodeIANANumber:
		return "6"
	case wincatalog.DecodeSignedFailure:
		return "failed: Invalid hash"
	case wincatalog.DecodeSharePath:
		return `\Reports\Q3 "final".docx`
	case wincatalog.DecodeURL:
		return "https://dl.example.org:8443/pkg/agent.msi?ch=stable"
	case wincatalog.DecodeContextInfo:
		return "        Host Name = ConsoleHost\r\n        Host Application = powershell.exe -nop\r\n        User = CORP\\alice\r\n"
	case wincatalog.DecodeIPv6Flag:
		return "false"
	case wincatalog.DecodeDefenderPath, wincatalog.DecodeDefenderPaths:
		return `file:_C:\Users\alice\Downloads\invoice.js`
	case wincatalog.DecodeDNSStatus:
		return "9003"
	case wincatalog.DecodeBool:
		return "true"
	case wincatalog.DecodeSignatureValid:
		return "Valid"
	case wincatalog.DecodeDNSQuery:
		return "www.example.com"
	case wincatalog.DecodeTicketOptions:
		return "0x40810000"
	case wincatalog.DecodeKerberosEncType:
		return "0x12"
	case wincatalog.DecodeKerberosStatus:
		return "0x18"
	case wincatalog.DecodeInvocationDetails:
		return "CommandInvocation(Get-Date): \"Get-Date\"\r\nParameterBinding(Out-Default): name=\"InputObject\"; value=\"x\""
	case wincatalog.DecodeVerbatim:
		return "Get-Date |\r\n    "
	case wincatalog.DecodeTrustType, wincatalog.DecodeTrustDirection:
		return "2"
	case wincatalog.DecodeTrustAttribute:
		return "8"
	case wincatalog.DecodeFQBN:
		return `O=CONTOSO LTD, L=REDMOND, S=WASHINGTON, C=US\CONTOSO TOOLS\TOOL.EXE\2.1.0.0`
	case wincatalog.DecodePath:
		return `C:\Program Files\Contoso\agent.exe`
	case wincatalog.DecodeUTCTime:
		return "2019-06-01 10:00:00.250"
	case wincatalog.DecodeGUID:
		return "{7d3c2a10-4b1e-67c6-2a01-000000001200}"
	case wincatalog.DecodeNamed:
		return `\contoso_svc_pipe`
	case wincatalog.DecodePathOnHost:
		return `C:\Windows\system32\shutdown.exe (WKS-7)`
	case wincatalog.DecodeSIDNames:
		return "\r\n\t\t%{S-1-5-32-544}\r\n\t\t%{S-1-5-21-1111111111-2222222222-3333333333-1105}"
	case wincatalog.DecodeTaskXML:
		return `<?xml version="1.0" encoding="UTF-16"?><Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">` +
			`<RegistrationInfo><URI>\Contoso\Updater</URI></RegistrationInfo><Triggers><LogonTrigger><Enabled>true</Enabled>` +
			`<Repetition><Interval>PT1H</Interval></Repetition></LogonTrigger></Triggers><Actions Context="Author"><Exec>` +
			`<Command>C:\Program Files\Contoso\updater.exe</Command><Arguments>/check &amp; /quiet</Arguments></Exec></Actions></Task>`
	case wincatalog.DecodeMessageCodes:
		return "\r\n\t\t%%2080\r\n\t\t%%2084"
	case wincatalog.DecodeMessages:
		return "%%4417\r\n\t\t\t\t%%4418\r\n\t\t\t\t"
	case wincatalog.DecodeWords:
		return "SeBackupPrivilege\r\n\t\t\tSeDebugPrivilege"
	case wincatalog.DecodeSDDL:
		return "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;;0x1200a9;;;BU)S:AI(AU;SA;WDWO;;;WD)"
	}
	switch {
	case strings.HasPrefix(f.To, "winlog.logon.failure."):
		return "0xC000006D"
	case strings.HasSuffix(f.To, "user.name") || strings.HasSuffix(f.To, ".name") && strings.HasPrefix(f.To, "user."):
		return "alice"
	case strings.HasSuffix(f.To, "executable") || strings.HasSuffix(f.To, ".path"):
		return `C:\Program Files\Contoso\` + f.From + `.exe`
	}
	return "v-" + strings.ReplaceAll(f.From, " ", "_") + " & <more>"
}

// makeSample builds the record of a row: each EventData name once, with
// the value of its first (most specific) map.
func makeSample(ent *wincatalog.Entry) sample {
	s := sample{ent: ent, provider: providerOf(ent), audit: ent.Outcome != wincatalog.OutcomeFailure}
	seen := map[string]bool{}
	for _, f := range ent.Fields {
		if seen[f.From] {
			continue
		}
		seen[f.From] = true
		s.data = append(s.data, [2]string{f.From, sampleValue(f)})
		if f.Decode == wincatalog.DecodeObjectPath || f.Decode == wincatalog.DecodeAccessMask {
			if !seen["ObjectType"] {
				seen["ObjectType"] = true
				s.data = append(s.data, [2]string{"ObjectType", "File"})
			}
		}
		if f.Decode == wincatalog.DecodeRegistryPath && !seen["EventType"] {
			seen["EventType"] = true
			s.data = append(s.data, [2]string{"EventType", "SetValue"})
		}
	}
	return s
}

func providerOf(ent *wincatalog.Entry) string {
	if ent.Channel == wincatalog.ChannelSecurity {
		return "Microsoft-Windows-Security-Auditing"
	}
	if ent.Subcategory != "" && ent.Subcategory != "-" && !strings.HasPrefix(ent.Channel, "Microsoft-Windows-Sysmon") {
		return ent.Subcategory // the provider column of channels.txt
	}
	return "Microsoft-Windows-Sysmon"
}

const sampleTime = "2026-06-30T08:00:00.1234567Z"

func xmlEsc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func jsonStr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (s sample) keyword() string {
	if s.audit {
		return "Audit Success"
	}
	return "Audit Failure"
}

// xml is the rendered event XML, with RenderingInfo when rendering.
func (s sample) xml(rendering bool) string {
	var b strings.Builder
	mask := "0x8020000000000000"
	if !s.audit {
		mask = "0x8010000000000000"
	}
	fmt.Fprintf(&b, `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="%s"/>`+
		`<EventID>%d</EventID><Level>0</Level><Keywords>%s</Keywords><TimeCreated SystemTime="%s"/>`+
		`<EventRecordID>1042</EventRecordID><Channel>%s</Channel><Computer>WKS-7.corp.example.org</Computer></System><EventData>`,
		xmlEsc(s.provider), s.ent.ID, mask, sampleTime, xmlEsc(s.ent.Channel))
	for _, d := range s.data {
		fmt.Fprintf(&b, `<Data Name="%s">%s</Data>`, xmlEsc(d[0]), xmlEsc(d[1]))
	}
	b.WriteString("</EventData>")
	if rendering {
		fmt.Fprintf(&b, `<RenderingInfo Culture="en-US"><Message>%s</Message><Level>Information</Level>`+
			`<Keywords><Keyword>%s</Keyword></Keywords></RenderingInfo>`, xmlEsc(s.ent.Name), s.keyword())
	}
	b.WriteString("</Event>")
	return b.String()
}

func (s sample) winlogbeat() string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"@timestamp":"%s","message":%s,"winlog":{"event_id":"%d","channel":%s,"provider_name":%s,`+
		`"computer_name":"WKS-7.corp.example.org","record_id":1042,"keywords":[%q],"event_data":{`,
		sampleTime, jsonStr(s.ent.Name), s.ent.ID, jsonStr(s.ent.Channel), jsonStr(s.provider), s.keyword())
	for i, d := range s.data {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%s", jsonStr(d[0]), jsonStr(d[1]))
	}
	b.WriteString("}}}")
	return b.String()
}

// evtx is evtx_dump's JSON rendering of the event XML.
func (s sample) evtx() string {
	var b strings.Builder
	mask := "0x8020000000000000"
	if !s.audit {
		mask = "0x8010000000000000"
	}
	fmt.Fprintf(&b, `{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{`+
		`"Provider":{"#attributes":{"Name":%s}},"EventID":%d,"Level":0,"Keywords":%q,"TimeCreated":{"#attributes":{"SystemTime":%q}},`+
		`"EventRecordID":1042,"Channel":%s,"Computer":"WKS-7.corp.example.org"},"EventData":{`,
		jsonStr(s.provider), s.ent.ID, mask, sampleTime, jsonStr(s.ent.Channel))
	for i, d := range s.data {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%s", jsonStr(d[0]), jsonStr(d[1]))
	}
	b.WriteString("}}}")
	return b.String()
}

// inSysmonOrder is s with its data in the order Sysmon's message gives
// them, without names its event does not have (a group's maps serve
// several events): a message's labels are read in that order.
func (s sample) inSysmonOrder() sample {
	order, ok := sysmonOrder[s.ent.ID]
	if !ok || s.ent.Channel != wincatalog.ChannelSysmon {
		return s
	}
	out := s
	out.data = nil
	for _, name := range order {
		for _, d := range s.data {
			if d[0] == name {
				out.data = append(out.data, d)
			}
		}
	}
	return out
}

// snare is a Snare record; its message is Microsoft's title, or for Sysmon
// (whose messages label values by their EventData names) "Name: value" pairs.
func (s sample) snare(sep string) string {
	msg := s.ent.Name
	if s.ent.Channel == wincatalog.ChannelSysmon {
		var b strings.Builder
		b.WriteString(s.ent.Name + ":")
		for _, d := range s.data {
			fmt.Fprintf(&b, " %s: %s", d[0], d[1])
		}
		msg = b.String()
	}
	typ := "Success Audit"
	if !s.audit {
		typ = "Failure Audit"
	}
	f := []string{"MSWinEventLog", "1", s.ent.Channel, "77", "Tue Jun 30 08:00:00 2026", fmt.Sprint(s.ent.ID), s.provider,
		"N/A", "N/A", typ, "WKS-7.corp.example.org", s.ent.Subcategory, "", msg, "1042"}
	return "<14>Jun 30 08:00:00 WKS-7 " + strings.Join(f, sep)
}
