package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testpeer"
)

// TestRsyslogForwarding: logger -> rsyslog -> nomen, with rsyslog's omfwd
// as a real sender: TCP with LF framing (RFC 3164 template), TCP with
// octet counting (RFC 5424 template) and RFC 5425 TLS with a client
// certificate that nomen verifies. Every message must arrive once per road.
func TestRsyslogForwarding(t *testing.T) {
	logger := needCommand(t, "logger")
	bin, err := testpeer.FindRsyslog()
	if err != nil {
		t.Skip(err)
	}
	if !bin.HasModule("lmnsd_ossl") {
		t.Skip("rsyslog's openssl driver (rsyslog-openssl) is missing: run scripts/setup-peers.sh")
	}
	pki := testpeer.NewPKI(t)
	n := startNomen(t, fmt.Sprintf(`
state_dir = "{{.Dir}}/state"
[metrics]
listen = "127.0.0.1:0"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "tls"
protocol = "tls"
address = "127.0.0.1:0"
tls = { cert = %q, key = %q, client_ca = %q }
[[output]]
name = "archive"
type = "file"
path = "{{.Dir}}/events.jsonl"
`, pki.ServerCert, pki.ServerKey, pki.CA))

	in := testpeer.FreePort(t)
	conf := `
global(DefaultNetstreamDriverCAFile="{{.Vars.ca}}" DefaultNetstreamDriverCertFile="{{.Vars.cert}}" DefaultNetstreamDriverKeyFile="{{.Vars.key}}")
module(load="imptcp")
input(type="imptcp" address="127.0.0.1" port="{{.Vars.in}}" ruleset="fwd")
ruleset(name="fwd") {
  action(type="omfwd" target="127.0.0.1" port="{{.Vars.tcp}}" protocol="tcp" TCP_Framing="traditional" template="RSYSLOG_ForwardFormat")
  action(type="omfwd" target="127.0.0.1" port="{{.Vars.tcp}}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
  action(type="omfwd" target="127.0.0.1" port="{{.Vars.tls}}" protocol="tcp" StreamDriver="ossl" StreamDriverMode="1"
         StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost" template="RSYSLOG_SyslogProtocol23Format")
}
`
	rs := testpeer.StartRsyslog(t, conf, map[string]any{
		"in": in, "tcp": n.port("tcp"), "tls": n.port("tls"),
		"ca": pki.CA, "cert": pki.ClientCert, "key": pki.ClientKey,
	}, fmt.Sprintf("127.0.0.1:%d", in))

	const count = 20
	for i := 0; i < count; i++ {
		run(t, logger, "-n", "127.0.0.1", "-P", strconv.Itoa(in), "-T", "--rfc3164", "-t", "viarsyslog", "-p", "local3.info",
			fmt.Sprintf("relayed by rsyslog %02d", i))
	}
	docs := waitJSONLines(t, filepath.Join(n.dir, "events.jsonl"), 3*count, 30*time.Second)
	seen := map[string]int{}
	for _, d := range docs {
		// rsyslog's RFC 5424 template puts two spaces before MSG; the second
		// belongs to MSG (RFC 5424 6.4), and nomen keeps it.
		key := getStr(d, "nomen.input") + "/" + getStr(d, "nomen.format") + "/" + strings.TrimPrefix(getStr(d, "message"), " ")
		seen[key]++
		if getStr(d, "process.name") != "viarsyslog" || getStr(d, "log.syslog.facility.name") != "local3" {
			t.Errorf("fields lost on the way: %v", d)
		}
	}
	for i := 0; i < count; i++ {
		msg := fmt.Sprintf("relayed by rsyslog %02d", i)
		for _, road := range []string{"tcp/rfc3164/", "tcp/rfc5424/", "tls/rfc5424/"} {
			if seen[road+msg] != 1 {
				t.Errorf("%s%q arrived %d times, want once", road, msg, seen[road+msg])
			}
		}
	}
	if len(docs) != 3*count {
		t.Errorf("%d events, want %d\nrsyslog: %s", len(docs), 3*count, rs.Output())
	}
}

// loggenPath finds syslog-ng's loggen (unpacked by scripts/setup-peers.sh, or on PATH).
func loggenPath(t *testing.T) (string, []string) {
	peers := os.Getenv("BENCH_PEERS_DIR")
	if peers == "" {
		peers = filepath.Join(os.TempDir(), "syslog-bench-peers")
	}
	if p := filepath.Join(peers, "usr/bin/loggen"); fileExists(p) {
		return p, []string{"LD_LIBRARY_PATH=" + filepath.Join(peers, "usr/lib/syslog-ng"), "SYSLOGNG_PREFIX=" + filepath.Join(peers, "usr")}
	}
	if p, err := exec.LookPath("loggen"); err == nil {
		return p, nil
	}
	t.Skip("syslog-ng's loggen is not available: run scripts/setup-peers.sh")
	return "", nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestLoggen: syslog-ng's loggen over TCP (RFC 5424, octet counted; and
// RFC 3164, LF) and UDP; every message arrives once (UDP: or is counted as
// dropped).
func TestLoggen(t *testing.T) {
	if testing.Short() {
		t.Skip("slow end-to-end test")
	}
	loggen, env := loggenPath(t)
	n := startNomen(t, loggerConfig)
	const count = 20000
	for _, tc := range []struct {
		name, listener string
		args           []string
	}{
		{"tcp-5424-octet", "tcp", []string{"-S", "-P"}},
		{"tcp-3164-lf", "tcp", []string{"-S"}},
		{"udp-3164", "udp", []string{"-D", "-r", "20000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(n.dir, "events.jsonl")
			before := len(readJSONLines(t, out))
			args := append([]string{"-n", strconv.Itoa(count), "-s", "256", "-Q"}, tc.args...)
			if !strings.Contains(strings.Join(tc.args, " "), "-r") {
				args = append(args, "-r", "100000000")
			}
			args = append(args, "127.0.0.1", n.port(tc.listener))
			// UDP is best effort: a datagram the kernel could not queue is
			// not delivered, but it must be counted (DESIGN: never silent).
			dropped := func() int {
				return int(n.metric("nomen_dropped_events_total", `stage="listener"`))
			}
			droppedBefore := dropped()
			cmd := exec.Command(loggen, args...)
			cmd.Env = append(os.Environ(), env...)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("loggen: %v\n%s", err, b)
			}
			var docs []map[string]any
			drops := 0
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				docs = readJSONLines(t, out)[before:]
				if drops = dropped() - droppedBefore; len(docs)+drops >= count || time.Now().After(deadline) {
					break
				}
			}
			if tc.listener != "udp" && drops != 0 {
				t.Errorf("%d events dropped on a TCP listener", drops)
			}
			if drops > 0 {
				t.Logf("%d of %d datagrams dropped by the kernel, counted in nomen_dropped_events_total", drops, count)
			}
			re := regexp.MustCompile(`seq: (\d+)`)
			seqs := map[string]int{}
			for _, d := range docs {
				if m := re.FindStringSubmatch(getStr(d, "message")); m != nil {
					seqs[m[1]]++
				}
			}
			if len(docs) != len(seqs) || len(docs)+drops != count || len(docs) < count/2 {
				t.Errorf("%d events with %d distinct loggen sequence numbers and %d counted drops, want %d delivered once or counted",
					len(docs), len(seqs), drops, count)
			}
		})
	}
}
