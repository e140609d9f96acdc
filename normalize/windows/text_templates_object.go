package windows

// The templates (text_templates.go) of the object access, detailed
// tracking, system, firewall rule, Network Policy Server and Plug and
// Play events: their labels in the order the Security auditing provider's
// English messages have them (Microsoft's event pages, Vista to Server
// 2025), the union of their versions'. Only the labels the reader knows
// are listed; the others ("Access Reasons:", "Resource Attributes:" but
// its last word, "OS-Version:") join the value before them.
//
// An event whose message has no free-text value (winTextFree), no label
// twice and no generic label (winTextGeneric) has none: read label by
// label it gives the same, and the template reader costs more (~1,300
// instructions more for a 4689 by Snare, callgrind). So 4611, 4658, 4660,
// 4689, 4690, 4985 and 5142-5144 are read label by label.

// winObjectTextTemplates returns these families' templates, by event id:
// a function, so that they are garbage once winTextPlaces is built.
func winObjectTextTemplates() map[int][]string {
	// winObjectTemplate is 4656's, 4659's and 4661's (a handle requested, one
	// to delete, a directory object's): 4659 has no "Restricted SID Count",
	// only 4661 "Properties".
	var winObjectTemplate = concat(winSubjectTemplate, []string{"Object", "Object Server", "Object Type", "Object Name",
		"Handle ID", "Resource Attributes", "Process Information", "Process ID", "Process Name", "Access Request Information",
		"Transaction ID", "Accesses", "Access Mask", "Privileges Used for Access Check", "Properties", "Restricted SID Count"})

	// The Filtering Platform's connection and packet events (5150-5153,
	// 5156, 5157) and its listen and bind events (5154, 5155, 5158, 5159),
	// which have no direction nor destination.
	var (
		winWFPConnectionTemplate = []string{"Application Information", "Process ID", "Application Name",
			"Network Information", "Direction", "Source Address", "Source Port", "Destination Address", "Destination Port",
			"Protocol", "Filter Information", "Filter Run-Time ID", "Layer Name", "Layer Run-Time ID"}
		winWFPBindTemplate = []string{"Application Information", "Process ID", "Application Name",
			"Network Information", "Source Address", "Source Port", "Protocol", "Filter Information",
			"Filter Run-Time ID", "Layer Name", "Layer Run-Time ID"}
	)

	// winFirewallRuleTemplate is the firewall's rule events' (4945 a rule
	// listed, 4946-4948 added, modified, deleted; 4957, 4958 not applied,
	// whose rule is "ID" and "Name" and whose "Reason" follows).
	var winFirewallRuleTemplate = []string{"Profile Changed", "Added Rule", "Modified Rule", "Deleted Rule",
		"Rule Information", "Rule ID", "ID", "Rule Name", "Name", "Error Information", "Reason"}

	// winNPSTemplate is the Network Policy Server's (6272-6280): the user,
	// the client machine, the access server, the RADIUS client, the
	// policies; 6273-6280 end with the reason.
	var winNPSTemplate = []string{"User", "Security ID", "Account Name", "Account Domain", "Fully Qualified Account Name",
		"Client Machine", "Security ID", "Account Name", "Fully Qualified Account Name", "Calling Station Identifier",
		"NAS", "NAS Port", "Client IP Address", "Authentication Details", "Network Policy Name", "Authentication Provider",
		"Reason"}

	return map[int][]string{
		4656: winObjectTemplate, 4659: winObjectTemplate, 4661: winObjectTemplate,
		4664: concat(winSubjectTemplate, []string{"Link Information", "File Name", "Link Name", "Transaction ID"}),
		4670: concat(winSubjectTemplate, []string{"Object", "Object Server", "Object Type", "Object Name", "Handle ID",
			"Process", "Process ID", "Process Name", "Permissions Change", "Original Security Descriptor", "New Security Descriptor"}),
		4691: concat(winSubjectTemplate, []string{"Object", "Object Type", "Object Name", "Process Information", "Process ID",
			"Access Request Information", "Accesses", "Access Mask"}),
		4696: concat(winSubjectTemplate, []string{"Process Information", "Process ID", "Process Name", "Target Process",
			"Target Process ID", "Target Process Name", "New Token Information", "Security ID", "Account Name",
			"Account Domain", "Logon ID"}),
		5150: winWFPConnectionTemplate, 5151: winWFPConnectionTemplate, 5152: winWFPConnectionTemplate,
		5153: winWFPConnectionTemplate, 5156: winWFPConnectionTemplate, 5157: winWFPConnectionTemplate,
		5154: winWFPBindTemplate, 5155: winWFPBindTemplate, 5158: winWFPBindTemplate, 5159: winWFPBindTemplate,
		// A registry key or a file virtualized (5051 has no page of its own:
		// its labels are taken to be 5039's, of a file).
		5039: concat(winSubjectTemplate, []string{"Object", "Key Name", "Virtual Key Name", "Process Information", "Process ID",
			"Process Name"}),
		5051: concat(winSubjectTemplate, []string{"Object", "File Name", "Virtual File Name", "Process Information", "Process ID",
			"Process Name"}),
		// The system time changed: its process's path is "Name".
		4616: concat(winSubjectTemplate, []string{"Process Information", "Process ID", "Name", "Previous Time", "New Time"}),
		4945: winFirewallRuleTemplate, 4946: winFirewallRuleTemplate, 4947: winFirewallRuleTemplate,
		4948: winFirewallRuleTemplate, 4957: winFirewallRuleTemplate, 4958: winFirewallRuleTemplate,
		6272: winNPSTemplate, 6273: winNPSTemplate, 6274: winNPSTemplate, 6275: winNPSTemplate, 6276: winNPSTemplate,
		6277: winNPSTemplate, 6278: winNPSTemplate, 6279: winNPSTemplate, 6280: winNPSTemplate,
	}
}
