package wincatalog

import (
	"slices"
	"strings"
	"testing"
)

// documented lists, per audit subcategory, the event ids Microsoft's
// documentation puts there: the subcategory pages of the advanced security
// audit policy settings, and Appendix L for 4654, 4659, 5050 and the OCSP
// responder ids (5120-5127), and 4797 and 5379-5382 (a blank-password
// query, Credential Manager and vault reads: the provider's event
// messages, no page of their own; Winlogbeat classifies them). Written from the pages, apart from the table.
var documented = map[string][]int{
	"Other Events":                           ids(1100, 1108),
	"Credential Validation":                  ids(4774, 4777),
	"Kerberos Authentication Service":        {4768, 4771, 4772},
	"Kerberos Service Ticket Operations":     {4769, 4770, 4773},
	"Application Group Management":           ids(4783, 4792),
	"Computer Account Management":            ids(4741, 4743),
	"Distribution Group Management":          append(ids(4744, 4753), ids(4759, 4763)...),
	"Other Account Management Events":        {4782, 4793},
	"Security Group Management":              {4727, 4728, 4729, 4730, 4731, 4732, 4733, 4734, 4735, 4737, 4754, 4755, 4756, 4757, 4758, 4764, 4799},
	"User Account Management":                {4720, 4722, 4723, 4724, 4725, 4726, 4738, 4740, 4765, 4766, 4767, 4780, 4781, 4794, 4797, 4798, 5376, 5377, 5379, 5380, 5381, 5382},
	"DPAPI Activity":                         ids(4692, 4695),
	"PNP Activity":                           append([]int{6416}, ids(6419, 6424)...),
	"Process Creation":                       {4688, 4696},
	"Process Termination":                    {4689},
	"RPC Events":                             {5712},
	"Token Right Adjusted":                   {4703},
	"Detailed Directory Service Replication": {4928, 4929, 4930, 4931, 4934, 4935, 4936, 4937},
	"Directory Service Access":               {4661, 4662},
	"Directory Service Changes":              {5136, 5137, 5138, 5139, 5141},
	"Directory Service Replication":          {4932, 4933},
	"Account Lockout":                        {4625},
	"User/Device Claims":                     {4626},
	"Group Membership":                       {4627},
	"IPsec Extended Mode":                    ids(4978, 4984),
	"IPsec Main Mode":                        {4646, 4650, 4651, 4652, 4653, 4655, 4976, 5049, 5453},
	"IPsec Quick Mode":                       {4654, 4977, 5451, 5452},
	"Logoff":                                 {4634, 4647},
	"Logon":                                  {4624, 4625, 4648, 4675},
	"Network Policy Server":                  ids(6272, 6280),
	"Other Logon/Logoff Events":              {4649, 4778, 4779, 4800, 4801, 4802, 4803, 5378, 5632, 5633},
	"Special Logon":                          {4964, 4672},
	"Application Generated":                  ids(4665, 4668),
	"Certification Services":                 append(ids(4868, 4898), ids(5120, 5127)...),
	"Detailed File Share":                    {5145},
	"File Share":                             {5140, 5142, 5143, 5144, 5168},
	"File System":                            {4656, 4658, 4659, 4660, 4663, 4664, 4985, 5051, 4670},
	"Filtering Platform Connection":          {5031, 5150, 5151, 5154, 5155, 5156, 5157, 5158, 5159},
	"Filtering Platform Packet Drop":         {5152, 5153},
	"Handle Manipulation":                    {4690},
	"Kernel Object":                          {4656, 4658, 4660, 4663},
	"Other Object Access Events":             {4671, 4691, 5148, 5149, 4698, 4699, 4700, 4701, 4702, 5888, 5889, 5890},
	"Registry":                               {4663, 4656, 4658, 4660, 4657, 5039, 4670},
	"Removable Storage":                      {4656, 4658, 4663},
	"SAM":                                    {4661},
	"Central Access Policy Staging":          {4818},
	"Audit Policy Change":                    {4670, 4715, 4719, 4817, 4902, 4906, 4907, 4908, 4912, 4904, 4905},
	"Authentication Policy Change":           {4706, 4707, 4716, 4713, 4717, 4718, 4739, 4864, 4865, 4866, 4867},
	"Authorization Policy Change":            {4703, 4704, 4705, 4670, 4911, 4913},
	"Filtering Platform Policy Change": append(append(append(ids(4709, 4712), ids(5040, 5048)...),
		5440, 5441, 5442, 5443, 5444, 5446, 5448, 5449, 5450), append(ids(5456, 5468), 5471, 5472, 5473, 5474, 5477)...),
	"MPSSVC Rule-Level Policy Change": append(ids(4944, 4954), 4956, 4957, 4958),
	"Other Policy Change Events":      append([]int{4714, 4819, 4826, 4909, 4910, 5447, 6144, 6145}, ids(5063, 5070)...),
	"Sensitive Privilege Use":         {4673, 4674, 4985},
	"Non Sensitive Privilege Use":     {4673, 4674, 4985},
	"Other Privilege Use Events":      {4985},
	"IPsec Driver":                    {4960, 4961, 4962, 4963, 4965, 5478, 5479, 5480, 5483, 5484, 5485},
	"Other System Events": append([]int{5024, 5025, 5027, 5028, 5029, 5030, 5032, 5033, 5034, 5035, 5037,
		5050, 5058, 5059}, ids(6400, 6409)...),
	"Security State Change":     {4608, 4609, 4616, 4621},
	"Security System Extension": {4610, 4611, 4614, 4622, 4697},
	"System Integrity":          {4612, 4615, 4618, 4816, 5038, 5056, 5062, 5057, 5060, 5061, 6281, 6410},
}

func ids(from, to int) []int {
	var out []int
	for id := from; id <= to; id++ {
		out = append(out, id)
	}
	return out
}

// TestDocumentedIDs: every id Microsoft documents is in the table, under
// (at least) the subcategory the documentation gives it; and the table
// has no Security id the documentation does not.
func TestDocumentedIDs(t *testing.T) {
	all := map[int]bool{}
	for sub, list := range documented {
		if auditSubcategories[sub] == "" {
			t.Errorf("subcategory %q unknown to the catalog", sub)
		}
		for _, id := range list {
			all[id] = true
			e, ok := Security(id)
			if !ok {
				t.Errorf("%d (%s) missing", id, sub)
				continue
			}
			if !slices.Contains(strings.Split(e.Subcategory, "; "), sub) {
				t.Errorf("%d: subcategories %q lack %q", id, e.Subcategory, sub)
			}
		}
	}
	for _, e := range Entries(ChannelSecurity) {
		if !all[e.ID] {
			t.Errorf("%d %q is not in the documented list", e.ID, e.Name)
		}
	}
	if len(all) != len(Entries(ChannelSecurity)) {
		t.Errorf("%d documented ids, %d rows", len(all), len(Entries(ChannelSecurity)))
	}
}

// TestSpotChecks compares a few dozen rows with Microsoft's pages: the
// title, the subcategory and the S/F mark.
func TestSpotChecks(t *testing.T) {
	for _, c := range []struct {
		id      int
		name    string
		sub     string
		outcome Outcome
	}{
		{1102, "The audit log was cleared.", "Other Events", OutcomeSuccess},
		{4608, "Windows is starting up.", "Security State Change", OutcomeSuccess},
		{4616, "The system time was changed.", "Security State Change", OutcomeSuccess},
		{4625, "An account failed to log on.", "Logon", OutcomeFailure},
		{4634, "An account was logged off.", "Logoff", OutcomeSuccess},
		{4656, "A handle to an object was requested.", "File System", OutcomeKeyword},
		{4657, "A registry value was modified.", "Registry", OutcomeSuccess},
		{4663, "An attempt was made to access an object.", "File System", OutcomeSuccess},
		{4670, "Permissions on an object were changed.", "File System", OutcomeSuccess},
		{4673, "A privileged service was called.", "Sensitive Privilege Use", OutcomeKeyword},
		{4688, "A new process has been created.", "Process Creation", OutcomeSuccess},
		{4697, "A service was installed in the system.", "Security System Extension", OutcomeSuccess},
		{4698, "A scheduled task was created.", "Other Object Access Events", OutcomeSuccess},
		{4719, "System audit policy was changed.", "Audit Policy Change", OutcomeSuccess},
		{4723, "An attempt was made to change an account's password.", "User Account Management", OutcomeKeyword},
		{4728, "A member was added to a security-enabled global group.", "Security Group Management", OutcomeKeyword},
		{4732, "A member was added to a security-enabled local group.", "Security Group Management", OutcomeKeyword},
		{4740, "A user account was locked out.", "User Account Management", OutcomeKeyword},
		{4742, "A computer account was changed.", "Computer Account Management", OutcomeSuccess},
		{4756, "A member was added to a security-enabled universal group.", "Security Group Management", OutcomeSuccess},
		{4765, "SID History was added to an account.", "User Account Management", OutcomeSuccess},
		{4766, "An attempt to add SID History to an account failed.", "User Account Management", OutcomeFailure},
		{4768, "A Kerberos authentication ticket (TGT) was requested.", "Kerberos Authentication Service", OutcomeKeyword},
		{4769, "A Kerberos service ticket was requested.", "Kerberos Service Ticket Operations", OutcomeKeyword},
		{4771, "Kerberos pre-authentication failed.", "Kerberos Authentication Service", OutcomeFailure},
		{4776, "The computer attempted to validate the credentials for an account.", "Credential Validation", OutcomeCode}, // S and F: its Status says which
		{4778, "A session was reconnected to a Window Station.", "Other Logon/Logoff Events", OutcomeSuccess},
		{4798, "A user's local group membership was enumerated.", "User Account Management", OutcomeSuccess},
		{4946, "A change has been made to Windows Firewall exception list. A rule was added.", "MPSSVC Rule-Level Policy Change", OutcomeSuccess},
		{5136, "A directory service object was modified.", "Directory Service Changes", OutcomeSuccess},
		{5140, "A network share object was accessed.", "File Share", OutcomeKeyword},
		{5145, "A network share object was checked to see whether client can be granted desired access.", "Detailed File Share", OutcomeKeyword},
		{5156, "The Windows Filtering Platform has permitted a connection.", "Filtering Platform Connection", OutcomeSuccess},
		{5157, "The Windows Filtering Platform has blocked a connection.", "Filtering Platform Connection", OutcomeFailure},
		{5152, "The Windows Filtering Platform blocked a packet.", "Filtering Platform Packet Drop", OutcomeFailure},
		{5378, "The requested credentials delegation was disallowed by policy.", "Other Logon/Logoff Events", OutcomeFailure},
		{6273, "Network Policy Server denied access to a user.", "Network Policy Server", OutcomeKeyword},
		{6416, "A new external device was recognized by the System.", "PNP Activity", OutcomeSuccess},
		{6424, "The installation of this device was allowed, after having previously been forbidden by policy.", "PNP Activity", OutcomeSuccess},
	} {
		e, ok := Security(c.id)
		if !ok {
			t.Errorf("%d missing", c.id)
			continue
		}
		first, _, _ := strings.Cut(e.Subcategory, ";")
		if e.Name != c.name || first != c.sub || e.Outcome != c.outcome {
			t.Errorf("%d: got %q / %q / %s, want %q / %q / %s", c.id, e.Name, first, e.Outcome, c.name, c.sub, c.outcome)
		}
	}
	for id, name := range map[int]string{1: "Process creation", 3: "Network connection", 8: "CreateRemoteThread",
		10: "ProcessAccess", 11: "FileCreate", 13: "RegistryEvent (Value Set)", 22: "DNSEvent (DNS query)",
		23: "FileDelete (File Delete archived)", 25: "ProcessTampering (Process image change)", 29: "FileExecutableDetected"} {
		if e, ok := Lookup(ChannelSysmon, id); !ok || e.Name != name {
			t.Errorf("Sysmon %d: %v, want %q", id, e, name)
		}
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]string{
		"0xC000006A":  "Bad password.",
		"0xc000006d":  "Bad user name or authentication information.",
		"0xC0000234":  "The account is locked out.",
		"0xC0000072":  "The account is disabled.",
		"0x6":         "Client not found in Kerberos database: bad user name, or a new account not yet replicated (KDC_ERR_C_PRINCIPAL_UNKNOWN).",
		"0x12":        "Client's credentials have been revoked: account disabled, expired or locked out (KDC_ERR_CLIENT_REVOKED).",
		"0x17":        "Password has expired (KDC_ERR_KEY_EXPIRED).",
		"0x18":        "Pre-authentication information was invalid: usually a bad password (KDC_ERR_PREAUTH_FAILED).",
		"0x0":         "No error (KDC_ERR_NONE).",
		"0x1e":        "", // unassigned
		"0xC0FFEE00":  "",
		"":            "",
		"0x":          "",
		"0xZZ":        "",
		"0x123456789": "",
	} {
		if got := Status(code); got != want {
			t.Errorf("Status(%q) = %q, want %q", code, got, want)
		}
	}
	for n, want := range map[int]string{2: "Interactive", 3: "Network", 5: "Service", 10: "RemoteInteractive",
		11: "CachedInteractive", 1: "", 6: "", 14: "", -1: ""} {
		if got := LogonType(n); got != want {
			t.Errorf("LogonType(%d) = %q, want %q", n, got, want)
		}
	}
	if Message("%%2313") != "Unknown user name or bad password." || Message("%%14593") != "outbound" || Message("%%1") != "" {
		t.Error("Message")
	}
}

func TestFlags(t *testing.T) {
	for _, c := range []struct {
		got, want []string
	}{
		{UACFlags(0x15), []string{"USER_ACCOUNT_DISABLED", "USER_PASSWORD_NOT_REQUIRED", "USER_NORMAL_ACCOUNT"}},
		{UACFlags(0x210), []string{"USER_NORMAL_ACCOUNT", "USER_DONT_EXPIRE_PASSWORD"}},
		{UACFlags(0x85), []string{"USER_ACCOUNT_DISABLED", "USER_PASSWORD_NOT_REQUIRED", "USER_WORKSTATION_TRUST_ACCOUNT"}},
		{UACFlags(0x200000), []string{"USER_USE_AES_KEYS"}},
		{UACFlags(0x100000), []string{"USER_PARTIAL_SECRETS_ACCOUNT"}}, // a read-only domain controller's account
		{UACFlags(0x400000), []string{"0x400000"}},                     // bit 22: undefined, kept as hex
		{UACFlags(0), nil},
		{AccessMask(0x120089), []string{"ReadData/ListDirectory", "ReadEA", "ReadAttributes", "READ_CONTROL", "SYNCHRONIZE"}},
		{AccessMask(0x10000), []string{"DELETE"}},
		{AccessMask(0x80000000), []string{"GENERIC_READ"}},
		{AccessMask(0x200), []string{"0x200"}},
		{RegistryAccessMask(0x20019), []string{"KEY_QUERY_VALUE", "KEY_ENUMERATE_SUB_KEYS", "KEY_NOTIFY", "READ_CONTROL"}},
		{RegistryAccessMask(0x2), []string{"KEY_SET_VALUE"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if m, ok := ParseMask("0X12019F"); !ok || m != 0x12019f {
		t.Errorf("ParseMask = %x, %v", m, ok)
	}
}

func TestWellKnownSID(t *testing.T) {
	for sid, want := range map[string]string{
		"S-1-5-18": "SYSTEM", "S-1-5-19": "LOCAL SERVICE", "S-1-5-20": "NETWORK SERVICE",
		"S-1-5-32-544": "Administrators", "S-1-5-32-555": "Remote Desktop Users", "S-1-1-0": "Everyone",
		"S-1-5-7": "ANONYMOUS LOGON", "S-1-16-12288": "High Mandatory Level",
		"S-1-5-21-1111111111-2222222222-3333333333-500":  "Administrator",
		"S-1-5-21-1111111111-2222222222-3333333333-512":  "Domain Admins",
		"S-1-5-21-1111111111-2222222222-3333333333-502":  "krbtgt",
		"S-1-5-21-1111111111-2222222222-3333333333-1104": "",
		"S-1-5-21-512": "", "S-1-5-99": "", "": "", "SYSTEM": "",
	} {
		if got := WellKnownSID(sid); got != want {
			t.Errorf("WellKnownSID(%q) = %q, want %q", sid, got, want)
		}
	}
}

func TestObjectPathField(t *testing.T) {
	if ObjectPathField("File") != "file.path" || ObjectPathField("Key") != "registry.path" || ObjectPathField("Process") != "" {
		t.Error("ObjectPathField")
	}
}
