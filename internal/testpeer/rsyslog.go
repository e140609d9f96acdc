// Package testpeer runs real third-party syslog daemons for nomen's tests:
// rsyslog as a receiver (of the syslog output) or as a sender (towards
// nomen's listeners), in the foreground, with its own config and work
// directory, bound to 127.0.0.1, never touching the system's daemon.
//
// rsyslog is found, in this order, at $NOMEN_RSYSLOGD (with its modules in
// $NOMEN_RSYSLOG_MODDIR), unpacked under $BENCH_PEERS_DIR or
// /tmp/syslog-bench-peers (where shared/bench/setup-peers.sh puts it:
// Debian's rsyslog and rsyslog-openssl packages extracted with dpkg-deb -x,
// no maintainer scripts, nothing started), or on PATH. Tests that need it
// skip, naming what to run, when it is not there.
package testpeer

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
)

// RsyslogBinary is a usable rsyslogd.
type RsyslogBinary struct {
	Path   string // rsyslogd
	ModDir string // its module directory ("" = compiled-in default)
}

// FindRsyslog locates rsyslogd and its modules (imptcp.so, and
// lmnsd_ossl.so for TLS).
func FindRsyslog() (RsyslogBinary, error) {
	if p := os.Getenv("NOMEN_RSYSLOGD"); p != "" {
		return RsyslogBinary{Path: p, ModDir: os.Getenv("NOMEN_RSYSLOG_MODDIR")}, check(p)
	}
	peers := os.Getenv("BENCH_PEERS_DIR")
	if peers == "" {
		peers = filepath.Join(os.TempDir(), "syslog-bench-peers")
	}
	if p := filepath.Join(peers, "usr/sbin/rsyslogd"); check(p) == nil {
		return RsyslogBinary{Path: p, ModDir: findModDir(filepath.Join(peers, "usr/lib"))}, nil
	}
	if p, err := exec.LookPath("rsyslogd"); err == nil {
		return RsyslogBinary{Path: p, ModDir: findModDir("/usr/lib")}, nil
	}
	return RsyslogBinary{}, fmt.Errorf("rsyslogd not found: run shared/bench/setup-peers.sh " +
		"(unpacks rsyslog and rsyslog-openssl into /tmp/syslog-bench-peers without starting a daemon) " +
		"or set NOMEN_RSYSLOGD and NOMEN_RSYSLOG_MODDIR")
}

func check(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not executable", p)
	}
	return nil
}

func findModDir(root string) string {
	var dir string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "imptcp.so" && strings.Contains(p, "rsyslog") {
			dir = filepath.Dir(p)
			return filepath.SkipAll
		}
		return nil
	})
	return dir
}

// HasModule reports whether rsyslog has module name ("lmnsd_ossl" for TLS).
func (b RsyslogBinary) HasModule(name string) bool {
	if b.ModDir == "" {
		return true // compiled-in path: assume it; rsyslogd fails loudly otherwise
	}
	_, err := os.Stat(filepath.Join(b.ModDir, name+".so"))
	return err == nil
}

// Rsyslog is a running rsyslogd.
type Rsyslog struct {
	Dir string // work directory: rsyslog.conf, the pid file, internal.log
	cmd *exec.Cmd
	out syncbuf.Buffer
	t   testing.TB
}

// ConfigData is what a config template can use: {{.Dir}} (the work
// directory, for output files) and the Vars given to StartRsyslog.
type ConfigData struct {
	Dir  string
	Vars map[string]any
}

// StartRsyslog starts rsyslogd with the config rendered from conf (a
// text/template over ConfigData) and stops it when the test ends. It skips
// the test when rsyslog is not available. rsyslog's own messages go to
// {{.Dir}}/internal.log. It waits until rsyslog has started, and until every
// address in waitTCP accepts connections.
func StartRsyslog(t testing.TB, conf string, vars map[string]any, waitTCP ...string) *Rsyslog {
	t.Helper()
	bin, err := FindRsyslog()
	if err != nil {
		t.Skip(err)
	}
	r := &Rsyslog{Dir: t.TempDir(), t: t}
	tmpl, err := template.New("rsyslog.conf").Option("missingkey=error").Parse(conf)
	if err != nil {
		t.Fatal(err)
	}
	var cfg bytes.Buffer
	fmt.Fprintf(&cfg, "global(workDirectory=%q)\nmodule(load=\"builtin:omfile\")\n", r.Dir)
	if err := tmpl.Execute(&cfg, ConfigData{Dir: r.Dir, Vars: vars}); err != nil {
		t.Fatal(err)
	}
	// rsyslog's own messages (default ruleset) go to a side file.
	fmt.Fprintf(&cfg, "\n*.* action(type=\"omfile\" file=%q)\n", filepath.Join(r.Dir, "internal.log"))
	confPath := filepath.Join(r.Dir, "rsyslog.conf")
	if err := os.WriteFile(confPath, cfg.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-n", "-f", confPath, "-i", filepath.Join(r.Dir, "rsyslogd.pid")}
	if bin.ModDir != "" {
		args = append(args, "-M", bin.ModDir)
	}
	// Check the config first: a clear failure instead of a silent daemon.
	if out, err := exec.Command(bin.Path, append([]string{"-N1"}, args[1:]...)...).CombinedOutput(); err != nil {
		t.Fatalf("rsyslogd -N1 rejects the config: %v\n%s\n%s", err, out, cfg.String())
	}
	r.cmd = exec.Command(bin.Path, args...)
	r.cmd.Dir = r.Dir
	startDaemon(t, "rsyslogd", r.cmd, &r.out, waitTCP)
	return r
}

// Stop terminates rsyslogd (it flushes its outputs on SIGTERM) and waits.
func (r *Rsyslog) Stop() { stopDaemon(r.cmd) }

// Output is rsyslogd's stdout and stderr so far (for failure messages).
func (r *Rsyslog) Output() string {
	b, _ := os.ReadFile(filepath.Join(r.Dir, "internal.log"))
	return r.out.String() + string(b)
}

// FreePort returns a 127.0.0.1 TCP port that was free a moment ago (for
// daemons that cannot listen on :0 and report the port).
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitLines waits until the file holds at least n lines and returns them.
func WaitLines(t testing.TB, path string, n int, timeout time.Duration) []string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(path)
		var lines []string
		if s := strings.TrimSuffix(string(b), "\n"); s != "" {
			lines = strings.Split(s, "\n")
		}
		if len(lines) >= n {
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d lines after %v, want %d", path, len(lines), timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
