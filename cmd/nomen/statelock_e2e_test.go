package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecondInstanceRefused: two nomen on one configuration (UDP
// listeners, so SO_REUSEPORT would let both bind): the second refuses at
// once, naming the state directory and the first one's pid, and touches
// nothing; the first's journal and output stay intact.
func TestSecondInstanceRefused(t *testing.T) {
	first := startNomen(t, `
state_dir = "{{.Dir}}/state"
[metrics]
listen = ""
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[output]]
name = "archive"
type = "file"
path = "{{.Dir}}/events.jsonl"
flush_interval = "50ms"
`)
	addr := first.addr("udp")
	for i := range 100 {
		sendUDP(t, addr, fmt.Sprintf("<13>Jan  2 03:04:05 host1 app: before %d", i))
	}
	waitJSONLines(t, filepath.Join(first.dir, "events.jsonl"), 100, 20*time.Second)

	// The same file, so the same state_dir and the same port (the port the
	// first one bound: its config said 0, the second one's says the port).
	cfg, err := os.ReadFile(first.config)
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(t.TempDir(), "nomen.toml")
	if err := os.WriteFile(second, []byte(strings.Replace(string(cfg), "127.0.0.1:0", addr, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	stateBefore := listTree(t, filepath.Join(first.dir, "state"))
	cmd := exec.Command(nomenBin, "run", "-config", second)
	done := make(chan []byte, 1)
	go func() { out, _ := cmd.CombinedOutput(); done <- out }()
	var out []byte
	select {
	case out = <-done:
	case <-time.After(startExitWithin):
		cmd.Process.Kill()
		t.Fatalf("the second nomen still ran after %v", startExitWithin)
	}
	if cmd.ProcessState.ExitCode() == 0 {
		t.Fatalf("the second nomen exited 0:\n%s", out)
	}
	pid := strconv.Itoa(first.cmd.Process.Pid)
	if !strings.Contains(string(out), filepath.Join(first.dir, "state")) || !strings.Contains(string(out), "pid "+pid) {
		t.Errorf("the refusal must name the state directory and pid %s:\n%s", pid, out)
	}
	if after := listTree(t, filepath.Join(first.dir, "state")); after != stateBefore {
		t.Errorf("the second nomen changed the state directory:\nbefore:\n%s\nafter:\n%s", stateBefore, after)
	}

	// The first one goes on: every event arrives once, in a file of whole lines.
	for i := range 100 {
		sendUDP(t, addr, fmt.Sprintf("<13>Jan  2 03:04:05 host1 app: after %d", i))
	}
	docs := waitJSONLines(t, filepath.Join(first.dir, "events.jsonl"), 200, 20*time.Second)
	seen := map[string]int{}
	for _, d := range docs {
		seen[getStr(d, "message")]++
	}
	for i := range 100 {
		for _, m := range []string{fmt.Sprintf("before %d", i), fmt.Sprintf("after %d", i)} {
			if seen[m] != 1 {
				t.Errorf("%q arrived %d times, want 1", m, seen[m])
			}
		}
	}
}

// listTree lists the files under dir with their sizes, except the
// journal's files that the running nomen itself changes (segments grow,
// cursors move): names are enough to see a second writer.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(&b, "%s %v\n", rel, info.Mode())
		return nil
	})
	return b.String()
}
