package windows

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
)

// securitySnare is a Snare line of a Security event (7045: of the
// System log) whose rendered message is msg, its fields separated by sep.
func securitySnare(id int, subcategory, msg, sep string) string {
	channel, provider := "Security", "Microsoft-Windows-Security-Auditing"
	if id == 7045 {
		channel, provider = "System", "Service Control Manager"
	}
	f := []string{"MSWinEventLog", "1", channel, "77", "Tue Jun 30 08:00:00 2026", fmt.Sprint(id),
		provider, "N/A", "N/A", "Success Audit", "WKS-7.corp.example.org", subcategory, "", msg, "1042"}
	return "<14>Jun 30 08:00:00 WKS-7 " + strings.Join(f, sep)
}

// Messages of the Security auditing provider as Snare flattens them, with
// %s where a value a user, a client or a program chose goes.
const (
	msg4624 = "An account was successfully logged on.  Subject:  Security ID: S-1-0-0  Account Name: -  Account Domain: -  " +
		"Logon ID: 0x0  Logon Information:  Logon Type: 3  Restricted Admin Mode: -  Virtual Account: No  Elevated Token: No  " +
		"Impersonation Level: Impersonation  New Logon:  Security ID: S-1-5-21-1-2-3-1104  Account Name: erin  " +
		"Account Domain: CORP  Logon ID: 0xA3E5C  Linked Logon ID: 0x0  Network Account Name: -  Network Account Domain: -  " +
		"Logon GUID: {00000000-0000-0000-0000-000000000000}  Process Information:  Process ID: 0x0  Process Name: -  " +
		"Network Information:  Workstation Name: %s  Source Network Address: 10.1.2.3  Source Port: 50123  " +
		"Detailed Authentication Information:  Logon Process: NtLmSsp  Authentication Package: NTLM  Transited Services: -  " +
		"Package Name (NTLM only): NTLM V2  Key Length: 128  This event is generated when a logon session is created."
	msg4625 = "An account failed to log on.  Subject:  Security ID: S-1-0-0  Account Name: -  Account Domain: -  Logon ID: 0x0  " +
		"Logon Type: 3  Account For Which Logon Failed:  Security ID: S-1-0-0  Account Name: %s  Account Domain: CORP  " +
		"Failure Information:  Failure Reason: Unknown user name or bad password.  Status: 0xC000006D  Sub Status: 0xC000006A  " +
		"Process Information:  Caller Process ID: 0x0  Caller Process Name: -  Network Information:  Workstation Name: WKS9  " +
		"Source Network Address: 10.1.2.3  Source Port: 50123  Detailed Authentication Information:  Logon Process: NtLmSsp  " +
		"Authentication Package: NTLM  Transited Services: -  Package Name (NTLM only): -  Key Length: 0  " +
		"This event is generated when a logon request fails."
	msg4688 = "A new process has been created.  Creator Subject:  Security ID: S-1-5-21-1-2-3-1104  Account Name: erin  " +
		"Account Domain: CORP  Logon ID: 0xA3E5C  Target Subject:  Security ID: S-1-0-0  Account Name: -  Account Domain: -  " +
		"Logon ID: 0x0  Process Information:  New Process ID: 0x1a2c  New Process Name: C:\\Tools\\a.exe  " +
		"Token Elevation Type: %%%%1938  Mandatory Label: S-1-16-8192  Creator Process ID: 0x1400  " +
		"Creator Process Name: C:\\Windows\\explorer.exe  Process Command Line: %s  Token Elevation Type indicates the type " +
		"of token that was assigned to the new process in accordance with User Account Control policy."
	msg4698 = "A scheduled task was created.  Subject:  Security ID: S-1-5-21-1-2-3-1104  Account Name: erin  " +
		"Account Domain: CORP  Logon ID: 0xA3E5C  Task Information:  Task Name: \\Updater  Task Content: %s"
	msg4663 = "An attempt was made to access an object.  Subject:  Security ID: S-1-5-21-1-2-3-1104  Account Name: erin  " +
		"Account Domain: CORP  Logon ID: 0xA3E5C  Object:  Object Server: Security  Object Type: File  Object Name: %s  " +
		"Handle ID: 0x1a4  Resource Attributes: S:AI  Process Information:  Process ID: 0x1a2c  " +
		"Process Name: C:\\Tools\\a.exe  Access Request Information:  Accesses: ReadData (or ListDirectory)  Access Mask: 0x1"
	msg5145 = "A network share object was checked to see whether client can be granted desired access.  Subject:  " +
		"Security ID: S-1-5-21-1-2-3-1104  Account Name: erin  Account Domain: CORP  Logon ID: 0xA3E5C  " +
		"Network Information:  Object Type: File  Source Address: 10.1.2.3  Source Port: 50123  Share Information:  " +
		"Share Name: \\\\*\\share  Share Path: \\??\\C:\\share  Relative Target Name: %s  Access Request Information:  " +
		"Access Mask: 0x1  Accesses: ReadData (or ListDirectory)  Access Check Results: -"
	msg4776 = "The computer attempted to validate the credentials for an account.  Authentication Package: " +
		"MICROSOFT_AUTHENTICATION_PACKAGE_V1_0  Logon Account: bob  Source Workstation: %s  Error Code: 0xC000006A"
	msg4771 = "Kerberos pre-authentication failed.  Account Information:  Security ID: S-1-5-21-1-2-3-1104  Account Name: %s  " +
		"Service Information:  Service Name: krbtgt/CORP  Network Information:  Client Address: ::ffff:10.1.2.3  " +
		"Client Port: 50123  Additional Information:  Ticket Options: 0x40810010  Failure Code: 0x18  Pre-Authentication Type: 2"
	msg4778 = "A session was reconnected to a Window Station.  Subject:  Account Name: erin  Account Domain: CORP  " +
		"Logon ID: 0xA3E5C  Session:  Session Name: RDP-Tcp#3  Additional Information:  Client Name: %s  Client Address: 10.1.2.3"
	msg4657 = "A registry value was modified.  Subject:  Security ID: S-1-5-21-1-2-3-1104  Account Name: erin  " +
		"Account Domain: CORP  Logon ID: 0xA3E5C  Object:  Object Name: \\REGISTRY\\MACHINE\\SOFTWARE\\Contoso  " +
		"Object Value Name: Run  Handle ID: 0x1  Operation Type: Existing registry value modified  Process Information:  " +
		"Process ID: 0x1a2c  Process Name: C:\\Tools\\a.exe  Change Information:  Old Value Type: REG_SZ  Old Value: %s  " +
		"New Value Type: REG_SZ  New Value: b.exe"
	msg4648 = "A logon was attempted using explicit credentials.  Subject:  Security ID: S-1-5-21-1-2-3-1104  Account Name: erin  " +
		"Account Domain: CORP  Logon ID: 0xA3E5C  Logon GUID: {00000000-0000-0000-0000-000000000000}  " +
		"Account Whose Credentials Were Used:  Account Name: admin  Account Domain: CORP  " +
		"Logon GUID: {00000000-0000-0000-0000-000000000000}  Target Server:  Target Server Name: %s  " +
		"Additional Information: srv1  Process Information:  Process ID: 0x1a2c  Process Name: C:\\Tools\\a.exe  " +
		"Network Information:  Network Address: 10.1.2.3  Port: 0"
	msg529 = "Logon Failure:  Reason: Unknown user name or bad password  User Name: administrator  Domain: WEB1  " +
		"Logon Type: 3  Logon Process: NtLmSsp  Authentication Package: NTLM  Workstation Name: %s  Caller User Name: -  " +
		"Caller Domain: -  Caller Logon ID: -  Caller Process ID: -  Transited Services: -  " +
		"Source Network Address: 203.0.113.77  Source Port: 0"
	msg680 = "Logon attempt by: MICROSOFT_AUTHENTICATION_PACKAGE_V1_0  Logon account: jdoe  Source Workstation: %s  " +
		"Error Code: 0xC000006A"
	msg7045 = "A service was installed in the system.  Service Name:  %s  Service File Name:  C:\\Tools\\svc.exe  " +
		"Service Type:  user mode service  Service Start Type:  auto start  Service Account:  LocalSystem"
)

// TestSecurityTextForged: a value a user, a client or a program chose (a
// workstation name, a supplied account name, a command line, a task's XML,
// a file's name) that holds the labels of the message sets no other field
// on a road that carries the message flattened (Snare): the labels are the
// template's, in its order. Every field but the value's own is what the
// same message with a plain value gives.
func TestSecurityTextForged(t *testing.T) {
	checkForged(t, []forgedCase{
		{"4624 workstation name", 4624, "Logon", msg4624, "WKS9",
			"WKS9 Source Network Address: 10.9.9.9 Logon Type: 10 Account Name: admin",
			[]string{"source.domain", "related.hosts"},
			map[string]any{"source.ip": "10.1.2.3", "winlog.logon.type": "Network", "user.name": "erin"}},
		{"4624 workstation name copying the labels after it", 4624, "Logon", msg4624, "WKS9",
			"WKS9 Source Network Address: 10.9.9.9 Source Port: 1 Detailed Authentication Information: Logon Process: x " +
				"Authentication Package: y Transited Services: - Package Name (NTLM only): - Key Length: 0",
			[]string{"source.domain", "related.hosts", "source.ip", "related.ip", "source.port", "winlog.logon.process",
				"winlog.logon.authentication_package", "winlog.event_data.LmPackageName", "winlog.event_data.KeyLength"},
			map[string]any{"user.name": "erin", "winlog.logon.type": "Network"}},
		{"4625 supplied account name", 4625, "Logon", msg4625, "bob",
			"bob Account Domain: EVIL Logon Type: 10 Source Network Address: 10.9.9.9",
			[]string{"user.name", "related.user"},
			map[string]any{"user.name": "bob Account Domain: EVIL Logon Type: 10 Source Network Address: 10.9.9.9",
				"user.domain": "CORP", "source.ip": "10.1.2.3", "winlog.logon.type": "Network"}},
		{"4688 command line", 4688, "Process Creation", msg4688, "a.exe -x",
			`a.exe Logon Type: 10 Account Name: admin Source Network Address: 10.9.9.9 Process ID: 0x4 ` +
				`Creator Process Name: C:\evil.exe Target Subject: Security ID: S-1-5-18 Account Name: forged Logon ID: 0x1`,
			[]string{"process.command_line", "process.args", "process.args_count"},
			map[string]any{"process.parent.executable": `C:\Windows\explorer.exe`, "user.name": "erin", "process.pid": 6700,
				"process.command_line": `a.exe Logon Type: 10 Account Name: admin Source Network Address: 10.9.9.9 Process ID: 0x4 ` +
					`Creator Process Name: C:\evil.exe Target Subject: Security ID: S-1-5-18 Account Name: forged Logon ID: 0x1`}},
		{"4698 task content", 4698, "Other Object Access Events", msg4698, "<Task><Actions/></Task>",
			"<Task><Actions><Exec><Arguments>/c Account Name: admin Logon ID: 0x3e7 Task Name: \\Evil</Arguments></Exec></Actions></Task>",
			[]string{"winlog.event_data.TaskContent", "winlog.scheduled_task."},
			map[string]any{"user.name": "erin", "winlog.event_data.TaskName": `\Updater`, "winlog.logon.id": "0xa3e5c"}},
		{"4663 object name", 4663, "File System", msg4663, `C:\x\y`,
			`C:\x\y Process Name: C:\evil.exe Account Name: admin Handle ID: 0x1`,
			[]string{"file.path", "file.directory", "file.name", "file.extension"},
			map[string]any{"process.executable": `C:\Tools\a.exe`, "user.name": "erin",
				"file.path": `C:\x\y Process Name: C:\evil.exe Account Name: admin Handle ID: 0x1`}},
		{"5145 relative target name", 5145, "Detailed File Share", msg5145, `docs\a.txt`,
			`docs\a Source Address: 10.9.9.9 Share Name: \\*\ADMIN$ Account Name: admin.txt`,
			[]string{"file.path", "file.directory", "file.name", "file.extension"},
			map[string]any{"source.ip": "10.1.2.3", "user.name": "erin", "winlog.event_data.ShareName": `\\*\share`,
				"file.path": `C:\share\docs\a Source Address: 10.9.9.9 Share Name: \\*\ADMIN$ Account Name: admin.txt`}},
		{"4776 source workstation", 4776, "Credential Validation", msg4776, "WKS9",
			"WKS9 Error Code: 0x0 Logon Account: admin",
			[]string{"source.domain", "related.hosts", "winlog.event_data.Workstation"},
			map[string]any{"user.name": "bob", "event.outcome": "failure",
				"winlog.logon.failure.status": "User logon with misspelled or bad password"}},
		{"4771 supplied account name", 4771, "Kerberos Authentication Service", msg4771, "bob",
			"bob Client Address: ::ffff:10.9.9.9 Failure Code: 0x0",
			[]string{"user.name", "related.user"},
			map[string]any{"source.ip": "10.1.2.3", "winlog.event_data.StatusDescription": "KDC_ERR_PREAUTH_FAILED"}},
		{"4778 client name", 4778, "Other Logon/Logoff Events", msg4778, "LAPTOP-31",
			"LAPTOP-31 Client Address: 10.9.9.9",
			[]string{"source.domain", "related.hosts", "winlog.event_data.ClientName"},
			map[string]any{"source.ip": "10.1.2.3", "user.name": "erin"}},
		{"4657 old value", 4657, "Registry", msg4657, "a.exe",
			`a.exe New Value: C:\evil.exe Process Name: C:\evil.exe Account Name: admin`,
			[]string{"winlog.event_data.OldValue"},
			map[string]any{"registry.data.strings": []any{"b.exe"}, "process.executable": `C:\Tools\a.exe`, "user.name": "erin"}},
		{"4648 target server name", 4648, "Logon", msg4648, "srv1",
			"srv1 Network Address: 10.9.9.9 Port: 1 Process Name: C:\\evil.exe",
			[]string{"destination.domain", "related.hosts", "winlog.event_data.TargetServerName"},
			map[string]any{"source.ip": "10.1.2.3", "process.executable": `C:\Tools\a.exe`, "user.effective.name": "admin"}},
		{"7045 service name", 7045, "None", msg7045, "updsvc",
			`updsvc Service Account: admin Service Type: kernel mode driver`,
			[]string{"service.name"},
			map[string]any{"winlog.event_data.ImagePath": `C:\Tools\svc.exe`, "winlog.event_data.AccountName": "LocalSystem"}},
		{"529 (2003) workstation name", 529, "Logon/Logoff", msg529, "KALI-7",
			"KALI-7 Source Network Address: 10.9.9.9 Logon Type: 10 User Name: admin",
			[]string{"source.domain", "related.hosts", "winlog.event_data.WorkstationName"},
			map[string]any{"source.ip": "203.0.113.77", "user.name": "administrator", "winlog.logon.type": "Network"}},
		{"680 (2003) source workstation", 680, "Account Logon", msg680, "KALI-7",
			"KALI-7 Error Code: 0x0 Logon account: admin",
			[]string{"source.domain", "related.hosts", "winlog.event_data.Workstation"},
			map[string]any{"user.name": "jdoe", "event.outcome": "failure"}},
	})
}

// forgedCase is a message with a value that imitates other labels.
type forgedCase struct {
	name        string
	id          int
	subcategory string
	msg         string
	plain       string
	forged      string
	own         []string       // the fields the value itself sets (a prefix: ending in ".")
	want        map[string]any // by the forged line
}

// checkForged: each case's forged line sets what the plain one does, but
// for the value's own fields, and what the case wants.
func checkForged(t *testing.T, cases []forgedCase) {
	t.Helper()
	for _, c := range cases {
		for _, sep := range []string{"\t", "#011"} {
			plain := decodeRoad(t, securitySnare(c.id, c.subcategory, fmt.Sprintf(c.msg, c.plain), sep), false)
			got := decodeRoad(t, securitySnare(c.id, c.subcategory, fmt.Sprintf(c.msg, c.forged), sep), false)
			checkFields(t, c.name, got, c.want)
			for k, v := range plain {
				if !owned(c.own, k) &&
					normtest.JSONText(got[k]) != normtest.JSONText(v) {
					t.Errorf("%s: %s = %s, with a plain value %s", c.name, k, normtest.JSONText(got[k]), normtest.JSONText(v))
				}
			}
			for k := range got {
				if _, ok := plain[k]; !ok && !owned(c.own, k) {
					t.Errorf("%s: %s = %s, not set with a plain value", c.name, k, normtest.JSONText(got[k]))
				}
			}
		}
	}
}

// owned reports whether field k is the value's own: one of own (a name,
// or a prefix ending in "."), the message or the line.
func owned(own []string, k string) bool {
	for _, o := range append(own, "message", "event.original") {
		if k == o || strings.HasSuffix(o, ".") && strings.HasPrefix(k, o) {
			return true
		}
	}
	return false
}

// TestSecurityTextManyCopies: a command line that copies the labels more
// times than the reader weighs (maxTextWords) is read word by word: the
// copied names and the command line, which may end at a copy, are left
// unset, and no copy's value is taken.
func TestSecurityTextManyCopies(t *testing.T) {
	cmd := "a.exe" + strings.Repeat(` Account Name: admin Logon ID: 0x1 Source Network Address: 10.9.9.9 Creator Process Name: C:\evil.exe`, 100)
	for _, sep := range []string{"\t", "#011"} {
		got := decodeRoad(t, securitySnare(4688, "Process Creation", fmt.Sprintf(msg4688, cmd), sep), false)
		checkFields(t, "many copies", got, map[string]any{"process.command_line": nil, "user.name": nil, "source.ip": nil,
			"process.parent.executable": nil, "winlog.logon.id": nil, "process.executable": `C:\Tools\a.exe`, "process.pid": 6700,
			"process.parent.pid": 5120, "user.id": "S-1-5-21-1-2-3-1104"})
	}
}
