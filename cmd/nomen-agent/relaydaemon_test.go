package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/agent/agenttest"
)

// agentRelay is the configuration of a nomen relay for the agent's
// end-to-end tests: one agent listener (mutual TLS, certificates from its
// own PKI) on a free port and a file output, written under dir.
type agentRelay struct {
	pki     *agenttest.PKI
	port    int
	cfgPath string
	out     string // the file output's path
}

// newAgentRelay writes the configuration; outputExtra is added to the
// [[output]] table.
func newAgentRelay(t *testing.T, dir, outputExtra string) agentRelay {
	t.Helper()
	r := agentRelay{pki: agenttest.NewPKI(t, dir, "agents"), port: freePort(t),
		cfgPath: filepath.Join(dir, "nomen.toml"), out: filepath.Join(dir, "events.jsonl")}
	cert, key := r.pki.Server(t, "relay")
	cfg := fmt.Sprintf(`
state_dir = %q
[metrics]
listen = "127.0.0.1:0"
[journal]
fsync = "never"
[[listener]]
name = "agents"
protocol = "agent"
address = "127.0.0.1:%d"
tls = { cert = %q, key = %q, client_ca = %q }
[[output]]
name = "archive"
type = "file"
path = %q
%s
`, filepath.Join(dir, "state"), r.port, cert, key, r.pki.CAFile, r.out, outputExtra)
	if err := os.WriteFile(r.cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

// daemon is a running nomen process.
type daemon struct {
	t    *testing.T
	cmd  *exec.Cmd
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

func startDaemon(t *testing.T, bin, cfg string) *daemon {
	d := &daemon{t: t, cmd: exec.Command(bin, "run", "-config", cfg), done: make(chan struct{})}
	d.cmd.Stderr = d
	d.cmd.Stdout = d
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		d.cmd.Wait()
		close(d.done)
	}()
	return d
}

func (d *daemon) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.buf.Write(p)
}

func (d *daemon) log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.buf.String()
}

func (d *daemon) waitLog(re *regexp.Regexp, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if re.MatchString(d.log()) {
			return true
		}
		select {
		case <-d.done:
			return re.MatchString(d.log())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return false
}

func (d *daemon) kill() {
	d.cmd.Process.Kill() // SIGKILL
	<-d.done
}

func (d *daemon) stop() {
	d.cmd.Process.Signal(os.Interrupt)
	select {
	case <-d.done:
	case <-time.After(15 * time.Second):
		d.kill()
	}
	if strings.Contains(d.log(), "panic") {
		d.t.Errorf("relay log has a panic:\n%s", d.log())
	}
}
