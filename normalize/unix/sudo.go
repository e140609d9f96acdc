package unix

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sudo (and sudo_logsrvd, which logs the events it receives in the same
// form): plugins/sudoers/logging.c, lib/eventlog/eventlog.c.

// decodeSudo decodes sudo's log line "USER : [MESSAGE ; ]TTY=t ; PWD=p ; USER=u ; [GROUP=g ; ]COMMAND=c"
// (also HOST=, TSID=, ENV=), and PAM lines from sudo. MESSAGE is absent for
// a command that ran, else "user NOT in sudoers", "3 incorrect password
// attempts", "command not allowed", "a password is required", ...
func decodeSudo(e *event.Event) bool {
	m := e.Message
	if strings.HasPrefix(m, "@cee:") {
		return sudoJSON(e, m)
	}
	// The length of a log file's line with its time (-1: a syslog line).
	fileLine := -1
	if t := sudoFileTime(m); t != m {
		fileLine, m = len(m), t
	} else if e.AppName == "" { // the parser took the time for the header's
		fileLine = len("Mmm dd hh:mm:ss : ") + len(m)
	}
	user, rest, ok := strings.Cut(m, " : ")
	user = strings.TrimSpace(user)
	if !ok || user == "" || strings.IndexByte(user, ' ') >= 0 {
		return sudoExecFailed(e, m) || decodePAM(e)
	}
	syslogLine := len(rest) // the text after "%8s : " that sudo splits
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
	// A line sudo wrapped (its log file's loglinelen) ends with the
	// separator of the item on the next line: "USER=root ;".
	rest = strings.TrimSuffix(strings.TrimRight(rest, " "), " ;")
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
	// Items after a value a user chose can be forged (sudoItemsForged):
	// then only those before it are read, and no command.
	// The line's end (" ; EXIT=N") is still sudo's, as on any line.
	forged := sudoItemsForged(rest, full)
	if forged {
		command = ""
	}
	ecs.Begin(e, "sudo", "")
	ecs.SetUser(e, "user.name", user)
	for item := range strings.SplitSeq(rest, " ; ") {
		k, v, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || !sudoKeyValue(item) {
			continue
		}
		// A reason may hold a value a user typed ("unknown user NAME",
		// the runas name of sudo -u): on a forged line every item
		// follows a chosen value, none is read.
		if forged && (msg != "" || sudoItemOrder(k) >= sudoFirstChosen) {
			break
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
		case "CHROOT":
			// The root directory the command ran in (sudo -R,
			// sudoers' runchroot; 1.9.3 on).
			e.SetStr("sudo.chroot", v)
		case "TSID":
			e.SetStr("sudo.tsid", v)
		case "ENV":
			e.SetStr("sudo.env", v)
		}
	}
	if command != "" && !sudoPseudo(command) {
		if !sudoCommandMayBeCut(fileLine, syslogLine, exit) {
			e.SetStr("process.command_line", command)
		}
		exe, _, _ := strings.Cut(command, " ")
		e.SetStr("process.executable", exe)
	}
	sudoClassify(e, msg, command, signal, exit)
	return true
}

// sudoItemOrder is the place of item k in the order in which sudo
// writes its items (lib/eventlog/eventlog.c new_logline), each at most
// once; 0 for an item this decoder does not read.
func sudoItemOrder(k string) int {
	switch k {
	case "HOST":
		return 1
	case "TTY":
		return 2
	case "CHROOT":
		return 3
	case "PWD":
		return 4
	case "USER":
		return 5
	case "GROUP":
		return 6
	case "TSID":
		return 7
	case "ENV":
		return 8
	}
	return 0
}

// sudoFirstChosen is the order of the first item whose value a user
// chooses (sudo -R's root, the directory sudo was run from, the
// variables given; the command's arguments come last).
const sudoFirstChosen = 3

// sudoItemsForged reports whether the items before COMMAND= (rest) and
// the text after it (command) hold items sudo did not write: sudo
// escapes no " ; " in a value, so a directory named "x ; COMMAND=/bin/sh"
// or "x ; USER=root", or the arguments "';' COMMAND=/bin/sh", make items
// of their own. sudo writes each item once and in its order, and always
// USER= after PWD=, so an item inside a chosen value comes twice or out
// of order; a second COMMAND= may be the first's arguments or the
// directory's: the line can be read two ways, and no reading is sure.
func sudoItemsForged(rest, command string) bool {
	if strings.Contains(command, " ; COMMAND=") {
		return true
	}
	last := 0
	for item := range strings.SplitSeq(rest, " ; ") {
		k, _, _ := strings.Cut(strings.TrimSpace(item), "=")
		n := sudoItemOrder(k) // 0 for the reason, first, and items not read
		if n == 0 {
			continue
		}
		if n <= last {
			return true
		}
		last = n
	}
	return false
}

// sudoClassify sets the rule and class of a sudo event from its reason
// (msg: empty for a command sudo ran), its command and, for a command's
// end, its exit status and signal; the text and JSON forms share it.
func sudoClassify(e *event.Event, msg, command, signal, exit string) {
	switch {
	case msg == "" && sudoPseudo(command):
		sudoPseudoCommand(e, command)
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
	case strings.Contains(msg, "password is required"), strings.EqualFold(msg, "authentication failure"),
		strings.HasPrefix(msg, "pam_authenticate: "), strings.HasPrefix(msg, "PAM authentication error: "):
		ecs.SetRule(e, "sudo.auth.failure")
		ecs.ClassAuthStart.Set(e, "sudo-auth", ecs.OutcomeFailure)
	case sudoReasonIn(msg, sudoAccountReasons):
		// PAM's account step refused the user (plugins/sudoers/auth/pam.c).
		ecs.SetRule(e, "sudo.account")
		ecs.ClassAuthInfo.Set(e, "sudo-account", ecs.OutcomeFailure)
	case sudoReasonIn(msg, sudoConfigReasons):
		// A warning about sudoers that does not stop sudo: the command
		// may still run, so no outcome.
		ecs.SetRule(e, "sudo.config")
		classConfigInfo.Set(e, "sudo-config-error", "")
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
}

// sudo's own log file (sudoers "Defaults logfile=/var/log/sudo.log"):
// "TIME : USER : ITEMS" (eventlog.c do_logfile_sudo), which the parser
// reads as a timestamp and a message without a program. Only a line that
// sudo did not wrap (loglinelen=0; the default wraps at 80 columns and
// indents the rest) holds a whole event.
var gateSudoFile = ecs.SniffGate{Also: func(e *event.Event) bool { return e.AppName == "" && sniffSudoFile(e) }}

// sniffSudoFile takes a line without a program whose message is
// "USER : " and items of sudo's ("TTY=", "COMMAND=" after " ; ").
func sniffSudoFile(e *event.Event) bool {
	if e.AppName != "" {
		return false
	}
	user, rest, ok := strings.Cut(e.Message, " : ")
	if !ok || user == "" || strings.IndexByte(user, ' ') >= 0 {
		return false
	}
	return strings.HasPrefix(rest, "TTY=") || strings.HasPrefix(rest, "HOST=") ||
		strings.Contains(rest, " ; TTY=") || strings.Contains(rest, " ; COMMAND=")
}

// sudoLogLineLen is sudoers' loglinelen by default: the log file's
// lines longer than it are wrapped at a space before it, the rest
// written on lines of their own, indented.
const sudoLogLineLen = 80

// sudoCommandMayBeCut reports whether COMMAND= may hold the command's
// first words only (its executable is whole: a cut falls at a space):
// a log file's line of fileLine bytes with its time, of sudoLogLineLen
// or less, may be the first of a wrapped event; a syslog line (fileLine
// -1) whose text after "USER : " is syslogLine bytes, near
// sudoSyslogMaxLen, the first part of a split one. A line ended by
// sudo's EXIT= holds its whole command.
func sudoCommandMayBeCut(fileLine, syslogLine int, exit string) bool {
	switch {
	case exit != "":
		return false
	case fileLine >= 0:
		return fileLine <= sudoLogLineLen
	}
	return syslogLine > sudoSyslogMaxLen-sudoSplitSlack && syslogLine <= sudoSyslogMaxLen
}

// sudoSyslogMaxLen is sudoers' syslog_maxlen by default: a syslog line
// longer than it (with "%8s : " and the user before it) is split at the
// last space before it, the rest logged as "USER : (command continued)
// REST" (eventlog.c do_syslog_sudo).
const sudoSyslogMaxLen = 960

// sudoSplitSlack is how far before sudoSyslogMaxLen a split may fall: the
// length of the word that did not fit. A longer word (and a configured
// syslog_maxlen) is not foreseen.
const sudoSplitSlack = 256

// sudoFileTime removes the time sudo's log file starts its lines with
// ("Dec  7 12:01:47 : ", or "Dec  7 12:01:47 2026 : " with log_year),
// which stays in the message when a file reader sends the line with a
// tag of its own (rsyslog's imfile, Tag="sudo").
func sudoFileTime(m string) string {
	// "Mmm dd hh:mm:ss" is 15 bytes; then " : " or " YYYY : ".
	if len(m) < 18 || m[3] != ' ' || m[6] != ' ' || m[9] != ':' || m[12] != ':' {
		return m
	}
	rest := m[15:]
	if len(rest) >= 8 && rest[0] == ' ' && ecs.IsDigits(rest[1:5]) {
		rest = rest[5:]
	}
	if r, ok := strings.CutPrefix(rest, " : "); ok && ecs.IsDigits(m[7:9]+m[10:12]+m[13:15]) {
		return r
	}
	return m
}

// sudoAccountReasons begin the reasons sudo logs when PAM's account
// management refuses the user (auth/pam.c, 1.8 and 1.9).
var sudoAccountReasons = []string{
	"account validation failure",
	"Account or password is expired",
	"Password expired, contact your system administrator",
	"Account expired or PAM config lacks",
	"unable to change expired password: ",
	"PAM account management error: ",
	"pam_acct_mgmt: ",
}

// sudoConfigReasons begin the warnings about sudoers sudo logs and goes
// on after (sudoers.c, defaults.c, timestamp.c).
var sudoConfigReasons = []string{
	"problem with defaults entries",
	"parse error in ",
	"unknown defaults entry ",
	"timestamp owner (",
}

func sudoReasonIn(msg string, reasons []string) bool {
	for _, r := range reasons {
		if strings.HasPrefix(msg, r) {
			return true
		}
	}
	return false
}

var classConfigInfo = ecs.NewClass(ecs.Cats(ecs.CatConfiguration), ecs.TypeInfo)

// sudoPseudo reports whether COMMAND= names no program but what sudo -l
// ("list", "list /bin/ls" for sudo -l CMD) or sudo -v ("validate") did.
func sudoPseudo(command string) bool {
	return command == "list" || command == "validate" || strings.HasPrefix(command, "list ")
}

// sudoPseudoCommand classes sudo -l (a user listing their privileges) and
// sudo -v (a user authenticating to extend sudo's timestamp), which ran
// nothing: sudo.command keeps the pseudo-command.
func sudoPseudoCommand(e *event.Event, command string) {
	if command == "validate" {
		ecs.SetRule(e, "sudo.validate")
		ecs.ClassAuthStart.Set(e, "sudo-auth", ecs.OutcomeSuccess)
	} else {
		ecs.SetRule(e, "sudo.list")
		ecs.ClassProcInfo.Set(e, "sudo-list", ecs.OutcomeSuccess)
	}
	e.SetStr("sudo.command", command)
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
