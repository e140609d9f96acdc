package windows

import "github.com/nomenhq/nomen/normalize/wincatalog"

// winDataKey returns "winlog.event_data."+name, without allocating for the
// names Windows' schemas and the catalog use.
func winDataKey(name string, user bool) string {
	if user {
		return "winlog.user_data." + name
	}
	if k, ok := winDataKeys.get(name); ok {
		return k
	}
	return "winlog.event_data." + name
}

// dataKeyTable holds the keys of the known EventData names. It is looked
// up once per EventData value of every record: an open-addressed table
// hashed by a name's length and three of its bytes costs about half of a
// Go map's lookup (which hashes every byte) for these short names.
type dataKeyTable struct {
	slots [dataKeySlots]dataKeySlot
	n     int
}

type dataKeySlot struct{ name, key string }

// dataKeySlots is a power of two, over twice the known names.
const dataKeySlots = 512

func dataKeyHash(name string) uint {
	n := uint(len(name))
	return (n*131 + uint(name[0])*31 + uint(name[n/2])*7 + uint(name[n-1])) & (dataKeySlots - 1)
}

func (t *dataKeyTable) get(name string) (string, bool) {
	if name == "" {
		return "", false
	}
	for h := dataKeyHash(name); ; h = (h + 1) & (dataKeySlots - 1) {
		s := &t.slots[h]
		if s.name == name {
			return s.key, true
		}
		if s.name == "" {
			return "", false
		}
	}
}

// put adds name; the table stays at most half full (a lookup always
// reaches an empty slot), else it panics at start-up.
func (t *dataKeyTable) put(name string) {
	if _, ok := t.get(name); ok || name == "" {
		return
	}
	if t.n >= dataKeySlots/2 {
		panic("windows: more known EventData names than dataKeySlots/2")
	}
	h := dataKeyHash(name)
	for t.slots[h].name != "" {
		h = (h + 1) & (dataKeySlots - 1)
	}
	t.slots[h] = dataKeySlot{name, "winlog.event_data." + name}
	t.n++
}

var winDataKeys = func() *dataKeyTable {
	t := new(dataKeyTable)
	for _, n := range winKnownDataNames {
		t.put(n)
	}
	for _, ch := range wincatalog.Channels() {
		for _, ent := range wincatalog.Entries(ch) {
			for _, f := range ent.Fields {
				t.put(f.From)
			}
		}
	}
	return t
}()

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
}
