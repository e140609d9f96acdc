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

// TestUnixLocalHost: what a process on this host writes to /dev/log names
// no host (glibc's syslog(3), logger); such a message was logged here, so
// its host.name is the relay's host, as a syslogd's local input gives it.
// log.syslog.hostname stays absent (none was sent); a message that names a
// host keeps its own; the other protocols get no host.
func TestUnixLocalHost(t *testing.T) {
	withHost := func(o *Options) { o.LocalHost = "relayhost" }
	path := filepath.Join(t.TempDir(), "log.sock")
	s := &sink{}
	startTestWith(t, Config{Name: "t", Protocol: "unix", Address: path}, s, withHost)
	c, err := net.Dial("unixgram", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, m := range []string{
		"<38>Jan  2 03:04:05 sshd[1]: Accepted password for root from 10.0.0.1 port 22 ssh2",
		"<38>Jan  2 03:04:05 web1 sshd[1]: Accepted password for root from 10.0.0.1 port 22 ssh2",
	} {
		if _, err := c.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	if s.waitCount(2, 5*time.Second) != 2 {
		t.Fatal("no events")
	}
	for i, want := range []string{"relayhost", "web1"} {
		e := s.events[i]
		if v, _ := e.Get("host.name"); v.Str != want {
			t.Errorf("event %d: host.name %q, want %q", i, v.Str, want)
		}
	}
	if v, ok := s.events[0].Get("log.syslog.hostname"); ok {
		t.Errorf("log.syslog.hostname %q, want none: the message sent none", v.Str)
	}

	u := &sink{}
	tl := startTestWith(t, Config{Name: "u", Protocol: "udp", Address: "127.0.0.1:0"}, u, withHost)
	uc, err := net.Dial("udp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	if _, err := uc.Write([]byte("<38>Jan  2 03:04:05 sshd[1]: Accepted password for root from 10.0.0.1 port 22 ssh2")); err != nil {
		t.Fatal(err)
	}
	if u.waitCount(1, 5*time.Second) != 1 {
		t.Fatal("no udp event")
	}
	if v, ok := u.events[0].Get("host.name"); ok {
		t.Errorf("udp: host.name %q, want none (a remote sender named no host)", v.Str)
	}
}
