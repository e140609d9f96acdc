package windows

import (
	"net/url"
	"slices"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Values that give several ECS fields: command lines split into
// arguments, PowerShell's ContextInfo, a path's directory and extension.

// maxArgs bounds the arguments kept of one command line.
const maxArgs = 256

// setArgs sets <key> to the arguments of a command line and, for the
// Windows split, <key>_count. The Windows split is CommandLineToArgvW's
// (quotes group and are removed, 2n backslashes before a quote are n, ""
// inside quotes is a quote: the rules of Sysmon's and PowerShell's
// process.args in Winlogbeat); quoted keeps the quotes and splits only at
// white space outside them (how Winlogbeat splits 4688's CommandLine).
func setArgs(e *event.Event, key, cmd string, quoted bool) bool {
	var args []string
	if quoted {
		args = splitQuoted(cmd)
	} else {
		args = commandLineToArgv(cmd)
	}
	if len(args) == 0 {
		return false
	}
	e.Set(key, event.Strings(args...))
	if !quoted {
		e.SetInt(key+"_count", int64(len(args)))
	}
	return true
}

func splitQuoted(cmd string) []string {
	args := make([]string, 0, 8) // one allocation for most command lines
	start, inQuote := -1, false
	for i := 0; i < len(cmd) && len(args) < maxArgs; i++ {
		c := cmd[i]
		if c == '"' {
			inQuote = !inQuote
		}
		if (c == ' ' || c == '\t') && !inQuote {
			if start >= 0 {
				args = append(args, cmd[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 && len(args) < maxArgs {
		args = append(args, cmd[start:])
	}
	return args
}

func commandLineToArgv(cmd string) []string {
	var args []string
	var b strings.Builder
	for len(cmd) > 0 && len(args) < maxArgs {
		if cmd[0] == ' ' || cmd[0] == '\t' {
			cmd = cmd[1:]
			continue
		}
		b.Reset()
		inQuote, slashes := false, 0
		for ; len(cmd) > 0; cmd = cmd[1:] {
			c := cmd[0]
			if (c == ' ' || c == '\t') && !inQuote {
				break
			}
			switch c {
			case '\\':
				slashes++
				continue
			case '"':
				b.WriteString(strings.Repeat(`\`, slashes/2))
				if slashes%2 == 0 {
					if inQuote && len(cmd) > 1 && cmd[1] == '"' {
						b.WriteByte('"') // "" inside quotes: a quote (the pre-2008 rule)
						cmd = cmd[1:]
					}
					inQuote = !inQuote
				} else {
					b.WriteByte('"')
				}
				slashes = 0
				continue
			}
			b.WriteString(strings.Repeat(`\`, slashes))
			slashes = 0
			b.WriteByte(c)
		}
		b.WriteString(strings.Repeat(`\`, slashes))
		args = append(args, b.String())
	}
	return args
}

// contextInfoFields maps PowerShell 4103's ContextInfo keys (spaces
// removed) and the classic log's detail keys (400, 403, 600, 800:
// HostId, UserId...) to ECS fields, as Winlogbeat's powershell module does.
var contextInfoFields = map[string]string{
	"HostID": "process.entity_id", "HostApplication": "process.command_line", "HostName": "process.title",
	"User": "user.name", "ShellID": "powershell.id", "EngineVersion": "powershell.engine.version",
	"PipelineID": "powershell.pipeline_id", "RunspaceID": "powershell.runspace_id",
	"HostVersion": "powershell.process.executable_version", "CommandName": "powershell.command.name",
	"CommandType": "powershell.command.type", "CommandPath": "powershell.command.path",
	"ScriptName": "file.path", "ConnectedUser": "source.user.name",
	// the classic log's spellings and keys
	"HostId": "process.entity_id", "PipelineId": "powershell.pipeline_id", "RunspaceId": "powershell.runspace_id",
	"UserId": "user.name", "CommandLine": "powershell.command.value",
	"NewEngineState": "powershell.engine.new_state", "PreviousEngineState": "powershell.engine.previous_state",
	"NewProviderState": "powershell.provider.new_state", "ProviderName": "powershell.provider.name",
}

// contextInfoLocal maps the keys a localized Windows writes in 4103's
// ContextInfo (spaces removed, a typographic apostrophe written ') to the
// English ones above: the French of a real record ("Application hôte",
// "Utilisateur").
var contextInfoLocal = map[string]string{
	"Nomd'hôte": "HostName", "Versiondel'hôte": "HostVersion", "IDd'hôte": "HostID", "Applicationhôte": "HostApplication",
	"Versiondumoteur": "EngineVersion", "IDd'instanced'exécution": "RunspaceID", "IDdepipeline": "PipelineID",
	"Nomdecommande": "CommandName", "Typedecommande": "CommandType", "Nomduscript": "ScriptName",
	"Chemindelacommande": "CommandPath", "Numérodeséquence": "SequenceNumber", "Utilisateur": "User",
	"Utilisateurconnecté": "ConnectedUser", "IDd'interpréteurdecommandes": "ShellID",
}

// contextInfoInts are the keys whose values are numbers: 800's place of
// a part among the parts of its details.
var contextInfoInts = map[string]string{
	"SequenceNumber": "event.sequence", "DetailSequence": "powershell.sequence", "DetailTotal": "powershell.total",
}

// contextInfoKeys are the keys of contextInfoFields and contextInfoInts,
// each at its slot (contextInfoSlots): setContextInfo's masks have a bit
// a key.
var contextInfoKeys, contextInfoSlots = func() ([]string, map[string]uint8) {
	var keys []string
	for k := range contextInfoFields {
		keys = append(keys, k)
	}
	for k := range contextInfoInts {
		keys = append(keys, k)
	}
	if len(keys) > 64 {
		panic("windows: more ContextInfo keys than setContextInfo's masks hold")
	}
	slices.Sort(keys)
	slots := make(map[string]uint8, len(keys))
	for i, k := range keys {
		slots[k] = uint8(i)
	}
	return keys, slots
}()

// setContextInfo reads ContextInfo's "Key = Value" lines; its Sequence
// Number is event.sequence, and the host application's arguments are
// process.args, and its program, named by its absolute path, the host's
// process.executable. A remote session's Connected User is source.user, and
// then its User (the account the session runs as here) is also
// destination.user, as Winlogbeat's powershell module gives them.
//
// The host application's command line is the caller's text and may hold
// line breaks: a line of it written as "        User = CORP\admin" reads
// as a key. The engine writes its keys in one order, the host
// application before the user's, so a key first met after the host
// application takes its last line (the engine's own comes after the
// command line), an empty one included, and a key met before it (or the
// host application itself) its first. The classic log's CommandLine (its
// last key) ends the keys: lines after it are the command line's.
func setContextInfo(e *event.Event, rel *ecs.Related, v string) bool {
	var vals [64]string   // by the key's slot
	var order [64]uint8   // the slots in the order their keys come
	var seen, last uint64 // the slots met; those whose last line counts
	n, afterHost := 0, false
	for v != "" {
		line := contextInfoLine(v)
		v = strings.TrimPrefix(v[len(line):], "\n")
		k, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key := strings.ReplaceAll(ecs.TrimSpace(k), " ", "")
		slot, ok := contextInfoSlots[key]
		if !ok {
			if local, found := contextInfoLocal[strings.ReplaceAll(key, "\u2019", "'")]; found {
				slot, ok = contextInfoSlots[local]
			}
		}
		if !ok {
			continue
		}
		switch bit := uint64(1) << slot; {
		case seen&bit == 0:
			seen |= bit
			if afterHost {
				last |= bit
			}
			vals[slot], order[n] = ecs.TrimSpace(val), slot
			n++
		case last&bit != 0:
			vals[slot] = ecs.TrimSpace(val)
		}
		if key := contextInfoKeys[slot]; key == "HostApplication" {
			afterHost = true
		} else if key == "CommandLine" {
			break // the classic log's last: what follows is the command line's
		}
	}
	set := false
	for _, slot := range order[:n] {
		key, val := contextInfoKeys[slot], vals[slot]
		if val == "" {
			continue
		}
		if to, ok := contextInfoInts[key]; ok {
			if n, ok := ecs.ParseUint(val); ok {
				e.SetInt(to, n)
				set = true
			}
			continue
		}
		to := contextInfoFields[key]
		if e.Has(to) {
			continue
		}
		if setValue(e, rel, to, val) {
			set = true
		}
		if to == "process.command_line" {
			setArgs(e, "process.args", val, false)
			if exe := absoluteProgram(val); exe != "" && !e.Has("process.executable") {
				setValue(e, rel, "process.executable", exe) // the host's program, when its path is whole
			}
		}
	}
	if e.Has("source.user.name") {
		for _, k := range [2][2]string{{"user.name", "destination.user.name"}, {"user.domain", "destination.user.domain"}} {
			if v := e.Str(k[0]); v != "" {
				e.SetStr(k[1], v)
			}
		}
	}
	return set
}

// contextInfoLine is ContextInfo's first "Key = Value" line in v, with
// the lines its value goes on to: a value holding a line break (a host
// application run with a script as its argument) goes on in lines that,
// unlike the keys' lines (the classic log's "Key=Value" too), are not
// indented and are no known key's ("$x = 1" is the script's).
func contextInfoLine(v string) string {
	end := strings.IndexByte(v, '\n')
	for end >= 0 && end+1 < len(v) {
		rest := v[end+1:]
		next := strings.IndexByte(rest, '\n')
		if next < 0 {
			next = len(rest)
		}
		if c := rest[0]; c == ' ' || c == '\t' || c == '\r' || c == '\n' || isContextInfoKey(rest[:next]) {
			break
		}
		if end += 1 + next; end == len(v) {
			return v
		}
	}
	if end < 0 {
		return v
	}
	return v[:end]
}

// isContextInfoKey reports whether line is "Key = Value" (or "Key=Value")
// for a key ContextInfo has, in English or localized: a line of a script
// ("$x = 1") is not one.
func isContextInfoKey(line string) bool {
	k, _, ok := strings.Cut(line, "=")
	if !ok {
		return false
	}
	key := strings.ReplaceAll(ecs.TrimSpace(k), " ", "")
	if _, ok := contextInfoSlots[key]; ok {
		return true
	}
	_, ok = contextInfoLocal[strings.ReplaceAll(key, "\u2019", "'")]
	return ok
}

// absoluteProgram is the program a command line starts when the line
// names it by its absolute path (`C:\Windows\...\powershell.exe -NoProfile`,
// a UNC path), else "": a bare "powershell" names no file.
func absoluteProgram(cmd string) string {
	args := commandLineToArgv(cmd)
	if len(args) == 0 {
		return ""
	}
	p := args[0]
	if len(p) > 3 && p[1] == ':' && p[2] == '\\' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') || strings.HasPrefix(p, `\\`) {
		return p
	}
	return ""
}

// pathOnHost is the program of User32's 1074 ("The process %1 has
// initiated the restart..."), which names it with the computer after it,
// "C:\Windows\system32\shutdown.exe (WS12)": the path, the " (WS12)" cut.
// A bare name ("wininit.exe", as some versions write it) stays as it is.
func pathOnHost(v string) string {
	v = ecs.TrimSpace(v)
	if i := strings.LastIndex(v, " ("); i > 0 && strings.HasSuffix(v, ")") && strings.IndexByte(v[i:], '\\') < 0 {
		return v[:i]
	}
	return v
}

// setFileParts sets file.directory and file.extension of a Windows path.
// A name with a stream ("setup.exe:Zone.Identifier", Sysmon 15's) has no
// extension: the stream's ("Identifier") is not the file's, and the
// file's ("exe") is not the stream's, which the event is about.
func setFileParts(e *event.Event, p string) {
	i := strings.LastIndexByte(p, '\\')
	if i <= 0 {
		return
	}
	e.SetStr("file.directory", p[:i])
	if strings.IndexByte(p[i+1:], ':') >= 0 {
		return
	}
	if j := strings.LastIndexByte(p[i+1:], '.'); j >= 0 && j < len(p[i+1:])-1 {
		e.SetStr("file.extension", p[i+2+j:])
	}
}

// defenderPath is the path of the first resource of a Defender detection's
// Path ("file:_C:\\Users\\bob\\eicar.com", "containerfile:_C:\\a.zip;
// file:_C:\\a.zip->x.exe"): the resource type ("file:_") is no part of it.
// A resource of no file ("regkey:_HKLM\\...", "process:_pid:4412") gives "".
func defenderPath(v string) string {
	first, _, _ := strings.Cut(v, ";")
	typ, path, ok := strings.Cut(ecs.TrimSpace(first), ":_")
	if !ok {
		return first
	}
	if typ != "file" && typ != "containerfile" {
		return ""
	}
	return path
}

// setInvocationDetails sets key (powershell.command.invocation_details)
// from PowerShell's invocation detail lines (4103's Payload, 800's third
// part), as Winlogbeat's powershell module reads them: each line
// "Type(Command): value" is {type, related_command, value}; a
// ParameterBinding's value "name=\"Path\"; value=\"C:\\x\"" gives its name
// and value; a line of another shape is {value} as given. Empty lines
// are none.
func setInvocationDetails(e *event.Event, key, v string) bool {
	var list []byte
	for v != "" {
		var line string
		line, v, _ = strings.Cut(v, "\n")
		line = ecs.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(list) == 0 {
			list = append(list, '[')
		} else {
			list = append(list, ',')
		}
		typ, rest, ok1 := strings.Cut(line, "(")
		cmd, val, ok2 := strings.Cut(rest, "):")
		if !ok1 || !ok2 || typ == "" || cmd == "" {
			list = appendJSONMember(append(list, '{'), "value", line, false)
			list = append(list, '}')
			continue
		}
		val = ecs.TrimSpace(val)
		list = appendJSONMember(append(list, '{'), "type", typ, false)
		list = appendJSONMember(list, "related_command", cmd, true)
		if typ == "ParameterBinding" {
			if _, nv, ok := strings.Cut(val, "name="); ok {
				if name, value, ok := strings.Cut(nv, ";"); ok {
					if value, ok = strings.CutPrefix(ecs.TrimSpace(value), "value="); ok {
						list = appendJSONMember(list, "name", name, true)
						val = value
					}
				}
			}
		}
		if val != "" {
			list = appendJSONMember(list, "value", val, true)
		}
		list = append(list, '}')
	}
	if len(list) == 0 {
		return false
	}
	e.Set(key, event.RawJSON(string(append(list, ']'))))
	return true
}

// appendJSONMember appends "name":"value" to a JSON object being built,
// after a comma when it is not the first member.
func appendJSONMember(dst []byte, name, value string, comma bool) []byte {
	if comma {
		dst = append(dst, ',')
	}
	dst = event.AppendJSONString(dst, name)
	dst = append(dst, ':')
	return event.AppendJSONString(dst, value)
}

// fqbnSubject maps the attributes of an AppLocker publisher's name to
// x509.subject fields.
var fqbnSubject = map[string]string{
	"CN": "common_name", "O": "organization", "OU": "organizational_unit", "L": "locality",
	"S": "state_or_province", "ST": "state_or_province", "C": "country",
}

// setFQBN reads AppLocker's fully qualified binary name
// ("O=CONTOSO, L=REDMOND, S=WASHINGTON, C=US\\TOOLS\\TOOL.EXE\\1.2.0.0":
// the signer's name, the product, the file's original name, its version)
// into <prefix>.x509.subject.* and <prefix>.pe.*, as Elastic's windows
// integration does; parts that are empty ("\\\\0.0.0.0" for a script) set
// nothing. A publisher value may be quoted ("O=\"Contoso, Ltd.\"").
func setFQBN(e *event.Event, prefix, v string) bool {
	if v == "" || v == "-" {
		return false
	}
	parts := strings.Split(v, `\`)
	set := false
	dn := parts[0]
	for dn != "" {
		k, rest, ok := strings.Cut(dn, "=")
		if !ok {
			break
		}
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				break
			}
			val, rest = rest[1:1+end], rest[2+end:]
			_, rest, _ = strings.Cut(rest, ",")
		} else {
			val, rest, _ = strings.Cut(rest, ",")
		}
		dn = ecs.TrimSpace(rest)
		if field, known := fqbnSubject[ecs.TrimSpace(k)]; known && ecs.TrimSpace(val) != "" {
			e.Set(prefix+".x509.subject."+field, event.Strings(ecs.TrimSpace(val)))
			set = true
		}
	}
	for i, field := range [3]string{".pe.product", ".pe.original_file_name", ".pe.file_version"} {
		if i+1 < len(parts) && parts[i+1] != "" && parts[i+1] != "*" {
			e.SetStr(prefix+field, parts[i+1])
			set = true
		}
	}
	return set
}

// setURL sets <prefix>.original to a URL as the event gives it and, for an
// absolute one, its parts (url.* as ECS names them: .full, .scheme,
// .domain, .port when the URL names one, .path, .query) and its host as
// the destination (the server a BITS job transfers with): its .address,
// and its .ip or .domain.
func setURL(e *event.Event, rel *ecs.Related, prefix, v string) bool {
	if v == "" || v == "-" {
		return false
	}
	e.SetStr(prefix+".original", v)
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return true
	}
	e.SetStr(prefix+".full", v)
	e.SetStr(prefix+".scheme", strings.ToLower(u.Scheme))
	host := u.Hostname()
	e.SetStr(prefix+".domain", host)
	if p := u.Port(); p != "" {
		ecs.SetPort(e, prefix+".port", p)
	}
	e.SetStr(prefix+".path", u.EscapedPath())
	e.SetStr(prefix+".query", u.RawQuery)
	e.SetStr("destination.address", host)
	rel.SetAddress(e, "destination", host)
	return true
}

// sharePath is the local path of a file reached through a share: the
// share's path (`\??\C:\Shares\Docs`, as 5145 gives it) joined with
// the name relative to it (`\reports\q1.docx`); "" without the share's
// path, as a name relative to an unknown folder is no file's path.
func sharePath(share, rel string) string {
	share, rel = ecs.TrimSpace(share), ecs.TrimSpace(rel)
	share = strings.TrimPrefix(share, `\??\`)
	if share == "" || share == "-" || rel == "" || rel == "-" {
		return ""
	}
	share, rel = strings.TrimRight(share, `\`), strings.Trim(rel, `\`)
	if rel == "" {
		return share // "\": the share's root, its own directory
	}
	return share + `\` + rel
}
