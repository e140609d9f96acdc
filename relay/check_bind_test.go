//go:build unix

package relay

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A port another process holds is reported, naming the listener and its
// line, as a warning: check cannot tell it from the running nomen.
func TestCheckAddressInUse(t *testing.T) {
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Close()
	ul, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ul.Close()
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"
[[listener]]
name = "held-tcp"
protocol = "tcp"
address = "`+tl.Addr().String()+`"

[[listener]]
name = "held-udp"
protocol = "udp"
address = "`+ul.LocalAddr().String()+`"

[[output]]
name = "f"
type = "file"
path = "{{.Dir}}/out.jsonl"
`)
	r := Check(path, CheckOptions{})
	if !r.OK() {
		t.Fatalf("a port in use is a warning, got errors %q", r.Errors)
	}
	wantProblems(t, r.Warnings,
		path+`:3: warning: listener "held-tcp": address `+tl.Addr().String()+` (tcp) is in use`,
		path+`:8: warning: listener "held-udp": address `+ul.LocalAddr().String()+` (udp) is in use`,
	)
}

// An address this host does not have fails run: it is an error.
func TestCheckAddressNotHere(t *testing.T) {
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"
[[listener]]
name = "elsewhere"
protocol = "tcp"
address = "192.0.2.7:5514"
[[output]]
name = "f"
type = "file"
path = "{{.Dir}}/out.jsonl"
`)
	r := Check(path, CheckOptions{})
	wantProblems(t, r.Errors, path+`:3: listener "elsewhere": address 192.0.2.7:5514 (tcp): cannot bind`)
}

// A unix socket that answers is in use (warning); a file where the socket
// goes is an error; a stale socket is fine (run removes it).
func TestCheckUnixSocket(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.sock")
	pc, err := net.ListenPacket("unixgram", live)
	if err != nil {
		t.Skipf("unixgram: %v", err)
	}
	defer pc.Close()
	liveStream := filepath.Join(dir, "stream.sock") // as journald's stdout socket
	ln, err := net.Listen("unix", liveStream)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	stale := filepath.Join(dir, "stale.sock")
	sl, err := net.ListenPacket("unixgram", stale)
	if err != nil {
		t.Fatal(err)
	}
	sl.Close()
	file := filepath.Join(dir, "file.sock")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"
[[listener]]
name = "live"
protocol = "unix"
address = "`+live+`"
[[listener]]
name = "stale"
protocol = "unix"
address = "`+stale+`"
[[listener]]
name = "file"
protocol = "unix"
address = "`+file+`"
[[listener]]
name = "stream"
protocol = "unix"
address = "`+liveStream+`"
[[output]]
name = "f"
type = "file"
path = "{{.Dir}}/out.jsonl"
`)
	r := Check(path, CheckOptions{})
	wantProblems(t, r.Warnings, path+`:3: warning: listener "live": socket `+live+` is in use: by another process (run will not start)`,
		path+`:15: warning: listener "stream": socket `+liveStream+` is in use`)
	wantProblems(t, r.Errors, path+`:11: listener "file": socket `+file+`: a regular file is in the way`)
	if all := strings.Join(append(r.Errors, r.Warnings...), "\n"); strings.Contains(all, `"stale"`) {
		t.Errorf("a stale socket is reported:\n%s", all)
	}
}

// A missing cert and key: one line for each file, each naming it once.
func TestCheckMissingTLSFiles(t *testing.T) {
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"
[[listener]]
name = "tls"
protocol = "tls"
address = "127.0.0.1:0"
[listener.tls]
cert = "{{.Dir}}/nope.crt"
key = "{{.Dir}}/nope.key"
[[output]]
name = "f"
type = "file"
path = "{{.Dir}}/out.jsonl"
`)
	r := Check(path, CheckOptions{})
	for _, f := range []string{"nope.crt", "nope.key"} {
		n := 0
		for _, e := range r.Errors {
			if c := strings.Count(e, f); c > 0 {
				n++
				if c > 1 {
					t.Errorf("repeats %s: %s", f, e)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d lines about %s, want 1:\n%s", n, f, strings.Join(r.Errors, "\n"))
		}
	}
}
