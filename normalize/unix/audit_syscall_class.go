package unix

import "github.com/nomenhq/nomen/normalize/ecs"

// auditSyscallClasses categorizes a SYSCALL record by the call it reports,
// for the calls audit rules watch (the CIS and STIG rule sets: execs,
// file changes, permission and ownership changes, module loading, time,
// identity, sockets). Built from auditSyscallsByClass.
var auditSyscallClasses = func() map[string]ecs.Class {
	m := map[string]ecs.Class{}
	for _, g := range auditSyscallsByClass {
		for _, name := range g.calls {
			m[name] = g.class
		}
	}
	return m
}()

// auditSyscallsByClass lists system calls by what they do.
var auditSyscallsByClass = []struct {
	class ecs.Class
	calls []string
}{
	{ecs.ClassProcStart, []string{"execve", "execveat"}},
	// Taking another identity or capability set.
	{classAuditProcessChange, []string{"setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
		"setfsuid", "setfsgid", "setgroups", "capset", "setuid32", "setgid32", "setreuid32", "setregid32",
		"setresuid32", "setresgid32", "setfsuid32", "setfsgid32", "setgroups32"}},
	// Reading or writing another process's memory.
	{classAuditProcessAccess, []string{"ptrace", "process_vm_readv", "process_vm_writev"}},
	{ecs.ClassConnStart, []string{"connect", "accept", "accept4"}},
	{classAuditNetStart, []string{"bind", "listen"}},
	{ecs.ClassNetInfo, []string{"sendto", "sendmsg", "sendmmsg", "recvfrom", "recvmsg", "recvmmsg", "socket"}},
	// Opening a file is an access; whether it also created the file is in
	// flags auditd does not spell out.
	{classAuditFileAccess, []string{"open", "openat", "openat2", "open_by_handle_at"}},
	{classAuditFileCreate, []string{"creat", "mkdir", "mkdirat", "mknod", "mknodat", "link", "linkat",
		"symlink", "symlinkat"}},
	{classAuditFileDelete, []string{"unlink", "unlinkat", "rmdir"}},
	{classAuditFileChange, []string{"rename", "renameat", "renameat2", "chmod", "fchmod", "fchmodat",
		"fchmodat2", "chown", "fchown", "fchownat", "lchown", "chown32", "fchown32", "lchown32", "truncate",
		"ftruncate", "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
		"utime", "utimes", "utimensat", "futimesat"}},
	{classAuditFileInfo, []string{"stat", "lstat", "fstat", "newfstatat", "statx", "access", "faccessat",
		"faccessat2", "readlink", "readlinkat", "getxattr", "lgetxattr", "fgetxattr"}},
	{classAuditDriverStart, []string{"init_module", "finit_module"}},
	{classAuditDriverEnd, []string{"delete_module"}},
	// The clock and the host's names.
	{classAuditHostChange, []string{"settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "stime",
		"sethostname", "setdomainname"}},
}
