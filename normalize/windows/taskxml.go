package windows

import (
	"iter"
	"strings"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
)

// maxTaskXML bounds the task definition read: Task Scheduler's own limit
// on a task's XML is far above any real task, and a longer value is kept
// only as it came.
const maxTaskXML = 64 << 10

// maxTaskItems bounds the actions, principals and triggers read out of a
// definition, each: the task schema ([MS-TSCH] 2.5) allows at most 48
// triggers, 32 actions and one principal. Read out, an empty element ("<BootTrigger/>") is eight
// times its size; the definition stays whole in winlog.event_data.
const maxTaskItems = 48

// taskActionTypes are the action elements of a task definition with the
// type Elastic's system integration names them by (exec first, then COM
// handlers, as it lists them); SendEmail and ShowMessage are deprecated.
var taskActionTypes = [...][2]string{{"Exec", "exec"}, {"ComHandler", "com_handler"}}

// taskActionKeys are the members of an action, in the order of its
// canonical definition ("v=1|type=exec|context=Author|command=...|
// arguments=...|working_directory=|class_id=", Elastic's system
// integration's one-line form, made to compare actions across events).
var taskActionKeys = [...]string{"type", "context", "command", "arguments", "working_directory", "class_id"}

// setScheduledTask reads a scheduled task's definition (4698-4701's
// TaskContent, 4702's TaskContentNew: Task Scheduler's task XML) into
// <prefix>.uri (RegistrationInfo's URI, else the event's TaskName: both
// are the task's path) and <prefix>.actions, one {type, context, command,
// arguments, working_directory, definition} per Exec and {type, context,
// class_id, definition} per ComHandler, <prefix>.principals,
// <prefix>.settings and <prefix>.triggers (below), as Elastic's system
// integration gives them. A byte
// scan of the few elements it needs, no XML decoder: a definition too
// long or not read (no Task, no Actions, an element not closed) sets
// nothing and stays in winlog.event_data as it came.
func (w *winEvent) setScheduledTask(e *event.Event, prefix, v string) bool {
	if len(v) > maxTaskXML {
		return false
	}
	_, task, _, ok := xmlElement(v, "Task")
	if !ok {
		return false
	}
	actAttrs, acts, _, ok := xmlElement(task, "Actions")
	if !ok {
		return false
	}
	context := wire.UnescapeXML(xmlAttr(actAttrs, "Context"))
	var list, def []byte
	n := 0
	for _, t := range taskActionTypes {
		for _, inner := range xmlElements(acts, t[0]) {
			if n++; n > maxTaskItems {
				break
			}
			list = openListItem(list)
			// the action's values by taskActionKeys, its definition from them
			vals := [len(taskActionKeys)]string{t[1], context}
			if t[0] == "Exec" {
				vals[2], vals[3] = xmlElementText(inner, "Command"), xmlElementText(inner, "Arguments")
				vals[4] = xmlElementText(inner, "WorkingDirectory")
			} else {
				vals[5] = xmlElementText(inner, "ClassId")
			}
			list = append(list, '{')
			def = append(def[:0], "v=1"...)
			for i, k := range taskActionKeys {
				if vals[i] != "" {
					list = appendJSONMember(list, k, vals[i], i > 0)
				}
				def = appendDefinitionValue(append(append(append(def, '|'), k...), '='), vals[i])
			}
			list = append(appendJSONMember(list, "definition", string(def), true), '}')
		}
	}
	if len(list) == 0 {
		return false
	}
	e.Set(prefix+".actions", event.RawJSON(string(append(list, ']'))))
	uri := ""
	if _, reg, _, ok := xmlElement(task, "RegistrationInfo"); ok {
		uri = xmlElementText(reg, "URI")
	}
	if uri == "" {
		uri = w.val("TaskName")
	}
	if uri != "" {
		e.SetStr(prefix+".uri", uri)
	}
	setTaskSettings(e, prefix, task)
	setTaskPrincipals(e, prefix, task)
	setTaskTriggers(e, prefix, task)
	return true
}

// setTaskSettings sets <prefix>.settings.enabled and .hidden from the
// definition's Settings, each only when the definition states it (a
// hidden task is one way to persist unseen).
func setTaskSettings(e *event.Event, prefix, task string) {
	_, settings, _, ok := xmlElement(task, "Settings")
	if !ok {
		return
	}
	for _, f := range [...][2]string{{"Enabled", ".settings.enabled"}, {"Hidden", ".settings.hidden"}} {
		switch taskBool(xmlElementText(settings, f[0])) { // "1"/"0" too, as Task Scheduler reads them
		case "true":
			e.Set(prefix+f[1], event.Bool(true))
		case "false":
			e.Set(prefix+f[1], event.Bool(false))
		}
	}
}

// setTaskPrincipals sets <prefix>.principals, one {id, user.identifier,
// group.identifier, logon.type, run_level} per Principal (who or which
// group the task runs as), as
// Elastic's system integration gives them.
func setTaskPrincipals(e *event.Event, prefix, task string) {
	_, principals, _, ok := xmlElement(task, "Principals")
	if !ok {
		return
	}
	var list []byte
	n := 0
	for attrs, inner := range xmlElements(principals, "Principal") {
		if n++; n > maxTaskItems {
			break
		}
		list = append(openListItem(list), '{')
		comma := false
		if id := xmlAttr(attrs, "id"); id != "" {
			list, comma = appendJSONMember(list, "id", wire.UnescapeXML(id), false), true
		}
		for _, f := range [...][3]string{{"UserId", "user", "identifier"}, {"GroupId", "group", "identifier"}, {"LogonType", "logon", "type"}} {
			if text := xmlElementText(inner, f[0]); text != "" {
				if comma {
					list = append(list, ',')
				}
				list = appendJSONMember(append(event.AppendJSONString(list, f[1]), ':', '{'), f[2], text, false)
				list, comma = append(list, '}'), true
			}
		}
		if text := xmlElementText(inner, "RunLevel"); text != "" {
			list, comma = appendJSONMember(list, "run_level", text, comma), true
		}
		list = append(list, '}')
	}
	if len(list) > 0 {
		e.Set(prefix+".principals", event.RawJSON(string(append(list, ']'))))
	}
}

// openListItem starts the next item of a JSON list being built: "[" before
// the first, "," before the others.
func openListItem(list []byte) []byte {
	if len(list) == 0 {
		return append(list, '[')
	}
	return append(list, ',')
}

// xmlElements yields the attributes and content of each element name in
// s, in order (xmlElement, from after the one before).
func xmlElements(s, name string) iter.Seq2[string, string] {
	return func(yield func(attrs, inner string) bool) {
		for {
			attrs, inner, rest, ok := xmlElement(s, name)
			if !ok || !yield(attrs, inner) {
				return
			}
			s = rest
		}
	}
}

// xmlElementText is the (unescaped, trimmed) text of the first element
// name in s, "" if none.
func xmlElementText(s, name string) string {
	_, inner, _, ok := xmlElement(s, name)
	if !ok {
		return ""
	}
	return wire.UnescapeXML(strings.TrimSpace(inner))
}

// xmlElement finds the first element name (no namespace prefix, not
// nested in itself) in s: its attributes, its content and what follows
// it; an empty element (<Name/>) has no content. The tags are found by
// the name and the bytes around it: "<"+name and "</"+name+">" were two
// concatenations a call (a task's XML is read by ~30 calls).
func xmlElement(s, name string) (attrs, inner, rest string, ok bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return "", "", "", false
		}
		j += i
		k := j + len(name)
		if k >= len(s) {
			return "", "", "", false
		}
		if j == 0 || s[j-1] != '<' || !xmlNameEnd[s[k]] {
			i = j + 1 // not a start tag, or a longer name: <ExecAction>
			continue
		}
		end := strings.IndexByte(s[k:], '>')
		if end < 0 {
			return "", "", "", false
		}
		attrs, s = s[k:k+end], s[k+end+1:]
		if a, empty := strings.CutSuffix(attrs, "/"); empty {
			return a, "", s, true
		}
		close := xmlEndTag(s, name)
		if close < 0 {
			return "", "", "", false
		}
		return attrs, s[:close], s[close+len(name)+3:], true
	}
}

// xmlEndTag returns the index of the first "</name>" in s, -1 if none.
func xmlEndTag(s, name string) int {
	for i := 0; ; {
		j := strings.Index(s[i:], name)
		if j < 0 {
			return -1
		}
		j += i
		if j >= 2 && s[j-2] == '<' && s[j-1] == '/' && j+len(name) < len(s) && s[j+len(name)] == '>' {
			return j - 2
		}
		i = j + 1
	}
}
