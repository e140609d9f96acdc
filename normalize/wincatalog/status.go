package wincatalog

import (
	"math"
	"strconv"

	"github.com/nomenhq/nomen/normalize/vendor"
)

// Status describes a failure code as Windows prints it in Status,
// SubStatus or Result Code ("0xC000006A", "0xc000006a", "0x18"): NTSTATUS
// codes of logons and NTLM validation (4625, 4776; Microsoft's 4625 page)
// and Kerberos result codes of ticket events (4768, 4769, 4771, 4772;
// RFC 4120 as Microsoft's 4768 page lists them; codes below 0x100). It
// returns "" for an unknown code. It does not allocate.
func Status(code string) string {
	n, ok := parseHex32(code)
	if !ok {
		return ""
	}
	if n < 0x100 {
		return kerberosResults[n]
	}
	return ntStatus[n]
}

// parseHex32 parses "0x..." (or bare hex digits) of a 32-bit code.
func parseHex32(s string) (uint32, bool) {
	n, ok := vendor.ParseHex(s)
	return uint32(n), ok && n <= math.MaxUint32
}

// ntStatus: the texts are those nomen's Windows decoder already prints
// for 4625/4776 (so wiring this table in changes no output), plus the
// other codes Microsoft's 4625 and 4776 pages list.
var ntStatus = map[uint32]string{
	0xc000005e: "No logon servers available.",
	0xc0000064: "The user name does not exist.",
	0xc000006a: "Bad password.",
	0xc000006d: "Bad user name or authentication information.",
	0xc000006e: "Account restriction.",
	0xc000006f: "Logon outside the allowed hours.",
	0xc0000070: "Logon from a workstation that is not allowed.",
	0xc0000071: "The password has expired.",
	0xc0000072: "The account is disabled.",
	0xc00000dc: "The SAM server was in the wrong state.",
	0xc0000133: "Clock skew between the domain controller and the computer.",
	0xc000015b: "The logon type was not granted to the account on this computer.",
	0xc000018c: "The trust relationship with the trusted domain failed.",
	0xc0000192: "The Netlogon service was not started.",
	0xc0000193: "The account has expired.",
	0xc0000224: "The password must be changed at next logon.",
	0xc0000225: "Not found (a Windows bug, not a risk).",
	0xc0000234: "The account is locked out.",
	0xc00002ee: "An error occurred during logon.",
	0xc0000371: "The local account store has no secret for the account.",
	0xc0000413: "The authentication firewall does not allow this account on this computer.",
	0xc000009a: "Insufficient system resources.",
	0xc0000017: "Not enough memory to complete the logon.",
	0xc000006c: "The password does not meet the password policy.",
	0xc00000bb: "The request is not supported.",
	0xc00000df: "The domain does not exist.",
	0xc0000198: "An interdomain trust account cannot log on interactively (NOLOGON_INTERDOMAIN_TRUST_ACCOUNT).",
	0xc0000199: "A workstation trust account cannot log on interactively (NOLOGON_WORKSTATION_TRUST_ACCOUNT).",
	0xc000019a: "A server trust account cannot log on interactively (NOLOGON_SERVER_TRUST_ACCOUNT).",
	0xc000005f: "No such logon session.",
}

// LogonFailureText is the description Microsoft's 4625 page gives a
// Status or SubStatus code of a failed logon (and 4776's Status), the
// wording Winlogbeat's security module puts in winlog.logon.failure.status
// and .sub_status; "" for a code the page does not list and for 0x0 (no
// failure). It does not allocate.
func LogonFailureText(code string) string {
	n, ok := parseHex32(code)
	if !ok {
		return ""
	}
	return logonFailureTexts[n]
}

var logonFailureTexts = map[uint32]string{
	0xc000005e: "There are currently no logon servers available to service the logon request.",
	0xc0000064: "User logon with misspelled or bad user account",
	0xc000006a: "User logon with misspelled or bad password",
	0xc000006d: "This is either due to a bad username or authentication information",
	0xc000006e: "Unknown user name or bad password.",
	0xc000006f: "User logon outside authorized hours",
	0xc0000070: "User logon from unauthorized workstation",
	0xc0000071: "User logon with expired password",
	0xc0000072: "User logon to account disabled by administrator",
	0xc00000dc: "Indicates the Sam Server was in the wrong state to perform the desired operation.",
	0xc0000133: "Clocks between DC and other computer too far out of sync",
	0xc000015b: "The user has not been granted the requested logon type (aka logon right) at this machine",
	0xc000018c: "The logon request failed because the trust relationship between the primary domain and the trusted domain failed.",
	0xc0000192: "An attempt was made to logon, but the Netlogon service was not started.",
	0xc0000193: "User logon with expired account",
	0xc0000224: "User is required to change password at next logon",
	0xc0000225: "Evidently a bug in Windows and not a risk",
	0xc0000234: "User logon with account locked",
	0xc00002ee: "Failure Reason: An Error occurred during Logon",
	0xc0000413: "Logon Failure: The machine you are logging onto is protected by an authentication firewall. The specified account is not allowed to authenticate to the machine.",
	0xc0000371: "The local account store does not contain secret material for the specified account",
}

// kerberosResults: RFC 4120 section 7.5.9 error codes, by value.
var kerberosResults = [0x100]string{
	0x00: "No error (KDC_ERR_NONE).",
	0x01: "Client's entry in the database has expired (KDC_ERR_NAME_EXP).",
	0x02: "Server's entry in the database has expired (KDC_ERR_SERVICE_EXP).",
	0x03: "Requested protocol version number not supported (KDC_ERR_BAD_PVNO).",
	0x04: "Client's key encrypted in old master key (KDC_ERR_C_OLD_MAST_KVNO).",
	0x05: "Server's key encrypted in old master key (KDC_ERR_S_OLD_MAST_KVNO).",
	0x06: "Client not found in Kerberos database: bad user name, or a new account not yet replicated (KDC_ERR_C_PRINCIPAL_UNKNOWN).",
	0x07: "Server not found in Kerberos database (KDC_ERR_S_PRINCIPAL_UNKNOWN).",
	0x08: "Multiple principal entries in database (KDC_ERR_PRINCIPAL_NOT_UNIQUE).",
	0x09: "The client or server has a null key (KDC_ERR_NULL_KEY).",
	0x0a: "Ticket not eligible for postdating (KDC_ERR_CANNOT_POSTDATE).",
	0x0b: "Requested start time is later than end time (KDC_ERR_NEVER_VALID).",
	0x0c: "KDC policy rejects request: a logon restriction (KDC_ERR_POLICY).",
	0x0d: "KDC cannot accommodate requested option (KDC_ERR_BADOPTION).",
	0x0e: "KDC has no support for the encryption type (KDC_ERR_ETYPE_NOTSUPP).",
	0x0f: "KDC has no support for the checksum type (KDC_ERR_SUMTYPE_NOSUPP).",
	0x10: "KDC has no support for the pre-authentication type, e.g. smart card logon without a certificate (KDC_ERR_PADATA_TYPE_NOSUPP).",
	0x11: "KDC has no support for the transited type (KDC_ERR_TRTYPE_NO_SUPP).",
	0x12: "Client's credentials have been revoked: account disabled, expired or locked out (KDC_ERR_CLIENT_REVOKED).",
	0x13: "Credentials for server have been revoked (KDC_ERR_SERVICE_REVOKED).",
	0x14: "TGT has been revoked (KDC_ERR_TGT_REVOKED).",
	0x15: "Client not yet valid (KDC_ERR_CLIENT_NOTYET).",
	0x16: "Server not yet valid (KDC_ERR_SERVICE_NOTYET).",
	0x17: "Password has expired (KDC_ERR_KEY_EXPIRED).",
	0x18: "Pre-authentication information was invalid: usually a bad password (KDC_ERR_PREAUTH_FAILED).",
	0x19: "Additional pre-authentication required (KDC_ERR_PREAUTH_REQUIRED).",
	0x1a: "Requested server and ticket don't match (KDC_ERR_SERVER_NOMATCH).",
	0x1b: "Server principal valid for user-to-user only (KDC_ERR_MUST_USE_USER2USER).",
	0x1c: "KDC policy rejects transited path (KDC_ERR_PATH_NOT_ACCEPTED).",
	0x1d: "A service is not available (KDC_ERR_SVC_UNAVAILABLE).",
	0x1f: "Integrity check on decrypted field failed (KRB_AP_ERR_BAD_INTEGRITY).",
	0x20: "Ticket expired (KRB_AP_ERR_TKT_EXPIRED).",
	0x21: "Ticket not yet valid (KRB_AP_ERR_TKT_NYV).",
	0x22: "Request is a replay (KRB_AP_ERR_REPEAT).",
	0x23: "The ticket isn't for us (KRB_AP_ERR_NOT_US).",
	0x24: "Ticket and authenticator don't match (KRB_AP_ERR_BADMATCH).",
	0x25: "Clock skew too great (KRB_AP_ERR_SKEW).",
	0x26: "Incorrect net address (KRB_AP_ERR_BADADDR).",
	0x27: "Protocol version mismatch (KRB_AP_ERR_BADVERSION).",
	0x28: "Invalid message type (KRB_AP_ERR_MSG_TYPE).",
	0x29: "Message stream modified (KRB_AP_ERR_MODIFIED).",
	0x2a: "Message out of order (KRB_AP_ERR_BADORDER).",
	0x2c: "Specified version of key is not available (KRB_AP_ERR_BADKEYVER).",
	0x2d: "Service key not available (KRB_AP_ERR_NOKEY).",
	0x2e: "Mutual authentication failed (KRB_AP_ERR_MUT_FAIL).",
	0x2f: "Incorrect message direction (KRB_AP_ERR_BADDIRECTION).",
	0x30: "Alternative authentication method required (KRB_AP_ERR_METHOD).",
	0x31: "Incorrect sequence number in message (KRB_AP_ERR_BADSEQ).",
	0x32: "Inappropriate type of checksum in message (KRB_AP_ERR_INAPP_CKSUM).",
	0x33: "Desired path is unreachable (KRB_AP_PATH_NOT_ACCEPTED).",
	0x34: "Too much data: the response is too big for UDP (KRB_ERR_RESPONSE_TOO_BIG).",
	0x3c: "Generic error (KRB_ERR_GENERIC).",
	0x3d: "Field is too long for this implementation (KRB_ERR_FIELD_TOOLONG).",
	0x3e: "The client is not trusted (KDC_ERR_CLIENT_NOT_TRUSTED).",
	0x3f: "The KDC is not trusted (KDC_ERR_KDC_NOT_TRUSTED).",
	0x40: "The signature is invalid (KDC_ERR_INVALID_SIG).",
	0x41: "The key is too weak (KDC_ERR_KEY_TOO_WEAK).",
	0x42: "The certificate does not match (KDC_ERR_CERTIFICATE_MISMATCH).",
	0x43: "No TGT for user-to-user authentication (KRB_AP_ERR_NO_TGT).",
	0x44: "Wrong realm (KDC_ERR_WRONG_REALM).",
	0x45: "User-to-user authentication required (KRB_AP_ERR_USER_TO_USER_REQUIRED).",
	0x46: "The certificate cannot be verified (KDC_ERR_CANT_VERIFY_CERTIFICATE).",
	0x47: "The certificate is invalid (KDC_ERR_INVALID_CERTIFICATE).",
	0x48: "The certificate is revoked (KDC_ERR_REVOKED_CERTIFICATE).",
	0x49: "The certificate's revocation status is unknown (KDC_ERR_REVOCATION_STATUS_UNKNOWN).",
	0x4a: "The certificate's revocation status is unavailable (KDC_ERR_REVOCATION_STATUS_UNAVAILABLE).",
	0x4b: "The client name does not match the certificate (KDC_ERR_CLIENT_NAME_MISMATCH).",
	0x4c: "The KDC name does not match the certificate (KDC_ERR_KDC_NAME_MISMATCH).",
}

// logonTypes names the logon types (LogonType of 4624, 4625, 4634) as
// winlog.logon.type spells them (Microsoft's 4624 page lists the numbers).
var logonTypes = [...]string{
	0: "System", 2: "Interactive", 3: "Network", 4: "Batch", 5: "Service",
	7: "Unlock", 8: "NetworkCleartext", 9: "NewCredentials", 10: "RemoteInteractive",
	11: "CachedInteractive", 12: "CachedRemoteInteractive", 13: "CachedUnlock",
}

// LogonType names a logon type number, "" if unknown.
func LogonType(n int) string {
	if n < 0 || n >= len(logonTypes) {
		return ""
	}
	return logonTypes[n]
}

// messages are the "%%NNNN" parameter messages (msobjs.dll) Windows
// leaves unexpanded in EventData: logon failure reasons (4625's
// FailureReason), WFP directions (5152-5159's Direction), registry value
// types (4657) and the others named below.
var messages = map[string]string{
	"%%2304": "An Error occured during Logon.", // msobjs.dll's spelling, as Windows renders it
	"%%2305": "The specified user account has expired.",
	"%%2306": "The NetLogon component is not active.",
	"%%2307": "Account locked out.",
	"%%2308": "The user has not been granted the requested logon type at this machine.",
	"%%2309": "The specified account's password has expired.",
	"%%2310": "Account currently disabled.",
	"%%2311": "Account logon time restriction violation.",
	"%%2312": "User not allowed to logon at this computer.",
	"%%2313": "Unknown user name or bad password.",
	"%%2314": "Domain sid inconsistent.",
	"%%2315": "Smartcard logon is required and was not used.",
	// a registry value's type (4657's OldValueType, NewValueType), by
	// ECS's registry.data.type names (Microsoft's ASIM registry schema
	// lists these codes)
	"%%1872": "REG_NONE", "%%1873": "REG_SZ", "%%1874": "REG_EXPAND_SZ", "%%1875": "REG_BINARY",
	"%%1876": "REG_DWORD", "%%1879": "REG_MULTI_SZ", "%%1883": "REG_QWORD",
	"%%14592": "inbound",
	"%%14593": "outbound",
	// the access rights of an object access's AccessList (4656, 4663,
	// 5145...), as msobjs.dll words them in the event's message
	"%%1537": "DELETE", "%%1538": "READ_CONTROL", "%%1539": "WRITE_DAC", "%%1540": "WRITE_OWNER",
	"%%1541": "SYNCHRONIZE", "%%1542": "ACCESS_SYS_SEC",
	"%%7680": "Create Child", "%%7681": "Delete Child", "%%7682": "List Contents", "%%7683": "Write Self",
	"%%7684": "Read Property", "%%7685": "Write Property", "%%7686": "Delete Tree", "%%7687": "List Object",
	"%%7688": "Control Access", // a directory service object's (4662)
	"%%4416": "ReadData (or ListDirectory)", "%%4417": "WriteData (or AddFile)",
	"%%4418": "AppendData (or AddSubdirectory or CreatePipeInstance)", "%%4419": "ReadEA", "%%4420": "WriteEA",
	"%%4421": "Execute/Traverse", "%%4422": "DeleteChild", "%%4423": "ReadAttributes", "%%4424": "WriteAttributes",
	"%%4432": "Query key value", "%%4433": "Set key value", "%%4434": "Create sub-key", "%%4435": "Enumerate sub-keys",
	"%%4436": "Notify about changes to keys", "%%4437": "Create Link",
	"%%4440": "Enable 64(or 32) bit application to open 64 bit key",
	"%%4441": "Enable 64(or 32) bit application to open 32 bit key",
	// 4719's audit policy change: the category, the subcategory and what
	// changed, as msobjs.dll words them
	"%%8272": "System", "%%8273": "Logon/Logoff", "%%8274": "Object Access", "%%8275": "Privilege Use",
	"%%8276": "Detailed Tracking", "%%8277": "Policy Change", "%%8278": "Account Management", "%%8279": "DS Access",
	"%%8280": "Account Logon",
	"%%8448": "Success removed", "%%8449": "Success Added", "%%8450": "Failure removed", "%%8451": "Failure added",
	"%%8452": "Success include removed", "%%8453": "Success include added", "%%8454": "Success exclude removed",
	"%%8455": "Success exclude added", "%%8456": "Failure include removed", "%%8457": "Failure include added",
	"%%8458": "Failure exclude removed", "%%8459": "Failure exclude added",
	"%%12288": "Security State Change", "%%12289": "Security System Extension", "%%12290": "System Integrity",
	"%%12291": "IPsec Driver", "%%12292": "Other System Events",
	"%%12544": "Logon", "%%12545": "Logoff", "%%12546": "Account Lockout", "%%12547": "IPsec Main Mode",
	"%%12548": "Special Logon", "%%12549": "IPsec Quick Mode", "%%12550": "IPsec Extended Mode",
	"%%12551": "Other Logon/Logoff Events", "%%12552": "Network Policy Server", "%%12553": "User / Device Claims",
	"%%12554": "Group Membership",
	"%%12800": "File System", "%%12801": "Registry", "%%12802": "Kernel Object", "%%12803": "SAM",
	"%%12804": "Other Object Access Events", "%%12805": "Certification Services", "%%12806": "Application Generated",
	"%%12807": "Handle Manipulation", "%%12808": "File Share", "%%12809": "Filtering Platform Packet Drop",
	"%%12810": "Filtering Platform Connection", "%%12811": "Detailed File Share", "%%12812": "Removable Storage",
	"%%12813": "Central Policy Staging",
	"%%13056": "Sensitive Privilege Use", "%%13057": "Non Sensitive Privilege Use", "%%13058": "Other Privilege Use Events",
	"%%13312": "Process Creation", "%%13313": "Process Termination", "%%13314": "DPAPI Activity", "%%13315": "RPC Events",
	"%%13316": "Plug and Play Events", "%%13317": "Token Right Adjusted Events",
	"%%13568": "Audit Policy Change", "%%13569": "Authentication Policy Change", "%%13570": "Authorization Policy Change",
	"%%13571": "MPSSVC Rule-Level Policy Change", "%%13572": "Filtering Platform Policy Change",
	"%%13573": "Other Policy Change Events",
	"%%13824": "User Account Management", "%%13825": "Computer Account Management", "%%13826": "Security Group Management",
	"%%13827": "Distribution Group Management", "%%13828": "Application Group Management",
	"%%13829": "Other Account Management Events",
	"%%14080": "Directory Service Access", "%%14081": "Directory Service Changes", "%%14082": "Directory Service Replication",
	"%%14083": "Detailed Directory Service Replication",
	"%%14336": "Credential Validation", "%%14337": "Kerberos Service Ticket Operations", "%%14338": "Other Account Logon Events",
	"%%14339": "Kerberos Authentication Service",
}

// Message resolves a "%%NNNN" parameter message, "" if unknown.
func Message(s string) string { return messages[s] }

// dnsStatus names the Win32 and DNS API result codes of Sysmon 22's
// QueryStatus (winerror.h's names): the ones a client's query gets.
var dnsStatus = map[uint32]string{
	0: "SUCCESS", 5: "ERROR_ACCESS_DENIED", 8: "ERROR_NOT_ENOUGH_MEMORY", 13: "ERROR_INVALID_DATA",
	14: "ERROR_OUTOFMEMORY", 123: "ERROR_INVALID_NAME", 1214: "ERROR_INVALID_NETNAME", 1223: "ERROR_CANCELLED",
	1460: "ERROR_TIMEOUT", 4312: "ERROR_OBJECT_NOT_FOUND",
	9001: "DNS_ERROR_RCODE_FORMAT_ERROR", 9002: "DNS_ERROR_RCODE_SERVER_FAILURE", 9003: "DNS_ERROR_RCODE_NAME_ERROR",
	9004: "DNS_ERROR_RCODE_NOT_IMPLEMENTED", 9005: "DNS_ERROR_RCODE_REFUSED", 9006: "DNS_ERROR_RCODE_YXDOMAIN",
	9007: "DNS_ERROR_RCODE_YXRRSET", 9008: "DNS_ERROR_RCODE_NXRRSET", 9009: "DNS_ERROR_RCODE_NOTAUTH",
	9010: "DNS_ERROR_RCODE_NOTZONE", 9016: "DNS_ERROR_RCODE_BADSIG", 9017: "DNS_ERROR_RCODE_BADKEY",
	9018: "DNS_ERROR_RCODE_BADTIME", 9501: "DNS_INFO_NO_RECORDS", 9502: "DNS_ERROR_BAD_PACKET",
	9503: "DNS_ERROR_NO_PACKET", 9504: "DNS_ERROR_RCODE", 9505: "DNS_ERROR_UNSECURE_PACKET",
	9506: "DNS_REQUEST_PENDING", 9551: "DNS_ERROR_INVALID_TYPE", 9552: "DNS_ERROR_INVALID_IP_ADDRESS",
	9553: "DNS_ERROR_INVALID_PROPERTY", 9554: "DNS_ERROR_TRY_AGAIN_LATER", 9555: "DNS_ERROR_NOT_UNIQUE",
	9556: "DNS_ERROR_NON_RFC_NAME", 9557: "DNS_STATUS_FQDN", 9558: "DNS_STATUS_DOTTED_NAME",
	9559: "DNS_STATUS_SINGLE_PART_NAME", 9560: "DNS_ERROR_INVALID_NAME_CHAR", 9561: "DNS_ERROR_NUMERIC_NAME",
	9701: "DNS_ERROR_RECORD_DOES_NOT_EXIST", 9702: "DNS_ERROR_RECORD_FORMAT", 9714: "DNS_ERROR_NAME_DOES_NOT_EXIST",
	9851: "DNS_ERROR_NO_TCPIP", 9852: "DNS_ERROR_NO_DNS_SERVERS",
	10054: "WSAECONNRESET", 10055: "WSAENOBUFS", 10060: "WSAETIMEDOUT",
}

// DNSStatus names a Sysmon DNS query status ("9003" ->
// DNS_ERROR_RCODE_NAME_ERROR), "" if unknown. It does not allocate.
func DNSStatus(code string) string {
	n, err := strconv.ParseUint(code, 10, 32)
	if err != nil {
		return ""
	}
	return dnsStatus[uint32(n)]
}
