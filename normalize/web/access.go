package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Access logs: common, combined and vhost_combined, with X-Forwarded-For lists.

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
	if strings.HasSuffix(request, " SMTP") {
		return false // IIS's SMTP service logs its commands in this format too: no HTTP request
	}
	status, rest := ecs.CutWord(strings.TrimLeft(rest, " "))
	bytes, rest := ecs.CutWord(rest)
	if status != "-" && status != "0" && (len(status) != 3 || !isDigit3(status)) { // Squid: 0, no reply
		return false
	}

	// Everything before the timestamp: [vhost ]clients ident user. The
	// ident is "-" but for identd users, and the user (as the client sent
	// it) may hold spaces: with a "-" ident the user is all after it.
	prefix := strings.TrimRight(m[:ts], " ")
	var clients, user string
	if i := strings.Index(prefix, " - "); i > 0 {
		clients, user = strings.TrimRight(prefix[:i], " "), strings.TrimLeft(prefix[i+len(" - "):], " ")
	} else {
		userAt := strings.LastIndexByte(prefix, ' ')
		if userAt < 0 {
			return false
		}
		user = prefix[userAt+1:]
		prefix = strings.TrimRight(prefix[:userAt], " ")
		identAt := strings.LastIndexByte(prefix, ' ')
		if identAt < 0 {
			return false
		}
		clients = strings.TrimRight(prefix[:identAt], " ")
	}

	ecs.Begin(e, webProvider(e, ""), "web.access")
	ecs.Reserve(e, 20)
	outcome := ""
	if code, ok := ecs.ParseUint(status); ok && code > 0 { // 0, 000: no reply was sent
		e.SetInt("http.response.status_code", code)
		outcome = ecs.OutcomeSuccess
		if code >= 400 {
			outcome = ecs.OutcomeFailure
		}
	}
	classWebAccess.Set(e, "http-request", outcome)
	if t, ok := parseCLFTime(m[ts+1 : end]); ok {
		ecs.SetTimeIfNone(e, t)
	}
	webClients(e, clients)
	if user != `""` { // Apache's %u of an empty user name
		ecs.SetUser(e, "user.name", user)
	}
	webRequest(e, unescapeLogItem(request))
	if n, ok := ecs.ParseUint(bytes); ok {
		e.SetInt("http.response.body.bytes", n)
	}
	if ref, r, ok := cutQuotedField(rest); ok {
		if ref != "-" {
			e.SetStr("http.request.referrer", unescapeLogItem(ref))
		}
		if ua, _, ok := cutQuotedField(r); ok && ua != "-" {
			e.SetStr("user_agent.original", unescapeLogItem(ua))
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

// unescapeLogItem undoes Apache's escaping of a quoted access log item
// (ap_escape_logitem: `"` as `\"`, `\` as `\\`), so the request, referrer
// and user agent are the client's text. Other escapes (\xHH of a control
// or non-ASCII byte, \n, \t) stay: their byte may not be text. nginx
// writes `"` and `\` as \x22 and \x5C, so "\"" never stands for
// anything else in its lines.
func unescapeLogItem(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// webRequest sets http.request.method, url.*, http.version from
// "METHOD TARGET HTTP/1.1". A "-" or empty request sets nothing, nor does
// Squid's NONE (no request was parsed: "NONE error:invalid-request").
func webRequest(e *event.Event, req string) {
	method, rest := ecs.CutWord(req)
	if method == "" || method == "-" || method == "NONE" || !isToken(method) {
		return
	}
	target, proto := rest, ""
	if i := strings.LastIndexByte(rest, ' '); i >= 0 && strings.HasPrefix(rest[i+1:], "HTTP/") {
		target, proto = rest[:i], rest[i+1:]
	}
	if target == "" {
		return
	}
	webURL(e, method, target, strings.TrimPrefix(proto, "HTTP/"))
}

// webURL sets http.request.method, url.original and url.* from a request
// target: origin form ("/p?q"), absolute form ("http://host:port/p", a
// proxy's) or, for CONNECT, authority form ("host:443"); and http.version
// when known. url.path and url.query only for a target of one of these
// forms.
func webURL(e *event.Event, method, target, version string) {
	e.SetStr("http.request.method", method)
	e.SetStr("url.original", target)
	e.SetStr("http.version", version)
	if method == "CONNECT" { // authority form: host:port
		webHostPort(e, target)
		return
	}
	path, query, _ := strings.Cut(target, "?")
	// Absolute form (a proxy's requests) starts with its scheme: a "://"
	// further on is the path's ("/web/2026/http://host/p"), which names
	// no host.
	if i := strings.Index(path, "://"); i > 0 && isToken(path[:i]) {
		scheme, host := path[:i], path[i+3:]
		e.SetStr("url.scheme", strings.ToLower(scheme))
		path = "/"
		if j := strings.IndexByte(host, '/'); j >= 0 {
			host, path = host[:j], host[j:]
		}
		if k := strings.LastIndexByte(host, '@'); k >= 0 {
			host = host[k+1:] // user:password@ is not the host
		}
		webHostPort(e, host)
	}
	if !strings.HasPrefix(path, "/") {
		// Asterisk form ("OPTIONS *"), or a word a client sent that is no
		// target ("GET bogus"): url.original keeps it, but it is no path.
		return
	}
	e.SetStr("url.path", decodePath(path))
	e.SetStr("url.query", query)
}

// decodePath percent-decodes a request path (ECS url.path is the path, not
// its encoding: "/a%20b/%2e%2e" is "/a b/.."); url.original keeps the line's
// text. A malformed escape leaves the path as received.
func decodePath(p string) string {
	if strings.IndexByte(p, '%') < 0 {
		return p
	}
	if d, err := url.PathUnescape(p); err == nil {
		return d
	}
	return p
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
// first address is source.*; every address is in related.ip. A single word
// before the client is the virtual host: destination.domain (or .ip) and
// destination.port.
func webClients(e *event.Event, s string) {
	first := true
	groups := 0
	var vhost string
	for s != "" {
		s = strings.TrimLeft(s, " ")
		var group string
		quoted := strings.HasPrefix(s, "\"")
		switch {
		case quoted:
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
		if groups == 1 && n == 1 && s != "" && !quoted {
			// "vhost[:port] client": a single word before the client (or
			// its forwarded-for list) is the virtual host, a name or an
			// address ("1.128.3.4 localhost - - [...]").
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
		ecs.SetAddress(e, "destination", host)
		if port != "" {
			ecs.SetPort(e, "destination.port", port)
		}
	}
}
