package windows

import (
	"fmt"
	"strings"
	"testing"
)

// Account logon, account management, logon/logoff, privilege use,
// directory service access and policy change events by the text roads
// (Snare with TAB or "#011" separators, behind an RFC 3164 or an RFC 5424
// header) give the ECS fields of their XML. Each message is laid out as
// the Security auditing provider's message text has it (its sections and
// "Label: value" lines, as Microsoft's event pages show them), filled
// with this test's own values.

// acctValues are the EventData values of the samples: each account a
// different name, so that a value read under the wrong section shows.
var acctValues = map[string]string{
	"SubjectUserSid": "S-1-5-21-1111111111-2222222222-3333333333-500", "SubjectUserName": "dadmin",
	"SubjectDomainName": "CORP", "SubjectLogonId": "0x30dc2",
	"TargetSid": "S-1-5-21-1111111111-2222222222-3333333333-1131", "TargetUserSid": "S-1-5-21-1111111111-2222222222-3333333333-1131",
	"TargetUserName": "kwest", "TargetDomainName": "CORPNET", "TargetLogonId": "0x8a1f3", "LogonType": "2",
	"MemberSid": "S-1-5-21-1111111111-2222222222-3333333333-1140", "MemberName": "CN=Ana Lind,OU=Staff,DC=corp,DC=example,DC=org",
	"SamAccountName": "kwest", "DisplayName": "Ken West", "UserPrincipalName": "kwest@corp.example.org",
	"HomeDirectory": `\\fs1\home\kwest`, "HomePath": "H:", "ScriptPath": "logon.cmd", "ProfilePath": `\\fs1\profiles\kwest`,
	"UserWorkstations": "-", "PasswordLastSet": "%%1794", "AccountExpires": "%%1794", "PrimaryGroupId": "513",
	"AllowedToDelegateTo": "-", "OldUacValue": "0x0", "NewUacValue": "0x15", "UserAccountControl": "%%2080",
	"UserParameters": "-", "SidHistory": "-", "LogonHours": "%%1793", "PrivilegeList": "-",
	"DnsHostName": "wks-9.corp.example.org", "ServicePrincipalNames": "HOST/wks-9.corp.example.org",
	"OldTargetUserName": "kwest", "NewTargetUserName": "kwest.old", "SourceUserName": "OLDDOM\\kwest",
	"SourceSid": "S-1-5-21-4444444444-5555555555-6666666666-1201", "SidList": "-",
	"Workstation": "WKS-31", "Status": "0x0", "CallerProcessId": "0x2b10", "CallerProcessName": `C:\Windows\System32\net1.exe`,
	"ProcessId": "0x4c8", "ProcessName": `C:\Windows\System32\svchost.exe`, "SessionId": "3",
	"EnabledPrivilegeList": "SeSecurityPrivilege", "DisabledPrivilegeList": "-", "AccessGranted": "SeRemoteInteractiveLogonRight",
	"CategoryId": "%%8274", "SubcategoryId": "%%12801", "SubcategoryGuid": "{0cce9223-69ae-11d9-bed3-505054503030}",
	"AuditPolicyChanges": "%%8449", "DomainName": "CORP", "DomainSid": "S-1-5-21-1111111111-2222222222-3333333333",
	"MinPasswordAge": "-", "MaxPasswordAge": "-", "LogonGuid": "{5e0b1d2c-3a4f-4b6e-9c8d-7f1a2b3c4d5e}",
	"TargetLogonGuid": "{5e0b1d2c-3a4f-4b6e-9c8d-7f1a2b3c4d5e}", "EventIdx": "1", "EventCountTotal": "1",
	"GroupMembership": "%{S-1-5-21-1111111111-2222222222-3333333333-513}", "ObjectServer": "DS",
	"ObjectType": "%{bf967aba-0de6-11d0-a285-00aa003049e2}", "ObjectName": `C:\Finance\q3.xlsx`,
	"OperationType": "Object Access", "HandleId": "0x0", "AccessList": "%%7688", "AccessMask": "0x100",
	"Properties": "%%7688 {bf967aba-0de6-11d0-a285-00aa003049e2}", "DSName": "corp.example.org", "DSType": "%%14676",
	"ObjectDN": "CN=Ken West,OU=Staff,DC=corp,DC=example,DC=org", "ObjectGUID": "{a1b2c3d4-0000-4000-8000-00000000beef}",
	"ObjectClass": "user", "AttributeLDAPDisplayName": "description", "AttributeSyntaxOID": "2.5.5.12",
	"AttributeValue": "Contractor, building 4", "OpCorrelationID": "{0a1b2c3d-1111-2222-3333-444455556666}",
	"AppCorrelationID": "-", "TreeDelete": "%%14679", "OldObjectDN": "CN=Ken West,OU=Old,DC=corp,DC=example,DC=org",
	"NewObjectDN": "CN=Ken West,OU=Staff,DC=corp,DC=example,DC=org", "TdoDirection": "%%16386", "TdoAttributes": "%%16397",
	"TdoType": "%%16394", "TdoSid": "S-1-5-21-7777777777-8888888888-9999999999", "SidFilteringEnabled": "%%1796",
	"WorkstationName": "WKS-31", "RequestType": "-", "LogonProcessName": "Kerberos", "AuthenticationPackageName": "Kerberos",
	"LocalMMPrincipalName": "-", "RemoteMMPrincipalName": "CN=vpn-gw-2.corp.example.org", "LocalAddress": "192.0.2.10",
	"RemoteAddress": "198.51.100.77", "LocalKeyModPort": "500", "RemoteKeyModPort": "500", "KeyingModuleName": "IKEv1",
	"FailurePoint": "%%8200", "FailureReason": "No policy configured", "MMSAID": "11",
	"UserClaims": "ad://ext/department:88d4b8e9f0 <String> : Finance", "DeviceClaims": "-",
	"AuditSourceName": "Contoso Audit", "EventSourceId": "0x1a2b",
	"TransmittedServices": "-", "Service": "-", "AccessReason": "-", "OldSd": "-", "NewSd": "-",
}

// acctLine names a value: label, EventData name; a section has no name.
var (
	acctSubject = []textLine{textSection("Subject"), {"Security ID", "SubjectUserSid"}, {"Account Name", "SubjectUserName"},
		{"Account Domain", "SubjectDomainName"}, {"Logon ID", "SubjectLogonId"}}
	acctPrivileges = []textLine{textSection("Additional Information"), {"Privileges", "PrivilegeList"}}
	acctProcess    = []textLine{textSection("Process Information"), {"Process ID", "ProcessId"}, {"Process Name", "ProcessName"}}
)

func acctTarget(section string) []textLine {
	return []textLine{textSection(section), {"Security ID", "TargetSid"}, {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}}
}

func acctGroup(section string) []textLine {
	return []textLine{textSection(section), {"Security ID", "TargetSid"}, {"Group Name", "TargetUserName"},
		{"Group Domain", "TargetDomainName"}}
}

// acctUserAttributes are 4720's and 4738's attributes (4741's and 4742's
// add the computer's DNS name and SPNs).
func acctUserAttributes(section string, computer bool) []textLine {
	l := []textLine{textSection(section), {"SAM Account Name", "SamAccountName"}, {"Display Name", "DisplayName"},
		{"User Principal Name", "UserPrincipalName"}, {"Home Directory", "HomeDirectory"}, {"Home Drive", "HomePath"},
		{"Script Path", "ScriptPath"}, {"Profile Path", "ProfilePath"}, {"User Workstations", "UserWorkstations"},
		{"Password Last Set", "PasswordLastSet"}, {"Account Expires", "AccountExpires"}, {"Primary Group ID", "PrimaryGroupId"},
		{"Allowed To Delegate To", "AllowedToDelegateTo"}, {"Old UAC Value", "OldUacValue"}, {"New UAC Value", "NewUacValue"},
		{"User Account Control", "UserAccountControl"}, {"User Parameters", "UserParameters"}, {"SID History", "SidHistory"},
		{"Logon Hours", "LogonHours"}}
	if computer {
		l = append(l, textLine{"DNS Host Name", "DnsHostName"}, textLine{"Service Principal Names", "ServicePrincipalNames"})
	}
	return l
}

var acctGroupAttributes = []textLine{textSection("Attributes"), {"SAM Account Name", "SamAccountName"}, {"SID History", "SidHistory"}}

var acctMember = []textLine{textSection("Member"), {"Security ID", "MemberSid"}, {"Account Name", "MemberName"}}

// acctCase is one event: its id, its title, its lines, the paragraph its
// message ends with, and whether it is a failure.
type acctCase struct {
	id      int
	title   string
	lines   []textLine
	close   string
	failure bool
}

func acctCases() []acctCase {
	s := acctSubject
	cases := []acctCase{
		{id: 4720, title: "A user account was created.", lines: textLayout(s, acctTarget("New Account"), acctUserAttributes("Attributes", false), acctPrivileges)},
		{id: 4722, title: "A user account was enabled.", lines: textLayout(s, acctTarget("Target Account"))},
		{id: 4723, title: "An attempt was made to change an account's password.", lines: textLayout(s, acctTarget("Target Account"), acctPrivileges)},
		{id: 4724, title: "An attempt was made to reset an account's password.", lines: textLayout(s, acctTarget("Target Account"))},
		{id: 4725, title: "A user account was disabled.", lines: textLayout(s, acctTarget("Target Account"))},
		{id: 4726, title: "A user account was deleted.", lines: textLayout(s, acctTarget("Target Account"), acctPrivileges)},
		{id: 4738, title: "A user account was changed.", lines: textLayout(s, acctTarget("Target Account"), acctUserAttributes("Changed Attributes", false), acctPrivileges)},
		{id: 4740, title: "A user account was locked out.", lines: textLayout(s, []textLine{textSection("Account That Was Locked Out"),
			{"Security ID", "TargetSid"}, {"Account Name", "TargetUserName"}, textSection("Additional Information"),
			{"Caller Computer Name", "TargetDomainName"}})},
		{id: 4741, title: "A computer account was created.", lines: textLayout(s, acctTarget("New Computer Account"), acctUserAttributes("Attributes", true), acctPrivileges)},
		{id: 4742, title: "A computer account was changed.", lines: textLayout(s, acctTarget("Computer Account That Was Changed"), acctUserAttributes("Changed Attributes", true), acctPrivileges)},
		{id: 4743, title: "A computer account was deleted.", lines: textLayout(s, acctTarget("Target Computer"), acctPrivileges)},
		{id: 4765, title: "SID History was added to an account.", lines: textLayout(s, acctTarget("Target Account"),
			[]textLine{textSection("Source Account"), {"Security ID", "SourceSid"}, {"Account Name", "SourceUserName"},
				textSection("Additional Information"), {"Privileges", "PrivilegeList"}, {"SID List", "SidList"}})},
		{id: 4766, failure: true, title: "An attempt to add SID History to an account failed.", lines: textLayout(s, acctTarget("Target Account"),
			[]textLine{textSection("Source Account"), {"Account Name", "SourceUserName"}}, acctPrivileges)},
		{id: 4767, title: "A user account was unlocked.", lines: textLayout(s, acctTarget("Target Account"))},
		{id: 4780, title: "The ACL was set on accounts which are members of administrators groups.", lines: textLayout(s, acctTarget("Target Account"), acctPrivileges)},
		{id: 4781, title: "The name of an account was changed:", lines: textLayout(s, []textLine{textSection("Target Account"),
			{"Security ID", "TargetSid"}, {"Account Domain", "TargetDomainName"}, {"Old Account Name", "OldTargetUserName"},
			{"New Account Name", "NewTargetUserName"}}, acctPrivileges)},
		{id: 4782, title: "The password hash an account was accessed.", lines: textLayout(s, []textLine{textSection("Target Account"),
			{"Account Name", "TargetUserName"}, {"Account Domain", "TargetDomainName"}})},
		{id: 4793, title: "The Password Policy Checking API was called.", lines: textLayout(s, []textLine{textSection("Additional Information"),
			{"Caller Workstation", "Workstation"}, {"Provided Account Name (unauthenticated)", "TargetUserName"}, {"Status Code", "Status"}})},
		{id: 4794, title: "An attempt was made to set the Directory Services Restore Mode administrator password.", lines: textLayout(s,
			[]textLine{textSection("Additional Information"), {"Caller Workstation", "Workstation"}, {"Status Code", "Status"}})},
		{id: 4797, title: "An attempt was made to query the existence of a blank password for an account.", lines: textLayout(s,
			[]textLine{textSection("Additional Information"), {"Caller Workstation", "Workstation"},
				{"Target Account Name", "TargetUserName"}, {"Target Account Domain", "TargetDomainName"}})},
		{id: 4798, title: "A user's local group membership was enumerated.", lines: textLayout(s, acctTarget("User"),
			[]textLine{textSection("Process Information"), {"Process ID", "CallerProcessId"}, {"Process Name", "CallerProcessName"}})},
		{id: 4799, title: "A security-enabled local group membership was enumerated.", lines: textLayout(s, acctGroup("Group"),
			[]textLine{textSection("Process Information"), {"Process ID", "CallerProcessId"}, {"Process Name", "CallerProcessName"}})},
		{id: 4764, title: "A group's type was changed.", lines: textLayout(s, acctGroup("Group"), acctPrivileges)},
	}
	// Group management: created, member added or removed, deleted, changed.
	for _, ids := range [][5]int{{4727, 4728, 4729, 4730, 4737}, {4731, 4732, 4733, 4734, 4735}, {4744, 4746, 4747, 4748, 4745},
		{4749, 4751, 4752, 4753, 4750}, {4754, 4756, 4757, 4758, 4755}, {4759, 4761, 4762, 4763, 4760}} {
		cases = append(cases,
			acctCase{id: ids[0], title: "A group was created.", lines: textLayout(s, acctGroup("New Group"), acctGroupAttributes, acctPrivileges)},
			acctCase{id: ids[1], title: "A member was added to a group.", lines: textLayout(s, acctMember, acctGroup("Group"), acctPrivileges)},
			acctCase{id: ids[2], title: "A member was removed from a group.", lines: textLayout(s, acctMember, acctGroup("Group"), acctPrivileges)},
			acctCase{id: ids[3], title: "A group was deleted.", lines: textLayout(s, acctGroup("Deleted Group"), acctPrivileges)},
			acctCase{id: ids[4], title: "A group was changed.", lines: textLayout(s, acctGroup("Group"),
				[]textLine{textSection("Changed Attributes"), {"SAM Account Name", "SamAccountName"}, {"SID History", "SidHistory"}}, acctPrivileges)})
	}
	logonSubject := []textLine{textSection("Subject"), {"Security ID", "TargetUserSid"}, {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}, {"Logon ID", "TargetLogonId"}}
	newLogon := []textLine{textSection("New Logon"), {"Security ID", "TargetUserSid"}, {"Account Name", "TargetUserName"},
		{"Account Domain", "TargetDomainName"}, {"Logon ID", "TargetLogonId"}}
	cases = append(cases,
		acctCase{id: 4634, title: "An account was logged off.", lines: textLayout(logonSubject, []textLine{{"Logon Type", "LogonType"}}),
			close: "This event is generated when a logon session is destroyed. It may be positively correlated with a logon event using the Logon ID value. Logon IDs are only unique between reboots on the same computer."},
		acctCase{id: 4647, title: "User initiated logoff:", lines: logonSubject,
			close: "This event is generated when a logoff is initiated. No further user-initiated activity can occur. This event can be interpreted as a logoff event."},
		acctCase{id: 4672, title: "Special privileges assigned to new logon.", lines: textLayout(s, []textLine{{"Privileges", "PrivilegeList"}})},
		acctCase{id: 4800, title: "The workstation was locked.", lines: textLayout(logonSubject, []textLine{{"Session ID", "SessionId"}})},
		acctCase{id: 4801, title: "The workstation was unlocked.", lines: textLayout(logonSubject, []textLine{{"Session ID", "SessionId"}})},
		acctCase{id: 4802, title: "The screen saver was invoked.", lines: textLayout(logonSubject, []textLine{{"Session ID", "SessionId"}})},
		acctCase{id: 4803, title: "The screen saver was dismissed.", lines: textLayout(logonSubject, []textLine{{"Session ID", "SessionId"}})},
		acctCase{id: 4627, title: "Group membership information.", lines: textLayout(s, []textLine{textSection("Logon Type"), {"Logon Type", "LogonType"}}[1:],
			newLogon, []textLine{{"Event in sequence", "EventIdx"}, textSection("Group Membership"), {"Group Membership", "GroupMembership"}}[0:1]),
			close: "The subject fields indicate the account on the local system which requested the logon."},
		acctCase{id: 4626, title: "User / Device claims information.", lines: textLayout(s, []textLine{{"Logon Type", "LogonType"}},
			newLogon, []textLine{{"Event in sequence", "EventIdx"}, {"User Claims", "UserClaims"}, {"Device Claims", "DeviceClaims"}})},
		acctCase{id: 4904, title: "An attempt was made to register a security event source.", lines: textLayout(s,
			[]textLine{textSection("Process"), {"Process ID", "ProcessId"}, {"Process Name", "ProcessName"},
				textSection("Event Source"), {"Source Name", "AuditSourceName"}, {"Event Source ID", "EventSourceId"}})},
		acctCase{id: 4905, title: "An attempt was made to unregister a security event source.", lines: textLayout(s,
			[]textLine{textSection("Process"), {"Process ID", "ProcessId"}, {"Process Name", "ProcessName"},
				textSection("Event Source"), {"Source Name", "AuditSourceName"}, {"Event Source ID", "EventSourceId"}})},
		acctCase{id: 4964, title: "Special groups have been assigned to a new logon.", lines: textLayout(s, []textLine{{"Logon GUID", "LogonGuid"}},
			newLogon, []textLine{{"Logon GUID", "TargetLogonGuid"}, {"Special Groups Assigned", "SidList"}})},
		acctCase{id: 4649, title: "A replay attack was detected.", lines: textLayout(s, []textLine{textSection("Credentials Which Were Replayed"),
			{"Account Name", "TargetUserName"}, {"Account Domain", "TargetDomainName"}}, acctProcess,
			[]textLine{textSection("Network Information"), {"Workstation Name", "WorkstationName"},
				textSection("Detailed Authentication Information"), {"Request Type", "RequestType"}, {"Logon Process", "LogonProcessName"},
				{"Authentication Package", "AuthenticationPackageName"}, {"Transited Services", "TransmittedServices"}})},
		acctCase{id: 4675, title: "SIDs were filtered.", lines: []textLine{textSection("Target Account"), {"Security ID", "TargetUserSid"},
			{"Account Name", "TargetUserName"}, {"Account Domain", "TargetDomainName"}, textSection("Trust Information"),
			{"Trust Direction", "TdoDirection"}, {"Trust Attributes", "TdoAttributes"}, {"Trust Type", "TdoType"},
			{"TDO Domain SID", "TdoSid"}, {"Filtered SIDs", "SidList"}}},
		acctCase{id: 4673, title: "A privileged service was called.", lines: textLayout(s, []textLine{textSection("Service"), {"Server", "ObjectServer"},
			{"Service Name", "Service"}}, []textLine{textSection("Process"), {"Process ID", "ProcessId"}, {"Process Name", "ProcessName"},
			textSection("Service Request Information"), {"Privileges", "PrivilegeList"}})},
		acctCase{id: 4674, title: "An operation was attempted on a privileged object.", lines: textLayout(s, []textLine{textSection("Object"),
			{"Object Server", "ObjectServer"}, {"Object Type", "ObjectType"}, {"Object Name", "ObjectName"}, {"Object Handle", "HandleId"}},
			acctProcess, []textLine{textSection("Requested Operation"), {"Desired Access", "AccessMask"}, {"Privileges", "PrivilegeList"}})},
		acctCase{id: 4703, title: "A token right was adjusted.", lines: textLayout(s, []textLine{textSection("Target Account"),
			{"Security ID", "TargetUserSid"}, {"Account Name", "TargetUserName"}, {"Account Domain", "TargetDomainName"},
			{"Logon ID", "TargetLogonId"}}, acctProcess, []textLine{{"Enabled Privileges", "EnabledPrivilegeList"},
			{"Disabled Privileges", "DisabledPrivilegeList"}})},
		acctCase{id: 4704, title: "A user right was assigned.", lines: textLayout(s, []textLine{textSection("Target Account"),
			{"Account Name", "TargetSid"}, textSection("New Right"), {"User Right", "PrivilegeList"}})},
		acctCase{id: 4705, title: "A user right was removed.", lines: textLayout(s, []textLine{textSection("Target Account"),
			{"Account Name", "TargetSid"}, textSection("Removed Right"), {"User Right", "PrivilegeList"}})},
		acctCase{id: 4717, title: "System security access was granted to an account.", lines: textLayout(s, []textLine{textSection("Account Modified"),
			{"Account Name", "TargetSid"}, textSection("Access Granted"), {"Access Right", "AccessGranted"}})},
		acctCase{id: 4718, title: "System security access was removed from an account.", lines: textLayout(s, []textLine{textSection("Account Modified"),
			{"Account Name", "TargetSid"}, textSection("Access Removed"), {"Access Right", "AccessGranted"}})},
		acctCase{id: 4706, title: "A new trust was created to a domain.", lines: textLayout(s, []textLine{textSection("Trusted Domain"),
			{"Domain Name", "DomainName"}, {"Domain ID", "DomainSid"}, textSection("Trust Information"), {"Trust Type", "TdoType"},
			{"Trust Direction", "TdoDirection"}, {"Trust Attributes", "TdoAttributes"}, {"SID Filtering", "SidFilteringEnabled"}})},
		acctCase{id: 4719, title: "System audit policy was changed.", lines: textLayout(s, []textLine{textSection("Audit Policy Change"),
			{"Category", "CategoryId"}, {"Subcategory", "SubcategoryId"}, {"Subcategory GUID", "SubcategoryGuid"}, {"Changes", "AuditPolicyChanges"}})},
		acctCase{id: 4739, title: "Domain Policy was changed.", lines: textLayout(s, []textLine{{"Change Type", "DomainPolicyChanged"}, textSection("Domain"),
			{"Domain Name", "DomainName"}, {"Domain ID", "DomainSid"}, textSection("Changed Attributes"),
			{"Min. Password Age", "MinPasswordAge"}, {"Max. Password Age", "MaxPasswordAge"}})},
		acctCase{id: 4912, title: "Per User Audit Policy was changed.", lines: textLayout(s, []textLine{textSection("Policy For Account"),
			{"Security ID", "TargetUserSid"}, textSection("Policy Change Details"), {"Category", "CategoryId"},
			{"Subcategory", "SubcategoryId"}, {"Subcategory GUID", "SubcategoryGuid"}, {"Changes", "AuditPolicyChanges"}})},
		acctCase{id: 4907, title: "Auditing settings on object were changed.", lines: textLayout(s, []textLine{textSection("Object"),
			{"Object Server", "ObjectServer"}, {"Object Type", "ObjectType"}, {"Object Name", "ObjectName"}, {"Handle ID", "HandleId"}},
			acctProcess, []textLine{textSection("Auditing Settings"), {"Original Security Descriptor", "OldSd"}, {"New Security Descriptor", "NewSd"}})},
		acctCase{id: 4662, title: "An operation was performed on an object.", lines: textLayout(s, []textLine{textSection("Object"),
			{"Object Server", "ObjectServer"}, {"Object Type", "ObjectType"}, {"Object Name", "ObjectName"}, {"Handle ID", "HandleId"},
			textSection("Operation"), {"Operation Type", "OperationType"}, {"Accesses", "AccessList"}, {"Access Mask", "AccessMask"},
			{"Properties", "Properties"}})},
	)
	mainMode := func(failure bool) []textLine {
		l := []textLine{textSection("Local Endpoint"), {"Principal Name", "LocalMMPrincipalName"},
			{"Network Address", "LocalAddress"}, {"Keying Module Port", "LocalKeyModPort"}, textSection("Remote Endpoint"),
			{"Principal Name", "RemoteMMPrincipalName"}, {"Network Address", "RemoteAddress"},
			{"Keying Module Port", "RemoteKeyModPort"}}
		if failure {
			return append(l, textSection("Additional Information"), textLine{"Keying Module Name", "KeyingModuleName"},
				textSection("Failure Information"), textLine{"Failure Point", "FailurePoint"},
				textLine{"Failure Reason", "FailureReason"})
		}
		return append(l, textSection("Additional Information"), textLine{"Keying Module Name", "KeyingModuleName"},
			textLine{"Main Mode SA ID", "MMSAID"})
	}
	cases = append(cases,
		acctCase{id: 4650, title: "An IPsec Main Mode security association was established.", lines: mainMode(false)},
		acctCase{id: 4651, title: "An IPsec Main Mode security association was established.", lines: mainMode(false)},
		acctCase{id: 4652, failure: true, title: "An IPsec Main Mode negotiation failed.", lines: mainMode(true)},
		acctCase{id: 4653, failure: true, title: "An IPsec Main Mode negotiation failed.", lines: mainMode(true)},
		acctCase{id: 4655, title: "An IPsec Main Mode security association ended.", lines: mainMode(false)},
	)
	ds := []textLine{textSection("Directory Service"), {"Name", "DSName"}, {"Type", "DSType"}, textSection("Object")}
	op := []textLine{textSection("Operation"), {"Correlation ID", "OpCorrelationID"}, {"Application Correlation ID", "AppCorrelationID"}}
	cases = append(cases,
		acctCase{id: 5136, title: "A directory service object was modified.", lines: textLayout(s, ds, []textLine{{"DN", "ObjectDN"},
			{"GUID", "ObjectGUID"}, {"Class", "ObjectClass"}, textSection("Attribute"), {"LDAP Display Name", "AttributeLDAPDisplayName"},
			{"Syntax (OID)", "AttributeSyntaxOID"}, {"Value", "AttributeValue"}, textSection("Operation"), {"Type", "OperationType"},
			{"Correlation ID", "OpCorrelationID"}, {"Application Correlation ID", "AppCorrelationID"}})},
		acctCase{id: 5137, title: "A directory service object was created.", lines: textLayout(s, ds, []textLine{{"DN", "ObjectDN"},
			{"GUID", "ObjectGUID"}, {"Class", "ObjectClass"}}, op)},
		acctCase{id: 5138, title: "A directory service object was undeleted.", lines: textLayout(s, ds, []textLine{{"Old DN", "OldObjectDN"},
			{"New DN", "NewObjectDN"}, {"GUID", "ObjectGUID"}, {"Class", "ObjectClass"}}, op)},
		acctCase{id: 5139, title: "A directory service object was moved.", lines: textLayout(s, ds, []textLine{{"Old DN", "OldObjectDN"},
			{"New DN", "NewObjectDN"}, {"GUID", "ObjectGUID"}, {"Class", "ObjectClass"}}, op)},
		acctCase{id: 5141, title: "A directory service object was deleted.", lines: textLayout(s, ds, []textLine{{"DN", "ObjectDN"},
			{"GUID", "ObjectGUID"}, {"Class", "ObjectClass"}, textSection("Operation"), {"Tree Delete", "TreeDelete"},
			{"Correlation ID", "OpCorrelationID"}, {"Application Correlation ID", "AppCorrelationID"}})},
	)
	return cases
}

// acctMessage renders a case's message as Event Viewer shows it.
func acctMessage(c acctCase, vals map[string]string) string {
	var b strings.Builder
	b.WriteString(c.title)
	for _, l := range c.lines {
		if l.name == "" {
			fmt.Fprintf(&b, "\r\n\r\n%s:", l.label)
			continue
		}
		fmt.Fprintf(&b, "\r\n\t%s:\t\t%s", l.label, vals[l.name])
	}
	if c.close != "" {
		b.WriteString("\r\n\r\n" + c.close)
	}
	return b.String()
}

func acctXML(c acctCase, vals map[string]string) string {
	kw := "0x8020000000000000"
	if c.failure {
		kw = "0x8010000000000000"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>`+
		`<Provider Name="Microsoft-Windows-Security-Auditing"/><EventID>%d</EventID><Level>0</Level>`+
		`<Keywords>%s</Keywords><TimeCreated SystemTime="%s"/><EventRecordID>1042</EventRecordID>`+
		`<Channel>Security</Channel><Computer>DC1.corp.example.org</Computer></System><EventData>`, c.id, kw, sampleTime)
	for _, l := range c.lines {
		if l.name != "" {
			fmt.Fprintf(&b, `<Data Name="%s">%s</Data>`, l.name, xmlEsc(vals[l.name]))
		}
	}
	b.WriteString("</EventData></Event>")
	return b.String()
}

// acctSnare is a case's Snare record with its message flattened, its
// fields separated by sep, behind an RFC 3164 or (rfc5424) an RFC 5424 header.
func acctSnare(c acctCase, msg, sep string, rfc5424 bool) string {
	typ := "Success Audit"
	if c.failure {
		typ = "Failure Audit"
	}
	msg = strings.NewReplacer("\r", " ", "\n", " ", "\t", " ").Replace(msg)
	f := []string{"MSWinEventLog", "1", "Security", "77", "Tue Jun 30 08:00:00 2026", fmt.Sprint(c.id),
		"Microsoft-Windows-Security-Auditing", "N/A", "N/A", typ, "DC1.corp.example.org", "User Account Management", "", msg, "1042"}
	if rfc5424 {
		return "<14>1 2026-06-30T08:00:00.123Z DC1 - - - - " + strings.Join(f, sep)
	}
	return "<14>Jun 30 08:00:00 DC1 " + strings.Join(f, sep)
}

// acctRoads are the text roads each case goes by.
var acctRoads = []struct {
	name    string
	sep     string
	rfc5424 bool
}{{"snare 3164", "\t", false}, {"snare#011 3164", "#011", false}, {"snare 5424", "\t", true}, {"snare#011 5424", "#011", true}}

// TestAccountTextRoads: each event by each Snare road and by the
// eventlog-to-syslog text gives the ECS fields of its XML (the winlog envelope and event_data aside, which a
// text road does not carry).
func TestAccountTextRoads(t *testing.T) {
	same := 0
	cases := acctCases()
	for _, c := range cases {
		want := decodeRoad(t, acctXML(c, acctValues), false)
		for _, k := range acctXMLKeys[c.id] {
			if want[k] == nil {
				t.Errorf("%d: XML road lacks %s", c.id, k)
			}
		}
		msg := acctMessage(c, acctValues)
		ok := true
		for _, r := range acctRoads {
			got := decodeRoad(t, acctSnare(c, msg, r.sep, r.rfc5424), false)
			if !acctSame(t, fmt.Sprintf("%d %s", c.id, r.name), want, got) {
				ok = false
			}
		}
		// The eventlog-to-syslog text (evtsys, NXLog's classic): its
		// message keeps its line breaks and tabs.
		kw := map[bool]string{false: "AUDIT_SUCCESS", true: "AUDIT_FAILURE"}[c.failure]
		text := fmt.Sprintf("<14>Jun 30 08:00:00 DC1.corp.example.org Microsoft-Windows-Security-Auditing: %d: %s %s", c.id, kw, msg)
		if !acctSame(t, fmt.Sprintf("%d text", c.id), want, decodeRoad(t, text, false)) {
			ok = false
		}
		if ok {
			same++
		}
	}
	t.Logf("%d of %d events give their XML's ECS fields by every text road", same, len(cases))
}

// acctXMLKeys are fields the XML road of an event must set (a case whose
// XML sets nothing would compare nothing).
var acctXMLKeys = map[int][]string{
	4650: {"source.ip", "destination.ip"}, 4652: {"source.ip", "destination.ip", "event.reason"},
	4720: {"user.name", "user.target.name", "user.target.id"}, 4732: {"group.name", "user.target.id"},
	4740: {"user.target.name", "source.domain"}, 4781: {"user.target.name", "user.changes.name"},
	4793: {"source.domain", "user.target.name"}, 4800: {"user.name", "user.id"}, 4704: {"user.target.id"},
	4717: {"user.target.id"}, 4912: {"user.target.id"}, 4649: {"user.target.name"}, 4703: {"process.executable"},
	5136: {"user.name"}, 4662: {"user.name"}, 4626: {"user.name", "winlog.logon.type"}, 4904: {"process.executable"},
}

// acctSame fails on the differences of got from want (logs them only
// when acctMeasure is set: to count the events a change fixes) and
// reports whether there were none.
func acctSame(t *testing.T, name string, want, got map[string]any) bool {
	t.Helper()
	var diffs []string
	for k := range union(want, got) {
		if roadSpecific(k) || strings.HasPrefix(k, "winlog.") && !strings.HasPrefix(k, "winlog.logon.") || k == "@timestamp" {
			continue
		}
		if fmt.Sprint(want[k]) != fmt.Sprint(got[k]) {
			diffs = append(diffs, fmt.Sprintf("%s = %v, XML has %v", k, got[k], want[k]))
		}
	}
	for _, d := range diffs {
		if acctMeasure {
			t.Logf("%s: %s", name, d)
		} else {
			t.Errorf("%s: %s", name, d)
		}
	}
	return len(diffs) == 0
}

func union(a, b map[string]any) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

var acctMeasure = false

// TestAccountTextForged: a value a user or a client chose (a display
// name, a home directory, a script path, a SAM account name, a member's
// DN, a workstation name, a directory object's DN or attribute value)
// that holds the labels of its message sets no other field by any text
// road: every field but the value's own is what the plain value gives.
// (Account and group names are no such values: a SAM name cannot hold
// ':'.) A value that copies a label after it whose own value is free text
// too (copies) leaves the reader no way to tell the message's label from
// the copy's: its field may be left unset, never set to the copy's value.
func TestAccountTextForged(t *testing.T) {
	cases := map[int]acctCase{}
	for _, c := range acctCases() {
		cases[c.id] = c
	}
	for _, f := range []struct {
		id     int
		name   string   // the EventData name whose value is forged
		forged string   // %s: the plain value
		own    []string // the fields the value itself sets
		copies bool     // the value copies the labels after it
	}{
		{4720, "DisplayName", "%s  Account Name:  admin  Account Domain:  EVIL  Security ID:  S-1-5-18", nil, false},
		{4720, "HomeDirectory", "%s  New Account:  Security ID:  S-1-5-18  Account Name:  admin  Account Domain:  EVIL", nil, false},
		{4738, "ScriptPath", "%s  Target Account:  Account Name:  admin  Account Domain:  EVIL", nil, false},
		{4738, "ProfilePath", "%s  Subject:  Account Name:  admin  Logon ID:  0x3e7", nil, false},
		{4741, "DisplayName", "%s  New Computer Account:  Account Name:  DC2$", nil, false},
		{4742, "UserWorkstations", "%s  Computer Account That Was Changed:  Account Name:  DC2$  Account Domain:  EVIL", nil, false},
		{4732, "MemberName", "%s  Group:  Security ID:  S-1-5-32-544  Group Name:  Administrators  Group Domain:  Builtin",
			[]string{"user.target.name", "related.user"}, true},
		{4728, "MemberName", "%s  Group:  Security ID:  S-1-5-21-1111111111-2222222222-3333333333-512  Group Name:  Domain Admins",
			[]string{"user.target.name", "related.user"}, false},
		{4756, "MemberName", "%s  Group Name:  Enterprise Admins  Group Domain:  EVIL", []string{"user.target.name", "related.user"}, false},
		{4793, "Workstation", "%s  Provided Account Name (unauthenticated):  admin", []string{"source.domain", "related.hosts"}, true},
		{4797, "Workstation", "%s  Target Account Name:  admin  Target Account Domain:  EVIL", []string{"source.domain", "related.hosts"}, true},
		{4674, "ObjectName", `%s  Process ID:  0x4  Process Name:  C:\evil.exe`, []string{"file."}, false},
		{4907, "ObjectName", `%s  Process Information:  Process Name:  C:\evil.exe`, []string{"file."}, false},
		{4673, "Service", `%s  Process:  Process ID:  0x4  Process Name:  C:\evil.exe`, nil, false},
		{4793, "Workstation", "%s  Provided Account Name (unauthenticated):  admin  Status Code:  0x0",
			[]string{"source.domain", "related.hosts"}, true},
		{4797, "TargetUserName", "%s  Target Account Domain:  EVIL", []string{"user.target.name", "related.user"}, false},
		{4649, "WorkstationName", "%s  Credentials Which Were Replayed:  Account Name:  admin  Account Domain:  EVIL", nil, false},
		{4765, "SourceUserName", "%s  Target Account:  Security ID:  S-1-5-18  Account Name:  admin", nil, false},
		{5136, "AttributeValue", "%s  Subject:  Security ID:  S-1-5-18  Account Name:  admin  Account Domain:  EVIL  Logon ID:  0x3e7", nil, false},
		{5137, "ObjectDN", "%s  Account Name:  admin  Account Domain:  EVIL", nil, false},
		{4662, "ObjectName", "%s  Subject:  Account Name:  admin  Logon ID:  0x3e7", nil, false},
	} {
		c, ok := cases[f.id]
		if !ok {
			t.Fatalf("%d: no case", f.id)
		}
		forged := map[string]string{}
		for k, v := range acctValues {
			forged[k] = v
		}
		forged[f.name] = fmt.Sprintf(f.forged, acctValues[f.name])
		for _, r := range acctRoads {
			name := fmt.Sprintf("%d %s %s", f.id, f.name, r.name)
			plain := decodeRoad(t, acctSnare(c, acctMessage(c, acctValues), r.sep, r.rfc5424), false)
			got := decodeRoad(t, acctSnare(c, acctMessage(c, forged), r.sep, r.rfc5424), false)
			for k := range union(plain, got) {
				if owned(f.own, k) || fmt.Sprint(plain[k]) == fmt.Sprint(got[k]) || f.copies && lostOnly(plain[k], got[k]) {
					continue
				}
				if strings.HasPrefix(k, "winlog.event_data.") {
					continue // the forged value's own name
				}
				t.Errorf("%s: %s = %v, with a plain value %v", name, k, got[k], plain[k])
			}
		}
	}
}

// lostOnly reports whether got is want with values left out: unset, or a
// list of some of want's.
func lostOnly(want, got any) bool {
	if got == nil {
		return true
	}
	w, ok1 := want.([]any)
	g, ok2 := got.([]any)
	if !ok1 || !ok2 {
		return false
	}
	for _, v := range g {
		found := false
		for _, x := range w {
			found = found || x == v
		}
		if !found {
			return false
		}
	}
	return true
}

// TestAccountLegacyText: the 2003 texts of account and group management
// (msaudite.dll's labels, without sections) by Snare and by the
// eventlog-to-syslog text give the ECS fields of the modern event's XML.
func TestAccountLegacyText(t *testing.T) {
	caller := []textLine{{"Caller User Name", "SubjectUserName"}, {"Caller Domain", "SubjectDomainName"},
		{"Caller Logon ID", "SubjectLogonId"}, {"Privileges", "PrivilegeList"}}
	target := textLayout([]textLine{{"Target Account Name", "TargetUserName"}, {"Target Domain", "TargetDomainName"},
		{"Target Account ID", "TargetSid"}}, caller)
	attrs := []textLine{{"Sam Account Name", "SamAccountName"}, {"Display Name", "DisplayName"},
		{"User Principal Name", "UserPrincipalName"}, {"Home Directory", "HomeDirectory"}, {"Home Drive", "HomePath"},
		{"Script Path", "ScriptPath"}, {"Profile Path", "ProfilePath"}, {"User Workstations", "UserWorkstations"},
		{"Password Last Set", "PasswordLastSet"}, {"Account Expires", "AccountExpires"}, {"Primary Group ID", "PrimaryGroupId"},
		{"AllowedToDelegateTo", "AllowedToDelegateTo"}, {"Old UAC Value", "OldUacValue"}, {"New UAC Value", "NewUacValue"},
		{"User Account Control", "UserAccountControl"}, {"User Parameters", "UserParameters"}, {"Sid History", "SidHistory"},
		{"Logon Hours", "LogonHours"}}
	for _, c := range []struct {
		legacy int
		title  string
		lines  []textLine
	}{
		{624, "User Account Created:", textLayout([]textLine{{"New Account Name", "TargetUserName"}, {"New Domain", "TargetDomainName"},
			{"New Account ID", "TargetSid"}}, caller, []textLine{textSection("Attributes")}, attrs)},
		{626, "User Account Enabled:", target},
		{628, "User Account password set:", target},
		{630, "User Account Deleted:", target},
		{642, "User Account Changed:", textLayout(target, []textLine{textSection("Changed Attributes")}, attrs)},
		{644, "User Account Locked Out:", []textLine{{"Target Account Name", "TargetUserName"}, {"Target Account ID", "TargetSid"},
			{"Caller Machine Name", "TargetDomainName"}, {"Caller User Name", "SubjectUserName"}, {"Caller Domain", "SubjectDomainName"},
			{"Caller Logon ID", "SubjectLogonId"}}},
		{671, "User Account Unlocked:", target},
		{631, "Security Enabled Global Group Created:", textLayout([]textLine{{"New Account Name", "TargetUserName"},
			{"New Domain", "TargetDomainName"}, {"New Account ID", "TargetSid"}}, caller, []textLine{textSection("Attributes"),
			{"Sam Account Name", "SamAccountName"}, {"Sid History", "SidHistory"}})},
		{632, "Security Enabled Global Group Member Added:", textLayout([]textLine{{"Member Name", "MemberName"},
			{"Member ID", "MemberSid"}}, target)},
		{636, "Security Enabled Local Group Member Added:", textLayout([]textLine{{"Member Name", "MemberName"},
			{"Member ID", "MemberSid"}}, target)},
		{634, "Security Enabled Global Group Deleted:", target},
	} {
		modern := c.legacy + 4096
		want := decodeRoad(t, acctXML(acctCase{id: modern, lines: c.lines}, acctValues), false)
		var b strings.Builder
		b.WriteString(c.title)
		for _, l := range c.lines {
			if l.name == "" {
				fmt.Fprintf(&b, "  %s:", l.label)
				continue
			}
			fmt.Fprintf(&b, "  %s: %s", l.label, acctValues[l.name])
		}
		msg := b.String()
		roads := map[string]string{
			"text": fmt.Sprintf("<13>Jun 30 09:48:41 DC1.corp.example.org Security: %d: AUDIT_SUCCESS %s", c.legacy, msg),
		}
		for _, r := range acctRoads {
			roads[r.name] = acctSnare(acctCase{id: c.legacy}, msg, r.sep, r.rfc5424)
		}
		for road, line := range roads {
			got := decodeRoad(t, line, false)
			w := map[string]any{}
			for k, v := range want {
				w[k] = v
			}
			for _, k := range []string{"event.code", "event.provider"} {
				delete(w, k)
				delete(got, k)
			}
			acctSame(t, fmt.Sprintf("%d %s", c.legacy, road), w, got)
		}
	}
}

// TestAccountLegacyForged: a member's DN (2003's 632, a member added to
// a global group) that holds the labels after it sets no group.
func TestAccountLegacyForged(t *testing.T) {
	line := func(member string) string {
		return fmt.Sprintf("<13>Jun 30 09:48:41 DC1 Security: 632: AUDIT_SUCCESS Security Enabled Global Group Member Added:  "+
			"Member Name: %s  Member ID: %s  Target Account Name: kwest  Target Domain: CORPNET  Target Account ID: %s  "+
			"Caller User Name: dadmin  Caller Domain: CORP  Caller Logon ID: 0x30dc2  Privileges: -", member,
			acctValues["MemberSid"], acctValues["TargetSid"])
	}
	plain := decodeRoad(t, line(acctValues["MemberName"]), false)
	got := decodeRoad(t, line(acctValues["MemberName"]+"  Target Account Name: Domain Admins  Target Account ID: S-1-5-21-1-2-3-512"), false)
	for _, k := range []string{"group.name", "group.id", "user.target.group.name", "user.name", "user.target.id"} {
		if plain[k] == nil || fmt.Sprint(got[k]) != fmt.Sprint(plain[k]) {
			t.Errorf("%s = %v, with a plain DN %v", k, got[k], plain[k])
		}
	}
}
