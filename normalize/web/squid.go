package web

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Squid's access.log in its predefined logformats, in a file or sent to
// syslog (access_log syslog:..., program "squid"):
//
//	squid (the default, native):
//	TIME.MS ELAPSED CLIENT CODE/STATUS BYTES METHOD URL USER HIERARCHY/PEER TYPE
//	1782880800.123    245 192.0.2.50 TCP_MISS/200 10543 GET http://www.example.com/ - HIER_DIRECT/203.0.113.80 text/html
//	(%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt)
//
//	common, combined (Apache's, with Squid's result last):
//	CLIENT - USER [02/Jan/2006:15:04:05 -0700] "METHOD URL HTTP/1.1" STATUS BYTES["REFERER" "USER_AGENT"] CODE:HIERARCHY
//
// -> network and web / access (denied for TCP_DENIED and the other
// *_DENIED codes), @timestamp, source.*, user.name, http.request.method,
// http.response.status_code and .bytes (headers included), url.*,
// squid.cache_status and squid.hierarchy_code, error.code for the
// "error:DETAIL" Squid logs as the URL of a failed transaction; native only:
// event.duration (ELAPSED ms), http.response.mime_type, destination.*
// (the server or peer contacted); combined only: http.request.referrer,
// user_agent.original. Fields a custom logformat appends after the native
// TYPE are ignored. Any other custom logformat is not decoded: the line
// keeps its syslog fields and raw text, with no category (or, when it
// looks like an Apache access line, is decoded as one).

var (
	classSquidAccess = ecs.NewClass(ecs.Cats(ecs.CatNetwork, ecs.CatWeb), ecs.TypeAccess)
	classSquidDenied = ecs.NewClass(ecs.Cats(ecs.CatNetwork, ecs.CatWeb), ecs.TypeDenied)
)

// squidShape recognises the "TIME.MS " a native line starts with (ten
// digits of seconds, three of milliseconds) and the CODE/STATUS word.
func squidShape(m string) bool {
	if len(m) < 40 || m[10] != '.' || m[14] != ' ' || !ecs.IsDigits(m[:10]) || !ecs.IsDigits(m[11:14]) {
		return false
	}
	i := strings.Index(m[15:], "_")
	if i > 0 && i < 40 { // TCP_MISS, NONE_NONE, TAG_NONE ... after elapsed and client
		return true
	}
	i = strings.Index(m[15:], " NONE/")
	return i > 0 && i < 40
}

func decodeSquid(e *event.Event) bool { return decodeSquidNative(e) || decodeSquidCLF(e) }

func decodeSquidNative(e *event.Event) bool {
	var f [10]string
	rest := e.Message
	for i := range f {
		if f[i], rest = ecs.CutWord(strings.TrimLeft(rest, " ")); f[i] == "" {
			return false
		}
	}
	stamp, elapsed, client, result, bytes, method, target, user, hier, mime :=
		f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]
	code, status, ok := strings.Cut(result, "/")
	sec, ms, ok2 := strings.Cut(stamp, ".")
	secs, ok3 := ecs.ParseUint(sec)
	msecs, ok4 := ecs.ParseUint(ms)
	if !ok || !ok2 || !ok3 || !ok4 || len(ms) != 3 || !squidCode(code) || !ecs.IsDigits(status) ||
		!ecs.IsDigits(elapsed) || !isToken(method) {
		return false
	}

	ecs.Begin(e, webProvider(e, "squid"), "squid.access")
	ecs.Reserve(e, 24)
	ecs.SetTimeIfNone(e, time.Unix(secs, msecs*int64(time.Millisecond)).In(e.Received.Location()))
	if d, ok := ecs.ParseUint(elapsed); ok {
		e.SetInt("event.duration", d*int64(time.Millisecond))
	}
	n, _ := ecs.ParseUint(status)
	setSquidResult(e, code, n)
	if n > 0 { // 000: no reply (aborted, or an internal error)
		e.SetInt("http.response.status_code", n)
	}
	ecs.SetAddress(e, "source", client)
	ecs.SetUint(e, "http.response.bytes", bytes)
	detail, failed := strings.CutPrefix(target, "error:")
	switch {
	case failed:
		// Squid's "URL" of a transaction that failed before it had one
		// ("error:invalid-request", "error:method-not-allowed").
		if method != "NONE" {
			e.SetStr("http.request.method", method)
		}
		e.SetStr("error.code", detail)
	case method != "NONE": // NONE: no request was parsed
		webURL(e, method, target, "")
	}
	ecs.SetUser(e, "user.name", user)
	if hcode, peer, ok := strings.Cut(hier, "/"); ok {
		if hcode != "NONE" && hcode != "HIER_NONE" {
			e.SetStr("squid.hierarchy_code", hcode)
		}
		ecs.SetAddress(e, "destination", peer)
	}
	if mime != "-" {
		e.SetStr("http.response.mime_type", mime)
	}
	return true
}

// setSquidResult sets the class and outcome of a result code and status.
func setSquidResult(e *event.Event, code string, status int64) {
	class, outcome := classSquidAccess, ""
	switch {
	case strings.HasSuffix(code, "_DENIED") || strings.Contains(code, "_DENIED_"):
		class, outcome = classSquidDenied, ecs.OutcomeFailure
	case status >= 400:
		outcome = ecs.OutcomeFailure
	case status > 0:
		outcome = ecs.OutcomeSuccess
	}
	class.Set(e, "http-request", outcome)
	e.SetStr("squid.cache_status", code)
}

// gateSquid: a native line starts with its Unix time's digits, a CLF one
// ends in an upper-case hierarchy code, spaces aside (squidCLFResult).
var gateSquid = ecs.SniffGate{First: "0123456789", Also: func(e *event.Event) bool {
	m := e.Message
	i := len(m)
	for i > 0 && m[i-1] == ' ' {
		i--
	}
	return i > 0 && 'A' <= m[i-1] && m[i-1] <= 'Z'
}}

// The longest result code and hierarchy code squidCode and isUpperToken
// take, and the word they make with the ':' between them.
const (
	squidMaxCode = 48
	squidMaxHier = 48
	squidMaxWord = squidMaxCode + 1 + squidMaxHier
)

// squidCLFResult cuts the "CODE:HIERARCHY" word that ends a line of the
// common and combined logformats; ok is false for any other line.
func squidCLFResult(m string) (head, code, hier string, ok bool) {
	m = strings.TrimRight(m, " ")
	if m == "" || m[len(m)-1] < 'A' || m[len(m)-1] > 'Z' { // cheap: most lines end otherwise
		return "", "", "", false
	}
	// The word is at most squidMaxWord bytes, its ':' in the last
	// squidMaxHier+1: look only there, by IndexByte's vector search first, as
	// a line ending in a long upper-case word (loggen's padding) took a
	// byte-by-byte LastIndexByte over all of it (~900 instructions).
	if strings.IndexByte(m[max(0, len(m)-squidMaxHier-1):], ':') < 0 {
		return "", "", "", false
	}
	lo := max(0, len(m)-squidMaxWord-1)
	i := strings.LastIndexByte(m[lo:], ' ')
	if i < 0 {
		return "", "", "", false
	}
	i += lo
	code, hier, ok = strings.Cut(m[i+1:], ":")
	if !ok || !squidCode(code) || !isUpperToken(hier) {
		return "", "", "", false
	}
	return m[:i], code, hier, true
}

// decodeSquidCLF decodes a line of the common or combined logformat: an
// Apache access line (decodeAccess) with Squid's result at its end.
func decodeSquidCLF(e *event.Event) bool {
	head, code, hier, ok := squidCLFResult(e.Message)
	if !ok || !decodeAccess(e, head) {
		return false
	}
	ecs.Begin(e, webProvider(e, "squid"), "squid.access")
	status, _ := e.Get("http.response.status_code")
	setSquidResult(e, code, status.Num)
	if v, ok := e.Get("http.response.body.bytes"); ok { // Squid counts the headers too
		e.Delete("http.response.body.bytes")
		e.Set("http.response.bytes", v)
	}
	if hier != "NONE" && hier != "HIER_NONE" {
		e.SetStr("squid.hierarchy_code", hier)
	}
	return true
}

// isUpperToken reports whether s is upper-case letters, digits and
// underscores (HIER_DIRECT, NONE, FIRSTUP_PARENT).
func isUpperToken(s string) bool {
	if s == "" || len(s) > squidMaxHier {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// squidCode reports whether s is a result code: upper-case words joined
// by underscores (TCP_MISS, TCP_REFRESH_UNMODIFIED, NONE_NONE, TAG_NONE),
// or Squid 3's lone NONE (no cache lookup: the request was refused or
// failed first).
func squidCode(s string) bool {
	if s == "NONE" {
		return true
	}
	if len(s) < 3 || len(s) > squidMaxCode || strings.IndexByte(s, '_') < 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
