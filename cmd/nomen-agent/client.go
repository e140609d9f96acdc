package main

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/nomenhq/nomen/relay/wire"
)

// Options configure the agent's connection and batching.
type Options struct {
	Relay        string      // host:port
	TLS          *tls.Config // nil: plaintext (-plaintext-for-testing only)
	AgentID      string      // the client certificate's CN
	Host         string
	OS           string
	AgentVersion string

	// Batching, like Nagle: a batch is sent when it has BatchEvents
	// records or BatchBytes bytes, or BatchDelay after its first record.
	// BatchBytes bounds the agent's buffers (the batch, its lz4 block and
	// its frame: about three times BatchBytes).
	BatchEvents int
	BatchBytes  int
	BatchDelay  time.Duration
	// Window bounds the batches sent and not yet acknowledged.
	Window int

	BackoffMin, BackoffMax time.Duration
	DialTimeout            time.Duration

	// Finite: stop once every source is exhausted and acknowledged
	// (replay). Otherwise run until the context ends.
	Finite bool

	Log *slog.Logger
}

// defaultBatchBytes: 256 KiB batches take 10,000 records of 1 KiB a
// second in 40 batches, with buffers of under a MiB.
const defaultBatchBytes = 256 << 10

func (o *Options) setDefaults() {
	if o.BatchEvents <= 0 {
		o.BatchEvents = 1000
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = defaultBatchBytes
	}
	if o.BatchDelay <= 0 {
		o.BatchDelay = 200 * time.Millisecond
	}
	if o.Window <= 0 {
		o.Window = 16
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = 500 * time.Millisecond
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 30 * time.Second
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Agent sends its sources' records to the relay, reconnecting with
// backoff, until its context ends (or, Finite, until all is acknowledged).
type Agent struct {
	opt     Options
	sources []Source
	state   *agentState

	mu     sync.Mutex
	acked  int // records acknowledged (duplicates included)
	sent   int // records sent (resends included)
	closed map[streamKey]bool
}

type streamKey struct {
	channel string
	epoch   uint64
}

// newAgent returns an agent for the sources.
func newAgent(opt Options, state *agentState, sources ...Source) *Agent {
	opt.setDefaults()
	return &Agent{opt: opt, sources: sources, state: state, closed: map[streamKey]bool{}}
}

// errPermanent wraps a relay refusal that retrying will not cure.
type errPermanent struct{ err error }

func (e errPermanent) Error() string { return e.err.Error() }
func (e errPermanent) Unwrap() error { return e.err }

// Run runs sessions until ctx ends or, for a finite agent, everything is
// acknowledged. A finite agent gives up on a permanent refusal (identity,
// version); a service keeps trying at the longest backoff, so an operator
// can fix the relay side without touching the agent.
func (a *Agent) Run(ctx context.Context) error {
	log := a.opt.Log
	delay := a.opt.BackoffMin
	defer a.state.save()
	for {
		start := time.Now()
		done, progressed, err := a.session(ctx)
		a.state.save()
		if done {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var perm errPermanent
		if errors.As(err, &perm) {
			if a.opt.Finite {
				return err
			}
			log.Error("relay refused this agent; retrying", "relay", a.opt.Relay, "err", err, "in", a.opt.BackoffMax)
			delay = a.opt.BackoffMax
		} else {
			if progressed || time.Since(start) > time.Minute {
				delay = a.opt.BackoffMin
			}
			log.Warn("relay session ended; reconnecting", "relay", a.opt.Relay, "err", err, "in", delay.Round(time.Millisecond))
		}
		// Full jitter between half and all of the delay: agents that lost the
		// relay together do not come back in lockstep.
		sleep := delay/2 + rand.N(delay/2+1)
		select {
		case <-time.After(sleep):
		case <-ctx.Done():
			return ctx.Err()
		}
		delay = min(2*delay, a.opt.BackoffMax)
	}
}

func (a *Agent) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: a.opt.DialTimeout, KeepAlive: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", a.opt.Relay)
	if err != nil {
		return nil, err
	}
	if a.opt.TLS == nil {
		return conn, nil
	}
	tc := tls.Client(conn, a.opt.TLS)
	hctx, cancel := context.WithTimeout(ctx, a.opt.DialTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		return nil, classifyTLS(fmt.Errorf("TLS handshake with %s: %w", a.opt.Relay, err))
	}
	return tc, nil
}

// classifyTLS marks certificate refusals permanent: the relay's
// certificate failed verification here, or the relay refused ours (with
// TLS 1.3 that arrives as an alert on the first read, after the
// handshake).
func classifyTLS(err error) error {
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return errPermanent{err}
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		if m := op.Err.Error(); strings.Contains(m, "certificate") || strings.Contains(m, "access denied") {
			return errPermanent{fmt.Errorf("the relay refused this agent's certificate: %w", err)}
		}
	}
	return err
}

// inbound is a decoded frame from the relay (or the read error).
type inbound struct {
	typ  wire.Type
	ack  wire.Ack
	errf wire.ErrorFrame
	ping wire.Ping
	err  error
}

// sentBatch is a BATCH or GAP awaiting its ACK.
type sentBatch struct {
	key     streamKey
	last    uint64
	records int
}

// session runs one connection. done: everything is acknowledged (finite
// agents); progressed: the relay acknowledged something.
func (a *Agent) session(ctx context.Context) (done, progressed bool, err error) {
	log := a.opt.Log
	conn, err := a.dial(ctx)
	if err != nil {
		return false, false, err
	}
	defer conn.Close()
	s := &sess{agent: a, conn: conn}

	// HELLO, WELCOME.
	hello := wire.Hello{AgentID: a.opt.AgentID, Host: a.opt.Host, OS: a.opt.OS, AgentVersion: a.opt.AgentVersion}
	for _, src := range a.sources {
		st := a.state.stream(src.Channel())
		acked := uint64(0)
		if st.Epoch == src.Epoch() {
			acked = st.Acked
		}
		hello.Streams = append(hello.Streams, wire.StreamPos{Channel: src.Channel(), Epoch: src.Epoch(), Seq: acked})
	}
	if err := s.write(hello.AppendFrame(nil)); err != nil {
		return false, false, err
	}
	r := wire.NewReader(conn, 0) // the relay sends no BATCH frames
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	fr, err := r.Read()
	if err != nil {
		return false, false, classifyTLS(fmt.Errorf("waiting for WELCOME: %w", err))
	}
	var w wire.Welcome
	switch fr.Type {
	case wire.TypeWelcome:
		if err := w.Decode(fr.Body); err != nil {
			return false, false, err
		}
	case wire.TypeError:
		var ef wire.ErrorFrame
		if err := ef.Decode(fr.Body); err != nil {
			return false, false, err
		}
		return false, false, relayError(&ef)
	default:
		return false, false, fmt.Errorf("expected WELCOME, got %v", fr.Type)
	}
	s.limits(w)
	log.Info("connected to relay", "relay", a.opt.Relay, "relay_name", w.Relay, "agent", a.opt.AgentID,
		"batch_events", s.batchEvents, "batch_bytes", s.batchBytes)

	// Sources produce from the relay's resume points.
	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		conn.Close()
		wg.Wait()
	}()
	items := make(chan Item, 1024)
	srcDone := make(chan int, len(a.sources))
	srcErr := make(chan error, len(a.sources))
	for i, src := range a.sources {
		resume := uint64(0)
		for _, st := range w.Streams {
			if st.Channel == src.Channel() && st.Epoch == src.Epoch() {
				resume = st.Seq
			}
		}
		if resume == wire.EndOfEpoch {
			a.markClosed(streamKey{src.Channel(), src.Epoch()})
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := src.Run(sctx, src.Epoch(), resume, items); err == nil {
				srcDone <- i
			} else if sctx.Err() == nil {
				srcErr <- fmt.Errorf("source %s: %w", src.Channel(), err)
			}
		}()
	}

	// The reader decodes what the relay sends.
	frames := make(chan inbound)
	readTimeout := max(4*s.keepalive, 10*time.Second)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn.SetReadDeadline(time.Now().Add(readTimeout))
			in := readInbound(r)
			select {
			case frames <- in:
			case <-sctx.Done():
				return
			}
			if in.err != nil {
				return
			}
		}
	}()

	ping := time.NewTicker(s.keepalive)
	defer ping.Stop()
	exhausted := 0
	byeSent := false
	for {
		if exhausted == len(a.sources) && len(items) == 0 && len(s.pending) > 0 {
			// Sources are done: no reason to wait for the batch delay.
			if err := s.flushAll(); err != nil {
				return false, progressed, err
			}
		}
		if a.opt.Finite && !byeSent && exhausted == len(a.sources) && len(items) == 0 && len(s.pending) == 0 && len(s.inflight) == 0 {
			if err := s.write((&wire.Bye{Reason: "replay complete"}).AppendFrame(nil)); err != nil {
				return false, progressed, err
			}
			byeSent = true
		}
		var in chan Item
		if !byeSent && len(s.inflight) < a.opt.Window {
			in = items
		}
		select {
		case it := <-in:
			err = s.add(it)
		case <-srcDone:
			exhausted++
		case err = <-srcErr:
		case <-s.timerC:
			s.timerC = nil
			err = s.flushAll()
		case f := <-frames:
			switch {
			case f.err != nil:
				if byeSent && errors.Is(f.err, io.EOF) {
					return true, progressed, nil
				}
				err = fmt.Errorf("reading from relay: %w", f.err)
			case f.typ == wire.TypeAck:
				if s.onAck(f.ack) {
					progressed = true
				}
			case f.typ == wire.TypePing:
				err = s.write(f.ping.AppendFrame(nil, true))
			case f.typ == wire.TypePong:
			case f.typ == wire.TypeError:
				err = relayError(&f.errf)
			case f.typ == wire.TypeBye:
				if byeSent {
					return true, progressed, nil
				}
				err = errors.New("relay said BYE (shutting down)")
			default:
				err = fmt.Errorf("unexpected %v frame from the relay", f.typ)
			}
		case <-ping.C:
			if time.Since(s.lastWrite) >= s.keepalive {
				err = s.write((&wire.Ping{Token: uint64(time.Now().UnixNano())}).AppendFrame(nil, false))
			}
		case <-ctx.Done():
			s.write((&wire.Bye{Reason: "agent stopping"}).AppendFrame(nil))
			return false, progressed, ctx.Err()
		}
		if err != nil {
			return false, progressed, err
		}
		if serr := a.state.saveIfDue(); serr != nil {
			log.Error("cannot save the agent state", "err", serr)
		}
	}
}

func readInbound(r *wire.Reader) inbound {
	fr, err := r.Read()
	if err != nil {
		return inbound{err: err}
	}
	in := inbound{typ: fr.Type}
	switch fr.Type {
	case wire.TypeAck:
		err = in.ack.Decode(fr.Body)
	case wire.TypeError:
		err = in.errf.Decode(fr.Body)
	case wire.TypePing, wire.TypePong:
		err = in.ping.Decode(fr.Body)
	case wire.TypeBye:
		var b wire.Bye
		err = b.Decode(fr.Body)
	}
	if err != nil {
		return inbound{err: err}
	}
	return in
}

// relayError turns an ERROR from the relay into an error, permanent when
// retrying cannot help.
func relayError(ef *wire.ErrorFrame) error {
	err := fmt.Errorf("relay refused: %w", ef.Err())
	if !ef.Code.Retryable() {
		return errPermanent{err}
	}
	return err
}

func (a *Agent) markClosed(k streamKey) {
	a.mu.Lock()
	a.closed[k] = true
	a.mu.Unlock()
}

func (a *Agent) isClosed(k streamKey) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed[k]
}

// Stats returns the records sent (resends included) and acknowledged.
func (a *Agent) Stats() (sent, acked int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sent, a.acked
}

// sess is the sending side of one session; it is used by one goroutine.
type sess struct {
	agent *Agent
	conn  net.Conn

	batchEvents, batchBytes int
	maxRecord               int
	maxRatio                uint32
	keepalive               time.Duration

	pending   map[string]*wire.BatchBuilder // by channel
	free      []*wire.BatchBuilder
	inflight  []sentBatch
	timer     *time.Timer
	timerC    <-chan time.Time
	buf       []byte
	lastWrite time.Time
}

// limits sizes batches to the relay's limits.
func (s *sess) limits(w wire.Welcome) {
	o := s.agent.opt
	l := w.Limits
	s.batchEvents = min(o.BatchEvents, int(l.MaxBatchRecords))
	// A batch may go out uncompressed, so its block must fit in a frame
	// with the longest channel name. A record larger than -batch-bytes
	// travels alone; one larger than the relay takes is declared lost.
	maxBlock := min(int(l.MaxBatchBytes), int(l.MaxFrame)-wire.BatchOverhead("")-wire.MaxName)
	s.batchBytes = min(o.BatchBytes, maxBlock)
	s.maxRecord = min(int(l.MaxRecord), maxBlock-2*binary.MaxVarintLen64)
	s.maxRatio = l.MaxRatio
	s.keepalive = time.Duration(w.KeepaliveMillis) * time.Millisecond
	s.pending = map[string]*wire.BatchBuilder{}
}

func (s *sess) write(frame []byte) error {
	s.conn.SetWriteDeadline(time.Now().Add(max(6*s.keepalive, 30*time.Second)))
	if _, err := s.conn.Write(frame); err != nil {
		return fmt.Errorf("writing to relay: %w", err)
	}
	s.lastWrite = time.Now()
	return nil
}

// add puts an item into its channel's batch, sending batches as they fill.
func (s *sess) add(it Item) error {
	if it.Gap == nil && len(it.Data) > s.maxRecord {
		// The agent never drops silently: a record the relay cannot take is
		// declared lost, and becomes an alert there.
		it.Gap = &wire.Gap{Reason: wire.GapUnreadable, First: it.Seq, Last: it.Seq, UnixNano: time.Now().UnixNano(),
			Detail: fmt.Sprintf("record of %d bytes is larger than the relay's max_record (%d)", len(it.Data), s.maxRecord)}
	}
	channel := it.Channel
	k := streamKey{channel, it.Epoch}
	if s.agent.isClosed(k) {
		return nil // the relay closed this epoch: nothing more is accepted
	}
	if it.Gap != nil {
		if err := s.flush(channel); err != nil {
			return err
		}
		g := *it.Gap
		g.Channel, g.Epoch = channel, it.Epoch
		if err := s.write(g.AppendFrame(s.buf[:0])); err != nil {
			return err
		}
		s.inflight = append(s.inflight, sentBatch{key: k, last: g.Last})
		return nil
	}
	b := s.pending[channel]
	if b != nil && (b.Epoch() != it.Epoch || it.Seq <= b.Last() || b.Count() >= s.batchEvents ||
		b.SizeWith(it.Seq, len(it.Data)) > s.batchBytes) {
		if err := s.flush(channel); err != nil {
			return err
		}
		b = nil
	}
	if b == nil {
		if n := len(s.free); n > 0 {
			b, s.free = s.free[n-1], s.free[:n-1]
		} else {
			b = new(wire.BatchBuilder)
		}
		b.Reset(channel, it.Epoch)
		s.pending[channel] = b
		if s.timerC == nil {
			if s.timer == nil {
				s.timer = time.NewTimer(s.agent.opt.BatchDelay)
			} else {
				s.timer.Reset(s.agent.opt.BatchDelay)
			}
			s.timerC = s.timer.C
		}
	}
	b.Add(it.Seq, it.Data)
	if b.Count() >= s.batchEvents || b.Size() >= s.batchBytes {
		return s.flush(channel)
	}
	return nil
}

func (s *sess) flush(channel string) error {
	b := s.pending[channel]
	if b == nil {
		return nil
	}
	delete(s.pending, channel)
	s.free = append(s.free, b)
	s.buf = b.AppendFrame(s.buf[:0], s.maxRatio)
	if err := s.write(s.buf); err != nil {
		return err
	}
	s.inflight = append(s.inflight, sentBatch{key: streamKey{channel, b.Epoch()}, last: b.Last(), records: b.Count()})
	s.agent.mu.Lock()
	s.agent.sent += b.Count()
	s.agent.mu.Unlock()
	if cap(s.buf) > 8<<20 {
		s.buf = nil
	}
	return nil
}

func (s *sess) flushAll() error {
	for ch := range s.pending {
		if err := s.flush(ch); err != nil {
			return err
		}
	}
	return nil
}

// onAck retires acknowledged batches and records the position; it
// reports whether the ACK moved anything.
func (s *sess) onAck(a wire.Ack) bool {
	k := streamKey{a.Channel, a.Epoch}
	if a.Seq == wire.EndOfEpoch {
		s.agent.markClosed(k)
	}
	moved := false
	kept := s.inflight[:0]
	for _, b := range s.inflight {
		if b.key == k && b.last <= a.Seq {
			moved = true
			s.agent.mu.Lock()
			s.agent.acked += b.records
			s.agent.mu.Unlock()
			continue
		}
		kept = append(kept, b)
	}
	s.inflight = kept
	if a.Seq != wire.EndOfEpoch {
		s.agent.state.acked(a.Channel, a.Epoch, a.Seq)
	}
	return moved
}
