package unix

import (
	"bytes"
	"encoding/json"
	"io"
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
	top, _, ok := jsonMembers([]byte(strings.TrimPrefix(m, "@cee:")))
	if !ok {
		return false
	}
	// sudo writes one event object: two (even of one kind) are not its.
	events, n, ok := jsonMembers(top["sudo"])
	if !ok || n != 1 {
		return false
	}
	var kind string
	var ev map[string]json.RawMessage
	for k, v := range events {
		kind = k
		if ev, _, ok = jsonMembers(v); !ok {
			return false
		}
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

// jsonMembers reads the JSON object data into its members and their
// count, a name that comes twice counted twice. The first member of a
// name is the one kept, as the JSON walker (normalize/gateway) and
// Elasticsearch read them: encoding/json's maps keep the last, so a
// forged line's second "submituser" would override sudo's.
func jsonMembers(data []byte) (map[string]json.RawMessage, int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, 0, false
	}
	members := map[string]json.RawMessage{}
	n := 0
	for dec.More() {
		t, err := dec.Token()
		name, ok := t.(string)
		var v json.RawMessage
		if err != nil || !ok || dec.Decode(&v) != nil {
			return nil, 0, false
		}
		if _, dup := members[name]; !dup {
			members[name] = v
		}
		n++
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, 0, false
	}
	if _, err := dec.Token(); err != io.EOF { // nothing after the object
		return nil, 0, false
	}
	return members, n, true
}
