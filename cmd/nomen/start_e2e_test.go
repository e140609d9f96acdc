package main

// Start-up failures: whatever keeps nomen from starting is logged with its
// cause and nomen exits non-zero within seconds, also while an output keeps
// retrying to connect; SIGTERM is honoured while nomen starts.

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// startExitWithin bounds how long a failed start may take to exit: the
// cleanup after a failed start is bounded at 5s (relay.startAbortTimeout);
// the rest is slack for a busy machine and the race detector.
const startExitWithin = 20 * time.Second

// launch writes config (a text/template with {{.Dir}} and {{.Busy}}, {{.Closed}})
// and starts nomen without waiting for it to start.
func launch(t *testing.T, config string, vars map[string]string) *nomen {
	t.Helper()
	dir := t.TempDir()
	if vars == nil {
		vars = map[string]string{}
	}
	vars["Dir"] = dir
	var buf bytes.Buffer
	if err := template.Must(template.New("cfg").Parse(config)).Execute(&buf, vars); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "nomen.toml")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	n := &nomen{t: t, dir: dir, config: path, log: newLogBuffer(), exited: make(chan struct{})}
	n.cmd = exec.Command(nomenBin, "run", "-config", path)
	n.cmd.Dir = dir
	stderr, err := n.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		n.log.consume(stderr)
		n.cmd.Wait()
		close(n.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-n.exited:
		default:
			n.cmd.Process.Kill()
			<-n.exited
		}
	})
	return n
}

// waitExit waits for nomen to exit and returns its exit code; it fails the
// test (and kills nomen) if that takes longer than within.
func (n *nomen) waitExit(within time.Duration, what string) int {
	n.t.Helper()
	select {
	case <-n.exited:
		return n.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		n.cmd.Process.Kill()
		<-n.exited
		n.t.Fatalf("%s: nomen still ran after %v (killed):\n%s", what, within, n.log)
		return -1
	}
}

// busyAndClosed returns a TCP address in use (held until the test ends)
// and one where nobody listens.
func busyAndClosed(t *testing.T) (busy, closed string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	c, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed = c.Addr().String()
	c.Close()
	return ln.Addr().String(), closed
}

// retryingOutput is an output that cannot connect and retries its Open.
const retryingOutput = `
[[output]]
name = "unreachable"
type = "syslog"
address = "{{.Closed}}"
`

// wantFailedStart checks that nomen exited non-zero and logged the cause
// (every part of want) on an ERROR line.
func wantFailedStart(t *testing.T, n *nomen, code int, want ...string) {
	t.Helper()
	if code == 0 {
		t.Errorf("exit code 0 after a failed start, want non-zero:\n%s", n.log)
	}
	for _, line := range strings.Split(n.log.String(), "\n") {
		if !strings.Contains(line, "level=ERROR") && !strings.HasPrefix(line, "nomen:") {
			continue
		}
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(line, w)
		}
		if ok {
			return
		}
	}
	t.Errorf("no error line saying %q:\n%s", want, n.log)
}

// TestStartFailsPortInUse: a listener whose port is taken stops the start,
// even while an output retries its connection; the log says why.
func TestStartFailsPortInUse(t *testing.T) {
	busy, closed := busyAndClosed(t)
	n := launch(t, `
state_dir = "{{.Dir}}/state"
[[listener]]
name = "taken"
protocol = "tcp"
address = "{{.Busy}}"
`+retryingOutput, map[string]string{"Busy": busy, "Closed": closed})
	code := n.waitExit(startExitWithin, "port in use")
	wantFailedStart(t, n, code, "taken", "address already in use")
}

// TestStartFailsUnreadableCert: a TLS certificate that cannot be read
// stops nomen with its path in the log.
func TestStartFailsUnreadableCert(t *testing.T) {
	_, closed := busyAndClosed(t)
	n := launch(t, `
state_dir = "{{.Dir}}/state"
[[listener]]
name = "secure"
protocol = "tls"
address = "127.0.0.1:0"
tls = { cert = "{{.Dir}}", key = "{{.Dir}}/missing.key" }
`+retryingOutput, map[string]string{"Closed": closed})
	code := n.waitExit(startExitWithin, "unreadable certificate")
	wantFailedStart(t, n, code, n.dir)
}

// TestStartFailsUnwritableStateDir: a state_dir that cannot be created
// (its parent is a file; root may write anywhere else) stops nomen.
func TestStartFailsUnwritableStateDir(t *testing.T) {
	_, closed := busyAndClosed(t)
	n := launch(t, `
state_dir = "{{.Dir}}/nomen.toml/state"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
`+retryingOutput, map[string]string{"Closed": closed})
	code := n.waitExit(startExitWithin, "unwritable state_dir")
	wantFailedStart(t, n, code, "state_dir", "not a directory")
}

// TestStartFailsUnusableStateDir: a state_dir that exists but where nomen
// cannot take its lock (here the lock file is a directory, which fails for
// root too, as a read-only directory does for a service user) stops nomen
// with the key named and what to do about it.
func TestStartFailsUnusableStateDir(t *testing.T) {
	_, closed := busyAndClosed(t)
	state := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(filepath.Join(state, ".lock"), 0o755); err != nil {
		t.Fatal(err)
	}
	n := launch(t, `
state_dir = "{{.State}}"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
`+retryingOutput, map[string]string{"Closed": closed, "State": filepath.ToSlash(state)})
	code := n.waitExit(startExitWithin, "unusable state_dir")
	wantFailedStart(t, n, code, "state_dir", state, "nomen check -user USER")
}

// TestSigtermDuringFailingStart: SIGTERM while a start fails and an output
// retries its Open ends nomen at once (it used to ignore SIGTERM and SIGINT
// and run until SIGKILL).
func TestSigtermDuringFailingStart(t *testing.T) {
	busy, closed := busyAndClosed(t)
	n := launch(t, `
state_dir = "{{.Dir}}/state"
shutdown_timeout = "60s"
[[listener]]
name = "taken"
protocol = "tcp"
address = "{{.Busy}}"
`+retryingOutput, map[string]string{"Busy": busy, "Closed": closed})
	if _, _, ok := n.log.waitFor(reOutputStarted, 0, startExitWithin); !ok {
		t.Fatalf("no output started:\n%s", n.log)
	}
	n.signal(syscall.SIGTERM)
	n.waitExit(startExitWithin, "SIGTERM during a failing start")
}

// TestSigtermDuringStart: SIGTERM as soon as the first output started (the
// listeners may not be bound yet) stops nomen cleanly; no READY-like
// "nomen started" is needed first.
func TestSigtermDuringStart(t *testing.T) {
	_, closed := busyAndClosed(t)
	n := launch(t, `
state_dir = "{{.Dir}}/state"
shutdown_timeout = "4s"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
`+retryingOutput, map[string]string{"Closed": closed})
	if _, _, ok := n.log.waitFor(reOutputStarted, 0, startExitWithin); !ok {
		t.Fatalf("no output started:\n%s", n.log)
	}
	n.signal(syscall.SIGTERM)
	if code := n.waitExit(startExitWithin, "SIGTERM during start"); code != 0 {
		t.Errorf("exit code %d after SIGTERM during start, want 0:\n%s", code, n.log)
	}
}

var reOutputStarted = regexp.MustCompile(`msg="output started"`)
