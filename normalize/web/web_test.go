package web

import (
	"strings"
	"testing"
	"time"
)

func TestParseCLFTime(t *testing.T) {
	for in, want := range map[string]string{
		"26/Dec/2016:16:16:29 +0200": "2016-12-26T14:16:29Z",
		"01/Jul/2026:10:11:14 -0530": "2026-07-01T15:41:14Z",
		"31/Dec/2025:23:59:59 +0000": "2025-12-31T23:59:59Z",
	} {
		got, ok := parseCLFTime(in)
		if !ok || got.Format(time.RFC3339) != want {
			t.Errorf("%s: got %v %v, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"26/Foo/2016:16:16:29 +0200", "26/Dec/2016:25:16:29 +0200", "26/Dec/2016:16:16:29 0200", ""} {
		if _, ok := parseCLFTime(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// HAProxy's timers word: numbers joined by '/', -1 for an aborted step,
// "+" for logasap's lower bound; a custom log-format's word (a host name)
// before it is not one.
func TestHAProxyTimers(t *testing.T) {
	for s, want := range map[string]bool{
		"0/0/1/17/18": true, "-1/-1/-1/-1/0": true, "0/0/+35": true, "+-1/2": true,
		"10/0/30/69/+109": true, "1/2": true,
		"shop.example.com": false, "": false, "0": false, "0//1": false, "0/1/": false,
		"/0/1": false, "-+1/2": false, "--1/2": false, "1-/2": false, "a/1": false,
	} {
		if got := haproxyTimers(s); got != want {
			t.Errorf("haproxyTimers(%q) = %v, want %v", s, got, want)
		}
	}
}

// squidCLFResult looks for its word only in the line's last bytes: a
// code and a hierarchy of the longest lengths taken are still found,
// one byte more is not, nor is a long upper-case word without a ':'.
func TestSquidCLFResultBounds(t *testing.T) {
	const head = `192.0.2.7 - - [26/Dec/2016:16:16:29 +0200] "GET http://example.com/ HTTP/1.1" 200 1024`
	code := "TCP_" + strings.Repeat("M", squidMaxCode-4)
	hier := "H_" + strings.Repeat("D", squidMaxHier-2)
	for _, c := range []struct {
		line, code, hier string
		ok               bool
	}{
		{head + " TCP_MISS:HIER_DIRECT", "TCP_MISS", "HIER_DIRECT", true},
		{head + " TCP_MISS:HIER_DIRECT  ", "TCP_MISS", "HIER_DIRECT", true},
		{head + " NONE:NONE", "NONE", "NONE", true},
		{head + " " + code + ":" + hier, code, hier, true},
		{code + ":" + hier, "", "", false}, // no head
		{head + " " + code + "M:" + hier, "", "", false},
		{head + " " + code + ":" + hier + "D", "", "", false},
		{head + " TCP_MISS:HIER:DIRECT", "", "", false},
		{"seq: 0000000001, stamp: 2026-12-07T09:58:21 " + strings.Repeat("PADD", 32), "", "", false},
		{"PADD:" + strings.Repeat("PADD", 32), "", "", false},
	} {
		h, code, hier, ok := squidCLFResult(c.line)
		if ok != c.ok || code != c.code || hier != c.hier || ok && h != head {
			t.Errorf("%q: got %q %q %q %v, want %q %q %v", c.line, h, code, hier, ok, c.code, c.hier, c.ok)
		}
	}
}

// A path that holds a URL (an archive's "/web/2026/http://host/p", a
// client's "/a\" ... \"http://evil/\"" after Apache's escapes are undone)
// is an origin-form target: its "://" names no url.domain and does not
// cut url.path. Only a target that starts with a scheme is absolute.
func TestURLInPathIsNoHost(t *testing.T) {
	for _, tc := range []struct{ msg, path, domain string }{
		{`203.0.113.5 - - [07/Dec/2026:10:00:00 +0000] "GET /web/2026/http://evil.example/x HTTP/1.1" 200 5 "-" "ua"`, "/web/2026/http://evil.example/x", ""},
		{`203.0.113.5 - - [07/Dec/2026:10:00:00 +0000] "GET /a\" 200 5 \"http://evil.example/\" \"x HTTP/1.1" 404 196 "-" "ua"`, `/a" 200 5 "http://evil.example/" "x`, ""},
		{`203.0.113.5 - - [07/Dec/2026:10:00:00 +0000] "GET http://proxy.example/p HTTP/1.1" 200 5 "-" "ua"`, "/p", "proxy.example"},
	} {
		e := decodeLine(t, "apache", tc.msg)
		if got := e.Str("url.path"); got != tc.path {
			t.Errorf("%s: url.path = %q, want %q", tc.msg, got, tc.path)
		}
		if got := e.Str("url.domain"); got != tc.domain {
			t.Errorf("%s: url.domain = %q, want %q", tc.msg, got, tc.domain)
		}
	}
}
