package normalize

// snareLegacyCases are the Windows 2003 lines of TestSnareRoadsHeldOut
// (msaudite.dll's texts).
// Long: one table.
func snareLegacyCases() []snareCase {
	// Windows 2003 (msaudite.dll's texts).
	var cs []snareCase
	add := func(name string, road func(host, rec string) string, host string, h snareHead, msg string, want map[string]any, tail ...string) {
		cs = append(cs, snareCase{name: name, line: road(host, h.record("\t", msg, tail...)), want: want})
	}
	lh := legacy("528", "5001", `NORTHWIND\jdoe`, "Success Audit", "Logon/Logoff")
	add("528 RDP logon", road3164, "SRV-OLD", lh, `Successful Logon:
`+`  User Name: jdoe
  Domain:  NORTHWIND
  Logon ID:  (0x0,0x3A8C1)
  Logon Type: 10
  Logon Process: User32
  Authentication Package: Negotiate
  Workstation Name: SRV-OLD
  Logon GUID: {7a6b5c4d-3e2f-1a0b-9c8d-7e6f5a4b3c2d}
  Caller User Name: SRV-OLD$
  Caller Domain: NORTHWIND
  Caller Logon ID: (0x0,0x3E7)
  Caller Process ID: 2480
  Transited Services: -
  Source Network Address: 198.51.100.23
  Source Port: 1042`,
		w(lh, "event.action", "logged-in", "event.outcome", "success", "user.name", "jdoe", "user.domain", "NORTHWIND",
			"winlog.logon.type", "RemoteInteractive", "source.ip", "198.51.100.23", "source.port", 1042,
			"process.pid", 2480, "winlog.record_id", 3001), "3001")
	lh = legacy("529", "5002", `NT AUTHORITY\SYSTEM`, "Failure Audit", "Logon/Logoff")
	add("529 bad password, escaped", road3164Escaped, "SRV-OLD", lh, `Logon Failure:
`+`  Reason:  Unknown user name or bad password
  User Name: admin
  Domain:  SRV-OLD
  Logon Type: 3
  Logon Process: NtLmSsp
  Authentication Package: NTLM
  Workstation Name: KALI
  Caller User Name: -
  Caller Domain: -
  Caller Logon ID: -
  Caller Process ID: -
  Transited Services: -
  Source Network Address: 198.51.100.9
  Source Port: 51000`,
		w(lh, "event.action", "logon-failed", "event.outcome", "failure", "user.name", "admin", "user.domain", "SRV-OLD",
			"source.ip", "198.51.100.9", "source.port", 51000, "source.domain", "KALI", "winlog.logon.type", "Network",
			"process.pid", nil), "3002")
	lh = legacy("538", "5003", `NORTHWIND\jdoe`, "Success Audit", "Logon/Logoff")
	add("538 logoff", road5424, "SRV-OLD", lh, `User Logoff:
`+`  User Name: jdoe
  Domain:  NORTHWIND
  Logon ID:  (0x0,0x3A8C1)
  Logon Type: 10`,
		w(lh, "event.action", "logged-out", "user.name", "jdoe", "user.domain", "NORTHWIND", "winlog.logon.type", "RemoteInteractive"), "3003")
	lh = legacy("540", "5004", `NORTHWIND\SRV-OLD$`, "Success Audit", "Logon/Logoff")
	add("540 network logon, bare", roadBare, "SRV-OLD", lh, `Successful Network Logon:
`+`  User Name: SRV-OLD$
  Domain:  NORTHWIND
  Logon ID:  (0x0,0xF88396)
  Logon Type: 3
  Logon Process: Kerberos
  Authentication Package: Kerberos
  Workstation Name:
  Logon GUID: {1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901}
  Caller User Name: -
  Caller Domain: -
  Caller Logon ID: -
  Caller Process ID: -
  Transited Services: -
  Source Network Address: 10.20.30.5
  Source Port: 3306`,
		w(lh, "event.action", "logged-in", "user.name", "SRV-OLD$", "user.domain", "NORTHWIND", "winlog.logon.type", "Network",
			"source.ip", "10.20.30.5", "source.port", 3306, "source.domain", nil, "winlog.logon.authentication_package", "Kerberos"), "3004")
	lh = legacy("551", "5005", `NORTHWIND\jdoe`, "Success Audit", "Logon/Logoff")
	add("551 user logoff", road3164, "SRV-OLD", lh, `User initiated logoff:
`+`  User Name: jdoe
  Domain:  NORTHWIND
  Logon ID:  (0x0,0x3A8C1)`,
		w(lh, "event.action", "logged-out", "user.name", "jdoe", "user.domain", "NORTHWIND"), "3005")
	lh = legacy("576", "5006", `NORTHWIND\Administrator`, "Success Audit", "Privilege Use")
	add("576 special", road3164, "SRV-OLD", lh, `Special privileges assigned to new logon:
`+`  User Name: Administrator
  Domain:  NORTHWIND
  Logon ID:  (0x0,0x5D1F0)
  Privileges: SeSecurityPrivilege
   SeBackupPrivilege
   SeDebugPrivilege`,
		w(lh, "event.action", "logged-in-special", "user.name", "Administrator", "user.domain", "NORTHWIND"), "3006")
	lh = legacy("592", "5007", `NORTHWIND\jdoe`, "Success Audit", "Detailed Tracking")
	add("592 process", road3164, "SRV-OLD", lh, `A new process has been created:
`+`  New Process ID: 2956
  Image File Name: C:\WINDOWS\system32\ipconfig.exe
  Creator Process ID: 1884
  User Name: jdoe
  Domain:  NORTHWIND
  Logon ID: (0x0,0x3A8C1)`,
		w(lh, "event.action", "created-process", "process.pid", 2956, "process.executable", `C:\WINDOWS\system32\ipconfig.exe`,
			"process.name", "ipconfig.exe", "process.parent.pid", 1884, "user.name", "jdoe", "user.domain", "NORTHWIND"), "3007")
	lh = legacy("593", "5008", `NORTHWIND\jdoe`, "Success Audit", "Detailed Tracking")
	add("593 exit, escaped", road3164Escaped, "SRV-OLD", lh, `A process has exited:
`+`  Process ID: 2956
  Image File Name: C:\WINDOWS\system32\ipconfig.exe
  User Name: jdoe
  Domain:  NORTHWIND
  Logon ID: (0x0,0x3A8C1)`,
		w(lh, "event.action", "exited-process", "process.pid", 2956, "process.executable", `C:\WINDOWS\system32\ipconfig.exe`,
			"user.name", "jdoe"), "3008")
	lh = legacy("624", "5009", `NORTHWIND\Administrator`, "Success Audit", "Account Management")
	add("624 created", road3164, "SRV-OLD", lh, `User Account Created:
`+`  New Account Name: tmpsvc
  New Domain: NORTHWIND
  New Account ID: `+nw+`1299
  Caller User Name: Administrator
  Caller Domain: NORTHWIND
  Caller Logon ID: (0x0,0x5D1F0)
  Privileges  -`,
		w(lh, "event.action", "added-user-account", "user.name", "Administrator", "user.domain", "NORTHWIND",
			"user.target.name", "tmpsvc", "user.target.domain", "NORTHWIND", "user.target.id", nw+"1299"), "3009")
	for _, c := range []struct{ id, title, action string }{
		{"626", "User Account Enabled:", "enabled-user-account"},
		{"628", "User Account password set:", "reset-password"},
		{"630", "User Account Deleted:", "deleted-user-account"},
	} {
		lh = legacy(c.id, "510"+c.id[2:], `NORTHWIND\Administrator`, "Success Audit", "Account Management")
		add(c.id, road5424, "SRV-OLD", lh, c.title+`
  Target Account Name: tmpsvc
  Target Domain: NORTHWIND
  Target Account ID: `+nw+`1299
  Caller User Name: Administrator
  Caller Domain: NORTHWIND
  Caller Logon ID: (0x0,0x5D1F0)`,
			w(lh, "event.action", c.action, "user.name", "Administrator", "user.target.name", "tmpsvc",
				"user.target.domain", "NORTHWIND", "user.target.id", nw+"1299"), "31"+c.id[1:])
	}
	for _, c := range []struct{ id, title, group, gsid string }{
		{"632", "Security Enabled Global Group Member Added:", "Domain Admins", nw + "512"},
		{"636", "Security Enabled Local Group Member Added:", "Administrators", "S-1-5-32-544"},
	} {
		lh = legacy(c.id, "520"+c.id[2:], `NORTHWIND\Administrator`, "Success Audit", "Account Management")
		add(c.id, road3164, "SRV-OLD", lh, c.title+`
  Member Name: CN=tmpsvc,OU=Service,DC=northwind,DC=example
  Member ID: `+nw+`1299
  Target Account Name: `+c.group+`
  Target Domain: NORTHWIND
  Target Account ID: `+c.gsid+`
  Caller User Name: Administrator
  Caller Domain: NORTHWIND
  Caller Logon ID: (0x0,0x5D1F0)
  Privileges: -`,
			w(lh, "event.action", "added-member-to-group", "user.name", "Administrator", "user.target.id", nw+"1299",
				"group.name", c.group, "group.id", c.gsid), "32"+c.id[1:])
	}
	lh = legacy("644", "5300", `NT AUTHORITY\SYSTEM`, "Success Audit", "Account Management")
	add("644 lockout", road3164, "SRV-OLD", lh, `User Account Locked Out:
`+`  Target Account Name: jdoe
  Target Account ID: `+nw+`1215
  Caller Machine Name: LT-0442
  Caller User Name: DC01$
  Caller Domain: NORTHWIND
  Caller Logon ID: (0x0,0x3E7)`,
		w(lh, "event.action", "locked-out-user-account", "user.target.name", "jdoe", "user.target.id", nw+"1215",
			"source.domain", "LT-0442", "user.name", "DC01$"), "3300")
	lh = legacy("672", "5310", `NT AUTHORITY\SYSTEM`, "Success Audit", "Account Logon")
	add("672 TGT", road3164Escaped, "SRV-OLD", lh, `Authentication Ticket Request:
`+`  User Name: jdoe
  Supplied Realm Name: NORTHWIND
  User ID:  `+nw+`1215
  Service Name: krbtgt
  Service ID: `+nw+`502
  Ticket Options: 0x40810010
  Result Code: -
  Ticket Encryption Type: 0x17
  Pre-Authentication Type: 2
  Client Address: 10.20.30.41
  Certificate Issuer Name:
  Certificate Serial Number:
  Certificate Thumbprint:`,
		w(lh, "event.action", "kerberos-authentication-ticket-requested", "user.name", "jdoe", "user.id", nw+"1215",
			"service.name", "krbtgt", "source.ip", "10.20.30.41"), "3310")
	lh = legacy("675", "5311", `NT AUTHORITY\SYSTEM`, "Failure Audit", "Account Logon")
	add("675 preauth", road3164, "SRV-OLD", lh, `Pre-authentication failed:
`+`  User ID:  `+nw+`1215
  User Name: jdoe
  Service Name: krbtgt/NORTHWIND
  Pre-Authentication Type: 0x2
  Failure Code: 0x18
  Client Address: 10.20.30.41`,
		w(lh, "event.action", "kerberos-preauth-failed", "event.outcome", "failure", "user.name", "jdoe",
			"user.id", nw+"1215", "source.ip", "10.20.30.41"), "3311")
	lh = legacy("680", "5312", `NT AUTHORITY\SYSTEM`, "Success Audit", "Account Logon")
	add("680 NTLM", road3164, "SRV-OLD", lh, `Logon attempt by: MICROSOFT_AUTHENTICATION_PACKAGE_V1_0
`+`Logon account: jdoe
Source Workstation: LT-0442
Error Code: 0x0`,
		w(lh, "event.action", "credential-validated", "event.outcome", "success", "user.name", "jdoe", "source.domain", "LT-0442"), "3312")
	lh = legacy("517", "5313", `NT AUTHORITY\SYSTEM`, "Success Audit", "System Event")
	add("517 cleared", road3164, "SRV-OLD", lh, `The audit log was cleared
`+`  Primary User Name: SYSTEM
  Primary Domain: NT AUTHORITY
  Primary Logon ID: (0x0,0x3E7)
  Client User Name: Administrator
  Client Domain: NORTHWIND
  Client Logon ID: (0x0,0x5D1F0)`,
		w(lh, "event.action", "audit-log-cleared", "user.name", "Administrator", "user.domain", "NORTHWIND"), "3313")
	return cs
}
