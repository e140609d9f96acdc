package web

import (
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// HAProxy's CLF log formats (option httplog clf, option tcplog clf): an
// Apache-like head, then HAProxy's own fields one per word, strings
// quoted:
//
//	HTTP: CLIENT - - [DATE +ZONE] "REQUEST" STATUS BYTES "" "" PORT MS "FRONTEND" "BACKEND" "SERVER" TR Tw Tc Tr Ta TERM ACT FE BE SRV RETRIES SRVQ BEQ "REQ_COOKIE" "RES_COOKIE" ["HEADER"...]
//	TCP:  CLIENT - - [DATE +ZONE] "TCP " 000 BYTES "" "" PORT MS "FRONTEND" "BACKEND" "SERVER" Th Tw Tc Tt UPLOADED TERM-- ACT FE BE SRV RETRIES SRVQ BEQ "" ""
//
// The captured headers are one list, request then response (HAProxy
// writes nothing between the two), so they go to haproxy.captured_headers
// joined by '|' as %hr joins them.

// cutHAProxyCLF cuts a CLF line; ok is false for any other line (an
// Apache access line among them: its "" "" is followed by no PORT MS
// "FRONTEND").
func cutHAProxyCLF(m string) (l haproxyLine, ok bool) {
	var w [8]string
	l.addr, m = ecs.CutWord(m)
	m, ok = strings.CutPrefix(m, "- - [")
	end := strings.IndexByte(m, ']')
	if !ok || end < 0 || !ecs.IsIP(l.addr) {
		return l, false
	}
	l.date, l.dateLayout = m[:end], haproxyCLFDate
	if l.request, m, ok = cutQuotedField(m[end+1:]); !ok {
		return l, false
	}
	l.status, m = ecs.CutWord(strings.TrimLeft(m, " "))
	l.bytes, m = ecs.CutWord(m)
	if _, m, ok = cutQuotedField(m); !ok { // "" "": no referer, no user agent
		return l, false
	}
	if _, m, ok = cutQuotedField(m); !ok {
		return l, false
	}
	var ms string
	l.port, m = ecs.CutWord(strings.TrimLeft(m, " "))
	ms, m = ecs.CutWord(m)
	if !ecs.IsDigits(l.port) || !ecs.IsDigits(ms) || !ecs.IsDigits(l.status) {
		return l, false
	}
	l.frontend, m = cutCLFWord(m)
	l.backend, m = cutCLFWord(m)
	l.server, m = cutCLFWord(m)
	l.http = !(l.request == "TCP " && l.status == "000")
	if l.http {
		l.timerNames = haproxyHTTPTimers
	} else {
		l.timerNames = haproxyTCPCLFTimers
	}
	l.timers = w[:len(l.timerNames)]
	for i := range l.timers {
		l.timers[i], m = ecs.CutWord(m)
		if !ecs.IsDigits(strings.TrimPrefix(strings.TrimPrefix(l.timers[i], "+"), "-")) {
			return l, false
		}
	}
	if !l.http {
		l.uploaded, m = ecs.CutWord(m)
	}
	l.term, m = cutCLFWord(m)
	for i := range l.conns {
		l.conns[i], m = ecs.CutWord(m)
	}
	for i := range l.queues {
		l.queues[i], m = ecs.CutWord(m)
	}
	if l.frontend == "" || !haproxyTerm(l.term) || !ecs.IsDigits(l.queues[1]) {
		return l, false
	}
	if !l.http {
		// MS are the accept date's milliseconds: TCP's date is the accept
		// date, HTTP's the request's (a later second, maybe).
		l.dateMS = ms
		if len(l.term) != 4 || l.term[2:] != "--" { // "%ts--": the TCP state has two characters
			return l, false
		}
		l.term = l.term[:2]
		l.request, l.status = "", ""
		return l, true
	}
	if l.reqCookie, m, ok = cutQuotedField(m); !ok {
		return l, false
	}
	if l.resCookie, m, ok = cutQuotedField(m); !ok {
		return l, false
	}
	l.headers, ok = joinQuoted(m)
	return l, ok
}

// cutCLFWord cuts a word that HAProxy may quote ("web-in~").
func cutCLFWord(m string) (string, string) {
	if v, rest, ok := cutQuotedField(m); ok {
		return v, strings.TrimLeft(rest, " ")
	}
	return ecs.CutWord(m)
}

// joinQuoted joins the quoted strings of m with '|'; ok is false when m
// holds anything else.
func joinQuoted(m string) (string, bool) {
	var b strings.Builder
	for n := 0; ; n++ {
		if m = strings.TrimLeft(m, " "); m == "" {
			return b.String(), true
		}
		v, rest, ok := cutQuotedField(m)
		if !ok {
			return "", false
		}
		if n > 0 {
			b.WriteByte('|')
		}
		b.WriteString(v)
		m = rest
	}
}

// haproxyTLSTail returns httpslog's two words after the request
// ("0/0/0/0/0 example.com/TLSv1.3/TLS_AES_256_GCM_SHA384"), "" when rest
// is not that (a custom format's own words).
func haproxyTLSTail(rest string) string {
	errs, r := ecs.CutWord(strings.TrimLeft(rest, " "))
	conn, _ := ecs.CutWord(r)
	if strings.Count(errs, "/") != 4 || strings.Count(conn, "/") != 2 {
		return ""
	}
	return strings.TrimLeft(rest, " ")
}

// setHAProxyTLS sets the fields of httpslog's tail: the connection's
// error codes (set only when not 0, no error, or "-", not a TLS
// connection; SSL_FC_ERR is OpenSSL's, in hex), whether the session
// was resumed, the SNI, the protocol version and the cipher.
func setHAProxyTLS(e *event.Event, tail string) {
	var errs [5]string
	var conn [3]string
	w, rest := ecs.CutWord(tail)
	c, _ := ecs.CutWord(rest)
	if !cutSlashes(w, errs[:]) || !cutSlashes(c, conn[:]) {
		return
	}
	if strings.Trim(errs[0], "0") != "" {
		ecs.SetUint(e, "haproxy.frontend_connection_error", errs[0])
	}
	for i, key := range [...]string{1: "haproxy.tls.frontend_error", 2: "haproxy.tls.client_cert_error",
		3: "haproxy.tls.client_ca_error"} {
		if key != "" && errs[i] != "-" && strings.Trim(errs[i], "0") != "" { // 0: no error
			e.SetStr(key, errs[i])
		}
	}
	switch errs[4] {
	case "1":
		e.Set("tls.resumed", event.Bool(true))
	case "0":
		if conn[1] != "-" {
			e.Set("tls.resumed", event.Bool(false))
		}
	}
	if conn[0] != "-" && conn[0] != "" {
		e.SetStr("tls.client.server_name", conn[0])
	}
	if v := conn[1]; v != "-" && v != "" {
		e.Set("tls.established", event.Bool(true))
		ecs.SetTLSVersion(e, v)
	}
	if conn[2] != "-" && conn[2] != "" {
		e.SetStr("tls.cipher", conn[2])
	}
}

// gateHAProxy: sniffHAProxy's lines start with the client's address.
var gateHAProxy = ecs.SniffGate{First: "0123456789abcdefABCDEF"}

// sniffHAProxy recognises a bare HAProxy line (read from a file, or sent
// without a syslog header) cheaply: CLIENT:PORT then " [" and an accept
// date "01/Jul/2026:10:00:00.123]" within the first 64 bytes, or a CLF
// head whose request is followed by HAProxy's empty "" "".
func sniffHAProxy(e *event.Event) bool {
	m := e.Message
	if len(m) < 40 || !isHexDigit(m[0]) {
		return false
	}
	i := strings.IndexByte(m[:min(len(m), 64)], '[')
	if i < 8 || m[i-1] != ' ' || i+28 > len(m) || m[i+3] != '/' || m[i+7] != '/' || m[i+12] != ':' {
		return false
	}
	if m[i+21] == '.' && m[i+25] == ']' && m[i-6:i-1] != " - - " {
		return true
	}
	return m[i+27] == ']' && strings.HasSuffix(m[:i], " - - ") && strings.Contains(m[i:], ` "" "" `)
}

func isHexDigit(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f' }
