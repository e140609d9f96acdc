package agent

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/relay/wire"
)

// TestDeliverPanicIsAFailedDelivery: a delivery that panics (a bug in
// normalization or the pipeline) is a failed delivery: the batch is not
// acknowledged, the session ends with ERROR unavailable, the panic is
// counted and logged with its stack, and the agent's resend is delivered
// by the same server.
func TestDeliverPanicIsAFailedDelivery(t *testing.T) {
	f := newFixture(t, nil)
	logged := f.startLogging()
	f.rec.SetFail(func(call int) error {
		if call == 1 {
			panic("normalize: index out of range [3] with length 3")
		}
		return nil
	})
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, 1, 5))
	c.expectError(wire.CodeUnavailable)
	wantPanic(t, f, PanicDeliver, logged, "delivering a batch panicked")
	wantSentAgain(t, f)
}

// TestReadPanicEndsTheSession: a panic while reading an agent's frames
// (a bug that some frame found) ends that session, not the relay: counted
// and logged with its stack; the batch it was reading is not acknowledged,
// and the agent's next session delivers it.
func TestReadPanicEndsTheSession(t *testing.T) {
	f := newFixture(t, nil)
	logged := f.startLogging()
	var frames atomic.Int32
	f.srv.onFrame = func(wire.Frame) {
		if frames.Add(1) == 1 {
			panic("wire: slice bounds out of range [:9] with capacity 4")
		}
	}
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, 1, 5))
	if _, err := c.next(); err == nil {
		t.Fatal("the session goes on after the panic")
	}
	wantPanic(t, f, PanicRead, logged, "reading the agent's frames panicked")
	wantSentAgain(t, f)
}

// wantPanic checks that one panic of step was counted and logged, with
// msg and the stack (this file is on it).
func wantPanic(t *testing.T, f *fixture, step string, logged *syncbuf.Buffer, msg string) {
	t.Helper()
	if v := f.metric(f.m.Panics.WithLabelValues(step)); v != 1 {
		t.Errorf("nomen_agent_panics_total{step=%s} = %v, want 1", step, v)
	}
	if out := logged.String(); !strings.Contains(out, msg) || !strings.Contains(out, "panic_test.go") {
		t.Errorf("want the panic logged with its stack:\n%s", out)
	}
}

// TestAckPanicEndsTheSession: a panic after a batch was delivered, while
// acknowledging it (a bug in nomen), ends that session, not the relay:
// counted (step session) and logged with its stack. The batch is durable,
// so the agent's next session resumes after it and goes on.
func TestAckPanicEndsTheSession(t *testing.T) {
	f := newFixture(t, nil)
	logged := f.startLogging()
	var acks atomic.Int32
	f.srv.onAck = func(*wire.Ack) {
		if acks.Add(1) == 1 {
			panic("agent: nil stream state")
		}
	}
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, 1, 5))
	if _, err := c.next(); err == nil {
		t.Fatal("the session goes on after the panic")
	}
	wantPanic(t, f, PanicSession, logged, "acknowledging a batch panicked")
	c = f.dial(f.pki, "ws01")
	if w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1}); w.Streams[0].Seq != 5 {
		t.Fatalf("resume at %d, want 5: the batch was made durable", w.Streams[0].Seq)
	}
	c.mustSend(batch(1, 6, 10))
	c.waitAck("Security", 1, 10)
	if f.rec.Count() != 10 {
		t.Fatalf("%d events delivered, want 10", f.rec.Count())
	}
}

// TestKeepalivePanicEndsTheSession: a panic in a session's keepalive
// ends that session (its agent reconnects), counted and logged with its
// stack; the next session is served.
func TestKeepalivePanicEndsTheSession(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.AckKeepalive = durationCfg(100 * time.Millisecond) })
	logged := f.startLogging()
	var ticks atomic.Int32
	f.srv.onKeepalive = func() {
		if ticks.Add(1) == 1 {
			panic("agent: keepalive on a closed stream")
		}
	}
	f.rec.SetDelay(500 * time.Millisecond)
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, 1, 5))
	for {
		if _, err := c.next(); err != nil {
			break // the session ended
		}
	}
	wantPanic(t, f, PanicSession, logged, "a keepalive panicked")
	f.rec.SetDelay(0)
	c = f.dial(f.pki, "ws01")
	w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, w.Streams[0].Seq+1, 10))
	c.waitAck("Security", 1, 10)
}

// TestAdmitPanicClosesTheConn: a panic while admitting a connection
// (a bug in nomen) goes on to Serve's caller (the relay counts it and
// serves again: relay's agent_accept task), and closes the connection
// rather than leaking it.
func TestAdmitPanicClosesTheConn(t *testing.T) {
	f := newFixture(t, nil)
	srv, err := NewServer(f.cfg, f.rec.Deliver, slog.New(slog.DiscardHandler), nil, WithMetrics(NewMetrics(nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv.onAdmit = func(net.Conn) { panic("agent: nil allowed networks") }
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan any, 1)
	go func() {
		defer func() { served <- recover() }()
		srv.Serve(ln)
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if p := <-served; p == nil {
		t.Fatal("Serve returned without the panic")
	}
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("read %v, want EOF: the connection is closed", err)
	}
}

// TestSessionEndPanicIsSurvived: a panic at the end of a session (its
// BYE, the deferred release of the agent's state), past the session's
// own guards, ends that session, not the relay: counted (step session)
// and logged with its stack; the agent's state is released (its next
// session is served and resumes after what was acknowledged) and
// Shutdown does not wait for the session that panicked.
func TestSessionEndPanicIsSurvived(t *testing.T) {
	f := newFixture(t, nil)
	logged := f.startLogging()
	var ends atomic.Int32
	f.srv.onEnd = func() {
		if ends.Add(1) == 1 {
			panic("agent: nil stream at the end of a session")
		}
	}
	c := f.dial(f.pki, "ws01")
	c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	c.mustSend(batch(1, 1, 5))
	c.waitAck("Security", 1, 5)
	c.mustSend((&wire.Bye{}).AppendFrame(nil))
	for {
		if _, err := c.next(); err != nil {
			break // the session ended
		}
	}
	c = f.dial(f.pki, "ws01")
	if w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1}); w.Streams[0].Seq != 5 {
		t.Fatalf("resume at %d, want 5", w.Streams[0].Seq)
	}
	c.mustSend(batch(1, 6, 10))
	c.waitAck("Security", 1, 10)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := f.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown after the panic: %v", err)
	}
	// After Shutdown: the report follows the session's own deferred
	// closing, which the agent saw.
	wantPanic(t, f, PanicSession, logged, "ending a session panicked")
}
