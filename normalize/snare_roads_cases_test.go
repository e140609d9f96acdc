package normalize

import "strconv"

// The lines of TestSnareRoadsHeldOut (snare_roads_test.go): a Northwind
// domain, its hosts, accounts and SIDs made up here.

const nw = "S-1-5-21-4000000001-4000000002-4000000003-"

// modern is the header of a Vista+ Security event from FS-02.
func modern(id, counter, kind, category string) snareHead {
	return snareHead{crit: "1", log: "Security", counter: counter, date: "Tue Mar 03 09:14:55 2026", id: id,
		source: "Microsoft-Windows-Security-Auditing", user: "N/A", sidType: "N/A", kind: kind,
		computer: "FS-02.northwind.example", category: category}
}

// legacy is the header of a 2003 Security event from SRV-OLD.
func legacy(id, counter, user, kind, category string) snareHead {
	return snareHead{crit: "0", log: "Security", counter: counter, date: "Tue Mar 03 09:14:55 2026", id: id,
		source: "Security", user: user, sidType: "User", kind: kind, computer: "SRV-OLD", category: category}
}

// w builds an expectation from key, value pairs; the envelope every case
// shares is added from h.
func w(h snareHead, kv ...any) map[string]any {
	seq, _ := strconv.Atoi(h.counter)
	m := map[string]any{"event.code": h.id, "winlog.channel": h.log, "host.name": h.computer, "event.sequence": seq}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func l(s ...string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

const (
	subjAdmin = `Subject:
  Security ID:  ` + nw + `500
  Account Name:  Administrator
  Account Domain:  NORTHWIND
  Logon ID:  0x8A3301`
	subjUser = `Subject:
  Security ID:  ` + nw + `1215
  Account Name:  mkovacs
  Account Domain:  NORTHWIND
  Logon ID:  0x8A21F3`
	subjDC = `Subject:
  Security ID:  S-1-5-18
  Account Name:  DC01$
  Account Domain:  NORTHWIND
  Logon ID:  0x3E7`
	targetTmp = `Target Account:
  Security ID:  ` + nw + `1299
  Account Name:  tmpsvc
  Account Domain:  NORTHWIND`
)

// snareHeldOut returns the cases.
// Long: one table.
func snareHeldOut() []snareCase {
	var cs []snareCase
	add := func(name string, road func(host, rec string) string, host string, h snareHead, msg string, want map[string]any, tail ...string) {
		cs = append(cs, snareCase{name: name, line: road(host, h.record("\t", msg, tail...)), want: want})
	}
	adminWho := []any{"user.name", "Administrator", "user.domain", "NORTHWIND", "user.id", nw + "500", "winlog.logon.id", "0x8a3301"}

	h := modern("4624", "88123", "Success Audit", "Logon")
	add("4624 network NTLM, 3164", road3164, "FS-02", h, `An account was successfully logged on.
`+`Subject:
  Security ID:  S-1-5-18
  Account Name:  FS-02$
  Account Domain:  NORTHWIND
  Logon ID:  0x3E7
Logon Information:
  Logon Type:  3
  Restricted Admin Mode: -
  Virtual Account:  No
  Elevated Token:  No
Impersonation Level:  Impersonation
New Logon:
  Security ID:  `+nw+`1215
  Account Name:  mkovacs
  Account Domain:  NORTHWIND
  Logon ID:  0x8A21F3
  Linked Logon ID:  0x0
  Network Account Name: -
  Network Account Domain: -
  Logon GUID:  {00000000-0000-0000-0000-000000000000}
Process Information:
  Process ID:  0x0
  Process Name:  -
Network Information:
  Workstation Name: LT-0442
  Source Network Address: 203.0.113.77
  Source Port:  50412
Detailed Authentication Information:
  Logon Process:  NtLmSsp
  Authentication Package: NTLM
  Transited Services: -
  Package Name (NTLM only): NTLM V2
  Key Length:  128
This event is generated when a logon session is created. It is generated on the computer that was accessed.`,
		w(h, "event.action", "logged-in", "event.outcome", "success", "user.name", "mkovacs", "user.domain", "NORTHWIND",
			"user.id", nw+"1215", "winlog.logon.id", "0x8a21f3", "winlog.logon.type", "Network", "source.ip", "203.0.113.77",
			"source.port", 50412, "source.domain", "LT-0442", "winlog.logon.authentication_package", "NTLM",
			"winlog.logon.process", "NtLmSsp", "process.pid", nil, "process.executable", nil, "winlog.record_id", 7731), "7731")

	h = modern("4624", "802311", "Success Audit", "Logon")
	add("4624 interactive 2025, 5424 negative counter", road5424, "FS-02", h, `An account was successfully logged on.
`+`Subject:
  Security ID:  S-1-5-18
  Account Name:  FS-02$
  Account Domain:  NORTHWIND
  Logon ID:  0x3E7
Logon Information:
  Logon Type:  2
  Restricted Admin Mode: -
  Remote Credential Guard: -
  Virtual Account:  No
  Elevated Token:  Yes
Impersonation Level:  Impersonation
New Logon:
  Security ID:  `+nw+`500
  Account Name:  Administrator
  Account Domain:  NORTHWIND
  Logon ID:  0x8A3301
  Linked Logon ID:  0x8A3322
  Network Account Name: -
  Network Account Domain: -
  Logon GUID:  {7d1c2b3a-0f4e-4a5b-9c8d-112233445566}
Process Information:
  Process ID:  0x2c4
  Process Name:  C:\Windows\System32\svchost.exe
Network Information:
  Workstation Name: FS-02
  Source Network Address: 127.0.0.1
  Source Port:  0
Detailed Authentication Information:
  Logon Process:  User32
  Authentication Package: Negotiate
  Transited Services: -
  Package Name (NTLM only): -
  Key Length:  0`,
		w(h, "event.action", "logged-in", "user.name", "Administrator", "user.id", nw+"500", "winlog.logon.type", "Interactive",
			"process.pid", 708, "process.executable", `C:\Windows\System32\svchost.exe`, "process.name", "svchost.exe",
			"source.ip", "127.0.0.1", "source.port", nil, "winlog.record_id", nil), "-802311")

	h = modern("4625", "88130", "Failure Audit", "Logon")
	add("4625 bad password, escaped", road3164Escaped, "FS-02", h, `An account failed to log on.
`+`Subject:
  Security ID:  S-1-0-0
  Account Name:  -
  Account Domain:  -
  Logon ID:  0x0
Logon Type:  3
Account For Which Logon Failed:
  Security ID:  S-1-0-0
  Account Name:  administrator
  Account Domain:
Failure Information:
  Failure Reason:  Unknown user name or bad password.
  Status:  0xC000006D
  Sub Status:  0xC000006A
Process Information:
  Caller Process ID:  0x0
  Caller Process Name:  -
Network Information:
  Workstation Name: KALI
  Source Network Address: 198.51.100.9
  Source Port:  0
Detailed Authentication Information:
  Logon Process:  NtLmSsp
  Authentication Package: NTLM
  Transited Services: -
  Package Name (NTLM only): -
  Key Length:  0
This event is generated when a logon request fails. It is generated on the computer where access was attempted.`,
		w(h, "event.action", "logon-failed", "event.outcome", "failure", "user.name", "administrator", "user.domain", nil,
			"user.id", nil, "source.ip", "198.51.100.9", "source.port", nil, "source.domain", "KALI",
			"winlog.logon.type", "Network", "winlog.record_id", 7740), "7740")

	h = modern("4634", "88140", "Success Audit", "Logoff")
	add("4634 bare", roadBare, "FS-02", h, `An account was logged off.
`+subjUser+`
Logon Type:  3
This event is generated when a logon session is destroyed. It may be positively correlated with a logon event using the Logon ID value. Logon IDs are only unique between reboots on the same computer.`,
		w(h, "event.action", "logged-out", "user.name", "mkovacs", "user.domain", "NORTHWIND", "user.id", nw+"1215",
			"winlog.logon.id", "0x8a21f3", "winlog.logon.type", "Network", "winlog.record_id", 7741), "7741")

	h = modern("4647", "88141", "Success Audit", "Logoff")
	add("4647 spaced", roadSpaced, "FS-02", h, `User initiated logoff:
`+subjUser+`
This event is generated when a logoff is initiated. No further user-initiated activity can occur. This event can be interpreted as a logoff event.`,
		w(h, "event.action", "logged-out", "user.name", "mkovacs", "user.id", nw+"1215", "winlog.logon.id", "0x8a21f3"), "7742")

	h = modern("4648", "88142", "Success Audit", "Logon")
	add("4648 runas, relayed", roadRelayed, "FS-02", h, `A logon was attempted using explicit credentials.
`+subjUser+`
  Logon GUID:  {00000000-0000-0000-0000-000000000000}
Account Whose Credentials Were Used:
  Account Name:  adm-mkovacs
  Account Domain:  NORTHWIND
  Logon GUID:  {00000000-0000-0000-0000-000000000000}
Target Server:
  Target Server Name: fs-03.northwind.example
  Additional Information: fs-03.northwind.example
Process Information:
  Process ID:  0x1a2c
  Process Name:  C:\Windows\System32\runas.exe
Network Information:
  Network Address: -
  Port:   -
This event is generated when a process attempts to log on an account by explicitly specifying that account's credentials.`,
		w(h, "event.action", "logged-in-explicit", "user.name", "mkovacs", "user.effective.name", "adm-mkovacs",
			"user.effective.domain", "NORTHWIND", "process.pid", 6700, "process.executable", `C:\Windows\System32\runas.exe`,
			"source.ip", nil, "source.port", nil, "destination.domain", "fs-03.northwind.example"), "7743")

	h = modern("4672", "88143", "Success Audit", "Special Logon")
	add("4672 admin", road3164, "FS-02", h, `Special privileges assigned to new logon.
`+subjAdmin+`
Privileges:  SeSecurityPrivilege
    SeBackupPrivilege
    SeRestorePrivilege
    SeDebugPrivilege`,
		w(h, append(adminWho, "event.action", "logged-in-special",
			"winlog.event_data.PrivilegeList", l("SeSecurityPrivilege", "SeBackupPrivilege", "SeRestorePrivilege", "SeDebugPrivilege"))...), "7744")

	h = modern("4688", "88150", "Success Audit", "Process Creation")
	add("4688 whoami, 5424", road5424, "FS-02", h, `A new process has been created.
`+`Creator Subject:
  Security ID:  `+nw+`1215
  Account Name:  mkovacs
  Account Domain:  NORTHWIND
  Logon ID:  0x8A21F3
Target Subject:
  Security ID:  S-1-0-0
  Account Name:  -
  Account Domain:  -
  Logon ID:  0x0
Process Information:
  New Process ID:  0x2f04
  New Process Name: C:\Windows\System32\whoami.exe
  Token Elevation Type: %%1938
  Mandatory Label:  S-1-16-8192
  Creator Process ID: 0x1e70
  Creator Process Name: C:\Windows\System32\cmd.exe
  Process Command Line: whoami  /groups
Token Elevation Type indicates the type of token that was assigned to the new process in accordance with User Account Control policy.`,
		w(h, "event.action", "created-process", "user.name", "mkovacs", "user.id", nw+"1215", "process.pid", 12036,
			"process.executable", `C:\Windows\System32\whoami.exe`, "process.name", "whoami.exe",
			"process.command_line", "whoami  /groups", "process.parent.pid", 7792,
			"process.parent.executable", `C:\Windows\System32\cmd.exe`, "user.effective.name", nil, "user.effective.id", nil), "7750")

	h = modern("4689", "88151", "Success Audit", "Process Termination")
	add("4689 exit", road3164Escaped, "FS-02", h, `A process has exited.
`+subjUser+`
Process Information:
  Process ID:  0x2f04
  Process Name:  C:\Windows\System32\whoami.exe
  Exit Status:  0x0`,
		w(h, "event.action", "exited-process", "user.name", "mkovacs", "process.pid", 12036,
			"process.executable", `C:\Windows\System32\whoami.exe`, "process.exit_code", 0), "7751")

	h = modern("4720", "88160", "Success Audit", "User Account Management")
	add("4720 created", road3164, "DC01", h, `A user account was created.
`+subjAdmin+`
New Account:
  Security ID:  `+nw+`1299
  Account Name:  tmpsvc
  Account Domain:  NORTHWIND
Attributes:
  SAM Account Name: tmpsvc
  Display Name:  <value not set>
  User Principal Name: tmpsvc@northwind.example
  Home Directory:  <value not set>
  Home Drive:  <value not set>
  Script Path:  <value not set>
  Profile Path:  <value not set>
  User Workstations: <value not set>
  Password Last Set: <never>
  Account Expires:  <never>
  Primary Group ID: 513
  Allowed To Delegate To: -
  Old UAC Value:  0x0
  New UAC Value:  0x15
  User Account Control:
    Account Disabled
    'Password Not Required' - Enabled
    'Normal Account' - Enabled
  User Parameters: <value not set>
  SID History:  -
  Logon Hours:  <value not set>
Additional Information:
  Privileges  -`,
		w(h, append(adminWho, "event.action", "added-user-account", "user.target.name", "tmpsvc", "user.target.domain", "NORTHWIND",
			"user.target.id", nw+"1299")...), "7760")

	for _, c := range []struct{ id, title, action string }{
		{"4722", "A user account was enabled.", "enabled-user-account"},
		{"4725", "A user account was disabled.", "disabled-user-account"},
		{"4767", "A user account was unlocked.", "unlocked-user-account"},
	} {
		h = modern(c.id, "8817"+c.id[3:], "Success Audit", "User Account Management")
		add(c.id, road3164Escaped, "DC01", h, c.title+"\n"+subjAdmin+"\n"+targetTmp,
			w(h, append(adminWho, "event.action", c.action, "user.target.name", "tmpsvc", "user.target.domain", "NORTHWIND",
				"user.target.id", nw+"1299")...), "777"+c.id[3:])
	}
	for _, c := range []struct{ id, title, action string }{
		{"4724", "An attempt was made to reset an account's password.", "reset-password"},
		{"4726", "A user account was deleted.", "deleted-user-account"},
	} {
		h = modern(c.id, "8818"+c.id[3:], "Success Audit", "User Account Management")
		add(c.id, road5424, "DC01", h, c.title+"\n"+subjAdmin+"\n"+targetTmp+"\nAdditional Information:\n  Privileges  -",
			w(h, append(adminWho, "event.action", c.action, "user.target.name", "tmpsvc", "user.target.id", nw+"1299")...), "778"+c.id[3:])
	}

	for _, c := range []struct{ id, title, group, gsid, gdom, kind string }{
		{"4728", "A member was added to a security-enabled global group.", "Domain Admins", nw + "512", "NORTHWIND", "Success Audit"},
		{"4732", "A member was added to a security-enabled local group.", "Administrators", "S-1-5-32-544", "Builtin", "Success Audit"},
		{"4756", "A member was added to a security-enabled universal group.", "Enterprise Admins", nw + "519", "NORTHWIND", "Success Audit"},
	} {
		h = modern(c.id, "8819"+c.id[3:], c.kind, "Security Group Management")
		add(c.id, road3164, "DC01", h, c.title+"\n"+subjAdmin+`
Member:
  Security ID:  `+nw+`1299
  Account Name:  CN=tmpsvc,OU=Service,DC=northwind,DC=example
Group:
  Security ID:  `+c.gsid+`
  Group Name:  `+c.group+`
  Group Domain:  `+c.gdom+`
Additional Information:
  Privileges:  -`,
			w(h, append(adminWho, "event.action", "added-member-to-group", "user.target.id", nw+"1299",
				"user.target.name", "tmpsvc", "group.name", c.group, "group.id", c.gsid,
				"group.domain", c.gdom)...), "779"+c.id[3:])
	}

	h = modern("4740", "88200", "Success Audit", "User Account Management")
	add("4740 lockout", road3164, "DC01", h, `A user account was locked out.
`+subjDC+`
Account That Was Locked Out:
  Security ID:  `+nw+`1215
  Account Name:  mkovacs
Additional Information:
  Caller Computer Name: LT-0442`,
		w(h, "event.action", "locked-out-user-account", "user.name", "DC01$", "user.id", "S-1-5-18",
			"user.target.name", "mkovacs", "user.target.id", nw+"1215", "source.domain", "LT-0442"), "7800")

	h = modern("4776", "88210", "Failure Audit", "Credential Validation")
	add("4776 bad password", road3164Escaped, "DC01", h, `The computer attempted to validate the credentials for an account.
`+`Authentication Package: MICROSOFT_AUTHENTICATION_PACKAGE_V1_0
Logon Account: mkovacs
Source Workstation: LT-0442
Error Code: 0xC000006A`,
		w(h, "event.action", "credential-validated", "event.outcome", "failure", "user.name", "mkovacs",
			"source.domain", "LT-0442", "winlog.logon.authentication_package", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0"), "7810")

	h = modern("4768", "88220", "Success Audit", "Kerberos Authentication Service")
	add("4768 TGT", road5424, "DC01", h, `A Kerberos authentication ticket (TGT) was requested.
`+`Account Information:
  Account Name:  mkovacs
  Supplied Realm Name: NORTHWIND
  User ID:   `+nw+`1215
Service Information:
  Service Name:  krbtgt
  Service ID:  `+nw+`502
Network Information:
  Client Address:  ::ffff:10.20.30.41
  Client Port:  51230
Additional Information:
  Ticket Options:  0x40810010
  Result Code:  0x0
  Ticket Encryption Type: 0x12
  Pre-Authentication Type: 2
Certificate Information:
  Certificate Issuer Name:
  Certificate Serial Number:
  Certificate Thumbprint:
Certificate information is only provided if a certificate was used for pre-authentication.`,
		w(h, "event.action", "kerberos-authentication-ticket-requested", "event.outcome", "success", "user.name", "mkovacs",
			"user.domain", "NORTHWIND", "user.id", nw+"1215", "service.name", "krbtgt", "service.id", nw+"502",
			"source.ip", "10.20.30.41", "source.port", 51230), "7820")

	h = modern("4769", "88221", "Success Audit", "Kerberos Service Ticket Operations")
	add("4769 service ticket", road3164, "DC01", h, `A Kerberos service ticket was requested.
`+`Account Information:
  Account Name:  mkovacs@NORTHWIND.EXAMPLE
  Account Domain:  NORTHWIND.EXAMPLE
  Logon GUID:  {3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c}
Service Information:
  Service Name:  FS-03$
  Service ID:  `+nw+`1107
Network Information:
  Client Address:  ::ffff:10.20.30.41
  Client Port:  51240
Additional Information:
  Ticket Options:  0x40810000
  Ticket Encryption Type: 0x12
  Failure Code:  0x0
  Transited Services: -
This event is generated every time access is requested to a resource such as a computer or a Windows service.`,
		w(h, "event.action", "kerberos-service-ticket-requested", "event.outcome", "success", "user.name", "mkovacs",
			"user.domain", "NORTHWIND.EXAMPLE", "service.name", "FS-03$", "source.ip", "10.20.30.41", "source.port", 51240), "7821")

	h = modern("4771", "88222", "Failure Audit", "Kerberos Authentication Service")
	add("4771 preauth failed, bare", roadBare, "DC01", h, `Kerberos pre-authentication failed.
`+`Account Information:
  Security ID:  `+nw+`1215
  Account Name:  mkovacs
Service Information:
  Service Name:  krbtgt/NORTHWIND.EXAMPLE
Network Information:
  Client Address:  ::ffff:10.20.30.41
  Client Port:  51234
Additional Information:
  Ticket Options:  0x40810010
  Failure Code:  0x18
  Pre-Authentication Type: 2
Certificate Information:
  Certificate Issuer Name:
  Certificate Serial Number:
  Certificate Thumbprint:
Certificate information is only provided if a certificate was used for pre-authentication.`,
		w(h, "event.action", "kerberos-preauth-failed", "event.outcome", "failure", "user.name", "mkovacs",
			"user.id", nw+"1215", "service.name", "krbtgt/NORTHWIND.EXAMPLE", "source.ip", "10.20.30.41", "source.port", 51234), "7822")

	share := subjUser + `
Network Information:
  Object Type:  File
  Source Address:  10.20.30.41
  Source Port:  51300
Share Information:
  Share Name:  \\*\Finance
  Share Path:  \??\D:\Shares\Finance`
	h = modern("5140", "88230", "Success Audit", "File Share")
	add("5140 share", road3164, "FS-02", h, "A network share object was accessed.\n"+share+`
Access Request Information:
  Access Mask:  0x1
  Accesses:  ReadData (or ListDirectory)`,
		w(h, "event.action", "network-share-object-accessed", "user.name", "mkovacs", "source.ip", "10.20.30.41",
			"source.port", 51300, "winlog.event_data.ShareName", `\\*\Finance`), "7830")
	h = modern("5145", "88231", "Success Audit", "Detailed File Share")
	add("5145 file", road5424, "FS-02", h, "A network share object was checked to see whether client can be granted desired access.\n"+share+`
  Relative Target Name: 2026\budget.xlsx
Access Request Information:
  Access Mask:  0x120089
  Accesses:  READ_CONTROL
    SYNCHRONIZE
    ReadData (or ListDirectory)
Access Check Results:
  -`,
		w(h, "event.action", "network-share-object-access-checked", "user.name", "mkovacs", "source.ip", "10.20.30.41",
			"file.path", `D:\Shares\Finance\2026\budget.xlsx`, "file.name", "budget.xlsx"), "7831")

	wfp := func(verb, dir, src, sport, dst, dport string) string {
		return "The Windows Filtering Platform has " + verb + ` a connection.
Application Information:
  Process ID:  1840
  Application Name: \device\harddiskvolume2\program files\contoso\agent.exe
Network Information:
  Direction:  ` + dir + `
  Source Address:  ` + src + `
  Source Port:  ` + sport + `
  Destination Address: ` + dst + `
  Destination Port:  ` + dport + `
  Protocol:  6
Filter Information:
  Filter Run-Time ID: 70351
  Layer Name:  Connect
  Layer Run-Time ID: 48`
	}
	h = modern("5156", "88240", "Success Audit", "Filtering Platform Connection")
	add("5156 outbound", road3164Escaped, "FS-02", h, wfp("permitted", "Outbound", "10.20.30.41", "51522", "192.0.2.80", "443"),
		w(h, "event.action", "windows-firewall-connection", "process.pid", 1840, "source.ip", "10.20.30.41", "source.port", 51522,
			"destination.ip", "192.0.2.80", "destination.port", 443, "network.transport", "tcp", "network.direction", "egress",
			"rule.id", "70351"), "7840")
	h = modern("5157", "88241", "Failure Audit", "Filtering Platform Connection")
	add("5157 inbound blocked", roadBare, "FS-02", h, wfp("blocked", "Inbound", "10.20.30.41", "445", "198.51.100.9", "51999"),
		w(h, "event.action", "windows-firewall-packet-block", "event.outcome", "failure", "source.ip", "10.20.30.41",
			"destination.ip", "198.51.100.9", "network.direction", "ingress"), "7841")

	h = modern("1102", "88250", "Success Audit", "Log clear")
	h.source = "Microsoft-Windows-Eventlog"
	add("1102 cleared", road3164, "FS-02", h, `The audit log was cleared.
`+`Subject:
  Security ID: `+nw+`500
  Account Name: Administrator
  Domain Name: NORTHWIND
  Logon ID: 0x8A3301`,
		w(h, "event.action", "audit-log-cleared", "user.name", "Administrator", "user.domain", "NORTHWIND", "user.id", nw+"500"), "7850")

	h = modern("4719", "88251", "Success Audit", "Audit Policy Change")
	add("4719 policy", road3164, "DC01", h, `System audit policy was changed.
`+subjDC+`
Audit Policy Change:
  Category:  Logon/Logoff
  Subcategory:  Logon
  Subcategory GUID: {0cce9215-69ae-11d9-bed3-505054503030}
  Changes:  Success removed`,
		w(h, "event.action", "changed-audit-config", "user.name", "DC01$", "user.id", "S-1-5-18"), "7851")

	h = modern("4697", "88260", "Success Audit", "Security System Extension")
	add("4697 service installed", road5424, "FS-02", h, `A service was installed in the system.
`+subjAdmin+`
Service Information:
  Service Name:   PSEXESVC
  Service File Name: %SystemRoot%\PSEXESVC.exe
  Service Type:   0x10
  Service Start Type: 3
  Service Account:  LocalSystem`,
		w(h, append(adminWho, "event.action", "service-installed", "service.name", "PSEXESVC",
			"winlog.event_data.ServiceFileName", `%SystemRoot%\PSEXESVC.exe`)...), "7860")

	h = snareHead{crit: "1", log: "System", counter: "88261", date: "Tue Mar 03 09:14:55 2026", id: "7045",
		source: "Service Control Manager", user: `NORTHWIND\Administrator`, sidType: "User", kind: "Information",
		computer: "FS-02.northwind.example", category: "None"}
	add("7045 System", road3164, "FS-02", h, `A service was installed in the system.
`+`Service Name:  Contoso Updater
Service File Name:  "C:\Program Files\Contoso\upd.exe" /svc
Service Type:  user mode service
Service Start Type:  auto start
Service Account:  LocalSystem`,
		w(h, "event.action", "installed-service", "service.name", "Contoso Updater", "winlog.user.name", "Administrator",
			"winlog.user.domain", "NORTHWIND", "log.level", "information", "event.outcome", "success"), "7861")

	h = modern("4698", "88270", "Success Audit", "Other Object Access Events")
	add("4698 task", road3164Escaped, "FS-02", h, `A scheduled task was created.
`+subjAdmin+`
Task Information:
  Task Name:   \Contoso\Nightly Sync
  Task Content:   <?xml version="1.0" encoding="UTF-16"?> <Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"> <Actions Context="Author"> <Exec> <Command>C:\Tools\sync.exe</Command> </Exec> </Actions> </Task>`,
		w(h, append(adminWho, "event.action", "scheduled-task-created", "winlog.scheduled_task.name", `\Contoso\Nightly Sync`)...), "7870")

	cs = append(cs, snareLegacyCases()...)
	cs = append(cs, snareMoreCases()...)
	return append(cs, snareHeaderVariants()...)
}
