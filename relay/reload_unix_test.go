//go:build unix

package relay

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// TestReloadUnixListenerSamePath: a reload that changes a unix listener
// (its socket_mode) replaces it on the same path: the new one binds there
// while the old one drains (its own socket is not "in use by another
// process"), and datagrams sent after the reload arrive.
func TestReloadUnixListenerSamePath(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "log.sock")
	path := filepath.Join(dir, "nomen.toml")
	doc := func(mode string) string {
		return fmt.Sprintf("state_dir = %q\n[metrics]\nlisten = \"\"\n[[listener]]\nname = \"local\"\nprotocol = \"unix\"\naddress = %q\nsocket_mode = %q\n"+
			"[[output]]\nname = \"out\"\ntype = \"file\"\npath = %q\n", filepath.Join(dir, "state"), sock, mode, filepath.Join(dir, "out.jsonl"))
	}
	r := stopAtEnd(t, startRelay(t, doc("0660"), io.Discard))
	send := func(msg string, lines int) {
		t.Helper()
		c, err := net.Dial("unixgram", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := fmt.Fprintf(c, "<13>Jan  2 03:04:05 host app: %s", msg); err != nil {
			t.Fatal(err)
		}
		if !waitLines(t, dir, map[string]int{"out": lines}) {
			t.Fatalf("%q did not reach the output", msg)
		}
	}
	send("before", 1)
	if err := os.WriteFile(path, []byte(doc("0600")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := r.ReloadFrom(context.Background(), path); err != nil {
		t.Fatalf("reload: %v", err)
	}
	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode after the reload %v, want 0600 (the new listener's)", fi.Mode().Perm())
	}
	send("after", 2)
}
