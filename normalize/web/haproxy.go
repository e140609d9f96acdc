package web

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// HAProxy's traffic logs (program "haproxy"), as its configuration manual
// describes them (section 8.2):
//
//	HTTP (option httplog):
//	CLIENT:PORT [ACCEPT_DATE] FRONTEND BACKEND/SERVER TR/Tw/Tc/Tr/Ta STATUS BYTES REQ_COOKIE RES_COOKIE TERM ACT/FE/BE/SRV/RETRIES SRVQ/BEQ [{REQ_HDRS}] [{RES_HDRS}] "METHOD URI HTTP/1.1"
//	TCP (option tcplog):
//	CLIENT:PORT [ACCEPT_DATE] FRONTEND BACKEND/SERVER Tw/Tc/Tt BYTES TERM ACT/FE/BE/SRV/RETRIES SRVQ/BEQ
//
// A frontend name ending in "~" is a TLS connection (tls.established).
//
// -> HTTP: network and web / access, http.*, url.*; TCP: network /
// connection, end, destination.bytes (sent to the client); both:
// source.*, event.duration (Ta, or Tt, in ms; not when logasap marks it
// "+", a lower bound), haproxy.frontend_name, .backend_name, .server_name,
// .termination_state, haproxy.time.* (ms; -1, an aborted step, is left
// out), haproxy.connections.*, haproxy.queue.*, haproxy.captured_* and
// @timestamp from ACCEPT_DATE (no zone: the receive time's location) when
// the line has no time of its own. Outcome: failure when the session did
// not end normally (TERM's first character is not '-') or STATUS >= 400.
// HAProxy's other lines (proxies started, servers down) are a catalog in
// normalize/apps.

var (
	classHAProxyHTTP = ecs.NewClass(ecs.Cats(ecs.CatNetwork, ecs.CatWeb), ecs.TypeAccess)
	classHAProxyTCP  = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeConn, ecs.TypeEnd)
)

// haproxyTimers names the timers of the HTTP format (Tq in HAProxy < 1.5
// is TR's place, Tt is Ta's) and of the TCP format.
var (
	haproxyHTTPTimers = [...]string{"haproxy.time.request_ms", "haproxy.time.queue_ms",
		"haproxy.time.connect_ms", "haproxy.time.response_ms", "haproxy.time.total_ms"}
	haproxyTCPTimers = [...]string{"haproxy.time.queue_ms", "haproxy.time.connect_ms", "haproxy.time.total_ms"}
	haproxyConns     = [...]string{"haproxy.connections.active", "haproxy.connections.frontend",
		"haproxy.connections.backend", "haproxy.connections.server", "haproxy.connections.retries"}
)

// haproxyLine is a traffic line cut into its words.
type haproxyLine struct {
	client, date, frontend, backend, server string
	timers                                  []string
	status, bytes, reqCookie, resCookie     string
	term, conns, queues                     string
	reqHeaders, resHeaders, request         string
}

// decodeHAProxy decodes a traffic line (HTTP or TCP format). Long because it sets
// the format's fields one after the other, in the line's order.
func decodeHAProxy(e *event.Event) bool {
	l, ok := cutHAProxy(e.Message)
	if !ok {
		return false
	}
	// CLIENT:PORT always has a port, also after an IPv6 address written
	// without brackets ("2001:db8::1:8080"): the port is after the last colon.
	i := strings.LastIndexByte(l.client, ':')
	if i < 0 {
		return false
	}
	addr, port := strings.TrimSuffix(strings.TrimPrefix(l.client[:i], "["), "]"), l.client[i+1:]
	if !ecs.IsIP(addr) || !ecs.IsDigits(port) {
		return false
	}
	http := len(l.timers) == 5
	ecs.Begin(e, "haproxy", "haproxy.tcp")
	ecs.Reserve(e, 32)
	if http {
		ecs.SetRule(e, "haproxy.http")
	}
	if t, err := time.ParseInLocation("02/Jan/2006:15:04:05.000", l.date, e.Received.Location()); err == nil {
		ecs.SetTimeIfNone(e, t)
	}
	outcome := ecs.OutcomeSuccess
	if l.term[0] != '-' {
		outcome = ecs.OutcomeFailure
	}
	status, hasStatus := ecs.ParseUint(l.status)
	if hasStatus && status >= 400 {
		outcome = ecs.OutcomeFailure
	}
	if http {
		classHAProxyHTTP.Set(e, "http-request", outcome)
	} else {
		classHAProxyTCP.Set(e, "tcp-session", outcome)
	}
	ecs.SetAddress(e, "source", addr)
	ecs.SetPort(e, "source.port", port)
	if fe, ok := strings.CutSuffix(l.frontend, "~"); ok { // "~": the client connection is TLS
		l.frontend = fe
		e.Set("tls.established", event.Bool(true))
	}
	e.SetStr("haproxy.frontend_name", l.frontend)
	e.SetStr("haproxy.backend_name", l.backend)
	if l.server != "<NOSRV>" {
		e.SetStr("haproxy.server_name", l.server)
	}
	names := haproxyTCPTimers[:]
	if http {
		names = haproxyHTTPTimers[:]
	}
	for i, v := range l.timers {
		if total, ok := strings.CutPrefix(v, "+"); ok { // logasap: a lower bound
			ecs.SetUint(e, names[i], total)
			continue
		}
		if ecs.SetUint(e, names[i], v) && i == len(l.timers)-1 {
			n, _ := ecs.ParseUint(v)
			e.SetInt("event.duration", n*int64(time.Millisecond))
		}
	}
	e.SetStr("haproxy.termination_state", l.term)
	haproxyCounters(e, l)
	if !http {
		ecs.SetUint(e, "destination.bytes", strings.TrimPrefix(l.bytes, "+"))
		return true
	}
	if hasStatus {
		e.SetInt("http.response.status_code", status)
	}
	ecs.SetUint(e, "http.response.bytes", strings.TrimPrefix(l.bytes, "+"))
	for _, c := range [...]struct{ key, v string }{{"haproxy.captured_request_cookie", l.reqCookie},
		{"haproxy.captured_response_cookie", l.resCookie}, {"haproxy.captured_request_headers", l.reqHeaders},
		{"haproxy.captured_response_headers", l.resHeaders}} {
		if c.v != "-" {
			e.SetStr(c.key, c.v)
		}
	}
	if l.request != "<BADREQ>" {
		webRequest(e, l.request)
	}
	return true
}

// haproxyCounters sets the connection counts and queue lengths.
func haproxyCounters(e *event.Event, l haproxyLine) {
	for i, v := range strings.SplitN(l.conns, "/", len(haproxyConns)) {
		ecs.SetUint(e, haproxyConns[i], strings.TrimPrefix(v, "+")) // "+2" retries: redispatched
	}
	if srv, be, ok := strings.Cut(l.queues, "/"); ok {
		ecs.SetUint(e, "haproxy.queue.server", srv)
		ecs.SetUint(e, "haproxy.queue.backend", be)
	}
}

// cutHAProxy cuts a traffic line into its words; ok is false for any other
// line (the catalog's).
func cutHAProxy(m string) (l haproxyLine, ok bool) {
	var timers, rest string
	l.client, rest = ecs.CutWord(m)
	date, rest := ecs.CutWord(rest)
	if len(date) < 3 || date[0] != '[' || date[len(date)-1] != ']' {
		return l, false
	}
	l.date = date[1 : len(date)-1]
	l.frontend, rest = ecs.CutWord(rest)
	var route string
	route, rest = ecs.CutWord(rest)
	if l.backend, l.server, ok = strings.Cut(route, "/"); !ok {
		return l, false
	}
	timers, rest = ecs.CutWord(rest)
	l.timers = strings.Split(timers, "/")
	for _, t := range l.timers {
		if !ecs.IsDigits(strings.TrimPrefix(strings.TrimPrefix(t, "+"), "-")) {
			return l, false
		}
	}
	switch len(l.timers) {
	case 5:
		l.status, rest = ecs.CutWord(rest)
		l.bytes, rest = ecs.CutWord(rest)
		l.reqCookie, rest = ecs.CutWord(rest)
		l.resCookie, rest = ecs.CutWord(rest)
	case 3:
		l.bytes, rest = ecs.CutWord(rest)
	default:
		return l, false
	}
	l.term, rest = ecs.CutWord(rest)
	l.conns, rest = ecs.CutWord(rest)
	l.queues, rest = ecs.CutWord(rest)
	if (len(l.term) != 2 && len(l.term) != 4) || strings.Count(l.conns, "/") != 4 ||
		strings.Count(l.queues, "/") != 1 {
		return l, false
	}
	if len(l.timers) == 3 {
		return l, rest == ""
	}
	// {captured request headers} {captured response headers}: each may
	// hold spaces; a lone block is the request's.
	var hdrs []string
	for len(hdrs) < 2 && strings.HasPrefix(rest, "{") {
		end := strings.Index(rest, "} ")
		if end < 0 {
			return l, false
		}
		hdrs = append(hdrs, rest[1:end])
		rest = strings.TrimLeft(rest[end+2:], " ")
	}
	if len(hdrs) > 0 {
		l.reqHeaders = hdrs[0]
	}
	if len(hdrs) > 1 {
		l.resHeaders = hdrs[1]
	}
	l.request, _, ok = cutQuotedField(rest)
	return l, ok
}
