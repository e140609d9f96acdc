package web

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// ModSecurity writes its alerts to the web server's error log, after a
// "[client ADDR]" of its own (mod_security2 in Apache's; libmodsecurity 3
// in nginx's, before nginx's ", client: ..." context):
//
//	ModSecurity: Access denied with code 403 (phase 2). Pattern match ... [file "F"] [line "N"] [id "942100"] [msg "SQL Injection Attack"] [data "..."] [severity "CRITICAL"] [ver "OWASP_CRS/3.2.0"] [tag "..."] [hostname "H"] [uri "/p"] [unique_id "U"]
//	ModSecurity: Warning. Pattern match ... [id "..."] [msg "..."] ...
//
// A request it refused is web/denied with outcome failure; a warning
// (detection only, or a score added up by a later rule) web/info. The
// rule is rule.id, rule.description and rule.version (the rule set's
// "ver"); the request is url.domain, url.path and http.request.id.

// modSecurityAlert decodes an error line's text when it is ModSecurity's.
// What the server's own line gave (the request's host and path) is kept.
// tags says how far its tags can be told from the request's text.
func modSecurityAlert(e *event.Event, msg string, tags modsecTags) bool {
	client := ""
	if strings.HasPrefix(msg, "[client ") {
		if i := strings.Index(msg, "] "); i > 0 {
			client, msg = msg[len("[client "):i], msg[i+2:]
		}
	}
	r, ok := strings.CutPrefix(msg, "ModSecurity: ")
	if !ok {
		// 1.x: "... at ARGS("NAME") [hostname "H"] [uri "/p"]", no
		// [file] to start the tags from, and the variable's name (or a
		// header's) the client's: its tags are read only when each is
		// there once and they end the line.
		if r, ok = strings.CutPrefix(msg, "mod_security: "); ok &&
			(strings.Count(r, ` [hostname "`) > 1 || strings.Count(r, ` [uri "`) > 1 || !strings.HasSuffix(r, `"]`)) {
			tags = modsecUntrusted
		}
	}
	if !ok {
		return false
	}
	switch {
	case strings.HasPrefix(r, "Access denied with code "):
		ecs.SetRule(e, "web.modsecurity.denied")
		classWebDenied.Set(e, "http-waf-block", ecs.OutcomeFailure)
		code, _ := ecs.CutWord(r[len("Access denied with code "):])
		ecs.SetUint(e, "http.response.status_code", strings.TrimSuffix(code, ".")) // 1.x: "code 403."
	case strings.HasPrefix(r, "Access denied with connection close"),
		strings.HasPrefix(r, "Access denied with redirection"):
		ecs.SetRule(e, "web.modsecurity.denied")
		classWebDenied.Set(e, "http-waf-block", ecs.OutcomeFailure)
	case strings.HasPrefix(r, "Warning."):
		ecs.SetRule(e, "web.modsecurity.warning")
		classWebInfo.Set(e, "http-waf-alert", "")
	default:
		return false
	}
	// libmodsecurity 3 writes the request's text unescaped before its
	// [file] (the variable's name and value: "against variable `ARGS:q'
	// (Value: `...' )") and after its [hostname] (the uri): the last
	// [file] is the alert's unless a [hostname] comes before it (then it
	// is in the uri, or the value holds both, and which is the alert's is
	// not known).
	if tags == modsecRaw {
		if i := strings.LastIndex(r, ` [file "`); i >= 0 && strings.Contains(r[:i], ` [hostname "`) {
			tags = modsecUntrusted
		}
	}
	if tags == modsecUntrusted {
		// The connector's "[client ADDR]" comes first, before any of the
		// client's text: it stays the source.
		if ecs.IsIP(client) {
			ecs.SetAddress(e, "source", client)
		}
		return true
	}
	// The tags start at the [file] (the last: mod_security2 escapes the
	// quotes of the text before it); from there on, the rule's id, msg
	// and ver are the first of their names (the request text there,
	// [data], has its quotes escaped; the uri comes after them).
	if i := strings.LastIndex(r, ` [file "`); i >= 0 {
		r = r[i:]
	}
	e.SetStr("rule.id", modsecTag(r, "id"))
	e.SetStr("rule.description", modsecTag(r, "msg"))
	e.SetStr("rule.version", modsecTag(r, "ver"))
	if h := modsecTag(r, "hostname"); h != "" && !e.Has("url.domain") {
		e.SetStr("url.domain", h)
	}
	// The uri is the request's own text, unescaped by libmodsecurity 3: it
	// can hold `"] [unique_id "...`. There the real unique_id is the last
	// one (only [ref], the rule's offsets, follows it; nginx's context,
	// with the request's referrer, is cut off before), and the uri runs
	// up to it. mod_security2 escapes the uri, but Apache's ", referer:
	// URL" after the tags can hold anything: there the first is the real.
	uri := modsecTag(r, "uri")
	if tags == modsecEscaped {
		e.SetStr("http.request.id", modsecTag(r, "unique_id"))
	} else if j := strings.LastIndex(r, `"] [unique_id "`); j >= 0 {
		e.SetStr("http.request.id", modsecTag(r[j+3:], "unique_id"))
		if i := strings.Index(r, ` [uri "`); i >= 0 && i+len(` [uri "`) <= j {
			uri = r[i+len(` [uri "`) : j]
		}
	}
	if uri != "" && !e.Has("url.path") {
		e.SetStr("url.path", uri)
	}
	return true
}

// modsecTags is what a ModSecurity alert's tags are written in.
type modsecTags int

const (
	// modsecEscaped: every tag's value has its quotes escaped (Apache's
	// mod_security2).
	modsecEscaped modsecTags = iota
	// modsecRaw: libmodsecurity 3 (nginx) writes the matched value and
	// the uri as they came, quotes and brackets included.
	modsecRaw
	// modsecUntrusted: the line's request text holds what reads as the
	// alert's end: which tags are ModSecurity's is not known, and none is
	// read.
	modsecUntrusted
)

// modsecContextStart is where nginx's ", client: ..." context starts in
// the text of an error line that is a libmodsecurity 3 alert: right after
// the alert's last tag, ` [ref "OFFSETS"]` (RuleMessage's log line always
// ends with it). The matched value and the uri before it and the request
// and referrer after it are the client's text and may hold the same
// bytes: n is how many places could be the start (0: not such an alert;
// more than 1: the line is ambiguous, and nothing after "ModSecurity: "
// but its verdict can be trusted).
func modsecContextStart(rest string) (at, n int) {
	const end = `"], client: `
	at = -1
	for i := 0; ; {
		j := strings.Index(rest[i:], end)
		if j < 0 {
			return at, n
		}
		j += i
		if k := strings.LastIndex(rest[:j], ` [ref "`); k >= 0 && isModsecRef(rest[k+len(` [ref "`):j]) {
			if n == 0 {
				at = j + 2
			}
			n++
		}
		i = j + len(end)
	}
}

// isModsecRef reports whether s can be a [ref] tag's value: offsets and
// transformation names ("o0,5v21,5t:urlDecodeUni,t:lowercase").
func isModsecRef(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ',' || c == ':') {
			return false
		}
	}
	return true
}

// modsecTag returns the value of the first ` [key "value"]` in s; a value
// may hold \" (ModSecurity escapes the quotes of matched data).
func modsecTag(s, key string) string {
	i := strings.Index(s, "["+key+` "`)
	if i < 0 || i > 0 && s[i-1] != ' ' {
		return ""
	}
	v := s[i+len(key)+3:]
	for j := 0; j+1 < len(v); j++ {
		switch {
		case v[j] == '\\':
			j++
		case v[j] == '"' && v[j+1] == ']':
			return v[:j]
		}
	}
	return ""
}
