package unix

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// su, login and sudo.

// decodeSu knows the su implementations in use:
//
//	Successful su for root by alice            shadow-utils
//	FAILED su for root by alice
//	+ /dev/pts/1 alice:root                    shadow-utils (- on failure; older: alice-root)
//	(to root) alice on pts/0                   util-linux (FAILED SU (to root) alice on pts/0)
//	alice to root on /dev/ttyp1                BSD (BAD SU alice to root on /dev/ttyp1)
//	'su root' succeeded for alice on /dev/pts/2   Solaris ('su root' failed for ...)
//	failed: ttyq4 changing from alice to root  IRIX
//
// and PAM lines from su.
// Long because it is one switch over the implementations above, a case each.
func decodeSu(e *event.Event) bool {
	m := e.Message
	if strings.HasPrefix(m, "pam_") && !strings.HasPrefix(m, "pam_authenticate: ") {
		return decodePAM(e)
	}
	var actor, target, tty string
	success := true
	switch {
	case strings.HasPrefix(m, "Successful su for "), strings.HasPrefix(m, "FAILED su for "):
		success = m[0] == 'S'
		_, r, _ := strings.Cut(m, " su for ")
		var ok bool
		target, actor, ok = strings.Cut(r, " by ")
		if !ok {
			return false
		}
	case len(m) > 2 && (m[0] == '+' || m[0] == '-') && m[1] == ' ':
		success = m[0] == '+'
		var pair string
		tty, pair = ecs.CutWord(m[2:])
		i := strings.IndexByte(pair, ':')
		if i < 0 {
			i = strings.LastIndexByte(pair, '-')
		}
		if i <= 0 || strings.IndexByte(pair, ' ') >= 0 {
			return false
		}
		actor, target = pair[:i], pair[i+1:]
	case strings.HasPrefix(m, "(to "), strings.HasPrefix(m, "FAILED SU (to "):
		success = m[0] == '('
		_, r, _ := strings.Cut(m, "(to ")
		t, r, ok := strings.Cut(r, ") ")
		if !ok {
			return false
		}
		target = t
		actor, tty, _ = strings.Cut(r, " on ")
	case strings.HasPrefix(m, "pam_authenticate: "):
		// shadow su.c before its "FAILED su for" line: the PAM error,
		// no user names.
		ecs.Begin(e, "su", "su.pam_failure")
		ecs.ClassAuthStart.Set(e, "su", ecs.OutcomeFailure)
		e.SetStr("su.reason", m[len("pam_authenticate: "):])
		return true
	case strings.HasPrefix(m, "'su "):
		// 'su root' succeeded for alice on /dev/pts/2
		t, r, ok := strings.Cut(m[len("'su "):], "' ")
		if !ok {
			return false
		}
		target = t
		verb, r := ecs.CutWord(r)
		switch verb {
		case "succeeded":
		case "failed":
			success = false
		default:
			return false
		}
		r, ok = strings.CutPrefix(r, "for ")
		if !ok {
			return false
		}
		actor, tty, _ = strings.Cut(r, " on ")
		if target == "" {
			target = "root"
		}
	case strings.HasPrefix(m, "failed: "), strings.Contains(m, " changing from "):
		// failed: ttyq4 changing from alice to root
		r, failed := strings.CutPrefix(m, "failed: ")
		success = !failed
		t, r, ok := strings.Cut(r, " changing from ")
		if !ok {
			return false
		}
		tty = t
		actor, target, ok = strings.Cut(r, " to ")
		if !ok {
			return false
		}
	default:
		// BSD: "[BAD SU ]alice to root on /dev/ttyp1"
		r, bad := strings.CutPrefix(m, "BAD SU ")
		success = !bad
		var ok bool
		actor, r, ok = strings.Cut(r, " to ")
		if !ok || strings.IndexByte(actor, ' ') >= 0 {
			return decodePAM(e)
		}
		target, tty, ok = strings.Cut(r, " on ")
		if !ok || strings.IndexByte(target, ' ') >= 0 || strings.IndexByte(tty, ' ') >= 0 {
			return decodePAM(e)
		}
	}
	ecs.Begin(e, "su", "")
	if success {
		ecs.SetRule(e, "su.success")
		ecs.ClassAuthStart.Set(e, "su", ecs.OutcomeSuccess)
	} else {
		ecs.SetRule(e, "su.failure")
		ecs.ClassAuthStart.Set(e, "su", ecs.OutcomeFailure)
	}
	ecs.SetUser(e, "user.name", strings.TrimSpace(actor))
	ecs.SetUser(e, "user.effective.name", strings.TrimSpace(target))
	e.SetStr("su.tty", strings.TrimSpace(tty))
	return true
}

// decodeLogin decodes login(1) (util-linux and shadow-utils):
//
//	ROOT LOGIN ON tty2[ FROM host]                          util-linux
//	LOGIN ON tty1 BY alice[ FROM host]
//	FAILED LOGIN 1 FROM tty1 FOR root, Authentication failure
//	FAILED LOGIN SESSION FROM host FOR alice, Authentication failure
//	ROOT LOGIN  on '/dev/tty1'[ from 'host']                shadow-utils
//	'alice' logged in  on '/dev/tty1'[ from 'host']
//	FAILED LOGIN (1) on '/dev/tty1'[ from 'host'] FOR 'alice', Authentication failure
//	TOO MANY LOGIN TRIES (5) on '/dev/tty1'[ from 'host'] FOR 'alice'
//
// also as "-- root[2421]: ROOT LOGIN ON tty2" (the tag some syslogds make of
// login's ident), and PAM lines from login. A failed user name is what was
// typed; shadow writes "UNKNOWN" for one that is no account, which is no
// user.
func decodeLogin(e *event.Event) bool {
	m := e.Message
	if r, ok := strings.CutPrefix(m, "-- "); ok {
		i := strings.Index(r, "]: ")
		if i < 0 {
			return false
		}
		m = r[i+3:]
	}
	upper := strings.ToUpper(m[:min(len(m), 24)])
	var user, tty, from string
	success := true
	rule := "login.success"
	switch {
	case strings.HasPrefix(upper, "ROOT LOGIN"):
		user = "root"
		r := strings.TrimLeft(m[len("ROOT LOGIN"):], " ")
		if len(r) < 3 || !strings.EqualFold(r[:3], "on ") {
			return false
		}
		if strings.HasPrefix(r, "on '") { // shadow
			var ok bool
			if tty, from, r, ok = loginFromHost(" " + r); !ok || r != "" {
				return false
			}
		} else {
			tty, from, _ = strings.Cut(r[3:], " FROM ")
		}
	case strings.HasPrefix(m, "'") && strings.Contains(m, "' logged in "):
		i := strings.Index(m, "' logged in ")
		user = m[1:i]
		var ok bool
		var r string
		if tty, from, r, ok = loginFromHost(" " + strings.TrimLeft(m[i+len("' logged in "):], " ")); !ok || r != "" {
			return false
		}
	case strings.HasPrefix(m, "LOGIN ON "):
		r := m[len("LOGIN ON "):]
		var ok bool
		tty, r, ok = strings.Cut(r, " BY ")
		if !ok {
			return false
		}
		user, from, _ = strings.Cut(r, " FROM ")
	case strings.HasPrefix(m, "ILLEGAL ROOT LOGIN "):
		// shadow's login: root refused on a tty not in /etc/securetty.
		success, rule, user = false, "login.failure", "root"
		var ok bool
		var r string
		if tty, from, r, ok = loginFromHost(m[len("ILLEGAL ROOT LOGIN"):]); !ok || r != "" {
			return false
		}
	case strings.HasPrefix(m, "DIALUP AT "):
		// util-linux login on a dial-up line (/etc/usertty's DIALUP).
		var ok bool
		if tty, user, ok = strings.Cut(m[len("DIALUP AT "):], " BY "); !ok {
			return false
		}
	case strings.HasPrefix(m, "FAILED LOGIN "), strings.HasPrefix(m, "TOO MANY LOGIN TRIES "):
		success, rule = false, "login.failure"
		var ok bool
		if user, tty, from, ok = loginFailure(e, m); !ok {
			return false
		}
	default:
		return decodePAM(e)
	}
	ecs.Begin(e, "login", rule)
	outcome := ecs.OutcomeSuccess
	if !success {
		outcome = ecs.OutcomeFailure
	}
	ecs.ClassAuthStart.Set(e, "login", outcome)
	if user = strings.TrimSpace(user); user != "UNKNOWN" {
		ecs.SetUser(e, "user.name", user)
	}
	e.SetStr("login.tty", strings.TrimSpace(trimQuotes(strings.TrimSpace(tty))))
	if from = strings.TrimSpace(trimQuotes(strings.TrimSpace(from))); from != "" {
		ecs.SetAddress(e, "source", from)
	}
	return true
}

// loginFromHost reads shadow's " on 'TTY'[ from 'HOST']" at the start of s
// and returns what follows.
func loginFromHost(s string) (tty, host, rest string, ok bool) {
	r, ok := strings.CutPrefix(s, " on '")
	if !ok {
		return "", "", s, false
	}
	if tty, r, ok = strings.Cut(r, "'"); !ok {
		return "", "", s, false
	}
	if h, found := strings.CutPrefix(r, " from '"); found {
		if host, r, ok = strings.Cut(h, "'"); !ok {
			return "", "", s, false
		}
	}
	return tty, host, r, true
}

// loginFailure decodes "FAILED LOGIN N|(N)|SESSION FROMHOST FOR USER[, REASON]"
// and "TOO MANY LOGIN TRIES (N) FROMHOST FOR USER[, REASON]", FROMHOST being
// shadow's " on 'TTY'[ from 'HOST']" or util-linux's " FROM HOST|TTY".
func loginFailure(e *event.Event, m string) (user, tty, from string, ok bool) {
	r := strings.TrimPrefix(strings.TrimPrefix(m, "FAILED LOGIN "), "TOO MANY LOGIN TRIES ")
	_, r = ecs.CutWord(r) // the count, or SESSION
	r = " " + r
	if strings.HasPrefix(r, " on '") {
		if tty, from, r, ok = loginFromHost(r); !ok {
			return "", "", "", false
		}
	} else if h, found := strings.CutPrefix(r, " FROM "); found {
		if from, r, ok = strings.Cut(h, " FOR "); !ok {
			return "", "", "", false
		}
		r = " FOR " + r
	}
	u, found := strings.CutPrefix(r, " FOR ")
	if !found {
		return "", "", "", false
	}
	if q, quoted := strings.CutPrefix(u, "'"); quoted {
		// The name was typed and may hold "', "; the reason (pam_strerror)
		// does not, so the last one ends the name.
		if i := strings.LastIndex(q, "', "); i >= 0 {
			user = q[:i]
			e.SetStr("login.reason", strings.TrimSpace(q[i+3:]))
		} else if user, found = strings.CutSuffix(q, "'"); !found {
			return "", "", "", false
		}
	} else {
		user = u
		if i := strings.IndexByte(user, ','); i >= 0 {
			e.SetStr("login.reason", strings.TrimSpace(user[i+1:]))
			user = user[:i]
		}
	}
	if strings.HasPrefix(from, "tty") || strings.HasPrefix(from, "/dev/") {
		tty, from = from, ""
	}
	return user, tty, from, true
}

// decodeSudo decodes sudo's log line "USER : [MESSAGE ; ]TTY=t ; PWD=p ; USER=u ; [GROUP=g ; ]COMMAND=c"
// (also HOST=, TSID=, ENV=), and PAM lines from sudo. MESSAGE is absent for
// a command that ran, else "user NOT in sudoers", "3 incorrect password
// attempts", "command not allowed", "a password is required", ...
func decodeSudo(e *event.Event) bool {
	m := e.Message
	user, rest, ok := strings.Cut(m, " : ")
	user = strings.TrimSpace(user)
	if !ok || user == "" || strings.IndexByte(user, ' ') >= 0 {
		return sudoExecFailed(e, m) || decodePAM(e)
	}
	if strings.HasPrefix(rest, "(command continued) ") {
		ecs.Begin(e, "sudo", "sudo.command_continued")
		ecs.SetUser(e, "user.name", user)
		e.SetStr("sudo.command_continued", rest[len("(command continued) "):])
		return true
	}
	// COMMAND= is last and may contain " ; " itself; only sudo 1.9.8's
	// log_exit_status line follows it with " ; SIGNAL=NAME" and " ; EXIT=N".
	command, full, signal, exit := "", "", "", ""
	if i := strings.Index(rest, "COMMAND="); i >= 0 && (i == 0 || strings.HasSuffix(rest[:i], "; ")) {
		full = rest[i+len("COMMAND="):]
		command, signal, exit = sudoCommandEnd(full)
		rest = strings.TrimSuffix(rest[:i], "; ")
	}
	// sudo before 1.9 ended log_host's item with " : ", not " ; ":
	// "HOST=h1 : TTY=pts/13 ; PWD=...".
	if i := strings.Index(rest, "HOST="); i >= 0 && (i == 0 || strings.HasSuffix(rest[:i], "; ")) {
		if j := strings.Index(rest[i:], " : "); j >= 0 && !strings.Contains(rest[i:i+j], " ; ") {
			rest = rest[:i+j] + " ; " + rest[i+j+len(" : "):]
		}
	}
	msg := ""
	first, _, _ := strings.Cut(rest, " ; ")
	if !sudoKeyValue(first) {
		msg = strings.TrimSpace(first)
	}
	if msg == "" && command == "" {
		return false
	}
	if msg != "" {
		// A refusal is logged before anything ran: it has no exit, and
		// what follows COMMAND= is all the command's.
		command, signal, exit = full, "", ""
	}
	ecs.Begin(e, "sudo", "")
	ecs.SetUser(e, "user.name", user)
	for item := range strings.SplitSeq(rest, " ; ") {
		k, v, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || !sudoKeyValue(item) {
			continue
		}
		switch k {
		case "TTY":
			e.SetStr("sudo.tty", v)
		case "PWD":
			e.SetStr("process.working_directory", v)
		case "USER":
			ecs.SetUser(e, "user.effective.name", v)
		case "GROUP":
			e.SetStr("user.effective.group.name", v)
		case "HOST":
			e.SetStr("sudo.host", v)
		case "TSID":
			e.SetStr("sudo.tsid", v)
		case "ENV":
			e.SetStr("sudo.env", v)
		}
	}
	if command != "" && !sudoPseudo(command) {
		e.SetStr("process.command_line", command)
		exe, _, _ := strings.Cut(command, " ")
		e.SetStr("process.executable", exe)
	}
	switch {
	case msg == "" && (command == "list" || strings.HasPrefix(command, "list ") || command == "validate"):
		return sudoPseudoCommand(e, command)
	case msg == "" && (exit != "" || signal != ""):
		// The command's end: a non-zero status or a signal is a failure.
		ecs.SetRule(e, "sudo.command.exit")
		outcome := ecs.OutcomeSuccess
		if exit != "0" {
			outcome = ecs.OutcomeFailure
		}
		ecs.ClassProcEnd.Set(e, "sudo-command-exit", outcome)
		ecs.SetUint(e, "process.exit_code", exit)
		e.SetStr("sudo.signal", signal)
	case msg == "":
		ecs.SetRule(e, "sudo.command")
		ecs.ClassProcStart.Set(e, "sudo-command", ecs.OutcomeSuccess)
	case strings.Contains(msg, "incorrect password attempt"):
		ecs.SetRule(e, "sudo.auth.failure")
		ecs.ClassAuthStart.Set(e, "sudo-auth", ecs.OutcomeFailure)
		n, _ := ecs.CutWord(msg)
		ecs.SetUint(e, "sudo.attempts", n)
	case strings.Contains(msg, "password is required"), strings.Contains(msg, "authentication failure"):
		ecs.SetRule(e, "sudo.auth.failure")
		ecs.ClassAuthStart.Set(e, "sudo-auth", ecs.OutcomeFailure)
	case strings.Contains(msg, "NOT in sudoers"), strings.Contains(msg, "not allowed"),
		strings.Contains(msg, "NOT authorized"):
		ecs.SetRule(e, "sudo.denied")
		ecs.ClassProcStart.Set(e, "sudo-denied", ecs.OutcomeFailure)
	default:
		// sudo writes a reason before TTY= only when it did not run the
		// command ("unknown user: x", "no tty present and no askpass
		// program specified", "pam_open_session: ..."): a failure.
		ecs.SetRule(e, "sudo.other")
		ecs.ClassProcStart.Set(e, "sudo-failed", ecs.OutcomeFailure)
	}
	e.SetStr("sudo.message", msg)
	return true
}

// sudoPseudo reports whether COMMAND= names no program but what sudo -l
// ("list", "list /bin/ls" for sudo -l CMD) or sudo -v ("validate") did.
func sudoPseudo(command string) bool {
	return command == "list" || command == "validate" || strings.HasPrefix(command, "list ")
}

// sudoPseudoCommand classes sudo -l (a user listing their privileges) and
// sudo -v (a user authenticating to extend sudo's timestamp), which ran
// nothing: sudo.command keeps the pseudo-command.
func sudoPseudoCommand(e *event.Event, command string) bool {
	if command == "validate" {
		ecs.SetRule(e, "sudo.validate")
		ecs.ClassAuthStart.Set(e, "sudo-auth", ecs.OutcomeSuccess)
	} else {
		ecs.SetRule(e, "sudo.list")
		ecs.ClassProcInfo.Set(e, "sudo-list", ecs.OutcomeSuccess)
	}
	e.SetStr("sudo.command", command)
	return true
}

// sudoCommandEnd splits COMMAND='s value from the " ; SIGNAL=NAME" and
// " ; EXIT=N" sudo's eventlog appends, in that order, to a command's exit
// line (lib/eventlog/eventlog.c new_logline; plugins/sudoers/logging.c
// log_exit_status). An argument holding a space is quoted, but sudo does
// not escape ";": "sudo /bin/echo ';' 'EXIT=0'" is logged as "COMMAND=
// /bin/echo ; EXIT=0", byte for byte the exit line of "sudo /bin/echo".
// What sudo itself writes is told from such arguments where the line
// allows it: EXIT is a decimal status of 0-255 without leading zeros (else
// the line is a command's start, all of it the command); a SIGNAL is
// always followed by EXIT, the signal's number | 128, and is named
// without "SIG" (sig2str: "TERM", "RTMIN+3") or by its number (else it is
// the command's). A forged end
// that obeys these rules cannot be told from sudo's on one line: the
// command's own start line, without that end, is the tell (docs/coverage.md).
func sudoCommandEnd(command string) (cmd, signal, exit string) {
	i := strings.LastIndex(command, " ; EXIT=")
	if i < 0 || !sudoExitValue(command[i+len(" ; EXIT="):]) {
		return command, "", ""
	}
	cmd, exit = command[:i], command[i+len(" ; EXIT="):]
	if j := strings.LastIndex(cmd, " ; SIGNAL="); j >= 0 && !strings.Contains(cmd[j+len(" ; SIGNAL="):], " ") {
		// A SIGNAL= that does not go with the EXIT is the command's
		// (then the EXIT alone may be sudo's, as on any exit line).
		if v := cmd[j+len(" ; SIGNAL="):]; sudoSignalExit(v, exit) {
			cmd, signal = cmd[:j], v
		}
	}
	return cmd, signal, exit
}

// sudoExitValue reports whether v is how sudo prints an exit value: "%d"
// of WEXITSTATUS (0-255) or of a signal's number | 128.
func sudoExitValue(v string) bool {
	if v == "" || len(v) > 3 || !ecs.IsDigits(v) || (v[0] == '0' && v != "0") {
		return false
	}
	n, _ := strconv.Atoi(v)
	return n <= 255
}

// sudoSignalExit reports whether signal and exit are a pair sudo writes:
// exit is the signal's number | 128, the number given or, for the
// signals whose numbers POSIX systems share, known from the name.
func sudoSignalExit(signal, exit string) bool {
	n, _ := strconv.Atoi(exit)
	if n < 128 || signal == "" || strings.HasPrefix(signal, "SIG") {
		return false
	}
	if ecs.IsDigits(signal) {
		s, err := strconv.Atoi(signal)
		return err == nil && s|128 == n
	}
	for i := 0; i < len(signal); i++ {
		if c := signal[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-') {
			return false
		}
	}
	if s, ok := posixSignals[signal]; ok {
		return s|128 == n
	}
	return true
}

// posixSignals are the signal numbers every Unix sudo runs on shares.
var posixSignals = map[string]int{
	"HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "FPE": 8,
	"KILL": 9, "SEGV": 11, "PIPE": 13, "ALRM": 14, "TERM": 15,
}

// sudoExecFailed decodes "unable to execute PATH: ERROR", sudo's error
// when the exec of a program fails (the command, or the mailer it runs
// to send an alert): process/start failure.
func sudoExecFailed(e *event.Event, m string) bool {
	r, ok := strings.CutPrefix(m, "unable to execute ")
	i := strings.LastIndex(r, ": ")
	if !ok || i <= 0 || !strings.HasPrefix(r, "/") || strings.TrimSpace(r[i+2:]) == "" {
		return false
	}
	ecs.Begin(e, "sudo", "sudo.exec_failed")
	ecs.ClassProcStart.Set(e, "sudo-failed", ecs.OutcomeFailure)
	e.SetStr("process.executable", r[:i])
	e.SetStr("error.message", r[i+2:])
	return true
}

// sudoKeyValue reports whether item is "KEY=value" with an upper-case KEY.
func sudoKeyValue(item string) bool {
	item = strings.TrimSpace(item)
	i := strings.IndexByte(item, '=')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		if c := item[j]; (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}
