package unix

import (
	"strconv"
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
	classAuditHostInfo       = ecs.NewClass(ecs.Cats(ecs.CatHost), ecs.TypeInfo)
	classAuditProcessChange  = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeChange)
	classAuditProcessAccess  = ecs.NewClass(ecs.Cats(ecs.CatProcess), ecs.TypeAccess)
	classAuditIAMChange      = ecs.NewClass(ecs.Cats(ecs.CatIAM), ecs.TypeChange)
	classAuditConfigCreate   = ecs.NewClass(ecs.Cats(ecs.CatConfiguration), ecs.TypeCreation)
	classAuditConfigDelete   = ecs.NewClass(ecs.Cats(ecs.CatConfiguration), ecs.TypeDeletion)
	classAuditDriverStart    = ecs.NewClass(ecs.Cats(ecs.CatDriver), ecs.TypeStart)
	classAuditDriverEnd      = ecs.NewClass(ecs.Cats(ecs.CatDriver), ecs.TypeEnd)
	classAuditPackageInstall = ecs.NewClass(ecs.Cats(ecs.CatPackage), ecs.TypeInstall)
	classAuditPackageChange  = ecs.NewClass(ecs.Cats(ecs.CatPackage), ecs.TypeChange)
	classAuditPackageDelete  = ecs.NewClass(ecs.Cats(ecs.CatPackage), ecs.TypeDeletion)
	classAuditPackageInfo    = ecs.NewClass(ecs.Cats(ecs.CatPackage), ecs.TypeInfo)
	classAuditFileAccess     = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeAccess)
	classAuditFileCreate     = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeCreation)
	classAuditFileDelete     = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeDeletion)
	classAuditFileChange     = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeChange)
	classAuditFileInfo       = ecs.NewClass(ecs.Cats(ecs.CatFile), ecs.TypeInfo)
	classAuditNetStart       = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeStart)
)

// auditTypeClass is the categorization of a record type that needs
// nothing but its type.
type auditTypeClass struct {
	class   ecs.Class
	outcome string // a fixed event.outcome; "" takes the record's res=/success=
}

// auditTypeClasses categorizes record types by their meaning (linux/audit.h,
// the auditd field dictionary). A type not here and not in class's switch
// keeps no category.
var auditTypeClasses = map[string]auditTypeClass{
	// The arguments and title of an exec, which SYSCALL execve starts.
	"EXECVE": {class: ecs.ClassProcInfo}, "PROCTITLE": {class: ecs.ClassProcInfo},
	"USER_CMD": {class: ecs.ClassProcStart},
	// Logins and their steps. LOGIN is the kernel setting the login id of
	// the session (pam_loginuid), a step of a login that has its own
	// USER_LOGIN/USER_AUTH record.
	"USER_LOGIN": {class: ecs.ClassAuthStart}, "USER_AUTH": {class: ecs.ClassAuthStart},
	"USER_ACCT": {class: ecs.ClassAuthInfo}, "CRED_ACQ": {class: ecs.ClassAuthInfo},
	"CRED_REFR": {class: ecs.ClassAuthInfo}, "CRED_DISP": {class: ecs.ClassAuthInfo},
	"USER_ERR": {class: ecs.ClassAuthInfo}, "GRP_AUTH": {class: ecs.ClassAuthInfo},
	"LOGIN": {class: ecs.ClassAuthInfo},
	// A login refused by a limit (pam_faillock, pam_time, pam_limits,
	// pam_access): a step of the attempt, which has its own USER_LOGIN/
	// USER_AUTH record. res= says whether the anomaly was recorded, not
	// whether the login worked.
	"ANOM_LOGIN_FAILURES": {ecs.ClassAuthInfo, ecs.OutcomeFailure},
	"ANOM_LOGIN_TIME":     {ecs.ClassAuthInfo, ecs.OutcomeFailure},
	"ANOM_LOGIN_SESSIONS": {ecs.ClassAuthInfo, ecs.OutcomeFailure},
	"ANOM_LOGIN_LOCATION": {ecs.ClassAuthInfo, ecs.OutcomeFailure},
	"USER_START":          {class: ecs.ClassSessionStart},
	"USER_END":            {class: ecs.ClassSessionEnd}, "USER_LOGOUT": {class: ecs.ClassSessionEnd},
	// Accounts, groups and roles.
	"ADD_USER": {class: ecs.ClassUserCreate}, "DEL_USER": {class: ecs.ClassUserDelete},
	"USER_MGMT": {class: ecs.ClassUserChange}, "USER_CHAUTHTOK": {class: ecs.ClassUserChange},
	"ACCT_LOCK": {class: ecs.ClassUserChange}, "ACCT_UNLOCK": {class: ecs.ClassUserChange},
	"ROLE_ASSIGN": {class: ecs.ClassUserChange}, "ROLE_REMOVE": {class: ecs.ClassUserChange},
	"ROLE_MODIFY": {class: classAuditIAMChange},
	"ADD_GROUP":   {class: ecs.ClassGroupCreate}, "DEL_GROUP": {class: ecs.ClassGroupDelete},
	"GRP_MGMT": {class: ecs.ClassGroupChange}, "GRP_CHAUTHTOK": {class: ecs.ClassGroupChange},
	// A process taking another identity or security context: newrole,
	// pam_selinux choosing a login's context, setuid helpers.
	"USER_ROLE_CHANGE": {class: classAuditProcessChange}, "CHUSER_ID": {class: classAuditProcessChange},
	"CHGRP_ID": {class: classAuditProcessChange},
	// Keystrokes of an audited terminal (pam_tty_audit).
	"TTY": {class: ecs.ClassProcInfo}, "USER_TTY": {class: ecs.ClassProcInfo},
	// The host, services and the audit daemon itself.
	"SYSTEM_BOOT": {class: ecs.ClassHostStart}, "SYSTEM_SHUTDOWN": {class: ecs.ClassHostEnd},
	"SYSTEM_RUNLEVEL": {class: classAuditHostChange},
	"SERVICE_START":   {class: ecs.ClassProcStart}, "SERVICE_STOP": {class: ecs.ClassProcEnd},
	"DAEMON_START": {class: ecs.ClassProcStart}, "DAEMON_END": {class: ecs.ClassProcEnd},
	"DAEMON_ABORT":  {ecs.ClassProcEnd, ecs.OutcomeFailure},
	"DAEMON_ROTATE": {class: classAuditProcessChange}, "DAEMON_RESUME": {class: classAuditProcessChange},
	"DAEMON_ACCEPT": {class: ecs.ClassConnStart}, "DAEMON_CLOSE": {class: ecs.ClassConnEnd},
	// A process that ended on a signal (a crash): the kernel's res=1
	// only says the record is complete.
	"ANOM_ABEND": {ecs.ClassProcEnd, ecs.OutcomeFailure},
	// An interface entering or leaving promiscuous mode changes the host;
	// ECS's network category has no change type.
	"ANOM_PROMISCUOUS": {class: classAuditHostChange},
	// The anomaly records of accounts (shadow-utils and aide-style
	// checkers report an account added, removed or changed outside the
	// usual tools) and of a process becoming root by an unusual path.
	"ANOM_ADD_ACCT": {class: ecs.ClassUserCreate}, "ANOM_DEL_ACCT": {class: ecs.ClassUserDelete},
	"ANOM_MOD_ACCT": {class: ecs.ClassUserChange}, "ANOM_ROOT_TRANS": {class: classAuditProcessChange},
	// The kernel refusing to follow a link or to open a file in a sticky
	// directory it does not own (fs.protected_symlinks, protected_hardlinks,
	// protected_regular, protected_fifos): res=0 always, a refusal.
	"ANOM_LINK": {classAuditFileDenied, ecs.OutcomeFailure}, "ANOM_CREAT": {classAuditFileDenied, ecs.OutcomeFailure},
	// A crypto officer's login and logout (pam_... of FIPS modules).
	"CRYPTO_LOGIN": {class: ecs.ClassAuthStart}, "CRYPTO_LOGOUT": {class: ecs.ClassSessionEnd},
	// The clock set or stepped (adjtimex, clock_settime by chronyd/ntpd).
	"TIME_ADJNTPVAL": {class: classAuditHostChange}, "TIME_INJOFFSET": {class: classAuditHostChange},
	// A packet the AUDIT target of iptables/nftables logged.
	"NETFILTER_PKT": {class: ecs.ClassNetInfo},
	// Configuration: audit rules and settings, firewall tables, SELinux
	// mode, booleans and policy.
	"CONFIG_CHANGE": {class: ecs.ClassConfigChange}, "USYS_CONFIG": {class: ecs.ClassConfigChange},
	"DAEMON_CONFIG": {class: ecs.ClassConfigChange}, "DAEMON_RECONFIG": {class: ecs.ClassConfigChange},
	"NETFILTER_CFG": {class: ecs.ClassConfigChange}, "FEATURE_CHANGE": {class: ecs.ClassConfigChange},
	"MAC_STATUS": {class: ecs.ClassConfigChange}, "MAC_CONFIG_CHANGE": {class: ecs.ClassConfigChange},
	"MAC_POLICY_LOAD": {class: ecs.ClassConfigChange}, "USER_MAC_POLICY_LOAD": {class: ecs.ClassConfigChange},
	"USER_MAC_CONFIG_CHANGE": {class: ecs.ClassConfigChange}, "MAC_UNLBL_ALLOW": {class: ecs.ClassConfigChange},
	"FS_RELABEL": {class: ecs.ClassConfigChange}, "LABEL_OVERRIDE": {class: ecs.ClassConfigChange},
	// sshd creating or destroying a session or host key, negotiating a
	// session's ciphers.
	"CRYPTO_KEY_USER": {class: ecs.ClassProcInfo}, "CRYPTO_SESSION": {class: ecs.ClassProcInfo},
	// A kernel module loaded (init_module, finit_module).
	"KERN_MODULE": {class: classAuditDriverStart},
	// libvirt and container runtimes about a guest: the guest is not the
	// host that logs, so never host start/end, which SYSTEM_BOOT/SHUTDOWN mean.
	"VIRT_CONTROL": {class: classAuditHostInfo}, "VIRT_RESOURCE": {class: classAuditHostInfo},
	"VIRT_MACHINE_ID": {class: classAuditHostInfo}, "VIRT_INTEGRITY_CHECK": {class: classAuditHostInfo},
	"VIRT_CREATE": {class: classAuditHostInfo}, "VIRT_DESTROY": {class: classAuditHostInfo},
	"VIRT_MIGRATE_IN": {class: classAuditHostInfo}, "VIRT_MIGRATE_OUT": {class: classAuditHostInfo},
}

// class returns the categorization, event.action and event.outcome of a
// record; ok is false for the records nomen leaves uncategorized.
func (a *auditRecord) class() (c ecs.Class, action, outcome string, ok bool) {
	action, outcome = auditAction(a.typ), a.outcome
	switch a.typ {
	case "SYSCALL":
		return a.syscallClass(outcome)
	case "AVC", "USER_AVC", "APPARMOR_AUDIT", "APPARMOR_ALLOWED", "APPARMOR_DENIED", "APPARMOR_STATUS":
		return a.avcClass(action)
	case "MAC_IPSEC_EVENT":
		// IPsec policy and SA database changes (op=SPD-add, SAD-delete);
		// the other ops are packet events nomen does not categorize.
		switch {
		case strings.HasSuffix(a.op, "-add"):
			return classAuditConfigCreate, action, outcome, true
		case strings.HasSuffix(a.op, "-delete"):
			return classAuditConfigDelete, action, outcome, true
		}
		return c, action, outcome, false
	case "ADD_USER", "DEL_USER", "ADD_GROUP", "DEL_GROUP":
		// Older shadow-utils write one record per file ("op=adding group
		// to /etc/gshadow") beside the one stating the fact: the per-file
		// ones are info, so counting creations counts accounts.
		if strings.Contains(a.op, "/etc/") {
			if a.typ == "ADD_USER" || a.typ == "DEL_USER" {
				return ecs.ClassUserInfo, action, outcome, true
			}
			return ecs.ClassGroupInfo, action, outcome, true
		}
	case "SECCOMP":
		return a.seccompClass(action)
	case "SOFTWARE_UPDATE":
		// rpm's and dnf's record of a package; op= says which change when
		// the writer gives it.
		switch a.op {
		case "install":
			return classAuditPackageInstall, action, outcome, true
		case "remove", "erase":
			return classAuditPackageDelete, action, outcome, true
		case "update", "upgrade":
			return classAuditPackageChange, action, outcome, true
		}
		return classAuditPackageInfo, action, outcome, true
	}
	if tc, ok := auditTypeClasses[a.typ]; ok {
		if tc.outcome != "" {
			outcome = tc.outcome
		}
		return tc.class, action, outcome, true
	}
	return c, action, outcome, false
}

// syscallClass categorizes a SYSCALL record by its call (auditSyscallClasses);
// any other call is a process doing something: process/info. The action is
// the call's name, or "syscall" for a number no table knows (it stays in
// auditd.syscall), never a bare number.
func (a *auditRecord) syscallClass(outcome string) (ecs.Class, string, string, bool) {
	action := auditActionOf(a.syscall)
	if _, numeric := ecs.ParseUint(a.syscall); numeric || a.syscall == "" {
		action = "syscall"
	}
	if c, ok := auditSyscallClasses[a.syscall]; ok {
		return c, action, outcome, true
	}
	return ecs.ClassProcInfo, action, outcome, true
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

// seccompClass categorizes a seccomp filter's decision on a system call by
// its action, code= (linux/seccomp.h SECCOMP_RET_*, the low 16 bits are
// data such as an errno): kill, trap and errno refuse the call; log and
// allow let it run. Other actions (trace, user notification) hand the
// decision to another process and keep no category.
func (a *auditRecord) seccompClass(action string) (ecs.Class, string, string, bool) {
	code, err := strconv.ParseUint(strings.TrimPrefix(a.code, "0x"), 16, 32)
	if err != nil || !strings.HasPrefix(a.code, "0x") {
		return ecs.Class{}, action, a.outcome, false
	}
	switch code & 0xffff0000 {
	case 0x00000000, 0x80000000, 0x00030000, 0x00050000: // kill thread, kill process, trap, errno
		return classAuditProcessDenied, action, ecs.OutcomeFailure, true
	case 0x7ffc0000, 0x7fff0000: // log, allow
		return classAuditProcessAllowed, action, ecs.OutcomeSuccess, true
	}
	return ecs.Class{}, action, a.outcome, false
}

// avcClass categorizes an access decision by the class of the object:
// files, processes (signals, capabilities, ptrace) or sockets. AppArmor
// names the class only in newer kernels; its operation says it otherwise.
// A decision about any other class (a systemd unit, a key) keeps no category.
func (a *auditRecord) avcClass(action string) (ecs.Class, string, string, bool) {
	verdict := strings.ToLower(a.verdict)
	if verdict == "" { // type=1503 APPARMOR_DENIED and its siblings
		verdict = strings.ToLower(strings.TrimPrefix(a.typ, "APPARMOR_"))
	}
	if verdict == "status" {
		// AppArmor loading, replacing or removing a profile.
		if strings.HasPrefix(a.operation, "profile_") {
			return ecs.ClassConfigChange, action, a.outcome, true
		}
		return ecs.Class{}, action, a.outcome, false
	}
	objClass := a.objClass
	if objClass == "" {
		objClass = appArmorOperationClass[a.operation]
	}
	var denied, allowed ecs.Class
	switch c := objClass; {
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
	switch verdict {
	case "denied":
		// permissive=1: SELinux logged the denial but let the access happen.
		if a.permissive == "1" {
			return denied, action, ecs.OutcomeSuccess, true
		}
		return denied, action, ecs.OutcomeFailure, true
	case "granted", "allowed", "audit":
		// AppArmor's AUDIT: an access its profile allows and asks to log.
		return allowed, action, ecs.OutcomeSuccess, true
	}
	return ecs.Class{}, action, a.outcome, false
}

// appArmorOperationClass gives the object class of an AppArmor operation
// (security/apparmor/include/audit.h OP_*) for records without class=.
var appArmorOperationClass = func() map[string]string {
	m := map[string]string{}
	for class, ops := range map[string][]string{
		"file": {"open", "exec", "mknod", "link", "unlink", "rename_src", "rename_dest", "chmod", "chown",
			"truncate", "mkdir", "rmdir", "getattr", "setattr", "file_perm", "file_lock", "file_mmap",
			"file_mprotect", "file_receive", "file_inherit", "file_inherit_mmap", "symlink"},
		"process": {"ptrace", "signal", "capable", "change_hat", "change_profile", "change_onexec", "setprocattr",
			"setrlimit"},
		"net": {"create", "post_create", "bind", "connect", "listen", "accept", "sendmsg", "recvmsg",
			"getsockname", "getpeername", "getsockopt", "setsockopt", "socket_shutdown"},
	} {
		for _, op := range ops {
			m[op] = class
		}
	}
	return m
}()
