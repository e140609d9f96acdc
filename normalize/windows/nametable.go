package windows

import (
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// winDataKey returns "winlog.event_data."+name, without allocating for the
// names Windows' schemas and the catalog use (keys, winDataKeys': a
// record's values look it up once).
func winDataKey(keys *nameTable, name string, user bool) string {
	if user {
		return winUserDataKeyCache.Get(name)
	}
	if k, ok := keys.get(name); ok {
		return k
	}
	return winDataKeyCache.Get(name)
}

// The keys of the names the table does not know (Defender's Threat_Name,
// a provider's own names, UserData's): a cached key costs a map lookup,
// a new one a concatenation and an allocation (~300 instructions) for
// every value that has it.
var (
	winDataKeyCache     = ecs.NewStringCache(func(name string) string { return "winlog.event_data." + name })
	winUserDataKeyCache = ecs.NewStringCache(func(name string) string { return "winlog.user_data." + name })
)

// nameTable is a set of names with a string each, for the names looked
// up for every value of every record (EventData keys, message labels): an
// open-addressed table hashed by a name's length and three of its bytes
// costs about half of a Go map's lookup (which hashes every byte) for
// these short names.
type nameTable struct {
	slots [nameTableSlots]nameEntry
	n     int
}

type nameEntry struct{ name, val string }

// nameTableSlots is a power of two, over twice the names of any table
// (winTextLabels: 283, winDataKeys: 250).
const nameTableSlots = 1024

func nameHash(name string) uint {
	n := uint(len(name))
	return (n*131 + uint(name[0])*31 + uint(name[n/2])*7 + uint(name[n-1])) & (nameTableSlots - 1)
}

func (t *nameTable) get(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	for h := nameHash(name); ; h = (h + 1) & (nameTableSlots - 1) {
		s := &t.slots[h]
		if sameName(s.name, name) {
			return s.val, true
		}
		if s.name == "" {
			return "", false
		}
	}
}

func (t *nameTable) has(name string) bool {
	_, ok := t.get(name)
	return ok
}

// put adds name with val (a name already held keeps its value); the
// table stays at most half full (a lookup always reaches an empty slot),
// else it panics when the table is built (the tests build them all).
func (t *nameTable) put(name, val string) {
	if name == "" || t.has(name) {
		return
	}
	if t.n >= nameTableSlots/2 {
		panic("windows: a nameTable holds more than nameTableSlots/2 names")
	}
	h := nameHash(name)
	for t.slots[h].name != "" {
		h = (h + 1) & (nameTableSlots - 1)
	}
	t.slots[h] = nameEntry{name, val}
	t.n++
}

// buildWinDataKeys builds the table of "winlog.event_data."+name for the
// known names (fromCatalog's dataKeys).
func buildWinDataKeys() *nameTable {
	t := new(nameTable)
	for _, n := range winKnownDataNames {
		t.put(n, "winlog.event_data."+n)
	}
	for _, n := range winParamNames { // unnamed <Data> of legacy and classic events
		t.put(n, "winlog.event_data."+n)
	}
	for _, ch := range wincatalog.Channels() {
		for _, ent := range wincatalog.Entries(ch) {
			for _, f := range ent.Fields {
				t.put(f.From, "winlog.event_data."+f.From)
			}
		}
	}
	return t
}

// winKnownDataNames are EventData names the catalog's maps do not name
// (the catalog's are added to winDataKeys from it).
var winKnownDataNames = [...]string{
	"SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId",
	"TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId", "TargetLinkedLogonId",
	"TargetOutboundUserName", "TargetOutboundDomainName", "TargetLogonGuid", "TargetServerName",
	"TargetInfo", "TargetSid", "TargetProcessId", "TargetProcessName",
	"LogonType", "LogonProcessName", "AuthenticationPackageName", "WorkstationName", "Workstation",
	"LogonGuid", "TransmittedServices", "LmPackageName", "KeyLength", "ProcessId", "ProcessName",
	"IpAddress", "IpPort", "ImpersonationLevel", "RestrictedAdminMode", "VirtualAccount",
	"ElevatedToken", "FailureReason", "Status", "SubStatus", "PrivilegeList",
	"NewProcessId", "NewProcessName", "TokenElevationType", "CommandLine", "ParentProcessName",
	"MandatoryLabel", "MemberName", "MemberSid", "SamAccountName", "DisplayName",
	"UserPrincipalName", "HomeDirectory", "HomePath", "ScriptPath", "ProfilePath",
	"UserWorkstations", "PasswordLastSet", "AccountExpires", "PrimaryGroupId",
	"AllowedToDelegateTo", "OldUacValue", "NewUacValue", "UserAccountControl",
	"UserParameters", "SidHistory", "LogonHours", "PackageName", "Dummy", "ComputerAccountChange",
	// System and PowerShell events.
	"StartType", "ScriptBlockText", "ScriptBlockId", "MessageNumber", "MessageTotal", "BackupPath",
}

// sameName reports whether a == b. Names of 8 to 16 bytes, most EventData
// and NXLog names, are compared as two words that overlap, without a call:
// a == b calls the runtime's memequal whenever the lengths agree (~24
// instructions; a record compares names ~20-40 times).
func sameName(a, b string) bool {
	if n := len(a); n == len(b) && n >= 8 && n <= 16 {
		return word(a, 0) == word(b, 0) && word(a, n-8) == word(b, n-8)
	}
	return a == b
}

// hasPrefixWords is strings.HasPrefix for the prefixes of 8 to 16 bytes
// the decoders look for ("<EventData>", `{"@timestamp":`): the compiler
// compares a constant of up to 8 bytes inline, a longer one by a call to
// memequal. prefix must be 8 to 16 bytes long: a shorter one would be
// read before its start, a longer one only in part.
func hasPrefixWords(s, prefix string) bool {
	n := len(prefix)
	return len(s) >= n && word(s, 0) == word(prefix, 0) && word(s, n-8) == word(prefix, n-8)
}
