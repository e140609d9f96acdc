package natsin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/internal/testwait"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// testNATS connects to the JetStream server of this machine
// ($NOMEN_TEST_NATS, else nats://127.0.0.1:4222) or skips, and creates a
// stream of its own (deleted at the end) on subjects <prefix>.>.
func testNATS(t *testing.T) (url, prefix, stream string, js jetstream.JetStream) {
	t.Helper()
	url = os.Getenv("NOMEN_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	nc, err := nats.Connect(url, nats.Timeout(2*time.Second))
	if err != nil {
		t.Skipf("NATS not reachable at %s (set NOMEN_TEST_NATS): %v", url, err)
	}
	t.Cleanup(nc.Close)
	if js, err = jetstream.New(nc); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(ctx); err != nil {
		t.Skipf("NATS at %s has no JetStream: %v", url, err)
	}
	n := rand.Uint32()
	prefix, stream = fmt.Sprintf("natsintest%d", n), fmt.Sprintf("NATSIN_TEST_%d", n)
	// A short duplicate window: tests publish copies JetStream stores again.
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: stream, Subjects: []string{prefix + ".>"}, Duplicates: time.Second}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { js.DeleteStream(context.Background(), stream) })
	return url, prefix, stream, js
}

// fakePipeline journals what it is given; fail makes the next batches fail.
type fakePipeline struct {
	mu     sync.Mutex
	events []*event.Event
	fail   int
}

func (p *fakePipeline) Submit(_ context.Context, b *pipeline.Batch) error {
	p.mu.Lock()
	var err error
	if p.fail > 0 {
		p.fail--
		err = errors.New("journal: disk full")
	} else {
		p.events = append(p.events, b.Events...)
	}
	p.mu.Unlock()
	go b.Done(err)
	return nil
}

func (p *fakePipeline) got() []*event.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*event.Event(nil), p.events...)
}

func startInput(t *testing.T, cfg Config, p Submitter, journaled ...string) (*Input, *Metrics) {
	t.Helper()
	return startInputWith(t, cfg, p, func(o *Options) { o.Journaled = journaled })
}

// startInputWith is startInput with options set by opt.
func startInputWith(t *testing.T, cfg Config, p Submitter, opt func(*Options)) (*Input, *Metrics) {
	t.Helper()
	cfg.Protocol = "nats"
	cfg.SetDefaults(t.TempDir())
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	norm, err := normalize.New(normalize.Config{})
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	o := Options{Config: cfg, Rules: decode.Fixed(norm), Pipeline: p, Metrics: m,
		Decode: decode.NewMetrics(reg), Log: slog.New(slog.DiscardHandler)}
	opt(&o)
	in, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); in.Wait() })
	return in, m
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, what, 15*time.Second, cond)
}

// ackPending is the consumer's count of delivered, unacknowledged messages
// and of messages not delivered yet.
func consumerState(t *testing.T, js jetstream.JetStream, stream, durable string) (ackPending int, pending uint64) {
	t.Helper()
	c, err := js.Consumer(context.Background(), stream, durable)
	if err != nil {
		return -1, 0
	}
	info, err := c.Info(context.Background())
	if err != nil {
		return -1, 0
	}
	return info.NumAckPending, info.NumPending
}

func publish(t *testing.T, js jetstream.JetStream, subject string, data []byte, msgID string) {
	t.Helper()
	var opts []jetstream.PublishOpt
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	if _, err := js.Publish(context.Background(), subject, data, opts...); err != nil {
		t.Fatal(err)
	}
}

// An edge's document is kept as normalized there, a syslog line is decoded
// here, a malformed message is dead-lettered and terminated; everything
// is acknowledged once journaled.
func TestInputFormats(t *testing.T) {
	url, prefix, stream, js := testNATS(t)
	edge := event.New(time.Date(2026, 11, 22, 10, 15, 2, 0, time.UTC))
	edge.Original = "<38>Nov 22 10:15:02 web1 sshd[392]: Failed password for root from 10.0.0.5 port 22 ssh2"
	edge.Hostname, edge.AppName, edge.Input, edge.Pri, edge.ID = "web1", "sshd", "udp", 38, 7
	edge.SetStr("event.action", "ssh_login")
	enc := event.Encoder{Observer: "edge-1"}
	publish(t, js, prefix+".a", enc.AppendJSON(nil, edge), "journal1-7")
	publish(t, js, prefix+".b", []byte("<13>Nov 22 10:15:03 web2 app: hello"), "")
	publish(t, js, prefix+".c", []byte(`{"not":"closed"`), "")

	p := &fakePipeline{}
	in, m := startInput(t, Config{Name: "bus", URL: url, Stream: stream}, p)
	waitFor(t, "two events", func() bool { return len(p.got()) == 2 })
	waitFor(t, "every message acknowledged", func() bool {
		ap, np := consumerState(t, js, stream, "nomen-bus")
		return ap == 0 && np == 0
	})
	evs := p.got()
	a, b := evs[0], evs[1]
	if a.Original != edge.Original || a.Str("event.action") != "ssh_login" || a.Str("observer.hostname") != "edge-1" ||
		a.Input != "bus" || a.Str(FieldEdgeInput) != "udp" || a.Str(FieldID) != "journal1-7" || a.ID != 0 || !a.Received.Equal(edge.Received) {
		t.Errorf("edge event: %s", (&event.Encoder{}).AppendJSON(nil, a))
	}
	if b.Hostname != "web2" || b.Message != "hello" || b.Input != "bus" || b.Str(FieldID) != stream+":2" {
		t.Errorf("syslog event: %s", (&event.Encoder{}).AppendJSON(nil, b))
	}
	if n := counter(m.Messages.WithLabelValues("bus", "dead_letter")); n != 1 {
		t.Errorf("dead_letter = %v", n)
	}
	dl, err := os.ReadFile(in.cfg.DeadLetter)
	if err != nil || !strings.Contains(string(dl), `"stream_sequence":3`) || !strings.Contains(string(dl), `not nomen's ECS JSON`) {
		t.Errorf("dead letter file: %s %v", dl, err)
	}
	if in.NotReady() != "" {
		t.Errorf("not ready: %s", in.NotReady())
	}
}

// Ids journaled before (a restart) and ids seen twice are dropped and
// acknowledged; a batch the journal refused comes again.
func TestInputDuplicatesAndRetry(t *testing.T) {
	url, prefix, stream, js := testNATS(t)
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: one"), "edge-1")
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: two"), "edge-2")
	p := &fakePipeline{fail: 1}
	_, m := startInput(t, Config{Name: "bus", URL: url, Stream: stream}, p, "edge-1")
	waitFor(t, "the event", func() bool { return len(p.got()) == 1 })
	waitFor(t, "every message acknowledged", func() bool {
		ap, np := consumerState(t, js, stream, "nomen-bus")
		return ap == 0 && np == 0
	})
	// Beyond the stream's duplicate window: JetStream stores it again.
	time.Sleep(1500 * time.Millisecond)
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: two"), "edge-2")
	waitFor(t, "the copy acknowledged", func() bool {
		ap, np := consumerState(t, js, stream, "nomen-bus")
		return ap == 0 && np == 0 && counter(m.Messages.WithLabelValues("bus", "duplicate")) == 2
	})
	if evs := p.got(); len(evs) != 1 || evs[0].Message != "two" {
		t.Errorf("events: %d", len(evs))
	}
}

// A consumer deleted under a running listener is created again and
// reading goes on.
func TestInputConsumerDeleted(t *testing.T) {
	url, prefix, stream, js := testNATS(t)
	p := &fakePipeline{}
	_, m := startInput(t, Config{Name: "bus", URL: url, Stream: stream, Format: FormatSyslog}, p)
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:03 web2 app: one"), "")
	waitFor(t, "the first event", func() bool { return len(p.got()) == 1 })
	// The server may refuse while it writes the consumer's state: again.
	waitFor(t, "the consumer deleted", func() bool {
		return js.DeleteConsumer(context.Background(), stream, "nomen-bus") == nil
	})
	waitFor(t, "the consumer created again", func() bool {
		return counter(m.ConsumerErrors.WithLabelValues("bus", "recreated")) >= 1
	})
	publish(t, js, prefix+".a", []byte("<13>Nov 22 10:15:04 web2 app: two"), "")
	waitFor(t, "the second event", func() bool {
		evs := p.got()
		return len(evs) == 2 && evs[1].Message == "two"
	})
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{
		{Name: "x"},
		{Name: "x", Stream: "a.b"},
		{Name: "x", Stream: "S", Format: "xml"},
		{Name: "x", Stream: "S", FetchBatch: 100, MaxAckPending: 10},
		{Name: "x", Stream: "S", User: "u", Token: "t"},
		{Name: "x", Stream: "S", TLS: TLSConfig{Cert: "c"}},
	} {
		c.SetDefaults(t.TempDir())
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
	c := Config{Name: "x", Stream: "S"}
	c.SetDefaults("/state")
	if err := c.Validate(); err != nil || c.Durable != "nomen-x" || c.DeadLetter != filepath.Join("/state", "deadletter", "listener-x.jsonl") {
		t.Errorf("%+v %v", c, err)
	}
}

func counter(c prometheus.Counter) float64 {
	var m dto.Metric
	c.Write(&m)
	return m.GetCounter().GetValue()
}
