// Package natsin is the nats listener: it reads a JetStream stream through
// a durable pull consumer and acknowledges a message only once the journal
// holds its event durably (at-least-once from the stream to the outputs).
// Messages a nomen edge published (its nats output's ECS JSON) are already
// normalized and kept as they are; other messages are syslog, decoded
// through relay/decode like a socket's. A message delivered again is
// dropped by its id (nomen.nats.id); a malformed one is dead-lettered and
// terminated, never delivered again.
//
// It may import relay/decode, relay/pipeline (its Batch), relay/event,
// relay/stage/lru and internal helpers; the relay package starts it.
package natsin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// Submitter is the pipeline's entrance.
type Submitter interface {
	// Submit waits for room (backpressure) unless ctx ends.
	Submit(ctx context.Context, b *pipeline.Batch) error
}

// Options are what a nats listener needs besides its configuration.
type Options struct {
	Config Config
	// Location is the [parse] timezone, Rules the normalizer in force:
	// for syslog messages.
	Location *time.Location
	Rules    decode.Rules
	Pipeline Submitter
	Metrics  *Metrics
	Decode   *decode.Metrics
	Log      *slog.Logger
	// Journaled are ids (FieldID) of this listener's events already in
	// the journal (its tail): what was fetched but not acknowledged when
	// nomen stopped comes again and is dropped.
	Journaled []string
	// Panics is listen's nomen_listener_panics_total{listener} (default:
	// a private unregistered one).
	Panics *prometheus.CounterVec

	// Test hooks: convert replaces the conversion of a message, onFetch
	// runs before each fetch.
	convert func(data []byte, subject string, now time.Time) (*event.Event, error)
	onFetch func()
}

// Input is a running nats listener.
type Input struct {
	cfg  Config
	opts Options
	log  *slog.Logger
	warn *logthrottle.Logger
	seen *seenIDs
	dead *deadLetter
	conv converter

	journaled, duplicates prometheus.Counter
	deadLettered          prometheus.Counter
	pending               prometheus.Gauge
	panics                prometheus.Counter // nomen_listener_panics_total{listener}
	panicLog              *logthrottle.Logger

	slots    chan struct{} // a token per message fetched and not settled: max_ack_pending
	inflight sync.WaitGroup
	notReady atomic.Pointer[string]

	nc     *nats.Conn
	js     jetstream.JetStream
	cancel context.CancelFunc
	done   chan struct{}
}

// Start connects (in the background, retrying) and starts consuming.
func Start(o Options) (*Input, error) {
	cfg := o.Config
	in := &Input{
		cfg:   cfg,
		opts:  o,
		log:   o.Log.With("listener", cfg.Name, "stream", cfg.Stream, "durable", cfg.Durable),
		seen:  newSeenIDs(cfg.DedupeIDs, o.Journaled),
		dead:  &deadLetter{path: cfg.DeadLetter, maxBytes: int64(cfg.DeadLetterMaxBytes)},
		slots: make(chan struct{}, cfg.MaxAckPending),
		done:  make(chan struct{}),
	}
	in.warn = logthrottle.New(in.log, logthrottle.DefaultEvery)
	in.panicLog = logthrottle.New(in.log, logthrottle.DefaultEvery)
	if o.Panics == nil {
		o.Panics = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nomen_listener_panics_total"}, []string{"listener"})
	}
	in.panics = o.Panics.WithLabelValues(cfg.Name)
	frames := decode.NewInput(decode.Options{Input: cfg.Name, Location: o.Location, Rules: o.Rules, Metrics: o.Decode, Log: o.Log})
	in.conv = converter{listener: cfg.Name, format: cfg.Format, maxSize: int(cfg.MaxMessageSize), dec: frames.Decoder()}
	in.conv.received, in.conv.receivedBytes = frames.ReceivedCounters()
	if o.convert == nil {
		in.opts.convert = in.conv.convert
	}
	o.Metrics.init(cfg.Name)
	in.journaled = o.Metrics.Messages.WithLabelValues(cfg.Name, "journaled")
	in.duplicates = o.Metrics.Messages.WithLabelValues(cfg.Name, "duplicate")
	in.deadLettered = o.Metrics.Messages.WithLabelValues(cfg.Name, "dead_letter")
	in.pending = o.Metrics.Pending.WithLabelValues(cfg.Name)
	why := "connecting to " + cfg.URL
	in.notReady.Store(&why)

	ctx, cancel := context.WithCancel(context.Background())
	in.cancel = cancel
	go in.run(ctx)
	return in, nil
}

// Name is the listener's name.
func (in *Input) Name() string { return in.cfg.Name }

// NotReady says why the listener cannot consume ("" when it can), for /readyz.
func (in *Input) NotReady() string {
	if p := in.notReady.Load(); p != nil && *p != "" {
		return "listener " + in.cfg.Name + ": " + *p
	}
	return ""
}

func (in *Input) setNotReady(why string) { in.notReady.Store(&why) }

// Close stops fetching; Wait returns when what was fetched is settled
// (journaled and acknowledged, or given back) and the connection closed.
func (in *Input) Close() { in.cancel() }

// Wait waits for Close to finish.
func (in *Input) Wait() { <-in.done }

func (in *Input) run(ctx context.Context) {
	defer close(in.done)
	defer func() {
		in.inflight.Wait()
		if in.nc != nil {
			in.nc.Flush() // the last acknowledgements
			in.nc.Close()
		}
		in.dead.close()
	}()
	l := &loop{backoff: newBackoff(), lastCheck: time.Now()}
	for ctx.Err() == nil {
		// A panic here (a bug in nomen, or in the nats client: connecting,
		// fetching, checking the consumer) would end the process: it ends
		// this round instead, counted and logged with its stack, and the
		// listener creates its consumer again after the backoff. The
		// messages themselves are guarded where they are handled (handle):
		// none is left claimed, so what a round fetched and did not hand
		// on comes again from the server after ack_wait.
		if p := in.guard("nats listener: consuming panicked (a bug in nomen: please report it); creating the consumer again", func() { in.round(ctx, l) }); p != nil {
			l.cons = nil
			l.backoff.wait(ctx)
		}
	}
}

// loop is the state of run's rounds.
type loop struct {
	backoff   *backoff
	cons      jetstream.Consumer
	lastCheck time.Time
}

// round connects if needed, fetches once and checks the consumer when
// idle or failing.
func (in *Input) round(ctx context.Context, l *loop) {
	if l.cons == nil {
		var err error
		if l.cons, err = in.consumer(ctx); err != nil {
			in.setNotReady(err.Error())
			in.warn.Warn("nats listener: cannot consume; retrying", "err", err)
			l.backoff.wait(ctx)
			return
		}
		in.setNotReady("")
		l.backoff.reset()
	}
	n, err := in.fetch(ctx, l.cons)
	switch {
	case err != nil:
		in.opts.Metrics.ConsumerErrors.WithLabelValues(in.cfg.Name, "fetch").Inc()
		in.warn.Warn("nats listener: fetch failed", "err", err)
	case n > 0 && time.Since(l.lastCheck) < consumerCheckEvery:
		return
	}
	// Idle, or a fetch failed: is the consumer still there? (A
	// deleted consumer does not answer pulls; they only time out.)
	l.lastCheck = time.Now()
	if gone := in.checkConsumer(ctx, l.cons); gone {
		l.cons = nil
	} else if err != nil {
		l.backoff.wait(ctx)
	}
}

// guard runs f; a panic in it is counted in nomen_listener_panics_total
// {listener}, logged with msg and its stack, and returned.
func (in *Input) guard(msg string, f func(), args ...any) (p *panics.Panic) {
	defer func() {
		if p = panics.Of(recover()); p != nil {
			p.Report(in.panics, in.panicLog, msg, args...)
		}
	}()
	f()
	return nil
}

// consumerCheckEvery is how often a busy listener checks its consumer.
const consumerCheckEvery = 10 * time.Second

// checkConsumer reports whether the consumer is gone (deleted, or the
// stream is), to be created again.
func (in *Input) checkConsumer(ctx context.Context, cons jetstream.Consumer) bool {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := cons.Info(cctx)
	if errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) {
		in.opts.Metrics.ConsumerErrors.WithLabelValues(in.cfg.Name, "recreated").Inc()
		in.log.Warn("nats listener: the durable consumer was deleted; creating it again (it starts at the stream's first message: what was journaled already is dropped as duplicates as far as dedupe_ids remembers)")
		in.setNotReady("consumer " + in.cfg.Durable + " deleted; creating it again")
		return true
	}
	return false
}

// consumer connects if needed and creates or updates the durable consumer.
func (in *Input) consumer(ctx context.Context) (jetstream.Consumer, error) {
	if in.nc == nil {
		nc, err := in.cfg.Connect("nomen listener "+in.cfg.Name, in.log)
		if err != nil {
			in.opts.Metrics.ConsumerErrors.WithLabelValues(in.cfg.Name, "connect").Inc()
			return nil, err
		}
		js, err := jetstream.New(nc)
		if err != nil {
			nc.Close()
			return nil, err
		}
		in.nc, in.js = nc, js
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cc := jetstream.ConsumerConfig{
		Durable:       in.cfg.Durable,
		Description:   "nomen listener " + in.cfg.Name,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       in.cfg.AckWait.D(),
		MaxDeliver:    -1, // never given up by the server: malformed messages are nomen's to terminate
		MaxAckPending: in.cfg.MaxAckPending,
	}
	if len(in.cfg.Subjects) == 1 { // one filter works with servers before 2.10 too
		cc.FilterSubject = in.cfg.Subjects[0]
	} else {
		cc.FilterSubjects = in.cfg.Subjects
	}
	cons, err := in.js.CreateOrUpdateConsumer(cctx, in.cfg.Stream, cc)
	if err != nil {
		in.opts.Metrics.ConsumerErrors.WithLabelValues(in.cfg.Name, "consumer").Inc()
		return nil, fmt.Errorf("consumer %s on stream %s: %w", in.cfg.Durable, in.cfg.Stream, err)
	}
	in.log.Info("nats listener: consuming")
	return cons, nil
}

// Connect connects to the listener's servers with its TLS settings and
// credentials, reconnecting for ever; name identifies the connection to
// the server. The partition leases of a tier use it too (relay: [tier]).
func (c *Config) Connect(name string, log *slog.Logger) (*nats.Conn, error) {
	opts := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats: disconnected", "connection", name, "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("nats: reconnected", "connection", name, "server", nc.ConnectedUrlRedacted())
		}),
	}
	if c.TLS != (TLSConfig{}) {
		tc, err := c.TLS.client().Build("")
		if err != nil {
			return nil, err
		}
		opts = append(opts, nats.Secure(tc))
	}
	switch {
	case c.Creds != "":
		opts = append(opts, nats.UserCredentials(c.Creds))
	case c.NKey != "":
		o, err := nats.NkeyOptionFromSeed(c.NKey)
		if err != nil {
			return nil, fmt.Errorf("nkey: %w", err)
		}
		opts = append(opts, o)
	case c.User != "" || c.Password != "":
		opts = append(opts, nats.UserInfo(c.User, c.Password))
	case c.Token != "":
		opts = append(opts, nats.Token(c.Token))
	}
	nc, err := nats.Connect(c.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", c.URL, err)
	}
	return nc, nil
}

// fetch pulls up to fetch_batch messages (fewer when max_ack_pending are
// waiting for the journal: it waits for one to settle) and hands their
// events to the pipeline. It returns the number of messages.
func (in *Input) fetch(ctx context.Context, cons jetstream.Consumer) (int, error) {
	if in.opts.onFetch != nil {
		in.opts.onFetch()
	}
	want := in.acquire(ctx, in.cfg.FetchBatch)
	if want == 0 {
		return 0, nil
	}
	batch, err := cons.Fetch(want, jetstream.FetchMaxWait(time.Second))
	if err != nil {
		in.release(want)
		return 0, err
	}
	var msgs []jetstream.Msg
	for m := range batch.Messages() {
		msgs = append(msgs, m)
	}
	in.release(want - len(msgs))
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && len(msgs) == 0 {
		return 0, err
	}
	if len(msgs) > 0 {
		in.handle(ctx, msgs)
	}
	return len(msgs), nil
}

// acquire takes up to n slots, waiting for the first; it returns how many.
func (in *Input) acquire(ctx context.Context, n int) int {
	select {
	case in.slots <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	got := 1
	for ; got < n; got++ {
		select {
		case in.slots <- struct{}{}:
			continue
		default:
		}
		break
	}
	in.pending.Add(float64(got))
	return got
}

func (in *Input) release(n int) {
	for range n {
		<-in.slots
	}
	in.pending.Sub(float64(n))
}

// handle turns fetched messages into events and submits them; the
// messages are acknowledged once their events are durable.
func (in *Input) handle(ctx context.Context, msgs []jetstream.Msg) {
	now := time.Now()
	var (
		evs  []*event.Event
		ids  []string
		held []jetstream.Msg // acknowledged with the batch
	)
	for _, m := range msgs {
		id, stream, seq := messageID(m)
		switch in.seen.claim(id) {
		case durable:
			in.duplicates.Inc()
			m.Ack()
			in.release(1)
			continue
		case pending:
			// Delivered again while its first delivery waits for the
			// journal: left unacknowledged, it comes back after ack_wait.
			in.release(1)
			continue
		}
		// A message whose conversion panics (a bug in nomen that it
		// found, outside decoding, which keeps such a message raw) is
		// malformed to nomen: it is dead-lettered, with the panic as its
		// reason, rather than given back to come again and panic again.
		var e *event.Event
		var err error
		if p := in.guard("nats listener: converting a message panicked (a bug in nomen: please report it); it is dead-lettered", func() {
			e, err = in.opts.convert(m.Data(), m.Subject(), now)
		}, "stream_sequence", seq); p != nil {
			err = fmt.Errorf("converting it panicked (a bug in nomen): %w", p)
		}
		if err != nil {
			in.deadLetterMsg(m, deadRecord{stream: stream, subject: m.Subject(), msgID: id, seq: seq, reason: err, data: m.Data()}, now)
			in.release(1)
			continue
		}
		e.SetStr(FieldID, id)
		e.SetInt(FieldSeq, int64(seq))
		evs, ids, held = append(evs, e), append(ids, id), append(held, m)
	}
	in.conv.dec.Flush()
	if len(evs) == 0 {
		return
	}
	in.inflight.Add(1)
	b := &pipeline.Batch{Events: evs, Durable: true, Done: in.settleOnce(held, ids)}
	// A Submit that panics has, most likely, not queued the batch (the
	// pipeline queues it last): its messages are given back, as when
	// Submit fails, so that none stays claimed and never journaled. Had
	// it queued the batch after all, the batch's own Done later finds it
	// settled (settleOnce).
	var err error
	if p := in.guard("nats listener: handing a batch to the pipeline panicked (a bug in nomen: please report it); its messages are given back", func() {
		err = in.opts.Pipeline.Submit(ctx, b)
	}, "messages", len(held)); p != nil {
		err = fmt.Errorf("submitting it panicked (a bug in nomen): %w", p)
	}
	if err != nil {
		b.Done(err)
	}
}

// settleOnce returns a batch's Done: the first call settles its messages
// (settle) and ends its in-flight count; a later one (a Submit that
// panicked after queuing the batch, whose messages were given back, then
// journaled after all) settles nothing again, which would acknowledge
// messages already given back, free their max_ack_pending slots twice
// and end the in-flight count twice. Its success still marks the ids
// durable: the redelivery of the messages given back is then
// acknowledged as a duplicate rather than journaled twice (unless it
// came first).
func (in *Input) settleOnce(held []jetstream.Msg, ids []string) func(error) {
	var settled atomic.Bool
	return func(err error) {
		if !settled.CompareAndSwap(false, true) {
			if err == nil {
				in.seen.settle(ids, true)
			}
			return
		}
		defer in.inflight.Done()
		in.settle(held, ids, err)
	}
}

// settle acknowledges messages whose events are durable, or gives them
// back to the server for a prompt redelivery.
func (in *Input) settle(msgs []jetstream.Msg, ids []string, err error) {
	in.seen.settle(ids, err == nil)
	for _, m := range msgs {
		if err == nil {
			m.Ack()
		} else {
			m.NakWithDelay(time.Second)
		}
	}
	if err == nil {
		in.journaled.Add(float64(len(msgs)))
	} else {
		in.warn.Warn("nats listener: events not journaled; the messages will be delivered again", "count", len(msgs), "err", err)
	}
	in.release(len(msgs))
}

// deadLetterMsg writes a malformed message to the dead-letter file and
// terminates it; if the file cannot take it, the message is left to come
// back a minute later.
func (in *Input) deadLetterMsg(m jetstream.Msg, r deadRecord, now time.Time) {
	if err := in.dead.write(in.cfg.Name, now, r); err != nil {
		in.opts.Metrics.ConsumerErrors.WithLabelValues(in.cfg.Name, "dead_letter_write").Inc()
		in.warn.Warn("nats listener: cannot dead-letter a malformed message; it stays in the stream", "err", err, "stream_sequence", r.seq)
		in.seen.settle([]string{r.msgID}, false)
		m.NakWithDelay(time.Minute)
		return
	}
	in.seen.settle([]string{r.msgID}, true)
	in.deadLettered.Inc()
	in.warn.Warn("nats listener: malformed message dead-lettered", "reason", r.reason.Error(), "stream_sequence", r.seq, "file", in.cfg.DeadLetter)
	m.Term() // (TermWithReason needs nats-server 2.10; the reason is in the file)
}

// messageID is the id that tells a redelivery: the message's Nats-Msg-Id,
// else its stream and sequence.
func messageID(m jetstream.Msg) (id, stream string, seq uint64) {
	if md, err := m.Metadata(); err == nil {
		stream, seq = md.Stream, md.Sequence.Stream
	}
	if id = m.Headers().Get(jetstream.MsgIDHeader); id == "" {
		id = stream + ":" + strconv.FormatUint(seq, 10)
	}
	return id, stream, seq
}

// backoff waits 1s, 2s, ... up to 30s between attempts.
type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{d: time.Second} }

func (b *backoff) reset() { b.d = time.Second }

func (b *backoff) wait(ctx context.Context) {
	t := time.NewTimer(b.d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	b.d = min(2*b.d, 30*time.Second)
}
