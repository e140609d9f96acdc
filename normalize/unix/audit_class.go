package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The ECS categorization of audit records. Choices that differ from
// Auditbeat's are listed in docs/actions.md.

var (
	classAuditFileDenied     = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeDenied)
	classAuditFileAllowed    = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeAllowed)
	classAuditProcessDenied  = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeDenied)
	classAuditProcessAllowed = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeAllowed)
	classAuditNetDenied      = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeDenied)
	classAuditNetAllowed     = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeAllowed)
	classAuditHostChange     = ecs.NewClass(ecs.Cats(ecs.CatHost), ecs.TypeChange)
)

// class returns the categorization, event.action and event.outcome of a
// record; ok is false for the records nomen leaves uncategorized.
func (a *auditRecord) class() (c ecs.Class, action, outcome string, ok bool) {
	action, outcome = auditAction(a.typ), a.outcome
	switch a.typ {
	case "SYSCALL":
		if a.syscall == "execve" || a.syscall == "execveat" {
			return ecs.ClassProcStart, a.syscall, outcome, true
		}
		// The call's name; a number no table knows is "syscall" (it
		// stays in auditd.syscall), never a bare number as an action.
		if _, numeric := ecs.ParseUint(a.syscall); numeric || a.syscall == "" {
			return c, "syscall", outcome, false
		}
		return c, auditActionOf(a.syscall), outcome, false
	case "EXECVE", "PROCTITLE":
		return ecs.ClassProcInfo, action, outcome, true
	case "USER_CMD":
		return ecs.ClassProcStart, action, outcome, true
	case "USER_LOGIN", "USER_AUTH":
		return ecs.ClassAuthStart, action, outcome, true
	case "USER_ACCT", "CRED_ACQ", "CRED_REFR", "CRED_DISP", "USER_ERR", "GRP_AUTH":
		return ecs.ClassAuthInfo, action, outcome, true
	case "ANOM_LOGIN_FAILURES", "ANOM_LOGIN_TIME", "ANOM_LOGIN_SESSIONS", "ANOM_LOGIN_LOCATION":
		// A login refused by a limit (pam_faillock, pam_time, pam_limits,
		// pam_access): a step of the attempt, which has its own
		// USER_LOGIN/USER_AUTH record. res= says whether the anomaly was
		// recorded, not whether the login worked.
		return ecs.ClassAuthInfo, action, ecs.OutcomeFailure, true
	case "USER_START":
		return ecs.ClassSessionStart, action, outcome, true
	case "USER_END", "USER_LOGOUT":
		return ecs.ClassSessionEnd, action, outcome, true
	case "ADD_USER":
		return ecs.ClassUserCreate, action, outcome, true
	case "DEL_USER":
		return ecs.ClassUserDelete, action, outcome, true
	case "USER_MGMT", "USER_CHAUTHTOK", "ACCT_LOCK", "ACCT_UNLOCK":
		return ecs.ClassUserChange, action, outcome, true
	case "ADD_GROUP":
		return ecs.ClassGroupCreate, action, outcome, true
	case "DEL_GROUP":
		return ecs.ClassGroupDelete, action, outcome, true
	case "GRP_MGMT", "GRP_CHAUTHTOK":
		return ecs.ClassGroupChange, action, outcome, true
	case "SYSTEM_BOOT":
		return ecs.ClassHostStart, action, outcome, true
	case "SYSTEM_SHUTDOWN":
		return ecs.ClassHostEnd, action, outcome, true
	case "SERVICE_START":
		return ecs.ClassProcStart, action, outcome, true
	case "SERVICE_STOP":
		return ecs.ClassProcEnd, action, outcome, true
	case "ANOM_ABEND":
		// A process that ended on a signal (a crash): the kernel's res=1
		// only says the record is complete.
		return ecs.ClassProcEnd, action, ecs.OutcomeFailure, true
	case "ANOM_PROMISCUOUS":
		// An interface entering or leaving promiscuous mode changes the
		// host; ECS's network category has no change type.
		return classAuditHostChange, action, outcome, true
	case "CONFIG_CHANGE", "USYS_CONFIG", "DAEMON_CONFIG", "NETFILTER_CFG":
		return ecs.ClassConfigChange, action, outcome, true
	case "CRYPTO_KEY_USER":
		// sshd creating or destroying a session or host key.
		return ecs.ClassProcInfo, action, outcome, true
	case "AVC", "USER_AVC":
		return a.avcClass(action)
	}
	return c, action, outcome, false
}

// scanAVC reads what an AVC record says outside its key=value pairs:
// "avc:  denied  { read write } for  pid=..." (SELinux; in USER_AVC inside
// msg='...'). AppArmor's apparmor="DENIED" is read by field.
func (a *auditRecord) scanAVC(e *event.Event, body string) {
	i := strings.Index(body, "avc:")
	if i < 0 {
		return
	}
	verdict, rest := ecs.CutWord(strings.TrimLeft(body[i+len("avc:"):], " "))
	if verdict != "denied" && verdict != "granted" {
		return
	}
	a.verdict = verdict
	e.SetStr("auditd.data.seresult", verdict)
	if r, ok := strings.CutPrefix(rest, "{ "); ok {
		if perms, _, ok := strings.Cut(r, " }"); ok {
			a.perms = strings.TrimSpace(perms)
			e.SetStr("auditd.data.seperms", a.perms)
		}
	}
}

// avcClass categorizes an access decision by the class of the object:
// files, processes (signals, capabilities, ptrace) or sockets. A decision
// about any other class (a systemd unit, a key) keeps no category.
func (a *auditRecord) avcClass(action string) (ecs.Class, string, string, bool) {
	var denied, allowed ecs.Class
	switch c := a.objClass; {
	case c == "file" || c == "dir" || c == "lnk_file" || c == "chr_file" || c == "blk_file" ||
		c == "sock_file" || c == "fifo_file" || c == "filesystem":
		denied, allowed = classAuditFileDenied, classAuditFileAllowed
	case c == "process" || c == "process2" || c == "capability" || c == "capability2" || c == "cap" ||
		c == "cap_userns" || c == "cap2_userns" || c == "signal" || c == "ptrace":
		denied, allowed = classAuditProcessDenied, classAuditProcessAllowed
	case strings.HasSuffix(c, "_socket") || c == "net" || c == "node" || c == "netif" || c == "peer":
		denied, allowed = classAuditNetDenied, classAuditNetAllowed
	default:
		return ecs.Class{}, action, a.outcome, false
	}
	switch strings.ToLower(a.verdict) {
	case "denied":
		// permissive=1: SELinux logged the denial but let the access happen.
		if a.permissive == "1" {
			return denied, action, ecs.OutcomeSuccess, true
		}
		return denied, action, ecs.OutcomeFailure, true
	case "granted", "allowed":
		return allowed, action, ecs.OutcomeSuccess, true
	}
	return ecs.Class{}, action, a.outcome, false
}
