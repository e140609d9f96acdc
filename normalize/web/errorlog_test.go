package web

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// Both sentence catalogs compile (compiled panics otherwise) and hold
// sentences.
func TestSentenceCatalogsLoad(t *testing.T) {
	for _, s := range []*sentences{apacheSentences, nginxSentences} {
		if s.compiled().Len() == 0 {
			t.Errorf("catalog %s has no sentences", s.file)
		}
	}
}

// Apache appends ", referer: URL" once, at the end; the message before it
// and the referer can both hold those words. One occurrence is Apache's;
// with more, the message surely runs to the first, and the referrer is
// not known.
func TestApacheReferer(t *testing.T) {
	for _, c := range []struct {
		in, text, referrer string
		known              bool
	}{
		{"File does not exist: /x", "File does not exist: /x", "", true},
		{"File does not exist: /x, referer: https://a.example/p", "File does not exist: /x", "https://a.example/p", true},
		{"File does not exist: /x, referer: ", "File does not exist: /x", "", true},
		// a referer (or a path) holding the separator
		{"File does not exist: /x, referer: https://a.example/, referer: https://b.example/", "File does not exist: /x", "", false},
		{"File does not exist: /x, referer: y, referer: z, referer: w", "File does not exist: /x", "", false},
	} {
		text, ref, known := apacheReferer(c.in)
		if text != c.text || ref != c.referrer || known != c.known {
			t.Errorf("%q: got %q %q %v, want %q %q %v", c.in, text, ref, known, c.text, c.referrer, c.known)
		}
	}
}

func decodeLine(t *testing.T, app, msg string) *event.Event {
	t.Helper()
	e := event.New(time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC))
	e.AppName, e.Message = app, msg
	if !decodeWeb(e) {
		t.Fatalf("not decoded: %s", msg)
	}
	return e
}

// A forged referer does not shorten or lengthen what the sentence says:
// the line keeps what it is (a denial from this client) and gives no
// path, user or referrer, any of which could be the client's text.
func TestApacheForgedReferer(t *testing.T) {
	for _, msg := range []string{
		"[Mon Dec 07 17:00:00.1 2026] [authz_core:error] [pid 1:tid 2] [client 192.0.2.5:4000] AH01630: client denied by server configuration: /srv/www/admin, referer: https://a.example/, referer: https://b.example/",
		"[Mon Dec 07 17:00:00.1 2026] [authz_core:error] [pid 1:tid 2] [client 192.0.2.5:4000] AH01630: client denied by server configuration: /srv/www/admin, referer: x, referer: https://b.example/",
	} {
		e := decodeLine(t, "apache2", msg)
		for k, want := range map[string]string{"event.action": "http-access-denied", "event.outcome": "failure", "source.ip": "192.0.2.5", "error.code": "AH01630"} {
			if got := e.Str(k); got != want {
				t.Errorf("%s: %s = %q, want %q", msg, k, got, want)
			}
		}
		for _, k := range []string{"http.request.referrer", "file.path", "url.path", "event.reason"} {
			if e.Has(k) {
				t.Errorf("%s: %s = %q, want none", msg, k, e.Str(k))
			}
		}
	}
	// One occurrence: Apache's, the referrer whole.
	e := decodeLine(t, "apache2", "[Mon Dec 07 17:00:00.1 2026] [authz_core:error] [pid 1:tid 2] [client 192.0.2.5:4000] AH01630: client denied by server configuration: /srv/www/admin, referer: https://a.example/?q=a,b")
	if e.Str("http.request.referrer") != "https://a.example/?q=a,b" || e.Str("file.path") != "/srv/www/admin" {
		t.Errorf("referrer %q, file.path %q", e.Str("http.request.referrer"), e.Str("file.path"))
	}
}

// nginx writes a basic-auth user name as the client sent it: a name that
// holds the other sentence's words, or quotes, is still the whole name.
func TestNginxForgedUser(t *testing.T) {
	const ctx = `, client: 192.0.2.6, server: shop.example.org, request: "GET /staff/ HTTP/1.1", host: "shop.example.org"`
	for _, c := range []struct{ msg, user, reason string }{
		{`user "bob" was not found in "/x": password mismatch`, `bob" was not found in "/x`, "password mismatch"},
		{`user "bob": password mismatch" was not found in "/etc/nginx/.htpasswd"`, `bob": password mismatch`, "user not found"},
		{`user "a"b": password mismatch`, `a"b`, "password mismatch"},
	} {
		e := decodeLine(t, "nginx", "2026/12/07 17:00:00 [error] 10#10: *1 "+c.msg+ctx)
		if e.Str("user.name") != c.user || e.Str("event.reason") != c.reason || e.Str("source.ip") != "192.0.2.6" {
			t.Errorf("%s: user %q reason %q source %q, want %q %q", c.msg, e.Str("user.name"), e.Str("event.reason"), e.Str("source.ip"), c.user, c.reason)
		}
	}
}

// Text the client wrote (a user name, the request line) that reads as
// nginx's context leaves the source and the request unknown, and the
// sentence still says what happened.
func TestNginxForgedContext(t *testing.T) {
	for _, msg := range []string{
		`user "x", client: 203.0.113.66, server: y": password mismatch, client: 192.0.2.6, server: shop.example.org, request: "GET /staff/ HTTP/1.1", host: "shop.example.org"`,
		`access forbidden by rule, client: 192.0.2.6, server: shop.example.org, request: "GET /a, client: 203.0.113.66, server: y HTTP/1.1", host: "shop.example.org"`,
	} {
		e := decodeLine(t, "nginx", "2026/12/07 17:00:00 [error] 10#10: *1 "+msg)
		for _, k := range []string{"source.ip", "user.name", "url.original", "http.request.method", "url.domain"} {
			if e.Has(k) {
				t.Errorf("%s: %s = %q, want none", msg, k, e.Str(k))
			}
		}
		if e.Str("event.outcome") != "failure" || e.Str("error.message") != msg {
			t.Errorf("%s: outcome %q, error.message %q", msg, e.Str("event.outcome"), e.Str("error.message"))
		}
	}
	// One context, after a sentence holding ", client: " that is no context.
	e := decodeLine(t, "nginx", `2026/12/07 17:00:00 [error] 10#10: *1 user "a, client: b": password mismatch, client: 192.0.2.6, server: shop.example.org, request: "GET / HTTP/1.1", host: "shop.example.org"`)
	if e.Str("source.ip") != "192.0.2.6" || e.Str("user.name") != "a, client: b" {
		t.Errorf("source.ip %q, user.name %q", e.Str("source.ip"), e.Str("user.name"))
	}
}

// The context's request, host and referrer are the client's unescaped
// text: a key written twice is not read, and a quote inside a value does
// not end it.
func TestNginxContextValues(t *testing.T) {
	const ctx = `client: 192.0.2.6, server: shop.example.org, request: "GET /a" host: "evil.example" HTTP/1.1", host: "shop.example.org"`
	if v, ok := nginxContext(ctx, "host"); ok || v != "" {
		t.Errorf("host read from a context holding two: %q", v)
	}
	if v, _ := nginxContext(ctx, "request"); v != `GET /a" host: "evil.example" HTTP/1.1` {
		t.Errorf("request %q", v)
	}
	if v, _ := nginxContext(ctx, "client"); v != "192.0.2.6" {
		t.Errorf("client %q", v)
	}
	const ctx2 = `client: 192.0.2.6, server: s, request: "GET /q?a="b" HTTP/1.1", subrequest: "/x", host: "h.example", referrer: "https://r.example/"`
	for key, want := range map[string]string{"request": `GET /q?a="b" HTTP/1.1`, "host": "h.example", "referrer": "https://r.example/", "server": "s"} {
		if v, ok := nginxContext(ctx2, key); !ok || v != want {
			t.Errorf("%s = %q %v, want %q", key, v, ok, want)
		}
	}
}

// mod_security 1.x writes no [file] tag to start its tags from, and the
// matched variable's name (ARGS("NAME"), a header's) is the client's: a
// name that imitates [hostname "..."] [uri "..."] before the real tags
// sets neither url.domain nor url.path.
func TestModSecurity1ForgedTags(t *testing.T) {
	for _, tc := range []struct{ msg, domain, path string }{
		{`[Mon Dec 07 10:00:00 2026] [error] [client 203.0.113.9] mod_security: Access denied with code 403. Pattern match "union" at ARGS("q"] [hostname "evil.example"] [uri "/evil"] [x "") [hostname "www.example.com"] [uri "/real"]`, "", ""},
		{`[Mon Dec 07 10:00:00 2026] [error] [client 203.0.113.9] mod_security: Access denied with code 403. Pattern match "union" at ARGS("q"] [hostname "evil.example"] [uri "/evil"]")`, "", ""},
		{`[Mon Dec 07 10:00:00 2026] [error] [client 203.0.113.9] mod_security: Access denied with code 403. Pattern match "union" at REQUEST_URI [hostname "www.example.com"] [uri "/real"]`, "www.example.com", "/real"},
	} {
		e := decodeLine(t, "apache", tc.msg)
		if got := e.Str("event.action"); got != "http-waf-block" {
			t.Errorf("%s: event.action = %q", tc.msg, got)
		}
		if got := e.Str("url.domain"); got != tc.domain {
			t.Errorf("%s: url.domain = %q, want %q", tc.msg, got, tc.domain)
		}
		if got := e.Str("url.path"); got != tc.path {
			t.Errorf("%s: url.path = %q, want %q", tc.msg, got, tc.path)
		}
		if got := e.Str("source.ip"); got != "203.0.113.9" {
			t.Errorf("%s: source.ip = %q", tc.msg, got)
		}
	}
}
