package apiauth

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/internal/tlsconf"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestCreateToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "api.token")
	token, created, err := LoadOrCreateToken(path)
	if err != nil || !created {
		t.Fatalf("created %v, err %v", created, err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(token) {
		t.Errorf("token %q: want 64 hex digits (256 bits)", token)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("token file mode %04o, want 0600", perm)
	}
	if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
		t.Errorf("created directory mode %04o, want 0700", di.Mode().Perm())
	}
	again, created, err := LoadOrCreateToken(path)
	if err != nil || created || again != token {
		t.Errorf("second start: %q created %v err %v, want the same token read back", again, created, err)
	}
	other, _, _ := LoadOrCreateToken(filepath.Join(t.TempDir(), "api.token"))
	if other == token {
		t.Error("two created tokens are equal")
	}
}

func TestTokenFileRefused(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		content string
		mode    os.FileMode
		want    string
	}{
		"world-readable": {"0123456789abcdef0123", 0o644, "permissions 0644 are too open"},
		"group-readable": {"0123456789abcdef0123", 0o640, "chmod 600"},
		"empty":          {"\n", 0o600, "empty"},
		"short":          {"secret", 0o600, "at least 16"},
		"two words":      {"0123456789 abcdef0123", 0o600, "without spaces"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, c.mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadOrCreateToken(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err %v, want one naming the file and saying %q", name, err, c.want)
		}
	}
	if _, _, err := LoadOrCreateToken(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
	ok := filepath.Join(dir, "ok")
	os.WriteFile(ok, []byte("  operator-chosen-token-42\n"), 0o600)
	if tok, _, err := LoadOrCreateToken(ok); err != nil || tok != "operator-chosen-token-42" {
		t.Errorf("operator's token: %q %v", tok, err)
	}
}

// serve runs the guard in front of a handler that answers "ok" on a real
// socket (HTTPS when the guard has TLS).
func serve(t *testing.T, cfg Config) (*Guard, *httptest.Server, *bytes.Buffer, *prometheus.Registry) {
	t.Helper()
	var logBuf bytes.Buffer
	reg := prometheus.NewRegistry()
	g, err := New(cfg, reg, slog.New(slog.NewTextHandler(&logBuf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok")
	})))
	if g.TLSConfig() != nil {
		srv.TLS = g.TLSConfig()
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return g, srv, &logBuf, reg
}

func call(t *testing.T, c *http.Client, url, token string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestTokenGuard(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api.token")
	g, srv, logBuf, _ := serve(t, Config{Mode: ModeToken, TokenFile: path, Listen: "127.0.0.1:0"})
	data, _ := os.ReadFile(path)
	token := strings.TrimSpace(string(data))
	c := srv.Client()

	for _, p := range []string{"/v1/events", "/debug/pprof/", "/", "/metrics/", "/anything-added-later"} {
		resp := call(t, c, srv.URL+p, "")
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Bearer realm="nomen"` {
			t.Errorf("%s without a token: %d %q", p, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	for _, bad := range []string{"Bearer " + token[:63], "Bearer " + token + "x", "Basic " + token, token, "Bearer"} {
		resp := call(t, c, srv.URL+"/v1/events", bad)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("%q: %d %q", bad, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	for _, good := range []string{"Bearer " + token, "bearer " + token} {
		if resp := call(t, c, srv.URL+"/v1/events", good); resp.StatusCode != http.StatusOK {
			t.Errorf("%q: %d", good, resp.StatusCode)
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		if resp := call(t, c, srv.URL+p, ""); resp.StatusCode != http.StatusOK {
			t.Errorf("%s is open by default, got %d", p, resp.StatusCode)
		}
	}
	if got := counter(g.failures.WithLabelValues("missing")); got != 5 {
		t.Errorf("failures{missing} = %v, want 5", got)
	}
	if got := counter(g.failures.WithLabelValues("invalid")); got != 5 {
		t.Errorf("failures{invalid} = %v, want 5", got)
	}
	// Ten refusals, one log line per reason within the interval.
	if n := strings.Count(logBuf.String(), `msg="API request refused"`); n != 2 {
		t.Errorf("%d refusal log lines, want 2 (rate-limited per reason):\n%s", n, logBuf)
	}
	if !strings.Contains(logBuf.String(), "token_file="+path) {
		t.Errorf("the token file's path is not logged:\n%s", logBuf)
	}
}

func TestProtectMetrics(t *testing.T) {
	_, srv, _, _ := serve(t, Config{Mode: ModeToken, TokenFile: filepath.Join(t.TempDir(), "t"), ProtectMetrics: true, Listen: "127.0.0.1:0"})
	if resp := call(t, srv.Client(), srv.URL+"/metrics", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics with metrics_auth: %d", resp.StatusCode)
	}
	if resp := call(t, srv.Client(), srv.URL+"/healthz", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
}

func TestTLSGuard(t *testing.T) {
	pki := testpeer.NewPKI(t)
	g, srv, _, _ := serve(t, Config{Mode: ModeTLS, Listen: "127.0.0.1:0",
		TLS: &tlsconf.Server{Cert: pki.ServerCert, Key: pki.ServerKey, ClientCA: pki.CA}})
	client := func(withCert bool) *http.Client {
		tc := tlsconf.Client{CA: pki.CA}
		if withCert {
			tc.Cert, tc.Key = pki.ClientCert, pki.ClientKey
		}
		cfg, err := tc.Build("localhost")
		if err != nil {
			t.Fatal(err)
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
	}
	if resp := call(t, client(true), srv.URL+"/v1/events", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("with a client certificate: %d", resp.StatusCode)
	}
	if resp := call(t, client(false), srv.URL+"/v1/events", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without a client certificate: %d", resp.StatusCode)
	}
	if resp := call(t, client(false), srv.URL+"/healthz", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz without a client certificate: %d", resp.StatusCode)
	}
	if got := counter(g.failures.WithLabelValues("no_client_cert")); got != 1 {
		t.Errorf("failures{no_client_cert} = %v, want 1", got)
	}
	// A certificate from another CA does not get through the handshake.
	other := testpeer.NewPKI(t)
	cfg, _ := tlsconf.Client{CA: pki.CA, Cert: other.ClientCert, Key: other.ClientKey}.Build("localhost")
	if _, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}).Get(srv.URL + "/v1/events"); err == nil {
		t.Error("a client certificate of another CA was accepted")
	}
}

func TestNoneWarnsOffLoopback(t *testing.T) {
	for addr, warn := range map[string]bool{"127.0.0.1:9514": false, "[::1]:9514": false, "localhost:9514": false, "0.0.0.0:9514": true, ":9514": true, "192.0.2.1:9514": true} {
		var buf bytes.Buffer
		g, err := New(Config{Mode: ModeNone, Listen: addr}, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(&buf, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(buf.String(), "level=WARN"); got != warn {
			t.Errorf("%s: warned %v, want %v:\n%s", addr, got, warn, &buf)
		}
		rec := httptest.NewRecorder()
		g.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})).ServeHTTP(rec, httptest.NewRequest("GET", "/v1/events", nil))
		if rec.Code != http.StatusOK {
			t.Errorf("auth none: %d", rec.Code)
		}
	}
}

func TestValidate(t *testing.T) {
	pki := testpeer.NewPKI(t)
	for name, c := range map[string]Config{
		"unknown mode":       {Mode: "basic"},
		"token without file": {Mode: ModeToken},
		"tls without tls":    {Mode: ModeTLS},
		"tls without CA":     {Mode: ModeTLS, TLS: &tlsconf.Server{Cert: pki.ServerCert, Key: pki.ServerKey}},
		"missing cert file":  {Mode: ModeNone, TLS: &tlsconf.Server{Cert: pki.ServerCert + ".gone", Key: pki.ServerKey}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func counter(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}
