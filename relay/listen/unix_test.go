package listen

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestUnixSocketModeAndSender: the unix socket is not writable by every
// local user by default (0660: any user could forge sshd lines), and each
// event records who sent it (SCM_CREDENTIALS, from the kernel: a sender
// cannot lie about it).
func TestUnixSocketModeAndSender(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.sock")
	s := &sink{}
	startTest(t, Config{Name: "t", Protocol: "unix", Address: path}, s)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o660 {
		t.Errorf("socket mode %v, want 0660", got)
	}
	c, err := net.Dial("unixgram", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("<38>Jan  2 03:04:05 host sshd[1]: Accepted password for root")); err != nil {
		t.Fatal(err)
	}
	if s.waitCount(1, 5*time.Second) != 1 {
		t.Fatal("no event")
	}
	e := s.events[0]
	for field, want := range map[string]int64{
		FieldPeerPID: int64(os.Getpid()), FieldPeerUID: int64(os.Getuid()), FieldPeerGID: int64(os.Getgid()),
	} {
		v, ok := e.Get(field)
		if !ok || v.Num != want {
			t.Errorf("%s = %v (%v), want %d", field, v, ok, want)
		}
	}
}
