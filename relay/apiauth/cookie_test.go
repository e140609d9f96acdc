package apiauth

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/internal/tlsconf"
)

// noRedirect is a client of srv that shows redirects rather than following
// them.
func noRedirect(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cc
}

func tokenOf(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

// TestBrowserLogin: /?token=<token> sets an HttpOnly, SameSite=Strict
// cookie and redirects to / without the token; the cookie then stands for
// the token on every guarded path. A wrong token sets nothing, ?token= on
// another path is no login, and a forged cookie is refused.
func TestBrowserLogin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api.token")
	g, srv, _, _ := serve(t, Config{Mode: ModeToken, TokenFile: path, Listen: "127.0.0.1:0"})
	token := tokenOf(t, path)
	c := noRedirect(srv.Client())

	resp := call(t, c, srv.URL+"/?token="+token, "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d Location %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != CookieName {
		t.Fatalf("login set %v", resp.Header.Values("Set-Cookie"))
	}
	ck := cookies[0]
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Secure || ck.Path != "/" {
		t.Errorf("cookie %q: want HttpOnly, SameSite=Strict, Path=/, not Secure over HTTP", resp.Header.Get("Set-Cookie"))
	}
	if strings.Contains(ck.Value, token) {
		t.Error("the cookie holds the token itself")
	}

	withCookie := func(p, value string) int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
		req.AddCookie(&http.Cookie{Name: CookieName, Value: value})
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, p := range []string{"/", "/v1/status", "/v1/events"} {
		if code := withCookie(p, ck.Value); code != http.StatusOK {
			t.Errorf("%s with the cookie: %d", p, code)
		}
	}
	for _, forged := range []string{token, ck.Value[:63], ck.Value + "0", ""} {
		if code := withCookie("/v1/events", forged); code != http.StatusUnauthorized {
			t.Errorf("cookie %q: %d, want 401", forged, code)
		}
	}
	// The cookie is no bearer token.
	if resp := call(t, c, srv.URL+"/v1/events", "Bearer "+ck.Value); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the cookie value as a bearer token: %d", resp.StatusCode)
	}

	before := counter(g.failures.WithLabelValues("invalid"))
	resp = call(t, c, srv.URL+"/?token="+token[:40], "")
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("login with a wrong token: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	if got := counter(g.failures.WithLabelValues("invalid")); got != before+1 {
		t.Errorf("a wrong login is not counted as invalid: %v -> %v", before, got)
	}
	resp = call(t, c, srv.URL+"/v1/events?token="+token, "")
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("?token= on /v1/events: %d, cookies %v; only / takes it", resp.StatusCode, resp.Cookies())
	}
}

// TestBrowserLoginHTTPS: over HTTPS the cookie is Secure.
func TestBrowserLoginHTTPS(t *testing.T) {
	pki := testpeer.NewPKI(t)
	path := filepath.Join(t.TempDir(), "api.token")
	_, srv, _, _ := serve(t, Config{Mode: ModeToken, TokenFile: path, Listen: "127.0.0.1:0",
		TLS: &tlsconf.Server{Cert: pki.ServerCert, Key: pki.ServerKey}})
	cfg, err := tlsconf.Client{CA: pki.CA}.Build("localhost")
	if err != nil {
		t.Fatal(err)
	}
	c := noRedirect(&http.Client{Transport: &http.Transport{TLSClientConfig: cfg}})
	resp := call(t, c, srv.URL+"/?token="+tokenOf(t, path), "")
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 || !resp.Cookies()[0].Secure {
		t.Errorf("login over HTTPS: %d %q, want 303 and a Secure cookie", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
}

// TestBrowserLoginOnlyForTokens: with client certificates, ?token= is no
// way in.
func TestBrowserLoginOnlyForTokens(t *testing.T) {
	pki := testpeer.NewPKI(t)
	_, srv, _, _ := serve(t, Config{Mode: ModeTLS, Listen: "127.0.0.1:0",
		TLS: &tlsconf.Server{Cert: pki.ServerCert, Key: pki.ServerKey, ClientCA: pki.CA}})
	cfg, _ := tlsconf.Client{CA: pki.CA}.Build("localhost")
	c := noRedirect(&http.Client{Transport: &http.Transport{TLSClientConfig: cfg}})
	if resp := call(t, c, srv.URL+"/?token=whatever", ""); resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Errorf("?token= without a client certificate: %d %v", resp.StatusCode, resp.Cookies())
	}
}
