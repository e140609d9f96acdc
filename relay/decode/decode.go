// Package decode is the one decode step of every input: a frame (one
// syslog message, as stream framing or a datagram delivered it) is parsed
// (package parse) and normalized (package normalize) into an event; events
// an input builds itself (agent records) are only normalized. The step
// counts what it sees: received events and bytes, truncated messages,
// parse failures, and which decoder recognised each event.
//
// The syslog listeners (relay/listen), the agent path (relay), `nomen
// parse`, `nomen check` and the stage scenario harness
// (relay/stage/stagetest) all decode through it, so an event looks the
// same whichever way it came in.
//
// It may import parse, normalize, relay/event, internal/logthrottle and prometheus; it knows
// nothing of sockets, the pipeline or the relay's wiring.
package decode

import (
	"log/slog"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// Rules gives the normalizer in force. The relay swaps it on reload
// (*atomic.Pointer[normalize.Normalizer] is one); Fixed never changes.
type Rules interface {
	Load() *normalize.Normalizer
}

// Fixed is Rules that stay n (nomen parse, nomen check, tests).
func Fixed(n *normalize.Normalizer) Rules { return fixed{n} }

type fixed struct{ n *normalize.Normalizer }

func (f fixed) Load() *normalize.Normalizer { return f.n }

// Options describe one input.
type Options struct {
	// Input is event.Input of its events and the {listener} label.
	Input string
	// Location is the timezone of timestamps that carry none (RFC 3164);
	// nil is time.Local (parse's default).
	Location *time.Location
	Rules    Rules
	// Metrics receive the counts; nil counts nothing.
	Metrics *Metrics
	// Log, if set, is told of messages that did not parse, once per
	// interval (logthrottle.DefaultEvery) with the number held back.
	Log *slog.Logger
}

// Input is one input's share of the step: its options and its counters,
// resolved once. It is safe for concurrent use; every reader goroutine
// decodes through a Decoder of its own.
type Input struct {
	opts    Options
	frames  bool      // an input of frames (else of records)
	resolve sync.Once // the counters, at the first Decoder or ReceivedCounters

	received, bytes, truncated prometheus.Counter     // nil: not counted
	panics                     prometheus.Counter     // nil: not counted
	parseFailed                *prometheus.CounterVec // {format}
	warn                       *logthrottle.Logger    // nil: not logged

	idle sync.Pool // *Decoder given back by readers gone quiet (TakeDecoder)
}

// NewInput prepares an input of frames (syslog listeners, nomen parse).
// Its received, bytes, truncated and parse failure series are exported
// (at 0) from now on: a tcp listener's at its start, not at its first
// connection, so an alert on increase() sees the first one.
func NewInput(opts Options) *Input {
	in := &Input{opts: opts, frames: true}
	if opts.Log != nil {
		in.warn = logthrottle.New(opts.Log, logthrottle.DefaultEvery)
	}
	in.counters()
	return in
}

// NewRecordInput prepares an input whose events are built by the input
// itself (agent records): they are only normalized, never framed or
// parsed, so only the received and bytes series are exported.
func NewRecordInput(opts Options) *Input {
	in := &Input{opts: opts}
	if opts.Log != nil {
		in.warn = logthrottle.New(opts.Log, logthrottle.DefaultEvery)
	}
	return in
}

// parseFormats are the formats a parse failure is counted under.
var parseFormats = []string{parse.FormatRFC5424, parse.FormatRFC3164}

func (in *Input) counters() {
	in.resolve.Do(func() {
		m := in.opts.Metrics
		if m == nil {
			return
		}
		in.received = m.Received.WithLabelValues(in.opts.Input)
		in.bytes = m.ReceivedBytes.WithLabelValues(in.opts.Input)
		in.panics = m.Panics.WithLabelValues(in.opts.Input)
		if in.frames {
			in.truncated = m.Truncated.WithLabelValues(in.opts.Input)
			in.parseFailed = m.ParseFailures.MustCurryWith(prometheus.Labels{"listener": in.opts.Input})
			for _, f := range parseFormats {
				in.parseFailed.WithLabelValues(f)
			}
		}
	})
}

// ReceivedCounters are the input's nomen_received_events_total and
// nomen_received_bytes_total, for an input that counts what it received
// itself (the agent server counts records once they are durable, so that
// a batch sent again is not counted twice); nil without metrics.
func (in *Input) ReceivedCounters() (events, bytes prometheus.Counter) {
	in.counters()
	return in.received, in.bytes
}

// Normalize normalizes events the input built (agent records) and counts
// their decoders.
func (in *Input) Normalize(evs []*event.Event) {
	d := in.Decoder()
	for _, e := range evs {
		d.Normalize(e)
	}
	d.Flush()
}

// Decoder returns a decoder for one goroutine.
func (in *Input) Decoder() *Decoder {
	in.counters()
	return &Decoder{in: in, decoders: map[string]prometheus.Counter{}}
}

// TakeDecoder lends a decoder to a reader that decodes in bursts (a
// connection between its quiet spells), for the length of one batch; the
// reader gives it back with PutDecoder, after Flush, before it waits for
// more input. A decoder's arenas (~250 KiB once warm) thus serve the
// readers busy at the moment, not every connection open: a thousand quiet
// connections hold none. Arenas are only carved forward, so events
// already handed on keep their bytes whoever decodes next.
func (in *Input) TakeDecoder() *Decoder {
	if d, ok := in.idle.Get().(*Decoder); ok {
		return d
	}
	return in.Decoder()
}

// PutDecoder gives back a decoder from TakeDecoder, flushed.
func (in *Input) PutDecoder(d *Decoder) { in.idle.Put(d) }
