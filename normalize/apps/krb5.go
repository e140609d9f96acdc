package apps

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// MIT Kerberos: krb5kdc's ticket requests and kadmind's administration
// requests (catalogs/krb5kdc.toml, catalogs/kadmind.toml).

// kdcRequest is the head of a krb5kdc ticket request line (kdc_log.c
// log_as_req, log_tgs_req): "AS_REQ (N etypes {...}) ADDR: STATUS: TAIL".
type kdcRequest struct {
	kind, addr, status, tail string
}

// readKDCRequest reads the head of an AS_REQ or TGS_REQ line. The
// requested encryption types are skipped (their list holds parentheses
// since 1.18: "aes256-cts-hmac-sha1-96(18)"); a TGS_REQ refused as
// SERVER_NOMATCH has none. ADDR is the client's address or "<unknown>".
// STATUS may hold spaces ("CLIENT LOCKED OUT"), never ": ".
func readKDCRequest(m string) (kdcRequest, bool) {
	var r kdcRequest
	kind, rest, ok := strings.Cut(m, " ")
	if !ok || (kind != "AS_REQ" && kind != "TGS_REQ") {
		return r, false
	}
	if strings.HasPrefix(rest, "(") {
		i := strings.Index(rest, "}) ")
		if i < 0 {
			return r, false
		}
		rest = rest[i+3:]
	}
	addr, rest, ok := strings.Cut(rest, ": ")
	if !ok {
		return r, false
	}
	status, tail, ok := strings.Cut(rest, ": ")
	if !ok || status == "" {
		return r, false
	}
	r.kind, r.status, r.tail = kind, status, tail
	if ecs.IsIP(addr) {
		r.addr = addr
	}
	return r, true
}

// klogHead cuts the "PROG[PID](LEVEL): " that krb5_klog_syslog writes
// before each line of the KDC's and kadmind's own log files (kdc.conf's
// [logging] kdc = FILE:...), which a file reader forwards as the whole
// message: a syslog parser takes no tag from it (sniffKlog).
func klogHead(m string) (body string, h head) {
	for _, prog := range [...]string{"krb5kdc[", "kadmind["} {
		r, ok := strings.CutPrefix(m, prog)
		if !ok {
			continue
		}
		pid, r, ok := strings.Cut(r, "](")
		if !ok || !ecs.IsDigits(pid) {
			return m, h
		}
		level, r, ok := strings.Cut(r, "): ")
		if !ok || level == "" || strings.IndexByte(level, ' ') >= 0 {
			return m, h
		}
		h.pid, h.level = pid, strings.ToLower(level)
		return r, h
	}
	return m, h
}

// gateKlog: sniffKlog's lines start with "krb5kdc[" or "kadmind[".
var gateKlog = ecs.SniffGate{First: "k"}

// sniffKlog recognises a line of the KDC's or kadmind's own log file
// (klogHead) that came without a syslog tag.
func sniffKlog(prog string) func(e *event.Event) bool {
	return func(e *event.Event) bool {
		return e.AppName == "" && strings.HasPrefix(e.Message, prog+"[") && strings.Contains(e.Message, "): ")
	}
}

// postKlog names the process of a file's line, whose tag was in the message.
func postKlog(e *event.Event, prog string) {
	if e.AppName == "" && strings.HasPrefix(e.Message, prog+"[") {
		e.SetStr("process.name", prog)
	}
}

// cutKrb5kdc leaves "AS_REQ STATUS" or "TGS_REQ STATUS" of a ticket
// request for the catalog; any other line is matched whole.
func cutKrb5kdc(m string) (string, head, bool) {
	m, h := klogHead(m)
	r, ok := readKDCRequest(m)
	if !ok {
		return m, h, true
	}
	h.addr = r.addr
	return r.kind + " " + r.status, h, true
}

// postKrb5kdc reads a ticket request's tail: "[authtime T, ][etypes
// {...}, ]CLIENT for SERVER[, ERROR MESSAGE]". The client names its
// principal itself (an unknown one too), and nothing in the format
// quotes it: a name is taken only in a principal's shape (no space, a
// realm after "@"), and only when the error message holds no "@" (which
// none of Kerberos's messages does, but a name that carried the text of
// another principal's " for ..." after ", " would).
func postKrb5kdc(e *event.Event) {
	postKlog(e, "krb5kdc")
	m, _ := klogHead(e.Message)
	r, ok := readKDCRequest(m)
	if !ok {
		return
	}
	if r.status != "ISSUE" {
		e.SetStr("event.reason", r.status)
	}
	t := r.tail
	if strings.HasPrefix(t, "authtime ") {
		_, t, _ = strings.Cut(t, ", ")
		t = strings.TrimLeft(t, " ")
	}
	if strings.HasPrefix(t, "etypes {") {
		if _, after, ok := strings.Cut(t, "}, "); ok {
			t = after
		}
	}
	client, t, ok := strings.Cut(t, " for ")
	if !ok {
		return
	}
	server, emsg, _ := strings.Cut(t, ", ")
	// SERVER_NOMATCH's form ends with the second ticket's client instead
	// of a message.
	if alt, ok := strings.CutPrefix(emsg, "2nd tkt client "); ok && r.kind == "TGS_REQ" && isPrincipal(alt) {
		e.SetStr("krb5kdc.second_ticket_client", alt)
		emsg = ""
	}
	if strings.IndexByte(emsg, '@') >= 0 ||
		!(isPrincipal(client) || client == "<unknown client>") || !(isPrincipal(server) || server == "<unknown server>") {
		return // the tail is not read: the reason stays the status
	}
	if emsg != "" && r.status != "ISSUE" {
		e.SetStr("event.reason", emsg)
	}
	if isPrincipal(client) {
		e.SetStr("krb5kdc.client", client)
		setPrincipal(e, "user", client)
	}
	if isPrincipal(server) {
		e.SetStr("krb5kdc.server", server)
	}
}

// isPrincipal reports whether s has an unparsed principal's shape:
// NAME@REALM, no spaces.
func isPrincipal(s string) bool {
	i := strings.LastIndexByte(s, '@')
	return i > 0 && i < len(s)-1 && !strings.ContainsAny(s, " \t")
}

// setPrincipal sets KEY.name and KEY.domain ("user", "user.target")
// from a principal NAME@REALM: its name ("alice", "alice/admin") and its
// realm. krb5_unparse_name escapes an "@" within the name with "\" (an
// enterprise principal, "alice\@corp.example.com@EXAMPLE.COM"): the
// name is the login as written, "alice@corp.example.com".
func setPrincipal(e *event.Event, key, p string) {
	i := strings.LastIndexByte(p, '@')
	if i <= 0 || p[i-1] == '\\' {
		return
	}
	ecs.SetUser(e, key+".name", strings.ReplaceAll(p[:i], `\@`, "@"))
	e.SetStr(key+".domain", p[i+1:])
}

// cutKadmind refuses a request line whose client-chosen target could
// hold a second ", client=" (and so another result and client), and a
// password line whose principal could hold a second ": " (another
// result).
func cutKadmind(m string) (string, head, bool) {
	m, h := klogHead(m)
	if strings.HasPrefix(m, "chpw request ") || strings.HasPrefix(m, "setpw request ") {
		return m, h, strings.Count(m, ": ") == 1
	}
	return m, h, strings.Count(m, ", client=") <= 1
}

// kadmOps classes kadmind's operations (the kadm5 API's calls, as
// server_stubs.c names them). An operation not here stays iam/info.
var kadmOps = map[string]ecs.Class{
	"kadm5_init":                ecs.ClassAuthStart,
	"kadm5_create_principal":    ecs.ClassUserCreate,
	"kadm5_delete_principal":    ecs.ClassUserDelete,
	"kadm5_modify_principal":    ecs.ClassUserChange,
	"kadm5_rename_principal":    ecs.ClassUserChange,
	"kadm5_chpass_principal":    ecs.ClassUserChange,
	"kadm5_setkey_principal":    ecs.ClassUserChange,
	"kadm5_setv4key_principal":  ecs.ClassUserChange,
	"kadm5_randkey_principal":   ecs.ClassUserChange,
	"kadm5_set_string":          ecs.ClassUserChange,
	"kadm5_purgekeys":           ecs.ClassUserChange,
	"kadm5_create_policy":       ecs.NewClass(ecs.Cats(ecs.CatConfiguration), ecs.TypeCreation),
	"kadm5_delete_policy":       ecs.NewClass(ecs.Cats(ecs.CatConfiguration), ecs.TypeDeletion),
	"kadm5_modify_policy":       ecs.ClassConfigChange,
	"kadm5_get_principal":       ecs.ClassUserInfo,
	"kadm5_get_principals":      ecs.ClassUserInfo,
	"kadm5_get_principal_keys":  ecs.ClassUserInfo,
	"kadm5_get_strings":         ecs.ClassUserInfo,
	"kadm5_get_policy":          ecs.NewClass(ecs.Cats(ecs.CatConfiguration), ecs.TypeInfo),
	"kadm5_get_policies":        ecs.NewClass(ecs.Cats(ecs.CatConfiguration), ecs.TypeInfo),
	"kadm5_get_privs":           ecs.ClassAuthInfo,
	"kadm5_create_principal_3":  ecs.ClassUserCreate,
	"kadm5_chpass_principal_3":  ecs.ClassUserChange,
	"kadm5_setkey_principal_3":  ecs.ClassUserChange,
	"kadm5_setkey_principal_4":  ecs.ClassUserChange,
	"kadm5_randkey_principal_3": ecs.ClassUserChange,
	"kadm5_create_alias":        ecs.ClassUserChange,
}

// postKadmind classes the request by its operation and sets the
// principals: the client that asked (user) and the principal it named
// (user.target, when the target is one).
func postKadmind(e *event.Event) {
	postKlog(e, "kadmind")
	if op := e.Str("kadmind.operation"); op != "" {
		if c, ok := kadmOps[op]; ok {
			c.Set(e, e.Str("event.action"), e.Str("event.outcome"))
		}
	}
	if c := e.Str("kadmind.client"); isPrincipal(c) {
		setPrincipal(e, "user", c)
	}
	// A policy's name, and the glob of a listing ("*@EXAMPLE.COM"), are
	// no principal even in a principal's shape; kadm5_init's (a logon)
	// is the client itself.
	op := e.Str("kadmind.operation")
	if t := e.Str("kadmind.target"); isPrincipal(t) && !strings.Contains(op, "polic") && op != "kadm5_get_principals" && op != "kadm5_init" {
		setPrincipal(e, "user.target", t)
	}
}
