package natsin

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// panicOptions logs into logged and counts panics in the returned vector.
func panicOptions(logged *syncbuf.Buffer, panics *prometheus.CounterVec, more func(*Options)) func(*Options) {
	return func(o *Options) {
		o.Log = slog.New(slog.NewTextHandler(logged, nil))
		o.Panics = panics
		more(o)
	}
}

func newPanics() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nomen_listener_panics_total"}, []string{"listener"})
}

func wantLogged(t *testing.T, logged *syncbuf.Buffer, msg string) {
	t.Helper()
	if out := logged.String(); !strings.Contains(out, msg) || !strings.Contains(out, "panic_test.go") {
		t.Errorf("want %q logged with the stack:\n%s", msg, out)
	}
}

// TestConvertPanicDeadLetters: a message whose conversion panics (a bug
// that it found) is dead-lettered with the panic as its reason and
// terminated, not given back to panic again; the panic is counted and
// logged with its stack, and the next message is journaled.
func TestConvertPanicDeadLetters(t *testing.T) {
	url, prefix, stream, js := testNATS(t)
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: poison"), "")
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: fine"), "")
	p := &fakePipeline{}
	var logged syncbuf.Buffer
	pc := newPanics()
	in, m := startInputWith(t, Config{Name: "bus", URL: url, Stream: stream, Format: FormatSyslog}, p, panicOptions(&logged, pc, func(o *Options) {
		o.convert = func(data []byte, subject string, now time.Time) (*event.Event, error) {
			if strings.HasSuffix(string(data), "poison") {
				panic("convert: index out of range [5] with length 5")
			}
			e := event.New(now) // the real conversion is tested elsewhere
			e.Message = string(data)
			return e, nil
		}
	}))
	waitFor(t, "every message settled", func() bool {
		ap, np := consumerState(t, js, stream, "nomen-bus")
		return ap == 0 && np == 0 && len(p.got()) == 1
	})
	if evs := p.got(); !strings.HasSuffix(evs[0].Message, "fine") {
		t.Errorf("journaled %q, want the message after the poison", evs[0].Message)
	}
	if v := counter(m.Messages.WithLabelValues("bus", "dead_letter")); v != 1 {
		t.Errorf("%v messages dead-lettered, want 1", v)
	}
	if v := counter(pc.WithLabelValues("bus")); v != 1 {
		t.Errorf("nomen_listener_panics_total{listener=bus} = %v, want 1", v)
	}
	dl, err := os.ReadFile(in.cfg.DeadLetter)
	if err != nil || !strings.Contains(string(dl), "converting it panicked") || !strings.Contains(string(dl), "poison") {
		t.Errorf("dead-letter file (%v):\n%s", err, dl)
	}
	wantLogged(t, &logged, "converting a message panicked")
}

// panickySubmit panics on its first batch, then journals.
type panickySubmit struct {
	fakePipeline
	calls atomic.Int32
}

func (p *panickySubmit) Submit(ctx context.Context, b *pipeline.Batch) error {
	if p.calls.Add(1) == 1 {
		panic("pipeline: nil queue")
	}
	return p.fakePipeline.Submit(ctx, b)
}

// TestSubmitPanicGivesTheMessagesBack: a panic handing a batch to the
// pipeline gives its messages back (none stays claimed), so the server
// delivers them again and they are journaled; counted and logged.
func TestSubmitPanicGivesTheMessagesBack(t *testing.T) {
	url, prefix, stream, js := testNATS(t)
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: one"), "")
	p := &panickySubmit{}
	var logged syncbuf.Buffer
	pc := newPanics()
	startInputWith(t, Config{Name: "bus", URL: url, Stream: stream, Format: FormatSyslog}, p, panicOptions(&logged, pc, func(*Options) {}))
	waitFor(t, "the message journaled after all", func() bool {
		ap, np := consumerState(t, js, stream, "nomen-bus")
		return ap == 0 && np == 0 && len(p.got()) == 1
	})
	if v := counter(pc.WithLabelValues("bus")); v != 1 {
		t.Errorf("nomen_listener_panics_total{listener=bus} = %v, want 1", v)
	}
	wantLogged(t, &logged, "handing a batch to the pipeline panicked")
}

// TestRoundPanicIsSurvived: a panic in the listener's loop (connecting,
// fetching) is counted and logged with its stack; the listener creates its
// consumer again and goes on consuming.
func TestRoundPanicIsSurvived(t *testing.T) {
	url, prefix, stream, js := testNATS(t)
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: one"), "")
	p := &fakePipeline{}
	var logged syncbuf.Buffer
	pc := newPanics()
	var fetches atomic.Int32
	startInputWith(t, Config{Name: "bus", URL: url, Stream: stream, Format: FormatSyslog}, p, panicOptions(&logged, pc, func(o *Options) {
		o.onFetch = func() {
			if fetches.Add(1) == 1 {
				panic("jetstream: nil subscription")
			}
		}
	}))
	waitFor(t, "the message journaled", func() bool { return len(p.got()) == 1 })
	if v := counter(pc.WithLabelValues("bus")); v != 1 {
		t.Errorf("nomen_listener_panics_total{listener=bus} = %v, want 1", v)
	}
	wantLogged(t, &logged, "consuming panicked")
}

// queueThenPanic takes its first batch (as if the pipeline had queued it)
// and then panics, as a Submit with a bug after its queuing step would;
// queued receives that batch. Later batches it journals.
type queueThenPanic struct {
	fakePipeline
	calls  atomic.Int32
	queued chan *pipeline.Batch
}

func (p *queueThenPanic) Submit(ctx context.Context, b *pipeline.Batch) error {
	if p.calls.Add(1) == 1 {
		p.queued <- b
		panic("pipeline: queued, then index out of range")
	}
	return p.fakePipeline.Submit(ctx, b)
}

// TestSubmitPanicAfterQueuingSettlesOnce: a Submit that panics after it
// queued the batch gives the messages back (nak); when the queued batch
// is journaled after all, its completion settles nothing again (no
// acknowledgement of a message given back, no max_ack_pending slot freed
// twice, no in-flight count ended twice: that panicked the listener's
// Wait), and the redelivered message is acknowledged as a duplicate, not
// journaled twice.
func TestSubmitPanicAfterQueuingSettlesOnce(t *testing.T) {
	url, prefix, stream, js := testNATS(t)
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: one"), "")
	p := &queueThenPanic{queued: make(chan *pipeline.Batch, 1)}
	var logged syncbuf.Buffer
	pc := newPanics()
	in, m := startInputWith(t, Config{Name: "bus", URL: url, Stream: stream, Format: FormatSyslog}, p, panicOptions(&logged, pc, func(*Options) {}))
	b := <-p.queued
	waitFor(t, "the messages given back", func() bool {
		return strings.Contains(logged.String(), "the messages will be delivered again")
	})
	p.fakePipeline.Submit(context.Background(), b) // journaled after all: its Done(nil) comes
	waitFor(t, "the redelivery acknowledged as a duplicate", func() bool {
		ap, np := consumerState(t, js, stream, "nomen-bus")
		return ap == 0 && np == 0 && counter(m.Messages.WithLabelValues("bus", "duplicate")) == 1
	})
	if n := len(p.got()); n != 1 {
		t.Errorf("%d events journaled, want the one message once", n)
	}
	if v := counter(m.Messages.WithLabelValues("bus", "journaled")); v != 0 {
		t.Errorf("nomen_nats_input_messages_total{result=journaled} = %v, want 0 (the message was given back, then acknowledged as a duplicate)", v)
	}
	if v := counter(pc.WithLabelValues("bus")); v != 1 {
		t.Errorf("nomen_listener_panics_total{listener=bus} = %v, want 1", v)
	}
	in.Close()
	in.Wait() // a second end of the in-flight count panics here
	var g dto.Metric
	if err := m.Pending.WithLabelValues("bus").Write(&g); err != nil || g.GetGauge().GetValue() != 0 {
		t.Errorf("nomen_nats_input_pending_messages = %v (%v) once stopped, want 0 (each slot freed once)", g.GetGauge().GetValue(), err)
	}
}
