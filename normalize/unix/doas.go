package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// doas (OpenBSD's, and its ports to Linux: OpenDoas), doas.c:
//
//	USER ran command CMDLINE as TARGET from CWD      (since 2015-07; CWD "(failed)" when unknown)
//	USER ran command as TARGET: CMDLINE              (the first release)
//	command not permitted for USER: CMDLINE          (failed command for USER: CMDLINE before 2016)
//	failed auth for USER
//	tty required for USER
//
// As for sudo, user.name is the invoking user and user.effective.name the
// identity the command ran as.

func decodeDoas(e *event.Event) bool {
	m := e.Message
	for _, p := range [...]string{"command not permitted for ", "failed command for "} {
		if r, ok := strings.CutPrefix(m, p); ok {
			user, cmd, ok := strings.Cut(r, ": ")
			if !ok || !doasUser(user) {
				return false
			}
			ecs.Begin(e, "doas", "doas.denied")
			ecs.ClassProcStart.Set(e, "doas-denied", ecs.OutcomeFailure)
			ecs.SetUser(e, "user.name", user)
			doasCommand(e, cmd)
			return true
		}
	}
	if user, ok := strings.CutPrefix(m, "failed auth for "); ok && doasUser(user) {
		ecs.Begin(e, "doas", "doas.auth.failure")
		ecs.ClassAuthStart.Set(e, "doas-auth", ecs.OutcomeFailure)
		ecs.SetUser(e, "user.name", user)
		return true
	}
	if user, ok := strings.CutPrefix(m, "tty required for "); ok && doasUser(user) {
		ecs.Begin(e, "doas", "doas.tty_required")
		ecs.ClassAuthStart.Set(e, "doas-auth", ecs.OutcomeFailure)
		ecs.SetUser(e, "user.name", user)
		e.SetStr("event.reason", "tty required")
		return true
	}
	user, r, ok := strings.Cut(m, " ran command ")
	if !ok || !doasUser(user) {
		return false
	}
	var target, cmd, cwd string
	t, old := strings.CutPrefix(r, "as ")
	if old {
		// The first release: "as TARGET: CMDLINE" (and not a command
		// named "as": its next word has no colon).
		w, rest := ecs.CutWord(t)
		target, old = strings.CutSuffix(w, ":")
		cmd = rest
	}
	if !old {
		// CMDLINE may hold " as " and " from ": CWD is after the last
		// " from ", TARGET (one word) before it.
		i := strings.LastIndex(r, " from ")
		if i < 0 {
			return false
		}
		j := strings.LastIndex(r[:i], " as ")
		if j < 0 {
			return false
		}
		cmd, target, cwd = r[:j], r[j+len(" as "):i], r[i+len(" from "):]
	}
	if !doasUser(target) || cmd == "" {
		return false
	}
	ecs.Begin(e, "doas", "doas.command")
	ecs.ClassProcStart.Set(e, "doas-command", ecs.OutcomeSuccess)
	ecs.SetUser(e, "user.name", user)
	ecs.SetUser(e, "user.effective.name", target)
	doasCommand(e, cmd)
	if cwd != "(failed)" {
		e.SetStr("process.working_directory", cwd)
	}
	return true
}

// doasUser reports whether s can be a user name: one word.
func doasUser(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t:")
}

// doasCommand sets the command line and, when its first word is a path,
// process.executable: doas logs argv as given and finds a bare name
// ("psql") in PATH itself, unlike sudo's resolved COMMAND=.
func doasCommand(e *event.Event, cmd string) {
	e.SetStr("process.command_line", cmd)
	if exe, _, _ := strings.Cut(cmd, " "); strings.HasPrefix(exe, "/") {
		e.SetStr("process.executable", exe)
	}
}
