package web

import "testing"

// nginx writes the context's keys after the request in one order
// (ngx_http_log_error_handler: request, subrequest, upstream, host,
// referrer), the request and referrer unescaped: the request ends where
// the rest reads as that order, and where it could end at two places
// neither the request nor what follows it is read.
func TestNginxRequestEnd(t *testing.T) {
	const head = "2026/12/07 17:00:00 [error] 10#10: *1 open() \"/srv/x\" failed (2: No such file or directory), client: 192.0.2.6, server: shop.example.org, "
	for _, c := range []struct {
		ctx  string
		want map[string]string
	}{
		{`request: "GET /a", host: "evil.example HTTP/1.1", host: "shop.example.org"`,
			map[string]string{"url.original": `/a", host: "evil.example`, "http.request.method": "GET", "url.domain": "shop.example.org"}},
		{`request: "GET /a", host: "evil.example HTTP/1.1", host: "shop.example.org", referrer: "https://r.example/"`,
			map[string]string{"url.original": `/a", host: "evil.example`, "url.domain": "shop.example.org", "http.request.referrer": "https://r.example/"}},
		{`request: "GET /a", upstream: "http://evil.example/ HTTP/1.1", upstream: "http://10.0.0.5:8080/a", host: "shop.example.org"`,
			map[string]string{"url.original": `/a", upstream: "http://evil.example/`, "nginx.error.upstream": "http://10.0.0.5:8080/a", "url.domain": "shop.example.org"}},
		// two readings: the request nginx read ends in its protocol
		{`request: "GET /a", upstream: "http://evil.example/ HTTP/1.1", host: "shop.example.org"`,
			map[string]string{"url.original": `/a", upstream: "http://evil.example/`, "nginx.error.upstream": "", "url.domain": "shop.example.org"}},
		{`request: "GET / HTTP/1.1", host: "shop.example.org", referrer: "https://r.example/", host: "evil.example"`,
			map[string]string{"url.original": "/", "url.domain": "shop.example.org", "http.request.referrer": `https://r.example/", host: "evil.example`}},
		// two readings ending in a protocol: neither the request nor the keys after it
		{`request: "GET /a HTTP/1.1", upstream: "http://evil.example/ HTTP/1.1", host: "shop.example.org"`,
			map[string]string{"url.original": "", "nginx.error.upstream": "", "url.domain": "", "http.request.method": ""}},
		// nginx's own lines
		{`request: "GET /q?a="b" HTTP/1.1", subrequest: "/x", upstream: "http://10.0.0.5:8080/x", host: "h.example", referrer: "https://r.example/a, b"`,
			map[string]string{"url.original": `/q?a="b"`, "nginx.error.upstream": "http://10.0.0.5:8080/x", "url.domain": "h.example", "http.request.referrer": "https://r.example/a, b"}},
		{`request: "GET /a, b HTTP/1.1", host: "h.example"`,
			map[string]string{"url.original": "/a, b", "url.domain": "h.example"}},
		{`request: "GET / HTTP/1.1"`, map[string]string{"url.original": "/", "url.domain": ""}},
	} {
		e := decodeLine(t, "nginx", head+c.ctx)
		for k, want := range c.want {
			if got := e.Str(k); got != want {
				t.Errorf("%s: %s = %q, want %q", c.ctx, k, got, want)
			}
		}
	}
}
