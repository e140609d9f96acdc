package normalize

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Web servers: Apache httpd and nginx access and error logs, with a syslog
// header (program apache2, httpd, nginx, ...) or as bare lines read from
// files (recognised by their shape).
//
// Access (common, combined, vhost_combined, with X-Forwarded-For lists):
//
//	[VHOST[:PORT] ]CLIENT[, PROXY...] IDENT USER [02/Jan/2006:15:04:05 -0700] "METHOD TARGET HTTP/x" STATUS BYTES[ "REFERER" "UA"][ extra...]
//
// -> web/access, outcome failure for STATUS >= 400, http.*, url.*,
// user_agent.original, source.* (the first address of a forwarded list;
// every address goes to related.ip), user.name.
//
// Errors:
//
//	[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] MESSAGE                           Apache 2.2
//	[Sun Dec 04 04:47:44.123456 2005] [core:error] [pid 1:tid 2] [client 1.2.3.4:5] AH00126: MESSAGE   Apache 2.4
//	2012/04/09 11:53:29 [error] 2865#0: *66647 MESSAGE, client: 1.2.3.4, server: s, request: "GET / HTTP/1.1", host: "h"   nginx
//
// -> web/error (info for notice and below), log.level, error.code; a
// basic-auth failure (user not found, password mismatch) is
// authentication/start/failure with user.name.
//
// A timestamp without a zone is in the receive time's location.

func webDecoders() []*ecs.Decoder {
	return []*ecs.Decoder{
		{Name: "apache", Programs: []string{"apache*", "httpd*"}, Decode: decodeWeb},
		{Name: "nginx", Programs: []string{"nginx*"}, Decode: decodeWeb},
		{Name: "web", Sniff: sniffWeb, Decode: decodeWeb},
	}
}

var (
	classWebAccess = ecs.NewClass(ecs.Cats(ecs.CatWeb), ecs.TypeAccess)
	classWebError  = ecs.NewClass(ecs.Cats(ecs.CatWeb), ecs.TypeError)
	classWebInfo   = ecs.NewClass(ecs.Cats(ecs.CatWeb), ecs.TypeInfo)
	classWebAuth   = ecs.NewClass(ecs.Cats(ecs.CatAuthentication, ecs.CatWeb), ecs.TypeStart)
)

// sniffWeb recognises a bare access or error line cheaply.
func sniffWeb(e *event.Event) bool {
	m := e.Message
	return nginxErrorShape(m) || apacheErrorShape(m) || accessTimestamp(m) > 0
}

func decodeWeb(e *event.Event) bool {
	m := e.Message
	switch {
	case nginxErrorShape(m):
		return decodeNginxError(e, m)
	case apacheErrorShape(m):
		return decodeApacheError(e, m)
	}
	return decodeAccess(e, m)
}

// webProvider is the program for web lines that came with one, else the
// server the format belongs to ("" for an access line: both write it).
func webProvider(e *event.Event, format string) string {
	if e.AppName != "" {
		return ecs.ProgramKey(e.AppName)
	}
	return format
}

// accessTimestamp returns the index of the '[' that opens the
// "[02/Jan/2006:15:04:05 -0700]" of an access line, or 0.
func accessTimestamp(m string) int {
	for i := 0; i < len(m) && i < 512; {
		j := strings.IndexByte(m[i:], '[')
		if j < 0 {
			return 0
		}
		j += i
		if j > 0 && m[j-1] == ' ' && j+27 < len(m) && m[j+3] == '/' && m[j+7] == '/' && m[j+12] == ':' && m[j+27] == ']' {
			return j
		}
		i = j + 1
	}
	return 0
}

func decodeAccess(e *event.Event, m string) bool {
	ts := accessTimestamp(m)
	if ts == 0 {
		return false
	}
	end := ts + 27
	rest := m[end+1:]
	rest, ok := strings.CutPrefix(rest, " \"")
	if !ok {
		return false
	}
	// The request ends at the quote followed by " STATUS".
	q := accessRequestEnd(rest)
	if q < 0 {
		return false
	}
	request, rest := rest[:q], rest[q+1:]
	status, rest := ecs.CutWord(strings.TrimLeft(rest, " "))
	bytes, rest := ecs.CutWord(rest)
	if status != "-" && (len(status) != 3 || !isDigit3(status)) {
		return false
	}

	// Everything before the timestamp: [vhost ]clients ident user.
	prefix := strings.TrimRight(m[:ts], " ")
	userAt := strings.LastIndexByte(prefix, ' ')
	if userAt < 0 {
		return false
	}
	user := prefix[userAt+1:]
	prefix = strings.TrimRight(prefix[:userAt], " ")
	identAt := strings.LastIndexByte(prefix, ' ')
	if identAt < 0 {
		return false
	}
	clients := strings.TrimRight(prefix[:identAt], " ")

	ecs.Begin(e, webProvider(e, ""), "web.access")
	ecs.Reserve(e, 20)
	outcome := ""
	if code, ok := ecs.ParseUint(status); ok {
		e.SetInt("http.response.status_code", code)
		outcome = ecs.OutcomeSuccess
		if code >= 400 {
			outcome = ecs.OutcomeFailure
		}
	}
	classWebAccess.Set(e, "http_request", outcome)
	if t, ok := parseCLFTime(m[ts+1 : end]); ok {
		ecs.SetTimeIfNone(e, t)
	}
	webClients(e, clients)
	ecs.SetUser(e, "user.name", user)
	webRequest(e, request)
	if n, ok := ecs.ParseUint(bytes); ok {
		e.SetInt("http.response.body.bytes", n)
	}
	if ref, r, ok := cutQuotedField(rest); ok {
		if ref != "-" {
			e.SetStr("http.request.referrer", ref)
		}
		if ua, _, ok := cutQuotedField(r); ok && ua != "-" {
			e.SetStr("user_agent.original", ua)
		}
	}
	return true
}

// parseCLFTime parses "02/Jan/2006:15:04:05 -0700" into UTC (time.Parse
// would allocate a zone for every offset).
func parseCLFTime(s string) (time.Time, bool) {
	if len(s) != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' ||
		s[20] != ' ' || (s[21] != '+' && s[21] != '-') {
		return time.Time{}, false
	}
	num := func(a, b int) int {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	month := 0
	for i, name := range [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"} {
		if s[3:6] == name {
			month = i + 1
			break
		}
	}
	day, year, hh, mm, ss := num(0, 2), num(7, 11), num(12, 14), num(15, 17), num(18, 20)
	oh, om := num(22, 24), num(24, 26)
	if month == 0 || day < 1 || day > 31 || year < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
		ss < 0 || ss > 60 || oh < 0 || om < 0 {
		return time.Time{}, false
	}
	offset := time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute
	if s[21] == '-' {
		offset = -offset
	}
	return time.Date(year, time.Month(month), day, hh, mm, ss, 0, time.UTC).Add(-offset), true
}

func isDigit3(s string) bool {
	return '0' <= s[0] && s[0] <= '9' && '0' <= s[1] && s[1] <= '9' && '0' <= s[2] && s[2] <= '9'
}

// accessRequestEnd returns the index of the quote that closes the request
// (Apache escapes quotes inside it as \"), or -1.
func accessRequestEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			if i+2 < len(s) && s[i+1] == ' ' && (s[i+2] == '-' || '0' <= s[i+2] && s[i+2] <= '9') {
				return i
			}
		}
	}
	return -1
}

// cutQuotedField reads ` "value"` (leading spaces allowed) and returns the
// value and the rest.
func cutQuotedField(s string) (val, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	if len(s) < 2 || s[0] != '"' {
		return "", s, false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return s[1:i], s[i+1:], true
		}
	}
	return "", s, false
}

// webRequest sets http.request.method, url.*, http.version from
// "METHOD TARGET HTTP/1.1". A "-" or empty request sets nothing.
func webRequest(e *event.Event, req string) {
	method, rest := ecs.CutWord(req)
	if method == "" || method == "-" || !isToken(method) {
		return
	}
	target, proto := rest, ""
	if i := strings.LastIndexByte(rest, ' '); i >= 0 && strings.HasPrefix(rest[i+1:], "HTTP/") {
		target, proto = rest[:i], rest[i+1:]
	}
	if target == "" {
		return
	}
	e.SetStr("http.request.method", method)
	e.SetStr("url.original", target)
	e.SetStr("http.version", strings.TrimPrefix(proto, "HTTP/"))
	if method == "CONNECT" { // authority form: host:port
		webHostPort(e, target)
		return
	}
	path, query, _ := strings.Cut(target, "?")
	if i := strings.Index(path, "://"); i >= 0 { // absolute form (proxy requests)
		host := path[i+3:]
		if j := strings.IndexByte(host, '/'); j >= 0 {
			e.SetStr("url.domain", host[:j])
			path = host[j:]
		} else {
			e.SetStr("url.domain", host)
			path = "/"
		}
	}
	e.SetStr("url.path", path)
	e.SetStr("url.query", query)
}

// webHostPort sets url.domain and url.port from "host[:port]".
func webHostPort(e *event.Event, hp string) {
	host, port := splitHostPortLoose(hp)
	e.SetStr("url.domain", host)
	if port != "" {
		ecs.SetPort(e, "url.port", port)
	}
}

// isToken reports whether s is an HTTP method token (letters, digits, - _).
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return len(s) <= 32
}

// webClients decodes the part before IDENT USER: an optional virtual host
// ("www.example.com:443 "), then the client address, possibly preceded by
// an X-Forwarded-For list ("10.0.0.2, 10.0.0.1, 127.0.0.1" or quoted). The
// first address is source.*; every address is in related.ip.
func webClients(e *event.Event, s string) {
	first := true
	groups := 0
	var vhost string
	for s != "" {
		s = strings.TrimLeft(s, " ")
		var group string
		switch {
		case strings.HasPrefix(s, "\""):
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				group, s = s[1:], ""
			} else {
				group, s = s[1:end+1], s[end+2:]
			}
		default:
			// A group ends at a space not preceded by a comma.
			i := 0
			for {
				j := strings.IndexByte(s[i:], ' ')
				if j < 0 {
					i = len(s)
					break
				}
				i += j
				if i > 0 && s[i-1] == ',' {
					i++
					continue
				}
				break
			}
			group, s = s[:i], s[i:]
		}
		groups++
		n := strings.Count(group, ",") + 1
		if groups == 1 && n == 1 && s != "" && !ecs.IsIP(group) {
			// "vhost[:port] client": the first word is the virtual host.
			vhost = group
			continue
		}
		for a := range strings.SplitSeq(group, ",") {
			a = strings.TrimSpace(a)
			if a == "" || a == "-" {
				continue
			}
			if first {
				ecs.SetAddress(e, "source", a)
				first = false
			} else {
				ecs.AddRelatedIP(e, a)
			}
		}
	}
	if vhost != "" {
		host, port := vhost, ""
		if i := strings.LastIndexByte(vhost, ':'); i > 0 && strings.IndexByte(vhost, ']') < i && !ecs.IsIP(vhost) {
			host, port = vhost[:i], vhost[i+1:]
		}
		ecs.SetHostname(e, "destination.domain", host)
		if port != "" {
			ecs.SetPort(e, "destination.port", port)
		}
	}
}

// apacheErrorShape: "[Sun Dec 04 04:47:44 2005] [".
func apacheErrorShape(m string) bool {
	return len(m) > 28 && m[0] == '[' && m[4] == ' ' && m[8] == ' ' && m[11] == ' ' && m[14] == ':'
}

// nginxErrorShape: "2012/04/09 11:53:29 [".
func nginxErrorShape(m string) bool {
	return len(m) > 22 && m[4] == '/' && m[7] == '/' && m[10] == ' ' && m[13] == ':' && m[19] == ' ' && m[20] == '['
}

func decodeApacheError(e *event.Event, m string) bool {
	end := strings.IndexByte(m, ']')
	if end < 0 {
		return false
	}
	stamp := m[1:end]
	rest := strings.TrimLeft(m[end+1:], " ")
	// "[module:level]" (2.4) or "[level]" (2.2), then optional
	// "[pid N:tid M]", "[client ADDR:PORT]", "[remote ADDR:PORT]".
	tag, rest, ok := cutBracket(rest)
	if !ok {
		return false
	}
	module, level, _ := strings.Cut(tag, ":")
	if level == "" {
		module, level = "", module
	}
	var pid, tid, client string
tags:
	for {
		tag, r, ok := cutBracket(rest)
		switch {
		case !ok:
			break tags
		case strings.HasPrefix(tag, "pid "):
			pid, tid, _ = strings.Cut(tag[len("pid "):], ":tid ")
		case strings.HasPrefix(tag, "client "):
			client = tag[len("client "):]
		case strings.HasPrefix(tag, "remote "):
			// the proxy in front of the client
			a, _ := splitHostPortLoose(tag[len("remote "):])
			ecs.AddRelatedIP(e, a)
		default:
			break tags
		}
		rest = r
	}
	if level == "" {
		return false
	}
	ecs.Begin(e, webProvider(e, "apache"), "apache.error")
	ecs.Reserve(e, 16)
	// (Go accepts the fractional seconds of 2.4 after "05" without a layout for them.)
	if t, err := time.ParseInLocation("Mon Jan 02 15:04:05 2006", stamp, e.Received.Location()); err == nil {
		ecs.SetTimeIfNone(e, t)
	}
	e.SetStr("log.level", level)
	e.SetStr("apache.error.module", module)
	ecs.SetUint(e, "process.pid", pid)
	ecs.SetUint(e, "process.thread.id", tid)
	if client != "" {
		addr, port := splitHostPortLoose(client)
		ecs.SetAddress(e, "source", addr)
		if port != "" {
			ecs.SetPort(e, "source.port", port)
		}
	}
	if code, msg, ok := strings.Cut(rest, ": "); ok && len(code) == 7 && strings.HasPrefix(code, "AH") {
		e.SetStr("error.code", code)
		rest = msg
	}
	e.SetStr("error.message", rest)
	// mod_auth_basic: "user alice not found: /path", "user alice: authentication failure for "/path": Password Mismatch"
	if u, ok := strings.CutPrefix(rest, "user "); ok {
		if name, path, ok := strings.Cut(u, " not found: "); ok && strings.IndexByte(name, ' ') < 0 {
			return webAuthFailure(e, "apache.auth.failure", name, path, "user not found")
		}
		if name, r, ok := strings.Cut(u, ": authentication failure for "); ok && strings.IndexByte(name, ' ') < 0 {
			path, reason, _ := strings.Cut(trimQuotesPrefix(r), ": ")
			return webAuthFailure(e, "apache.auth.failure", name, path, reason)
		}
	}
	webErrorClass(e, level)
	return true
}

// cutBracket reads "[tag] " at the start of s.
func cutBracket(s string) (tag, rest string, ok bool) {
	if !strings.HasPrefix(s, "[") {
		return "", s, false
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return "", s, false
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

func webAuthFailure(e *event.Event, rule, user, path, reason string) bool {
	ecs.SetRule(e, rule)
	classWebAuth.Set(e, "http_basic_auth", ecs.OutcomeFailure)
	ecs.SetUser(e, "user.name", user)
	e.SetStr("url.path", strings.TrimSpace(path))
	e.SetStr("event.reason", reason)
	return true
}

func webErrorClass(e *event.Event, level string) {
	switch level {
	case "emerg", "alert", "crit", "error", "err":
		classWebError.Set(e, "http_error", "")
	default:
		classWebInfo.Set(e, "http_server_log", "")
	}
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

func decodeNginxError(e *event.Event, m string) bool {
	end := strings.IndexByte(m[21:], ']')
	if end < 0 {
		return false
	}
	level := m[21 : 21+end]
	rest := strings.TrimLeft(m[21+end+1:], " ")
	// "PID#TID: [*CID ]MESSAGE"
	ids, rest, ok := strings.Cut(rest, ": ")
	if !ok {
		return false
	}
	pid, tid, ok := strings.Cut(ids, "#")
	if !ok {
		return false
	}
	ecs.Begin(e, webProvider(e, "nginx"), "nginx.error")
	ecs.Reserve(e, 16)
	if t, err := time.ParseInLocation("2006/01/02 15:04:05", m[:19], e.Received.Location()); err == nil {
		ecs.SetTimeIfNone(e, t)
	}
	e.SetStr("log.level", level)
	ecs.SetUint(e, "process.pid", pid)
	ecs.SetUint(e, "process.thread.id", tid)
	if strings.HasPrefix(rest, "*") {
		cid, r := ecs.CutWord(rest[1:])
		ecs.SetUint(e, "nginx.error.connection_id", cid)
		rest = r
	}
	msg := rest
	if i := strings.Index(rest, ", client: "); i >= 0 {
		msg = rest[:i]
		ctx := rest[i+2:]
		client, _ := nginxContext(ctx, "client")
		ecs.SetAddress(e, "source", client)
		if server, _ := nginxContext(ctx, "server"); server != "" && server != "_" {
			ecs.SetHostname(e, "destination.domain", server)
		}
		if req, _ := nginxContext(ctx, "request"); req != "" {
			webRequest(e, req)
		}
		if host, _ := nginxContext(ctx, "host"); host != "" {
			webHostPort(e, host)
		}
		if up, _ := nginxContext(ctx, "upstream"); up != "" {
			e.SetStr("nginx.error.upstream", up)
		}
		if ref, _ := nginxContext(ctx, "referrer"); ref != "" {
			e.SetStr("http.request.referrer", ref)
		}
	}
	e.SetStr("error.message", msg)
	// ngx_http_auth_basic: user "x" was not found in "/file"; user "x": password mismatch
	if u, ok := strings.CutPrefix(msg, "user \""); ok {
		name, r, ok := strings.Cut(u, "\"")
		if ok {
			switch {
			case strings.HasPrefix(r, " was not found in "):
				return webAuthFailure(e, "nginx.auth.failure", name, "", "user not found")
			case strings.HasPrefix(r, ": password mismatch"):
				return webAuthFailure(e, "nginx.auth.failure", name, "", "password mismatch")
			}
		}
	}
	webErrorClass(e, level)
	return true
}

// nginxContext returns the value of "key: value" in nginx's error context
// ("client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "h"").
func nginxContext(s, key string) (string, bool) {
	for i := 0; ; {
		j := strings.Index(s[i:], key+": ")
		if j < 0 {
			return "", false
		}
		j += i
		if j > 0 && s[j-1] != ' ' {
			i = j + 1
			continue
		}
		v := s[j+len(key)+2:]
		if strings.HasPrefix(v, "\"") {
			if end := strings.IndexByte(v[1:], '"'); end >= 0 {
				return v[1 : end+1], true
			}
			return v[1:], true
		}
		if end := strings.IndexByte(v, ','); end >= 0 {
			v = v[:end]
		}
		return v, true
	}
}
