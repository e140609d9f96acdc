package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The shadow-utils sentences that carry no key=value list, as their
// SYSLOG calls in src/*.c write them (shadow 4.1 quoted names as `x', 4.2
// on as 'x'; decodeShadow turns the first into the second). Each is
// matched word for word (matchWords): "%u" is the account acted on
// (user.target.name), "%a" who acted (user.name), "%g" the group, "%n"
// the account's new name (user.changes.name), "%f" a file, "%x" a word
// that fills no field; a placeholder may sit inside quotes or before a
// comma or colon. The sentences useradd, userdel, groupdel, groupmod,
// chfn, chsh, chage and passwd write with a key=value list or more than
// one form per verb are shadowReaders'.
var shadowForms = []shadowForm{
	// usermod -l renames a member in each group (and gshadow's admins).
	{"change '%u' to '%n' in group '%g'", "usermod.member_rename", ecs.ClassGroupChange, "group-member-rename", ecs.OutcomeSuccess, "", ""},
	{"change '%u' to '%n' in shadow group '%g'", "usermod.member_rename_shadow", ecs.ClassGroupChange, "group-member-rename", ecs.OutcomeSuccess, "", "/etc/gshadow"},
	{"change admin '%u' to '%n' in shadow group '%g'", "usermod.admin_rename_shadow", ecs.ClassGroupChange, "group-member-rename", ecs.OutcomeSuccess, "", "/etc/gshadow"},
	// groupdel and groupmod before 4.2.
	{"remove group '%g'", "groupdel.group_removed", ecs.ClassGroupDelete, "group-delete", ecs.OutcomeSuccess, "", ""},
	{"change group '%g' to '%x'", "groupmod.change", ecs.ClassGroupChange, "group-change", ecs.OutcomeSuccess, "", ""},
	{"change GID for '%g' to %x", "groupmod.change", ecs.ClassGroupChange, "group-change", ecs.OutcomeSuccess, "", ""},
	// useradd's failure (4.6 on: the exit code, not "data deleted").
	{"failed adding user '%u', exit code: %x", "useradd.failed", ecs.ClassUserCreate, "user-create", ecs.OutcomeFailure, "", ""},
	// passwd's refusals: the password stays as it was.
	{"incorrect password for %u", "passwd.failed", ecs.ClassUserChange, "password-change", ecs.OutcomeFailure, "incorrect password", ""},
	{"password locked for '%u'", "passwd.failed", ecs.ClassUserChange, "password-change", ecs.OutcomeFailure, "password locked", ""},
	{"now < minimum age for '%u'", "passwd.failed", ecs.ClassUserChange, "password-change", ecs.OutcomeFailure, "minimum age not reached", ""},
	{"Failed to crypt password with previous salt of user '%u'", "passwd.failed", ecs.ClassUserChange, "password-change", ecs.OutcomeFailure, "crypt failed", ""},
	{"root is not authorized by SELinux to change the password of %u", "passwd.failed", ecs.ClassUserChange, "password-change", ecs.OutcomeFailure, "not authorized by SELinux", ""},
	{"can't view or modify password information for %u", "passwd.denied", ecs.ClassUserChange, "password-change", ecs.OutcomeFailure, "not permitted", ""},
	{"%x: can't view or modify password information for %u", "passwd.denied", ecs.ClassUserChange, "password-change", ecs.OutcomeFailure, "not permitted", ""},
	// useradd could not zero the new account's pam_tally2 counter.
	{"failed to reset the tallylog entry of user \"%u\"", "useradd.tallylog", ecs.ClassUserChange, "user-change", ecs.OutcomeFailure, "tallylog not reset", ""},
	// chsh.
	{"can't change shell for '%u'", "chsh.failed", ecs.ClassUserChange, "user-change", ecs.OutcomeFailure, "", ""},
	// newgrp and sg (src/newgrp.c): a shell with another group, its end,
	// a wrong group password.
	{"user '%a' (login '%x' on %x) switched to group '%g'", "newgrp.switch", ecs.ClassSessionStart, "newgrp", ecs.OutcomeSuccess, "", ""},
	{"user '%a' (login '%x' on %x) returned to group '%g'", "newgrp.return", ecs.ClassSessionEnd, "newgrp", ecs.OutcomeSuccess, "", ""},
	{"unknown GID '%x' used by user '%a'", "newgrp.unknown_gid", ecs.ClassGroupInfo, "newgrp-unknown-gid", "", "unknown GID", ""},
	{"Invalid password for group '%g' from '%a'", "newgrp.auth.failure", ecs.ClassAuthStart, "newgrp-auth", ecs.OutcomeFailure, "invalid group password", ""},
	// The cleanup every tool runs when writing a change failed
	// (lib/cleanup_user.c, lib/cleanup_group.c).
	{"failed to add user %u", "shadow.cleanup", ecs.ClassUserCreate, "user-create", ecs.OutcomeFailure, "", ""},
	{"failed to add user %u to %f", "shadow.cleanup", ecs.ClassUserCreate, "user-create", ecs.OutcomeFailure, "", ""},
	{"failed to add group %g", "shadow.cleanup", ecs.ClassGroupCreate, "group-create", ecs.OutcomeFailure, "", ""},
	{"failed to add group %g to %f", "shadow.cleanup", ecs.ClassGroupCreate, "group-create", ecs.OutcomeFailure, "", ""},
	{"failed to remove group %g", "shadow.cleanup", ecs.ClassGroupDelete, "group-delete", ecs.OutcomeFailure, "", ""},
	{"failed to remove group %g from %f", "shadow.cleanup", ecs.ClassGroupDelete, "group-delete", ecs.OutcomeFailure, "", ""},
}

type shadowForm struct {
	form, rule string
	class      ecs.Class
	action     string
	outcome    string
	reason     string
	file       string // the file a gshadow twin wrote, which its words do not name
}

// shadowFormLine decodes m if it is one of shadowForms.
func shadowFormLine(e *event.Event, prog, m string) bool {
	for _, f := range shadowForms {
		v, ok := matchWords(f.form, m)
		if !ok {
			continue
		}
		ecs.Begin(e, prog, f.rule)
		f.class.Set(e, f.action, f.outcome)
		ecs.SetUser(e, "user.target.name", v['u'])
		ecs.SetUser(e, "user.name", v['a'])
		ecs.SetUser(e, "user.changes.name", v['n'])
		e.SetStr("group.name", v['g'])
		e.SetStr("event.reason", f.reason)
		if file := v['f']; file != "" {
			e.SetStr("file.path", file)
		} else {
			e.SetStr("file.path", f.file)
		}
		return true
	}
	return false
}

// shadowText undoes what shadow 4.1 and syslog daemons did to a line:
// `name' quotes become 'name', and the "\n" some formats end with (kept,
// or escaped as "#012") is cut.
func shadowText(m string) string {
	m = strings.TrimSuffix(strings.TrimSuffix(m, "#012"), "\n")
	if strings.IndexByte(m, '`') >= 0 {
		m = strings.ReplaceAll(m, "`", "'")
	}
	return m
}
