package web

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// The SMTP service of IIS (Exchange 2000/2003's transport) can log in
// NCSA format instead of W3C: the same fields as a W3C line, in the
// common log format's places.
//
//	c-ip - cs-username [dd/Mon/yyyy:hh:mm:ss +zzzz] "cs-method cs-uri-stem?cs-uri-query SMTP" sc-status sc-bytes
//	192.0.2.61 - mx7.partner.example [30/Jun/2026:08:10:00 +0000] "EHLO -?+mx7.partner.example SMTP" 250 210
//
// cs-username is the client's HELO name on a received session, and
// OutboundConnectionCommand or OutboundConnectionResponse on the service's
// own session to another server (c-ip is then that server). The line
// carries no server address, site or duration. Only "SMTP" requests are
// read here: an NCSA line of HTTP is Apache's common log format.

// iisNCSASMTP reports, cheaply, whether m may be such a line: an IPv4
// or IPv6 address of digits first (gateIIS's First), an SMTP request.
func iisNCSASMTP(m string) bool {
	return m != "" && '0' <= m[0] && m[0] <= '9' && strings.Contains(m, " SMTP\" ")
}

// decodeNCSASMTP decodes an NCSA-format SMTP protocol line.
func decodeNCSASMTP(e *event.Event) bool {
	m := e.Message
	cip, r := ecs.CutWord(m)
	ident, r := ecs.CutWord(r)
	if !ecs.IsIP(cip) || ident != "-" {
		return false
	}
	user, r := ecs.CutWord(r)
	if !strings.HasPrefix(r, "[") {
		return false
	}
	stamp, r, ok := strings.Cut(r[1:], "] \"")
	if !ok {
		return false
	}
	t, ok := parseCLFTime(stamp)
	if !ok {
		return false
	}
	req, r, ok := strings.Cut(r, "\" ")
	if !ok {
		return false
	}
	method, target := ecs.CutWord(req)
	target, ok = strings.CutSuffix(target, " SMTP")
	if !ok || strings.IndexByte(target, ' ') >= 0 {
		return false
	}
	status, r := ecs.CutWord(r)
	sbytes, r := ecs.CutWord(r)
	if r != "" || !ecs.IsDigits(status) || !ecs.IsDigits(sbytes) {
		return false
	}
	stem, query, _ := strings.Cut(target, "?")
	rec := iisRecord{cip: cip, stem: stem, query: query, version: "SMTP", status: status, sbytes: sbytes}
	if user != "-" {
		rec.user = user
	}
	if method != "-" {
		rec.method = method
	}
	if !rec.emit(e) {
		return false
	}
	ecs.SetTimeIfNone(e, t)
	return true
}
