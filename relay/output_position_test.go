package relay

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFileOutputAddedThenRestartedBeforeABatch: a file output added to a
// relay whose journal already holds events starts at the journal's end; if
// nomen stops before that output wrote its first batch, its position file
// records no event yet, and the restart resumes from the output's cursor,
// not from the journal's start: the file gets only what arrived since.
func TestFileOutputAddedThenRestartedBeforeABatch(t *testing.T) {
	dir := t.TempDir()
	run := func(doc string, send []string, want map[string]int) {
		t.Helper()
		r := startRelay(t, doc, io.Discard)
		sendLines(t, r, send...)
		waitLines(t, dir, want)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Fatal(err)
		}
	}

	run(tcpToFiles(dir, "old"), []string{"one", "two", "three"}, map[string]int{"old": 3})
	run(tcpToFiles(dir, "old", "added"), nil, nil) // stops before "added" writes a batch
	run(tcpToFiles(dir, "old", "added"), []string{"four"}, map[string]int{"old": 4, "added": 1})

	b, err := os.ReadFile(filepath.Join(dir, "added.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `"message":"four"`) {
		t.Errorf("the added output's file holds %d lines, want only the event sent after it was added (four):\n%s", len(lines), b)
	}
}

// tcpToFiles is the configuration of a relay (state under dir) that takes
// syslog over TCP on a free port (listener "tcp") and has a file output
// per name, writing <dir>/<name>.jsonl.
func tcpToFiles(dir string, outputs ...string) string {
	doc := fmt.Sprintf(`
state_dir = %q
[metrics]
listen = ""
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
`, filepath.Join(dir, "state"))
	for _, o := range outputs {
		doc += fmt.Sprintf("[[output]]\nname = %q\ntype = \"file\"\npath = %q\n", o, filepath.Join(dir, o+".jsonl"))
	}
	return doc
}

// sendLines sends each message, as an RFC 5424 line, to r's listener
// "tcp" over one connection.
func sendLines(t *testing.T, r *Relay, msgs ...string) {
	t.Helper()
	if len(msgs) == 0 {
		return
	}
	c, err := net.Dial("tcp", r.ListenerAddr("tcp"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Fprintf(c, "<13>1 - host app - - - %s\n", m)
	}
	c.Close()
}

// waitLines waits up to 30 s until linesReached(dir, want) and says
// whether it was.
func waitLines(t *testing.T, dir string, want map[string]int) bool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !linesReached(t, dir, want) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// linesReached says whether each file <dir>/<name>.jsonl has at least n lines.
func linesReached(t *testing.T, dir string, want map[string]int) bool {
	t.Helper()
	for name, n := range want {
		b, err := os.ReadFile(filepath.Join(dir, name+".jsonl"))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Count(b, []byte("\n")) < n {
			return false
		}
	}
	return true
}
