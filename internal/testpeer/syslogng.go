package testpeer

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"text/template"

	"github.com/nomenhq/nomen/internal/syncbuf"
)

// SyslogNGBinary is a usable syslog-ng.
type SyslogNGBinary struct {
	Path    string   // syslog-ng
	ModDir  string   // its module directory ("" = compiled-in default)
	Env     []string // LD_LIBRARY_PATH for an unpacked copy
	Version string   // the config version it speaks ("3.35"), for @version
}

// FindSyslogNG locates syslog-ng: $NOMEN_SYSLOGNG (modules in
// $NOMEN_SYSLOGNG_MODDIR), unpacked under $BENCH_PEERS_DIR or
// /tmp/syslog-bench-peers by scripts/setup-peers.sh, or on PATH.
func FindSyslogNG() (SyslogNGBinary, error) {
	var b SyslogNGBinary
	peers := os.Getenv("BENCH_PEERS_DIR")
	if peers == "" {
		peers = filepath.Join(os.TempDir(), "syslog-bench-peers")
	}
	switch {
	case os.Getenv("NOMEN_SYSLOGNG") != "":
		b = SyslogNGBinary{Path: os.Getenv("NOMEN_SYSLOGNG"), ModDir: os.Getenv("NOMEN_SYSLOGNG_MODDIR")}
	case check(filepath.Join(peers, "usr/sbin/syslog-ng")) == nil:
		lib := filepath.Join(peers, "usr/lib/syslog-ng")
		b = SyslogNGBinary{Path: filepath.Join(peers, "usr/sbin/syslog-ng"), Env: []string{"LD_LIBRARY_PATH=" + lib}}
		if dirs, _ := filepath.Glob(filepath.Join(lib, "3.*")); len(dirs) > 0 {
			b.ModDir = dirs[len(dirs)-1]
		}
	default:
		p, err := exec.LookPath("syslog-ng")
		if err != nil {
			return b, fmt.Errorf("syslog-ng not found: run scripts/setup-peers.sh " +
				"(unpacks syslog-ng into /tmp/syslog-bench-peers without starting a daemon) or set NOMEN_SYSLOGNG")
		}
		b.Path = p
	}
	if err := check(b.Path); err != nil {
		return b, err
	}
	cmd := exec.Command(b.Path, "-V")
	cmd.Env = append(os.Environ(), b.Env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return b, fmt.Errorf("%s -V: %v\n%s", b.Path, err, out)
	}
	m := regexp.MustCompile(`(?m)^Config version: (\S+)`).FindSubmatch(out)
	if m == nil {
		return b, fmt.Errorf("%s -V: no config version in %q", b.Path, out)
	}
	b.Version = string(m[1])
	return b, nil
}

// SyslogNG is a running syslog-ng.
type SyslogNG struct {
	Dir string // work directory: syslog-ng.conf, persist file, pid, control socket
	cmd *exec.Cmd
	out syncbuf.Buffer
}

// StartSyslogNG starts syslog-ng in the foreground with the config rendered
// from conf (a text/template over ConfigData; the "@version" line is
// added) and stops it when the test ends. It skips the test when syslog-ng
// is not available, and waits until every address in waitTCP accepts
// connections. syslog-ng's own messages go to its stderr (Output).
func StartSyslogNG(t testing.TB, conf string, vars map[string]any, waitTCP ...string) *SyslogNG {
	t.Helper()
	bin, err := FindSyslogNG()
	if err != nil {
		t.Skip(err)
	}
	s := &SyslogNG{Dir: t.TempDir()}
	tmpl, err := template.New("syslog-ng.conf").Option("missingkey=error").Parse(conf)
	if err != nil {
		t.Fatal(err)
	}
	var cfg bytes.Buffer
	fmt.Fprintf(&cfg, "@version: %s\n", bin.Version)
	if err := tmpl.Execute(&cfg, ConfigData{Dir: s.Dir, Vars: vars}); err != nil {
		t.Fatal(err)
	}
	confPath := filepath.Join(s.Dir, "syslog-ng.conf")
	if err := os.WriteFile(confPath, cfg.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-f", confPath, "-R", filepath.Join(s.Dir, "persist"),
		"-p", filepath.Join(s.Dir, "syslog-ng.pid"), "-c", filepath.Join(s.Dir, "syslog-ng.ctl")}
	if bin.ModDir != "" {
		args = append(args, "--module-path="+bin.ModDir)
	}
	env := append(os.Environ(), bin.Env...)
	syntax := exec.Command(bin.Path, append([]string{"-s"}, args...)...)
	syntax.Env = env
	if out, err := syntax.CombinedOutput(); err != nil {
		t.Fatalf("syslog-ng -s rejects the config: %v\n%s\n%s", err, out, cfg.String())
	}
	s.cmd = exec.Command(bin.Path, append([]string{"-F", "--stderr"}, args...)...)
	s.cmd.Env = env
	s.cmd.Dir = s.Dir
	startDaemon(t, "syslog-ng", s.cmd, &s.out, waitTCP)
	return s
}

// Stop terminates syslog-ng (it flushes its destinations on SIGTERM) and waits.
func (s *SyslogNG) Stop() { stopDaemon(s.cmd) }

// Output is syslog-ng's stdout and stderr so far (for failure messages).
func (s *SyslogNG) Output() string { return s.out.String() }
