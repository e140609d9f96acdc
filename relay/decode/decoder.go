package decode

import (
	"time"
	"unsafe"

	"github.com/nomenhq/nomen/internal/logging"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// slabEvents is how many events one allocation provides: about a
// datagram reader's batch (relay/listen hands over at most 256 events at
// a time; a connection's reader up to 1,024), as many as fill 64 KiB. An allocation that large is rounded up
// to whole 8 KiB pages, so a slab of a round number of events would
// carry a part page unused (256 events of 240 bytes: 61,440 bytes in
// 65,536), and every byte allocated per message paces the collector
// (issue #17).
const slabEvents = (64 << 10) / int(unsafe.Sizeof(event.Event{}))

// fieldsPerEvent is the room an event's fields get before parsing: what
// decoders set fits (the Windows decoder reserves 40 and more), and what
// they leave unused goes back to the slab.
const fieldsPerEvent = 64

// Decoder decodes for one goroutine. Counts are kept in it and added to
// the metrics by Flush (once per batch: a counter per event would cost
// more than parsing a short message), except parse failures and
// truncations, which are rare and counted at once.
type Decoder struct {
	in     *Input
	parser *parse.Parser // made at first use: the agent path never parses

	slab   []event.Event // events are carved from slabs: one allocation per batch
	fields event.FieldSlab

	frames, bytes int    // frames decoded since Flush
	lastDec       string // the decoder of the current run of events
	nDec          int    // events in that run
	decoders      map[string]prometheus.Counter
}

// Frame parses and normalizes one frame into an event carved from the
// decoder's slab. raw is copied; truncated marks a frame cut at the
// listener's max_message_size; peer is the sender's address; now is when
// it was read (event.created).
func (d *Decoder) Frame(raw []byte, truncated bool, peer string, now time.Time) *event.Event {
	if len(d.slab) == 0 {
		d.slab = make([]event.Event, slabEvents)
	}
	e := &d.slab[0]
	d.slab = d.slab[1:]
	e.Received = now
	e.Input = d.in.opts.Input
	e.Peer = peer
	if truncated {
		e.Flags |= event.Truncated
		if d.in.truncated != nil {
			d.in.truncated.Inc()
		}
	}
	e.Fields = d.fields.Make(fieldsPerEvent)
	d.Decode(raw, e)
	e.Fields = d.fields.Trim(e.Fields)
	d.frames++
	d.bytes += len(raw)
	return e
}

// Decode parses raw into e and normalizes it, returning the name of the
// decoder or rule that recognised it ("" for none). e's Received, Input
// and Peer are the caller's.
//
// A panic in a parser or decoder (a bug in nomen, found by one message)
// does not stop the relay: the event is kept raw (see recoverRaw).
func (d *Decoder) Decode(raw []byte, e *event.Event) (dec string) {
	defer d.recoverRaw(e, raw, 0, "", &dec)
	d.Parse(raw, e)
	return d.normalize(e)
}

// HoldsLayoutHeader reports whether text holds a header line whose
// meaning later lines of its source take (ecs.HoldsLayoutHeader: a W3C
// log's "#Fields:"); it keeps no state, and any goroutine may call it.
func (d *Decoder) HoldsLayoutHeader(text []byte) bool { return ecs.HoldsLayoutHeader(text) }

// Parse only parses raw into e (rule tests normalize with the rule under
// test themselves).
func (d *Decoder) Parse(raw []byte, e *event.Event) {
	if d.parser == nil {
		d.parser = parse.New(parse.Options{Location: d.in.opts.Location})
	}
	d.parser.Parse(raw, e)
	if !e.Has(parse.FieldParseError) {
		return
	}
	if d.in.parseFailed != nil {
		d.in.parseFailed.WithLabelValues(e.Format).Inc()
	}
	if d.in.warn != nil {
		why, _ := e.Get(parse.FieldParseError)
		d.in.warn.Warn("message did not parse; kept raw", "listener", d.in.opts.Input, "peer", e.Peer,
			"format", e.Format, "error", why.String(), "start", logging.Start(raw))
	}
}

// Normalize applies the normalizer in force to e and returns the name of
// the decoder or rule that recognised it ("" for none).
// A panic in a decoder keeps e as it came (see recoverRaw).
func (d *Decoder) Normalize(e *event.Event) (dec string) {
	defer d.recoverRaw(e, nil, len(e.Fields), e.Message, &dec)
	return d.normalize(e)
}

func (d *Decoder) normalize(e *event.Event) string {
	dec := d.in.opts.Rules.Load().Normalize(e)
	if dec != d.lastDec {
		d.countDecoded()
		d.lastDec = dec
	}
	d.nDec++
	return dec
}

// panicError is nomen.parse_error of an event whose decoding panicked.
const panicError = "nomen could not decode this message (a bug: please report it); kept raw"

// recoverRaw, deferred, turns a panic while decoding e into e kept raw:
// its first keep fields (those its input set before normalizing) and
// nomen.parse_error, its original (raw, when the parser had not kept it
// yet), its message as it came (msg, else the original), counted in
// nomen_decode_panics_total and as unrecognised, and logged (throttled)
// with the stack. One message must neither stop the relay nor be lost.
func (d *Decoder) recoverRaw(e *event.Event, raw []byte, keep int, msg string, dec *string) {
	p := panics.Of(recover())
	if p == nil {
		return
	}
	e.Fields = e.Fields[:min(keep, len(e.Fields))]
	if e.Original == "" && len(raw) > 0 {
		e.Original = string(raw)
	}
	e.Message = msg
	if msg == "" {
		e.Message = e.Original
	}
	e.SetStr(parse.FieldParseError, panicError)
	*dec = ""
	if d.lastDec != "" { // counted as unrecognised, as normalize would
		d.countDecoded()
		d.lastDec = ""
	}
	d.nDec++
	p.Report(d.in.panics, d.in.warn, "decoding a message panicked; kept raw", "listener", d.in.opts.Input, "peer", e.Peer,
		"start", logging.Start([]byte(e.Original)))
}

// Flush adds what was counted since the last Flush to the metrics.
func (d *Decoder) Flush() {
	d.countDecoded()
	if d.in.received != nil && d.frames > 0 {
		d.in.received.Add(float64(d.frames))
		d.in.bytes.Add(float64(d.bytes))
	}
	d.frames, d.bytes = 0, 0
}

// countDecoded adds the run of events the same decoder recognised.
func (d *Decoder) countDecoded() {
	if d.nDec == 0 {
		return
	}
	if m := d.in.opts.Metrics; m != nil {
		c, ok := d.decoders[d.lastDec]
		if !ok {
			label := d.lastDec
			if label == "" {
				label = "none"
			}
			c = m.Normalized.WithLabelValues(label)
			d.decoders[d.lastDec] = c
		}
		c.Add(float64(d.nDec))
	}
	d.nDec = 0
}

// NormalizeTrace is Normalize that also returns how the normalizer
// dispatched e (nomen parse -trace).
func (d *Decoder) NormalizeTrace(e *event.Event) (string, *normalize.Trace) {
	tr := &normalize.Trace{}
	dec := d.in.opts.Rules.Load().Trace(e, tr)
	if dec != d.lastDec {
		d.countDecoded()
		d.lastDec = dec
	}
	d.nDec++
	return dec, tr
}
