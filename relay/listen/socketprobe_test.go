//go:build unix

package listen

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// holdDatagramSocket binds a unix datagram socket at path, as journald or
// rsyslog hold /dev/log, and returns it (closed when the test ends).
func holdDatagramSocket(t *testing.T, path string) *net.UnixConn {
	t.Helper()
	pc, err := net.ListenPacket("unixgram", path)
	if err != nil {
		t.Skipf("unixgram: %v", err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.(*net.UnixConn)
}

// TestProbeSocket: what is at a listener's path, for each kind a host
// has there: a socket served as a datagram one (/dev/log) or a stream
// one (journald's stdout socket) is live; one nobody serves is stale; a
// file is not a socket; nothing is absent.
func TestProbeSocket(t *testing.T) {
	dir := t.TempDir()
	gram := filepath.Join(dir, "gram.sock")
	holdDatagramSocket(t, gram)
	stream := filepath.Join(dir, "stream.sock")
	ln, err := net.Listen("unix", stream)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	stale := filepath.Join(dir, "stale.sock")
	sc, err := net.ListenPacket("unixgram", stale)
	if err != nil {
		t.Fatal(err)
	}
	sc.Close() // a unixgram socket leaves its file behind, as after kill -9
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]SocketState{
		gram: SocketLive, stream: SocketLive, stale: SocketStale, file: SocketNotSocket,
		filepath.Join(dir, "none"): SocketAbsent, dir: SocketNotSocket,
	} {
		got, err := ProbeSocket(path)
		if err != nil || got != want {
			t.Errorf("ProbeSocket(%s) = %v, %v; want %v", filepath.Base(path), got, err, want)
		}
	}
}

// TestUnixListenerLeavesLiveSocket: a unix listener pointed at a socket
// another process serves (/dev/log on a host where journald owns it)
// does not start, says why (listener, path, "in use by another
// process"), and leaves that socket to its owner, who still receives
// what is sent there.
func TestUnixListenerLeavesLiveSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.sock")
	owner := holdDatagramSocket(t, path)
	_, err := tryStartTest(t, Config{Name: "devlog", Protocol: "unix", Address: path}, &sink{})
	if err == nil {
		t.Fatal("started on a socket another process serves")
	}
	for _, want := range []string{`listener "devlog"`, path, "in use by another process"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	c, err := net.Dial("unixgram", path)
	if err != nil {
		t.Fatalf("the owner's socket is gone: %v", err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("still yours")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	owner.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := owner.Read(buf); err != nil || string(buf[:n]) != "still yours" {
		t.Errorf("owner read %q, %v", buf[:n], err)
	}
}

// TestUnixListenerRemovesStaleSocket: the socket file a killed run left
// behind is removed (and that is logged), and the listener serves there.
func TestUnixListenerRemovesStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.sock")
	pc, err := net.ListenPacket("unixgram", path)
	if err != nil {
		t.Skipf("unixgram: %v", err)
	}
	pc.Close()
	s := &sink{}
	tl := startTest(t, Config{Name: "t", Protocol: "unix", Address: path}, s)
	if log := tl.log.String(); !strings.Contains(log, "removed a stale socket") || !strings.Contains(log, path) {
		t.Errorf("the removal is not logged with its path:\n%s", log)
	}
	sendDatagram(t, path, "<13>Jan  2 03:04:05 host app: after the stale one")
	if s.waitCount(1, 5*time.Second) != 1 {
		t.Fatal("no event")
	}
}

// TestUnixListenerKeepsFile: a path that is not a socket (a file, say a
// log file by a typo) is an error and the file stays as it was.
func TestUnixListenerKeepsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "messages")
	if err := os.WriteFile(path, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := tryStartTest(t, Config{Name: "typo", Protocol: "unix", Address: path}, &sink{})
	if err == nil || !strings.Contains(err.Error(), path+" is a regular file, not a socket") {
		t.Errorf("start = %v, want an error saying %s is a regular file, not a socket", err, path)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "precious\n" {
		t.Errorf("the file is now %q, %v", b, err)
	}
}

// TestUnixListenerKeepsSymlink: a symbolic link at the path (/dev/log on
// a systemd host points at journald's socket) is named as one, with its
// target, and left alone, as is the socket it points at.
func TestUnixListenerKeepsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "dev-log")
	holdDatagramSocket(t, target)
	link := filepath.Join(dir, "log")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := tryStartTest(t, Config{Name: "devlog", Protocol: "unix", Address: link}, &sink{})
	if err == nil || !strings.Contains(err.Error(), link+" is a symbolic link to "+target+", not a socket") {
		t.Errorf("start = %v, want an error naming the link and its target", err)
	}
	if got, err := os.Readlink(link); err != nil || got != target {
		t.Errorf("the link is now %q, %v", got, err)
	}
	if st, _ := ProbeSocket(target); st != SocketLive {
		t.Errorf("the socket behind the link is %v, want it live", st)
	}
}

// TestUnixListenerTakesOverRetiring: a path that one of the relay's own
// replaced listeners still serves (a reload, Options.RetiringSockets) is
// taken over; and the replaced listener's Close, later, does not remove
// its successor's socket.
func TestUnixListenerTakesOverRetiring(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.sock")
	old := holdDatagramSocket(t, path) // the retiring listener's socket, still open
	s := &sink{}
	tl := startTestWith(t, Config{Name: "t", Protocol: "unix", Address: path}, s, func(o *Options) {
		o.RetiringSockets = []string{path}
	})
	old.Close()
	sendDatagram(t, path, "<13>Jan  2 03:04:05 host app: to the new one")
	if s.waitCount(1, 5*time.Second) != 1 {
		t.Fatalf("no event at the new listener:\n%s", tl.log)
	}
}

// TestUnixListenerCloseKeepsSuccessor: a listener's Close removes its path
// only while the socket file there is the one it bound.
func TestUnixListenerCloseKeepsSuccessor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.sock")
	first := startTest(t, Config{Name: "t", Protocol: "unix", Address: path}, &sink{})
	if err := os.Remove(path); err != nil { // as if a successor had taken the path over
		t.Fatal(err)
	}
	holdDatagramSocket(t, path)
	first.Close()
	first.Wait()
	if st, err := ProbeSocket(path); st != SocketLive {
		t.Errorf("after the first listener's Close the successor's socket is %v, %v; want it live", st, err)
	}
}

func sendDatagram(t *testing.T, path, msg string) {
	t.Helper()
	c, err := net.Dial("unixgram", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
}
