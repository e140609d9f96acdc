// Package web decodes web server and proxy logs: Apache and nginx access
// and error logs (common and combined log formats, error log lines),
// Squid's access.log (squid.go) and HAProxy's traffic and error logs
// (haproxy.go, haproxy_clf.go) and IIS's W3C extended logs (iis.go), with
// a syslog header or as bare lines.
package web

import (
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
// -> log.level, error.code, source.*, the request; what the line says
// happened comes from its sentence: a basic-auth failure (user not found,
// password mismatch) is authentication/start/failure with user.name (Go,
// errorlog.go); refused requests, missing files, rate limits, TLS,
// upstream failures and the server's start and stop are the sentences of
// catalogs/*.toml (sentences.go); any other line is web/error (web/info
// for notice and below).
//
// A timestamp without a zone is in the receive time's location.

// Decoders returns the web decoders in dispatch order.
func Decoders() []*ecs.Decoder {
	return []*ecs.Decoder{
		{Name: "apache", Programs: []string{"apache*", "httpd*"}, Decode: decodeWeb},
		{Name: "nginx", Programs: []string{"nginx*"}, Decode: decodeWeb},
		{Name: "squid", Programs: []string{"squid"}, Sniff: sniffSquid, Gate: gateSquid, Decode: decodeSquid},
		{Name: "haproxy", Programs: []string{"haproxy"}, Sniff: sniffHAProxy, Gate: gateHAProxy, Decode: decodeHAProxy},
		{Name: "web", Sniff: sniffWeb, Gate: gateWeb, Decode: decodeWeb},
		{Name: "iis", Prefixes: []string{"#Software: Microsoft Internet Information Services", "#Fields: date time ", "#Version: ", "#Date: "},
			Sniff: sniffIIS, Gate: gateIIS, Decode: newIISDecoder().decode}, // per normalizer: it remembers #Fields: headers
	}
}

var (
	classWebAccess = ecs.NewClass(ecs.Cats(ecs.CatWeb), ecs.TypeAccess)
	classWebError  = ecs.NewClass(ecs.Cats(ecs.CatWeb), ecs.TypeError)
	classWebInfo   = ecs.NewClass(ecs.Cats(ecs.CatWeb), ecs.TypeInfo)
	classWebAuth   = ecs.NewClass(ecs.Cats(ecs.CatAuthentication, ecs.CatWeb), ecs.TypeStart)
	classWebDenied = ecs.NewClass(ecs.Cats(ecs.CatWeb), ecs.TypeAccess, ecs.TypeDenied)
)

// sniffSquid recognises a bare squid access.log line: native, or an
// Apache-like line ending in Squid's CODE:HIERARCHY.
func sniffSquid(e *event.Event) bool {
	_, _, _, clf := squidCLFResult(e.Message)
	return squidShape(e.Message) || clf
}

// gateWeb: each of sniffWeb's shapes has a '[' (nginx's level, Apache's
// error stamp, the access line's time).
var gateWeb = ecs.SniffGate{Marker: '['}

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
	case e.AppName != "" && apacheLevelShape(m):
		return decodeApacheError(e, m)
	case e.AppName != "" && apacheStderrShape(m):
		return decodeApacheStderr(e, m)
	case e.AppName != "" && nginxStderrShape(m):
		return decodeNginxStderr(e, m)
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
