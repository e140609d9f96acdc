package wincatalog

import "strings"

// fieldGroup is a named set of field maps that many events share (the
// Subject block, a logon's target account, a WFP connection...). Rows
// name groups to stay short; docs/windows-events.md lists each group.
type fieldGroup struct {
	doc    string
	fields []string
}

// fieldGroups: EventData names are those of Microsoft's event schemas;
// names not mapped here stay under winlog.event_data as they came.
var fieldGroups = map[string]fieldGroup{
	"subject": {"the Subject: who did it", []string{
		"SubjectUserSid>user.id:sid", "SubjectUserName>user.name", "SubjectDomainName>user.domain",
		"SubjectLogonId>winlog.logon.id:logon-id"}},
	"target": {"the account acted on", []string{
		"TargetSid>user.target.id:sid", "TargetUserSid>user.target.id:sid", "TargetUserName>user.target.name",
		"TargetDomainName>user.target.domain"}},
	"uac": {"account-control flags before and after (4720, 4738, 4741, 4742); the changed flags' message codes as Winlogbeat lists them", []string{
		"NewUacValue>winlog.event_data.NewUACList:uac", "OldUacValue>winlog.event_data.OldUACList:uac",
		"UserAccountControl>winlog.event_data.UserAccountControl:message-codes"}},
	"applocker": {"the file AppLocker judged, its rule, and the process and user it ran for", []string{
		"FullFilePath>file.path", "TargetUser>user.id:sid", "TargetProcessId>process.pid:int", "RuleName>rule.name",
		"Fqbn>file:fqbn"}},
	"trust": {"a domain trust's type, direction and attributes (4675, 4706, 4716), by Winlogbeat's names", []string{
		"TdoType>winlog.trustType:trust-type", "TdoDirection>winlog.trustDirection:trust-direction",
		"TdoAttributes>winlog.trustAttribute:trust-attribute"}},
	"group": {"the group acted on", []string{
		"TargetSid>group.id:sid", "TargetUserName>group.name", "TargetDomainName>group.domain"}},
	"member": {"the member added or removed", []string{
		"MemberSid>user.target.id:sid", "MemberName>user.target.name",
		"TargetSid>user.target.group.id:sid", "TargetUserName>user.target.group.name",
		"TargetDomainName>user.target.group.domain"}},
	"logon": {"a logon: the account logged on is the user; the Subject (who asked) is only related", []string{
		"TargetUserSid>user.id:sid", "TargetUserName>user.name", "TargetDomainName>user.domain",
		"TargetLogonId>winlog.logon.id:logon-id", "LogonType>winlog.logon.type:logon-type",
		"LogonProcessName>winlog.logon.process", "AuthenticationPackageName>winlog.logon.authentication_package",
		"WorkstationName>source.domain:host", "IpAddress>source.ip:ip", "IpPort>source.port:port",
		"ProcessId>process.pid:hex", "ProcessName>process.executable", "SubjectUserName>related.user"}},
	"reason": {"why a logon failed: the most specific of FailureReason, SubStatus, Status", []string{
		"FailureReason>event.reason:message", "SubStatus>event.reason:status", "Status>event.reason:status",
		"Status>winlog.logon.failure.status", "SubStatus>winlog.logon.failure.sub_status"}},
	"logoff": {"the session that ended (EventData names it Target*)", []string{
		"TargetUserSid>user.id:sid", "TargetUserName>user.name", "TargetDomainName>user.domain",
		"TargetLogonId>winlog.logon.id:logon-id", "LogonType>winlog.logon.type:logon-type"}},
	"session": {"the account of a session or workstation lock", []string{
		"TargetUserSid>user.id:sid", "TargetUserName>user.name", "TargetDomainName>user.domain",
		"TargetLogonId>winlog.logon.id:logon-id"}},
	"rdsession": {"a reconnected or disconnected window station", []string{
		"AccountName>user.name", "AccountDomain>user.domain", "LogonID>winlog.logon.id:logon-id",
		"ClientName>source.domain:host", "ClientAddress>source.ip:ip"}},
	"explicit": {"explicit credentials: whose were used, and where to", []string{
		"TargetUserName>user.effective.name", "TargetDomainName>user.effective.domain",
		"TargetServerName>destination.address:host"}},
	"sd": {"the object's security descriptors before and after, in SDDL, read out (owner, group, one field per ACE)", []string{
		"OldSd>winlog.event_data.OldSd:sddl", "NewSd>winlog.event_data.NewSd:sddl"}},
	"net":     {"the client's address", []string{"IpAddress>source.ip:ip", "IpPort>source.port:port"}},
	"process": {"the process that did it", []string{"ProcessId>process.pid:hex", "ProcessName>process.executable"}},
	"caller": {"the process that asked (4798, 4799; a rendered message names it Process ID, as the process group reads it)", []string{
		"CallerProcessId>process.pid:hex", "CallerProcessName>process.executable"}},
	"newprocess": {"a new process, its parent and the account it runs as", []string{
		"NewProcessId>process.pid:hex", "NewProcessName>process.executable", "CommandLine>process.command_line",
		"CommandLine>process.args:argv-quoted",
		"ProcessId>process.parent.pid:hex", "ParentProcessName>process.parent.executable",
		"TargetUserSid>user.effective.id:sid", "TargetUserName>user.effective.name",
		"TargetDomainName>user.effective.domain"}},
	"token": {"the process that got a primary token, and the token's account", []string{
		"TargetProcessId>process.pid:hex", "TargetProcessName>process.executable",
		"TargetUserSid>user.effective.id:sid", "TargetUserName>user.effective.name",
		"TargetDomainName>user.effective.domain"}},
	"kerberos": {"a Kerberos ticket request", []string{
		"TargetUserName>user.name", "TargetDomainName>user.domain", "TargetSid>user.id:sid",
		"ServiceName>service.name", "ServiceSid>service.id:sid", "IpAddress>source.ip:ip", "IpPort>source.port:port",
		"Status>winlog.event_data.StatusDescription:krb-status", "Status>event.reason:status",
		"TicketEncryptionType>winlog.event_data.TicketEncryptionTypeDescription:krb-etype",
		"TicketEncryptionType>winlog.event_data.TicketEncryptionType",
		"TicketOptions>winlog.event_data.TicketOptionsDescription:ticket-options",
		"TicketOptions>winlog.event_data.TicketOptions", "PreAuthType>winlog.event_data.PreAuthType"}},
	"ntlm": {"an NTLM credential validation", []string{
		"TargetUserName>user.name", "Workstation>source.domain:host", "Status>event.reason:status",
		"PackageName>winlog.logon.authentication_package"}},
	"object": {"an object (file, key, kernel object) and the access asked", []string{
		"ObjectName>file.path:object-path", "AccessMask>winlog.event_data.AccessMaskDescription:access-mask",
		"AccessList>winlog.event_data.AccessListDescription:messages",
		"ProcessId>process.pid:hex", "ProcessName>process.executable"}},
	"registry": {"a registry value change", []string{
		"ObjectName>registry.path:registry-key-value", "NewValue>registry.data.strings",
		"NewValueType>registry.data.type:message", "ProcessId>process.pid:hex", "ProcessName>process.executable"}},
	"service": {"an installed service", []string{
		"ServiceName>service.name", "ServiceType>service.type:service-type",
		"ServiceFileName>winlog.event_data.ServiceFileName"}},
	"share": {"a network share and its client", []string{
		"ShareName>winlog.event_data.ShareName", "ShareLocalPath>winlog.event_data.ShareLocalPath", "RelativeTargetName>file.path:share-path", "IpAddress>source.ip:ip",
		"IpPort>source.port:port", "AccessList>winlog.event_data.AccessListDescription:messages"}},
	"wfp": {"a Windows Filtering Platform connection or packet", []string{
		"ProcessID>process.pid:int", "ProcessId>process.pid:int", "Application>process.executable:path",
		"SourceAddress>source.ip:ip", "SourcePort>source.port:port", "DestAddress>destination.ip:ip",
		"DestPort>destination.port:port", "Protocol>network.iana_number:iana-number", "Direction>network.direction:direction",
		"FilterRTID>rule.id"}},
	"asr": {"an operation an attack surface reduction rule blocked or audited", []string{
		"ID>rule.id", "User>user.name:account", "Process Name>process.executable:path", "Path>file.path"}},
	"wdac": {"an image App Control refused or audited", []string{
		"File Name>file.path", "Process Name>process.executable:path", "SHA256 Flat Hash>file.hash.sha256",
		"SHA1 Flat Hash>file.hash.sha1", "PolicyName>rule.ruleset", "OriginalFileName>file.pe.original_file_name",
		"FileDescription>file.pe.description", "ProductName>file.pe.product", "FileVersion>file.pe.file_version"}},
	"fwrule": {"a firewall rule, and the account and program that changed it", []string{"RuleId>rule.id", "RuleName>rule.name",
		"ModifyingUser>user.id:sid", "ModifyingApplication>process.executable"}},
	"nps": {"a Network Policy Server request (its user's full name when the request named no account: DOMAIN\\name)", []string{
		"SubjectUserSid>user.id:sid", "SubjectUserName>user.name", "SubjectDomainName>user.domain",
		"FullyQualifiedSubjectUserName>user.name:account",
		"ClientIPAddress>client.ip:ip", "CallingStationID>source.address", "NetworkPolicyName>rule.name",
		"Reason>event.reason"}},

	// Sysmon (Microsoft-Windows-Sysmon/Operational)
	"sysproc": {"the Sysmon process that did it", []string{
		"ProcessGuid>process.entity_id:guid", "ProcessId>process.pid:int", "Image>process.executable:path",
		"User>user.name:account", "RuleName>rule.name"}},
	"sysnewproc": {"a Sysmon process creation", []string{
		"CommandLine>process.command_line", "CommandLine>process.args:argv", "ParentCommandLine>process.parent.args:argv",
		"CurrentDirectory>process.working_directory",
		"Hashes>process.hash:hashes", "ParentProcessGuid>process.parent.entity_id:guid",
		"ParentProcessId>process.parent.pid:int", "ParentImage>process.parent.executable:path",
		"ParentCommandLine>process.parent.command_line", "ParentUser>process.parent.user.name:account",
		"LogonId>winlog.logon.id:logon-id",
		"OriginalFileName>process.pe.original_file_name", "Product>process.pe.product",
		"Company>process.pe.company", "Description>process.pe.description", "FileVersion>process.pe.file_version"}},
	"sysnet": {"a Sysmon network connection", []string{
		"Protocol>network.transport", "SourceIp>source.ip:ip", "SourceHostname>source.domain:host",
		"SourcePort>source.port:port", "DestinationIp>destination.ip:ip",
		"DestinationHostname>destination.domain:host", "DestinationPort>destination.port:port",
		"Initiated>network.direction:initiated", "DestinationPortName>network.protocol",
		"SourcePortName>network.protocol", "SourceIsIpv6>network.type:ipv6-flag"}},
	"sysfile": {"a Sysmon file", []string{"TargetFilename>file.path", "Hashes>file.hash:hashes",
		"CreationUtcTime>file.created:utc-time",
		"IsExecutable>sysmon.file.is_executable:bool", "Archived>sysmon.file.archived:bool"}},
	"sysreg": {"a Sysmon registry object", []string{"TargetObject>registry.path:registry-path",
		"Details>registry.data:registry-data"}},
	"sysimage": {"a Sysmon loaded image (as dll.* and, as Winlogbeat gives it, file.*)", []string{
		"ImageLoaded>dll.path", "Hashes>dll.hash:hashes", "Signature>dll.code_signature.subject_name",
		"SignatureStatus>dll.code_signature.status", "Signed>dll.code_signature.status:signed-failure",
		"SignatureStatus>dll.code_signature.valid:signature-valid", "OriginalFileName>dll.pe.original_file_name",
		"ImageLoaded>file.path", "Hashes>file.hash:hashes", "Signature>file.code_signature.subject_name",
		"SignatureStatus>file.code_signature.status", "Signed>file.code_signature.status:signed-failure",
		"SignatureStatus>file.code_signature.valid:signature-valid", "OriginalFileName>file.pe.original_file_name",
		"Company>file.pe.company", "Description>file.pe.description", "FileVersion>file.pe.file_version",
		"Product>file.pe.product"}},
	"sysaccess": {"a Sysmon source process acting on a target process", []string{
		"SourceProcessGuid>process.entity_id:guid", "SourceProcessGUID>process.entity_id:guid", "SourceProcessId>process.pid:int",
		"SourceThreadId>process.thread.id:int", "SourceImage>process.executable:path",
		"SourceUser>user.name:account", "RuleName>rule.name"}},
	"syswmi": {"a Sysmon WMI event", []string{"User>user.name:account", "RuleName>rule.name"}},
}

// auditSubcategories maps each advanced audit policy subcategory to its category.
var auditSubcategories = map[string]string{
	"Credential Validation": "Account Logon", "Kerberos Authentication Service": "Account Logon",
	"Kerberos Service Ticket Operations": "Account Logon", "Other Account Logon Events": "Account Logon",

	"Application Group Management": "Account Management", "Computer Account Management": "Account Management",
	"Distribution Group Management": "Account Management", "Other Account Management Events": "Account Management",
	"Security Group Management": "Account Management", "User Account Management": "Account Management",

	"DPAPI Activity": "Detailed Tracking", "PNP Activity": "Detailed Tracking", "Process Creation": "Detailed Tracking",
	"Process Termination": "Detailed Tracking", "RPC Events": "Detailed Tracking", "Token Right Adjusted": "Detailed Tracking",

	"Detailed Directory Service Replication": "DS Access", "Directory Service Access": "DS Access",
	"Directory Service Changes": "DS Access", "Directory Service Replication": "DS Access",

	"Account Lockout": "Logon/Logoff", "User/Device Claims": "Logon/Logoff", "Group Membership": "Logon/Logoff",
	"IPsec Extended Mode": "Logon/Logoff", "IPsec Main Mode": "Logon/Logoff", "IPsec Quick Mode": "Logon/Logoff",
	"Logoff": "Logon/Logoff", "Logon": "Logon/Logoff", "Network Policy Server": "Logon/Logoff",
	"Other Logon/Logoff Events": "Logon/Logoff", "Special Logon": "Logon/Logoff",

	"Application Generated": "Object Access", "Certification Services": "Object Access",
	"Detailed File Share": "Object Access", "File Share": "Object Access", "File System": "Object Access",
	"Filtering Platform Connection": "Object Access", "Filtering Platform Packet Drop": "Object Access",
	"Handle Manipulation": "Object Access", "Kernel Object": "Object Access",
	"Other Object Access Events": "Object Access", "Registry": "Object Access", "Removable Storage": "Object Access",
	"SAM": "Object Access", "Central Access Policy Staging": "Object Access",

	"Audit Policy Change": "Policy Change", "Authentication Policy Change": "Policy Change",
	"Authorization Policy Change": "Policy Change", "Filtering Platform Policy Change": "Policy Change",
	"MPSSVC Rule-Level Policy Change": "Policy Change", "Other Policy Change Events": "Policy Change",

	"Non Sensitive Privilege Use": "Privilege Use", "Other Privilege Use Events": "Privilege Use",
	"Sensitive Privilege Use": "Privilege Use",

	"IPsec Driver": "System", "Other System Events": "System", "Security State Change": "System",
	"Security System Extension": "System", "System Integrity": "System",

	"Other Events": "Other Events", // the event log service's own events (1100-1108), always on
}

// auditCategory is the category of a row's first subcategory, "" if unknown.
func auditCategory(subcategories string) string {
	first, _, _ := strings.Cut(subcategories, ";")
	return auditSubcategories[strings.TrimSpace(first)]
}

// ObjectPathField is where DecodeObjectPath puts an ObjectName, by the
// record's ObjectType: file.path for files, registry.path for keys, ""
// (keep it in winlog.event_data) for other objects.
func ObjectPathField(objectType string) string {
	switch {
	case strings.EqualFold(objectType, "File"):
		return "file.path"
	case strings.EqualFold(objectType, "Key"):
		return "registry.path"
	}
	return ""
}
