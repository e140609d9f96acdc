package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Account management: shadow-utils (useradd, userdel, usermod, groupadd,
// groupdel, groupmod, passwd, chpasswd, chfn, chsh, chage, gpasswd,
// newusers) and SUSE pwdutils ("new account added - account=fred, ...").
// The account acted on is user.target.*, the group group.*; the actor,
// when the line names one, is user.name (or user.id for pwdutils' by=UID).
//
// One useradd writes several lines; only the one that states the fact is a
// creation ("new user:", "new group:"); the per-file lines ("group added
// to /etc/group", "... to /etc/gshadow", groupdel's "removed from") are
// type info, so counting creations counts accounts. Lines that come in an
// /etc/group and an /etc/gshadow form with no summary line (userdel's
// "removed [shadow ]group", useradd's "add 'x' to [shadow ]group") are
// typed alike; the gshadow one carries file.path /etc/gshadow.

var shadowPrograms = []string{"useradd", "userdel", "usermod", "groupadd", "groupdel", "groupmod",
	"passwd", "chpasswd", "chfn", "chsh", "chage", "gpasswd", "newusers", "chgpasswd", "adduser", "deluser", "newgrp", "sg"}

func decodeShadow(e *event.Event) bool {
	m := shadowText(e.Message)
	if strings.HasPrefix(m, "pam_") {
		return decodePAM(e)
	}
	if what, kv, ok := strings.Cut(m, " - "); ok && strings.Contains(kv, "=") && !strings.ContainsAny(what, "=:'") {
		return decodePwdutils(e, m)
	}
	// Newer shadow-utils (Debian 11 on) end their lines with ", from=TTY" (the
	// terminal the tool ran on); cut it so that it is part of no name.
	from := ""
	if i := strings.LastIndex(m, ", from="); i >= 0 && !strings.ContainsAny(m[i+len(", from="):], " ,'") {
		m, from = m[:i], m[i+len(", from="):]
	}
	prog := programOf(e)
	if prog == "gpasswd" {
		return decodeGpasswd(e, prog, m)
	}
	if shadowFormLine(e, prog, m) {
		e.SetStr("shadow.from", from)
		return true
	}
	word, rest := ecs.CutWord(m)
	if read, ok := shadowReaders[word]; ok && read(e, prog, word, rest) {
		e.SetStr("shadow.from", from)
		return true
	}
	return false
}

// shadowReaders read a shadow-utils line by its first word (the tools
// write "new user: ...", "delete user 'x'", "changed user 'x' ...").
var shadowReaders = map[string]func(e *event.Event, prog, word, rest string) bool{
	"new":      shadowNew,
	"group":    shadowGroupLine,
	"delete":   shadowDelete,
	"add":      shadowAdd,
	"removed":  shadowRemoved,
	"change":   shadowUsermod,
	"lock":     shadowUsermod,
	"unlock":   shadowUsermod,
	"changed":  shadowChanged,
	"password": shadowPassword,
	"failed":   shadowFailed,
}

// shadowNew reads "new user: ..." and "new group: ..." (useradd, groupadd).
func shadowNew(e *event.Event, prog, _, rest string) bool {
	switch {
	case strings.HasPrefix(rest, "user: "):
		shadowBegin(e, prog, "useradd.new_user", ecs.ClassUserCreate, "user-create")
		kv := rest[len("user: "):]
		ecs.SetUser(e, "user.target.name", kvComma(kv, "name"))
		e.SetStr("user.target.id", kvComma(kv, "UID"))
		e.SetStr("user.target.group.id", kvComma(kv, "GID"))
		e.SetStr("shadow.home", kvComma(kv, "home"))
		e.SetStr("shadow.shell", kvComma(kv, "shell"))
		e.SetStr("shadow.from", kvComma(kv, "from"))
		return true
	case strings.HasPrefix(rest, "group: "):
		shadowBegin(e, prog, "groupadd.new_group", ecs.ClassGroupCreate, "group-create")
		kv := rest[len("group: "):]
		e.SetStr("group.name", kvComma(kv, "name"))
		e.SetStr("group.id", kvComma(kv, "GID"))
		return true
	}
	return false
}

// shadowGroupLine reads "group added to FILE: ...", "group 'x' removed [from FILE]",
// "group changed in FILE (...)" and "group password of x changed by y".
func shadowGroupLine(e *event.Event, prog, _, rest string) bool {
	switch {
	case strings.HasPrefix(rest, "added to "):
		// group added to /etc/group: name=tsg, GID=1003
		file, kv, ok := strings.Cut(rest[len("added to "):], ": ")
		if !ok {
			return false
		}
		shadowBegin(e, prog, "groupadd.file", ecs.ClassGroupInfo, "group-create")
		e.SetStr("group.name", kvComma(kv, "name"))
		e.SetStr("group.id", kvComma(kv, "GID"))
		e.SetStr("file.path", file)
		return true
	case strings.HasPrefix(rest, "'"):
		// group 'fleet' removed from /etc/group | group 'fleet' removed
		name, r, ok := cutQuoted(rest)
		if !ok || !strings.HasPrefix(r, "removed") {
			return false
		}
		if file, ok := strings.CutPrefix(r, "removed from "); ok {
			// Per-file lines, /etc/group and /etc/gshadow alike, as
			// groupadd's: "group 'x' removed" states the deletion.
			shadowBegin(e, prog, "groupdel.file", ecs.ClassGroupInfo, "group-delete")
			e.SetStr("file.path", file)
		} else {
			shadowBegin(e, prog, "groupdel.group_removed", ecs.ClassGroupDelete, "group-delete")
		}
		e.SetStr("group.name", name)
		return true
	case strings.HasPrefix(rest, "changed in "):
		// group changed in /etc/group (group x/1001, new name: y)
		shadowBegin(e, prog, "groupmod.change", ecs.ClassGroupChange, "group-change")
		if i := strings.Index(rest, "(group "); i >= 0 {
			g := rest[i+len("(group "):]
			g, _, _ = strings.Cut(g, ",")
			name, id, _ := strings.Cut(g, "/")
			e.SetStr("group.name", name)
			e.SetStr("group.id", strings.TrimSuffix(id, ")"))
		}
		return true
	case strings.HasPrefix(rest, "password of "):
		shadowBegin(e, prog, "gpasswd.password", ecs.ClassGroupChange, "group-change")
		g, _ := ecs.CutWord(rest[len("password of "):])
		e.SetStr("group.name", g)
		if i := strings.Index(rest, " by "); i >= 0 {
			ecs.SetUser(e, "user.name", strings.TrimSpace(rest[i+len(" by "):]))
		}
		return true
	}
	return false
}

// shadowDelete reads "delete user 'x'" (userdel) and "delete 'x' from [shadow ]group 'y'".
func shadowDelete(e *event.Event, prog, _, rest string) bool {
	switch {
	case strings.HasPrefix(rest, "user '"):
		name, _, ok := cutQuoted(rest[len("user "):])
		if !ok {
			return false
		}
		shadowBegin(e, prog, "userdel.delete_user", ecs.ClassUserDelete, "user-delete")
		ecs.SetUser(e, "user.target.name", name)
		return true
	case strings.HasPrefix(rest, "'"):
		// delete 'alice' from [shadow ]group 'wheel'
		return shadowMembership(e, prog, rest, false)
	}
	return false
}

// shadowAdd reads "add 'x' to [shadow ]group 'y'".
func shadowAdd(e *event.Event, prog, _, rest string) bool {
	if strings.HasPrefix(rest, "'") {
		return shadowMembership(e, prog, rest, true)
	}
	return false
}

// shadowRemoved reads "removed [shadow ]group 'x'[ owned by 'y']" (userdel).
func shadowRemoved(e *event.Event, prog, _, rest string) bool {
	// removed [shadow ]group 'x'[ owned by 'y']
	shadowGroup := strings.HasPrefix(rest, "shadow ")
	r := strings.TrimPrefix(rest, "shadow ")
	r, ok := strings.CutPrefix(r, "group ")
	if !ok {
		return false
	}
	name, _, ok := cutQuoted(r)
	if !ok {
		return false
	}
	// The /etc/gshadow twin is typed as its /etc/group line; file.path
	// tells them apart (a count of deletions skips /etc/gshadow).
	if shadowGroup {
		shadowBegin(e, prog, "userdel.remove_shadow_group", ecs.ClassGroupDelete, "group-delete")
		e.SetStr("file.path", "/etc/gshadow")
	} else {
		shadowBegin(e, prog, "userdel.remove_group", ecs.ClassGroupDelete, "group-delete")
	}
	e.SetStr("group.name", name)
	return true
}

// shadowChanged reads chfn's and chsh's "changed user 'x' ..." and chage's
// "changed password expiry for x".
func shadowChanged(e *event.Event, prog, _, rest string) bool {
	switch {
	case strings.HasPrefix(rest, "user '"):
		// chfn: changed user 'tsg' information; chsh: changed user 'tsg' shell to '/bin/zsh'
		name, r, ok := cutQuoted(rest[len("user "):])
		if !ok {
			return false
		}
		shadowBegin(e, prog, prog+".change", ecs.ClassUserChange, "user-change")
		ecs.SetUser(e, "user.target.name", name)
		if sh, ok := strings.CutPrefix(r, "shell to "); ok {
			e.SetStr("shadow.shell", trimQuotes(sh))
		}
		return true
	case strings.HasPrefix(rest, "password expiry for "):
		shadowBegin(e, prog, "chage.change", ecs.ClassUserChange, "user-change")
		ecs.SetUser(e, "user.target.name", strings.TrimSpace(rest[len("password expiry for "):]))
		return true
	}
	return false
}

// shadowPassword reads passwd's "password for 'x' changed by 'y'".
func shadowPassword(e *event.Event, prog, _, rest string) bool {
	// passwd: password for 'avahi' changed by 'root'
	if r, ok := strings.CutPrefix(rest, "for "); ok {
		name, r, ok := cutQuoted(r)
		if !ok {
			return false
		}
		// Only this sentence states a change; any other after the
		// name is not one.
		by, ok := strings.CutPrefix(r, "changed by ")
		if !ok {
			return false
		}
		shadowBegin(e, prog, "passwd.change", ecs.ClassUserChange, "password-change")
		ecs.SetUser(e, "user.target.name", name)
		ecs.SetUser(e, "user.name", trimQuotes(by))
		return true
	}
	return false
}

// shadowFailed reads useradd's "failed adding user 'x', data deleted".
func shadowFailed(e *event.Event, prog, _, rest string) bool {
	// useradd: failed adding user 'avahi', data deleted
	if r, ok := strings.CutPrefix(rest, "adding user "); ok {
		name, _, ok := cutQuoted(r)
		if !ok {
			return false
		}
		shadowBegin(e, prog, "useradd.failed", ecs.ClassUserCreate, "user-create")
		e.SetStr("event.outcome", ecs.OutcomeFailure)
		ecs.SetUser(e, "user.target.name", name)
		return true
	}
	return false
}

func shadowBegin(e *event.Event, prog, rule string, c ecs.Class, action string) {
	ecs.Begin(e, prog, rule)
	c.Set(e, action, ecs.OutcomeSuccess)
}

// shadowMembership decodes "'alice' to|from [shadow ]group 'wheel'".
func shadowMembership(e *event.Event, prog, rest string, add bool) bool {
	name, r, ok := cutQuoted(rest)
	if !ok {
		return false
	}
	r = strings.TrimPrefix(strings.TrimPrefix(r, "to "), "from ")
	shadowFile := strings.HasPrefix(r, "shadow ")
	r, ok = strings.CutPrefix(strings.TrimPrefix(r, "shadow "), "group ")
	if !ok {
		return false
	}
	group, _, ok := cutQuoted(r)
	if !ok {
		return false
	}
	c, action, rule := ecs.ClassGroupChange, "group-member-remove", prog+".member_remove"
	if add {
		action, rule = "group-member-add", prog+".member_add"
	}
	if shadowFile {
		rule += "_shadow" // typed as its /etc/group twin; file.path tells them apart
	}
	shadowBegin(e, prog, rule, c, action)
	if shadowFile {
		e.SetStr("file.path", "/etc/gshadow")
	}
	ecs.SetUser(e, "user.target.name", name)
	e.SetStr("group.name", group)
	return true
}

// shadowUsermod decodes usermod's "change user 'x' ...", "change user name
// 'old' to 'new'", "lock user 'x' password", "unlock user 'x' password".
func shadowUsermod(e *event.Event, prog, verb, rest string) bool {
	r, ok := strings.CutPrefix(rest, "user ")
	if !ok {
		return false
	}
	r = strings.TrimPrefix(r, "name ")
	name, r, ok := cutQuoted(r)
	if !ok {
		return false
	}
	action := "user-change"
	switch {
	case verb != "change":
		action = "user-" + verb
	case r == "password":
		action = "password-change"
	}
	shadowBegin(e, prog, "usermod.change", ecs.ClassUserChange, action)
	ecs.SetUser(e, "user.target.name", name)
	if newName, ok := strings.CutPrefix(r, "to "); ok {
		ecs.SetUser(e, "user.changes.name", trimQuotes(newName))
	}
	what, _ := ecs.CutWord(r)
	if what != "" && what != "to" && what != "password" {
		e.SetStr("shadow.changed", strings.ToLower(what))
	}
	return true
}

// decodePwdutils decodes SUSE pwdutils' "what happened - key=value, ..." lines.
func decodePwdutils(e *event.Event, m string) bool {
	what, kv, _ := strings.Cut(m, " - ")
	prog := programOf(e)
	switch what {
	case "new account added":
		shadowBegin(e, prog, "pwdutils.account_added", ecs.ClassUserCreate, "user-create")
	case "account deleted":
		shadowBegin(e, prog, "pwdutils.account_deleted", ecs.ClassUserDelete, "user-delete")
	case "account added to group":
		shadowBegin(e, prog, "pwdutils.member_add", ecs.ClassGroupChange, "group-member-add")
	case "account removed from group":
		shadowBegin(e, prog, "pwdutils.member_remove", ecs.ClassGroupChange, "group-member-remove")
	case "new group added":
		shadowBegin(e, prog, "pwdutils.group_added", ecs.ClassGroupCreate, "group-create")
	case "group deleted":
		shadowBegin(e, prog, "pwdutils.group_deleted", ecs.ClassGroupDelete, "group-delete")
	case "home directory created":
		shadowBegin(e, prog, "pwdutils.home_created", ecs.ClassUserInfo, "user-create")
	default:
		if !strings.HasPrefix(what, "running ") {
			return false
		}
		shadowBegin(e, prog, "pwdutils.script", ecs.ClassUserInfo, "")
		e.SetStr("process.executable", kvComma(kv, "script"))
	}
	ecs.SetUser(e, "user.target.name", kvComma(kv, "account"))
	e.SetStr("user.target.id", kvComma(kv, "uid"))
	if g := kvComma(kv, "group"); g != "" {
		e.SetStr("group.name", g)
		e.SetStr("group.id", kvComma(kv, "gid"))
	} else {
		e.SetStr("user.target.group.id", kvComma(kv, "gid"))
	}
	e.SetStr("shadow.home", kvComma(kv, "home"))
	e.SetStr("shadow.shell", kvComma(kv, "shell"))
	e.SetStr("user.id", kvComma(kv, "by"))
	return true
}

// kvComma returns the value of key in "k1=v1, k2=v2".
func kvComma(s, key string) string {
	for len(s) > 0 {
		item, rest, _ := strings.Cut(s, ",")
		item = strings.TrimSpace(item)
		if k, v, ok := strings.Cut(item, "="); ok && k == key {
			return v
		}
		s = rest
	}
	return ""
}

// cutQuoted returns the text inside the leading '...' of s and the rest
// after the closing quote and the spaces that follow it.
func cutQuoted(s string) (inner, rest string, ok bool) {
	if len(s) < 2 || s[0] != '\'' {
		return "", s, false
	}
	i := strings.IndexByte(s[1:], '\'')
	if i < 0 {
		return "", s, false
	}
	return s[1 : i+1], strings.TrimLeft(s[i+2:], " "), true
}
