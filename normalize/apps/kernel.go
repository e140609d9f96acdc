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
	case "kernel.yama.ptrace", "kernel.warning":
		e.Flags |= event.TagNotProcess
	}
}
