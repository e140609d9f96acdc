// Package agent is the relay side of the native agent protocol (see
// relay/wire): a listener for nomen-agent connections over mutual TLS 1.3.
//
// Each connection is a session: TLS handshake, HELLO (the agent id must be
// the client certificate's subject CN), WELCOME with the relay's limits
// and a resume point per stream, then BATCH and GAP frames. A session reads
// and checks frames in one goroutine and delivers them in another, so the
// next batch is decoded while the previous one is being journaled. A batch
// is acknowledged only after Deliver returned nil (the events are durable);
// while Deliver is slow the last ACK is repeated as a keepalive. Records
// the relay already holds are dropped by sequence number. A session that
// breaks a rule gets an ERROR frame and is closed; other sessions do not
// notice.
//
// The package does not know the journal or the pipeline: the relay hands
// NewServer a Deliver function that normalizes, tracks, correlates and
// journals events and returns once they are durable.
package agent

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/netacl"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
)

// Deliver hands events to the relay's pipeline and returns only once they
// are durable in the journal. An error means they may not be: the batch is
// not acknowledged and the agent sends it again later. Deliver owns the
// events once called.
type Deliver func(ctx context.Context, evs []*event.Event) error

// AgentType is agent.type on every event from the native protocol.
const AgentType = "nomen-agent"

// Option customizes a Server.
type Option func(*Server)

// WithState shares cursors and the live-session registry between agent
// listeners (see State). Without it, the server opens its own State on
// cfg.StateDir and closes it at Shutdown.
func WithState(st *State) Option { return func(s *Server) { s.state = st } }

// WithMetrics uses m, created once (NewMetrics), instead of registering a
// set of the server's own with its registerer: servers that share a
// registry (several listeners, restarts) must share one set.
func WithMetrics(m *Metrics) Option { return func(s *Server) { s.m = m } }

// WithDuplicateCounter also counts dropped duplicates in c (the relay's
// nomen_duplicate_events_total).
func WithDuplicateCounter(c prometheus.Counter) Option { return func(s *Server) { s.dupShared = c } }

// WithReceivedCounters also counts accepted records and their bytes in the
// relay's per-listener counters (nomen_received_events_total{listener},
// nomen_received_bytes_total{listener}).
func WithReceivedCounters(events, bytes prometheus.Counter) Option {
	return func(s *Server) { s.recvEvents, s.recvBytes = events, bytes }
}

// WithRelayName sets the name WELCOME reports (e.g. "nomen 1.2.0 relay1").
func WithRelayName(name string) Option { return func(s *Server) { s.relayName = name } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server accepts agent connections for one listener.
type Server struct {
	cfg        Config
	limits     wire.Limits
	tlsCfg     *tls.Config
	nets       netacl.List
	deliver    Deliver
	log        *slog.Logger
	m          *Metrics
	state      *State
	ownState   bool
	relayName  string
	now        func() time.Time
	dupShared  prometheus.Counter
	recvEvents prometheus.Counter
	recvBytes  prometheus.Counter
	warnings   *logthrottle.Logger // per reason: one bad agent must not flood the log
	panicLog   *logthrottle.Logger // panics survived (internal/panics), with their stacks
	// onFrame, if set, sees each frame a session reads after HELLO;
	// tests make it panic.
	onFrame func(wire.Frame)
	// onAck, if set, sees each ACK the deliverer sends, onKeepalive each
	// keepalive tick; tests make them panic.
	onAck       func(*wire.Ack)
	onKeepalive func()
	// onAdmit, if set, sees each connection accepted; tests make it panic.
	onAdmit func(net.Conn)
	// onEnd, if set, runs as a session ends, before its BYE and the
	// deferred release of its state; tests make it panic.
	onEnd func()

	// ctx is passed to Deliver; it is cancelled only when Shutdown's
	// deadline passes.
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	sessions  map[*session]struct{}
	conns     int
	draining  bool
	wg        sync.WaitGroup
}

// NewServer checks cfg (after applying defaults) and returns a server that
// delivers agents' events through deliver.
func NewServer(cfg Config, deliver Deliver, log *slog.Logger, reg prometheus.Registerer, opts ...Option) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if deliver == nil {
		return nil, errors.New("agent: NewServer: deliver is nil")
	}
	cfg = cfg.WithDefaults()
	if cfg.Protocol == "" {
		cfg.Protocol = "agent"
	}
	if err := cfg.validate(cfg.Address != ""); err != nil {
		return nil, fmt.Errorf("agent: listener %q: %w", cfg.Name, err)
	}
	s := &Server{
		cfg:       cfg,
		limits:    cfg.limits(),
		deliver:   deliver,
		log:       log.With("listener", cfg.Name),
		relayName: "nomen",
		now:       time.Now,
		listeners: map[net.Listener]struct{}{},
		sessions:  map[*session]struct{}{},
	}
	s.warnings = logthrottle.New(s.log, logthrottle.DefaultEvery)
	s.panicLog = logthrottle.New(s.log, logthrottle.DefaultEvery)
	s.nets, _ = netacl.Parse(cfg.AllowedNetworks)
	if !cfg.PlaintextForTesting {
		var err error
		if s.tlsCfg, err = cfg.TLS.build(); err != nil {
			return nil, fmt.Errorf("agent: listener %q: %w", cfg.Name, err)
		}
	}
	for _, o := range opts {
		o(s)
	}
	if s.m == nil {
		s.m = NewMetrics(reg)
	}
	if s.state == nil {
		st, err := OpenState(cfg.StateDir, log)
		if err != nil {
			return nil, err
		}
		s.state, s.ownState = st, true
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if cfg.PlaintextForTesting {
		s.log.Warn("agent listener accepts PLAINTEXT connections (plaintext_for_testing = true): " +
			"agent identities are NOT verified and events travel unencrypted; never use this in production")
	}
	return s, nil
}

// State returns the server's cursors and session registry.
func (s *Server) State() *State { return s.state }

// Serve accepts connections on ln (a plain TCP listener: the server does
// the TLS handshake itself, per connection, with a timeout) until
// Shutdown. It returns nil after Shutdown, else the accept error.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.draining {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.listeners[ln] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()
	var delay time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			draining := s.draining
			s.mu.Unlock()
			if draining {
				return nil
			}
			// EMFILE and friends pass: back off and keep serving (net/http does the same).
			if te, ok := err.(interface{ Temporary() bool }); ok && te.Temporary() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.log.Warn("agent: accept failed, retrying", "err", err, "in", delay)
				time.Sleep(delay)
				continue
			}
			return fmt.Errorf("agent: listener %q: accept: %w", s.cfg.Name, err)
		}
		delay = 0
		s.admit(conn)
	}
}

// admit starts conn's session, or refuses it. A panic here (a bug in
// nomen) closes conn, so that it does not leak, and goes on to Serve's
// caller, which counts it and serves again (relay: the agent_accept
// task).
func (s *Server) admit(conn net.Conn) {
	started := false
	defer func() {
		if !started {
			conn.Close() // refused, or a panic
		}
	}()
	if s.onAdmit != nil {
		s.onAdmit(conn)
	}
	if !s.nets.AllowsNet(conn.RemoteAddr()) {
		s.protocolError("not_allowed", conn.RemoteAddr().String(), "", "connection from a network not in allowed_networks")
		return
	}
	s.mu.Lock()
	if s.draining || s.conns >= s.cfg.MaxConnections {
		draining := s.draining
		s.mu.Unlock()
		if !draining {
			s.protocolError("max_connections", conn.RemoteAddr().String(), "", "max_connections reached")
		}
		return
	}
	s.conns++
	s.wg.Add(1)
	s.mu.Unlock()
	started = true
	go s.handle(conn)
}

// handle runs one connection to its end.
func (s *Server) handle(raw net.Conn) {
	defer func() {
		s.mu.Lock()
		s.conns--
		s.mu.Unlock()
		s.wg.Done()
	}()
	sess := newSession(s, raw)
	s.mu.Lock()
	if s.draining {
		s.mu.Unlock()
		raw.Close()
		return
	}
	s.sessions[sess] = struct{}{}
	s.mu.Unlock()
	s.runGuarded(sess)
	s.mu.Lock()
	delete(s.sessions, sess)
	s.mu.Unlock()
}

// Shutdown stops accepting, lets every session finish the batches it has
// read (delivered and acknowledged), says BYE and closes. When ctx ends
// first, deliveries in progress are cancelled and connections closed.
// The cursors are written before it returns.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	for ln := range s.listeners {
		ln.Close()
	}
	for sess := range s.sessions {
		sess.drain()
	}
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("agent: listener %q: shutdown: %w", s.cfg.Name, ctx.Err())
		s.cancel()
		s.mu.Lock()
		for sess := range s.sessions {
			sess.close()
		}
		s.mu.Unlock()
		<-done
	}
	s.cancel()
	if s.ownState {
		if cerr := s.state.Close(); cerr != nil && err == nil {
			err = cerr
		}
	} else if ferr := s.state.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	return err
}

// protocolError counts a refused or closed connection and logs it,
// rate-limited per reason.
func (s *Server) protocolError(reason, peer, agent, msg string) {
	s.m.ProtocolErrors.WithLabelValues(reason).Inc()
	args := []any{"reason", reason, "peer", peer}
	if agent != "" {
		args = append(args, "agent", agent)
	}
	s.warnings.Log(slog.LevelWarn, reason, "agent: "+msg, args...)
}
