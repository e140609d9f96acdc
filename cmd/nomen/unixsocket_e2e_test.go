//go:build unix

package main

import (
	"net"
	"path/filepath"
	"testing"
)

// TestStartFailsSocketInUse: `nomen run` with a unix listener on a socket
// another process serves (/dev/log where journald owns it) exits non-zero
// at once, naming the listener, the path and "in use by another
// process", and the owner keeps its socket.
func TestStartFailsSocketInUse(t *testing.T) {
	_, closed := busyAndClosed(t)
	sock := filepath.Join(t.TempDir(), "log.sock")
	owner, err := net.ListenPacket("unixgram", sock)
	if err != nil {
		t.Skipf("unixgram: %v", err)
	}
	defer owner.Close()
	n := launch(t, `
state_dir = "{{.Dir}}/state"
[[listener]]
name = "devlog"
protocol = "unix"
address = "{{.Sock}}"
`+retryingOutput, map[string]string{"Sock": sock, "Closed": closed})
	code := n.waitExit(startExitWithin, "socket in use")
	wantFailedStart(t, n, code, "devlog", sock, "in use by another process")
	c, err := net.Dial("unixgram", sock)
	if err != nil {
		t.Fatalf("the owner's socket is gone after nomen's failed start: %v", err)
	}
	c.Close()
}
