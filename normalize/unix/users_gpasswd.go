package unix

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// gpasswd's lines (shadow-utils src/gpasswd.c, log_gpasswd_success and
// log_gpasswd_failure), each for the group file it wrote: " in /etc/group"
// or " in /etc/gshadow" ends the per-file lines, none the final one.
//
//	user U added by A to group G                   user U removed by A from group G
//	password of group G changed by A               password of group G removed by A
//	access to group G restricted by A
//	members of group G set by A to U1,U2           administrators of group G set by A to U1,U2
//	A failed to add user U to group G              A failed to remove user U from group G
//	A failed to change password of group G         A failed to remove password of group G
//	A failed to restrict access to group G
//	A failed to set the members of group G to U1,U2
//	A failed to set the administrators of group G to U1,U2
//
// A is who ran gpasswd (user.name), U the member (user.target.name).

// gpasswdForms are the success sentences after their first word(s), in
// the order the group, the actor and the list come: "%g" is the group,
// "%a" the actor, "%u" the member, "%l" the members set, "%d" the
// administrators set (lists of user names joined by commas).
var gpasswdForms = []struct{ form, rule, action string }{
	{"user %u added by %a to group %g", "gpasswd.member_add", "group-member-add"},
	{"user %u removed by %a from group %g", "gpasswd.member_remove", "group-member-remove"},
	{"password of group %g changed by %a", "gpasswd.password", "group-change"},
	{"password of group %g removed by %a", "gpasswd.password_removed", "group-change"},
	{"access to group %g restricted by %a", "gpasswd.restrict", "group-change"},
	{"members of group %g set by %a to %l", "gpasswd.members_set", "group-change"},
	{"administrators of group %g set by %a to %d", "gpasswd.administrators_set", "group-change"},
	{"%a failed to add user %u to group %g", "gpasswd.member_add", "group-member-add"},
	{"%a failed to remove user %u from group %g", "gpasswd.member_remove", "group-member-remove"},
	{"%a failed to change password of group %g", "gpasswd.password", "group-change"},
	{"%a failed to remove password of group %g", "gpasswd.password_removed", "group-change"},
	{"%a failed to restrict access to group %g", "gpasswd.restrict", "group-change"},
	{"%a failed to set the members of group %g to %l", "gpasswd.members_set", "group-change"},
	{"%a failed to set the administrators of group %g to %d", "gpasswd.administrators_set", "group-change"},
	// shadow before 4.1 (one line, no file).
	{"change the password for group %g by %a", "gpasswd.password", "group-change"},
	{"remove password from group %g by %a", "gpasswd.password_removed", "group-change"},
	{"restrict access to group %g by %a", "gpasswd.restrict", "group-change"},
	{"add member %u to group %g by %a", "gpasswd.member_add", "group-member-add"},
	{"remove member %u from group %g by %a", "gpasswd.member_remove", "group-member-remove"},
	{"set administrators of %g to %d", "gpasswd.administrators_set", "group-change"},
	{"set members of %g to %l", "gpasswd.members_set", "group-change"},
}

// decodeGpasswd decodes the lines above.
func decodeGpasswd(e *event.Event, prog, m string) bool {
	file := ""
	if i := strings.LastIndex(m, " in /"); i >= 0 && strings.IndexByte(m[i+len(" in "):], ' ') < 0 {
		m, file = m[:i], m[i+len(" in "):]
	}
	for _, f := range gpasswdForms {
		v, ok := matchWords(f.form, m)
		if !ok {
			continue
		}
		shadowBegin(e, prog, f.rule, ecs.ClassGroupChange, f.action)
		if strings.HasPrefix(f.form, "%a failed") {
			e.SetStr("event.outcome", ecs.OutcomeFailure)
		}
		ecs.SetUser(e, "user.target.name", v['u'])
		ecs.SetUser(e, "user.name", v['a'])
		e.SetStr("group.name", v['g'])
		e.SetStr("shadow.members", v['l'])
		e.SetStr("shadow.administrators", v['d'])
		e.SetStr("file.path", file)
		return true
	}
	return false
}

// matchWords matches s against form, whose "%x" placeholders each stand
// for one word (no space), or the part of one word between the text
// around the placeholder ("'%u',"), and whose other words must be equal;
// it returns the values by placeholder letter.
func matchWords(form, s string) (map[byte]string, bool) {
	var v map[byte]string
	for form != "" {
		fw, fr := ecs.CutWord(form)
		sw, sr := ecs.CutWord(s)
		if sw == "" {
			return nil, false
		}
		if k := strings.IndexByte(fw, '%'); k >= 0 && k+1 < len(fw) {
			// "'%u'," matches "'alice',": the text around the
			// placeholder must be there, and the value must not be empty.
			pre, suf := fw[:k], fw[k+2:]
			if len(sw) <= len(pre)+len(suf) || !strings.HasPrefix(sw, pre) || !strings.HasSuffix(sw, suf) {
				return nil, false
			}
			if v == nil {
				v = make(map[byte]string, 4)
			}
			v[fw[k+1]] = sw[len(pre) : len(sw)-len(suf)]
		} else if fw != sw {
			return nil, false
		}
		form, s = fr, sr
	}
	return v, s == ""
}
