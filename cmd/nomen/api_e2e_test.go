package main

// End-to-end tests of the API's protection (issue 13, item 4): the real
// binary, real sockets, the token file it creates, client certificates.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/internal/tlsconf"
)

// apiConfig is a relay with one UDP listener; metrics replaces the
// [metrics] section's keys.
func apiConfig(metrics string) string {
	return `
state_dir = "{{.Dir}}/state"
[metrics]
` + metrics + `
[parse]
timezone = "UTC"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
` + archiveOutput
}

// apiGet does one request and returns the status, a header and the body.
func apiGet(t *testing.T, c *http.Client, url, token string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, resp.Header, string(body)
}

// apiStream opens /v1/events and returns a channel of its lines.
func apiStream(t *testing.T, c *http.Client, req *http.Request) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(req.Context())
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		cancel()
		t.Fatalf("GET /v1/events: %s %s", resp.Status, body)
	}
	lines := make(chan string, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-done
	})
	return lines
}

// sendAndReceive sends a syslog message over UDP and waits for it on the
// stream.
func sendAndReceive(t *testing.T, n *nomen, lines <-chan string, marker string) string {
	t.Helper()
	conn, err := net.Dial("udp", n.addr("udp"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "<38>Nov 22 10:00:00 web1 sshd[7]: Failed password for root from 192.0.2.44 port 4%s ssh2", marker)
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the stream ended")
			}
			if strings.Contains(l, "port 4"+marker) {
				return l
			}
		case <-deadline:
			t.Fatalf("event %s did not arrive on the stream:\n%s", marker, n.log)
		}
	}
}

// TestAPITokenAuth: by default /v1/events needs the token nomen writes to
// <state_dir>/api.token (0600) at first start; /metrics and /healthz stay
// open; a bad filter is refused naming the field.
func TestAPITokenAuth(t *testing.T) {
	n := startNomen(t, apiConfig(`listen = "127.0.0.1:0"`+"\npprof = true"))
	path := filepath.Join(n.dir, "state", "api.token")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no token file at <state_dir>/api.token: %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("token file mode %04o, want 0600", perm)
	}
	if !strings.Contains(n.log.String(), "token_file="+path) {
		t.Errorf("the token file's path is not logged:\n%s", n.log)
	}
	token := n.apiToken()
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(token) {
		t.Errorf("token %q: want 256 bits in hex", token)
	}
	c, base := http.DefaultClient, "http://"+n.api

	for _, p := range []string{"/v1/events", "/debug/pprof/", "/"} {
		code, hdr, _ := apiGet(t, c, base+p, "")
		if code != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s without a token: %d, WWW-Authenticate %q", p, code, hdr.Get("WWW-Authenticate"))
		}
	}
	if code, _, _ := apiGet(t, c, base+"/v1/events", strings.Repeat("0", 64)); code != http.StatusUnauthorized {
		t.Errorf("/v1/events with a wrong token: %d", code)
	}
	for _, p := range []string{"/metrics", "/healthz", "/readyz"} {
		if code, _, _ := apiGet(t, c, base+p, ""); code != http.StatusOK {
			t.Errorf("%s without a token: %d, want it open", p, code)
		}
	}
	if code, _, _ := apiGet(t, c, base+"/debug/pprof/", token); code != http.StatusOK {
		t.Errorf("/debug/pprof/ with the token: %d", code)
	}

	for q, want := range map[string]string{
		"where=evnt.category=authentication": `"evnt.category"`,
		"were=event.kind=alert":              `"were"`,
	} {
		code, _, body := apiGet(t, c, base+"/v1/events?"+q, token)
		if code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("?%s: %d %q, want 400 naming %s", q, code, body, want)
		}
	}

	lines := apiStream(t, c, n.apiRequest(context.Background(), "/v1/events?where=source.ip=192.0.2.44"))
	if l := sendAndReceive(t, n, lines, "0001"); !strings.Contains(l, `"ip":"192.0.2.44"`) {
		t.Errorf("streamed %s", l)
	}

	if got := n.metric("nomen_api_auth_failures_total", `reason="missing"`); got != 3 {
		t.Errorf("nomen_api_auth_failures_total{missing} = %v, want 3", got)
	}
	if got := n.metric("nomen_api_auth_failures_total", `reason="invalid"`); got != 1 {
		t.Errorf("nomen_api_auth_failures_total{invalid} = %v, want 1", got)
	}
	if got := n.metric("nomen_live_rejected_subscribers_total", `reason="bad_request"`); got != 2 {
		t.Errorf("nomen_live_rejected_subscribers_total{bad_request} = %v, want 2", got)
	}
}

// TestAPITokenFileTooOpen: a token file others may read stops nomen at
// start with an error naming it, as ssh refuses such a key.
func TestAPITokenFileTooOpen(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(state, "api.token")
	if err := os.WriteFile(tokenFile, []byte("an-operator-chosen-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tokenFile, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := strings.ReplaceAll(apiConfig(`listen = "127.0.0.1:0"`), "{{.Dir}}", dir)
	cfgPath := filepath.Join(dir, "nomen.toml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, nomenBin, "run", "-config", cfgPath).CombinedOutput()
	if err == nil || ctx.Err() != nil {
		t.Fatalf("nomen started with a world-readable token file (err %v):\n%s", err, out)
	}
	if !strings.Contains(string(out), tokenFile) || !strings.Contains(string(out), "too open") {
		t.Errorf("the error does not name the file and say why:\n%s", out)
	}
}

// TestAPIAuthNone: auth = "none" serves /v1/events without a token and
// warns at start when the address is not loopback.
func TestAPIAuthNone(t *testing.T) {
	n := startNomen(t, apiConfig(`listen = "0.0.0.0:0"`+"\n"+`auth = "none"`))
	if !regexp.MustCompile(`level=WARN msg="API authentication is off`).MatchString(n.log.String()) {
		t.Errorf("no warning for auth = none on 0.0.0.0:\n%s", n.log)
	}
	_, port, _ := net.SplitHostPort(n.api)
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/v1/events", nil)
	lines := apiStream(t, http.DefaultClient, req)
	sendAndReceive(t, n, lines, "0002")
	if _, err := os.Stat(filepath.Join(n.dir, "state", "api.token")); err == nil {
		t.Error("auth = none created a token file")
	}
}

// TestAPIClientCertificate: with [metrics] tls and client_ca the API is
// HTTPS and /v1/events needs a client certificate of that CA (auth = "tls"
// by default then); metrics_auth = true guards /metrics too; /healthz
// stays open.
func TestAPIClientCertificate(t *testing.T) {
	pki := testpeer.NewPKI(t)
	n := startNomen(t, apiConfig(fmt.Sprintf(`listen = "127.0.0.1:0"
metrics_auth = true
tls = { cert = %q, key = %q, client_ca = %q }`, pki.ServerCert, pki.ServerKey, pki.CA)))
	client := func(withCert bool) *http.Client {
		cc := tlsconf.Client{CA: pki.CA}
		if withCert {
			cc.Cert, cc.Key = pki.ClientCert, pki.ClientKey
		}
		cfg, err := cc.Build("localhost")
		if err != nil {
			t.Fatal(err)
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
	}
	base := "https://" + n.api
	for p, want := range map[string]int{"/v1/events": http.StatusForbidden, "/metrics": http.StatusForbidden, "/healthz": http.StatusOK} {
		if code, _, _ := apiGet(t, client(false), base+p, ""); code != want {
			t.Errorf("%s without a client certificate: %d, want %d", p, code, want)
		}
	}
	if code, _, _ := apiGet(t, client(true), base+"/metrics", ""); code != http.StatusOK {
		t.Errorf("/metrics with a client certificate: %d", code)
	}
	if resp, err := http.Get("http://" + n.api + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP is served next to HTTPS")
		}
	}
	other := testpeer.NewPKI(t)
	cfg, _ := tlsconf.Client{CA: pki.CA, Cert: other.ClientCert, Key: other.ClientKey}.Build("localhost")
	if _, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}).Get(base + "/v1/events"); err == nil {
		t.Error("a client certificate of another CA was accepted")
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/v1/events?where=event.outcome=failure", nil)
	lines := apiStream(t, client(true), req)
	sendAndReceive(t, n, lines, "0003")
}
