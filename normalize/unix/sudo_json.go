package unix

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sudo's JSON log format (sudoers "Defaults log_format=json", 1.9.4 on;
// sudo_logsrvd's log_format = json): lib/eventlog/eventlog.c syslogs
//
//	@cee:{"sudo":{"accept":{"uuid":..., "server_time":{...}, "submituser":..., "command":..., ...}}}
//
// with one event object named accept (a command sudo ran), reject (one it
// refused, with its "reason"), alert (a problem sudo reports, "reason")
// or exit (a command's end: "exit_value", "signal"). Its members are the
// text form's items under other names; an event is classed as the text
// form's line with the same reason (sudoClassify).

// sudoJSONStrings maps the event's string members to their fields: the
// text form's, as sudo writes the same value there (submituser before
// " : ", runuser as USER=, rungroup as GROUP=, runcwd as PWD=,
// submithost as HOST=, runchroot as CHROOT=).
var sudoJSONStrings = []struct{ member, field string }{
	{"submituser", "user.name"},
	{"runuser", "user.effective.name"},
	{"rungroup", "user.effective.group.name"},
	{"runcwd", "process.working_directory"},
	{"submithost", "sudo.host"},
	{"runchroot", "sudo.chroot"},
	{"uuid", "sudo.uuid"},
	{"iolog_path", "sudo.iolog_path"},
}

// sudoJSONIDs maps the numeric ids sudo writes beside the names.
var sudoJSONIDs = []struct{ member, field string }{
	{"runuid", "user.effective.id"},
	{"rungid", "user.effective.group.id"},
}

// sudoJSONKinds are the event objects sudo writes (format_json).
var sudoJSONKinds = map[string]bool{"accept": true, "reject": true, "alert": true, "exit": true}

func sudoJSON(e *event.Event, m string) bool {
	body := strings.TrimPrefix(m, "@cee:")
	var outer struct {
		Sudo map[string]map[string]json.RawMessage `json:"sudo"`
	}
	if err := json.Unmarshal([]byte(body), &outer); err != nil || len(outer.Sudo) != 1 || jsonDuplicateMember(body) {
		return false
	}
	var kind string
	var ev map[string]json.RawMessage
	for k, v := range outer.Sudo {
		kind, ev = k, v
	}
	if !sudoJSONKinds[kind] {
		return false
	}
	str := func(member string) string {
		var s string
		if raw, ok := ev[member]; ok && json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	ecs.Begin(e, "sudo", "")
	for _, f := range sudoJSONStrings {
		if v := str(f.member); v != "" {
			if f.field == "user.name" || f.field == "user.effective.name" {
				ecs.SetUser(e, f.field, v) // and related.user
			} else {
				e.SetStr(f.field, v)
			}
		}
	}
	for _, f := range sudoJSONIDs {
		var n uint64
		if raw, ok := ev[f.member]; ok && json.Unmarshal(raw, &n) == nil {
			e.SetStr(f.field, strconv.FormatUint(n, 10))
		}
	}
	// The text form writes the tty without /dev/ (new_logline).
	if tty := str("ttyname"); tty != "" {
		e.SetStr("sudo.tty", strings.TrimPrefix(tty, "/dev/"))
	}
	command := str("command")
	var argv []string
	if raw, ok := ev["runargv"]; ok {
		_ = json.Unmarshal(raw, &argv)
	}
	line := command
	if command != "" && len(argv) > 1 {
		// As the text form's COMMAND=: the command's path, then its
		// arguments (runargv[0] is the name it was run by).
		line = command + " " + strings.Join(argv[1:], " ")
	}
	if command != "" && !sudoPseudo(line) {
		e.SetStr("process.executable", command)
		e.SetStr("process.command_line", line)
		if len(argv) > 0 {
			e.Set("process.args", event.Strings(argv...))
		}
	}
	msg, signal, exit := "", "", ""
	switch kind {
	case "reject", "alert":
		msg = str("reason")
		if msg == "" {
			msg = kind // a refusal without its reason is still one
		}
	case "exit":
		signal = str("signal")
		var n int64
		if raw, ok := ev["exit_value"]; ok && json.Unmarshal(raw, &n) == nil && n >= 0 && n <= 255 {
			exit = strconv.FormatInt(n, 10)
		}
		if exit == "" && signal == "" {
			// An end whose status sudo did not give: still the command's
			// end, not a success (sudoClassify sets no exit code of "-").
			exit = "-"
		}
	}
	sudoClassify(e, msg, line, signal, exit)
	return true
}

// jsonDuplicateMember reports whether an object of the valid JSON text s,
// down to the event object's members (the third level), names a member
// twice, or nests deeper than sudo does. sudo writes each member once
// (sudo_json_add_value); encoding/json's maps keep a name's last value,
// the JSON walker (normalize/gateway) and Elasticsearch its first: such
// a line is not sudo's writing, and is left to the JSON decoder.
func jsonDuplicateMember(s string) bool {
	const maxDepth = 16
	var open [maxDepth]byte // the containers open, '{' or '['
	var names [4][]string   // the member names of the objects at depth 1-3
	depth, afterColon := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{', '[':
			if depth == maxDepth {
				return true
			}
			open[depth] = c
			depth++
			if c == '{' && depth < len(names) {
				names[depth] = names[depth][:0]
			}
			afterColon = false
		case '}', ']':
			depth--
		case ':':
			afterColon = true
		case ',':
			afterColon = false
		case '"':
			j := i + 1
			for ; s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if depth > 0 && depth < len(names) && open[depth-1] == '{' && !afterColon {
				name := s[i+1 : j]
				if strings.IndexByte(name, '\\') >= 0 {
					_ = json.Unmarshal([]byte(s[i:j+1]), &name) // "\u0061" is "a"
				}
				for _, n := range names[depth] {
					if n == name {
						return true
					}
				}
				names[depth] = append(names[depth], name)
			}
			i = j
		}
	}
	return false
}
