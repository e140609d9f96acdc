package normalize

// snareMoreCases are the second batch of TestSnareRoadsHeldOut's lines:
// ids and message versions the first did not have (Windows 2008's 4625
// and 4688, group and account changes, sessions, object access).
// Long: one table.
func snareMoreCases() []snareCase {
	var cs []snareCase
	add := func(name string, road func(host, rec string) string, host string, h snareHead, msg string, want map[string]any, tail ...string) {
		cs = append(cs, snareCase{name: name, line: road(host, h.record("\t", msg, tail...)), want: want})
	}
	adminWho := []any{"user.name", "Administrator", "user.domain", "NORTHWIND", "user.id", nw + "500"}

	h := modern("4624", "90001", "Success Audit", "Logon")
	add("4624 RDP from IPv6, 2019", road3164Escaped, "FS-02", h, `An account was successfully logged on.
`+`Subject:
  Security ID:  S-1-5-18
  Account Name:  FS-02$
  Account Domain:  NORTHWIND
  Logon ID:  0x3E7
Logon Information:
  Logon Type:  10
  Restricted Admin Mode: No
  Virtual Account:  No
  Elevated Token:  No
Impersonation Level:  Impersonation
New Logon:
  Security ID:  `+nw+`1215
  Account Name:  mkovacs
  Account Domain:  NORTHWIND
  Logon ID:  0x9B0C11
  Linked Logon ID:  0x0
  Network Account Name: -
  Network Account Domain: -
  Logon GUID:  {4b3a2c1d-0e9f-4a8b-8c7d-6e5f4a3b2c1d}
Process Information:
  Process ID:  0x1d3c
  Process Name:  C:\Windows\System32\svchost.exe
Network Information:
  Workstation Name: LT-0442
  Source Network Address: 2001:db8::41
  Source Port:  0
Detailed Authentication Information:
  Logon Process:  User32
  Authentication Package: Negotiate
  Transited Services: -
  Package Name (NTLM only): -
  Key Length:  0
This event is generated when a logon session is created.`,
		w(h, "event.action", "logged-in", "user.name", "mkovacs", "winlog.logon.id", "0x9b0c11",
			"winlog.logon.type", "RemoteInteractive", "source.ip", "2001:db8::41", "source.domain", "LT-0442",
			"process.pid", 7484, "process.executable", `C:\Windows\System32\svchost.exe`), "9001")

	h = modern("4625", "90002", "Failure Audit", "Logon")
	add("4625 unknown user, 2008", road5424, "FS-02", h, `An account failed to log on.
`+`Subject:
  Security ID:  S-1-5-18
  Account Name:  FS-02$
  Account Domain:  NORTHWIND
  Logon ID:  0x3E7
Logon Type:   4
Account For Which Logon Failed:
  Security ID:  S-1-0-0
  Account Name:  svc_backup
  Account Domain:  NORTHWIND
Failure Information:
  Failure Reason:  Unknown user name or bad password.
  Status:   0xc000006d
  Sub Status:  0xc0000064
Process Information:
  Caller Process ID: 0x27c
  Caller Process Name: C:\Windows\System32\svchost.exe
Network Information:
  Workstation Name: FS-02
  Source Network Address: -
  Source Port:  -
Detailed Authentication Information:
  Logon Process:  Advapi
  Authentication Package: Negotiate
  Transited Services: -
  Package Name (NTLM only): -
  Key Length:  0
This event is generated when a logon request fails.`,
		w(h, "event.action", "logon-failed", "event.outcome", "failure", "user.name", "svc_backup", "user.domain", "NORTHWIND",
			"user.id", nil, "winlog.logon.type", "Batch", "source.ip", nil, "source.port", nil,
			"process.pid", 636, "process.executable", `C:\Windows\System32\svchost.exe`), "9002")

	h = modern("4688", "90003", "Success Audit", "Process Creation")
	add("4688 2008, no command line", road3164, "FS-02", h, `A new process has been created.
`+subjUser+`
Process Information:
  New Process ID:  0x9c4
  New Process Name: C:\Windows\System32\net.exe
  Token Elevation Type: TokenElevationTypeDefault (1)
  Creator Process ID: 0x1e70`,
		w(h, "event.action", "created-process", "user.name", "mkovacs", "user.id", nw+"1215", "process.pid", 2500,
			"process.executable", `C:\Windows\System32\net.exe`, "process.parent.pid", 7792, "process.command_line", nil), "9003")

	h = modern("4723", "90004", "Success Audit", "User Account Management")
	add("4723 own password", road3164, "DC01", h, `An attempt was made to change an account's password.
`+subjUser+`
Target Account:
  Security ID:  `+nw+`1215
  Account Name:  mkovacs
  Account Domain:  NORTHWIND
Additional Information:
  Privileges:  -`,
		w(h, "event.action", "changed-password", "user.name", "mkovacs", "user.target.name", "mkovacs",
			"user.target.id", nw+"1215"), "9004")

	for _, c := range []struct{ id, title, group, gsid, gdom string }{
		{"4729", "A member was removed from a security-enabled global group.", "Domain Admins", nw + "512", "NORTHWIND"},
		{"4733", "A member was removed from a security-enabled local group.", "Remote Desktop Users", "S-1-5-32-555", "Builtin"},
	} {
		h = modern(c.id, "9010"+c.id[3:], "Success Audit", "Security Group Management")
		add(c.id, roadBare, "DC01", h, c.title+"\n"+subjAdmin+`
Member:
  Security ID:  `+nw+`1299
  Account Name:  -
Group:
  Security ID:  `+c.gsid+`
  Group Name:  `+c.group+`
  Group Domain:  `+c.gdom+`
Additional Information:
  Privileges:  -`,
			w(h, append(adminWho, "event.action", "removed-member-from-group", "user.target.id", nw+"1299",
				"user.target.name", nil, "group.name", c.group, "group.id", c.gsid, "group.domain", c.gdom)...), "902"+c.id[3:])
	}

	h = modern("4735", "90030", "Success Audit", "Security Group Management")
	add("4735 group changed", road5424, "DC01", h, `A security-enabled local group was changed.
`+subjAdmin+`
Group:
  Security ID:  S-1-5-32-544
  Group Name:  Administrators
  Group Domain:  Builtin
Changed Attributes:
  SAM Account Name: -
  SID History:  -
Additional Information:
  Privileges:  -`,
		w(h, append(adminWho, "event.action", "modified-group-account", "group.name", "Administrators",
			"group.domain", "Builtin", "group.id", "S-1-5-32-544")...), "9030")

	h = modern("4738", "90031", "Success Audit", "User Account Management")
	add("4738 user changed", road3164Escaped, "DC01", h, `A user account was changed.
`+subjAdmin+`
`+targetTmp+`
Changed Attributes:
  SAM Account Name: -
  Display Name:  Temporary Service
  User Principal Name: -
  Home Directory:  -
  Home Drive:  -
  Script Path:  -
  Profile Path:  -
  User Workstations: -
  Password Last Set: -
  Account Expires:  -
  Primary Group ID: -
  AllowedToDelegateTo: -
  Old UAC Value:  -
  New UAC Value:  -
  User Account Control: -
  User Parameters: -
  SID History:  -
  Logon Hours:  -
Additional Information:
  Privileges:  -`,
		w(h, append(adminWho, "event.action", "modified-user-account", "user.target.name", "tmpsvc",
			"user.target.domain", "NORTHWIND", "user.target.id", nw+"1299")...), "9031")

	h = modern("4778", "90040", "Success Audit", "Other Logon/Logoff Events")
	add("4778 reconnected", road3164, "FS-02", h, `A session was reconnected to a Window Station.
`+`Subject:
  Account Name:  mkovacs
  Account Domain:  NORTHWIND
  Logon ID:  0x9B0C11
Session:
  Session Name:  RDP-Tcp#3
Additional Information:
  Client Name:  LT-0442
  Client Address:  203.0.113.77
This event is generated when a user reconnects to an existing Terminal Services session, or when a user switches to an existing desktop using Fast User Switching.`,
		w(h, "event.action", "session-reconnected", "user.name", "mkovacs", "user.domain", "NORTHWIND",
			"winlog.logon.id", "0x9b0c11", "source.domain", "LT-0442", "source.ip", "203.0.113.77"), "9040")

	h = modern("4800", "90041", "Success Audit", "Other Logon/Logoff Events")
	add("4800 locked", roadSpaced, "FS-02", h, `The workstation was locked.
`+subjUser+`
  Session ID:  2`,
		w(h, "event.action", "locked-workstation", "user.name", "mkovacs", "user.domain", "NORTHWIND",
			"user.id", nw+"1215", "winlog.logon.id", "0x8a21f3"), "9041")

	h = modern("4663", "90050", "Success Audit", "File System")
	add("4663 file read", road3164, "FS-02", h, `An attempt was made to access an object.
`+subjUser+`
Object:
  Object Server:  Security
  Object Type:  File
  Object Name:  D:\Shares\Finance\2026\budget.xlsx
  Handle ID:  0x1f4
  Resource Attributes: S:AI
Process Information:
  Process ID:  0x4
  Process Name:
Access Request Information:
  Accesses:  ReadData (or ListDirectory)
  Access Mask:  0x1`,
		w(h, "event.action", "accessed-object", "user.name", "mkovacs", "file.path", `D:\Shares\Finance\2026\budget.xlsx`,
			"file.name", "budget.xlsx", "process.pid", 4, "process.executable", nil), "9050")

	h = modern("4798", "90060", "Success Audit", "User Account Management")
	add("4798 enumerated", road3164, "FS-02", h, `A user's local group membership was enumerated.
`+subjUser+`
User:
  Security ID:  `+nw+`500
  Account Name:  Administrator
  Account Domain:  NORTHWIND
Process Information:
  Process ID:  0x2b10
  Process Name:  C:\Windows\System32\net1.exe`,
		w(h, "event.action", "group-membership-enumerated", "user.name", "mkovacs", "user.target.name", "Administrator",
			"user.target.id", nw+"500", "process.pid", 11024, "process.executable", `C:\Windows\System32\net1.exe`), "9060")
	return cs
}
