package parse

import (
	"strings"

	"github.com/nomenhq/nomen/relay/event"
)

// paddedTag handles a program name padded to a column before its
// "[PID]:": with no host ("fail2ban.actions        [812]: NOTICE ...",
// fail2ban's log file), tok, the word that ends at j, is the program, not
// the host, when at least two spaces stand between it and the pid; after
// a host ("web1 sshd   [123]: ..."), the same. rsyslog ends a TAG at its
// first space (pmrfc3164), so it names the program too ("sshd") but
// leaves "[123]: ..." in the message; the pid is read here as it is
// without a host. It sets the program, pid and message and reports
// whether it did.
func paddedTag(s string, j int, tok string, e *event.Event) bool {
	k := skipSpaces(s, j)
	pid, end, ok := paddedPID(s, k)
	if !ok || k <= j+1 || !isTagName(tok) {
		return false
	}
	e.AppName, e.ProcID = tok, pid
	e.Message = s[skipSpaces(s, end):]
	return true
}

// paddedPID returns the PID of a "[PID]:" at s[i:] that ends the header
// (a space or the end follows) and the index after it.
func paddedPID(s string, i int) (pid string, end int, ok bool) {
	if i >= len(s) || s[i] != '[' {
		return "", i, false
	}
	j := i + 1
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j == i+1 || j-i > 11 || !strings.HasPrefix(s[j:], "]:") || j+2 < len(s) && s[j+2] != ' ' {
		return "", i, false
	}
	return s[i+1 : j], j + 2, true
}
