package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// cutKernel cuts the "[ 1234.567890] " uptime that the kernel's ring
// buffer puts before a line when printk.time is on (rsyslog's imklog and
// syslog-ng's kmsg source keep it), and the "[  T1234]" or "[    C3]"
// after it of a kernel built with CONFIG_PRINTK_CALLER (the task or CPU
// that printed). Another "[...]" before the sentence refuses the line:
// the fault sentences start with the process's name, which would take
// it in.
func cutKernel(m string) (string, head, bool) {
	if len(m) > 0 && m[0] == '[' {
		i := strings.IndexByte(m, ']')
		if i < 0 || !isUptime(m[1:i]) {
			return m, head{}, false
		}
		m, _ = ecs.CutPrintkCaller(m[i+1:])
		if len(m) == 0 || m[0] != ' ' {
			return m, head{}, false
		}
		return m[1:], head{}, true
	}
	return m, head{}, true
}

// isUptime reports whether s is the ring buffer's seconds.microseconds,
// left-padded with spaces.
func isUptime(s string) bool {
	s = strings.TrimLeft(s, " ")
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' && !dot && i > 0:
			dot = true
		case c < '0' || c > '9':
			return false
		}
	}
	return dot && s[len(s)-1] != '.'
}

// postKernel finishes a kernel event. Lockdown's "Lockdown: COMM: REASON
// is restricted" takes COMM up to the first ": ", but a process can name
// itself "a: b" and the reasons (lockdown_reasons[]) never hold ": ", so
// the reason starts after the last one. Yama's ptrace refusal and WARN()
// name the process by its pid (and command line) only: the syslog tag's
// process.name ("kernel") is not that process's name.
func postKernel(e *event.Event) {
	switch e.Str("nomen.rule") {
	case "kernel.lockdown":
		reason := e.Str("event.reason")
		if i := strings.LastIndex(reason, ": "); i >= 0 {
			e.SetStr("process.name", e.Str("process.name")+": "+reason[:i])
			e.SetStr("event.reason", reason[i+2:])
		}
	case "kernel.exec.null_argv":
		// "process 'COMM' launched 'PATH' with NULL argv": both are the
		// user's, and a name "a' launched 'b" (14 bytes) would hand the
		// path "b' launched '/tmp/x". A name is at most 15 bytes
		// (TASK_COMM_LEN), so a second "' launched '" that could end one
		// leaves the split unknown: neither is kept (nor the syslog
		// tag's "kernel" as the process).
		name, path := e.Str("process.name"), e.Str("file.path")
		if i := strings.Index(path, nullArgvSep); i >= 0 && len(name)+len(nullArgvSep)+i <= maxComm {
			e.Delete("process.name")
			e.Delete("file.path")
			e.Flags |= event.TagNotProcess
		}
	case "kernel.yama.ptrace", "kernel.warning":
		e.Flags |= event.TagNotProcess
	}
}

// nullArgvSep separates the process's name from the file in fs/exec.c's
// NULL argv line; maxComm is the longest name a task has (TASK_COMM_LEN
// less its NUL).
const (
	nullArgvSep = "' launched '"
	maxComm     = 15
)
