package coverage

import (
	"strings"
	"testing"
)

// TestMaskPlaceholders: each placeholder kind, where it applies and where
// it must not.
func TestMaskPlaceholders(t *testing.T) {
	cases := []struct{ in, want string }{
		// numbers, and words with digits that are not numbers
		{"rotated 3 widgets in 0.2s", "rotated <num> widgets in <num>s"},
		{"eth0 NIC Link is Up 1000 Mbps", "eth0 NIC Link is Up <num> Mbps"},
		{"pid=4411 uid=0 ssh2 e1000e x86_64", "pid=<num> uid=<num> ssh2 e1000e x86_64"},
		{"[ 1234.567890] done", "[ <num>] done"},
		{"at 2026-07-01T10:00:00.123Z", "at <num>-<num>-<num>T<num>:<num>:<num>Z"},
		{"OpenSSH_8.9p1 v1.2", "OpenSSH_8.<num>p<num> v1.<num>"},
		// times are not IPv6 addresses
		{"at 12:00:01 and 23:59:59.999", "at <num>:<num>:<num> and <num>:<num>:<num>"},
		// IPv4, with port and prefix; not a version with more parts
		{"from 10.0.0.1 port 22", "from <ip> port <num>"},
		{"peer 192.0.2.7:514 net 10.1.0.0/16", "peer <ip>:<num> net <ip>/<num>"},
		{"oid 1.3.6.1.4.1 version 2.4.58", "oid <num> version <num>"},
		{"bad 300.1.1.1", "bad <num>"},
		// IPv6
		{"from 2001:db8::15 port 4711", "from <ip> port <num>"},
		{"lo ::1 and fe80::1%eth0, [2001:db8:0:0:0:0:0:1]:443", "lo <ip> and <ip>, [<ip>]:<num>"},
		{"mapped ::ffff:192.0.2.1.", "mapped <ip>."},
		{"addr fe80::1: up", "addr <ip>: up"},
		{"std::string a::b", "std::string a::b"},
		{"listening on :: port 22, a :: b", "listening on <ip> port <num>, a <ip> b"},
		// MAC addresses
		{"mac 00:1a:2b:3c:4d:5e dev", "mac <mac> dev"},
		{"mac 00-1A-2B-3C-4D-5E and 001a.2b3c.4d5e", "mac <mac> and <mac>"},
		// hex
		{"flags 0x1f at 0XDEADBEEF", "flags <hex> at <hex>"},
		{"commit 3f9a2b1c4d5e done", "commit <hex> done"},
		{"word deadbeef stays, 12345678 is a number", "word deadbeef stays, <num> is a number"},
		// UUID
		{"job 123e4567-e89b-12d3-a456-426614174000 ok", "job <uuid> ok"},
		// long random tokens
		{"key SHA256:q1w2e3r4t5y6u7i8o9p0a1s2d3f4 ok", "key SHA256:<id> ok"},
		{"x61D20o5020532: SYSERR(root)", "<id>: SYSERR(root)"},
		{"sig sha256WithRSAEncryption class Log4jConfigurationFactory2", "sig sha256WithRSAEncryption class Log4jConfigurationFactory2"},
		// quoted strings
		{`cmd "ls -l /tmp" done`, "cmd <str> done"},
		{`msg="a \"b\" c" x='it's here' don't`, "msg=<str> x=<str> don't"},
		{`open "unclosed and 'also`, `open "unclosed and 'also`},
		// users
		{"Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2",
			"Failed password for invalid user <user> from <ip> port <num> ssh2"},
		{"Failed password for root from 10.0.0.5", "Failed password for <user> from <ip>"},
		{"session opened for user alice by (uid=0)", "session opened for user <user> by (uid=<num>)"},
		{"logname= uid=0 ruser=bob rhost=10.0.0.1  user=CORP\\alice", "logname= uid=<num> ruser=<user> rhost=<ip>  user=<user>"},
		{"user authentication failed for user Bob.", "user authentication failed for user <user>."},
		{"connect from unknown", "connect from unknown"},
		// paths
		{"open /var/log/messages: permission denied", "open <path>: permission denied"},
		{"cwd=/root cmd=./run.sh ~/x ~alice/y", "cwd=<path> cmd=<path> <path> <path>"},
		{"GET /index.html?a=1 HTTP/1.1", "GET <path> HTTP/<num>"},
		{"keyboard-interactive/pam a / b", "keyboard-interactive/pam a / b"},
		{`file C:\Windows\System32\cmd.exe.`, "file <path>."},
		// e-mail
		{"from=<alice.smith@example.com> to bob@mail.example.org, root@localhost",
			"from=<<email>> to <email>, root@localhost"},
	}
	var m Masker
	for _, c := range cases {
		if got := string(m.Mask(c.in)); got != c.want {
			t.Errorf("Mask(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestMaskWordsStay: ordinary words are never masked, whatever their
// letters ("from", "failed", "deadline", hex-looking words).
func TestMaskWordsStay(t *testing.T) {
	var m Masker
	for _, s := range []string{
		"Connection closed by authenticating user from the server",
		"accepted failed deadline faced cafe bead decade",
		"error: bad: value; (x) [y] {z} a-b a.b a_b",
		"Übergröße naïve café",
	} {
		if got := string(m.Mask(s)); got != s {
			t.Errorf("Mask(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestMaskSameShape: lines that differ only in their variable parts have
// one shape; lines that differ in words do not.
func TestMaskSameShape(t *testing.T) {
	var m Masker
	a := string(m.Mask("Disconnected from user alice 10.0.0.1 port 4711"))
	b := string(m.Mask("Disconnected from user bob 2001:db8::2 port 22"))
	c := string(m.Mask("Disconnecting from user bob 2001:db8::2 port 22"))
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
	if a == c {
		t.Errorf("different words, one shape %q", a)
	}
}

// TestMaskBounded: a shape is at most MaxShapeLen bytes, and the masker
// reuses its buffer.
func TestMaskBounded(t *testing.T) {
	var m Masker
	long := strings.Repeat("word 1 ", 1000)
	got := m.Mask(long)
	if len(got) > MaxShapeLen || len(got) < MaxShapeLen-len(PhNum) {
		t.Errorf("len %d, want about %d", len(got), MaxShapeLen)
	}
	p := &got[0]
	if again := m.Mask(long); &again[0] != p {
		t.Error("the scratch buffer was not reused")
	}
	if n := testing.AllocsPerRun(100, func() { m.Mask("from 10.0.0.1 port 22 user=bob \"x\"") }); n != 0 {
		t.Errorf("%v allocations per Mask, want 0", n)
	}
}

// FuzzMask: the masker never panics, a shape stays within MaxShapeLen and
// a few bytes per input byte, and the same message has the same shape.
func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2",
		"fe80::1%eth0 00:1a:2b:3c:4d:5e 0x1f 123e4567-e89b-12d3-a456-426614174000",
		`"a\"b" 'c' /x/y ~/z C:\a alice@example.com user=bob 12:00:01`,
		"::", ":::", "1:::2", "'", `"\`, "~", "./", "0x", "a@b.", "user ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var m Masker
		got := m.Mask(s)
		if len(got) > MaxShapeLen {
			t.Fatalf("shape of %d bytes", len(got))
		}
		if len(s) <= MaxShapeLen && len(got) > len(s)*len(PhEmail)+len(PhEmail) {
			t.Fatalf("shape %q of %q grew too much", got, s)
		}
		first := string(got)
		if again := string(m.Mask(s)); again != first {
			t.Fatalf("not deterministic: %q then %q", first, again)
		}
	})
}
