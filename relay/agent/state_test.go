package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
)

// agentEvent is what the journal would hand back for a delivered record.
func agentEvent(id uint64, agent, channel string, epoch, seq int64) *event.Event {
	e := event.New(time.Now())
	e.ID = id
	e.Format = "agent"
	e.SetStr("agent.id", agent)
	e.SetStr("agent.type", AgentType)
	e.SetStr("winlog.channel", channel)
	e.SetInt("winlog.record_id", seq)
	e.SetInt("nomen.agent.epoch", epoch)
	return e
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(to, 0o755)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(to, e.Name()), data, 0o644)
	}
}

// A crash after journaling but before the cursor file is written: the
// journal replay from RecoverFrom through Observe brings the cursor to
// where the journal is, so the agent's resend is recognised as duplicate.
func TestRecoverFromJournal(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenState(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := streamKey{"Security", 5}
	deliver := func(firstID, firstSeq uint64, n int) []*event.Event {
		tok := st.begin()
		var evs []*event.Event
		for i := range n {
			evs = append(evs, agentEvent(firstID+uint64(i), "ws01", "Security", 5, int64(firstSeq)+int64(i)))
		}
		st.finish(tok, "ws01", k, firstSeq+uint64(n)-1, evs)
		return evs
	}
	deliver(1, 1, 10) // journal IDs 1..10, records 1..10
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(t.TempDir(), "crashed")
	copyDir(t, filepath.Join(dir, "agents"), filepath.Join(crashed, "agents")) // the disk as it was at the crash below
	later := deliver(11, 11, 10)
	st.Close()

	st2, err := OpenState(crashed, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if got := st2.durable("ws01", k); got != 10 {
		t.Fatalf("cursor after crash %d, want 10", got)
	}
	if from := st2.RecoverFrom(); from != 10 {
		t.Fatalf("RecoverFrom %d, want 10", from)
	}
	for _, e := range later {
		st2.Observe(e)
	}
	st2.Observe(event.New(time.Now())) // not from an agent: ignored
	if got := st2.durable("ws01", k); got != 20 {
		t.Fatalf("cursor after replay %d, want 20", got)
	}
}

// The checkpoint never passes a delivery still in progress: its events
// get journal IDs above the mark taken when it started.
func TestCheckpointWaitsForInflight(t *testing.T) {
	dir := t.TempDir()
	st, err := OpenState(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := streamKey{"Security", 1}
	tok1 := st.begin()
	st.finish(tok1, "ws01", a, 3, []*event.Event{agentEvent(100, "ws01", "Security", 1, 3)})
	slow := st.begin() // starts at maxID 100
	tok3 := st.begin()
	st.finish(tok3, "ws02", a, 7, []*event.Event{agentEvent(250, "ws02", "Security", 1, 7)})
	st.Flush()
	if cp := st.RecoverFrom(); cp != 100 {
		t.Fatalf("checkpoint %d with a delivery in flight since 100, want 100", cp)
	}
	st.finish(slow, "ws03", a, 9, []*event.Event{agentEvent(200, "ws03", "Security", 1, 9)})
	st.Flush()
	if cp := st.RecoverFrom(); cp != 250 {
		t.Fatalf("checkpoint %d, want 250", cp)
	}
}

func TestObserveGapEvents(t *testing.T) {
	st, _ := OpenState("", nil)
	defer st.Close()
	s := &session{srv: &Server{cfg: Config{Name: "agents"}}, agent: "ws01", host: "WS01"}
	g := s.gapEvent(&wire.Gap{Channel: "Security", Epoch: 2, Reason: wire.GapOverwritten, First: 5, Last: 9}, 5, time.Now())
	st.Observe(g)
	if got := st.durable("ws01", streamKey{"Security", 2}); got != 9 {
		t.Fatalf("after gap event: %d", got)
	}
	g = s.gapEvent(&wire.Gap{Channel: "Security", Epoch: 2, Reason: wire.GapCleared, First: 10, Last: wire.EndOfEpoch}, 10, time.Now())
	st.Observe(g)
	if got := st.durable("ws01", streamKey{"Security", 2}); got != wire.EndOfEpoch {
		t.Fatalf("after open-ended gap event: %d", got)
	}
}

func TestOldEpochsPruned(t *testing.T) {
	st, _ := OpenState("", nil)
	defer st.Close()
	now := time.Now()
	st.mu.Lock()
	for e := uint64(1); e <= 20; e++ {
		st.advanceLocked("ws01", streamKey{"Security", e}, 5, now.Add(time.Duration(e)*time.Minute))
	}
	st.advanceLocked("ws01", streamKey{"System", 1}, 5, now)
	n := len(st.agents["ws01"].streams)
	_, newest := st.agents["ws01"].streams[streamKey{"Security", 20}]
	_, oldest := st.agents["ws01"].streams[streamKey{"Security", 1}]
	st.mu.Unlock()
	if n != maxEpochsPerChannel+1 || !newest || oldest {
		t.Fatalf("%d streams kept (newest %v, oldest %v)", n, newest, oldest)
	}
}

func TestCursorFileName(t *testing.T) {
	for id, want := range map[string]string{
		"ws01.corp.example": "ws01.corp.example.json",
		"../etc/passwd":     "%2E.%2Fetc%2Fpasswd.json",
		"CN with space":     "CN%20with%20space.json",
		".hidden":           "%2Ehidden.json",
	} {
		if got := cursorFileName(id); got != want {
			t.Errorf("%q -> %q, want %q", id, got, want)
		}
	}
}

func TestUnreadableCursorFileIgnored(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "agents"), 0o755)
	os.WriteFile(filepath.Join(dir, "agents", "ws01.json"), []byte("{not json"), 0o644)
	st, err := OpenState(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, nil) // for certificate files
	cfg := f.cfg
	toml := `
name = "agents"
protocol = "agent"
address = "0.0.0.0:6515"
max_frame = "8MiB"
max_batch_records = 5000
max_record = "128KiB"
ack_keepalive = "2s"
tls = { cert = "` + cfg.TLS.Cert + `", key = "` + cfg.TLS.Key + `", client_ca = "` + cfg.TLS.ClientCA + `" }
`
	var c Config
	if err := config.Decode("nomen.toml", []byte(toml), &c, nil); err != nil {
		t.Fatal(err)
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.MaxFrame != 8<<20 || c.MaxBatchRecords != 5000 || c.MaxRecord != 128<<10 || c.AckKeepalive.D() != 2*time.Second ||
		c.MaxBatchBytes != DefaultMaxBatchBytes || c.IdleTimeout != DefaultIdleTimeout {
		t.Fatalf("%+v", c)
	}
	if err := config.Decode("nomen.toml", []byte(toml+"max_frames = 1\n"), &Config{}, nil); err == nil || !strings.Contains(err.Error(), "max_frames") {
		t.Fatalf("unknown key: %v", err)
	}

	bad := []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) { c.TLS = nil }, "mutual TLS is mandatory"},
		{func(c *Config) { c.TLS.ClientCA = "" }, "client_ca"},
		{func(c *Config) { c.TLS.ClientCA = filepath.Join(dir, "missing.crt") }, "client_ca"},
		{func(c *Config) { c.PlaintextForTesting = true }, "exclude each other"},
		{func(c *Config) { c.MaxFrame = 1000 }, "max_frame"},
		{func(c *Config) { c.MaxRecord = 8 << 20 }, "max_record"},
		{func(c *Config) { c.MaxRatio = 1000 }, "max_ratio"},
		{func(c *Config) { c.IdleTimeout = c.AckKeepalive }, "idle_timeout"},
		{func(c *Config) { c.Address = "nowhere" }, "address"},
		{func(c *Config) { c.AllowedNetworks = []string{"10.0.0.0/33"} }, "allowed_networks"},
	}
	for _, b := range bad {
		c2 := c
		tlsCopy := *c.TLS
		c2.TLS = &tlsCopy
		b.mod(&c2)
		if err := c2.Validate(); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("want error about %s, got %v", b.want, err)
		}
	}
}
