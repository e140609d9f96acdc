package web

import (
	"strings"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// HAProxy's logs (program "haproxy", or bare lines read from a file), as
// its configuration manual describes them (section 8.2):
//
//	TCP (option tcplog):
//	CLIENT:PORT [ACCEPT_DATE] FRONTEND BACKEND/SERVER Tw/Tc/Tt BYTES TERM ACT/FE/BE/SRV/RETRIES SRVQ/BEQ
//	HTTP (option httplog):
//	CLIENT:PORT [ACCEPT_DATE] FRONTEND BACKEND/SERVER TR/Tw/Tc/Tr/Ta STATUS BYTES REQ_COOKIE RES_COOKIE TERM ACT/FE/BE/SRV/RETRIES SRVQ/BEQ [{REQ_HDRS}] [{RES_HDRS}] "METHOD URI HTTP/1.1"
//	HTTPS (option httpslog): the HTTP line, then
//	  FC_ERR/SSL_FC_ERR/SSL_C_ERR/SSL_C_CA_ERR/RESUMED SNI/SSL_VERSION/SSL_CIPHER
//	errors (a failed TLS handshake, a bad PROXY header):
//	CLIENT:PORT [ACCEPT_DATE] FRONTEND/BIND: MESSAGE
//
// and the CLF variants (option httplog clf, option tcplog clf), in
// haproxy_clf.go. A frontend name ending in "~" is a TLS connection
// (tls.established).
//
// -> HTTP: network and web / access, http.*, url.*; TCP: network /
// connection, end, destination.bytes (sent to the client); both:
// source.*, event.duration (Ta, or Tt, in ms), haproxy.frontend_name,
// .backend_name, .server_name,
// .termination_state, haproxy.time.* (ms; -1, an aborted step, is left
// out), haproxy.connections.*, haproxy.queue.*, haproxy.captured_* and
// @timestamp from ACCEPT_DATE (no zone: the receive time's location) when
// the line has no time of its own. Outcome: failure when the session did
// not end normally (TERM's first character is not '-') or STATUS >= 400.
// HTTPS: tls.* (version, cipher, SNI, resumed) and haproxy.tls.* error
// codes. Errors: network / connection, end, failure, event.reason.
// Fields a custom log-format appends after these, and one word it puts
// before the timers (a host name, an SNI), are ignored; a custom format of
// another shape is not decoded (the line is kept raw). A client on a UNIX
// socket ("unix:ID", ID the listener's) or of another family ("-") sets no
// source.*.
// With "option logasap" HAProxy logs before the session ends and marks
// the total time and bytes_read with '+': what they were when the line was
// logged, a lower bound of the total (manual, 8.2.2 and 8.2.3). Those go
// to haproxy.time.total_so_far_ms and haproxy.bytes_read_so_far, never to
// the totals (haproxy.time.total_ms, event.duration, http.response.bytes,
// destination.bytes), and a TCP line is a connection, not its end: the
// '+' comes from the configuration, whether the session had ended or not.
// HAProxy's other lines (proxies started, servers down, the master
// process) are a catalog in normalize/apps.

var (
	classHAProxyHTTP = ecs.NewClass(ecs.Cats(ecs.CatNetwork, ecs.CatWeb), ecs.TypeAccess)
	classHAProxyTCP  = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeConn, ecs.TypeEnd)
	// logasap: logged while the session may still run
	classHAProxyTCPEarly = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeConn)
	classHAProxyError    = ecs.NewClass(ecs.Cats(ecs.CatNetwork), ecs.TypeConn, ecs.TypeEnd)
)

// The timers of each format, in the line's order; the last is the total
// (event.duration). Tq in HAProxy < 1.5 is TR's place, Tt is Ta's.
var (
	haproxyHTTPTimers = []string{"haproxy.time.request_ms", "haproxy.time.queue_ms",
		"haproxy.time.connect_ms", "haproxy.time.response_ms", "haproxy.time.total_ms"}
	haproxyTCPTimers    = []string{"haproxy.time.queue_ms", "haproxy.time.connect_ms", "haproxy.time.total_ms"}
	haproxyTCPCLFTimers = []string{"haproxy.time.handshake_ms", "haproxy.time.queue_ms",
		"haproxy.time.connect_ms", "haproxy.time.total_ms"}
	haproxyConns = [...]string{"haproxy.connections.active", "haproxy.connections.frontend",
		"haproxy.connections.backend", "haproxy.connections.server", "haproxy.connections.retries"}
)

// Accept dates: "%t"/"%tr" (local, milliseconds) and the CLF formats'
// "%trg"/"%T" (GMT with its zone; milliseconds in a word of their own).
const (
	haproxyDate    = "02/Jan/2006:15:04:05.000"
	haproxyCLFDate = "02/Jan/2006:15:04:05 -0700"
)

// haproxyLine is a traffic line cut into its words, whatever the format.
type haproxyLine struct {
	addr, port                string
	date, dateLayout, dateMS  string
	frontend, backend, server string
	http                      bool
	timers, timerNames        []string
	status, bytes, uploaded   string
	reqCookie, resCookie      string
	term                      string
	conns                     [5]string
	queues                    [2]string
	reqHeaders, resHeaders    string
	headers                   string // CLF: every captured header, request then response
	request                   string
	requestCut                bool   // the line ends inside the request
	tlsTail                   string // httpslog's two words after the request
}

func decodeHAProxy(e *event.Event) bool {
	m := e.Message
	if l, ok := cutHAProxy(m); ok {
		setHAProxy(e, &l)
		return true
	}
	if l, ok := cutHAProxyCLF(m); ok {
		setHAProxy(e, &l)
		return true
	}
	return decodeHAProxyError(e, m)
}

// setHAProxy sets the fields of a traffic line. Long because it sets the
// format's fields one after the other, in the line's order.
func setHAProxy(e *event.Event, l *haproxyLine) {
	ecs.Begin(e, "haproxy", "haproxy.tcp")
	ecs.Reserve(e, 40)
	if l.http {
		ecs.SetRule(e, "haproxy.http")
	}
	setHAProxyDate(e, l.date, l.dateLayout, l.dateMS)
	outcome := ecs.OutcomeSuccess
	if l.term[0] != '-' {
		outcome = ecs.OutcomeFailure
	}
	status, hasStatus := ecs.ParseUint(l.status)
	if hasStatus && status >= 400 {
		outcome = ecs.OutcomeFailure
	}
	// logasap marks the total time and the bytes read; either mark means
	// both are what they were when the line was logged.
	bytes, early := strings.CutPrefix(l.bytes, "+")
	early = early || len(l.timers) > 0 && strings.HasPrefix(l.timers[len(l.timers)-1], "+")
	switch {
	case l.http:
		classHAProxyHTTP.Set(e, "http-request", outcome)
	case early:
		classHAProxyTCPEarly.Set(e, "tcp-session", outcome)
	default:
		classHAProxyTCP.Set(e, "tcp-session", outcome)
	}
	ecs.SetAddress(e, "source", l.addr)
	ecs.SetPort(e, "source.port", l.port)
	setHAProxyRoute(e, l.frontend, l.backend, l.server)
	for i, v := range l.timers {
		last := i == len(l.timers)-1
		if last && early {
			ecs.SetUint(e, "haproxy.time.total_so_far_ms", strings.TrimPrefix(v, "+"))
			continue
		}
		// (only the total is ever marked: a "+" elsewhere is no number)
		if ecs.SetUint(e, l.timerNames[i], v) && last {
			n, _ := ecs.ParseUint(v)
			e.SetInt("event.duration", n*int64(time.Millisecond))
		}
	}
	e.SetStr("haproxy.termination_state", l.term)
	for i, v := range l.conns {
		ecs.SetUint(e, haproxyConns[i], strings.TrimPrefix(v, "+")) // "+2" retries: redispatched
	}
	ecs.SetUint(e, "haproxy.queue.server", l.queues[0])
	ecs.SetUint(e, "haproxy.queue.backend", l.queues[1])
	bytesKey := "http.response.bytes"
	switch {
	case early:
		bytesKey = "haproxy.bytes_read_so_far"
	case !l.http:
		bytesKey = "destination.bytes"
	}
	ecs.SetUint(e, bytesKey, bytes)
	if !l.http {
		ecs.SetUint(e, "source.bytes", l.uploaded)
		return
	}
	if hasStatus {
		e.SetInt("http.response.status_code", status)
	}
	for _, c := range [...]struct{ key, v string }{{"haproxy.captured_request_cookie", l.reqCookie},
		{"haproxy.captured_response_cookie", l.resCookie}, {"haproxy.captured_request_headers", l.reqHeaders},
		{"haproxy.captured_response_headers", l.resHeaders}, {"haproxy.captured_headers", l.headers}} {
		if c.v != "-" && c.v != "" {
			e.SetStr(c.key, c.v)
		}
	}
	switch {
	case l.request == "<BADREQ>":
	case l.requestCut:
		webCutRequest(e, l.request)
	default:
		webRequest(e, l.request)
	}
	if l.tlsTail != "" {
		setHAProxyTLS(e, l.tlsTail)
	}
}

// setHAProxyDate sets @timestamp from the accept date when the line has
// no time of its own.
func setHAProxyDate(e *event.Event, date, layout, ms string) {
	t, err := time.ParseInLocation(layout, date, e.Received.Location())
	if err != nil {
		return
	}
	if n, ok := ecs.ParseUint(ms); ok && n < 1000 {
		t = t.Add(time.Duration(n) * time.Millisecond)
	}
	ecs.SetTimeIfNone(e, t)
}

// setHAProxyRoute sets the frontend ("~": the client connection is TLS),
// backend and server names.
func setHAProxyRoute(e *event.Event, frontend, backend, server string) {
	if fe, ok := strings.CutSuffix(frontend, "~"); ok {
		frontend = fe
		e.Set("tls.established", event.Bool(true))
	}
	e.SetStr("haproxy.frontend_name", frontend)
	e.SetStr("haproxy.backend_name", backend)
	if server != "<NOSRV>" && server != "" {
		e.SetStr("haproxy.server_name", server)
	}
}

// cutHAProxy cuts a line of the default TCP, HTTP or HTTPS format; ok is
// false for any other line.
func cutHAProxy(m string) (l haproxyLine, ok bool) {
	var client, date, route, timers, conns, queues, rest string
	client, rest = ecs.CutWord(m)
	if l.addr, l.port, ok = cutHAProxyClient(client); !ok {
		return l, false
	}
	date, rest = ecs.CutWord(rest)
	if len(date) < 3 || date[0] != '[' || date[len(date)-1] != ']' {
		return l, false
	}
	l.date, l.dateLayout = date[1:len(date)-1], haproxyDate
	l.frontend, rest = ecs.CutWord(rest)
	route, rest = ecs.CutWord(rest)
	if l.backend, l.server, ok = strings.Cut(route, "/"); !ok {
		return l, false
	}
	timers, rest = ecs.CutWord(rest)
	if !haproxyTimers(timers) {
		// One word a custom log-format put before the timers (a host
		// name, an SNI: its meaning is the configuration's, so it is
		// not kept).
		timers, rest = ecs.CutWord(rest)
		if !haproxyTimers(timers) {
			return l, false
		}
	}
	l.timers = strings.Split(timers, "/")
	switch len(l.timers) {
	case 5:
		l.http, l.timerNames = true, haproxyHTTPTimers
		l.status, rest = ecs.CutWord(rest)
		l.bytes, rest = ecs.CutWord(rest)
		l.reqCookie, rest = ecs.CutWord(rest)
		l.resCookie, rest = ecs.CutWord(rest)
	case 3:
		l.timerNames = haproxyTCPTimers
		l.bytes, rest = ecs.CutWord(rest)
	default:
		return l, false
	}
	l.term, rest = ecs.CutWord(rest)
	conns, rest = ecs.CutWord(rest)
	queues, rest = ecs.CutWord(rest)
	if !haproxyTerm(l.term) || !cutSlashes(conns, l.conns[:]) || !cutSlashes(queues, l.queues[:]) {
		return l, false
	}
	if !l.http {
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
	l.request, rest, ok = cutQuotedField(rest)
	if !ok && len(rest) > 1 && rest[0] == '"' && strings.IndexByte(rest[1:], '"') < 0 {
		// A line cut at its length limit (syslog's 1024 bytes, the
		// log server's "len") ends inside the request.
		l.request, rest, ok, l.requestCut = rest[1:], "", true, true
	}
	l.tlsTail = haproxyTLSTail(rest)
	return l, ok
}

// haproxyTimers reports whether s is a timers word: numbers (-1 for an
// aborted step, "+" for logasap's lower bound) separated by '/'.
func haproxyTimers(s string) bool {
	slash, digits := false, false // digits: the current part has one
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits = true
		case c == '/' && digits:
			slash, digits = true, false
		case (c == '+' || c == '-') && (i == 0 || s[i-1] == '/' || s[i-1] == '+'):
		default:
			return false
		}
	}
	return slash && digits
}

// cutHAProxyClient cuts CLIENT:PORT. The port is after the last colon,
// also after an IPv6 address written without brackets ("2001:db8::1:8080").
// A client that is no IP address gives no address and no port.
func cutHAProxyClient(client string) (addr, port string, ok bool) {
	i := strings.LastIndexByte(client, ':')
	if i < 0 {
		return "", "", false
	}
	addr, port = strings.TrimSuffix(strings.TrimPrefix(client[:i], "["), "]"), client[i+1:]
	if addr == "unix" || addr == "-" {
		// A client on a UNIX socket ("unix:" and the listener's id, not a
		// port) or of another family ("-"): no source address or port.
		return "", "", port == "-" || ecs.IsDigits(port)
	}
	return addr, port, ecs.IsIP(addr) && ecs.IsDigits(port)
}

// haproxyTerm reports whether s is a termination state: two characters
// (TCP) or four (HTTP, with the cookie states).
func haproxyTerm(s string) bool { return len(s) == 2 || len(s) == 4 }

// cutSlashes splits s at '/' into exactly len(into) parts.
func cutSlashes(s string, into []string) bool {
	for i := range into {
		if i == len(into)-1 {
			into[i] = s
			return strings.IndexByte(s, '/') < 0
		}
		var ok bool
		if into[i], s, ok = strings.Cut(s, "/"); !ok {
			return false
		}
	}
	return true
}

// decodeHAProxyError decodes the line HAProxy writes when a connection
// fails before any traffic (section 8.2.6 "Error log format"):
//
//	CLIENT:PORT [ACCEPT_DATE] FRONTEND/BIND: SSL handshake failure
func decodeHAProxyError(e *event.Event, m string) bool {
	client, rest := ecs.CutWord(m)
	addr, port, ok := cutHAProxyClient(client)
	date, rest := ecs.CutWord(rest)
	where, reason := ecs.CutWord(rest)
	fe, bind, ok2 := strings.Cut(strings.TrimSuffix(where, ":"), "/")
	if !ok || !ok2 || len(date) < 3 || date[0] != '[' || date[len(date)-1] != ']' ||
		!strings.HasSuffix(where, ":") || fe == "" || reason == "" {
		return false
	}
	ecs.Begin(e, "haproxy", "haproxy.connection_error")
	setHAProxyDate(e, date[1:len(date)-1], haproxyDate, "")
	classHAProxyError.Set(e, "proxy-connection-error", ecs.OutcomeFailure)
	ecs.SetAddress(e, "source", addr)
	ecs.SetPort(e, "source.port", port)
	e.SetStr("haproxy.frontend_name", fe)
	e.SetStr("haproxy.bind_name", bind)
	e.SetStr("event.reason", reason)
	return true
}

// webCutRequest sets what a request cut off by the line's end still says
// in full: its method, and its path when the query began before the cut.
// The target as cut is not the URL asked for, so no url.original or
// url.query.
func webCutRequest(e *event.Event, req string) {
	method, target := ecs.CutWord(req)
	if !isToken(method) {
		return
	}
	e.SetStr("http.request.method", method)
	if path, _, ok := strings.Cut(target, "?"); ok && strings.HasPrefix(path, "/") {
		e.SetStr("url.path", decodePath(path))
	}
}
