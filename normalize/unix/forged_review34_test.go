package unix

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// sudo writes its items in one order (eventlog.c new_logline: HOST, TTY,
// CHROOT, PWD, USER, GROUP, TSID, ENV, COMMAND) and escapes none of the
// " ; " in their values: a directory a user made and sudo'd from
// ("PWD=/tmp/x ; COMMAND=/bin/evil") or an argument holds items of its
// own. A line whose items cannot be the order sudo writes holds forged
// ones: the fields after the first value a user chooses (PWD, CHROOT,
// ENV) are not set, nor the command's, when the line can be read two
// ways; the fields before it and the reason are sudo's.
func TestSudoForgedItems(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want map[string]string
	}{
		{ // a directory named "x ; COMMAND=/bin/evil"
			"alice : TTY=pts/0 ; PWD=/tmp/x ; COMMAND=/bin/evil ; USER=root ; COMMAND=/bin/ls",
			map[string]string{"user.name": "alice", "sudo.tty": "pts/0", "process.executable": "", "process.command_line": "",
				"user.effective.name": "", "process.working_directory": "", "event.action": "sudo-command"},
		},
		{ // a directory named "x ; GROUP=wheel": the real USER follows it
			"alice : TTY=pts/0 ; PWD=/tmp/x ; GROUP=wheel ; USER=root ; COMMAND=/bin/ls",
			map[string]string{"user.effective.group.name": "", "user.effective.name": "", "process.working_directory": ""},
		},
		{ // a directory named "x ; USER=root ; COMMAND=/bin/evil", run as bob
			"alice : TTY=pts/0 ; PWD=/tmp/x ; USER=root ; COMMAND=/bin/evil ; USER=bob ; COMMAND=/bin/ls",
			map[string]string{"user.effective.name": "", "process.executable": "", "process.command_line": ""},
		},
		{ // a directory named "x ; TTY=console": TTY comes before PWD
			"alice : TTY=pts/0 ; PWD=/tmp/x ; TTY=console ; USER=root ; COMMAND=/bin/ls",
			map[string]string{"sudo.tty": "pts/0", "user.effective.name": ""},
		},
		{ // a refusal: the reason stays, the forged items do not
			"alice : command not allowed ; TTY=pts/0 ; PWD=/tmp/x ; USER=root ; USER=bob ; COMMAND=/bin/ls",
			map[string]string{"event.outcome": "failure", "sudo.message": "command not allowed", "user.effective.name": ""},
		},
		{ // sudo's own line, every item once in its order, is read whole
			"alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; GROUP=wheel ; TSID=000001 ; COMMAND=/bin/ls -l",
			map[string]string{"user.effective.name": "root", "user.effective.group.name": "wheel", "sudo.tsid": "000001",
				"process.working_directory": "/home/alice", "process.executable": "/bin/ls", "process.command_line": "/bin/ls -l"},
		},
		{ // an argument with a space is quoted by sudo: one command
			"alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/sh -c 'ls ; USER=bob'",
			map[string]string{"user.effective.name": "root", "process.command_line": "/bin/sh -c 'ls ; USER=bob'"},
		},
	} {
		e := &event.Event{AppName: "sudo", Message: c.msg}
		if !decodeSudo(e) {
			t.Errorf("%q: not decoded", c.msg)
			continue
		}
		for k, want := range c.want {
			if got := e.Str(k); got != want {
				t.Errorf("%q: %s = %q, want %q", c.msg, k, got, want)
			}
		}
	}
}

// sudo's JSON has each member once (sudo_json_add_value); a line with a
// member twice is not sudo's writing, whose first copy the JSON walker
// (normalize/gateway) reads and encoding/json's map its last: not read
// as sudo's (the JSON decoder takes it), whatever the name's escapes.
func TestSudoJSONDuplicateMembers(t *testing.T) {
	for _, m := range []string{
		`@cee:{"sudo":{"accept":{"submituser":"alice","runuser":"bob","command":"/bin/ls","submituser":"root"}}}`,
		`@cee:{"sudo":{"accept":{"submituser":"alice","command":"/bin/ls","submit\u0075ser":"root"}}}`,
		`@cee:{"sudo":{"accept":{"submituser":"alice","command":"/bin/ls"},"accept":{"submituser":"root","command":"/bin/sh"}}}`,
		`@cee:{"sudo":{"accept":{"submituser":"alice","command":"/bin/ls"}},"sudo":{"accept":{"submituser":"root","command":"/bin/sh"}}}`,
	} {
		if e := (&event.Event{AppName: "sudo", Message: m}); decodeSudo(e) {
			t.Errorf("%q: decoded as sudo's (user.name %q)", m, e.Str("user.name"))
		}
	}
	// Names in nested objects and strings that hold a name are no duplicates.
	m := `@cee:{"sudo":{"accept":{"submituser":"alice","command":"/bin/echo","runargv":["echo","\"submituser\":"],"server_time":{"seconds":1,"nanoseconds":2},"submit_time":{"seconds":1,"nanoseconds":2}}}}`
	e := &event.Event{AppName: "sudo", Message: m}
	if !decodeSudo(e) || e.Str("user.name") != "alice" {
		t.Errorf("%q: not decoded, or user.name %q", m, e.Str("user.name"))
	}
}

// sulog's and old shadow su's "FROM-TO": a name may hold '-', so a pair
// with more than one '-' can be split in more than one place; it names
// neither user (a wrong name is worse than none).
func TestSuLogDashedNames(t *testing.T) {
	for msg, want := range map[string][2]string{
		"SU 12/07 10:00 + pts/1 alice-root":      {"alice", "root"},
		"SU 12/07 10:00 - pts/1 alice-db-admin":  {"", ""},
		"SU 12/07 10:00 + pts/1 svc-backup-root": {"", ""},
		"SU 12/07 10:00 + pts/1 alice-":          {"", ""},
		"SU 12/07 10:00 + pts/1 alice:db-admin":  {"alice", "db-admin"}, // ':' is in no name
		"SU 12/07 10:00 + pts/1 svc-backup:root": {"svc-backup", "root"},
	} {
		e := &event.Event{Message: msg}
		if !decodeSuLog(e) {
			t.Errorf("%q: not decoded", msg)
			continue
		}
		if got := [2]string{e.Str("user.name"), e.Str("user.effective.name")}; got != want {
			t.Errorf("%q: user.name, user.effective.name %q, want %q", msg, got, want)
		}
	}
}

// "Could not get shadow information for U" (auth-shadow.c) is a lookup
// during a login whose own line says how it ended (auth_shadow_pwexpired
// returns "not expired" and the login goes on): no outcome of its own.
func TestSSHDShadowLookupNoOutcome(t *testing.T) {
	e := &event.Event{AppName: "sshd", Message: "Could not get shadow information for alice"}
	if !decodeSSHD(e) {
		t.Fatal("not decoded")
	}
	if got := e.Str("event.outcome"); got != "" {
		t.Errorf("event.outcome %q, want none", got)
	}
	if got := e.Str("user.name"); got != "alice" {
		t.Errorf("user.name %q, want alice", got)
	}
}

// sudo's log file wraps a line at 80 columns by default (loglinelen),
// at a space, and indents the rest on lines of their own: a line that
// fits in 80 columns with its time may be the first of several, and its
// COMMAND= the command's first words only. Its executable is whole (a
// wrap falls at a space); its command line is not sure.
func TestSudoFileWrappedCommand(t *testing.T) {
	for _, c := range []struct {
		app, msg, exe, line string
	}{
		// 75 columns with the time: "    install nginx" may follow
		{"", "bob : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/apt", "/usr/bin/apt", ""},
		{"sudo", "Dec  7 12:01:47 : bob : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/apt", "/usr/bin/apt", ""},
		// past 80 columns: sudo did not wrap it (loglinelen=0)
		{"", "bob : TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/apt install nginx", "/usr/bin/apt", "/usr/bin/apt install nginx"},
		// ended by sudo's EXIT=: whole
		{"", "bob : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/ls ; EXIT=0", "/bin/ls", "/bin/ls"},
		// syslog's line is never wrapped
		{"sudo", "bob : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/usr/bin/apt", "/usr/bin/apt", "/usr/bin/apt"},
	} {
		e := &event.Event{AppName: c.app, Message: c.msg}
		if !decodeSudo(e) {
			t.Errorf("%q: not decoded", c.msg)
			continue
		}
		if got := [2]string{e.Str("process.executable"), e.Str("process.command_line")}; got != [2]string{c.exe, c.line} {
			t.Errorf("%q (program %q): process.executable, command_line %q, want %q", c.msg, c.app, got, [2]string{c.exe, c.line})
		}
	}
}

// sudo splits a syslog line longer than syslog_maxlen (960 with the
// "%8s : " before it) at a space, the rest on "(command continued)"
// lines: a line that long may hold the command's first words only.
func TestSudoSyslogSplitCommand(t *testing.T) {
	head := "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/rsync -a"
	long := head + strings.Repeat(" /srv/data/dir", (940-len(head))/14)
	for _, c := range []struct{ msg, line string }{
		{long, ""}, // may go on, on a "(command continued)" line
		{long + " ; EXIT=0", long[len("alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND="):]}, // sudo ended it
		{head + " /srv/a /srv/b", "/usr/bin/rsync -a /srv/a /srv/b"},
	} {
		e := &event.Event{AppName: "sudo", Message: c.msg}
		if !decodeSudo(e) {
			t.Errorf("%d bytes: not decoded", len(c.msg))
			continue
		}
		if got := e.Str("process.command_line"); got != c.line || e.Str("process.executable") != "/usr/bin/rsync" {
			t.Errorf("%d bytes: process.command_line %q (executable %q), want %q", len(c.msg), got, e.Str("process.executable"), c.line)
		}
	}
}

// A reason may hold what a user typed: "sudo -u 'x ; HOST=evil'" is
// logged as "unknown user x ; HOST=evil ; TTY=..." and, with log_host
// off, its HOST= comes where sudo's own would. The USER= item repeats the
// name, so the line reads out of order: then no item after the reason is
// read (each follows the typed value), the reason and failure stay.
func TestSudoReasonHoldsTypedName(t *testing.T) {
	for _, m := range []string{
		"alice : unknown user x ; HOST=evil ; TTY=pts/0 ; PWD=/home/alice ; USER=x ; HOST=evil ; COMMAND=/bin/ls",
		"alice : unknown user: x ; HOST=evil ; TTY=pts/0 ; PWD=/home/alice ; USER=x ; HOST=evil ; COMMAND=/bin/ls",
		"alice : unknown group x ; TTY=console ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; GROUP=x ; TTY=console ; COMMAND=/bin/ls",
	} {
		e := &event.Event{AppName: "sudo", Message: m}
		if !decodeSudo(e) {
			t.Errorf("%q: not decoded", m)
			continue
		}
		for k, want := range map[string]string{"sudo.host": "", "sudo.tty": "", "user.name": "alice", "event.outcome": "failure"} {
			if got := e.Str(k); got != want {
				t.Errorf("%q: %s = %q, want %q", m, k, got, want)
			}
		}
	}
}
