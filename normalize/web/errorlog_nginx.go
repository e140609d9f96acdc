package web

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// nginx's error log: "2012/04/09 11:53:29 [error] 2865#0: *66647 MESSAGE,
// client: 1.2.3.4, server: s, request: "GET / HTTP/1.1", host: "h"" (the
// mail proxy's: "..., client: 1.2.3.4[ using starttls], server: ADDR,
// login: "user"").

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
	i, known := nginxContextStart(rest)
	tags := modsecRaw
	// A ModSecurity alert's matched value can hold ", client: ": its
	// context starts after its last tag, if that can be told.
	if at, n := modsecContextStart(rest); n == 1 {
		i, known = at, true
	} else if n > 1 {
		i, known, tags = -1, true, modsecUntrusted
	}
	if !known {
		// The text before the context or the request in it holds what
		// reads as a context: which is nginx's is not known. The line's
		// sentence starts the text; nothing the client could have
		// written is read.
		// The sentence ends at one of the starts: the first whose text
		// is a sentence's (a user name can hold a context, so the first
		// start may cut it).
		e.SetStr("error.message", rest)
		for j := i; !classOnly(e, func(s *event.Event) { nginxSentence(s, level, rest[:j], tags) }); {
			next := strings.Index(rest[j+1:], ", client: ")
			if next < 0 {
				webErrorClass(e, level)
				break
			}
			j += 1 + next
		}
		return true
	}
	if i >= 0 {
		msg = rest[:i]
		ctx := rest[i+2:]
		client, _ := nginxContext(ctx, "client")
		ecs.SetAddress(e, "source", strings.TrimSuffix(client, mailStartTLS))
		if server, _ := nginxContext(ctx, "server"); server != "" && server != "_" {
			nginxServer(e, server)
		}
		var t nginxTail
		if nginxRequest(ctx, &t) {
			webRequest(e, t.request)
		} else if login, _ := nginxContext(ctx, "login"); login != "" {
			// the mail proxy's context: the user the client logged in as
			ecs.SetUser(e, "user.name", login)
		}
		if !t.read { // no request: the keys as the context holds them
			t.values[tailHost], _ = nginxContext(ctx, "host")
			t.values[tailUpstream], _ = nginxContext(ctx, "upstream")
			t.values[tailReferrer], _ = nginxContext(ctx, "referrer")
		}
		if host := t.values[tailHost]; host != "" {
			webHostPort(e, host)
		}
		if up := t.values[tailUpstream]; up != "" {
			e.SetStr("nginx.error.upstream", up)
		}
		if ref := t.values[tailReferrer]; ref != "" {
			e.SetStr("http.request.referrer", ref)
		}
	}
	e.SetStr("error.message", msg)
	nginxSentence(e, level, msg, tags)
	return true
}

// nginxSentence decodes an nginx error line's sentence.
func nginxSentence(e *event.Event, level, msg string, tags modsecTags) {
	if nginxBasicAuth(e, msg) || modSecurityAlert(e, msg, tags) {
		return
	}
	if !nginxSentences.apply(e, msg) {
		webErrorClass(e, level)
	}
}

// nginxContextStart is where the context nginx appends to a request's
// error line starts: ", client: ADDR, server: ..." (ngx_http_log_error;
// the stream and mail modules' too). The text before it (a user name, a
// header line) and the request and referrer in it are the client's and
// can hold the same: a start is known (known true) when one place reads
// as one. With none that reads as one, the first ", client: " is taken,
// if any (i -1: none); with more, known is false and i is the first.
func nginxContextStart(rest string) (i int, known bool) {
	const key = ", client: "
	first, n := -1, 0
	for from := 0; ; {
		j := strings.Index(rest[from:], key)
		if j < 0 {
			break
		}
		j += from
		v := rest[j+len(key):]
		end := strings.IndexByte(v, ',')
		if addr := strings.TrimSuffix(v[:max(end, 0)], mailStartTLS); end > 0 && strings.HasPrefix(v[end:], ", server: ") && (addr == "unix:" || isIPText(addr)) {
			if n == 0 {
				first = j
			}
			n++
		}
		from = j + len(key)
	}
	switch {
	case n == 0:
		return strings.Index(rest, key), true
	case n > 1:
		return first, false
	}
	return first, true
}

// mailStartTLS follows the client's address in the mail proxy's context
// once the client has started TLS (ngx_mail_log_error).
const mailStartTLS = " using starttls"

// isIPText reports whether s is made of an IP address's characters (hex
// digits, '.' and ':'), as nginx's addr_text is.
func isIPText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '.' || c == ':') {
			return false
		}
	}
	return len(s) > 1
}

// nginxBasicAuth decodes ngx_http_auth_basic's `user "NAME" was not found
// in "FILE"` and `user "NAME": password mismatch`. nginx writes the name
// as the client sent it, quotes included: the sentence's end (the file is
// the configuration's) tells where it stops.
func nginxBasicAuth(e *event.Event, msg string) bool {
	u, ok := strings.CutPrefix(msg, `user "`)
	if !ok {
		return false
	}
	if name, ok := strings.CutSuffix(u, `": password mismatch`); ok {
		return webAuthFailure(e, "nginx.auth.failure", "http-basic-auth", name, "", "password mismatch")
	}
	if i := strings.LastIndex(u, `" was not found in "`); i >= 0 && strings.HasSuffix(u, `"`) {
		return webAuthFailure(e, "nginx.auth.failure", "http-basic-auth", u[:i], "", "user not found")
	}
	return false
}

// nginxContext returns the value of "key: value" in nginx's error context
// ("client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "h"").
// The request, host and referrer are the client's text, unescaped, and
// can hold what reads as another key: a key found twice is not read (it
// is not known which is nginx's). A quoted value ends at the quote that
// ends the context or comes before its next ", ".
func nginxContext(s, key string) (string, bool) {
	j := nginxContextKey(s, key, 0)
	if j < 0 || nginxContextKey(s, key, j+1) >= 0 {
		return "", false
	}
	v := s[j+len(key)+2:]
	if q, ok := strings.CutPrefix(v, "\""); ok {
		for i := 0; ; {
			end := strings.IndexByte(q[i:], '"')
			if end < 0 {
				return q, true
			}
			end += i
			if end+1 == len(q) || strings.HasPrefix(q[end+1:], ", ") {
				return q[:end], true
			}
			i = end + 1
		}
	}
	if end := strings.IndexByte(v, ','); end >= 0 {
		v = v[:end]
	}
	return v, true
}

// nginxContextKey is where "key: " starts in s at or after from, at the
// start or after a space; -1 if nowhere.
func nginxContextKey(s, key string, from int) int {
	for i := from; i < len(s); {
		j := strings.Index(s[i:], key)
		if j < 0 {
			return -1
		}
		j += i
		if strings.HasPrefix(s[j+len(key):], ": ") && (j == 0 || s[j-1] == ' ') {
			return j
		}
		i = j + 1
	}
	return -1
}

// nginxServer sets the error context's "server: ": the matched server
// block's server_name (destination.domain), or, before one is chosen (a
// TLS handshake), the listening socket "0.0.0.0:443" / "[::]:443": its
// port, and its address unless it is the wildcard.
func nginxServer(e *event.Event, server string) {
	i := strings.LastIndexByte(server, ':')
	if i < 0 || !ecs.IsDigits(server[i+1:]) {
		ecs.SetHostname(e, "destination.domain", server)
		return
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(server[:i], "["), "]")
	if !ecs.IsIP(addr) {
		ecs.SetHostname(e, "destination.domain", server)
		return
	}
	if addr != "0.0.0.0" && addr != "::" {
		ecs.SetAddress(e, "destination", addr)
	}
	ecs.SetPort(e, "destination.port", server[i+1:])
}

// nginxTailKeys are the context's keys after the request, in the order
// ngx_http_log_error_handler writes them, each at most once. Only the
// last, the referrer, holds free text; a subrequest's or upstream's URI
// and a host (no spaces: ngx_http_validate_host) hold no `", `.
var nginxTailKeys = [...]string{`", subrequest: "`, `", upstream: "`, `", host: "`, `", referrer: "`}

const (
	tailSubrequest = iota
	tailUpstream
	tailHost
	tailReferrer
)

// nginxTail is a context's request and the keys after it.
type nginxTail struct {
	read    bool // the context has one "request: " (the fields below are known)
	request string
	values  [len(nginxTailKeys)]string
}

// nginxMaxTailStarts bounds the places a request may end at that are
// tried (each one a walk over the rest): more is no line of nginx's.
const nginxMaxTailStarts = 16

// nginxRequest reads the context's request and the keys after it into t
// (false: no request was read; t.read false when the context has no
// "request: " or holds it twice). The request is the client's unescaped
// text and may hold `", host: "` or any other key: it ends at a `", `
// whose rest reads as the keys in nginx's order, or at the context's end
// when none does. Where the rest reads so at two places, the one whose
// request ends in its protocol ("... HTTP/1.1", as nginx's request line
// of a request it read) is taken; with no single one, neither the
// request nor the keys after it are read.
func nginxRequest(ctx string, t *nginxTail) bool {
	j := nginxContextKey(ctx, "request", 0)
	if j < 0 || nginxContextKey(ctx, "request", j+1) >= 0 {
		return false
	}
	v, quoted := strings.CutPrefix(ctx[j+len("request: "):], `"`)
	if !quoted {
		return false
	}
	t.read = true
	end, n, withProto, tried := -1, 0, 0, 0
	for i := 0; ; i++ {
		k := strings.Index(v[i:], `", `)
		if k < 0 {
			break
		}
		i += k
		if nginxTailKey(v[i:]) < 0 {
			continue
		}
		if tried++; tried > nginxMaxTailStarts {
			return false
		}
		if !nginxTailReads(v[i:], nil) {
			continue
		}
		n++
		switch proto := nginxEndsInProtocol(v[:i]); {
		case proto && withProto == 0:
			end, withProto = i, 1
		case proto:
			withProto++
		case withProto == 0 && n == 1:
			end = i
		}
	}
	switch {
	case n == 0: // the request is the context's last key
		t.request = strings.TrimSuffix(v, `"`)
	case withProto == 1 || n == 1 && withProto == 0:
		t.request = v[:end]
		nginxTailReads(v[end:], &t.values)
	default:
		return false
	}
	return t.request != ""
}

// nginxEndsInProtocol reports whether a request line ends in " HTTP/N[.N]".
func nginxEndsInProtocol(req string) bool {
	i := strings.LastIndex(req, " HTTP/")
	if i < 0 {
		return false
	}
	v := req[i+len(" HTTP/"):]
	major, minor, _ := strings.Cut(v, ".")
	return ecs.IsDigits(major) && (minor == "" && !strings.Contains(v, ".") || ecs.IsDigits(minor))
}

// nginxTailKey is the index in nginxTailKeys of the key s starts with
// (s starting at its `", `); -1 for none.
func nginxTailKey(s string) int {
	for k, key := range nginxTailKeys {
		if strings.HasPrefix(s, key) {
			return k
		}
	}
	return -1
}

// nginxTailReads reports whether s (from the `", ` after the request)
// reads as nginx's keys after the request: each once, in order, a value
// other than the referrer ending at its first `"` followed by `, ` or at
// the end, the referrer's at the end. The values go to values, if given.
func nginxTailReads(s string, values *[len(nginxTailKeys)]string) bool {
	last := -1
	for s != "" {
		k := nginxTailKey(s)
		if k <= last {
			return false
		}
		last = k
		s = s[len(nginxTailKeys[k]):]
		v, rest := "", ""
		if i := strings.Index(s, `", `); i >= 0 && k != tailReferrer {
			v, rest = s[:i], s[i:]
		} else if strings.HasSuffix(s, `"`) {
			v = s[:len(s)-1]
		} else {
			return false
		}
		if k != tailReferrer && strings.IndexByte(v, '"') >= 0 {
			return false
		}
		if values != nil {
			values[k] = v
		}
		s = rest
	}
	return true
}
