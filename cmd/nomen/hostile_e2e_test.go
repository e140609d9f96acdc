package main

// Hostile input on every listener kind: random bytes, oversized frames,
// invalid UTF-8, NUL floods, idle connections past the per-source limit,
// plaintext to TLS, agent frames that lie about their size. For each: nomen
// stays up, its memory stays within hostileRSSBound, what it refused is
// counted under a reason, and a well-behaved sender still gets through.
// Amounts and time are bounded; loopback only.

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/relay/wire"
)

// hostileRSSBound is the peak resident memory (VmHWM) nomen may reach in
// these tests; the race detector multiplies memory use, so it is generous.
// Without -race nomen stays far below it.
const hostileRSSBound = 512 << 20

const hostileConfig = `
state_dir = "{{.Dir}}/state"
[metrics]
listen = "127.0.0.1:0"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
max_connections_per_source = 20
[[listener]]
name = "tls"
protocol = "tls"
address = "127.0.0.1:0"
tls = { cert = "{{.Cert}}", key = "{{.Key}}" }
max_connections_per_source = 20
[[listener]]
name = "local"
protocol = "unix"
address = "{{.Dir}}/log.sock"
[[listener]]
name = "agents"
protocol = "agent"
address = "127.0.0.1:0"
plaintext_for_testing = true
` + archiveOutput

// hostileInputs are payloads every syslog listener is fed.
func hostileInputs() [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 256<<10)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	return [][]byte{
		random,
		bytes.Repeat([]byte("A"), 1<<20), // far over max_message_size, no trailer
		[]byte("<13>1 2024-01-02T03:04:05Z host app - - - \xff\xfe\xc3\x28 invalid utf-8\n"),
		bytes.Repeat([]byte{0}, 64<<10), // NUL flood
		[]byte("999999999 <13>octet count that lies\n"),
		[]byte("<999>broken PRI\n"),
	}
}

// TestHostileInput feeds each listener kind hostile input and checks that
// nomen and its other clients are unaffected.
func TestHostileInput(t *testing.T) {
	pki := testpeer.NewPKI(t)
	n := startHostile(t, pki)
	good := 0
	sendGood := func(t *testing.T, kind string, send func(line string)) {
		t.Helper()
		good++
		token := fmt.Sprintf("good-%s-%d", kind, good)
		send(fmt.Sprintf("<13>1 2024-01-02T03:04:05Z host app - - - %s\n", token))
		waitMessage(t, n, token)
	}
	t.Run("udp", func(t *testing.T) {
		c := dialOrFail(t, "udp", n.addr("udp"))
		for _, p := range hostileInputs() {
			for len(p) > 0 { // datagrams of at most 60 KiB
				k := min(len(p), 60<<10)
				c.Write(p[:k])
				p = p[k:]
			}
		}
		sendGood(t, "udp", func(l string) { c.Write([]byte(l)) })
		wantCounted(t, n, "nomen_framing_errors_total", `kind="empty",listener="udp"`)
	})
	for _, kind := range []string{"tcp", "tls"} {
		t.Run(kind, func(t *testing.T) {
			dial := func() net.Conn {
				if kind == "tls" {
					c, err := tls.Dial("tcp", n.addr("tls"), &tls.Config{RootCAs: pki.Pool, ServerName: "localhost"})
					if err != nil {
						t.Fatal(err)
					}
					return c
				}
				return dialOrFail(t, "tcp", n.addr("tcp"))
			}
			for _, p := range hostileInputs() {
				c := dial()
				c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				c.Write(p)
				c.Close()
			}
			// Idle connections from one address past the per-source limit.
			var idle []net.Conn
			for i := 0; i < 40; i++ {
				d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
				c, err := d.Dial("tcp", n.addr(kind))
				if err != nil {
					t.Fatal(err)
				}
				idle = append(idle, c)
			}
			defer func() {
				for _, c := range idle {
					c.Close()
				}
			}()
			if kind == "tls" {
				for i := 0; i < 50; i++ { // plaintext to TLS
					c := dialOrFail(t, "tcp", n.addr("tls"))
					c.Write([]byte("<13>plaintext to a TLS port\n"))
					c.Close()
				}
				wantCounted(t, n, "nomen_listener_rejected_total", `listener="tls",reason="tls_handshake"`)
				if lines := strings.Count(n.log.String(), "TLS handshake failed"); lines > 2 {
					t.Errorf("%d log lines for failed handshakes, want one per interval", lines)
				}
			}
			c := dial()
			defer c.Close()
			sendGood(t, kind, func(l string) { c.Write([]byte(l)) })
			wantCounted(t, n, "nomen_listener_rejected_total", `listener="`+kind+`",reason="max_connections_per_source"`)
			wantCounted(t, n, "nomen_truncated_messages_total", `listener="`+kind+`"`)
			wantCounted(t, n, "nomen_parse_failures_total", `listener="`+kind+`"`)
		})
	}
	t.Run("unix", func(t *testing.T) {
		c := dialOrFail(t, "unixgram", filepath.Join(n.dir, "log.sock"))
		for _, p := range hostileInputs() {
			for len(p) > 0 {
				k := min(len(p), 60<<10)
				c.Write(p[:k])
				p = p[k:]
			}
		}
		sendGood(t, "unix", func(l string) { c.Write([]byte(l)) })
		wantCounted(t, n, "nomen_framing_errors_total", `kind="empty",listener="local"`)
	})
	t.Run("agent", func(t *testing.T) {
		lies := [][]byte{
			bytes.Repeat([]byte{0xff}, 4096), // no magic
			func() []byte { // a HELLO declaring a body of 4 GiB
				f := (&wire.Hello{AgentID: "liar", Host: "liar", OS: "x", AgentVersion: "x"}).AppendFrame(nil)
				binary.BigEndian.PutUint32(f[6:10], 0xffffffff)
				return f
			}(),
			func() []byte { // a HELLO whose body is shorter than declared, then silence
				f := (&wire.Hello{AgentID: "liar", Host: "liar", OS: "x", AgentVersion: "x"}).AppendFrame(nil)
				return f[:len(f)-3]
			}(),
		}
		for _, p := range lies {
			c := dialOrFail(t, "tcp", n.addr("agents"))
			c.Write(p)
			c.SetReadDeadline(time.Now().Add(3 * time.Second))
			c.Read(make([]byte, 512)) // the relay's ERROR, or nothing
			c.Close()
		}
		wantCounted(t, n, "nomen_agent_protocol_errors_total", `reason="frame_size"`)
		wantCounted(t, n, "nomen_agent_protocol_errors_total", `reason="malformed"`)
	})
	select {
	case <-n.exited:
		t.Fatalf("nomen exited:\n%s", n.log)
	default:
	}
	if hwm := vmHWM(t, n.cmd.Process.Pid); hwm > hostileRSSBound {
		t.Errorf("peak RSS %d MiB, bound %d MiB", hwm>>20, hostileRSSBound>>20)
	} else {
		t.Logf("peak RSS %d MiB (bound %d MiB)", hwm>>20, hostileRSSBound>>20)
	}
}

func startHostile(t *testing.T, pki *testpeer.PKI) *nomen {
	cfg := strings.NewReplacer("{{.Cert}}", pki.ServerCert, "{{.Key}}", pki.ServerKey).Replace(hostileConfig)
	return startNomen(t, cfg)
}

func dialOrFail(t *testing.T, network, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// waitMessage waits until the archive holds an event whose message is msg.
func waitMessage(t *testing.T, n *nomen, msg string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, d := range readJSONLines(t, filepath.Join(n.dir, "events.jsonl")) {
			if getStr(d, "message") == msg {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the well-behaved sender's %q did not arrive", msg)
}

// wantCounted waits until a series matching match is above 0.
func wantCounted(t *testing.T, n *nomen, name, match string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for n.metric(name, match) == 0 {
		if time.Now().After(deadline) {
			t.Errorf("%s{%s} is 0, want the hostile input counted", name, match)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// vmHWM is a process's peak resident set size in bytes (/proc/PID/status).
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}
