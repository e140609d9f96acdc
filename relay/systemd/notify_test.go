package systemd

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNotifySendsDatagrams(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	n := FromEnv()
	if !n.Enabled() {
		t.Fatal("not enabled")
	}
	read := func() string {
		buf := make([]byte, 256)
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		k, err := conn.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		return string(buf[:k])
	}
	n.Ready("listening on\n3 sockets")
	if got := read(); got != "READY=1\nSTATUS=listening on 3 sockets" {
		t.Errorf("ready: %q", got)
	}
	n.Reloading()
	if got := read(); !strings.HasPrefix(got, "RELOADING=1\nMONOTONIC_USEC=") || strings.HasSuffix(got, "=0") {
		t.Errorf("reloading: %q", got)
	}
	n.Stopping()
	if got := read(); got != "STOPPING=1" {
		t.Errorf("stopping: %q", got)
	}
}

func TestNoSocketIsNoop(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if err := FromEnv().Ready("x"); err != nil {
		t.Fatal(err)
	}
}

func TestWatchdogInterval(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "30000000")
	t.Setenv("WATCHDOG_PID", "")
	if got := WatchdogInterval(); got != 15*time.Second {
		t.Errorf("got %v", got)
	}
	t.Setenv("WATCHDOG_PID", "1")
	if got := WatchdogInterval(); got != 0 {
		t.Errorf("other pid: got %v", got)
	}
}
