package web

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Error logs: Apache's "[date] [level] ..." and nginx's "date [level] pid#tid: ..."
// (decoded in errorlog_nginx.go); what both refuse, as one vocabulary.

// apacheErrorShape: "[Sun Dec 04 04:47:44 2005] [", or the ISO form of an
// ErrorLogFormat with %{cu}t: "[2025-07-22 15:45:51.323610 +0200] [".
func apacheErrorShape(m string) bool {
	if len(m) <= 28 || m[0] != '[' {
		return false
	}
	return m[4] == ' ' && m[8] == ' ' && m[11] == ' ' && m[14] == ':' ||
		m[5] == '-' && m[8] == '-' && m[11] == ' ' && m[14] == ':'
}

// apacheErrorLayouts are the stamps of apacheErrorShape, the zone optional.
var apacheErrorLayouts = [...]string{
	"Mon Jan 02 15:04:05 2006",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// nginxErrorShape: "2012/04/09 11:53:29 [".
func nginxErrorShape(m string) bool {
	return len(m) > 22 && m[4] == '/' && m[7] == '/' && m[10] == ' ' && m[13] == ':' && m[19] == ' ' && m[20] == '['
}

// apacheLevelShape: "[error] [client ...", "[authz_core:error] [pid ...":
// an error line without its stamp, as Apache's ErrorLog syslog sends it.
func apacheLevelShape(m string) bool {
	tag, _, ok := cutBracket(m)
	if !ok {
		return false
	}
	_, level, withModule := strings.Cut(tag, ":")
	if !withModule {
		level = tag
	}
	switch strings.TrimRight(level, "12345678") {
	case "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug", "trace":
		return true
	}
	return false
}

func decodeApacheError(e *event.Event, m string) bool {
	stamp, rest := "", m
	if apacheErrorShape(m) {
		end := strings.IndexByte(m, ']')
		if end < 0 {
			return false // a stamp's shape with no "]" after it
		}
		stamp, rest = m[1:end], strings.TrimLeft(m[end+1:], " ")
	}
	// "[module:level]" (2.4) or "[level]" (2.2), then optional
	// "[pid N:tid M]", "[client ADDR:PORT]", "[remote ADDR:PORT]".
	tag, rest, ok := cutBracket(rest)
	if !ok {
		return false
	}
	module, level, withModule := strings.Cut(tag, ":")
	if level == "" {
		module, level = "", module
	}
	// 2.4 (whose level tag always has the module, "[:error]" when none)
	// prints "[client ADDR:PORT]" with an IPv6 ADDR unbracketed, so the
	// last colon is the port's even when the whole still reads as an IPv6
	// address ("2001:db8::5:4100"); 2.2 prints no port.
	split := splitHostPortLoose
	if withModule {
		split = splitHostPortLast
	}
	var pid, tid, client, remote string
tags:
	for {
		tag, r, ok := cutBracket(rest)
		switch {
		case !ok:
			break tags
		case strings.HasPrefix(tag, "pid "):
			pid, tid, _ = strings.Cut(tag[len("pid "):], ":tid ")
		case strings.HasPrefix(tag, "client "):
			// mod_security2 adds a "[client ADDR]" of its own, without
			// the port: the first is Apache's.
			if client == "" {
				client = tag[len("client "):]
			}
		case strings.HasPrefix(tag, "remote "):
			// the proxy in front of the client (set once the line is
			// known Apache's)
			remote, _ = split(tag[len("remote "):])
		default:
			break tags
		}
		rest = r
	}
	// 2.4's default ErrorLogFormat puts the source file (%F, debug
	// builds: "mod_authz_core.c(820)") and the APR status (%E:
	// "(70008)Partial results are valid ...") before the client:
	// "%F: %E: [client %a] %M" ("[remote %a]" on a backend's connection).
	// Only after one of those is a later "[client ...]" the client's, not
	// text of the message.
	prefix := ""
	if client == "" && remote == "" && withModule {
		i := strings.Index(rest, ": [client ")
		if j := strings.Index(rest, ": [remote "); j > 0 && (i < 0 || j < i) {
			i = j
		}
		if i > 0 && (rest[0] == '(' || rest[i-1] == ')') {
			if tag, r, ok := cutBracket(rest[i+2:]); ok {
				prefix, rest = rest[:i+2], r
				if addr, ok := strings.CutPrefix(tag, "client "); ok {
					client = addr
				} else {
					remote, _ = split(tag[len("remote "):])
				}
			}
		}
	}
	if level == "" {
		return false
	}
	ecs.Begin(e, webProvider(e, "apache"), "apache.error")
	ecs.Reserve(e, 16)
	if remote != "" {
		ecs.AddRelatedIP(e, remote)
	}
	// (Go accepts the fractional seconds of 2.4 after "05" without a layout for them.)
	for _, layout := range apacheErrorLayouts {
		if t, err := time.ParseInLocation(layout, stamp, e.Received.Location()); err == nil {
			ecs.SetTimeIfNone(e, t)
			break
		}
	}
	e.SetStr("log.level", level)
	e.SetStr("apache.error.module", module)
	ecs.SetUint(e, "process.pid", pid)
	ecs.SetUint(e, "process.thread.id", tid)
	if client != "" {
		addr, port := split(client)
		ecs.SetAddress(e, "source", addr)
		if port != "" {
			ecs.SetPort(e, "source.port", port)
		}
	}
	// A line without a client has the APR status (%E) first: "(111)Connection
	// refused: AH00957: ..." (2.2: "(111)Connection refused: proxy: ...").
	if prefix == "" {
		if st, r, ok := strings.Cut(rest, ": "); ok && aprStatus(st) {
			prefix, rest = rest[:len(st)+2], r
		}
	}
	if code, msg, ok := strings.Cut(rest, ": "); ok && len(code) == 7 && strings.HasPrefix(code, "AH") {
		e.SetStr("error.code", code)
		rest = msg
	}
	e.SetStr("error.message", prefix+rest)
	text, referrer, known := apacheReferer(rest)
	e.SetStr("http.request.referrer", referrer)
	if known {
		apacheSentence(e, module, level, text)
	} else if !classOnly(e, func(s *event.Event) { apacheSentence(s, module, level, text) }) {
		webErrorClass(e, level)
	}
	return true
}

// apacheReferer cuts the ", referer: URL" that Apache appends, once, at
// the end of a request's error line. The text before it can hold the
// same words (a path or a user name the client chose), and so can the
// referer: with one occurrence that is Apache's; with more, where the
// text ends is not known (known false): text is then what surely is the
// message's (up to the first), and there is no referrer.
func apacheReferer(rest string) (text, referrer string, known bool) {
	const sep = ", referer: "
	i := strings.Index(rest, sep)
	switch {
	case i < 0:
		return rest, "", true
	case strings.Contains(rest[i+len(sep):], sep):
		return rest[:i], "", false
	}
	return rest[:i], rest[i+len(sep):], true
}

// apacheSentence decodes an Apache error line's sentence.
func apacheSentence(e *event.Event, module, level, text string) {
	if modSecurityAlert(e, text, modsecEscaped) || apacheAccessControl(e, module, text) {
		return
	}
	if !apacheSentences.apply(e, text) {
		webErrorClass(e, level)
		return
	}
	// The request line of a refused request: url.* from its target.
	if target := e.Str("url.original"); target != "" && !e.Has("url.path") {
		webURL(e, e.Str("http.request.method"), target, e.Str("http.version"))
	}
}

// sentenceClass is what classOnly keeps of a sentence: what happened, not
// the values its text gave.
var sentenceClass = [...]string{"event.category", "event.type", "event.action", "event.outcome", "nomen.rule"}

// classOnly classifies a line whose text's end is not known (Apache's
// referer, nginx's context: the client's text can hold what ends it) by
// the sentence it starts with: decode decodes it into a scratch event, of
// which only sentenceClass is kept (the values the sentence holds, a
// path or a user, may run on into the client's text). It reports whether
// the text was a known sentence (else the line's level alone classified
// it, and e is left as it was).
func classOnly(e *event.Event, decode func(s *event.Event)) bool {
	s := event.New(e.Received)
	decode(s)
	if !s.Has("nomen.rule") { // webErrorClass: no sentence
		return false
	}
	for _, k := range sentenceClass {
		if v, ok := s.Field(k); ok {
			e.Set(k, v)
		}
	}
	return true
}

// aprStatus: the "(70007)The timeout specified has expired" of a line's
// %E, the APR status of the failed call.
func aprStatus(s string) bool {
	end := strings.IndexByte(s, ')')
	return len(s) > 2 && s[0] == '(' && end > 1 && ecs.IsDigits(s[1:end])
}

// digestRefusals are mod_auth_digest's refusals of an Authorization
// header it cannot accept (AH01775-AH01777, AH01786, AH01788, AH01789,
// AH01793; 2.2's the same after "Digest: "). Each goes on with the
// client's own text (the algorithm, nonce or qop it sent, then the URI),
// so no path is read from it.
var digestRefusals = [...]struct{ prefix, reason string }{
	{"unknown algorithm `", "unknown algorithm"},
	{"invalid qop `", "invalid qop"},
	{"invalid nonce ", "invalid nonce"},
	{"uri mismatch - ", "uri mismatch"},
	{"client used wrong authentication scheme `", "wrong authentication scheme"},
	{"missing user, realm, nonce, uri, digest, cnonce, or nonce_count in authorization header", "incomplete authorization header"},
}

// apacheAccessControl classifies the sentences of the authentication and
// authorization modules (mod_auth_basic, mod_auth_digest, mod_authz_*,
// mod_access_compat); 2.2 has no module tag and prefixes Digest's with
// "Digest: ". A user name is one word: the sentence follows it.
func apacheAccessControl(e *event.Event, module, msg string) bool {
	if d, ok := strings.CutPrefix(msg, "Digest: "); ok {
		module, msg = "auth_digest", d
	}
	if module == "auth_digest" {
		// "user alice: password mismatch: /path", "user `alice' in realm
		// `R' not found: /path", "realm mismatch - got `X' but expected `Y'"
		if u, ok := strings.CutPrefix(msg, "user "); ok {
			if name, path, ok := strings.Cut(u, ": password mismatch: "); ok && !strings.Contains(name, " ") {
				return webAuthFailure(e, "apache.auth.failure", "http-digest-auth", name, path, "password mismatch")
			}
			if q, ok := strings.CutPrefix(u, "`"); ok {
				if name, r, ok := strings.Cut(q, "' in realm `"); ok && !strings.Contains(name, " ") {
					if _, path, ok := strings.Cut(r, "' not found: "); ok {
						return webAuthFailure(e, "apache.auth.failure", "http-digest-auth", name, path, "user not found")
					}
				}
			}
		}
		if strings.HasPrefix(msg, "realm mismatch - ") {
			return webAuthFailure(e, "apache.auth.failure", "http-digest-auth", "", "", "realm mismatch")
		}
		for _, r := range digestRefusals {
			if strings.HasPrefix(msg, r.prefix) {
				return webAuthFailure(e, "apache.auth.failure", "http-digest-auth", "", "", r.reason)
			}
		}
		return false
	}
	// mod_auth_basic: "user alice not found[: /path]", "user alice:
	// authentication failure for "/path": Password Mismatch"; mod_authz_core:
	// "user alice: authorization failure for "/path": "
	if u, ok := strings.CutPrefix(msg, "user "); ok {
		if name, path, ok := strings.Cut(u, " not found: "); ok && !strings.Contains(name, " ") {
			return webAuthFailure(e, "apache.auth.failure", "http-basic-auth", name, path, "user not found")
		}
		if name, ok := strings.CutSuffix(u, " not found"); ok && !strings.Contains(name, " ") {
			return webAuthFailure(e, "apache.auth.failure", "http-basic-auth", name, "", "user not found")
		}
		if name, r, ok := strings.Cut(u, ": authentication failure for "); ok && !strings.Contains(name, " ") {
			path, reason, _ := strings.Cut(trimQuotesPrefix(r), ": ")
			return webAuthFailure(e, "apache.auth.failure", "http-basic-auth", name, path, reason)
		}
		if name, r, ok := strings.Cut(u, ": authorization failure for "); ok && !strings.Contains(name, " ") {
			path, _, _ := strings.Cut(trimQuotesPrefix(r), ":")
			return webAccessDenied(e, "apache.access.denied", "http-access-denied", name, path, "authorization failure")
		}
	}
	if path, ok := strings.CutPrefix(msg, "client used wrong authentication scheme: "); ok {
		return webAuthFailure(e, "apache.auth.failure", "http-basic-auth", "", path, "wrong authentication scheme")
	}
	// mod_authz_core (AH01630) names the file the request mapped to, or
	// "uri URI" when it mapped to none.
	if path, ok := strings.CutPrefix(msg, "client denied by server configuration: "); ok {
		if uri, ok := strings.CutPrefix(path, "uri "); ok {
			return webAccessDenied(e, "apache.access.denied", "http-access-denied", "", uri, "denied by server configuration")
		}
		return webFileDenied(e, "", path, "denied by server configuration")
	}
	// mod_autoindex refusing to list a directory: 2.2's "Directory index
	// forbidden by rule: PATH" or "... by Options directive: PATH", 2.4's AH01276 "Cannot serve directory PATH:
	// No matching DirectoryIndex (...) found, and server-generated directory
	// index forbidden by Options directive".
	if path, ok := strings.CutPrefix(msg, "Directory index forbidden by rule: "); ok {
		return webFileDenied(e, "", path, "directory index forbidden")
	}
	if path, ok := strings.CutPrefix(msg, "Directory index forbidden by Options directive: "); ok {
		return webFileDenied(e, "", path, "directory index forbidden")
	}
	if r, ok := strings.CutPrefix(msg, "Cannot serve directory "); ok && strings.HasSuffix(msg, "directory index forbidden by Options directive") {
		if path, _, ok := strings.Cut(r, ": "); ok {
			return webFileDenied(e, "", path, "directory index forbidden")
		}
	}
	// mod_authz_owner, _groupfile, _dbm: "Authorization of user alice to
	// access /uri failed, reason: file owner bob does not match." (the
	// request's URI, r->uri, not the file whose owner was checked).
	if u, ok := strings.CutPrefix(msg, "Authorization of user "); ok {
		if name, r, ok := strings.Cut(u, " to access "); ok && !strings.Contains(name, " ") {
			if uri, reason, ok := strings.Cut(r, " failed, reason: "); ok {
				return webAccessDenied(e, "apache.access.denied", "http-access-denied", name, uri, strings.TrimSuffix(reason, "."))
			}
		}
	}
	return false
}

// webFileDenied: the server refused a request by its access rules for the
// file it mapped to (a path on the server's disk, not the URL's).
func webFileDenied(e *event.Event, user, path, reason string) bool {
	webAccessDenied(e, "apache.access.denied", "http-access-denied", user, "", reason)
	e.SetStr("file.path", strings.TrimSpace(path))
	return true
}

// cutBracket reads "[tag] " at the start of s; a tag may hold one bracketed
// part ("[client [2001:db8::1]:51548]").
func cutBracket(s string) (tag, rest string, ok bool) {
	if !strings.HasPrefix(s, "[") {
		return "", s, false
	}
	end := strings.IndexByte(s[1:], ']') + 1
	if end <= 0 {
		return "", s, false
	}
	if open := strings.IndexByte(s[1:end], '['); open >= 0 {
		next := strings.IndexByte(s[end+1:], ']')
		if next < 0 {
			return "", s, false
		}
		end += 1 + next
	}
	return s[1:end], strings.TrimLeft(s[end+1:], " "), true
}

// trimQuotesPrefix turns `"/path": Password Mismatch` into `/path: Password Mismatch`.
func trimQuotesPrefix(s string) string {
	if len(s) > 1 && s[0] == '"' {
		if i := strings.IndexByte(s[1:], '"'); i >= 0 {
			return s[1:i+1] + s[i+2:]
		}
	}
	return s
}

// webAuthFailure: the server refused a request's credentials.
func webAuthFailure(e *event.Event, rule, action, user, path, reason string) bool {
	return webRefused(e, classWebAuth, rule, action, user, path, reason)
}

// webAccessDenied: the server refused a request by its access rules
// (the user, if any, had authenticated).
func webAccessDenied(e *event.Event, rule, action, user, path, reason string) bool {
	return webRefused(e, classWebDenied, rule, action, user, path, reason)
}

// webRefused sets what a refused request's error line says.
func webRefused(e *event.Event, class ecs.Class, rule, action, user, path, reason string) bool {
	ecs.SetRule(e, rule)
	class.Set(e, action, ecs.OutcomeFailure)
	ecs.SetUser(e, "user.name", user)
	e.SetStr("url.path", strings.TrimSpace(path))
	e.SetStr("event.reason", reason)
	return true
}

func webErrorClass(e *event.Event, level string) {
	switch level {
	case "emerg", "alert", "crit", "error", "err":
		classWebError.Set(e, "http-error", "")
	default:
		classWebInfo.Set(e, "http-server-log", "")
	}
}

// splitHostPortLast splits "ADDR:PORT" whose port is always there, at the
// last colon ("[ADDR]:PORT" too).
func splitHostPortLast(s string) (host, port string) {
	if strings.HasPrefix(s, "[") {
		return splitHostPortLoose(s)
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// splitHostPortLoose splits "1.2.3.4:5678", "[::1]:80" or "::1" (no port).
func splitHostPortLoose(s string) (host, port string) {
	if strings.HasPrefix(s, "[") {
		if i := strings.Index(s, "]:"); i > 0 {
			return s[1:i], s[i+2:]
		}
		return strings.Trim(s, "[]"), ""
	}
	if ecs.IsIP(s) {
		return s, ""
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}
