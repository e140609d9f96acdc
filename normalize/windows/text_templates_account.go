package windows

// The templates of the account logon, account management, logon/logoff,
// privilege use, directory service and policy change events (the
// Security auditing provider's English messages, as Microsoft's event
// pages show them; 2003's from msaudite.dll): read in their label order
// (parseTemplateText), so that a value a user chose (a display name, a
// home directory, a script path, a workstation name, a directory
// object's DN or attribute value) cannot set the fields of the labels it
// imitates, and a label that several sections repeat ("Account Name"
// under Subject, Target Account, Member, Source Account) is read under its
// own section. Only labels the reader knows (winTextLabels) are listed.

// winTargetAccount is the account acted on, under the heading its event
// gives it (4722-4726, 4741-4743, 4765-4767, 4780 ...).
func winTargetAccount(heading string) []string {
	return []string{heading, "Security ID", "Account Name", "Account Domain"}
}

// winGroupAccount is a group acted on (4727-4764, 4799).
func winGroupAccount(heading string) []string {
	return []string{heading, "Security ID", "Group Name", "Group Domain"}
}

// winAccountTextTemplates returns this file's templates, by event id: a
// function, so that they are garbage once winTextPlaces is built.
func winAccountTextTemplates() map[int][]string {
	// winUserAttributes are 4720's and 4738's attributes (under "Attributes"
	// or "Changed Attributes"), 4741's and 4742's with the computer's DNS
	// name and SPNs.
	var winUserAttributes = []string{"SAM Account Name", "Display Name", "User Principal Name", "Home Directory",
		"Home Drive", "Script Path", "Profile Path", "User Workstations", "Password Last Set", "Account Expires",
		"Primary Group ID", "Allowed To Delegate To", "Old UAC Value", "New UAC Value", "User Account Control",
		"User Parameters", "SID History", "Logon Hours"}

	// winPrivileges ends most account management messages ("Additional
	// Information: Privileges -"; "Privileges" has no colon in most versions).
	var winPrivileges = []string{"Additional Information", "Privileges"}

	var (
		winAccountCreated = concat(winSubjectTemplate, winTargetAccount("New Account"), []string{"Attributes"},
			winUserAttributes, winPrivileges)
		winAccountChanged = concat(winSubjectTemplate, winTargetAccount("Target Account"), []string{"Changed Attributes"},
			winUserAttributes, winPrivileges)
		winAccountTarget = concat(winSubjectTemplate, winTargetAccount("Target Account"), winPrivileges)
		winComputerAttrs = concat(winUserAttributes, []string{"DNS Host Name", "Service Principal Names"})
		winGroupCreated  = concat(winSubjectTemplate, winGroupAccount("New Group"), []string{"Attributes", "SAM Account Name",
			"SID History"}, winPrivileges)
		winGroupMember = concat(winSubjectTemplate, []string{"Member", "Security ID", "Account Name"},
			winGroupAccount("Group"), winPrivileges)
		winGroupDeleted = concat(winSubjectTemplate, winGroupAccount("Deleted Group"), winPrivileges)
		winGroupChanged = concat(winSubjectTemplate, winGroupAccount("Group"), []string{"Changed Attributes",
			"SAM Account Name", "SID History"}, winPrivileges)
		// winLoggedOnAccount is the session's account that 4634, 4647 and
		// 4800-4803 head "Subject:" (their XML's Target*).
		winLoggedOnAccount = concat(winSubjectTemplate, []string{"Logon Type", "Session ID"})
		// winNewLogon is the logon 4627 and 4964 describe.
		winNewLogon = []string{"New Logon", "Security ID", "Account Name", "Account Domain", "Logon ID", "Logon GUID"}
		// winRightChanged is 4704's and 4705's (a user right assigned,
		// removed): the account is named by its SID.
		winRightChanged = concat(winSubjectTemplate, []string{"Target Account", "Account Name", "New Right", "Removed Right", "User Right"})
		// winSystemAccess is 4717's and 4718's (system security access
		// granted, removed).
		winSystemAccess = concat(winSubjectTemplate, []string{"Account Modified", "Account Name", "Access Granted",
			"Access Removed", "Access Right"})
		// winDirectoryObject is the directory service events' (5136-5141):
		// the subject, then the object, whose DN and attribute value a user
		// chose; nothing after the subject is mapped, so "Directory Service"
		// opens a free-text value (its sections are listed for a message
		// that holds no copies to be read in one pass; 5136's "LDAP Display
		// Name:" ends with a label, "Display Name", that it is not: 5136 is
		// read by weighing its words).
		winDirectoryObject = concat(winSubjectTemplate, []string{"Directory Service", "Object", "Operation"})
		// winPolicyChange is 4719's and 4912's (the system's or an account's
		// audit policy changed).
		winPolicyChange = concat(winSubjectTemplate, []string{"Policy For Account", "Security ID", "Audit Policy Change",
			"Policy Change Details"})
		// 2003 (msaudite.dll): the account managed, then the caller.
		winLegacyCallerShort = []string{"Caller User Name", "Caller Domain", "Caller Logon ID", "Privileges"}
		winLegacyTarget      = concat([]string{"Target Account Name", "Target Domain", "Target Account ID"}, winLegacyCallerShort)
		winLegacyNew         = concat([]string{"New Account Name", "New Domain", "New Account ID"}, winLegacyCallerShort)
		winLegacyMember      = concat([]string{"Member Name", "Member ID"}, winLegacyTarget)
	)

	// winLegacyUserAttributes are 624's and 642's attributes (2003 spells
	// some of them differently from Vista's).
	var winLegacyUserAttributes = []string{"Sam Account Name", "Display Name", "User Principal Name", "Home Directory",
		"Home Drive", "Script Path", "Profile Path", "User Workstations", "Password Last Set", "Account Expires",
		"Primary Group ID", "AllowedToDelegateTo", "Old UAC Value", "New UAC Value", "User Account Control",
		"User Parameters", "Sid History", "Logon Hours"}

	// winLegacyGroupNew is 2003's group created (631, 635, 648 ...).
	var winLegacyGroupNew = concat(winLegacyNew, []string{"Attributes", "Sam Account Name", "Sid History"})

	// winMainMode is the IPsec main mode events' (4650-4655): each end,
	// then how it went.
	winMainMode := []string{"Local Endpoint", "Network Address", "Remote Endpoint", "Network Address",
		"Additional Information", "Failure Information", "Failure Reason"}

	// winEventSource is 4904's and 4905's (a security event source
	// registered, unregistered): the process that asked, then the source.
	winEventSource := concat(winSubjectTemplate, []string{"Process", "Process ID", "Process Name", "Event Source"})

	winTrust := concat(winSubjectTemplate, []string{"Trusted Domain", "Domain Name", "Trust Information", "Direction", "Attributes"})
	winForestTrust := concat(winSubjectTemplate, []string{"Trust Information"})

	return map[int][]string{
		4720: winAccountCreated, 4738: winAccountChanged,
		4741: concat(winSubjectTemplate, winTargetAccount("New Computer Account"), []string{"Attributes"}, winComputerAttrs, winPrivileges),
		4742: concat(winSubjectTemplate, winTargetAccount("Computer Account That Was Changed"), []string{"Changed Attributes"},
			winComputerAttrs, winPrivileges),
		4743: concat(winSubjectTemplate, winTargetAccount("Target Computer"), winPrivileges),
		4722: winAccountTarget, 4723: winAccountTarget, 4724: winAccountTarget, 4725: winAccountTarget, 4726: winAccountTarget,
		4767: winAccountTarget, 4780: winAccountTarget,
		4740: concat(winSubjectTemplate, []string{"Account That Was Locked Out", "Security ID", "Account Name",
			"Additional Information", "Caller Computer Name"}),
		4765: concat(winSubjectTemplate, winTargetAccount("Target Account"), []string{"Source Account", "Security ID", "Account Name"},
			winPrivileges, []string{"SID List"}),
		4766: concat(winSubjectTemplate, winTargetAccount("Target Account"), []string{"Source Account", "Account Name"}, winPrivileges),
		4781: concat(winSubjectTemplate, []string{"Target Account", "Security ID", "Account Domain", "Old Account Name",
			"New Account Name"}, winPrivileges),
		4782: concat(winSubjectTemplate, []string{"Target Account", "Account Name", "Account Domain"}),
		4793: concat(winSubjectTemplate, []string{"Additional Information", "Caller Workstation",
			"Provided Account Name (unauthenticated)", "Status Code"}),
		4794: concat(winSubjectTemplate, []string{"Additional Information", "Caller Workstation", "Status Code"}),
		4797: concat(winSubjectTemplate, []string{"Additional Information", "Caller Workstation", "Target Account Name",
			"Target Account Domain"}),
		4798: concat(winSubjectTemplate, winTargetAccount("User"), []string{"Process Information", "Process ID", "Process Name"}),
		4799: concat(winSubjectTemplate, winGroupAccount("Group"), []string{"Process Information", "Process ID", "Process Name"}),
		4764: concat(winSubjectTemplate, winGroupAccount("Group"), winPrivileges),

		4727: winGroupCreated, 4731: winGroupCreated, 4744: winGroupCreated, 4749: winGroupCreated, 4754: winGroupCreated,
		4759: winGroupCreated,
		4728: winGroupMember, 4729: winGroupMember, 4732: winGroupMember, 4733: winGroupMember, 4746: winGroupMember,
		4747: winGroupMember, 4751: winGroupMember, 4752: winGroupMember, 4756: winGroupMember, 4757: winGroupMember,
		4761: winGroupMember, 4762: winGroupMember,
		4730: winGroupDeleted, 4734: winGroupDeleted, 4748: winGroupDeleted, 4753: winGroupDeleted, 4758: winGroupDeleted,
		4763: winGroupDeleted,
		4735: winGroupChanged, 4737: winGroupChanged, 4745: winGroupChanged, 4750: winGroupChanged, 4755: winGroupChanged,
		4760: winGroupChanged,

		4634: winLoggedOnAccount, 4647: winLoggedOnAccount, 4800: winLoggedOnAccount, 4801: winLoggedOnAccount,
		4802: winLoggedOnAccount, 4803: winLoggedOnAccount,
		4672: concat(winSubjectTemplate, []string{"Privileges"}),
		4627: concat(winSubjectTemplate, []string{"Logon Type"}, winNewLogon, []string{"Event in sequence", "Group Membership"}),
		4626: concat(winSubjectTemplate, []string{"Logon Type"}, winNewLogon, []string{"Event in sequence", "User Claims",
			"Device Claims"}),
		4904: winEventSource, 4905: winEventSource,
		4964: concat(winSubjectTemplate, []string{"Logon GUID"}, winNewLogon, []string{"Special Groups Assigned"}),
		4649: concat(winSubjectTemplate, []string{"Credentials Which Were Replayed", "Account Name", "Account Domain",
			"Process Information", "Process ID", "Process Name", "Network Information", "Workstation Name",
			"Detailed Authentication Information", "Logon Process", "Authentication Package", "Transited Services"}),
		4650: winMainMode, 4651: winMainMode, 4652: winMainMode, 4653: winMainMode, 4655: winMainMode,
		4675: concat(winTargetAccount("Target Account"), []string{"Trust Information", "Direction", "Attributes", "Filtered SIDs"}),
		4673: concat(winSubjectTemplate, []string{"Service Name", "Process", "Process ID", "Process Name", "Service Request Information", "Privileges"}),
		4674: concat(winSubjectTemplate, []string{"Object", "Object Server", "Object Type", "Object Name", "Object Handle",
			"Process Information", "Process ID", "Process Name", "Requested Operation", "Desired Access", "Privileges"}),
		4703: concat(winSubjectTemplate, []string{"Target Account", "Security ID", "Account Name", "Account Domain", "Logon ID",
			"Process Information", "Process ID", "Process Name", "Enabled Privileges", "Disabled Privileges"}),
		4704: winRightChanged, 4705: winRightChanged, 4717: winSystemAccess, 4718: winSystemAccess,
		// 4706 (a trust created) and 4716 (modified, its section "New
		// Trust Information"); 4865-4867 (a forest trust entry added,
		// removed, modified: "Forest Root", "Top Level Name" ... are no
		// labels the reader knows, they join "Trust Information").
		4706: winTrust, 4716: winTrust,
		4865: winForestTrust, 4866: winForestTrust, 4867: winForestTrust,
		4719: winPolicyChange, 4912: winPolicyChange,
		4739: concat(winSubjectTemplate, []string{"Domain", "Domain Name", "Changed Attributes"}),
		// 4911 (an object's resource attributes changed) is 4907's with
		// "Resource Attributes:" for "Auditing Settings:".
		4911: concat(winSubjectTemplate, []string{"Object", "Object Server", "Object Type", "Object Name", "Handle ID",
			"Process Information", "Process ID", "Process Name", "Resource Attributes", "Original Security Descriptor",
			"New Security Descriptor"}),
		4907: concat(winSubjectTemplate, []string{"Object", "Object Server", "Object Type", "Object Name", "Handle ID",
			"Process Information", "Process ID", "Process Name", "Auditing Settings", "Original Security Descriptor",
			"New Security Descriptor"}),
		4662: concat(winSubjectTemplate, []string{"Object", "Object Server", "Object Type", "Object Name", "Handle ID",
			"Operation", "Operation Type", "Accesses", "Access Mask", "Properties", "Additional Information"}),
		5136: winDirectoryObject, 5137: winDirectoryObject, 5138: winDirectoryObject, 5139: winDirectoryObject,
		5141: winDirectoryObject,

		// 2003: user accounts created (624), enabled, password changed or
		// set, disabled, deleted (626-630), changed (642), locked out (644),
		// unlocked (671); groups created (631, 635, 658 ...), members added or
		// removed (632, 633, 636, 637, 660, 661 ...), deleted (634, 638, 662 ...).
		624: concat(winLegacyNew, []string{"Attributes"}, winLegacyUserAttributes),
		626: winLegacyTarget, 627: winLegacyTarget, 628: winLegacyTarget, 629: winLegacyTarget, 630: winLegacyTarget,
		671: winLegacyTarget,
		642: concat(winLegacyTarget, []string{"Changed Attributes"}, winLegacyUserAttributes),
		644: {"Target Account Name", "Target Account ID", "Caller Machine Name", "Caller User Name", "Caller Domain", "Caller Logon ID"},
		631: winLegacyGroupNew, 635: winLegacyGroupNew, 648: winLegacyGroupNew, 653: winLegacyGroupNew, 658: winLegacyGroupNew,
		663: winLegacyGroupNew,
		632: winLegacyMember, 633: winLegacyMember, 636: winLegacyMember, 637: winLegacyMember, 650: winLegacyMember,
		651: winLegacyMember, 655: winLegacyMember, 656: winLegacyMember, 660: winLegacyMember, 661: winLegacyMember,
		665: winLegacyMember, 666: winLegacyMember,
		634: winLegacyTarget, 638: winLegacyTarget, 652: winLegacyTarget, 657: winLegacyTarget, 662: winLegacyTarget,
		667: winLegacyTarget,
	}
}
