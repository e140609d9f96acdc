package windows

import "strings"

// Reading a rendered Security message ("Subject: Security ID: S-1-5-18
// Account Name: SYSTEM ... New Logon: ...") into EventData names, for the
// roads that carry only the message: Snare, NXLog on Windows 2003, evtsys.
//
// The message is "Label: value" pairs under section headers. Agents flatten
// its CR/LF and tabs to spaces (Snare) or keep them (NXLog), so a value
// ends where the next known label starts, not at a line end. A label is
// found at each ':' followed by white space by looking back, word by word
// over single spaces, for the longest known label ending there
// ("Source Network Address" rather than "Network Address"); the word
// before it belongs to the previous value. Which EventData name a label
// means depends on the section and on the event ("Account Name" is
// SubjectUserName under "Subject:", TargetUserName under "New Logon:", and
// TargetUserName under the "Subject:" of a 4634, whose schema calls the
// logged-off account Target). Legacy (2003) messages have no sections;
// their "User Name" is the logged-on account for logon events and the
// acting account otherwise.
//
// The English texts are those of msaudite.dll (2000/2003) and of the
// Security auditing provider (Vista and later). Other languages yield the
// envelope only.

// parseText adds the EventData values found in msg to w.
func (w *winEvent) parseText(msg string) {
	modern, _ := winModernID(w.id)
	msg = winCutDescription(msg)
	section := ""
	prevLabel, prevEnd := "", -1
	for i := 0; i < len(msg); {
		j := strings.IndexByte(msg[i:], ':')
		if j < 0 {
			break
		}
		p := i + j
		i = p + 1
		if p+1 < len(msg) && !winSpace(msg[p+1]) {
			continue // "C:\Windows", "16:42:01", "fe80::1"
		}
		label, start := winLabelBefore(msg, p)
		if label == "" {
			continue
		}
		if prevEnd >= 0 {
			w.textPair(modern, &section, prevLabel, msg[prevEnd:start])
		}
		prevLabel, prevEnd = label, p+1
	}
	if prevEnd >= 0 {
		w.textPair(modern, &section, prevLabel, msg[prevEnd:])
	}
}

// textPair records one label's value, or switches section.
func (w *winEvent) textPair(modern int, section *string, label, value string) {
	if name := winTextName(modern, *section, label); name != "" {
		w.add(name, strings.TrimSpace(value))
		return
	}
	if winTextSections[label] {
		*section = label
	}
}

func winSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// winCutDescription drops the explanatory paragraphs Vista+ messages end
// with ("This event is generated when ..."), whose words would otherwise
// join the last value.
func winCutDescription(msg string) string {
	for _, d := range [...]string{"This event is generated", "Token Elevation Type indicates"} {
		if i := strings.Index(msg, d); i > 0 && winSpace(msg[i-1]) {
			msg = msg[:i]
		}
	}
	return msg
}

// winLabelBefore returns the longest known label that ends at msg[colon]
// and where it starts.
func winLabelBefore(msg string, colon int) (label string, start int) {
	k := colon
	for words := 0; words < 6 && k > 0 && colon-k < 48; words++ {
		ws := k
		for ws > 0 && !winSpace(msg[ws-1]) {
			ws--
		}
		if ws == k || strings.IndexByte(msg[ws:k], ':') >= 0 {
			break // no word, or the previous label's colon
		}
		if cand := msg[ws:colon]; winTextLabels[cand] {
			label, start = cand, ws
		}
		// Labels are words joined by single spaces: a wider gap ends the label.
		if ws < 2 || msg[ws-1] != ' ' || winSpace(msg[ws-2]) {
			break
		}
		k = ws - 1
	}
	return label, start
}

// winTextSections are the section headers of Vista+ (and a few 2003) messages.
var winTextSections = map[string]bool{
	"Subject": true, "Creator Subject": true, "Target Subject": true, "New Logon": true,
	"Logon Information": true, "Account For Which Logon Failed": true, "Failure Information": true,
	"Process Information": true, "Network Information": true, "Detailed Authentication Information": true,
	"Account Whose Credentials Were Used": true, "Target Server": true, "New Account": true,
	"Target Account": true, "Attributes": true, "Changed Attributes": true, "Additional Information": true,
	"Member": true, "Group": true, "Account That Was Locked Out": true, "Target Process": true,
	"New Token Information": true, "Logged on user": true, "User whose credentials were used": true,
	"Assigning Process Information": true, "New Process Information": true,
	"Application Information": true, "Filter Information": true,
}

// winTextLabels are every label and section header winTextName knows.
var winTextLabels = func() map[string]bool {
	m := map[string]bool{}
	for s := range winTextSections {
		m[s] = true
	}
	for _, l := range [...]string{
		"Security ID", "Account Name", "Account Domain", "Domain Name", "Group Name", "Group Domain",
		"Logon ID", "Logon GUID", "User Name", "Domain", "Primary User Name", "Primary Domain",
		"Primary Logon ID", "Client User Name", "Client Domain", "Client Logon ID", "Caller User Name",
		"Caller Domain", "Caller Logon ID", "Target User Name", "Target Domain", "Target Logon ID",
		"Target Logon GUID", "New Account Name", "New Domain", "New Account ID", "Target Account Name",
		"Target Account ID", "Member Name", "Member ID", "Caller Machine Name", "Caller Computer Name",
		"Process ID", "Image File Name", "Process Name", "Caller Process ID", "Caller Process Name",
		"New Process ID", "New Process Name", "Creator Process ID", "Creator Process Name",
		"Process Command Line", "Token Elevation Type", "Mandatory Label", "Exit Status",
		"Target Process ID", "Target Process Name", "Logon Type", "Logon Process", "Authentication Package",
		"Workstation Name", "Transited Services", "Package Name (NTLM only)", "Key Length",
		"Source Network Address", "Network Address", "Source Port", "Port", "Linked Logon ID",
		"Network Account Name", "Network Account Domain", "Restricted Admin Mode", "Virtual Account",
		"Elevated Token", "Impersonation Level", "Failure Reason", "Reason", "Status", "Status code",
		"Error Code", "Sub Status", "Substatus code", "Target Server Name", "Target Server Info",
		"Privileges", "Logon Account", "Logon account", "Source Workstation", "Logon attempt by",
		"SAM Account Name", "Sam Account Name", "Display Name", "User Principal Name", "Home Directory",
		"Home Drive", "Script Path", "Profile Path", "User Workstations", "Password Last Set",
		"Account Expires", "Primary Group ID", "Allowed To Delegate To", "AllowedToDelegateTo",
		"Old UAC Value", "New UAC Value", "User Account Control", "User Parameters", "SID History",
		"Sid History", "Logon Hours",
	} {
		m[l] = true
	}
	return m
}()

// Roles of the account labels in a section.
const (
	winRoleSubject = iota + 1 // SubjectUserName ...
	winRoleTarget             // TargetUserName, TargetUserSid, TargetLogonId
	winRoleAccount            // TargetUserName, TargetSid (account management)
	winRoleMember             // MemberName, MemberSid
)

// winTextRole returns whose account the labels of section describe.
func winTextRole(modern int, section string) int {
	switch section {
	case "Subject", "Creator Subject", "Logged on user", "Assigning Process Information":
		if modern == 4634 || modern == 4647 {
			return winRoleTarget
		}
		return winRoleSubject
	case "Target Subject", "New Logon", "Account For Which Logon Failed", "Account Whose Credentials Were Used",
		"New Token Information", "User whose credentials were used", "New Process Information":
		return winRoleTarget
	case "New Account", "Target Account", "Account That Was Locked Out", "Group":
		return winRoleAccount
	case "Member":
		return winRoleMember
	case "":
		// Legacy messages have no sections.
		switch modern {
		case 4624, 4625, 4634, 4647, 4776:
			return winRoleTarget
		}
		return winRoleSubject
	}
	return 0
}

// winTextName returns the EventData name of label in section of an event
// whose (modern) id is modern, "" if it has none.
func winTextName(modern int, section, label string) string {
	role := winTextRole(modern, section)
	switch label {
	case "Security ID":
		return winRoleName(role, "SubjectUserSid", "TargetUserSid", "TargetSid", "MemberSid")
	case "Account Name", "User Name", "Group Name":
		if label == "User Name" && role == winRoleAccount {
			return ""
		}
		return winRoleName(role, "SubjectUserName", "TargetUserName", "TargetUserName", "MemberName")
	case "Account Domain", "Domain Name", "Domain", "Group Domain":
		return winRoleName(role, "SubjectDomainName", "TargetDomainName", "TargetDomainName", "")
	case "Logon ID":
		return winRoleName(role, "SubjectLogonId", "TargetLogonId", "", "")
	case "Logon GUID":
		if section == "Account Whose Credentials Were Used" {
			return "TargetLogonGuid"
		}
		return "LogonGuid"
	case "Primary User Name":
		if modern == 1102 {
			return "PrimaryUserName"
		}
		return "SubjectUserName"
	case "Primary Domain":
		if modern == 1102 {
			return "PrimaryDomainName"
		}
		return "SubjectDomainName"
	case "Primary Logon ID":
		if modern == 1102 {
			return "PrimaryLogonId"
		}
		return "SubjectLogonId"
	case "Client User Name", "Caller User Name":
		return "SubjectUserName"
	case "Client Domain", "Caller Domain":
		return "SubjectDomainName"
	case "Client Logon ID", "Caller Logon ID":
		return "SubjectLogonId"
	case "Target User Name", "New Account Name", "Target Account Name", "Logon Account", "Logon account":
		return "TargetUserName"
	case "Target Domain", "New Domain", "Caller Machine Name", "Caller Computer Name":
		return "TargetDomainName"
	case "Target Logon ID":
		return "TargetLogonId"
	case "Target Logon GUID":
		return "TargetLogonGuid"
	case "New Account ID", "Target Account ID":
		return "TargetSid"
	case "Member Name":
		return "MemberName"
	case "Member ID":
		return "MemberSid"
	case "Process ID":
		if section == "New Process Information" {
			return "TargetProcessId"
		}
		return "ProcessId"
	case "Image File Name":
		switch {
		case section == "New Process Information":
			return "TargetProcessName"
		case modern == 4688:
			return "NewProcessName"
		}
		return "ProcessName"
	case "Process Name", "Caller Process Name":
		return "ProcessName"
	case "Caller Process ID", "Creator Process ID":
		return "ProcessId"
	case "New Process ID":
		return "NewProcessId"
	case "New Process Name":
		return "NewProcessName"
	case "Creator Process Name":
		return "ParentProcessName"
	case "Process Command Line":
		return "CommandLine"
	case "Token Elevation Type":
		return "TokenElevationType"
	case "Mandatory Label":
		return "MandatoryLabel"
	case "Exit Status", "Status", "Status code", "Error Code":
		return "Status"
	case "Sub Status", "Substatus code":
		return "SubStatus"
	case "Target Process ID":
		return "TargetProcessId"
	case "Target Process Name":
		return "TargetProcessName"
	case "Logon Type":
		return "LogonType"
	case "Logon Process":
		return "LogonProcessName"
	case "Authentication Package", "Logon attempt by":
		if modern == 4776 {
			return "PackageName"
		}
		return "AuthenticationPackageName"
	case "Workstation Name":
		return "WorkstationName"
	case "Source Workstation":
		return "Workstation"
	case "Transited Services":
		return "TransmittedServices"
	case "Package Name (NTLM only)":
		return "LmPackageName"
	case "Key Length":
		return "KeyLength"
	case "Source Network Address", "Network Address":
		return "IpAddress"
	case "Source Port", "Port":
		return "IpPort"
	case "Linked Logon ID":
		return "TargetLinkedLogonId"
	case "Network Account Name":
		return "TargetOutboundUserName"
	case "Network Account Domain":
		return "TargetOutboundDomainName"
	case "Restricted Admin Mode":
		return "RestrictedAdminMode"
	case "Virtual Account":
		return "VirtualAccount"
	case "Elevated Token":
		return "ElevatedToken"
	case "Impersonation Level":
		return "ImpersonationLevel"
	case "Failure Reason", "Reason":
		return "FailureReason"
	case "Target Server Name":
		return "TargetServerName"
	case "Target Server Info":
		return "TargetInfo"
	case "Additional Information":
		if section == "Target Server" {
			return "TargetInfo"
		}
	case "Privileges":
		return "PrivilegeList"
	case "SAM Account Name", "Sam Account Name":
		return "SamAccountName"
	case "Display Name":
		return "DisplayName"
	case "User Principal Name":
		return "UserPrincipalName"
	case "Home Directory":
		return "HomeDirectory"
	case "Home Drive":
		return "HomePath"
	case "Script Path":
		return "ScriptPath"
	case "Profile Path":
		return "ProfilePath"
	case "User Workstations":
		return "UserWorkstations"
	case "Password Last Set":
		return "PasswordLastSet"
	case "Account Expires":
		return "AccountExpires"
	case "Primary Group ID":
		return "PrimaryGroupId"
	case "Allowed To Delegate To", "AllowedToDelegateTo":
		return "AllowedToDelegateTo"
	case "Old UAC Value":
		return "OldUacValue"
	case "New UAC Value":
		return "NewUacValue"
	case "User Account Control":
		return "UserAccountControl"
	case "User Parameters":
		return "UserParameters"
	case "SID History", "Sid History":
		return "SidHistory"
	case "Logon Hours":
		return "LogonHours"
	}
	return ""
}

func winRoleName(role int, subject, target, account, member string) string {
	switch role {
	case winRoleSubject:
		return subject
	case winRoleTarget:
		return target
	case winRoleAccount:
		return account
	case winRoleMember:
		return member
	}
	return ""
}
