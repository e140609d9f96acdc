package windows

import "github.com/nomenhq/nomen/normalize/ecs"

// Which EventData name a label of a rendered message ("Account Name:",
// "Process ID:") stands for. Most labels always mean one name; the account
// labels mean the subject's, the target's, the account's or the member's
// name according to the section they are in (winTextRole); a few depend on
// the event id or the section. To teach the decoder a label, add it to
// one of the three tables; a one-word label that ends many others ("Name")
// also to winTextGeneric, so that it is one only in the templates that
// have it.

// winTextFixed are the labels that mean one name wherever they are.
var winTextFixed = map[string]string{
	"Client User Name": "SubjectUserName", "Caller User Name": "SubjectUserName",
	"Client Domain": "SubjectDomainName", "Caller Domain": "SubjectDomainName",
	"Client Logon ID": "SubjectLogonId", "Caller Logon ID": "SubjectLogonId",
	"Target User Name":    "TargetUserName",
	"Target Account Name": "TargetUserName", "Logon Account": "TargetUserName", "Logon account": "TargetUserName",
	"Target Domain": "TargetDomainName", "New Domain": "TargetDomainName",
	"Caller Machine Name": "TargetDomainName", "Caller Computer Name": "TargetDomainName",
	"Target Logon ID":   "TargetLogonId",
	"Target Logon GUID": "TargetLogonGuid",
	"New Account ID":    "TargetSid", "Target Account ID": "TargetSid",
	"Member Name":  "MemberName",
	"Member ID":    "MemberSid",
	"Process Name": "ProcessName", "Caller Process Name": "ProcessName",
	"Caller Process ID": "ProcessId", "Creator Process ID": "ProcessId",
	"New Process ID":       "NewProcessId",
	"New Process Name":     "NewProcessName",
	"Creator Process Name": "ParentProcessName",
	"Process Command Line": "CommandLine",
	"Token Elevation Type": "TokenElevationType",
	"Mandatory Label":      "MandatoryLabel",
	"Exit Status":          "Status", "Status": "Status", "Status code": "Status", "Error Code": "Status",
	"Sub Status": "SubStatus", "Substatus code": "SubStatus",
	"Target Process ID":        "TargetProcessId",
	"Target Process Name":      "TargetProcessName",
	"Logon Type":               "LogonType",
	"Logon Process":            "LogonProcessName",
	"Workstation Name":         "WorkstationName",
	"Source Workstation":       "Workstation",
	"Transited Services":       "TransmittedServices",
	"Package Name (NTLM only)": "LmPackageName",
	"Key Length":               "KeyLength",
	"Source Network Address":   "IpAddress",
	"Port":                     "IpPort",
	"Linked Logon ID":          "TargetLinkedLogonId",
	"Network Account Name":     "TargetOutboundUserName",
	"Network Account Domain":   "TargetOutboundDomainName",
	"Restricted Admin Mode":    "RestrictedAdminMode",
	"Virtual Account":          "VirtualAccount",
	"Elevated Token":           "ElevatedToken",
	"Impersonation Level":      "ImpersonationLevel",
	"Failure Reason":           "FailureReason",
	"Target Server Name":       "TargetServerName",
	"Target Server Info":       "TargetInfo",
	"Privileges":               "PrivilegeList",
	"Task Name":                "TaskName", "Task Content": "TaskContent", "Task New Content": "TaskContentNew", // 4698-4702
	"SAM Account Name": "SamAccountName", "Sam Account Name": "SamAccountName",
	"Display Name":           "DisplayName",
	"User Principal Name":    "UserPrincipalName",
	"Home Directory":         "HomeDirectory",
	"Home Drive":             "HomePath",
	"Script Path":            "ScriptPath",
	"Profile Path":           "ProfilePath",
	"User Workstations":      "UserWorkstations",
	"Password Last Set":      "PasswordLastSet",
	"Account Expires":        "AccountExpires",
	"Primary Group ID":       "PrimaryGroupId",
	"Allowed To Delegate To": "AllowedToDelegateTo", "AllowedToDelegateTo": "AllowedToDelegateTo",
	"Old UAC Value":        "OldUacValue",
	"New UAC Value":        "NewUacValue",
	"User Account Control": "UserAccountControl",
	"User Parameters":      "UserParameters",
	"SID History":          "SidHistory", "Sid History": "SidHistory",
	"Logon Hours": "LogonHours",
	// Object access (4656-4663, 4670, 4674, 4691) and registry (4657).
	"Object Server": "ObjectServer", "Object Type": "ObjectType", "Object Name": "ObjectName",
	"Handle ID": "HandleId", "Object Handle": "HandleId", "Transaction ID": "TransactionId",
	"Accesses": "AccessList", "Access Mask": "AccessMask", "Desired Access": "AccessMask",
	"Privileges Used for Access Check": "PrivilegeList", "Restricted SID Count": "RestrictedSidCount",
	"Properties": "Properties", "Object Value Name": "ObjectValueName", "Operation Type": "OperationType",
	"Old Value Type": "OldValueType", "Old Value": "OldValue", "New Value Type": "NewValueType", "New Value": "NewValue",
	"Original Security Descriptor": "OldSd", "New Security Descriptor": "NewSd",
	// Network shares (5140-5145).
	"Share Name": "ShareName", "Share Path": "ShareLocalPath", "Relative Target Name": "RelativeTargetName",
	"Access Check Results": "AccessReason",
	"Session Name":         "SessionName", // 4778, 4779
	// Computer accounts (4741, 4742).
	"DNS Host Name": "DnsHostName", "Service Principal Names": "ServicePrincipalNames",
	// Account management and logon/logoff (text_templates_account.go).
	"Old Account Name": "OldTargetUserName", "Target Account Domain": "TargetDomainName", // 4781, 4797
	"Caller Workstation": "Workstation", "Status Code": "Status", // 4793, 4794, 4797
	"Provided Account Name (unauthenticated)": "TargetUserName", // 4793
	"SID List": "SidList", "Special Groups Assigned": "SidList", "Filtered SIDs": "SidList", // 4765, 4964, 4675
	"Session ID":         "SessionId",                                                            // 4800-4803
	"Enabled Privileges": "EnabledPrivilegeList", "Disabled Privileges": "DisabledPrivilegeList", // 4703
	"User Right": "PrivilegeList", // 4704, 4705
	// Object access, detailed tracking, system, firewall rules, NPS and
	// Plug and Play (text_templates_object.go).
	"Link Name": "LinkName", "Source Handle ID": "SourceHandleId", "Source Process ID": "SourceProcessId",
	"Target Handle ID": "TargetHandleId", "Previous Time": "PreviousTime", "New Time": "NewTime",
	"Logon Process Name": "LogonProcessName", "Profile Changed": "ProfileChanged", "Rule ID": "RuleId",
	"Rule Name": "RuleName", "Calling Station Identifier": "CallingStationID", "NAS Port": "NASPort",
	"Client IP Address": "ClientIPAddress", "Network Policy Name": "NetworkPolicyName",
	"Authentication Provider": "AuthenticationProvider", "Device ID": "DeviceId",
	"Virtual Key Name": "ObjectVirtualName", "Virtual File Name": "ObjectVirtualName",
}

// winTextByRole are the account labels: their name for the subject, the
// target, the account managed, the group member and the account of a
// window station session, and the account a SID names (4704, 4705, 4717,
// 4718: "Account Name:" shows TargetSid) (winRole* - 1); "" where the
// label means nothing for that role.
var winTextByRole = map[string][6]string{
	"Security ID":    {"SubjectUserSid", "TargetUserSid", "TargetSid", "MemberSid", "", ""},
	"Account Name":   {"SubjectUserName", "TargetUserName", "TargetUserName", "MemberName", "AccountName", "TargetSid"},
	"Group Name":     {"SubjectUserName", "TargetUserName", "TargetUserName", "MemberName", "", ""},
	"User Name":      {"SubjectUserName", "TargetUserName", "", "MemberName", "", ""},
	"Account Domain": {"SubjectDomainName", "TargetDomainName", "TargetDomainName", "", "AccountDomain", ""},
	"Domain Name":    {"SubjectDomainName", "TargetDomainName", "TargetDomainName", "", "", ""},
	"Domain":         {"SubjectDomainName", "TargetDomainName", "TargetDomainName", "", "", ""},
	"Group Domain":   {"SubjectDomainName", "TargetDomainName", "TargetDomainName", "", "", ""},
	"Logon ID":       {"SubjectLogonId", "TargetLogonId", "", "", "LogonID", ""},
}

// winTextSpecial are the labels whose name depends on the event id or the
// section.
var winTextSpecial = map[string]func(modern int, section string) string{
	// 4781 (an account renamed) names the new name apart; 2003's 624
	// (account created) and 631 ... (group created) the account.
	"New Account Name": func(modern int, _ string) string {
		return pick(modern == 4781, "NewTargetUserName", "TargetUserName")
	},
	// The IPsec main mode events (4650-4655) name each end's address
	// under its endpoint; elsewhere (4648) it is the client's.
	"Network Address": func(_ int, section string) string {
		switch section {
		case "Local Endpoint":
			return "LocalAddress"
		case "Remote Endpoint":
			return "RemoteAddress"
		}
		return "IpAddress"
	},
	"Logon GUID": func(_ int, section string) string {
		return pick(section == "Account Whose Credentials Were Used", "TargetLogonGuid", "LogonGuid")
	},
	// 1102 (log cleared) names its subject Primary*; 2003 texts use the
	// Primary labels for the subject of other events.
	"Primary User Name": func(modern int, _ string) string {
		return pick(modern == 1102, "PrimaryUserName", "SubjectUserName")
	},
	"Primary Domain": func(modern int, _ string) string {
		return pick(modern == 1102, "PrimaryDomainName", "SubjectDomainName")
	},
	"Primary Logon ID": func(modern int, _ string) string {
		return pick(modern == 1102, "PrimaryLogonId", "SubjectLogonId")
	},
	"Process ID": func(_ int, section string) string {
		return pick(section == "New Process Information", "TargetProcessId", "ProcessId")
	},
	"Image File Name": func(modern int, section string) string {
		switch {
		case section == "New Process Information":
			return "TargetProcessName"
		case modern == 4688:
			return "NewProcessName"
		}
		return "ProcessName"
	},
	"Authentication Package": winTextPackage,
	"Logon attempt by":       winTextPackage,
	"Additional Information": func(_ int, section string) string {
		return pick(section == "Target Server", "TargetInfo", "")
	},

	// The Kerberos ticket events' labels (4768-4773 and their legacy
	// 672-677 texts, as msaudite.dll and the Security auditing provider
	// write them; the Server 2025 update's additions to 4768/4769 too). They
	// mean their name in those events only: elsewhere a label of the same
	// words (4697's "Service Name", NPS's "Client Name") is followed by
	// labels this table does not know, which would join its value; there
	// they only end the value before them.
	"Supplied Realm Name": kerberosLabel("TargetDomainName"),
	"User ID":             kerberosLabel("TargetSid"),
	"User Domain":         kerberosLabel("TargetDomainName"),
	"Service Name": func(modern int, _ string) string {
		return pick(winKerberos(modern) || winServiceInstalled(modern), "ServiceName", "")
	},
	"Service ID":                        kerberosLabel("ServiceSid"),
	"Client Port":                       kerberosLabel("IpPort"),
	"Ticket Options":                    kerberosLabel("TicketOptions"),
	"Result Code":                       kerberosLabel("Status"),
	"Failure Code":                      kerberosLabel("Status"),
	"Ticket Encryption Type":            kerberosLabel("TicketEncryptionType"),
	"Pre-Authentication Type":           kerberosLabel("PreAuthType"),
	"Certificate Issuer Name":           kerberosLabel("CertIssuerName"),
	"Certificate Serial Number":         kerberosLabel("CertSerialNumber"),
	"Certificate Thumbprint":            kerberosLabel("CertThumbprint"),
	"Advertized Etypes":                 kerberosLabel("ClientAdvertizedEncryptionTypes"),
	"Session Encryption Type":           kerberosLabel("SessionKeyEncryptionType"),
	"Pre-Authentication EncryptionType": kerberosLabel("PreAuthEncryptionType"),
	"Response ticket hash":              kerberosLabel("ResponseTicket"),
	"MSDS-SupportedEncryptionTypes": func(modern int, section string) string {
		return kerberosBySection(modern, section, "SupportedEncryptionTypes")
	},
	"Available Keys": func(modern int, section string) string {
		return kerberosBySection(modern, section, "AvailableKeys")
	},
	// The Kerberos events' client; 4778/4779 (session reconnected,
	// disconnected) name theirs ClientName and ClientAddress.
	"Client Address": func(modern int, _ string) string {
		switch {
		case winKerberos(modern):
			return "IpAddress"
		case modern == 4778 || modern == 4779:
			return "ClientAddress"
		}
		return ""
	},
	"Client Name": func(modern int, _ string) string {
		return pick(modern == 4778 || modern == 4779, "ClientName", "")
	},

	// A service installed: 4697 (Security) and 7045 (the Service Control
	// Manager's, in System), whose EventData names differ.
	"Service File Name": func(modern int, _ string) string {
		return pick(modern == 7045, "ImagePath", pick(modern == 4697, "ServiceFileName", ""))
	},
	"Service Type": func(modern int, _ string) string {
		return pick(winServiceInstalled(modern), "ServiceType", "")
	},
	"Service Start Type": func(modern int, _ string) string {
		return pick(modern == 7045, "StartType", pick(modern == 4697, "ServiceStartType", ""))
	},
	"Service Account": func(modern int, _ string) string {
		return pick(modern == 7045, "AccountName", pick(modern == 4697, "ServiceAccount", ""))
	},

	// The Windows Filtering Platform's connection, bind and packet events
	// (5152-5159) name the two ends Source and Destination; a logon's
	// and a share access's "Source Address" and "Source Port" are its client.
	"Source Port": func(modern int, _ string) string { return pick(winWFP(modern), "SourcePort", "IpPort") },
	"Source Address": func(modern int, _ string) string {
		switch {
		case winWFP(modern):
			return "SourceAddress"
		case modern >= 5140 && modern <= 5145:
			return "IpAddress"
		}
		return ""
	},
	// 2003's logon failures name their failure reason "Reason", the
	// Network Policy Server its reason (6273-6280).
	// The firewall's "Reason" (4957, 4958) is its rendering of the rule's
	// attribute, not the RuleAttr its XML has.
	"Reason": func(modern int, _ string) string {
		switch {
		case winNPS(modern):
			return "Reason"
		case winFirewall(modern):
			return ""
		}
		return "FailureReason"
	},
	// NPS names the user (its subject) and the client machine in full.
	"Fully Qualified Account Name": func(modern int, section string) string {
		switch {
		case !winNPS(modern):
			return ""
		case section == "User":
			return "FullyQualifiedSubjectUserName"
		case section == "Client Machine":
			return "FullyQualifiedSubjectMachineName"
		}
		return ""
	},
	// A hard link's target (4664); the key or file virtualized (5039,
	// 5051), whose XML calls it ObjectName; a key operation's key (5058-5061).
	"File Name": func(modern int, _ string) string {
		return pick(modern == 4664, "FileName", pick(modern == 5051, "ObjectName", ""))
	},
	"Key Name": func(modern int, _ string) string { return pick(modern == 5039, "ObjectName", "KeyName") },
	// Generic labels (winTextGeneric): labels only in the templates that
	// have them. 4616's (the system time changed) process; a firewall
	// rule not applied (4957, 4958).
	"Name": func(modern int, section string) string {
		switch {
		case modern == 4616 && section == "Process Information":
			return "ProcessName"
		case winFirewall(modern):
			return "RuleName"
		}
		return ""
	},
	"ID":                  func(modern int, _ string) string { return pick(winFirewall(modern), "RuleId", "") },
	"Application Name":    wfpLabel("Application"),
	"Direction":           wfpLabel("Direction"),
	"Destination Address": wfpLabel("DestAddress"),
	"Destination Port":    wfpLabel("DestPort"),
	"Protocol":            wfpLabel("Protocol"),
	"Filter Run-Time ID":  wfpLabel("FilterRTID"),
	"Layer Name":          wfpLabel("LayerName"),
	"Layer Run-Time ID":   wfpLabel("LayerRTID"),
}

// winTextGeneric are the labels whose words end other labels ("Device
// Name", "Class Name"): labels only where the event's template has them.
var winTextGeneric = map[string]bool{"Name": true, "ID": true}

// winFirewall reports whether modern is a Windows Firewall rule event (4944-4958).
func winFirewall(modern int) bool { return modern >= 4944 && modern <= 4958 }

// winNPS reports whether modern is a Network Policy Server event (6272-6280).
func winNPS(modern int) bool { return modern >= 6272 && modern <= 6280 }

// winServiceInstalled reports whether modern is "A service was installed
// in the system" (4697, or the Service Control Manager's 7045).
func winServiceInstalled(modern int) bool { return modern == 4697 || modern == 7045 }

// winWFP reports whether modern is a Filtering Platform connection, bind
// or packet event (5152-5159).
func winWFP(modern int) bool { return modern >= 5152 && modern <= 5159 }

// wfpLabel is a label that means name in the Filtering Platform events.
func wfpLabel(name string) func(int, string) string {
	return func(modern int, _ string) string { return pick(winWFP(modern), name, "") }
}

// winRenderedDirection turns the direction a rendered message shows
// ("Inbound", "Outbound": Event Viewer's text of %%14592, %%14593) back
// into its message id, which the field maps decode.
func winRenderedDirection(v string) string {
	switch ecs.TrimSpace(v) {
	case "Inbound":
		return "%%14592"
	case "Outbound":
		return "%%14593"
	}
	return v
}

// winKerberos reports whether modern is a Kerberos ticket event (4768-4773).
func winKerberos(modern int) bool { return modern >= 4768 && modern <= 4773 }

// kerberosLabel is a label that means name in the Kerberos ticket events.
func kerberosLabel(name string) func(int, string) string {
	return func(modern int, _ string) string { return pick(winKerberos(modern), name, "") }
}

// kerberosBySection names the Server 2025 encryption-type labels, which
// each of the account, service and domain controller sections repeats:
// AccountAvailableKeys, ServiceAvailableKeys, DCAvailableKeys.
func kerberosBySection(modern int, section, suffix string) string {
	if !winKerberos(modern) {
		return ""
	}
	switch section {
	case "Account Information":
		return "Account" + suffix
	case "Service Information":
		return "Service" + suffix
	case "Domain Controller Information":
		return "DC" + suffix
	}
	return ""
}

// winTextPackage names the authentication package: 4776 (credential
// validation) calls it PackageName.
func winTextPackage(modern int, _ string) string {
	return pick(modern == 4776, "PackageName", "AuthenticationPackageName")
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// winTextName returns the EventData name of label in section of an event
// whose (modern) id is modern, "" if it has none; kind is the label's
// entry in winTextLabels (which tables have it, a fixed label's name).
func winTextName(modern int, section, label, kind string) string {
	switch k := kind[0]; {
	case k&labelFixed != 0:
		return kind[3:]
	case k&labelByRole != 0:
		if role := winTextRole(modern, section); role > 0 {
			return winTextByRoleRows[kind[3]][role-1]
		}
		return ""
	case k&labelSpecial != 0:
		return winTextSpecial[label](modern, section)
	}
	return ""
}
