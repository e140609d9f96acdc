package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// outputConfig is a relay with one UDP listener and an ndjson http output
// to url.
func outputConfig(url string) string {
	return `
state_dir = "{{.Dir}}/state"
[metrics]
listen = "127.0.0.1:0"
[parse]
timezone = "UTC"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[output]]
name = "siem"
type = "http"
kind = "ndjson"
url = "` + url + `"
`
}

// TestOutputConfigErrorNotReadyThenReload: an http output whose endpoint
// answers 401 is a configuration error: /readyz says so with the output's
// name and the fix, nomen_output_state shows it, nothing is dead-lettered
// and the error is logged once; fixing the url and SIGHUP delivers the
// waiting event and makes the relay ready, without a restart.
func TestOutputConfigErrorNotReadyThenReload(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}))
	defer refusing.Close()
	var mu sync.Mutex
	var got []string
	accepting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
	}))
	defer accepting.Close()

	n := startNomen(t, outputConfig(refusing.URL))
	sendUDP(t, n.addr("udp"), "<13>Nov 22 10:15:02 web1 app: waits for the right url")
	fltWait(t, 20*time.Second, "/readyz to report the configuration error", func() (bool, string) {
		code, body := readyz(t, n)
		return code == http.StatusServiceUnavailable && strings.Contains(body, "output siem: config_error: http: server answered 401") &&
			strings.Contains(body, "fix: check the output's credentials"), body
	})
	if v := n.metric("nomen_output_state", `output="siem",state="config_error"`); v != 1 {
		t.Errorf("nomen_output_state{state=config_error} = %v", v)
	}
	if _, err := os.Stat(filepath.Join(n.dir, "state", "deadletter", "siem.jsonl")); !os.IsNotExist(err) {
		t.Errorf("a configuration error dead-lettered the event: %v", err)
	}
	if c := strings.Count(n.log.String(), "refuses the output's configuration"); c != 1 {
		t.Errorf("the configuration error was logged %d times, want once:\n%s", c, n.log)
	}

	cfg, _ := os.ReadFile(n.config)
	os.WriteFile(n.config, []byte(strings.Replace(string(cfg), refusing.URL, accepting.URL, 1)), 0o644)
	n.signal(syscall.SIGHUP)
	fltWait(t, 20*time.Second, "the waiting event delivered after the reload", func() (bool, string) {
		mu.Lock()
		defer mu.Unlock()
		return len(got) > 0 && strings.Contains(strings.Join(got, ""), "waits for the right url"), strings.Join(got, "")
	})
	fltWait(t, 20*time.Second, "/readyz ready again", func() (bool, string) {
		code, body := readyz(t, n)
		return code == http.StatusOK, body
	})
}

func readyz(t *testing.T, n *nomen) (int, string) {
	t.Helper()
	code, _, body := apiGet(t, http.DefaultClient, "http://"+n.api+"/readyz", "")
	return code, body
}

func sendUDP(t *testing.T, addr, line string) {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(line)); err != nil {
		t.Fatal(err)
	}
}
