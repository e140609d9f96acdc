package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/agent"
	"github.com/nomenhq/nomen/relay/agent/agenttest"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
	"github.com/prometheus/client_golang/prometheus"
)

// relay is an in-process agent listener over real mutual TLS, delivering
// into a recorder (the journal's stand-in).
type relay struct {
	t        testing.TB
	pki      *agenttest.PKI
	cfg      agent.Config
	rec      *agenttest.Recorder
	srv      *agent.Server
	addr     string
	caFile   string // the CA the agent verifies the relay with
	certDir  string
	shutdown sync.Once
}

func startRelay(t testing.TB, mod func(*agent.Config)) *relay {
	t.Helper()
	dir := t.TempDir()
	pki := agenttest.NewPKI(t, dir, "nomen-test")
	cert, key := pki.Server(t, "relay")
	r := &relay{t: t, pki: pki, rec: agenttest.NewRecorder(), caFile: pki.CAFile, certDir: dir,
		cfg: agent.Config{Name: "agents", Protocol: "agent", StateDir: filepath.Join(dir, "state"),
			TLS: &agent.TLSConfig{Cert: cert, Key: key, ClientCA: pki.CAFile}}}
	if mod != nil {
		mod(&r.cfg)
	}
	r.start("127.0.0.1:0")
	return r
}

// start serves on addr (the same address again after a restart).
func (r *relay) start(addr string) {
	r.t.Helper()
	srv, err := agent.NewServer(r.cfg, r.rec.Deliver, nil, prometheus.NewRegistry())
	if err != nil {
		r.t.Fatal(err)
	}
	var ln net.Listener
	for i := 0; ; i++ { // the old socket may take a moment to let go of a fixed port
		if ln, err = net.Listen("tcp", addr); err == nil || i == 50 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.srv, r.addr = srv, ln.Addr().String()
	r.shutdown = sync.Once{}
	go srv.Serve(ln)
	r.t.Cleanup(r.stop)
}

func (r *relay) stop() {
	r.shutdown.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.srv.Shutdown(ctx)
	})
}

// replay runs "nomen-agent replay" with a certificate for cn and the
// given extra arguments; it returns the exit code and stderr.
func (r *relay) replay(cn string, args ...string) (int, string) {
	cert, key := r.pki.Client(r.t, cn)
	all := append([]string{"-relay", r.addr, "-cert", cert, "-key", key, "-ca", r.caFile}, args...)
	var stderr bytes.Buffer
	code := dispatch(append([]string{"replay"}, all...), &bytes.Buffer{}, &stderr)
	return code, stderr.String()
}

var testFiles = []string{
	"../../testdata/agent/wevtutil-rendered/input.xml",
	"../../testdata/agent/eventviewer-utf16/input.xml",
	"../../testdata/agent/nxlog-json/input.jsonl",
	"../../testdata/agent/evtx-dump-jsonl/input.jsonl",
	"../../testdata/agent/evtx-dump-text/input.txt",
}

func TestReplayDeliversEveryEventOnce(t *testing.T) {
	r := startRelay(t, nil)
	var want []fileRecord
	for _, f := range testFiles {
		recs, err := readRecordFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, recs...)
	}
	state := filepath.Join(t.TempDir(), "agent-state.json")
	code, out := r.replay("ws01.corp.example", append([]string{"-state", state, "-host", "WS01"}, testFiles...)...)
	if code != 0 {
		t.Fatalf("replay exit %d:\n%s", code, out)
	}
	got := r.rec.Events()
	if len(got) != len(want) {
		t.Fatalf("%d events delivered, want %d\n%s", len(got), len(want), out)
	}
	byKey := map[string]*event.Event{}
	for _, e := range got {
		k := e.Str("winlog.channel") + "/" + e.Str("winlog.record_id")
		if byKey[k] != nil {
			t.Fatalf("record %s delivered twice", k)
		}
		byKey[k] = e
	}
	for _, w := range want {
		e := byKey[fmt.Sprintf("%s/%d", w.channel, w.seq)]
		if e == nil {
			t.Fatalf("record %s/%d not delivered", w.channel, w.seq)
		}
		if e.Original != string(w.data) {
			t.Fatalf("record %d: Original differs from the file", w.seq)
		}
		if e.Str("agent.id") != "ws01.corp.example" || e.Hostname != "WS01" || e.Format != "agent" {
			t.Fatalf("record %d: agent.id %q host %q", w.seq, e.Str("agent.id"), e.Hostname)
		}
		if tm, ok := wire.RecordTime(e.Original); ok && !e.Time.Equal(tm) {
			t.Fatalf("record %d: time %v, want %v", w.seq, e.Time, tm)
		}
	}
	if e := byKey["Security/48215"]; e == nil || !strings.HasPrefix(e.Message, "An account failed to log on.") {
		t.Fatalf("4625 message not carried: %+v", e)
	}

	// The same files again: the relay already holds every record.
	code, out = r.replay("ws01.corp.example", append([]string{"-state", state, "-host", "WS01"}, testFiles...)...)
	if code != 0 || r.rec.Count() != len(want) {
		t.Fatalf("second replay: exit %d, %d events (want still %d)\n%s", code, r.rec.Count(), len(want), out)
	}
	st, err := loadState(state)
	if err != nil {
		t.Fatal(err)
	}
	if s := st.stream("Security"); s.Acked == 0 {
		t.Fatalf("state file has no acknowledged position: %+v", st.streams)
	}
}

// synthetic writes a file of n Security records (ids 1..n) and returns
// its path.
func synthetic(t testing.TB, n int) string {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		b.Write(agenttest.Record1K(uint64(i)))
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "security.xml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The relay goes away in the middle of a replay (its deliveries cut off,
// no drain) and comes back on the same state: the agent reconnects,
// resumes from the relay's position, and every record ends up delivered
// exactly once.
func TestReplaySurvivesRelayRestart(t *testing.T) {
	r := startRelay(t, nil)
	const n = 6000
	file := synthetic(t, n)
	r.rec.SetDelay(20 * time.Millisecond) // slow journal: the agent is mid-stream when the relay dies
	done := make(chan struct{})
	var code int
	var out string
	go func() {
		defer close(done)
		code, out = r.replay("ws01", "-batch-events", "200", file)
	}()
	for r.rec.Count() < n/4 {
		time.Sleep(5 * time.Millisecond)
	}
	// Kill: a shutdown whose deadline has already passed cancels deliveries
	// in progress and drops connections.
	addr := r.addr
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.shutdown.Do(func() { r.srv.Shutdown(ctx) })
	killedAt := r.rec.Count()
	time.Sleep(300 * time.Millisecond) // the agent sees the relay gone and backs off
	r.rec.SetDelay(0)
	r.start(addr)
	<-done
	if code != 0 {
		t.Fatalf("replay exit %d:\n%s", code, out)
	}
	if killedAt >= n {
		t.Fatalf("the relay was killed after the replay finished (%d events)", killedAt)
	}
	seen := map[int64]int{}
	for _, e := range r.rec.Events() {
		v, _ := e.Field("winlog.record_id")
		seen[v.Num]++
	}
	for i := int64(1); i <= n; i++ {
		if seen[i] != 1 {
			t.Fatalf("record %d delivered %d times (killed at %d events)", i, seen[i], killedAt)
		}
	}
	if !strings.Contains(out, "reconnecting") {
		t.Errorf("the agent did not report a reconnect:\n%s", out)
	}
}

func TestReplayRefusedCertificates(t *testing.T) {
	r := startRelay(t, nil)
	file := synthetic(t, 10)

	// A client certificate from another CA: the relay refuses it at the
	// TLS handshake, and a replay gives up (retrying cannot help).
	rogue := agenttest.NewPKI(t, t.TempDir(), "rogue")
	cert, key := rogue.Client(t, "ws01")
	var stderr bytes.Buffer
	code := dispatch([]string{"replay", "-relay", r.addr, "-cert", cert, "-key", key, "-ca", r.caFile, file}, &bytes.Buffer{}, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "certificate") {
		t.Fatalf("foreign client certificate: exit %d\n%s", code, stderr.String())
	}
	// The relay's certificate checked against the wrong CA: refused by the agent.
	good, goodKey := r.pki.Client(t, "ws01")
	stderr.Reset()
	code = dispatch([]string{"replay", "-relay", r.addr, "-cert", good, "-key", goodKey, "-ca", rogue.CAFile, file}, &bytes.Buffer{}, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "certificate") {
		t.Fatalf("relay certificate from an unknown CA: exit %d\n%s", code, stderr.String())
	}
	if r.rec.Count() != 0 {
		t.Fatal("events delivered over a refused connection")
	}
}

// A record larger than the relay's max_record cannot be sent: the agent
// declares it lost (GAP), and the relay raises an alert instead of the
// agent silently dropping it.
func TestOversizedRecordBecomesGap(t *testing.T) {
	r := startRelay(t, func(c *agent.Config) { c.MaxRecord = 2048 })
	var b bytes.Buffer
	b.Write(agenttest.Record1K(1))
	big := strings.Replace(string(agenttest.Record1K(2)), "cmd.exe /c whoami", strings.Repeat("A", 3000), 1)
	b.WriteString(big)
	b.Write(agenttest.Record1K(3))
	path := filepath.Join(t.TempDir(), "big.xml")
	os.WriteFile(path, b.Bytes(), 0o644)
	code, out := r.replay("ws01", path)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	evs := r.rec.Events()
	if len(evs) != 3 {
		t.Fatalf("%d events", len(evs))
	}
	var alert *event.Event
	for _, e := range evs {
		if e.Kind() == "alert" {
			alert = e
		}
	}
	if alert == nil || alert.Str("nomen.gap.first_missing") != "2" || alert.Str("nomen.gap.reason") != "unreadable" {
		t.Fatalf("no alert for the oversized record: %+v", alert)
	}
}

func TestReplayBatching(t *testing.T) {
	r := startRelay(t, nil)
	file := synthetic(t, 95)
	code, out := r.replay("ws01", "-batch-events", "10", "-v", file)
	if code != 0 || r.rec.Count() != 95 {
		t.Fatalf("exit %d, %d events\n%s", code, r.rec.Count(), out)
	}
	// Deliver is called once per batch: 10 batches of at most 10 records.
	if calls := r.rec.Calls(); calls != 10 {
		t.Fatalf("%d batches for 95 records of at most 10", calls)
	}
}

func TestReplayPlaintext(t *testing.T) {
	r := startRelay(t, func(c *agent.Config) { c.TLS = nil; c.PlaintextForTesting = true })
	file := synthetic(t, 5)
	var stderr bytes.Buffer
	code := dispatch([]string{"replay", "-relay", r.addr, "-plaintext-for-testing", "-host", "lab1", file}, &bytes.Buffer{}, &stderr)
	if code != 0 || r.rec.Count() != 5 {
		t.Fatalf("exit %d, %d events\n%s", code, r.rec.Count(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "PLAINTEXT") {
		t.Fatal("no warning about plaintext")
	}
	// Without the switch, a relay that speaks plaintext is not an option.
	code = dispatch([]string{"replay", "-relay", r.addr, file}, &bytes.Buffer{}, &stderr)
	if code != 2 {
		t.Fatalf("exit %d without certificates", code)
	}
}

// idleSource is a log with nothing new: it blocks until the session ends.
type idleSource struct{}

func (idleSource) Channel() string { return "Security" }
func (idleSource) Epoch() uint64   { return 1 }
func (idleSource) Run(ctx context.Context, _, _ uint64, _ chan<- Item) error {
	<-ctx.Done()
	return ctx.Err()
}

// An agent with nothing to send keeps its session alive with PINGs, well
// past the relay's idle timeout.
func TestIdleAgentKeptAlive(t *testing.T) {
	r := startRelay(t, func(c *agent.Config) {
		c.AckKeepalive = config.Duration(100 * time.Millisecond)
		c.IdleTimeout = config.Duration(400 * time.Millisecond)
	})
	cert, key := r.pki.Client(t, "ws01")
	tlsCfg, id, err := clientTLS(cert, key, r.caFile, "", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	var mu sync.Mutex
	a := newAgent(Options{Relay: r.addr, TLS: tlsCfg, AgentID: id, Host: "WS01", Log: newLogger(&lockedWriter{w: &logs, mu: &mu}, true)},
		&agentState{}, idleSource{})
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	a.Run(ctx)
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(logs.String(), "connected to relay"); n != 1 {
		t.Fatalf("%d sessions in 1.5s with idle_timeout 400ms:\n%s", n, logs.String())
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
