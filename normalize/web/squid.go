package web

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// Squid's access.log in its native format (logformat squid, the default),
// in a file or sent to syslog (access_log syslog:..., program "squid"):
//
//	TIME.MS ELAPSED CLIENT CODE/STATUS BYTES METHOD URL USER HIERARCHY/PEER TYPE
//	1782880800.123    245 192.0.2.50 TCP_MISS/200 10543 GET http://www.example.com/ - HIER_DIRECT/203.0.113.80 text/html
//
// (%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt.) ->
// network and web / access (denied for TCP_DENIED and the other *_DENIED
// codes), @timestamp, event.duration (ELAPSED ms), source.*, user.name,
// http.request.method, http.response.status_code and .bytes (headers
// included), .mime_type, url.*, destination.* (the server or peer
// contacted), squid.cache_status and squid.hierarchy_code. Fields a
// custom logformat appends after TYPE are ignored.

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
	return i > 0 && i < 40 // TCP_MISS, NONE_NONE, TAG_NONE ... after elapsed and client
}

func decodeSquid(e *event.Event) bool {
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
	class, outcome := classSquidAccess, ""
	n, _ := ecs.ParseUint(status)
	switch {
	case strings.HasSuffix(code, "_DENIED") || strings.Contains(code, "_DENIED_"):
		class, outcome = classSquidDenied, ecs.OutcomeFailure
	case n >= 400:
		outcome = ecs.OutcomeFailure
	case n > 0:
		outcome = ecs.OutcomeSuccess
	}
	class.Set(e, "http-request", outcome)
	e.SetStr("squid.cache_status", code)
	if n > 0 { // 000: no reply (aborted, or an internal error)
		e.SetInt("http.response.status_code", n)
	}
	ecs.SetAddress(e, "source", client)
	ecs.SetUint(e, "http.response.bytes", bytes)
	if method != "NONE" { // NONE: no request was parsed ("error:invalid-request")
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

// squidCode reports whether s is a result code: upper-case words joined
// by underscores (TCP_MISS, TCP_REFRESH_UNMODIFIED, NONE_NONE, TAG_NONE).
func squidCode(s string) bool {
	if len(s) < 3 || len(s) > 48 || strings.IndexByte(s, '_') < 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
