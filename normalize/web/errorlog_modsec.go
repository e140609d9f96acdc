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
// escaped is whether every tag's value has its quotes escaped (Apache's
// mod_security2; nginx's libmodsecurity 3 writes the uri as it came).
func modSecurityAlert(e *event.Event, msg string, escaped bool) bool {
	if strings.HasPrefix(msg, "[client ") {
		if i := strings.Index(msg, "] "); i > 0 {
			msg = msg[i+2:]
		}
	}
	r, ok := strings.CutPrefix(msg, "ModSecurity: ")
	if !ok {
		return false
	}
	switch {
	case strings.HasPrefix(r, "Access denied with code "):
		ecs.SetRule(e, "web.modsecurity.denied")
		classWebDenied.Set(e, "http-waf-block", ecs.OutcomeFailure)
		code, _ := ecs.CutWord(r[len("Access denied with code "):])
		ecs.SetUint(e, "http.response.status_code", code)
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
	// The tags start at the last ` [file "`: libmodsecurity 3 writes the
	// matched value, quotes unescaped, before them ("(Value: `...' )"),
	// where a request can put a tag list of its own; from [file on, the
	// rule's id, msg and ver are the first of their names (the request
	// text there, [data], has its quotes escaped).
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
	if escaped {
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
