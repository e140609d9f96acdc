package agent

import (
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

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
	var logged syncbuf.Buffer
	f.log = slog.New(slog.NewTextHandler(&logged, nil))
	f.start() // a server that logs
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
	wantPanic(t, f, PanicDeliver, &logged, "delivering a batch panicked")
	wantSentAgain(t, f)
}

// TestReadPanicEndsTheSession: a panic while reading an agent's frames
// (a bug that some frame found) ends that session, not the relay: counted
// and logged with its stack; the batch it was reading is not acknowledged,
// and the agent's next session delivers it.
func TestReadPanicEndsTheSession(t *testing.T) {
	f := newFixture(t, nil)
	var logged syncbuf.Buffer
	f.log = slog.New(slog.NewTextHandler(&logged, nil))
	f.start()
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
	wantPanic(t, f, PanicRead, &logged, "reading the agent's frames panicked")
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

// wantSentAgain: the agent's next session resumes before the batch the
// panic interrupted (nothing was acknowledged), sends it again, and all
// of it is delivered.
func wantSentAgain(t *testing.T, f *fixture) {
	t.Helper()
	c := f.dial(f.pki, "ws01")
	w := c.hello("ws01", wire.StreamPos{Channel: "Security", Epoch: 1})
	if w.Streams[0].Seq != 0 {
		t.Fatalf("resume %d after the panic, want 0", w.Streams[0].Seq)
	}
	c.mustSend(batch(1, 1, 5))
	c.waitAck("Security", 1, 5)
	if f.rec.Count() != 5 {
		t.Fatalf("%d events delivered, want the 5 sent again", f.rec.Count())
	}
}
