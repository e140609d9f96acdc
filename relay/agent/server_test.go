package agent

import (
	"encoding/binary"
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/agent/agenttest"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
)

func TestDeliverAndAck(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dial(f.pki, "ws01.corp.example")
	w := c.hello("ws01.corp.example", wire.StreamPos{Channel: "Security", Epoch: 7})
	if w.Limits.MaxFrame != DefaultMaxFrame || w.Limits.MaxRecord != DefaultMaxRecord || len(w.Streams) != 1 || w.Streams[0].Seq != 0 {
		t.Fatalf("WELCOME %+v", w)
	}
	c.mustSend(batch(7, 1, 100))
	c.mustSend(batch(7, 101, 250))
	if a := c.waitAck("Security", 7, 250); a.Seq != 250 {
		t.Fatalf("ACK %d", a.Seq)
	}
	evs := f.rec.Events()
	if len(evs) != 250 {
		t.Fatalf("%d events delivered, want 250", len(evs))
	}
	for i, e := range evs {
		id := uint64(i + 1)
		if e.Original != string(record(id)) {
			t.Fatalf("event %d: Original %q", i, e.Original)
		}
		if e.Format != "agent" || e.Input != "agents" || e.Hostname != "WS01" || !strings.HasPrefix(e.Peer, "127.0.0.1:") || e.Pri != event.NoPri {
			t.Fatalf("event %d: %+v", i, e)
		}
		if want := "An account was successfully logged on. #" + strconv.FormatUint(id, 10); e.Message != want {
			t.Fatalf("event %d: Message %q", i, e.Message)
		}
		if want := time.Date(2026, 11, 22, 10, 15, int(id%60), 123456700, time.UTC); !e.Time.Equal(want) {
			t.Fatalf("event %d: Time %v, want %v", i, e.Time, want)
		}
		checkField(t, e, "agent.id", event.String("ws01.corp.example"))
		checkField(t, e, "agent.type", event.String("nomen-agent"))
		checkField(t, e, "winlog.channel", event.String("Security"))
		checkField(t, e, "winlog.record_id", event.Int(int64(id)))
		checkField(t, e, "nomen.agent.epoch", event.Int(7))
	}
	if f.metric(f.srv.m.Batches) != 2 || f.metric(f.srv.m.Events) != 250 || f.metric(f.srv.m.Connections) != 1 {
		t.Errorf("metrics: batches %v events %v connections %v", f.metric(f.srv.m.Batches), f.metric(f.srv.m.Events), f.metric(f.srv.m.Connections))
	}
	// BYE: the relay answers BYE and closes.
	c.mustSend((&wire.Bye{}).AppendFrame(nil))
	fr, err := c.next()
	if err != nil || fr.Type != wire.TypeBye {
		t.Fatalf("after BYE: %v %v", fr.Type, err)
	}
	if _, err := c.next(); err == nil {
		t.Fatal("connection open after BYE")
	}
}

func checkField(t *testing.T, e *event.Event, key string, want event.Value) {
	t.Helper()
	v, ok := e.Field(key)
	if !ok || v.Type != want.Type || v.Str != want.Str || v.Num != want.Num {
		t.Fatalf("%s = %+v (set %v), want %+v", key, v, ok, want)
	}
}

func TestForeignCARefusedAtHandshake(t *testing.T) {
	f := newFixture(t, nil)
	good := f.startGoodAgent("good01")
	other := agenttest.NewPKI(t, t.TempDir(), "rogue")
	cert, key := other.Client(t, "ws01")
	conn, err := dialTLS(f.addr, f.pki.CAFile, cert, key)
	if err == nil {
		// TLS 1.3: the client finishes its side before the server has
		// checked the client certificate; the refusal arrives on first use.
		conn.Write((&wire.Hello{AgentID: "ws01"}).AppendFrame(nil))
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Read(make([]byte, 1))
		conn.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("foreign CA: got %v, want a TLS certificate error", err)
	}
	if n := good.stop(); n == 0 {
		t.Fatal("the good agent delivered nothing")
	}
	if f.protocolErrors("tls") != 1 {
		t.Fatalf("tls errors = %v", f.protocolErrors("tls"))
	}
	for _, e := range f.rec.Events() {
		if e.Str("agent.id") != "good01" {
			t.Fatalf("event from %q delivered", e.Str("agent.id"))
		}
	}
}

// Each misbehaving agent is refused with an ERROR and disconnected, while a
// well-behaved agent on the same relay keeps delivering.
func TestViolationsRefused(t *testing.T) {
	f := newFixture(t, nil)
	good := f.startGoodAgent("good01")

	corrupt := func(frame []byte, patch func(body []byte)) []byte {
		patch(frame[wire.HeaderSize:])
		return frame
	}
	oRaw := wire.BatchOverhead("Security") - 8
	oCRC := wire.BatchOverhead("Security") - 4
	cases := []struct {
		name   string
		cn, id string
		frame  func() []byte
		code   wire.Code
		reason string
	}{
		{"hello id differs from certificate", "ws02", "dc01", nil, wire.CodeIdentity, "identity"},
		{"oversized frame", "ws03", "ws03", func() []byte {
			h := []byte{'N', 'A', 1, byte(wire.TypeBatch), 0, 1, 0, 0, 0, 0}
			binary.BigEndian.PutUint32(h[6:], DefaultMaxFrame+1)
			return h // the body never follows: the header alone is refused
		}, wire.CodeFrameSize, "frame_size"},
		{"lz4 block claiming 4 GiB", "ws04", "ws04", func() []byte {
			return corrupt(batch(1, 1, 10), func(b []byte) { binary.BigEndian.PutUint32(b[oRaw:], math.MaxUint32) })
		}, wire.CodeLimit, "limit"},
		{"corrupt checksum", "ws05", "ws05", func() []byte {
			return corrupt(batch(1, 1, 10), func(b []byte) { b[oCRC] ^= 0x5a })
		}, wire.CodeChecksum, "checksum"},
		{"frame before HELLO", "ws06", "", func() []byte { return batch(1, 1, 2) }, wire.CodeMalformed, "malformed"},
		{"relay frame from agent", "ws07", "ws07", func() []byte { return (&wire.Ack{Channel: "S", Epoch: 1, Seq: 1}).AppendFrame(nil) }, wire.CodeMalformed, "malformed"},
		{"bad magic", "ws08", "ws08", func() []byte { return []byte("GET / HTTP/1.1\r\n\r\n") }, wire.CodeMalformed, "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.protocolErrors(tc.reason)
			c := f.dial(f.pki, tc.cn)
			if tc.id != "" {
				c.mustSend((&wire.Hello{AgentID: tc.id, Host: "h"}).AppendFrame(nil))
				if tc.code != wire.CodeIdentity {
					fr, err := c.next()
					if err != nil || fr.Type != wire.TypeWelcome {
						t.Fatalf("no WELCOME: %v %v", fr.Type, err)
					}
				}
			}
			if tc.frame != nil {
				c.mustSend(tc.frame())
			}
			msg := c.expectError(tc.code)
			t.Logf("refused: %s", msg)
			if got := f.protocolErrors(tc.reason); got != before+1 {
				t.Fatalf("protocol_errors{%s} = %v, want %v", tc.reason, got, before+1)
			}
		})
	}
	if n := good.stop(); n < 10 {
		t.Fatalf("the good agent got %d records acknowledged", n)
	}
	for _, e := range f.rec.Events() {
		if id := e.Str("agent.id"); id != "good01" {
			t.Fatalf("event from misbehaving agent %q delivered", id)
		}
	}
}

func TestDuplicateResendDropped(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 3})
	c.mustSend(batch(3, 1, 10))
	c.waitAck("Security", 3, 10)
	c.conn.Close() // as if the ACK had been lost: the agent reconnects

	c = f.dial(f.pki, "ws01")
	w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 3, Seq: 0})
	if w.Streams[0].Seq != 10 {
		t.Fatalf("resume point %d, want 10", w.Streams[0].Seq)
	}
	c.mustSend(batch(3, 1, 10)) // whole batch already held
	c.waitAck("Security", 3, 10)
	c.mustSend(batch(3, 6, 15)) // overlaps
	c.waitAck("Security", 3, 15)
	evs := f.rec.Events()
	if len(evs) != 15 {
		t.Fatalf("%d events, want 15", len(evs))
	}
	for i, e := range evs {
		checkField(t, e, "winlog.record_id", event.Int(int64(i+1)))
	}
	if d := f.metric(f.srv.m.Duplicates); d != 15 {
		t.Fatalf("duplicates = %v, want 15", d)
	}
}

func TestResumeAfterRestart(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 3}, wire.StreamPos{Channel: "System", Epoch: 1})
	c.mustSend(batch(3, 1, 42))
	c.waitAck("Security", 3, 42)
	f.stop()
	if _, err := os.Stat(filepath.Join(f.cfg.StateDir, "agents", "ws01.json")); err != nil {
		t.Fatalf("cursor file: %v", err)
	}

	f.start() // a new server on the same state_dir
	c = f.dial(f.pki, "ws01")
	w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 3, Seq: 40}, wire.StreamPos{Channel: "Security", Epoch: 4},
		wire.StreamPos{Channel: "System", Epoch: 1})
	want := []uint64{42, 0, 0}
	for i, s := range w.Streams {
		if s.Seq != want[i] {
			t.Fatalf("stream %d resume %d, want %d", i, s.Seq, want[i])
		}
	}
	c.mustSend(batch(3, 43, 50))
	c.waitAck("Security", 3, 50)
	if n := f.rec.Count(); n != 50 {
		t.Fatalf("%d events, want 50", n)
	}
}

func TestSupersedingSession(t *testing.T) {
	f := newFixture(t, nil)
	old := f.dial(f.pki, "ws01")
	old.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	old.mustSend(batch(1, 1, 5))
	old.waitAck("Security", 1, 5)

	c := f.dial(f.pki, "ws01")
	w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	if w.Streams[0].Seq != 5 {
		t.Fatalf("resume %d", w.Streams[0].Seq)
	}
	old.expectError(wire.CodeSuperseded)
	c.mustSend(batch(1, 6, 9))
	c.waitAck("Security", 1, 9)
	if f.rec.Count() != 9 || f.metric(f.srv.m.Superseded) != 1 {
		t.Fatalf("count %d superseded %v", f.rec.Count(), f.metric(f.srv.m.Superseded))
	}
}

// A new session waits for the old one's delivery in progress before it
// computes resume points: the batch the old session was storing is not
// sent (and stored) twice.
func TestSupersedeWaitsForDelivery(t *testing.T) {
	f := newFixture(t, nil)
	old := f.dial(f.pki, "ws01")
	old.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	f.rec.SetDelay(500 * time.Millisecond)
	old.mustSend(batch(1, 1, 5))
	waitDelivering(t, f.rec)

	c := f.dial(f.pki, "ws01")
	w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	if w.Streams[0].Seq != 5 {
		t.Fatalf("resume %d, want 5 (the old session's batch)", w.Streams[0].Seq)
	}
}

func TestGapBecomesAlert(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 2})
	c.mustSend(batch(2, 1, 10))
	when := time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC)
	c.mustSend((&wire.Gap{Channel: "Security", Epoch: 2, Reason: wire.GapOverwritten, First: 11, Last: 36,
		UnixNano: when.UnixNano(), Detail: "oldest record is 37"}).AppendFrame(nil))
	c.waitAck("Security", 2, 36)
	// The same GAP again (say, after a reconnect) raises nothing new.
	c.mustSend((&wire.Gap{Channel: "Security", Epoch: 2, Reason: wire.GapOverwritten, First: 11, Last: 36}).AppendFrame(nil))
	c.waitAck("Security", 2, 36)
	c.mustSend(batch(2, 37, 40))
	c.waitAck("Security", 2, 40)
	// The log is cleared and recreated: the rest of epoch 2 is gone.
	c.mustSend((&wire.Gap{Channel: "Security", Epoch: 2, Reason: wire.GapCleared, First: 41, Last: wire.EndOfEpoch}).AppendFrame(nil))
	if a := c.waitAck("Security", 2, wire.EndOfEpoch); a.Seq != wire.EndOfEpoch {
		t.Fatal("stream not closed")
	}
	c.mustSend(batch(2, 41, 42)) // nothing more is accepted for epoch 2
	c.waitAck("Security", 2, wire.EndOfEpoch)

	var alerts []*event.Event
	for _, e := range f.rec.Events() {
		if e.Kind() == "alert" {
			alerts = append(alerts, e)
		}
	}
	if len(alerts) != 2 || f.rec.Count() != 16 {
		t.Fatalf("%d alerts, %d events", len(alerts), f.rec.Count())
	}
	g := alerts[0]
	checkField(t, g, "event.action", event.String("agent-declared-gap"))
	checkField(t, g, "rule.name", event.String("agent-declared-gap"))
	checkField(t, g, "agent.id", event.String("ws01"))
	checkField(t, g, "winlog.channel", event.String("Security"))
	checkField(t, g, "nomen.gap.first_missing", event.Int(11))
	checkField(t, g, "nomen.gap.last_missing", event.Int(36))
	checkField(t, g, "nomen.gap.count", event.Int(26))
	checkField(t, g, "nomen.gap.reason", event.String("overwritten"))
	checkField(t, g, "event.reason", event.String("oldest record is 37"))
	if !g.Time.Equal(when) || g.Hostname != "WS01" || !strings.Contains(g.Message, "26 records (11-36)") || !strings.HasPrefix(g.Original, "GAP ") {
		t.Fatalf("alert %+v", g)
	}
	cl := alerts[1]
	checkField(t, cl, "event.action", event.String("audit-log-cleared"))
	checkField(t, cl, "nomen.gap.until_end_of_epoch", event.Bool(true))
	if cl.Has("nomen.gap.count") {
		t.Fatal("count of an open-ended gap")
	}
	if f.metric(f.srv.m.Gaps.WithLabelValues("overwritten")) != 1 || f.metric(f.srv.m.Gaps.WithLabelValues("cleared")) != 1 {
		t.Fatal("gap metrics")
	}
}

func TestSlowDeliverKeepalive(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.AckKeepalive = durationCfg(100 * time.Millisecond) })
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, 1, 5))
	c.waitAck("Security", 1, 5)
	f.rec.SetDelay(700 * time.Millisecond)
	c.mustSend(batch(1, 6, 10))
	keepalives := 0
	for {
		fr, err := c.next()
		if err != nil {
			t.Fatal(err)
		}
		if fr.Type != wire.TypeAck {
			t.Fatalf("got %v", fr.Type)
		}
		var a wire.Ack
		a.Decode(fr.Body)
		if a.Seq == 10 {
			break
		}
		if a.Seq != 5 {
			t.Fatalf("keepalive ACK %d, want a repeat of 5", a.Seq)
		}
		keepalives++
	}
	if keepalives < 3 {
		t.Fatalf("%d keepalive ACKs during a 700ms delivery with ack_keepalive 100ms", keepalives)
	}
}

func TestDeliverFailureNotAcked(t *testing.T) {
	f := newFixture(t, nil)
	f.rec.SetFail(func(call int) error {
		if call == 1 {
			return errors.New("journal: disk full")
		}
		return nil
	})
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, 1, 5))
	c.expectError(wire.CodeUnavailable)
	wantSentAgain(t, f)
}

func TestShutdownDrains(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	f.rec.SetDelay(300 * time.Millisecond)
	c.mustSend(batch(1, 1, 5))
	waitDelivering(t, f.rec)
	done := make(chan struct{})
	go func() {
		f.stop()
		close(done)
	}()
	c.waitAck("Security", 1, 5)
	fr, err := c.next()
	if err != nil || fr.Type != wire.TypeBye {
		t.Fatalf("after the last ACK: %v %v, want BYE", fr.Type, err)
	}
	<-done
	if _, err := net.DialTimeout("tcp", f.addr, time.Second); err == nil {
		t.Fatal("still accepting after Shutdown")
	}
}

func TestPlaintextForTesting(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.TLS = nil; c.PlaintextForTesting = true })
	conn, err := net.Dial("tcp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, conn)
	c.hello("lab-01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, 1, 3))
	c.waitAck("Security", 1, 3)
	checkField(t, f.rec.Events()[0], "agent.id", event.String("lab-01"))
}

func TestAllowedNetworks(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.AllowedNetworks = []string{"10.0.0.0/8"} })
	conn, err := net.Dial("tcp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection from a network not allowed was served")
	}
	if f.protocolErrors("not_allowed") != 1 {
		t.Fatal("not counted")
	}
}

func TestSilentAgentTimesOut(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.AckKeepalive = durationCfg(100 * time.Millisecond)
		c.IdleTimeout = durationCfg(300 * time.Millisecond)
	})
	c := f.dial(f.pki, "ws01")
	c.hello("ws01")
	c.expectError(wire.CodeTimeout)
	if f.protocolErrors("timeout") != 1 {
		t.Fatal("timeout not counted")
	}
}

func TestPingPong(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dial(f.pki, "ws01")
	c.hello("ws01")
	c.mustSend((&wire.Ping{Token: 99}).AppendFrame(nil, false))
	fr, err := c.next()
	var p wire.Ping
	if err != nil || fr.Type != wire.TypePong || p.Decode(fr.Body) != nil || p.Token != 99 {
		t.Fatalf("%v %v %d", fr.Type, err, p.Token)
	}
}

// waitDelivering waits until a delivery has started.
func waitDelivering(t *testing.T, rec *agenttest.Recorder) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for rec.Calls() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no delivery started")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
