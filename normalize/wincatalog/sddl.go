package wincatalog

import (
	"strconv"
	"strings"
)

// Security descriptors in SDDL (OldSd and NewSd of 4670, 4715, 4817 and
// 4907: "O:BAG:SYD:(A;;GA;;;SY)(A;;RC;;;OW)"), read out as Winlogbeat's
// security module names them: <Sd>Owner, <Sd>Group, and one
// <Sd>Dacl<n> / <Sd>Sacl<n> per ACE, "<trustee> :<ACE type> (<rights>)".
// The names are Microsoft's: the SDDL tables of the 4907 page (the SID
// strings it lists, as it words them), the "SID strings" and "ACE
// strings" pages of the Windows authorization documentation for the
// rest.

// sddlTrustees are the two-letter SID strings.
var sddlTrustees = map[string]string{
	"AA": "Access control assistance operators", "AC": "All applications running in an app package context",
	"AN": "Anonymous logon", "AO": "Account operators", "AP": "Protected users", "AU": "Authenticated users",
	"BA": "Built-in administrators", "BG": "Built-in guests", "BO": "Backup operators", "BU": "Built-in users",
	"CA": "Certificate server administrators", "CD": "Certificate Services DCOM access", "CG": "Creator group",
	"CN": "Cloneable domain controllers", "CO": "Creator owner", "CY": "Crypto operators",
	"DA": "Domain administrators", "DC": "Domain computers", "DD": "Domain controllers", "DG": "Domain guests",
	"DU": "Domain users", "EA": "Enterprise administrators", "ED": "Enterprise domain controllers",
	"EK": "Enterprise key admins", "ER": "Event log readers", "ES": "RDS endpoint servers",
	"HA": "Hyper-V administrators", "HI": "High integrity level", "IS": "Anonymous Internet users",
	"IU": "Interactively logged-on user", "KA": "Key admins", "LA": "Local administrator", "LG": "Local guest",
	"LS": "Local service account", "LU": "Performance log users", "LW": "Low integrity level",
	"ME": "Medium integrity level", "MU": "Performance monitor users", "NO": "Network configuration operators",
	"NS": "Network service account", "NU": "Network logon user", "OW": "Owner rights",
	"PA": "Group Policy administrators", "PO": "Printer operators", "PS": "Personal self", "PU": "Power users",
	"RA": "RDS remote access servers", "RC": "Restricted code", "RD": "Terminal server users", "RE": "Replicator",
	"RM": "Remote management users", "RO": "Enterprise read-only domain controllers", "RS": "RAS servers group",
	"RU": "Alias to allow previous Windows 2000",
	"SA": "Schema administrators", "SI": "System integrity level", "SO": "Server operators",
	"SS": "Authentication service asserted", "SU": "Service logon user", "SY": "Local system", "WD": "Everyone",
	"WR": "Write restricted code",
}

// sddlACETypes are the ACE type strings.
var sddlACETypes = map[string]string{
	"A": "Access Allowed", "D": "Access Denied", "OA": "Object Access Allowed", "OD": "Object Access Denied",
	"AU": "System Audit", "AL": "System Alarm", "OU": "System Object Audit", "OL": "System Object Alarm",
	"ML": "System Mandatory Label", "XA": "Callback Access Allowed", "XD": "Callback Access Denied",
	"ZA": "Callback Object Access Allowed", "XU": "Callback Audit", "RA": "Resource Attribute",
	"SP": "Central Policy ID",
}

// sddlRights are the two-letter access right strings.
var sddlRights = map[string]string{
	"GA": "Generic All", "GR": "Generic Read", "GW": "Generic Write", "GX": "Generic Execute",
	"RC": "Read Permissions", "SD": "Delete", "WD": "Modify Permissions", "WO": "Modify Owner",
	"RP": "Read All Properties", "WP": "Write All Properties", "CC": "Create All Child Objects",
	"DC": "Delete All Child Objects", "LC": "List Contents", "SW": "All Validated Writes", "LO": "List Object",
	"DT": "Delete Subtree", "CR": "All Extended Rights", "FA": "File All Access", "FR": "File Generic Read",
	"FW": "File Generic Write", "FX": "File Generic Execute", "KA": "Key All Access", "KR": "Key Read",
	"KW": "Key Write", "KX": "Key Execute", "NR": "No Read Up", "NW": "No Write Up", "NX": "No Execute Up",
}

// sddlMaskRights name the standard and generic bits of a hex rights
// mask ("0x1200a9") as the two-letter rights do; other bits stay hex.
var sddlMaskRights = []flagName{
	{0x10000, "Delete"}, {0x20000, "Read Permissions"}, {0x40000, "Modify Permissions"},
	{0x80000, "Modify Owner"}, {0x100000, "Synchronize"}, {0x1000000, "Access System Security"},
	{0x2000000, "Maximum Allowed"}, {0x10000000, "Generic All"}, {0x20000000, "Generic Execute"},
	{0x40000000, "Generic Write"}, {0x80000000, "Generic Read"},
}

// SDDLMaxACEs bounds the ACEs read out of one access list; the
// descriptor itself is kept whole in winlog.event_data.
const SDDLMaxACEs = 64

// SecurityDescriptor is an SDDL string read out: each part "" or nil
// when the descriptor has none.
type SecurityDescriptor struct {
	Owner, Group string
	DACL, SACL   []string
}

// ParseSDDL reads a security descriptor string; ok is false when s is
// not one (no part parsed, or text after the parts).
func ParseSDDL(s string) (sd SecurityDescriptor, ok bool) {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && s[1] == ':' {
		part := s[0]
		s = s[2:]
		switch part {
		case 'O', 'G':
			n := sidStringLen(s)
			if n == 0 {
				return sd, false
			}
			if part == 'O' {
				sd.Owner = SDDLTrustee(s[:n])
			} else {
				sd.Group = SDDLTrustee(s[:n])
			}
			s = s[n:]
		case 'D', 'S':
			var aces []string
			if aces, s, ok = parseACL(s); !ok {
				return sd, false
			}
			if part == 'D' {
				sd.DACL = aces
			} else {
				sd.SACL = aces
			}
		default:
			return sd, false
		}
		ok = true
	}
	return sd, ok && s == ""
}

// sidStringLen is the length of the SID string at the start of s: a
// two-letter alias or an "S-1-..." SID.
func sidStringLen(s string) int {
	if strings.HasPrefix(s, "S-") {
		n := 2
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '-') {
			n++
		}
		return n
	}
	if len(s) >= 2 && isUpper(s[0]) && isUpper(s[1]) {
		return 2
	}
	return 0
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// parseACL reads an access list's flags ("P", "AI", ...) and its ACEs
// "(...)", returning the ACEs read out and the rest of s.
func parseACL(s string) ([]string, string, bool) {
	for s != "" && s[0] != '(' && !(len(s) >= 2 && s[1] == ':') {
		s = s[1:] // the list's flags say how it inherits, not who may do what
	}
	var aces []string
	for s != "" && s[0] == '(' {
		end := aceEnd(s)
		if end < 0 {
			return nil, s, false // unclosed: no ACE is told from the next
		}
		if len(aces) < SDDLMaxACEs {
			aces = append(aces, readACE(s[1:end]))
		}
		s = s[end+1:]
	}
	return aces, s, true
}

// aceEnd is the index of the ')' that closes the ACE at the start of s,
// -1 if none does. A callback ACE's condition and a resource attribute
// ACE's value are parenthesized inside it ("(XA;;FX;;;WD;(@User.Dept ==
// \"R&D\"))"), with string literals in double quotes.
func aceEnd(s string) int {
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// readACE reads "type;flags;rights;object;inherited object;trustee" as
// "<trustee> :<type> (<rights>)".
func readACE(ace string) string {
	f := strings.Split(ace, ";")
	for len(f) < 6 {
		f = append(f, "")
	}
	typ := sddlACETypes[f[0]]
	if typ == "" {
		typ = f[0]
	}
	return SDDLTrustee(f[5]) + " :" + typ + " (" + strings.Join(sddlRightNames(f[2]), ", ") + ")"
}

// sddlRightNames names an ACE's rights: two-letter strings, or a hex mask.
func sddlRightNames(r string) []string {
	if strings.HasPrefix(r, "0x") || strings.HasPrefix(r, "0X") {
		n, err := strconv.ParseUint(r[2:], 16, 32)
		if err != nil {
			return []string{r}
		}
		return names(sddlMaskRights, uint32(n))
	}
	if len(r) > 2*len(sddlRights) {
		// More rights than there are names: repeats, not a descriptor
		// Windows wrote; named, each would be up to ten times its size.
		return []string{r}
	}
	var out []string
	for len(r) >= 2 {
		name := sddlRights[r[:2]]
		if name == "" {
			name = r[:2]
		}
		out = append(out, name)
		r = r[2:]
	}
	if r != "" {
		out = append(out, r)
	}
	return out
}

// SDDLTrustee names a SID string: a two-letter alias, a well-known SID
// or a domain's well-known account; any other SID as it is.
func SDDLTrustee(sid string) string {
	if name := sddlTrustees[sid]; name != "" {
		return name
	}
	if name := WellKnownSID(sid); name != "" {
		return name
	}
	return sid
}
