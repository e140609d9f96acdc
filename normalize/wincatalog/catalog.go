package wincatalog

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Outcome says where an event's event.outcome comes from.
type Outcome uint8

const (
	// OutcomeKeyword: the record's audit keyword (Audit Success / Audit
	// Failure); success when the record has none.
	OutcomeKeyword Outcome = iota
	// OutcomeSuccess: always success (Microsoft documents the id as (S)).
	OutcomeSuccess
	// OutcomeFailure: always failure (documented as (F)).
	OutcomeFailure
	// OutcomeCode: from the result or status code the EventData value
	// Entry.OutcomeFrom holds: success when it is zero, failure when it
	// is another number; the keyword's rule when the record lacks it.
	OutcomeCode
	// OutcomeExitCode: from a program's exit code the EventData value
	// Entry.OutcomeFrom holds: success when it is zero, unknown when it is
	// another number (a program's own convention: robocopy's 1 is files
	// copied); the keyword's rule when the record lacks it.
	OutcomeExitCode
)

func (o Outcome) String() string {
	switch o {
	case OutcomeSuccess:
		return "success"
	case OutcomeFailure:
		return "failure"
	case OutcomeCode:
		return "code"
	case OutcomeExitCode:
		return "exit code"
	}
	return "keyword"
}

// Entry is what one event id of one channel means.
type Entry struct {
	Channel     string   // canonical channel name: "Security", "System", "Microsoft-Windows-Sysmon/Operational"...
	ID          int      // event id
	Name        string   // Microsoft's title of the event
	Category    string   // audit policy category ("Logon/Logoff"); for other channels the channel's short name
	Subcategory string   // audit subcategory ("Logon"); several joined by "; " when Microsoft lists the id under several
	ECSCategory []string // event.category, ECS allowed values only
	ECSType     []string // event.type, ECS allowed values only
	Action      string   // event.action, lower-case and hyphenated
	Outcome     Outcome
	OutcomeFrom string   // the EventData name of the code an OutcomeCode or OutcomeExitCode is read from
	Fields      []Field  // EventData name -> ECS field, in precedence order
	FieldSpec   []string // Fields as written in the table (group names and single maps), for the docs
}

// Field maps one EventData name to an ECS (or winlog.*) field. When
// several Fields of an Entry have the same To, the first whose value is
// present and decodes wins (FailureReason before SubStatus before Status).
type Field struct {
	From   string
	To     string
	Decode Decode
	// Earlier has bit j set when Fields[j], an earlier map of the same
	// Entry, has the same To (maps past the 64th have none): a decoder
	// skips a map whose target an earlier one set without comparing names.
	Earlier uint64
}

// Decode names how a raw EventData value becomes the field's value.
type Decode uint8

const (
	DecodeNone              Decode = iota
	DecodeHex                      // "0x1a2c" (or a 2003 decimal) -> integer: pids, exit codes
	DecodeInt                      // decimal integer (WFP and Sysmon pids)
	DecodeSID                      // kept only when it is an "S-1-..." SID
	DecodeLogonID                  // lower-case hex "0x3e7"; 2003's "(0x0,0x3E7)" joined
	DecodeLogonType                // number -> LogonType name
	DecodeStatus                   // NTSTATUS or Kerberos result code -> Status text
	DecodeMessage                  // "%%2313" parameter message -> its text (logon failure reasons)
	DecodeUAC                      // hex account-control value -> UACFlags names
	DecodeAccessMask               // hex access mask -> AccessMask names
	DecodeDirection                // "%%14592"/"%%14593" -> "inbound"/"outbound"
	DecodeAccount                  // "DOMAIN\name" -> name (the domain goes to the sibling .domain field)
	DecodeHashes                   // Sysmon "SHA256=...,MD5=..." -> <To>.sha256, <To>.md5 ...
	DecodeObjectPath               // file.path for ObjectType File, registry.path for Key, else kept in winlog.event_data
	DecodeIP                       // kept only when an IP address ("::ffff:" unmapped)
	DecodePort                     // kept only when a port number (0 included: Microsoft's value for a local or interactive logon)
	DecodeHost                     // host or domain name; "-" and empty skipped
	DecodeInitiated                // Sysmon Initiated "true"/"false" -> "egress"/"ingress" (host-based direction)
	DecodeDNSResults               // Sysmon QueryResults "type:  5 a.example;::ffff:192.0.2.1;" -> the addresses, all answers in dns.answers
	DecodeRegistryPath             // "HKLM\Software\k\v" -> <To> and registry.hive/key/value (value for value events)
	DecodeServiceType              // "0x10" -> "Win32 Own Process" (Microsoft's 4697 page); a name kept as it is
	DecodeRegistryData             // Sysmon Details "DWORD (0x00000001)" -> <To>.strings ["1"] and <To>.type
	DecodeArgv                     // command line -> <To> (args, as Windows' CommandLineToArgvW splits them) and <To>_count
	DecodeArgvQuoted               // command line -> <To>, split at white space outside quotes, quotes kept (Winlogbeat's 4688 split)
	DecodeContextInfo              // PowerShell 4103's ContextInfo "Key = Value" lines -> process.*, user.*, powershell.*
	DecodeIPv6Flag                 // Sysmon SourceIsIpv6 "true"/"false" -> "ipv6"/"ipv4"
	DecodeVerbatim                 // the value exactly as given, white space kept (a script block part's text)
	DecodeDNSQuery                 // Sysmon QueryName -> <To>, related.hosts, network.protocol "dns", and (<To> a .name) the name's registered_domain, top_level_domain, subdomain by the Public Suffix List
	DecodeDNSStatus                // Sysmon QueryStatus "9003" -> "DNS_ERROR_RCODE_NAME_ERROR" (an unknown code kept)
	DecodeBool                     // "true"/"false" (any case) -> a boolean
	DecodeDefenderPath             // Defender's "file:_C:\x.exe; process:_pid:..." -> the first resource's path, "file:_" cut
	DecodeTicketOptions            // Kerberos TicketOptions "0x40810000" -> the option names (TicketOptions)
	DecodeKerberosEncType          // Kerberos TicketEncryptionType "0x12" -> "AES256-CTS-HMAC-SHA1-96"
	DecodeKerberosStatus           // Kerberos result code "0x18" -> "KDC_ERR_PREAUTH_FAILED"
	DecodeInvocationDetails        // PowerShell's "CommandInvocation(Get-Date): ..." lines -> {type, related_command, name, value} objects
	DecodeTrustType                // 4706/4716 TdoType "3" -> "TRUST_TYPE_MIT"
	DecodeTrustDirection           // TdoDirection "3" -> "TRUST_DIRECTION_BIDIRECTIONAL"
	DecodeTrustAttribute           // TdoAttributes "1" -> "TRUST_ATTRIBUTE_NON_TRANSITIVE" (one flag only)
	DecodeWords                    // "SeA\r\n\t\t\tSeB" -> ["SeA", "SeB"] (split at white space; "-" kept as it is)
	DecodeMessages                 // "%%4417 %%4418", "%%8449, %%8451" -> ["WriteData (or AddFile)", ...] (the codes Message knows)
	DecodeFQBN                     // AppLocker's "O=PUBLISHER, C=US\\PRODUCT\\FILE\\1.0" -> <To>.x509.subject.* and <To>.pe.product, original_file_name, file_version
	DecodeDefenderPaths            // Defender's Path -> every resource's path or name ("file:_", "process:_" cut)
	DecodePath                     // kept only when a path (holds a "\\"): Defender's "Unknown" process is none
	DecodeSIDNames                 // "%{S-1-5-32-544} %{S-1-5-21-9-9-9-1104}" -> ["Administrators", "S-1-5-21-9-9-9-1104"] (a SID no name is known for as it is)
	DecodeMessageCodes             // "%%2080 %%2082" -> ["2080", "2082"] (Winlogbeat's UserAccountControl); a value not all codes kept as it came
	DecodeTaskXML                  // a scheduled task's XML -> <To>.uri, <To>.actions [{type, context, command, arguments...}], <To>.principals [{id, user.identifier, group.identifier, logon.type, run_level}], <To>.settings.enabled/hidden, <To>.triggers [{type, enabled, repetition, definition}]
	DecodeSignatureValid           // Sysmon SignatureStatus -> true when "Valid", false for another verdict (Expired, Revoked...), nothing when "Unavailable" (unsigned)
	DecodeIANANumber               // an IP protocol number "6" -> network.iana_number, and network.transport its name ("tcp"); not a number: none
	DecodeSignedFailure            // Sysmon's Signed when its check failed ("failed: Invalid hash") -> <To>: the failure as the signature's status; nothing for "true" or "false"
	DecodeSharePath                // a name relative to a share (5145's RelativeTargetName) -> <To>: the share's local path (ShareLocalPath, its \??\ cut) joined with it; nothing without the share's path
	DecodeURL                      // a URL transferred with (BITS) -> <To>.original, and for an absolute URL <To>.full, .scheme, .domain, .port (when given), .path, .query, and its host as destination.address and destination.ip or .domain
	DecodeSDDL                     // a security descriptor "O:BAD:(A;;GA;;;SY)" -> <To>Owner, <To>Group, <To>Dacl0..., <To>Sacl0... (ParseSDDL)
	DecodeRegistryKeyValue         // a registry key (4657's ObjectName) and its ObjectValueName -> <To> "HKLM\Software\k\v" (ECS: key + "\\" + value) and registry.hive/key/value, as DecodeRegistryPath gives Sysmon's
	DecodeNamed                    // a name or path; Sysmon's words in angle brackets for none ("<unknown process>" Image, "<Anonymous Pipe>") none
	DecodeGUID                     // a GUID (Sysmon's ProcessGuid); all zeros, Sysmon's for a process it could not tell, none
	DecodeUTCTime                  // Sysmon's "2025-03-04 09:10:11.498" (UTC) -> "2025-03-04T09:10:11.498Z"; not such a time: none
	DecodePathOnHost               // User32 1074's process "C:\Windows\system32\shutdown.exe (WS12)" -> <To> the path, its " (computer)" cut; kept only when a path (holds a "\\")
)

var decodeNames = [...]string{
	DecodeNone: "", DecodeHex: "hex", DecodeInt: "int", DecodeSID: "sid", DecodeLogonID: "logon-id",
	DecodeLogonType: "logon-type", DecodeStatus: "status", DecodeMessage: "message", DecodeUAC: "uac",
	DecodeAccessMask: "access-mask", DecodeDirection: "direction", DecodeAccount: "account",
	DecodeHashes: "hashes", DecodeObjectPath: "object-path", DecodeIP: "ip", DecodePort: "port",
	DecodeHost: "host", DecodeInitiated: "initiated", DecodeDNSResults: "dns-results",
	DecodeRegistryPath: "registry-path", DecodeServiceType: "service-type", DecodeRegistryData: "registry-data",
	DecodeArgv: "argv", DecodeArgvQuoted: "argv-quoted", DecodeContextInfo: "context-info", DecodeIPv6Flag: "ipv6-flag",
	DecodeVerbatim: "verbatim", DecodeDNSQuery: "dns-query", DecodeDNSStatus: "dns-status", DecodeBool: "bool",
	DecodeDefenderPath: "defender-path", DecodeTicketOptions: "ticket-options", DecodeKerberosEncType: "krb-etype",
	DecodeKerberosStatus: "krb-status", DecodeInvocationDetails: "invocation-details",
	DecodeTrustType: "trust-type", DecodeTrustDirection: "trust-direction", DecodeTrustAttribute: "trust-attribute",
	DecodeWords: "words", DecodeMessages: "messages", DecodeSIDNames: "sid-names", DecodePath: "path",
	DecodeDefenderPaths: "defender-paths", DecodeFQBN: "fqbn", DecodeMessageCodes: "message-codes",
	DecodeTaskXML: "task-xml", DecodeSDDL: "sddl", DecodeSignatureValid: "signature-valid", DecodeURL: "url", DecodeSharePath: "share-path", DecodeSignedFailure: "signed-failure", DecodeIANANumber: "iana-number",
	DecodeRegistryKeyValue: "registry-key-value", DecodePathOnHost: "path-on-host", DecodeNamed: "named", DecodeGUID: "guid", DecodeUTCTime: "utc-time",
}

func (d Decode) String() string { return decodeNames[d] }

func parseDecode(s string) (Decode, bool) {
	for i, n := range decodeNames {
		if n == s {
			return Decode(i), true
		}
	}
	return 0, false
}

// Channel names as Windows writes them in <Channel>.
const (
	ChannelSecurity     = "Security"
	ChannelSystem       = "System"
	ChannelSysmon       = "Microsoft-Windows-Sysmon/Operational"
	ChannelPowerShell   = "Microsoft-Windows-PowerShell/Operational"
	ChannelDefender     = "Microsoft-Windows-Windows Defender/Operational"
	ChannelTaskSched    = "Microsoft-Windows-TaskScheduler/Operational"
	ChannelWMI          = "Microsoft-Windows-WMI-Activity/Operational"
	ChannelFirewall     = "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"
	ChannelRDPConnMgr   = "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational"
	ChannelRDPLocalSess = "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"
	ChannelBITS         = "Microsoft-Windows-Bits-Client/Operational"
	// ChannelPowerShellClassic is the classic log of Windows PowerShell
	// (engine and provider lifecycle, pipeline execution details).
	ChannelPowerShellClassic = "Windows PowerShell"
	// AppLocker's logs, one per rule collection (Microsoft-Windows-AppLocker
	// writes to all four).
	ChannelAppLockerExe    = "Microsoft-Windows-AppLocker/EXE and DLL"
	ChannelAppLockerScript = "Microsoft-Windows-AppLocker/MSI and Script"
	ChannelAppLockerAppRun = "Microsoft-Windows-AppLocker/Packaged app-Execution"
	ChannelAppLockerAppAdd = "Microsoft-Windows-AppLocker/Packaged app-Deployment"
	// ChannelCodeIntegrity is App Control for Business's (WDAC's) log: the
	// images it refused to load, or would have under an audit policy.
	ChannelCodeIntegrity = "Microsoft-Windows-CodeIntegrity/Operational"
	// ChannelDNSClient is the DNS client's log: a record for every name
	// any program looks up, so it is read only on request (optIn).
	ChannelDNSClient = "Microsoft-Windows-DNS-Client/Operational"
)

// channelInfo is one channel the catalog knows: its canonical name, its
// short name (Entry.Category of its rows) and the provider names that
// log only to it (so a record that names only its provider still finds
// its rows).
type channelInfo struct {
	name      string
	short     string
	providers []string
	optIn     bool // a firehose: not among DefaultChannels, read when named
}

// channels lists the channels in the docs' order; index = channel number.
var channels = []channelInfo{
	{ChannelSecurity, "Security", []string{"Microsoft-Windows-Security-Auditing"}, false},
	{ChannelSysmon, "Sysmon", []string{"Microsoft-Windows-Sysmon"}, false},
	{ChannelSystem, "System", []string{"Service Control Manager", "EventLog", "User32"}, false},
	{ChannelPowerShell, "PowerShell", []string{"Microsoft-Windows-PowerShell"}, false},
	{ChannelDefender, "Windows Defender", []string{"Microsoft-Windows-Windows Defender"}, false},
	{ChannelTaskSched, "Task Scheduler", []string{"Microsoft-Windows-TaskScheduler"}, false},
	{ChannelWMI, "WMI Activity", []string{"Microsoft-Windows-WMI-Activity"}, false},
	{ChannelFirewall, "Windows Firewall", []string{"Microsoft-Windows-Windows Firewall With Advanced Security"}, false},
	{ChannelRDPConnMgr, "Remote Desktop", []string{"Microsoft-Windows-TerminalServices-RemoteConnectionManager"}, false},
	{ChannelRDPLocalSess, "Remote Desktop", []string{"Microsoft-Windows-TerminalServices-LocalSessionManager"}, false},
	{ChannelBITS, "BITS", []string{"Microsoft-Windows-Bits-Client"}, false},
	{ChannelPowerShellClassic, "Windows PowerShell", []string{"PowerShell"}, false},
	{ChannelAppLockerExe, "AppLocker", nil, false},
	{ChannelAppLockerScript, "AppLocker", nil, false},
	{ChannelAppLockerAppRun, "AppLocker", nil, false},
	{ChannelAppLockerAppAdd, "AppLocker", nil, false},
	{ChannelCodeIntegrity, "Code Integrity", []string{"Microsoft-Windows-CodeIntegrity"}, false},
	{ChannelDNSClient, "DNS Client", []string{"Microsoft-Windows-DNS-Client"}, true},
}

// maxSecurityID bounds the Security index array (the highest documented id is 6424).
const maxSecurityID = 6424

var (
	//go:embed security.txt
	securityText string
	//go:embed channels.txt
	channelsText string

	// parsed is the two tables, parsed on the first lookup (catalogTables).
	parsed struct {
		once sync.Once
		t    *tables
	}
)

// catalogTables returns the tables, parsing them on the first call (a
// sync.Once the compiler inlines: every lookup of every Windows record
// calls this).
func catalogTables() *tables {
	parsed.once.Do(parseTables)
	return parsed.t
}

// tables are security.txt and channels.txt parsed and indexed.
type tables struct {
	securityRows  []Entry
	securityIndex [maxSecurityID + 1]uint16 // id -> 1 + index into securityRows; 0 = unknown
	channelRows   []Entry                   // every other channel's rows
	channelIndex  map[uint32]uint16         // channel<<16 | id -> 1 + index into channelRows
}

// parseTables parses the tables on the first lookup, not at start: a
// relay that never sees a Windows event kept ~0.4 MB of rows on the heap
// for nothing. The tests parse them, so a bad row fails there.
func parseTables() {
	t := new(tables)
	rows, err := parseTable(securityText, false)
	if err != nil {
		panic("wincatalog: security.txt: " + err.Error())
	}
	t.securityRows = rows
	for i := range t.securityRows {
		e := &t.securityRows[i]
		if e.ID <= 0 || e.ID > maxSecurityID || t.securityIndex[e.ID] != 0 {
			panic(fmt.Sprintf("wincatalog: security.txt: id %d out of range or repeated", e.ID))
		}
		t.securityIndex[e.ID] = uint16(i + 1)
	}
	rows, err = parseTable(channelsText, true)
	if err != nil {
		panic("wincatalog: channels.txt: " + err.Error())
	}
	t.channelRows = rows
	t.channelIndex = make(map[uint32]uint16, len(t.channelRows))
	for i := range t.channelRows {
		e := &t.channelRows[i]
		ch := channelNumber(e.Channel)
		key := uint32(ch)<<16 | uint32(e.ID)
		if ch <= 0 || e.ID <= 0 || e.ID > 0xffff || t.channelIndex[key] != 0 {
			panic(fmt.Sprintf("wincatalog: channels.txt: %s %d unknown channel, bad or repeated id", e.Channel, e.ID))
		}
		t.channelIndex[key] = uint16(i + 1)
	}
	parsed.t = t
}

func init() { buildLegacy() }

// Security returns the meaning of a Security log event id (modern ids;
// pass a legacy id through Modern first).
func Security(id int) (*Entry, bool) {
	if id <= 0 || id > maxSecurityID {
		return nil, false
	}
	t := catalogTables()
	i := t.securityIndex[id]
	if i == 0 {
		return nil, false
	}
	return &t.securityRows[i-1], true
}

// Lookup returns the meaning of event id in a channel, named by its
// channel ("Microsoft-Windows-Sysmon/Operational") or, failing that, by a
// provider that logs only there ("Microsoft-Windows-Sysmon"); case is
// ignored. Security ids are the modern ones (see Modern).
func Lookup(channel string, id int) (*Entry, bool) {
	ch := channelNumber(channel)
	if ch < 0 {
		return nil, false
	}
	if ch == 0 {
		return Security(id)
	}
	if id <= 0 || id > 0xffff {
		return nil, false
	}
	t := catalogTables()
	i := t.channelIndex[uint32(ch)<<16|uint32(id)]
	if i == 0 {
		return nil, false
	}
	return &t.channelRows[i-1], true
}

// channelNumber is the index in channels of a channel or provider name, or -1.
func channelNumber(name string) int {
	// Records name their channel as the catalog spells it: compared as
	// written first (mostly a length compare), as strings.EqualFold cost
	// ~100 instructions a name, and every record of a channel other than
	// Security went through a dozen of them. The same index either way:
	// no provider name is another channel's name in any case (a test
	// checks it).
	if i := channelNumberExact(name); i >= 0 {
		return i
	}
	for i := range channels {
		if strings.EqualFold(name, channels[i].name) {
			return i
		}
	}
	for i := range channels {
		for _, p := range channels[i].providers {
			if strings.EqualFold(name, p) {
				return i
			}
		}
	}
	return -1
}

// channelNumberExact is channelNumber for a name as the catalog writes it.
func channelNumberExact(name string) int {
	for i := range channels {
		if name == channels[i].name {
			return i
		}
	}
	for i := range channels {
		for _, p := range channels[i].providers {
			if name == p {
				return i
			}
		}
	}
	return -1
}

// Channels returns the canonical names of the channels the catalog knows, Security first.
func Channels() []string {
	names := make([]string, len(channels))
	for i, c := range channels {
		names[i] = c.name
	}
	return names
}

// DefaultChannels returns the channels an agent reads unless told which:
// every channel the catalog knows but those whose volume makes them
// opt-in (the DNS client's, a record per name looked up).
func DefaultChannels() []string {
	var names []string
	for _, c := range channels {
		if !c.optIn {
			names = append(names, c.name)
		}
	}
	return names
}

// Entries returns the rows of one channel in table order (a copy of the
// slice; the entries are shared and must not be modified).
func Entries(channel string) []*Entry {
	ch := channelNumber(channel)
	t := catalogTables()
	var out []*Entry
	switch {
	case ch == 0:
		for i := range t.securityRows {
			out = append(out, &t.securityRows[i])
		}
	case ch > 0:
		for i := range t.channelRows {
			if channelNumber(t.channelRows[i].Channel) == ch {
				out = append(out, &t.channelRows[i])
			}
		}
	}
	return out
}

// parseTable reads the rows of security.txt (withChannel false) or
// channels.txt (true). A row is fields separated by "|", spaces around
// them ignored; "#" starts a comment line. Columns:
//
//	[channel |] id | outcome | ecs categories | ecs types | action | subcategory | name | fields
//
// outcome is S, F, K (keyword), C:Name (the code EventData Name holds:
// 0 success, another number failure) or E:Name (a program's exit code:
// 0 success, another number unknown); categories, types and fields are
// comma-separated; a field is a group name (fieldGroups) or
// "EventDataName>ecs.field[:decode]".
func parseTable(text string, withChannel bool) ([]Entry, error) {
	var rows []Entry
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		cols := strings.Split(line, "|")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		var e Entry
		if withChannel {
			if len(cols) == 0 {
				continue
			}
			e.Channel, cols = cols[0], cols[1:]
		} else {
			e.Channel = ChannelSecurity
		}
		if len(cols) != 8 {
			return nil, fmt.Errorf("line %d: %d columns, want 8", n+1, len(cols))
		}
		id, err := strconv.Atoi(cols[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: id: %v", n+1, err)
		}
		e.ID = id
		switch cols[1] {
		case "S":
			e.Outcome = OutcomeSuccess
		case "F":
			e.Outcome = OutcomeFailure
		case "K":
			e.Outcome = OutcomeKeyword
		default:
			e.Outcome = OutcomeCode
			name, ok := strings.CutPrefix(cols[1], "C:")
			if !ok {
				e.Outcome = OutcomeExitCode
				name, ok = strings.CutPrefix(cols[1], "E:")
			}
			if !ok || name == "" {
				return nil, fmt.Errorf("line %d: outcome %q, want S, F, K, C:Name or E:Name", n+1, cols[1])
			}
			e.OutcomeFrom = name
		}
		e.ECSCategory = splitList(cols[2])
		e.ECSType = splitList(cols[3])
		e.Action = cols[4]
		e.Subcategory = cols[5]
		e.Name = cols[6]
		if withChannel {
			e.Category = channels[max(channelNumber(e.Channel), 0)].short
		} else if e.Category = auditCategory(e.Subcategory); e.Category == "" {
			return nil, fmt.Errorf("line %d: unknown audit subcategory %q", n+1, e.Subcategory)
		}
		e.FieldSpec = splitList(cols[7])
		if e.Fields, err = expandFields(e.FieldSpec); err != nil {
			return nil, fmt.Errorf("line %d: %v", n+1, err)
		}
		markEarlier(e.Fields)
		rows = append(rows, e)
	}
	return rows, nil
}

func splitList(s string) []string {
	if s == "" || s == "-" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// expandFields turns a row's field tokens into Fields.
func expandFields(spec []string) ([]Field, error) {
	var out []Field
	for _, tok := range spec {
		if !strings.Contains(tok, ">") {
			g, ok := fieldGroups[tok]
			if !ok {
				return nil, fmt.Errorf("unknown field group %q", tok)
			}
			fs, err := expandFields(g.fields)
			if err != nil {
				return nil, fmt.Errorf("group %s: %v", tok, err)
			}
			out = append(out, fs...)
			continue
		}
		f, err := parseField(tok)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// markEarlier sets each Field's Earlier bits.
func markEarlier(fs []Field) {
	for i := range fs {
		for j := 0; j < i && j < 64; j++ {
			if fs[j].To == fs[i].To {
				fs[i].Earlier |= 1 << j
			}
		}
	}
}

func parseField(tok string) (Field, error) {
	from, to, _ := strings.Cut(tok, ">")
	to, dec, hasDec := strings.Cut(to, ":")
	f := Field{From: strings.TrimSpace(from), To: strings.TrimSpace(to)}
	if f.From == "" || f.To == "" {
		return f, fmt.Errorf("field %q: want Name>ecs.field[:decode]", tok)
	}
	if hasDec {
		d, ok := parseDecode(dec)
		if !ok || d == DecodeNone {
			return f, fmt.Errorf("field %q: unknown decode %q", tok, dec)
		}
		f.Decode = d
	}
	return f, nil
}
