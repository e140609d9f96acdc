package listen

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/framing"
)

// streamListener serves tcp and tls (RFC 5425): one goroutine per
// connection reads, frames, parses and normalizes; when the pipeline is
// full it simply stops reading, so TCP flow control slows the sender
// down instead of anything being dropped.
type streamListener struct {
	ln     net.Listener
	rt     *listenerRuntime
	tlsCfg *tls.Config
	slots  chan struct{} // connection limit

	mu      sync.Mutex
	conns   map[*idleConn]struct{}
	perPeer map[netip.Addr]int // open connections by sender address
	closing bool
	wg      sync.WaitGroup
}

// When the listener is closed (SIGTERM, or a reload that replaces or
// removes it), each connection first ends nomen's side of the stream (a
// FIN): a sender that watches for it, as rsyslog does, stops writing and
// closes its side, and the connection reads everything it sent up to that
// end (its socket buffers: a few MiB at most), losing nothing; the sender
// reconnects and goes on, or queues while nomen is down. A connection
// drains until the sender's end, until the sender has been silent for
// drainGrace, or until it has read drainBytes since the close (a sender
// that ignores the end and keeps writing would hold the stop forever);
// then it flushes its batch into the pipeline (which stops only after the
// listeners: relay.Stop) and is closed. A sender that went on writing
// loses what the kernel had not handed to nomen yet, and learns it:
// closing a socket with unread data, or receiving data on a closed one,
// makes the kernel answer with a reset (logged, with the bytes left
// unread); the frame being read when the stream was cut is kept, flagged
// nomen.truncated.
const (
	drainGrace = 300 * time.Millisecond
	// drainBytes is above what a sender's and nomen's socket buffers hold
	// at Linux's defaults (tcp_wmem 4 MiB, tcp_rmem 6 MiB).
	drainBytes = 16 << 20
)

// handshakeTimeout bounds a TLS handshake so a silent client cannot hold a slot.
const handshakeTimeout = 10 * time.Second

func startStream(ctx context.Context, rt *listenerRuntime) (Listener, error) {
	l := &streamListener{rt: rt, conns: map[*idleConn]struct{}{}, perPeer: map[netip.Addr]int{},
		slots: make(chan struct{}, rt.cfg.MaxConnections)}
	if rt.cfg.Protocol == "tls" {
		cfg, err := rt.cfg.TLS.build()
		if err != nil {
			return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
		}
		l.tlsCfg = cfg
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", rt.cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
	}
	l.ln = ln
	// Exported at 0 from the start, not at the first connection.
	rt.metrics.Connections.WithLabelValues(rt.cfg.Name)
	rt.metrics.Panics.WithLabelValues(rt.cfg.Name)
	for _, reason := range []string{"max_connections", "max_connections_per_source"} {
		rt.metrics.Rejected.WithLabelValues(rt.cfg.Name, reason)
	}
	if rt.cfg.Protocol == "tls" {
		rt.metrics.Rejected.WithLabelValues(rt.cfg.Name, "tls_handshake")
	}
	for _, kind := range []string{"bad_length", "incomplete", "empty"} {
		rt.metrics.FramingErrors.WithLabelValues(rt.cfg.Name, kind)
	}
	l.wg.Add(1)
	go l.accept()
	return l, nil
}

func (l *streamListener) Addr() net.Addr { return l.ln.Addr() }

// Close stops accepting; open connections drain (see drainGrace), flush,
// and close.
func (l *streamListener) Close() error {
	err := l.ln.Close()
	l.mu.Lock()
	l.closing = true
	for c := range l.conns {
		c.drain()
		c.closeWrite()
	}
	l.mu.Unlock()
	return err
}

func (l *streamListener) Wait() { l.wg.Wait() }

func (l *streamListener) accept() {
	defer l.wg.Done()
	name := l.rt.cfg.Name
	notAllowed := l.rt.metrics.Rejected.WithLabelValues(name, "not_allowed")
	tooMany := l.rt.metrics.Rejected.WithLabelValues(name, "max_connections")
	tooManyFromPeer := l.rt.metrics.Rejected.WithLabelValues(name, "max_connections_per_source")
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			l.rt.warn.Warn("accept failed", "listener", name, "err", err)
			time.Sleep(50 * time.Millisecond) // e.g. EMFILE: do not spin
			continue
		}
		var src netip.Addr
		if ta, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
			src = ta.AddrPort().Addr().Unmap()
		}
		if !l.rt.acl.Allows(src) {
			notAllowed.Inc()
			l.rt.warn.Warn("connection refused: address not in allowed_networks", "listener", name, "peer", conn.RemoteAddr().String())
			conn.Close()
			continue
		}
		if !l.takePeerSlot(src) {
			tooManyFromPeer.Inc()
			l.rt.warn.Warn("connection refused: max_connections_per_source reached", "listener", name,
				"peer", src.String(), "limit", l.rt.cfg.MaxConnectionsPerSource)
			conn.Close()
			continue
		}
		select {
		case l.slots <- struct{}{}:
		default:
			l.releasePeerSlot(src)
			tooMany.Inc()
			l.rt.warn.Warn("connection refused: max_connections reached", "listener", name, "limit", l.rt.cfg.MaxConnections)
			conn.Close()
			continue
		}
		ic, err := newIdleConn(conn, l.rt.cfg.IdleTimeout.D())
		if err != nil {
			l.rt.warn.Warn("connection setup failed", "listener", name, "err", err)
			conn.Close()
			l.releasePeerSlot(src)
			<-l.slots
			continue
		}
		ic.src = src
		l.mu.Lock()
		if l.closing {
			l.mu.Unlock()
			conn.Close()
			l.releasePeerSlot(src)
			<-l.slots
			return
		}
		l.conns[ic] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go l.serve(ic)
	}
}

// takePeerSlot counts a connection of src unless src has
// max_connections_per_source open already.
func (l *streamListener) takePeerSlot(src netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perPeer[src] >= l.rt.cfg.MaxConnectionsPerSource {
		return false
	}
	l.perPeer[src]++
	return true
}

func (l *streamListener) releasePeerSlot(src netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perPeer[src]--; l.perPeer[src] <= 0 {
		delete(l.perPeer, src)
	}
}

// serve reads one connection until it ends. What it calls before and
// after reading (the handshake, the report of the end) are functions of
// their own, not inlined, and the loop carries little: the frames under a
// wait stay small, so that the collector can shrink a quiet connection's
// stack, grown by decoding, back to 4 KiB.
func (l *streamListener) serve(conn *idleConn) {
	defer l.closed(conn)
	peer := conn.RemoteAddr().String()
	defer l.survive(peer)
	gauge := l.rt.metrics.Connections.WithLabelValues(l.rt.cfg.Name)
	gauge.Inc()
	defer gauge.Dec()
	var r io.Reader = conn
	if l.tlsCfg != nil {
		tc := l.handshake(conn, peer)
		if tc == nil {
			return
		}
		r = tc
	}
	in := newIngester(l.rt, true)
	defer in.flush(context.Background())
	fr := framing.NewReader(r, int(l.rt.cfg.MaxMessageSize))
	mode, _ := framing.ParseMode(l.rt.cfg.Framing) // validated with the config
	fr.SetMode(mode)
	fc := &framingCounter{rt: l.rt, fr: fr}
	conn.idle = func() { fc.count(); in.flush(context.Background()) } // counted as it happens, not at the end of a long connection
	// event.created is when the frame's last bytes were read: frames that
	// came in one read share the time of that read.
	var received time.Time
	reads := uint64(0)
	for {
		frame, truncated, err := fr.Next()
		if err != nil {
			fc.count()
			l.ended(peer, err)
			return
		}
		if l.rt.onFrame != nil {
			l.rt.onFrame(frame)
		}
		if n := fr.Reads(); n != reads {
			reads, received = n, time.Now()
		}
		in.add(frame, truncated, peer, received, peerCred{})
		if in.refused {
			return // the pipeline stopped (a stop out of time): what follows could only be dropped
		}
	}
}

// survive, deferred by serve, ends a connection whose reading panicked
// (a bug in nomen that some bytes found: in framing, TLS, the ingester)
// instead of the process: the frames read before are handed on (serve's
// deferred flush), the connection is closed, and what it had not read is
// lost to its sender, which gets a reset (syslog over TCP has no
// acknowledgements to send it again by). Decoding a message has its own
// guard (relay/decode), which keeps the message.
func (l *streamListener) survive(peer string) {
	l.rt.survive(panics.Of(recover()), "reading a connection panicked (a bug in nomen: please report it); the connection is closed, what it had not read yet is lost", "peer", peer)
}

// closed forgets a connection that ended.
func (l *streamListener) closed(conn *idleConn) {
	if l.isClosing() {
		if n := unreadBytes(conn.rc); n > 0 {
			l.rt.warn.Warn("connection closed while stopping with data unread: the sender gets a reset",
				"listener", l.rt.cfg.Name, "peer", conn.RemoteAddr().String(), "unread_bytes", n)
		}
	}
	conn.Close()
	l.mu.Lock()
	delete(l.conns, conn)
	l.mu.Unlock()
	l.releasePeerSlot(conn.src)
	<-l.slots
	l.wg.Done()
}

// handshake does the TLS handshake of conn; nil if it failed (counted
// and logged).
//
//go:noinline
func (l *streamListener) handshake(conn net.Conn, peer string) *tls.Conn {
	tc := tls.Server(conn, l.tlsCfg)
	hctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	err := tc.HandshakeContext(hctx)
	cancel()
	if err != nil {
		rt := l.rt
		rt.metrics.Rejected.WithLabelValues(rt.cfg.Name, "tls_handshake").Inc()
		// One line per interval (with the count held back): plaintext
		// scanners would otherwise write one each.
		rt.warn.Warn("TLS handshake failed", "listener", rt.cfg.Name, "peer", peer, "err", err)
		return nil
	}
	return tc
}

// ended logs why a connection ended, unless it simply did.
//
//go:noinline
func (l *streamListener) ended(peer string, err error) {
	rt := l.rt
	if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded) {
		rt.warn.Warn("connection read failed", "listener", rt.cfg.Name, "peer", peer, "err", err)
	} else if errors.Is(err, os.ErrDeadlineExceeded) && !l.isClosing() {
		rt.log.Debug("idle connection closed", "listener", rt.cfg.Name, "peer", peer, "idle_timeout", rt.cfg.IdleTimeout)
	}
}

func (l *streamListener) isClosing() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closing
}

// framingCounter adds what a connection's framing reader counted since
// the last time to nomen_framing_errors_total.
type framingCounter struct {
	rt   *listenerRuntime
	fr   *framing.Reader
	last framing.Stats
}

func (f *framingCounter) count() {
	st := f.fr.Stats()
	add := func(kind string, now, before uint64) {
		if now > before {
			f.rt.metrics.FramingErrors.WithLabelValues(f.rt.cfg.Name, kind).Add(float64(now - before))
		}
	}
	add("bad_length", st.BadLength, f.last.BadLength)
	add("incomplete", st.Incomplete, f.last.Incomplete)
	add("empty", st.Empty, f.last.Empty)
	f.last = st
	// Truncation is counted per event by the ingester (nomen_truncated_messages_total).
}

// idleConn reads the socket without blocking first: when nothing is
// buffered it calls idle (the reader flushes its batch, so events never
// wait for more input, and gives its decoder back) and returns (0, nil)
// once, so that the framing reader gives its buffer back too; the next
// Read, given no room, waits until the socket has data (or its end) and
// returns (0, nil): a quiet connection waits holding neither buffer nor
// decoder. The idle deadline of a wait counts from the flush: the flush
// may wait for room in the pipeline (journal full) longer than the idle
// timeout, and that wait is not the sender's silence; what the kernel
// buffered meanwhile is read.
type idleConn struct {
	net.Conn
	rc      syscall.RawConn
	src     netip.Addr // the sender's address (per-source limit)
	timeout time.Duration
	idle    func()
	drainAt atomic.Int64 // the listener is closing: when it began (Unix ns); see drainGrace
	drained int          // bytes read since then

	flushed     bool      // idle was called since the last data: the next Read waits
	deadlineSet bool      // armDeadline set one, which a Read that does not wait must clear
	waitStart   time.Time // when the current wait began (at the flush)
	sock        sockState // readSocket's own (stream_unix.go, stream_other.go)
}

// drain makes reads end once the sender has been silent for drainGrace, or
// drainBytes have been read (see drainGrace).
func (c *idleConn) drain() {
	now := time.Now()
	c.drainAt.Store(now.UnixNano())
	c.Conn.SetReadDeadline(now.Add(drainGrace)) // ends a long wait
}

// drainDeadline is the deadline of a wait that began at the drain.
func (c *idleConn) drainDeadline(at int64) time.Time { return time.Unix(0, at).Add(drainGrace) }

// closeWrite sends the sender nomen's end of the stream (a FIN; under TLS
// without close_notify, which the serve goroutine alone may write), so that
// it stops writing and ends its side: see drainGrace.
func (c *idleConn) closeWrite() {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
}

func newIdleConn(c net.Conn, timeout time.Duration) (*idleConn, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil, fmt.Errorf("connection %T has no file descriptor", c)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, err
	}
	return &idleConn{Conn: c, rc: rc, timeout: timeout, idle: func() {}}, nil
}

// Read: see idleConn.
func (c *idleConn) Read(p []byte) (int, error) {
	if len(p) == 0 && !c.flushed {
		return 0, nil
	}
	draining := c.drainAt.Load() != 0
	switch {
	case draining:
		if c.drained >= drainBytes {
			return 0, os.ErrDeadlineExceeded // read enough (see drainGrace)
		}
		c.Conn.SetReadDeadline(time.Now().Add(drainGrace)) // the sender's silence ends the drain
	case c.flushed:
		c.armDeadline()
	case c.deadlineSet:
		// A past wait's deadline would fail this read once it expires.
		c.clearDeadline()
	}
	n, wouldBlock, err := c.readSocket(p)
	if wouldBlock {
		c.idle()
		c.flushed, c.waitStart = true, time.Now()
		return 0, nil
	}
	c.flushed = false
	switch {
	case err != nil:
		return 0, err
	case n == 0 && len(p) > 0:
		return 0, io.EOF
	}
	if draining {
		c.drained += n
	}
	return n, nil
}

// armDeadline sets the deadline of a wait: the idle timeout, counted from
// the flush; unless the listener is closing (its drain deadline wins).
func (c *idleConn) armDeadline() {
	if c.drainAt.Load() != 0 {
		return
	}
	var at time.Time
	if c.timeout > 0 {
		at = c.waitStart.Add(c.timeout)
	}
	c.Conn.SetReadDeadline(at) // zero: no deadline
	c.deadlineSet = !at.IsZero()
	if at := c.drainAt.Load(); at != 0 { // drain raced with us: its deadline wins
		c.Conn.SetReadDeadline(c.drainDeadline(at))
	}
}

// clearDeadline removes the deadline armDeadline set, unless the listener
// is closing (the drain deadline stays).
func (c *idleConn) clearDeadline() {
	c.deadlineSet = false
	if c.drainAt.Load() != 0 {
		return
	}
	c.Conn.SetReadDeadline(time.Time{})
	if at := c.drainAt.Load(); at != 0 { // drain raced with us: its deadline wins
		c.Conn.SetReadDeadline(c.drainDeadline(at))
	}
}
