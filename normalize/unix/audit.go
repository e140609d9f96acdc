package unix

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Linux audit records, as auditd writes them and as they reach syslog:
//
//	type=SYSCALL msg=audit(1581371984.206:579398): arch=c000003e syscall=59 success=yes ... (audit.log, audisp-syslog)
//	node=web1 type=USER_LOGIN msg=audit(...): pid=1 uid=0 ... msg='op=login acct="root" ... res=failed'
//	audit: type=1112 audit(1373330716.415:4063): ...      (kernel ring buffer / kern.log)
//	USER_LOGIN pid=803 uid=0 auid=1000 ... msg='...'      (journald forwarding, program "audit")
//
// Values auditd considers untrusted (exe, comm, proctitle, cmd, acct, cwd,
// name, EXECVE arguments) are hex-encoded when they contain a space or a
// control character: unquoted hex is decoded. The ENRICHED log format's
// interpreted part (after 0x1d: UID="root" AUID="alice") gives names.
//
// Mapping: pid/ppid/exe/comm/cwd -> process.*, uid/euid/gid -> user.id /
// user.effective.id / group.id (names when the log has names), acct ->
// user.name (user.target.name for account changes), addr/hostname ->
// source.*, PATH's name= and the object of a file access decision
// (AppArmor name=, SELinux path=) -> file.path, success=/res= ->
// event.outcome, the record timestamp -> @timestamp when the line has none
// of its own; auditd.type, .sequence, .auid, .session, .syscall, .key, .op,
// .terminal and every other key under auditd.data.* (auditd's records of
// a signal, auditSignalled: the sender's keys are auditd.data.sender_*). process.* come from
// the record, never from the syslog tag that carried it. Categories:
// audit_class.go (record types) and audit_syscall_class.go (SYSCALL by call).

func decodeAudit(e *event.Event) bool {
	m := e.Message
	node := ""
	if ecs.ProgramKey(e.AppName) == "kernel" && strings.HasPrefix(m, "[") {
		// "[ 1234.567890] audit: ..." from the kernel ring buffer.
		if i := strings.Index(m, "] "); i > 0 {
			m = m[i+2:]
		}
	}
	if r, ok := strings.CutPrefix(m, "node="); ok {
		node, m = ecs.CutWord(r)
	}
	m = strings.TrimPrefix(m, "audit: ")
	var typ, stamp string
	if r, ok := strings.CutPrefix(m, "type="); ok {
		typ, m = ecs.CutWord(r)
		m = strings.TrimPrefix(m, "msg=")
		if !strings.HasPrefix(m, "audit(") {
			return false
		}
	} else if ecs.ProgramKey(e.AppName) == "audit" && len(m) > 0 && 'A' <= m[0] && m[0] <= 'Z' {
		typ, m = ecs.CutWord(m) // journald: "USER_LOGIN pid=..."
		if strings.IndexByte(m, '=') < 0 {
			return false
		}
	} else if !strings.HasPrefix(m, "audit(") {
		return false
	}
	if r, ok := strings.CutPrefix(m, "audit("); ok {
		var ok2 bool
		stamp, m, ok2 = strings.Cut(r, "): ")
		if !ok2 {
			stamp, m, ok2 = strings.Cut(r, "):")
			if !ok2 {
				return false
			}
		}
	}

	if typ == "" && auditUntypedType(m) == "" {
		return false
	} else if typ == "" {
		typ = auditUntypedType(m)
	}
	name, code := auditTypeName(typ)
	ecs.Begin(e, "auditd", auditRule(name))
	// The syslog tag (kernel, audispd, audisp-syslog) is what carried the
	// record, not the process it describes: process.* come from the record.
	e.Flags |= event.TagNotProcess
	ecs.Reserve(e, 24)
	e.SetStr("auditd.type", name)
	e.SetStr("event.code", code)
	e.SetStr("auditd.node", node)
	if node != "" {
		e.SetStr("host.name", node)
	}
	if sec, frac, ok := strings.Cut(stamp, "."); ok {
		frac, serial, _ := strings.Cut(frac, ":")
		s, ok1 := ecs.ParseUint(sec)
		ms, ok2 := ecs.ParseUint(frac)
		if ok1 && ok2 && len(frac) == 3 {
			ecs.SetTimeIfNone(e, time.Unix(s, ms*int64(time.Millisecond)).In(e.Received.Location()))
		}
		ecs.SetUint(e, "auditd.sequence", serial)
	}

	a := auditRecord{typ: name, signalled: auditSignalled(name)}
	body, enriched, found := strings.Cut(m, "\x1d")
	if !found {
		// rsyslog escapes the control character as "#035" (its default
		// $EscapeControlCharactersOnReceive).
		body, enriched, _ = strings.Cut(m, "#035")
	}
	if name == "AVC" || name == "USER_AVC" {
		a.scanAVC(e, body)
	}
	a.scan(e, body, false)
	if enriched != "" {
		a.scanEnriched(e, enriched)
	}
	a.finish(e)
	return true
}

// auditRecord collects what the field scan finds before it can be classified.
type auditRecord struct {
	typ        string
	verdict    string // AVC: "denied" or "granted" (SELinux), "DENIED"/"ALLOWED" (AppArmor)
	perms      string // AVC: "{ read write }" as "read write"
	objClass   string // AVC: tclass= (SELinux) or class= (AppArmor)
	permissive string
	code       string // SECCOMP's code=, the filter's action
	operation  string // AppArmor's operation=
	op         string
	auid       string
	uid        string
	innerUID   string // uid= inside msg='...': the account a PAM module or sudo speaks of
	objPath    string // AVC: the full path of the object decided on
	apparmor   bool   // an AppArmor decision (apparmor= comes first)
	uidName    string // ENRICHED UID=: the name of uid=
	idName     string // ENRICHED ID=: the name of id=
	syscall    string
	arch       string
	outcome    string
	acct       string
	id         string
	grp        string // shadow-utils' audit_logger_with_group: the group; acct is then the member
	argc       int
	args       []string
	argParts   bool
	signalled  bool // auditSignalled(typ): auid, pid, subj, uid, ses are the signal sender's
}

// auditSignalled are auditd's records of a signal it obeyed (SIGTERM,
// SIGUSR2, SIGUSR1, SIGHUP): their auid, pid, subj, uid and ses are the
// process that sent it (auditd.c: the kernel's signal info; "auditd normal
// halt, sending auid=0 pid=1 ...", "op=terminate auid=0 uid=0 ... pid=1"),
// not auditd's: they go to auditd.data.sender_*. A switch, not a map: it
// is asked for every record.
func auditSignalled(typ string) bool {
	switch typ {
	case "DAEMON_END", "DAEMON_RESUME", "DAEMON_ROTATE", "DAEMON_CONFIG", "DAEMON_RECONFIG":
		return true
	}
	return false
}

// auditSenderKeys are the auditd.data.sender_* keys of auditSignalled.
var auditSenderKeys = map[string]string{"auid": "auditd.data.sender_auid", "pid": "auditd.data.sender_pid",
	"subj": "auditd.data.sender_subj", "uid": "auditd.data.sender_uid", "ses": "auditd.data.sender_ses"}

// scan walks "k=v k="quoted v" msg='inner k=v'" (inner=true for the msg='...' part).
func (a *auditRecord) scan(e *event.Event, s string, inner bool) {
	paren := false // auditd 1.x's msg='PAM: ... (hostname=h, addr=a, terminal=t res=r)'
	for len(s) > 0 {
		for len(s) > 0 && s[0] == ' ' {
			s = s[1:]
		}
		// The first '=' or ' ': a space first ends a word without '='
		// (AVC's "denied { read } for"); neither, the end of the keys.
		eq := 0
		for eq < len(s) && s[eq] != '=' && s[eq] != ' ' {
			eq++
		}
		if eq == len(s) {
			return
		}
		if s[eq] == ' ' {
			s = s[eq+1:]
			continue
		}
		key := s[:eq]
		s = s[eq+1:]
		if inner && key[0] == '(' {
			key, paren = key[1:], true
		}
		var val string
		quoted := false
		if len(s) > 0 && (s[0] == '"' || s[0] == '\'') {
			q := s[0]
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				val, s = s[1:], ""
			} else {
				val, s = s[1:end+1], s[end+2:]
			}
			quoted = true
		} else {
			end := strings.IndexByte(s, ' ')
			if key == "op" {
				// Older auditd wrote op unquoted with spaces ("op=adding
				// group to /etc/group id=1004"): it runs to the next key=.
				end = auditOpEnd(s)
			}
			if end < 0 {
				val, s = s, ""
			} else {
				val, s = s[:end], s[end+1:]
			}
			if paren { // "hostname=h," ... "res=success)"
				val = strings.TrimSuffix(val, ",")
				val, paren = strings.CutSuffix(val, ")")
				paren = !paren
			}
		}
		if !quoted && strings.HasSuffix(val, "{") {
			// An ENRICHED group whose 0x1d separator was lost on the way
			// ("saddr=0200...SADDR={ saddr_fam=inet laddr=... }"): its keys
			// interpret the record's (laddr there is the sockaddr's address,
			// not the local one), so the group is skipped.
			if j := strings.IndexByte(s, '}'); j >= 0 {
				s = s[j+1:]
			} else {
				s = ""
			}
			i := strings.Index(val, "SADDR=")
			if i <= 0 {
				continue
			}
			val = val[:i]
		}
		if !inner && isEnrichedKey(key) {
			// ENRICHED names after a lost separator: key="x" UID="root" ...
			a.enrichedItem(e, key, val)
			continue
		}
		if key == "msg" && quoted {
			a.scan(e, val, true)
			continue
		}
		if key == "uid" && inner {
			a.innerUID = val
			continue
		}
		a.field(e, key, val, quoted)
	}
}

// field sets one key=value of an audit record. Long because it is the
// table of audit keys, a case each.
func (a *auditRecord) field(e *event.Event, key, val string, quoted bool) {
	switch val {
	case "?", "(null)", "(none)", "":
		if key != "res" {
			return
		}
	}
	if !quoted && isAuditHexKey(key) {
		// Some kernels leave a stray quote after a hex key ("key=6578...74\"").
		val = auditUnhex(strings.TrimSuffix(val, `"`), key == "proctitle")
	}
	if a.signalled {
		if sk, ok := auditSenderKeys[key]; ok {
			if val != "4294967295" && val != "-1" {
				e.SetStr(sk, val)
			}
			return
		}
	}
	switch key {
	case "pid":
		ecs.SetUint(e, "process.pid", val)
	case "ppid":
		ecs.SetUint(e, "process.parent.pid", val)
	case "uid":
		a.uid = val // the subject of a user-space record may be acct/id instead
	case "euid":
		auditID(e, "user.effective.id", "user.effective.name", val)
	case "gid":
		auditID(e, "group.id", "group.name", val)
	case "egid":
		auditID(e, "user.effective.group.id", "user.effective.group.name", val)
	case "auid":
		if val != "4294967295" && val != "-1" && val != "unset" {
			a.auid = val
			e.SetStr("auditd.auid", val)
			if _, numeric := ecs.ParseUint(val); !numeric {
				e.AddToList("related.user", val)
			}
		}
	case "ses":
		if val != "4294967295" {
			ecs.SetUint(e, "auditd.session", val)
		}
	case "comm":
		e.SetStr("process.name", val)
	case "exe":
		e.SetStr("process.executable", val)
	case "cwd":
		e.SetStr("process.working_directory", val)
	case "proctitle":
		e.SetStr("process.title", val)
	case "cmd":
		e.SetStr("process.command_line", val)
	case "success":
		a.outcome = auditOutcome(val)
	case "res":
		a.outcome = auditOutcome(val)
		e.SetStr("auditd.result", val)
	case "syscall":
		a.syscall = val
	case "arch":
		a.arch = auditArchName(val)
		e.SetStr("auditd.arch", a.arch)
	case "key":
		// The kernel joins the keys of several matching rules with \x01.
		e.SetStr("auditd.key", strings.ReplaceAll(val, "\x01", ","))
	case "op":
		a.op = val
		e.SetStr("auditd.op", val)
	case "operation":
		a.operation = val
		e.SetStr(auditDataKey(key), val)
	case "terminal":
		e.SetStr("auditd.terminal", val)
	case "acct":
		if !strings.HasPrefix(val, "(") { // "(unknown user)", "(invalid user)"
			a.acct = val
		}
	case "id":
		a.id = val
	case "grp":
		a.grp = val
		e.SetStr(auditDataKey(key), val)
	case "addr":
		ecs.SetAddress(e, "source", val)
	case "hostname":
		if !e.Has("source.ip") && ecs.IsIP(val) {
			ecs.SetIP(e, "source.ip", val)
		} else if !ecs.IsIP(val) {
			ecs.SetHostname(e, "source.domain", val)
		}
	case "laddr":
		ecs.SetAddress(e, "destination", val)
	case "lport":
		ecs.SetPort(e, "destination.port", val)
	case "rport":
		ecs.SetPort(e, "source.port", val)
	case "unit":
		e.SetStr("service.name", val)
	case "tclass", "class":
		a.objClass = val
		e.SetStr(auditDataKey(key), val)
	case "code":
		a.code = val // SECCOMP: the filter's action
		e.SetStr(auditDataKey(key), val)
	case "permissive":
		a.permissive = val
		e.SetStr(auditDataKey(key), val)
	case "apparmor":
		a.apparmor = true
		a.verdict = val
		e.SetStr(auditDataKey(key), val)
	case "name":
		if a.typ == "PATH" {
			e.SetStr("file.path", val)
			return
		}
		if (a.apparmor || strings.HasPrefix(a.typ, "APPARMOR_")) && strings.HasPrefix(val, "/") {
			a.objPath = val // AppArmor names the whole path; SELinux's name= is the last part
		}
		e.SetStr(auditDataKey(key), val)
	case "path":
		if strings.HasPrefix(val, "/") {
			a.objPath = val // SELinux AVC's path= of the object
		}
		e.SetStr(auditDataKey(key), val)
	case "saddr":
		if a.typ == "SOCKADDR" {
			auditSockaddr(e, val)
		} else if a.typ == "NETFILTER_PKT" {
			ecs.SetIP(e, "source.ip", val) // the packet's, in dotted form
		}
		e.SetStr(auditDataKey(key), val)
	case "daddr":
		if a.typ == "NETFILTER_PKT" {
			ecs.SetIP(e, "destination.ip", val)
		}
		e.SetStr(auditDataKey(key), val)
	case "argc":
		if n, ok := ecs.ParseUint(val); ok && n < 4096 {
			a.argc = int(n)
			e.SetInt("process.args_count", n)
		}
	default:
		if a.typ == "EXECVE" && a.execveArg(key, val, quoted) {
			return
		}
		e.SetStr(auditDataKey(key), val)
	}
}

// execveArg collects EXECVE's a0..aN (and the aN[i] chunks of a long
// argument, with aN_len); it reports whether key was one.
func (a *auditRecord) execveArg(key, val string, quoted bool) bool {
	if len(key) < 2 || key[0] != 'a' {
		return false
	}
	i := 1
	for i < len(key) && '0' <= key[i] && key[i] <= '9' {
		i++
	}
	n, ok := ecs.ParseUint(key[1:i])
	if !ok || n >= 4096 {
		return false
	}
	suffix := key[i:]
	switch {
	case suffix == "_len":
		return true
	case suffix == "" || suffix[0] == '[':
		if !quoted {
			val = auditUnhex(val, false)
		}
		for int(n) >= len(a.args) {
			a.args = append(a.args, "")
		}
		if suffix == "" {
			a.args[n] = val
		} else {
			a.args[n] += val
			a.argParts = true
		}
		return true
	}
	return false
}

// auditOpEnd returns the end of an unquoted op value: the space before the
// next word that contains '=' (-1 for the end of s).
func auditOpEnd(s string) int {
	end := strings.IndexByte(s, ' ')
	for end >= 0 {
		next := s[end+1:]
		w := next
		if i := strings.IndexByte(w, ' '); i >= 0 {
			w = w[:i]
		}
		if w == "" || strings.IndexByte(w, '=') >= 0 {
			return end
		}
		i := strings.IndexByte(next, ' ')
		if i < 0 {
			return -1
		}
		end += 1 + i
	}
	return end
}

func (a *auditRecord) finish(e *event.Event) {
	if len(a.args) > 0 {
		e.Set("process.args", event.Strings(a.args...))
		e.SetStr("process.command_line", strings.Join(a.args, " "))
	}
	if a.syscall != "" {
		a.syscall = auditSyscallName(a.arch, a.syscall)
		e.SetStr("auditd.syscall", a.syscall)
	}
	switch a.typ {
	case "ADD_USER", "DEL_USER", "USER_MGMT", "USER_CHAUTHTOK", "ACCT_LOCK", "ACCT_UNLOCK",
		"ANOM_ADD_ACCT", "ANOM_DEL_ACCT", "ANOM_MOD_ACCT": // the anomalies name the account as ADD_USER does
		if a.acct == "" {
			a.acct = a.idName
		}
		ecs.SetUser(e, "user.target.name", a.acct)
		e.SetStr("user.target.id", a.id)
		e.SetStr("group.name", a.grp)
	case "ADD_GROUP", "DEL_GROUP", "GRP_MGMT", "GRP_CHAUTHTOK":
		if a.grp != "" {
			// "op=add-user-to-group grp=G acct=U" (shadow-utils' and
			// libuser's with_group records): acct is the member, not the group.
			e.SetStr("group.name", a.grp)
			ecs.SetUser(e, "user.target.name", a.acct)
			break
		}
		e.SetStr("group.name", a.acct)
		e.SetStr("group.id", a.id)
	case "USER_LOGIN", "USER_LOGOUT", "USER_AUTH", "USER_ACCT", "USER_START", "USER_END",
		"CRED_ACQ", "CRED_DISP", "CRED_REFR", "USER_ERR", "GRP_AUTH", "ANOM_LOGIN_FAILURES",
		"ANOM_LOGIN_TIME", "ANOM_LOGIN_SESSIONS", "ANOM_LOGIN_LOCATION", "ANOM_LOGIN_ACCT":
		// About a login, session or credential: the subject is acct/id
		// (or the uid= a module names inside msg, pam_tally2's); the
		// outer uid= is the reporting process's (sshd, su, login).
		if a.acct == "" && a.id == "" {
			a.id = a.innerUID
		}
		if a.acct == "" {
			a.acct = a.idName
		}
		a.uidName = "" // the reporting process's (root for sshd), not the subject's
		ecs.SetUser(e, "user.name", a.acct)
		e.SetStr("user.id", a.id)
		e.SetStr(auditDataKey("uid"), a.uid)
		a.uid = ""
	case "LOGIN":
		// The kernel giving a session its login id: who logs in is the
		// new auid (the last auid= of "old auid=X new auid=Y" too); uid= is
		// the process setting it (sshd, login, crond).
		if _, numeric := ecs.ParseUint(a.auid); numeric {
			e.SetStr("user.id", a.auid)
		}
		e.SetStr(auditDataKey("uid"), a.uid)
		a.uid, a.uidName = "", ""
	default:
		ecs.SetUser(e, "user.name", a.acct)
		if a.innerUID != "" {
			a.uid = a.innerUID // USER_AVC: the client systemd or dbus decided on
		}
	}
	if a.uid != "" {
		auditID(e, "user.id", "user.name", a.uid)
		if !e.Has("user.name") {
			ecs.SetUser(e, "user.name", a.uidName)
		}
	}
	c, action, outcome, ok := a.class()
	if !ok {
		// Generic: auditd.* fields, no category nomen cannot vouch for.
		e.SetStr("event.action", action)
		e.SetStr("event.outcome", outcome)
		return
	}
	c.Set(e, action, outcome)
	if a.objPath != "" && c.Category[0] == ecs.CatFile {
		e.SetStr("file.path", a.objPath) // an access decision about a file
	}
}

func auditID(e *event.Event, idKey, nameKey, val string) {
	if val == "4294967295" {
		return
	}
	if _, ok := ecs.ParseUint(val); ok {
		e.SetStr(idKey, val)
		return
	}
	if strings.HasPrefix(nameKey, "user.") {
		ecs.SetUser(e, nameKey, val)
	} else {
		e.SetStr(nameKey, val)
	}
}

func auditOutcome(v string) string {
	switch v {
	case "yes", "success", "1":
		return ecs.OutcomeSuccess
	case "no", "failed", "failure", "0":
		return ecs.OutcomeFailure
	}
	return ""
}
