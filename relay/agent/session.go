package agent

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
)

// maxSessionStreams bounds the streams one session may use.
const maxSessionStreams = 1024

// session is one agent connection. The reader goroutine (run) reads and
// checks frames and turns them into work; the deliverer goroutine delivers
// work in order and acknowledges it; a keepalive goroutine repeats the
// last ACK while a delivery is slow.
type session struct {
	srv  *Server
	raw  net.Conn
	conn net.Conn // raw, or the TLS connection over it
	peer string

	// Set by the handshake, read-only afterwards.
	agent   string
	host    string // host.name of its events: one its certificate allows
	claimed string // the host HELLO named, when the certificate does not allow it

	// Reader-owned.
	r        *wire.Reader
	dec      wire.BatchDecoder
	accepted map[streamKey]uint64 // highest record id handed to the deliverer
	byeRecv  bool
	counted  bool // in nomen_agent_connections

	work      chan work
	delivered chan struct{} // closed when the deliverer has finished
	busy      atomic.Bool   // a delivery is in progress

	wmu     sync.Mutex // serializes writes
	wbuf    []byte
	lastAck *wire.Ack

	closing   chan struct{} // closed by close
	closeOnce sync.Once
	draining  atomic.Bool
	done      chan struct{} // closed when run has returned
}

// work is what the reader hands the deliverer: events to make durable,
// then an ACK of the stream. Without events it is an ACK only (a resent
// batch the relay already holds).
type work struct {
	key     streamKey
	evs     []*event.Event
	seq     uint64 // the stream's position once evs are durable
	records int    // records accepted (for metrics; a GAP has none)
	bytes   int
	batch   bool
}

func newSession(s *Server, raw net.Conn) *session {
	return &session{
		srv:       s,
		raw:       raw,
		conn:      raw,
		peer:      raw.RemoteAddr().String(),
		accepted:  map[streamKey]uint64{},
		work:      make(chan work, 1),
		delivered: make(chan struct{}),
		closing:   make(chan struct{}),
		done:      make(chan struct{}),
	}
}

// close ends the session at once: the connection is closed, the reader
// stops, deliveries in progress still finish.
func (s *session) close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.raw.Close()
	})
}

// drain asks the session to stop reading and end after delivering what it
// has read (Shutdown).
func (s *session) drain() {
	s.draining.Store(true)
	s.raw.SetReadDeadline(time.Now())
}

// supersede ends the session because a newer one of the same agent
// arrived; the caller waits for done.
func (s *session) supersede() {
	s.srv.m.Superseded.Inc()
	s.srv.log.Info("agent: session superseded by a new connection of the same agent", "agent", s.agent, "peer", s.peer)
	s.sendError(wire.CodeSuperseded, "a newer session of this agent took over")
	s.close()
}

func (s *session) run() {
	defer close(s.done)
	defer func() {
		if s.counted {
			s.srv.m.Connections.Dec()
		}
	}()
	defer s.close()
	if !s.readGuarded(s.handshake) {
		return
	}
	defer s.srv.state.release(s.agent, s)

	go s.deliverLoop()
	stopKeepalive := make(chan struct{})
	go s.keepalive(stopKeepalive)
	s.readGuarded(func() bool { s.readLoop(); return true })
	close(s.work)
	<-s.delivered
	close(stopKeepalive)
	if s.srv.onEnd != nil {
		s.srv.onEnd()
	}

	select {
	case <-s.closing:
	default:
		reason := "relay shutting down"
		if s.byeRecv {
			reason = "bye"
		}
		s.write(func(b []byte) []byte { return (&wire.Bye{Reason: reason}).AppendFrame(b) })
	}
}

// handshake runs TLS, HELLO and WELCOME. It reports whether the session
// is established (registered as the agent's live session).
// Long because it is the protocol's steps in order (TLS, identity, HELLO,
// limits, WELCOME), each with its refusal.
func (s *session) handshake() bool {
	srv := s.srv
	deadline := time.Now().Add(srv.cfg.HandshakeTimeout.D())
	s.raw.SetDeadline(deadline)
	certID := ""
	var certNames []string
	if srv.tlsCfg != nil {
		tc := tls.Server(s.raw, srv.tlsCfg)
		ctx, cancel := context.WithDeadline(srv.ctx, deadline)
		err := tc.HandshakeContext(ctx)
		cancel()
		if err != nil {
			srv.protocolError("tls", s.peer, "", "TLS handshake failed: "+err.Error())
			return false
		}
		certs := tc.ConnectionState().PeerCertificates
		if len(certs) > 0 {
			certID = certs[0].Subject.CommonName
			certNames = append([]string{certID}, certs[0].DNSNames...)
		}
		s.conn = tc
	}
	srv.m.Connections.Inc()
	s.counted = true

	s.r = wire.NewReader(s.conn, srv.limits.MaxFrame)
	fr, err := s.r.Read()
	if err != nil {
		s.readFailed(err, "waiting for HELLO")
		return false
	}
	if fr.Type != wire.TypeHello {
		s.fail(&wire.Error{Code: wire.CodeMalformed, Msg: "expected HELLO, got " + fr.Type.String()})
		return false
	}
	var h wire.Hello
	if err := h.Decode(fr.Body); err != nil {
		s.fail(err)
		return false
	}
	if srv.tlsCfg != nil && (certID == "" || h.AgentID != certID) {
		s.agent = h.AgentID
		s.fail(&wire.Error{Code: wire.CodeIdentity,
			Msg: "HELLO agent id " + quote(h.AgentID) + " does not match the client certificate's subject CN " + quote(certID)})
		return false
	}
	s.agent, s.host = h.AgentID, h.Host
	if srv.tlsCfg != nil {
		s.host, s.claimed = boundHost(h.Host, certNames)
		if s.claimed != "" {
			srv.warnings.Log(slog.LevelWarn, "claimed_host:"+s.agent,
				"agent: HELLO names a host its certificate does not allow; its events carry the certificate's name",
				"agent", s.agent, "claimed_host", s.claimed, "host", s.host, "peer", s.peer)
		}
	}

	// One live session per agent: the newest wins. Wait until the old one
	// has finished its deliveries, so the resume points below include them.
	if old := srv.state.claim(s.agent, s); old != nil {
		old.supersede()
		select {
		case <-old.done:
		case <-srv.ctx.Done():
			return false
		}
	}
	w := wire.Welcome{Relay: srv.relayName, Limits: srv.limits, KeepaliveMillis: uint32(srv.cfg.AckKeepalive.D().Milliseconds())}
	for _, st := range h.Streams {
		k := streamKey{st.Channel, st.Epoch}
		pos := srv.state.durable(s.agent, k)
		s.accepted[k] = pos
		w.Streams = append(w.Streams, wire.StreamPos{Channel: st.Channel, Epoch: st.Epoch, Seq: pos})
	}
	s.raw.SetDeadline(time.Time{})
	if err := s.write(func(b []byte) []byte { return w.AppendFrame(b) }); err != nil {
		return false
	}
	srv.m.Sessions.Inc()
	srv.log.Info("agent: session started", "agent", s.agent, "host", s.host, "os", h.OS, "version", h.AgentVersion,
		"peer", s.peer, "streams", len(h.Streams))
	return true
}

func (s *session) readLoop() {
	idle := s.srv.cfg.IdleTimeout.D()
	for {
		s.raw.SetReadDeadline(time.Now().Add(idle))
		if s.draining.Load() {
			return
		}
		fr, err := s.r.Read()
		if err != nil {
			s.readFailed(err, "")
			return
		}
		if s.srv.onFrame != nil {
			s.srv.onFrame(fr)
		}
		switch fr.Type {
		case wire.TypeBatch:
			err = s.onBatch(fr)
		case wire.TypeGap:
			err = s.onGap(fr)
		case wire.TypePing:
			var p wire.Ping
			if err = p.Decode(fr.Body); err == nil {
				err = s.write(func(b []byte) []byte { return p.AppendFrame(b, true) })
				if err != nil {
					return
				}
			}
		case wire.TypePong:
			var p wire.Ping
			err = p.Decode(fr.Body)
		case wire.TypeBye:
			s.byeRecv = true
			return
		case wire.TypeError:
			var e wire.ErrorFrame
			if e.Decode(fr.Body) == nil {
				s.srv.log.Warn("agent: agent reported an error and closed", "agent", s.agent, "peer", s.peer,
					"code", e.Code.String(), "error", e.Msg)
			}
			s.close()
			return
		default:
			err = &wire.Error{Code: wire.CodeMalformed, Msg: "unexpected " + fr.Type.String() + " frame from an agent"}
		}
		if err != nil {
			s.fail(err)
			return
		}
	}
}

// readFailed handles a read error: the end of the connection, a timeout,
// or a frame header that broke the rules.
func (s *session) readFailed(err error, during string) {
	select {
	case <-s.closing:
		return // closed on purpose (superseded, Deliver failed, shutdown deadline)
	default:
	}
	var ne net.Error
	switch {
	case s.draining.Load():
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed):
		if during != "" {
			s.srv.protocolError("eof", s.peer, s.agent, "connection closed "+during)
		}
		s.close()
	case errors.As(err, &ne) && ne.Timeout():
		msg := "the agent sent nothing within idle_timeout"
		if during != "" {
			msg = "no frame within handshake_timeout " + during
		}
		s.fail(&wire.Error{Code: wire.CodeTimeout, Msg: msg})
	default:
		var we *wire.Error
		if errors.As(err, &we) {
			s.fail(we)
			return
		}
		s.srv.log.Debug("agent: connection lost", "agent", s.agent, "peer", s.peer, "err", err)
		s.close()
	}
}

// fail reports a protocol error to the agent and closes the session.
func (s *session) fail(err error) {
	var we *wire.Error
	if !errors.As(err, &we) {
		we = &wire.Error{Code: wire.CodeMalformed, Msg: err.Error()}
	}
	s.srv.protocolError(we.Code.String(), s.peer, s.agent, "agent refused: "+we.Msg)
	s.sendError(we.Code, we.Msg)
	s.close()
}

func (s *session) sendError(c wire.Code, msg string) {
	s.write(func(b []byte) []byte { return (&wire.ErrorFrame{Code: c, Msg: msg}).AppendFrame(b) })
}

// stream returns the reader's position for k, loading it on first use.
func (s *session) stream(k streamKey) (uint64, error) {
	if pos, ok := s.accepted[k]; ok {
		return pos, nil
	}
	if len(s.accepted) >= maxSessionStreams {
		return 0, &wire.Error{Code: wire.CodeLimit, Msg: "too many streams in one session"}
	}
	pos := s.srv.state.durable(s.agent, k)
	s.accepted[k] = pos
	return pos, nil
}

func (s *session) onBatch(fr wire.Frame) error {
	bh, err := wire.ParseBatch(fr.Flags, fr.Body, s.srv.limits)
	if err != nil {
		return err
	}
	k := streamKey{bh.Channel, bh.Epoch}
	pos, err := s.stream(k)
	if err != nil {
		return err
	}
	if bh.Last <= pos || pos == wire.EndOfEpoch {
		// Everything is already durable (a resend after a lost ACK): drop it
		// without decompressing and acknowledge again.
		s.duplicates(int(bh.Count))
		return s.enqueue(work{key: k})
	}
	raw, recs, err := s.dec.Decode(&bh, s.srv.limits)
	if err != nil {
		return err
	}
	fresh := recs
	for len(fresh) > 0 && fresh[0].Seq <= pos {
		fresh = fresh[1:]
	}
	s.duplicates(len(recs) - len(fresh))
	evs, n := s.recordEvents(&bh, raw, fresh, s.srv.now())
	s.dec.Release()
	s.r.Release()
	s.accepted[k] = bh.Last
	return s.enqueue(work{key: k, evs: evs, seq: bh.Last, records: len(evs), bytes: n, batch: true})
}

func (s *session) onGap(fr wire.Frame) error {
	var g wire.Gap
	if err := g.Decode(fr.Body); err != nil {
		return err
	}
	k := streamKey{g.Channel, g.Epoch}
	pos, err := s.stream(k)
	if err != nil {
		return err
	}
	if pos == wire.EndOfEpoch || (g.Last != wire.EndOfEpoch && g.Last <= pos) {
		return s.enqueue(work{key: k}) // reported before
	}
	first := max(g.First, pos+1)
	s.srv.m.Gaps.WithLabelValues(g.Reason.String()).Inc()
	s.accepted[k] = g.Last
	return s.enqueue(work{key: k, evs: []*event.Event{s.gapEvent(&g, first, s.srv.now())}, seq: g.Last})
}

func (s *session) duplicates(n int) {
	if n <= 0 {
		return
	}
	s.srv.m.Duplicates.Add(float64(n))
	if s.srv.dupShared != nil {
		s.srv.dupShared.Add(float64(n))
	}
}

// enqueue hands work to the deliverer, waiting while it is busy (which
// stops reading: TCP pushes back on the agent).
func (s *session) enqueue(w work) error {
	select {
	case s.work <- w:
		return nil
	case <-s.closing:
		return errClosing
	}
}

var errClosing = errors.New("session closing")

func (s *session) deliverLoop() {
	defer close(s.delivered)
	failed := false
	for w := range s.work {
		if failed {
			continue // the agent resends all of it after reconnecting
		}
		failed = !s.deliverOne(w)
	}
}

// deliverOne delivers w and acknowledges it; false ends the session.
//
// A panic outside the delivery itself (deliverGuarded), in the
// bookkeeping or the ACK (a bug in nomen), ends the session as a failed
// delivery does, instead of the process: counted (step "session") and
// logged with its stack. The delivery's token is given back, so that the
// agents' cursors are saved on; the agent sends again what was not
// acknowledged.
func (s *session) deliverOne(w work) (ok bool) {
	srv := s.srv
	var tok uint64
	defer func() {
		if p := panics.Of(recover()); p != nil {
			s.busy.Store(false)
			if tok != 0 {
				srv.state.finish(tok, s.agent, w.key, 0, nil) // (finish again is harmless)
			}
			s.sessionPanicked(p, "acknowledging a batch")
			ok = false
		}
	}()
	if len(w.evs) > 0 {
		tok = srv.state.begin()
		s.busy.Store(true)
		err := s.deliverGuarded(w.evs)
		s.busy.Store(false)
		if err != nil {
			srv.state.finish(tok, s.agent, w.key, 0, nil)
			srv.warnings.Log(slog.LevelError, "deliver", "agent: cannot make a batch durable; the agent will send it again",
				"agent", s.agent, "channel", w.key.channel, "err", err)
			s.sendError(wire.CodeUnavailable, "the relay could not store the batch; retry later")
			s.close()
			return false
		}
		srv.state.finish(tok, s.agent, w.key, w.seq, w.evs)
		tok = 0
		if w.batch {
			srv.m.Batches.Inc()
			srv.m.Events.Add(float64(w.records))
			srv.m.Bytes.Add(float64(w.bytes))
			if srv.recvEvents != nil {
				srv.recvEvents.Add(float64(w.records))
			}
			if srv.recvBytes != nil {
				srv.recvBytes.Add(float64(w.bytes))
			}
		}
	}
	pos := srv.state.durable(s.agent, w.key)
	if pos == 0 {
		return true
	}
	ack := &wire.Ack{Channel: w.key.channel, Epoch: w.key.epoch, Seq: pos}
	if srv.onAck != nil {
		srv.onAck(ack)
	}
	s.write(func(b []byte) []byte {
		s.lastAck = ack
		return ack.AppendFrame(b)
	})
	return true
}

// keepalive repeats the last ACK (or PINGs) every ack_keepalive while a
// delivery is in progress, so the agent's read timeout does not fire
// while the journal is slow.
//
// A panic here (a bug in nomen) ends the session (sessionPanicked): the
// agent would otherwise time out waiting for keepalives anyway.
func (s *session) keepalive(stop chan struct{}) {
	t := time.NewTicker(s.srv.cfg.AckKeepalive.D())
	defer t.Stop()
	defer func() {
		if p := panics.Of(recover()); p != nil {
			s.sessionPanicked(p, "a keepalive")
		}
	}()
	for {
		select {
		case <-stop:
			return
		case <-s.closing:
			return
		case <-t.C:
			if !s.busy.Load() && len(s.work) == 0 {
				continue
			}
			if s.srv.onKeepalive != nil {
				s.srv.onKeepalive()
			}
			s.write(func(b []byte) []byte {
				if s.lastAck != nil {
					return s.lastAck.AppendFrame(b)
				}
				return (&wire.Ping{Token: uint64(time.Now().UnixNano())}).AppendFrame(b, false)
			})
		}
	}
}

// write builds a frame with build (under the write lock) and sends it. A
// failed write closes the session.
func (s *session) write(build func([]byte) []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.wbuf = build(s.wbuf[:0])
	s.raw.SetWriteDeadline(time.Now().Add(s.srv.cfg.IdleTimeout.D()))
	_, err := s.conn.Write(s.wbuf)
	if cap(s.wbuf) > 64<<10 {
		s.wbuf = nil
	}
	if err != nil {
		s.close()
	}
	return err
}

func quote(s string) string { return "\"" + s + "\"" }

// boundHost returns the host name an agent's events carry: the one HELLO
// claims if the certificate allows it (its subject CN or a SAN DNS name,
// or the first label of one, case-insensitively: Windows says "WS01" for
// ws01.corp.example), else the certificate's CN, with the claim returned
// to be kept beside it (FieldClaimedHost). A certificate speaks for its
// own host only.
func boundHost(claim string, certNames []string) (host, claimed string) {
	if len(certNames) == 0 {
		return claim, ""
	}
	for _, name := range certNames {
		first, _, _ := strings.Cut(name, ".")
		if strings.EqualFold(claim, name) || strings.EqualFold(claim, first) {
			return claim, ""
		}
	}
	return certNames[0], claim
}
