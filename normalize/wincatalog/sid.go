package wincatalog

import "strings"

// wellKnownSIDs: the fixed SIDs of Microsoft's "Well-known SIDs" list.
var wellKnownSIDs = map[string]string{
	"S-1-0-0": "NULL SID", "S-1-1-0": "Everyone", "S-1-2-0": "LOCAL", "S-1-2-1": "CONSOLE LOGON",
	"S-1-3-0": "CREATOR OWNER", "S-1-3-1": "CREATOR GROUP", "S-1-3-4": "OWNER RIGHTS",
	"S-1-5-1": "DIALUP", "S-1-5-2": "NETWORK", "S-1-5-3": "BATCH", "S-1-5-4": "INTERACTIVE",
	"S-1-5-6": "SERVICE", "S-1-5-7": "ANONYMOUS LOGON", "S-1-5-8": "PROXY",
	"S-1-5-9": "ENTERPRISE DOMAIN CONTROLLERS", "S-1-5-10": "SELF", "S-1-5-11": "Authenticated Users",
	"S-1-5-12": "RESTRICTED", "S-1-5-13": "TERMINAL SERVER USER", "S-1-5-14": "REMOTE INTERACTIVE LOGON",
	"S-1-5-15": "This Organization", "S-1-5-17": "IUSR", "S-1-5-18": "SYSTEM", "S-1-5-19": "LOCAL SERVICE",
	"S-1-5-20":     "NETWORK SERVICE",
	"S-1-5-32-544": "Administrators", "S-1-5-32-545": "Users", "S-1-5-32-546": "Guests",
	"S-1-5-32-547": "Power Users", "S-1-5-32-548": "Account Operators", "S-1-5-32-549": "Server Operators",
	"S-1-5-32-550": "Print Operators", "S-1-5-32-551": "Backup Operators", "S-1-5-32-552": "Replicator",
	"S-1-5-32-554": "Pre-Windows 2000 Compatible Access", "S-1-5-32-555": "Remote Desktop Users",
	"S-1-5-32-556": "Network Configuration Operators", "S-1-5-32-558": "Performance Monitor Users",
	"S-1-5-32-559": "Performance Log Users", "S-1-5-32-562": "Distributed COM Users",
	"S-1-5-32-568": "IIS_IUSRS", "S-1-5-32-569": "Cryptographic Operators", "S-1-5-32-573": "Event Log Readers",
	"S-1-5-32-578": "Hyper-V Administrators", "S-1-5-32-579": "Access Control Assistance Operators",
	"S-1-5-32-580": "Remote Management Users",
	"S-1-5-64-10":  "NTLM Authentication", "S-1-5-64-14": "SChannel Authentication", "S-1-5-64-21": "Digest Authentication",
	"S-1-5-80-0": "All Services", "S-1-5-113": "Local account", "S-1-5-114": "Local account and member of Administrators group",
	"S-1-16-0": "Untrusted Mandatory Level", "S-1-16-4096": "Low Mandatory Level", "S-1-16-8192": "Medium Mandatory Level",
	"S-1-16-8448": "Medium Plus Mandatory Level", "S-1-16-12288": "High Mandatory Level",
	"S-1-16-16384": "System Mandatory Level", "S-1-16-20480": "Protected Process Mandatory Level",
	"S-1-16-28672": "Secure Process Mandatory Level",
}

// domainRIDs: the well-known relative ids of a domain's or computer's
// accounts (S-1-5-21-<domain>-RID).
var domainRIDs = map[string]string{
	"500": "Administrator", "501": "Guest", "502": "krbtgt", "503": "DefaultAccount",
	"512": "Domain Admins", "513": "Domain Users", "514": "Domain Guests", "515": "Domain Computers",
	"516": "Domain Controllers", "517": "Cert Publishers", "518": "Schema Admins", "519": "Enterprise Admins",
	"520": "Group Policy Creator Owners", "521": "Read-only Domain Controllers",
	"522": "Cloneable Domain Controllers", "525": "Protected Users", "526": "Key Admins",
	"527": "Enterprise Key Admins", "553": "RAS and IAS Servers",
	"571": "Allowed RODC Password Replication Group", "572": "Denied RODC Password Replication Group",
}

// WellKnownSID names a well-known SID ("S-1-5-18" -> "SYSTEM"), or a
// domain account by its well-known RID ("S-1-5-21-<a>-<b>-<c>-512" ->
// "Domain Admins"); "" otherwise. It does not allocate.
func WellKnownSID(sid string) string {
	if name, ok := wellKnownSIDs[sid]; ok {
		return name
	}
	if strings.HasPrefix(sid, "S-1-5-21-") && strings.Count(sid, "-") >= 7 {
		return domainRIDs[sid[strings.LastIndexByte(sid, '-')+1:]]
	}
	return ""
}
