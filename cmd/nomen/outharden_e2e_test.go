package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// outputConfig is a relay with one UDP listener and an ndjson http output
// to url.
func outputConfig(url string) string {
	return headConfig + `[[listener]]
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

// TestCheckAsServiceUserWritesNothing: `nomen check -user` computes file
// access for the service's user (here one that owns nothing in a 0755
// tree), reports every problem with its line, creates nothing (state_dir
// included) and takes no state lock: it runs beside a running nomen on
// the same configuration.
func TestCheckAsServiceUserWritesNothing(t *testing.T) {
	if _, err := user.Lookup("nobody"); err != nil {
		t.Skip("no user nobody")
	}
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o755)
	os.Chmod(dir, 0o755)
	cfg := strings.ReplaceAll(loggerConfig, "{{.Dir}}", dir) + "[[output]]\nname = \"archive\"\ntype = \"file\"\npath = \"" + dir + "/other.jsonl\"\n"
	path := filepath.Join(dir, "nomen.toml")
	os.WriteFile(path, []byte(cfg), 0o644)
	out, err := exec.Command(nomenBin, "check", "-config", path, "-user", "nobody").CombinedOutput()
	if code := exitCode(err); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	lines := linesWith(cfg, `name = "archive"`)
	if len(lines) != 2 {
		t.Fatalf("lines %v", lines)
	}
	first, second := strconv.Itoa(lines[0]), strconv.Itoa(lines[1])
	for _, want := range []string{
		path + ":" + strconv.Itoa(linesWith(cfg, "state_dir")[0]) + ": state_dir " + dir + "/state: user nobody cannot create",
		path + ":" + first + `: output "archive": path ` + dir + "/events.jsonl: user nobody cannot create",
		path + ":" + second + `: output "archive": path ` + dir + "/other.jsonl: user nobody cannot create",
		path + ":" + first + `: output "archive": name used twice (lines ` + first + ", " + second + ")",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("check does not say %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "state")); !os.IsNotExist(err) {
		t.Errorf("check created state_dir: %v", err)
	}

	// Beside a running nomen (which holds the state lock): check works.
	n := startNomen(t, loggerConfig)
	out, err = exec.Command(nomenBin, "check", "-config", n.config).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "OK") {
		t.Errorf("check beside a running nomen: %v\n%s", err, out)
	}
}

// linesWith returns the numbers of the lines of text that contain s.
func linesWith(text, s string) []int {
	var n []int
	for i, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			n = append(n, i+1)
		}
	}
	return n
}
