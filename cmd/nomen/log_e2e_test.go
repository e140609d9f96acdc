//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

const journalLogConfig = `
state_dir = "%s/state"
[log]
level = "debug"
[metrics]
listen = ""
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[output]]
name = "archive"
type = "file"
path = "%s/events.jsonl"
`

// TestJournalLog runs nomen as systemd would with its stderr connected to
// the journal (JOURNAL_STREAM naming stderr's device:inode): every line
// carries a syslog priority prefix and no time. With JOURNAL_STREAM naming
// another file, stderr is not the journal and lines keep their time.
func TestJournalLog(t *testing.T) {
	t.Run("journal", func(t *testing.T) {
		lines := runForLog(t, func(stderr *os.File) string { return fileID(t, stderr) })
		seen := map[string]bool{}
		for _, line := range lines {
			m := regexp.MustCompile(`^<([3467])>level=(\w+) msg=`).FindStringSubmatch(line)
			if m == nil {
				t.Errorf("line without a priority prefix: %q", line)
				continue
			}
			if want := map[string]string{"ERROR": "3", "WARN": "4", "INFO": "6", "DEBUG": "7"}[m[2]]; m[1] != want {
				t.Errorf("level %s has priority <%s>, want <%s>: %q", m[2], m[1], want, line)
			}
			if strings.Contains(line, "time=") {
				t.Errorf("line with a time: %q", line)
			}
			seen[m[1]] = true
		}
		if !seen["6"] || !seen["3"] {
			t.Errorf("want info and error lines, got priorities %v:\n%s", seen, strings.Join(lines, "\n"))
		}
	})
	t.Run("not the journal", func(t *testing.T) {
		other, err := os.Create(filepath.Join(t.TempDir(), "other"))
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		lines := runForLog(t, func(*os.File) string { return fileID(t, other) })
		for _, line := range lines {
			if !strings.HasPrefix(line, "time=") {
				t.Errorf("line without its time: %q", line)
			}
		}
	})
}

// fileID is f's "device:inode", the form of JOURNAL_STREAM.
func fileID(t *testing.T, f *os.File) string {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// runForLog starts nomen with its stderr on a pipe and JOURNAL_STREAM set
// to journalStream(stderr), has it fail a reload (an error line) and stop,
// and returns what it logged.
func runForLog(t *testing.T, journalStream func(stderr *os.File) string) []string {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "nomen.toml")
	if err := os.WriteFile(config, fmt.Appendf(nil, journalLogConfig, dir, dir), 0o644); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(nomenBin, "run", "-config", config)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "JOURNAL_STREAM=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "JOURNAL_STREAM="+journalStream(w))
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close() // the child holds it; EOF comes when nomen exits
	exited := make(chan error, 1)
	log := newLogBuffer()
	go func() {
		log.consume(r)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})

	const timeout = 20 * time.Second
	_, pos, ok := log.waitFor(regexp.MustCompile(`msg="nomen started"`), 0, timeout)
	if !ok {
		t.Fatalf("nomen did not start:\n%s", log)
	}
	if err := os.WriteFile(config, []byte("this is [not toml"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	if _, pos, ok = log.waitFor(regexp.MustCompile(`msg="configuration reload failed`), pos, timeout); !ok {
		t.Fatalf("no reload failure logged:\n%s", log)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if _, _, ok = log.waitFor(regexp.MustCompile(`msg=stopped`), pos, timeout); !ok {
		t.Fatalf("nomen did not stop:\n%s", log)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("nomen exited with %v:\n%s", err, log)
		}
	case <-time.After(timeout):
		t.Fatalf("nomen did not exit:\n%s", log)
	}
	exited <- nil // for the cleanup
	return strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
}
