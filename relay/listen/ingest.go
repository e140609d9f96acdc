package relay

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// maxBatch bounds how many events one reader collects before handing them to
// the pipeline; readers also flush whenever their socket has nothing more to
// read, so latency stays low at low rates.
const maxBatch = 256

// Submitter is the pipeline's entrance.
type Submitter interface {
	// Submit waits for room (TCP, TLS, agent: backpressure) unless ctx ends.
	Submit(ctx context.Context, b *pipeline.Batch) error
	// TrySubmit never waits (UDP, unix datagrams); false means dropped.
	TrySubmit(b *pipeline.Batch) bool
}

// ingester turns frames from one reader (a connection or a datagram
// reader goroutine) into parsed, normalized events and hands them to the
// pipeline in batches. It is used by one goroutine.
type ingester struct {
	listener string
	parser   *parse.Parser
	norm     *atomic.Pointer[normalize.Normalizer]
	sub      Submitter
	blocking bool
	warn     *logthrottle.Logger

	received, bytes, truncated, dropped prometheus.Counter
	parseFailed                         *prometheus.CounterVec
	normalized                          *prometheus.CounterVec
	decoders                            map[string]prometheus.Counter

	slab   []event.Event // events are carved from slabs: one allocation per batch
	fields event.FieldSlab
	batch  []*event.Event

	// Counts are kept here and added to the metrics once per batch.
	nBytes  int
	lastDec string
	nDec    int
}

func newIngester(l *listenerRuntime, blocking bool) *ingester {
	m := l.metrics
	return &ingester{
		listener:    l.cfg.Name,
		parser:      parse.New(parse.Options{Location: l.loc}),
		norm:        l.norm,
		sub:         l.sub,
		blocking:    blocking,
		warn:        l.warn,
		received:    m.Received.WithLabelValues(l.cfg.Name),
		bytes:       m.ReceivedBytes.WithLabelValues(l.cfg.Name),
		truncated:   m.Truncated.WithLabelValues(l.cfg.Name),
		dropped:     m.Dropped.WithLabelValues("listener", "queue_full"),
		parseFailed: m.ParseFailures.MustCurryWith(prometheus.Labels{"listener": l.cfg.Name}),
		normalized:  m.Normalized,
		decoders:    map[string]prometheus.Counter{},
	}
}

// fieldsPerEvent is the room an event's fields get before parsing: what
// decoders set fits (the Windows decoder reserves 40 and more), and what
// they leave unused goes back to the slab.
const fieldsPerEvent = 64

// add parses and normalizes one frame. raw is copied.
func (in *ingester) add(raw []byte, truncated bool, peer string, now time.Time) {
	if len(in.slab) == 0 {
		in.slab = make([]event.Event, maxBatch)
	}
	e := &in.slab[0]
	in.slab = in.slab[1:]
	e.Received = now
	e.Input = in.listener
	e.Peer = peer
	if truncated {
		e.Flags |= event.Truncated
		in.truncated.Inc()
	}
	e.Fields = in.fields.Make(fieldsPerEvent)
	in.parser.Parse(raw, e)
	if e.Has("nomen.parse_error") {
		in.parseFailed.WithLabelValues(e.Format).Inc()
	}
	dec := in.norm.Load().Normalize(e)
	e.Fields = in.fields.Trim(e.Fields)
	if dec != in.lastDec {
		in.countDecoded()
		in.lastDec = dec
	}
	in.nDec++
	in.nBytes += len(raw)
	in.batch = append(in.batch, e)
	if len(in.batch) >= maxBatch {
		in.flush(context.Background())
	}
}

// countDecoded adds the run of events the same decoder recognised.
func (in *ingester) countDecoded() {
	if in.nDec == 0 {
		return
	}
	c, ok := in.decoders[in.lastDec]
	if !ok {
		label := in.lastDec
		if label == "" {
			label = "none"
		}
		c = in.normalized.WithLabelValues(label)
		in.decoders[in.lastDec] = c
	}
	c.Add(float64(in.nDec))
	in.nDec = 0
}

// flush hands the collected events to the pipeline.
func (in *ingester) flush(ctx context.Context) {
	if len(in.batch) == 0 {
		return
	}
	in.countDecoded()
	in.received.Add(float64(len(in.batch)))
	in.bytes.Add(float64(in.nBytes))
	in.nBytes = 0
	b := &pipeline.Batch{Events: in.batch}
	in.batch = make([]*event.Event, 0, maxBatch)
	if in.blocking {
		if err := in.sub.Submit(ctx, b); err != nil {
			in.dropped.Add(float64(len(b.Events)))
			in.warn.Warn("events dropped: relay is stopping", "listener", in.listener, "count", len(b.Events))
		}
		return
	}
	if !in.sub.TrySubmit(b) {
		in.dropped.Add(float64(len(b.Events)))
		in.warn.Warn("events dropped: pipeline queue full (datagram listener cannot apply backpressure)",
			"listener", in.listener, "count", len(b.Events))
	}
}
