package windows

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// What a Security event id means, in ECS. Windows Vista renumbered the
// audit events: most legacy (2000/2003) ids + 4096 are the modern id with
// the same meaning (528 -> 4624, 592 -> 4688, 600 -> 4696); a few have no
// such arithmetic (540 network logon and 529-537/539 logon failures by
// reason are all 4624/4625, 517 is 1102). Both map to one meaning; the
// event.code stays the id the event carried.
//
// event.action follows Winlogbeat's security module vocabulary.

type winMeaning struct {
	class   ecs.Class
	action  string
	outcome string // fixed outcome; "" = the audit keyword's (success if none)
	fill    winFill
}

// winFill names the function that sets an event's fields. (A kind and a
// switch rather than a func value: a call through a func value makes
// the winEvent escape to the heap.)
type winFill uint8

const (
	fillSubject winFill = iota
	fillLogon
	fillLogoff
	fillExplicit
	fillProcessStart
	fillProcessEnd
	fillToken
	fillAccount
	fillLockout
	fillGroup
	fillCredential
	fillCleared
)

func (f winFill) apply(e *event.Event, w *winEvent) {
	switch f {
	case fillSubject:
		winSubjectUser(e, w)
	case fillLogon:
		winFillLogon(e, w)
	case fillLogoff:
		winFillLogoff(e, w)
	case fillExplicit:
		winFillExplicit(e, w)
	case fillProcessStart:
		winFillProcessStart(e, w)
	case fillProcessEnd:
		winFillProcessEnd(e, w)
	case fillToken:
		winFillToken(e, w)
	case fillAccount:
		winFillAccount(e, w)
	case fillLockout:
		winFillLockout(e, w)
	case fillGroup:
		winFillGroup(e, w)
	case fillCredential:
		winFillCredential(e, w)
	case fillCleared:
		winFillCleared(e, w)
	}
}

var (
	winClassAuth       = ecs.NewClass(ecs.Cats(ecs.CatAuthentication), ecs.TypeStart)
	winClassSessionEnd = ecs.NewClass(ecs.Cats(ecs.CatSession), ecs.TypeEnd)
	winClassAdmin      = ecs.NewClass(ecs.Cats(ecs.CatIAM), ecs.TypeAdmin)
	winClassProcStart  = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeStart)
	winClassProcEnd    = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeEnd)
	winClassProcChange = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeChange)
	winClassUserCreate = ecs.NewClass(ecs.Cats(ecs.CatIAM), ecs.TypeUser, ecs.TypeCreation)
	winClassUserChange = ecs.NewClass(ecs.Cats(ecs.CatIAM), ecs.TypeUser, ecs.TypeChange)
	winClassUserDelete = ecs.NewClass(ecs.Cats(ecs.CatIAM), ecs.TypeUser, ecs.TypeDeletion)
	winClassGroupMod   = ecs.NewClass(ecs.Cats(ecs.CatIAM), ecs.TypeGroup, ecs.TypeChange)
	winClassLogCleared = ecs.NewClass(ecs.Cats(ecs.CatConfiguration), ecs.TypeDeletion)
)

var winMeanings = map[int]*winMeaning{
	4624: {winClassAuth, "logged-in", ecs.OutcomeSuccess, fillLogon},
	4625: {winClassAuth, "logon-failed", ecs.OutcomeFailure, fillLogon},
	4634: {winClassSessionEnd, "logged-out", ecs.OutcomeSuccess, fillLogoff},
	4647: {winClassSessionEnd, "logged-out", ecs.OutcomeSuccess, fillLogoff},
	4648: {winClassAuth, "logged-in-explicit", "", fillExplicit},
	4672: {winClassAdmin, "logged-in-special", ecs.OutcomeSuccess, fillSubject},
	4688: {winClassProcStart, "created-process", ecs.OutcomeSuccess, fillProcessStart},
	4689: {winClassProcEnd, "exited-process", ecs.OutcomeSuccess, fillProcessEnd},
	4696: {winClassProcChange, "assigned-primary-token", ecs.OutcomeSuccess, fillToken},
	4720: {winClassUserCreate, "added-user-account", "", fillAccount},
	4722: {winClassUserChange, "enabled-user-account", "", fillAccount},
	4723: {winClassUserChange, "changed-password", "", fillAccount},
	4724: {winClassUserChange, "reset-password", "", fillAccount},
	4725: {winClassUserChange, "disabled-user-account", "", fillAccount},
	4726: {winClassUserDelete, "deleted-user-account", "", fillAccount},
	4728: {winClassGroupMod, "added-member-to-group", "", fillGroup},
	4732: {winClassGroupMod, "added-member-to-group", "", fillGroup},
	4738: {winClassUserChange, "modified-user-account", "", fillAccount},
	4740: {winClassUserChange, "locked-out-user-account", "", fillLockout},
	4776: {winClassAuth, "credential-validated", "", fillCredential},
	1102: {winClassLogCleared, "audit-log-cleared", ecs.OutcomeSuccess, fillCleared},
}

// winModernID returns the modern id with the meaning of legacy id (or id
// itself), and whether id is a legacy one.
func winModernID(id int) (int, bool) {
	switch {
	case id == 528 || id == 540:
		return 4624, true
	case id >= 529 && id <= 537 || id == 539:
		return 4625, true
	case id == 517:
		return 1102, true
	case id == 538 || id == 551 || id == 552 || id == 576 || id == 592 || id == 593 || id == 600 ||
		id == 624 || (id >= 626 && id <= 630) || id == 632 || id == 636 || id == 642 || id == 644 || id == 680:
		return id + 4096, true
	}
	return id, false
}

// applyMeaning classifies the event and sets the ECS fields its id carries.
func (w *winEvent) applyMeaning(e *event.Event) {
	modern, _ := winModernID(w.id)
	if w.channel != "" && !strings.EqualFold(w.channel, "Security") && modern != 1102 {
		return // same ids, other logs (Application, System) mean other things
	}
	m := winMeanings[modern]
	if m == nil {
		e.SetStr("event.outcome", w.audit)
		return
	}
	outcome := m.outcome
	if outcome == "" {
		outcome = w.audit
		if outcome == "" {
			outcome = ecs.OutcomeSuccess
		}
	}
	m.class.Set(e, m.action, outcome)
	m.fill.apply(e, w)
}

// winUserKeys are the ECS keys of one user role.
type winUserKeys struct{ name, domain, id string }

var (
	winUser          = winUserKeys{"user.name", "user.domain", "user.id"}
	winUserTarget    = winUserKeys{"user.target.name", "user.target.domain", "user.target.id"}
	winUserEffective = winUserKeys{"user.effective.name", "user.effective.domain", "user.effective.id"}
)

// winSetUser sets a user role (user, user.target, user.effective) from
// EventData names.
func winSetUser(e *event.Event, w *winEvent, k winUserKeys, nameKey, domainKey, sidKey string) {
	name := w.val(nameKey)
	if name == "" {
		return
	}
	dom := ""
	if domainKey != "" {
		dom = w.val(domainKey)
	}
	// "DOMAIN\user" in a name field (some renderers, 2003 text)
	if i := strings.IndexByte(name, '\\'); i > 0 && dom == "" {
		dom, name = name[:i], name[i+1:]
	}
	ecs.SetUser(e, k.name, name)
	e.SetStr(k.domain, dom)
	if sidKey != "" {
		if sid := w.tok(sidKey); strings.HasPrefix(sid, "S-1-") {
			e.SetStr(k.id, sid)
		}
	}
}

// winSubjectUser sets user.* and winlog.logon.id from the Subject.
func winSubjectUser(e *event.Event, w *winEvent) {
	winSetUser(e, w, winUser, "SubjectUserName", "SubjectDomainName", "SubjectUserSid")
	winSetLogonID(e, w.tok("SubjectLogonId"))
}

// winRelateSubject adds the Subject to related.user without making it user.name.
func winRelateSubject(e *event.Event, w *winEvent) {
	if name := w.val("SubjectUserName"); name != "" {
		e.AddToList("related.user", name)
	}
}

// winFillLogon: 4624/4625 (528/540, 529-537/539). user = the account logged
// on (TargetUserName); the Subject is who asked (a service, winlogon).
func winFillLogon(e *event.Event, w *winEvent) {
	winSetUser(e, w, winUser, "TargetUserName", "TargetDomainName", "TargetUserSid")
	winRelateSubject(e, w)
	winSetLogonID(e, w.tok("TargetLogonId"))
	winSetLogonType(e, w.tok("LogonType"))
	winSetSource(e, w)
	winSetProcess(e, w, "ProcessId", "ProcessName")
	e.SetStr("winlog.logon.process", w.val("LogonProcessName"))
	e.SetStr("winlog.logon.authentication_package", w.val("AuthenticationPackageName"))
	if w.id == 4625 || (w.id >= 529 && w.id <= 539) {
		winLogonFailure(e, w)
	}
}

// winLogonFailure sets event.reason and winlog.logon.failure.* of a 4625.
func winLogonFailure(e *event.Event, w *winEvent) {
	status, sub := winHexLower(w.tok("Status")), winHexLower(w.tok("SubStatus"))
	e.SetStr("winlog.logon.failure.status", status)
	e.SetStr("winlog.logon.failure.sub_status", sub)
	reason := winInsertionString(w.val("FailureReason"))
	if reason == "" {
		reason = winLegacyReason(w.id) // 529-539 name the reason by their id
	}
	if reason == "" {
		// The sub status is the specific one (0xc000006a bad password
		// under 0xc000006d logon failure).
		if reason = ntStatusText(sub); reason == "" {
			reason = ntStatusText(status)
		}
	}
	e.SetStr("winlog.logon.failure.reason", reason)
	e.SetStr("event.reason", reason)
}

// winFillLogoff: 4634/4647 (538/551). Their EventData names the account
// Target*, although the message calls it "Subject".
func winFillLogoff(e *event.Event, w *winEvent) {
	winSetUser(e, w, winUser, "TargetUserName", "TargetDomainName", "TargetUserSid")
	winSetLogonID(e, w.tok("TargetLogonId"))
	winSetLogonType(e, w.tok("LogonType"))
}

// winFillExplicit: 4648 (552). user = who used the credentials,
// user.effective = whose credentials.
func winFillExplicit(e *event.Event, w *winEvent) {
	winSubjectUser(e, w)
	winSetUser(e, w, winUserEffective, "TargetUserName", "TargetDomainName", "")
	winSetSource(e, w)
	if srv := w.tok("TargetServerName"); srv != "" && srv != "localhost" {
		ecs.SetAddress(e, "destination", srv)
	}
	winSetProcess(e, w, "ProcessId", "ProcessName")
}

// winFillProcessStart: 4688 (592). process = the new process, its parent
// the creator; user = the account that started it.
func winFillProcessStart(e *event.Event, w *winEvent) {
	winSubjectUser(e, w)
	if name := w.val("TargetUserName"); name != "" {
		winSetUser(e, w, winUserEffective, "TargetUserName", "TargetDomainName", "TargetUserSid")
	}
	winSetProcess(e, w, "NewProcessId", "NewProcessName")
	e.SetStr("process.command_line", w.val("CommandLine"))
	if pid, ok := winPID(w.tok("ProcessId")); ok {
		e.SetInt("process.parent.pid", pid)
	}
	if exe := w.val("ParentProcessName"); exe != "" {
		e.SetStr("process.parent.executable", exe)
		e.SetStr("process.parent.name", winBaseName(exe))
	}
}

// winFillProcessEnd: 4689 (593).
func winFillProcessEnd(e *event.Event, w *winEvent) {
	winSubjectUser(e, w)
	winSetProcess(e, w, "ProcessId", "ProcessName")
	if code, ok := winPID(w.tok("Status")); ok {
		e.SetInt("process.exit_code", code)
	}
}

// winFillToken: 4696 (600). process = the process that got the token;
// user = the Subject, user.effective = the token's account.
func winFillToken(e *event.Event, w *winEvent) {
	winSubjectUser(e, w)
	winSetUser(e, w, winUserEffective, "TargetUserName", "TargetDomainName", "TargetUserSid")
	winSetProcess(e, w, "TargetProcessId", "TargetProcessName")
}

// winFillAccount: 4720-4726, 4738 (624-630, 642). user = who did it,
// user.target = the account.
func winFillAccount(e *event.Event, w *winEvent) {
	winSubjectUser(e, w)
	winSetUser(e, w, winUserTarget, "TargetUserName", "TargetDomainName", "TargetSid")
}

// winFillLockout: 4740 (644). Its TargetDomainName is the computer the
// lockout came from.
func winFillLockout(e *event.Event, w *winEvent) {
	winSubjectUser(e, w)
	winSetUser(e, w, winUserTarget, "TargetUserName", "", "TargetSid")
	if ws := w.tok("TargetDomainName"); ws != "" {
		ecs.SetHostname(e, "source.domain", ws)
	}
}

// winFillGroup: 4728/4732 (632/636). group = the group, user.target = the member.
func winFillGroup(e *event.Event, w *winEvent) {
	winSubjectUser(e, w)
	e.SetStr("group.name", w.val("TargetUserName"))
	e.SetStr("group.domain", w.val("TargetDomainName"))
	if sid := w.tok("TargetSid"); strings.HasPrefix(sid, "S-1-") {
		e.SetStr("group.id", sid)
	}
	if m := w.val("MemberName"); m != "" {
		ecs.SetUser(e, "user.target.name", m)
	}
	if sid := w.tok("MemberSid"); strings.HasPrefix(sid, "S-1-") {
		e.SetStr("user.target.id", sid)
	}
}

// winFillCredential: 4776 (680). The outcome is the Status (0x0 = valid).
func winFillCredential(e *event.Event, w *winEvent) {
	winSetUser(e, w, winUser, "TargetUserName", "", "")
	if ws := w.tok("Workstation"); ws != "" {
		ecs.SetHostname(e, "source.domain", ws)
	}
	if status := winHexLower(w.tok("Status")); status != "" {
		if status == "0x0" {
			e.SetStr("event.outcome", ecs.OutcomeSuccess)
		} else {
			e.SetStr("event.outcome", ecs.OutcomeFailure)
			e.SetStr("winlog.logon.failure.status", status)
			e.SetStr("event.reason", ntStatusText(status))
		}
	}
}

// winFillCleared: 1102 (517). user = who cleared the log; 517 names the
// client account, or only the primary one.
func winFillCleared(e *event.Event, w *winEvent) {
	winSubjectUser(e, w)
	if !e.Has("user.name") {
		winSetUser(e, w, winUser, "PrimaryUserName", "PrimaryDomainName", "")
	}
}

// winSetSource sets source.ip/port/domain from IpAddress, IpPort and
// WorkstationName; "-" and non-addresses are skipped.
func winSetSource(e *event.Event, w *winEvent) {
	if ip := w.tok("IpAddress"); ip != "" {
		ecs.SetIP(e, "source.ip", strings.TrimPrefix(ip, "::ffff:"))
	}
	if p := w.tok("IpPort"); p != "0" {
		ecs.SetPort(e, "source.port", p)
	}
	if ws := w.tok("WorkstationName"); ws != "" {
		ecs.SetHostname(e, "source.domain", ws)
	}
}

// winSetProcess sets process.pid/executable/name.
func winSetProcess(e *event.Event, w *winEvent, pidKey, exeKey string) {
	if pid, ok := winPID(w.tok(pidKey)); ok && pid > 0 {
		e.SetInt("process.pid", pid) // 0: no process (a network logon)
	}
	if exe := w.val(exeKey); exe != "" {
		e.SetStr("process.executable", exe)
		e.SetStr("process.name", winBaseName(exe))
	}
}

// winSetLogonID sets winlog.logon.id in one spelling: "0x3e7" whether the
// road gave "0x3E7", "0x3e7" or the 2003 "(0x0,0x3E7)".
func winSetLogonID(e *event.Event, s string) {
	e.SetStr("winlog.logon.id", winLogonID(s))
}

func winLogonID(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 5 && s[0] == '(' && s[len(s)-1] == ')' {
		hi, lo, ok := ecs.CutByte(s[1:len(s)-1], ',')
		h, ok1 := parseHex(strings.TrimSpace(hi))
		l, ok2 := parseHex(strings.TrimSpace(lo))
		if !ok || !ok1 || !ok2 || h > 0xffffffff || l > 0xffffffff {
			return s
		}
		return "0x" + formatHex(h<<32|l)
	}
	return winHexLower(s)
}

// winHexLower lower-cases a "0x..." value, without allocating when it already is.
func winHexLower(s string) string {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return s
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// winLogonTypes names the logon types (winlog.logon.type, as Winlogbeat).
var winLogonTypes = [...]string{
	0: "System", 2: "Interactive", 3: "Network", 4: "Batch", 5: "Service",
	7: "Unlock", 8: "NetworkCleartext", 9: "NewCredentials", 10: "RemoteInteractive",
	11: "CachedInteractive", 12: "CachedRemoteInteractive", 13: "CachedUnlock",
}

func winSetLogonType(e *event.Event, s string) {
	if n, ok := ecs.ParseUint(s); ok && n < int64(len(winLogonTypes)) && winLogonTypes[n] != "" {
		e.SetStr("winlog.logon.type", winLogonTypes[n])
		return
	}
	e.SetStr("winlog.logon.type", s)
}

// winPID parses a process id (or an exit status) as Windows prints it:
// hex "0x1a2c" (Vista+) or decimal "1536" (2003).
func winPID(s string) (int64, bool) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		n, ok := parseHex(s[2:])
		return int64(n), ok && n <= 1<<62
	}
	return ecs.ParseUint(s)
}

// parseHex parses up to 16 hex digits, optionally "0x"-prefixed.
func parseHex(s string) (uint64, bool) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s = s[2:]
	}
	if s == "" || len(s) > 16 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | uint64(c)
	}
	return n, true
}

func formatHex(n uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	i := len(b)
	for {
		i--
		b[i] = digits[n&15]
		n >>= 4
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}

// winBaseName returns the file name of a Windows path.
func winBaseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// winInsertionString resolves the "%%NNNN" parameter messages Windows
// leaves unexpanded in EventData (msobjs.dll) that reasons use.
func winInsertionString(s string) string {
	switch s {
	case "%%2304":
		return "An error occurred during logon."
	case "%%2305":
		return "The specified user account has expired."
	case "%%2306":
		return "The NetLogon component is not active."
	case "%%2307":
		return "Account locked out."
	case "%%2308":
		return "The user has not been granted the requested logon type at this machine."
	case "%%2309":
		return "The specified account's password has expired."
	case "%%2310":
		return "Account currently disabled."
	case "%%2311":
		return "Account logon time restriction violation."
	case "%%2312":
		return "User not allowed to logon at this computer."
	case "%%2313":
		return "Unknown user name or bad password."
	case "%%2314":
		return "Domain sid inconsistent."
	case "%%2315":
		return "Smartcard logon is required and was not used."
	}
	return s
}

// ntStatusText describes the NTSTATUS codes of failed logons (4625, 4776).
func ntStatusText(s string) string {
	switch s {
	case "0xc000005e":
		return "No logon servers available."
	case "0xc0000064":
		return "The user name does not exist."
	case "0xc000006a":
		return "Bad password."
	case "0xc000006d":
		return "Bad user name or authentication information."
	case "0xc000006e":
		return "Account restriction."
	case "0xc000006f":
		return "Logon outside the allowed hours."
	case "0xc0000070":
		return "Logon from a workstation that is not allowed."
	case "0xc0000071":
		return "The password has expired."
	case "0xc0000072":
		return "The account is disabled."
	case "0xc00000dc":
		return "The SAM server was in the wrong state."
	case "0xc0000133":
		return "Clock skew between the domain controller and the computer."
	case "0xc000015b":
		return "The logon type was not granted to the account on this computer."
	case "0xc000018c":
		return "The trust relationship with the trusted domain failed."
	case "0xc0000192":
		return "The Netlogon service was not started."
	case "0xc0000193":
		return "The account has expired."
	case "0xc0000224":
		return "The password must be changed at next logon."
	case "0xc0000225":
		return "Not found (a Windows bug, not a risk)."
	case "0xc0000234":
		return "The account is locked out."
	case "0xc00002ee":
		return "An error occurred during logon."
	case "0xc0000371":
		return "The local account store has no secret for the account."
	case "0xc0000413":
		return "The authentication firewall does not allow this account on this computer."
	}
	return ""
}

// winLegacyParams names the insertion strings (%1, %2, ...) of legacy
// events, in msaudite.dll's order, for records that carry them unnamed
// (a 2000/2003 log exported as XML: <Data>1536</Data>...). The names are
// those of the modern event with the same meaning.
func winLegacyParams(id int) []string {
	switch {
	case id == 528 || id == 540:
		return []string{"TargetUserName", "TargetDomainName", "TargetLogonId", "LogonType", "LogonProcessName",
			"AuthenticationPackageName", "WorkstationName", "LogonGuid", "SubjectUserName", "SubjectDomainName",
			"SubjectLogonId", "ProcessId", "TransmittedServices", "IpAddress", "IpPort"}
	case id == 537:
		return []string{"TargetUserName", "TargetDomainName", "LogonType", "LogonProcessName", "AuthenticationPackageName",
			"WorkstationName", "Status", "SubStatus", "SubjectUserName", "SubjectDomainName", "SubjectLogonId",
			"ProcessId", "TransmittedServices", "IpAddress", "IpPort"}
	case id >= 529 && id <= 539 && id != 538:
		return []string{"TargetUserName", "TargetDomainName", "LogonType", "LogonProcessName", "AuthenticationPackageName",
			"WorkstationName", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "ProcessId",
			"TransmittedServices", "IpAddress", "IpPort"}
	case id == 538:
		return []string{"TargetUserName", "TargetDomainName", "TargetLogonId", "LogonType"}
	case id == 551:
		return []string{"TargetUserName", "TargetDomainName", "TargetLogonId"}
	case id == 552:
		return []string{"SubjectUserName", "SubjectDomainName", "SubjectLogonId", "LogonGuid", "TargetUserName",
			"TargetDomainName", "TargetLogonGuid", "TargetServerName", "TargetInfo", "ProcessId", "IpAddress", "IpPort"}
	case id == 576:
		return []string{"SubjectUserName", "SubjectDomainName", "SubjectLogonId", "PrivilegeList"}
	case id == 592:
		return []string{"NewProcessId", "NewProcessName", "ProcessId", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"}
	case id == 593:
		return []string{"ProcessId", "ProcessName", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"}
	case id == 600:
		return []string{"ProcessId", "ProcessName", "SubjectUserName", "SubjectDomainName", "SubjectLogonId",
			"TargetProcessId", "TargetProcessName", "TargetUserName", "TargetDomainName", "TargetLogonId"}
	case id == 624 || (id >= 626 && id <= 630):
		return []string{"TargetUserName", "TargetDomainName", "TargetSid", "SubjectUserName", "SubjectDomainName",
			"SubjectLogonId", "PrivilegeList"}
	case id == 632 || id == 636:
		return []string{"MemberName", "MemberSid", "TargetUserName", "TargetDomainName", "TargetSid",
			"SubjectUserName", "SubjectDomainName", "SubjectLogonId", "PrivilegeList"}
	case id == 644:
		return []string{"TargetUserName", "TargetSid", "TargetDomainName", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"}
	case id == 680:
		return []string{"PackageName", "TargetUserName", "Workstation", "Status"}
	case id == 517:
		return []string{"PrimaryUserName", "PrimaryDomainName", "PrimaryLogonId", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"}
	}
	return nil
}

// nameLegacyParams renames param1, param2, ... of a legacy event to the
// names its meaning reads (after winlog.event_data kept them as given).
func (w *winEvent) nameLegacyParams() {
	names := winLegacyParams(w.id)
	if names == nil {
		return
	}
	for i := 0; i < w.n && i < len(names); i++ {
		if w.data[i].name != winParamName(i+1) {
			return // named data: nothing to do
		}
		w.data[i].name = names[i]
	}
}

// winLegacyReason is the failure reason legacy logon failures carry in
// their id (msaudite.dll's texts).
func winLegacyReason(id int) string {
	switch id {
	case 529:
		return winInsertionString("%%2313")
	case 530:
		return winInsertionString("%%2311")
	case 531:
		return winInsertionString("%%2310")
	case 532:
		return winInsertionString("%%2305")
	case 533:
		return winInsertionString("%%2312")
	case 534:
		return winInsertionString("%%2308")
	case 535:
		return winInsertionString("%%2309")
	case 536:
		return winInsertionString("%%2306")
	case 537:
		return winInsertionString("%%2304")
	case 539:
		return winInsertionString("%%2307")
	}
	return ""
}
