// Package syslog is the syslog output: forwarding to another syslog
// server or a SIEM over TCP, TLS (RFC 5425) or UDP (RFC 5426), as RFC 5424,
// the original message, ECS JSON or CEF (format.go).
//
//	[[output]]
//	name = "siem"
//	type = "syslog"
//	address = "siem.example.net:6514"
//	transport = "tls"        # tcp (default), tls or udp
//	framing = "octet"        # or "lf" (tcp and tls)
//	format = "rfc5424"       # raw, json or cef
//	tls = { ca = "/etc/nomen/siem-ca.pem" }
package syslog

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is an `[[output]]` table of type "syslog": forwarding to
// another syslog server or a SIEM. A zero value of an optional key means
// its default.
//
// Delivery over TCP and TLS (syslog has no acknowledgements of its own):
//   - A batch counts as delivered once the receiver's TCP acknowledged
//     every byte of it (on Linux: the socket's SIOCOUTQ, unacknowledged
//     bytes, drops to 0), within write_timeout; else the write fails and
//     the batch is sent again on a new connection. A receiver that stops
//     reading makes batches fail instead of piling up in socket buffers.
//   - What the receiver's kernel acknowledged but the receiver never read
//     is lost if it dies: its socket is reset. So after a failed write (a
//     reset, a receiver that stopped reading, any error), the last
//     resend_window bytes of acknowledged messages (default 8MiB, more
//     than Linux's largest default receive buffer, 6MiB) are sent again
//     on the new connection, before anything else: at-least-once, and the
//     receiver may see them twice (nomen_syslog_resent_events_total).
//     Events beyond that window unread in a dying receiver's socket are
//     the bound on loss: at most resend_window bytes behind the newest.
//   - A receiver that closes the connection in order (FIN) had read all it
//     was sent: nothing is resent. It is noticed before the next batch.
//   - Elsewhere than Linux, a batch counts as delivered when written, and
//     only the resend window protects it.
//   - A batch is sent in chunks of 256 KiB. If formatting an event panics
//     (a bug that event found), the chunks sent before it count as
//     delivered once acknowledged, and only the events after them are
//     written again (an event at a time, that one in its safe form).
type Config struct {
	// Address is host:port of the receiver (required).
	Address string `toml:"address"`
	// Transport is "tcp" (default), "tls" (RFC 5425) or "udp" (RFC 5426).
	Transport string `toml:"transport"`
	// Framing on tcp and tls: "octet" (RFC 6587 octet counting, the RFC
	// 5425 framing, default) or "lf" (one message per line; a line feed
	// inside a message is sent as the two characters `\n`).
	Framing string `toml:"framing"`
	// Format of the payload: "rfc5424" (default), "raw", "json" or "cef";
	// see format.go.
	Format string `toml:"format"`
	// TLS options for transport "tls".
	TLS forward.TLSConfig `toml:"tls"`
	// DialTimeout bounds connecting, TLS handshake included (default 10s).
	DialTimeout config.Duration `toml:"dial_timeout"`
	// WriteTimeout bounds sending one batch (default 30s).
	WriteTimeout config.Duration `toml:"write_timeout"`
	// MaxDatagram is the largest UDP datagram sent; longer messages are
	// truncated and counted (default 2048: RFC 5426 says every receiver
	// SHOULD accept 2048 octets, while larger ones risk IP fragmentation
	// and receivers that cut at their own limit; rsyslog accepts 8k by
	// default, so "8KiB" is safe towards rsyslog).
	MaxDatagram config.ByteSize `toml:"max_datagram"`
	// ResendWindow is how many bytes of acknowledged messages are kept to
	// send again after the connection is reset (tcp and tls; default
	// 8MiB; see Delivery).
	ResendWindow config.ByteSize `toml:"resend_window"`
}

func (c Config) withDefaults() Config {
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if c.Framing == "" {
		c.Framing = "octet"
	}
	if c.Format == "" {
		c.Format = "rfc5424"
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = config.Duration(10 * time.Second)
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = config.Duration(30 * time.Second)
	}
	if c.MaxDatagram == 0 {
		c.MaxDatagram = 2048
	}
	if c.ResendWindow == 0 {
		c.ResendWindow = DefaultResendWindow
	}
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.Address == "" {
		return errors.New("syslog: address is required")
	}
	if _, port, err := net.SplitHostPort(c.Address); err != nil || port == "" {
		return fmt.Errorf("syslog: address %q: want host:port", c.Address)
	}
	switch c.Transport {
	case "udp", "tcp", "tls":
	default:
		return fmt.Errorf("syslog: transport %q: want \"udp\", \"tcp\" or \"tls\"", c.Transport)
	}
	switch c.Framing {
	case "octet", "lf":
	default:
		return fmt.Errorf("syslog: framing %q: want \"octet\" or \"lf\"", c.Framing)
	}
	switch c.Format {
	case "raw", "rfc5424", "json", "cef":
	default:
		return fmt.Errorf("syslog: format %q: want \"raw\", \"rfc5424\", \"json\" or \"cef\"", c.Format)
	}
	if c.Transport != "tls" && !c.TLS.IsZero() {
		return fmt.Errorf("syslog: tls options are set but transport is %q (want transport = \"tls\")", c.Transport)
	}
	if err := c.TLS.Validate(); err != nil {
		return fmt.Errorf("syslog: %w", err)
	}
	if c.MaxDatagram < 480 || c.MaxDatagram > 65507 {
		return fmt.Errorf("syslog: max_datagram %d: want between 480 and 65507", c.MaxDatagram)
	}
	if c.ResendWindow < 0 || c.ResendWindow > 1<<30 {
		return fmt.Errorf("syslog: resend_window %d: want up to 1GiB", c.ResendWindow)
	}
	if c.DialTimeout < 0 || c.WriteTimeout < 0 {
		return errors.New("syslog: timeouts must not be negative")
	}
	return nil
}

// DefaultResendWindow is resend_window's default: above Linux's largest
// default TCP receive buffer (net.ipv4.tcp_rmem's maximum, 6MiB).
const DefaultResendWindow = 8 << 20

type syslogMetrics struct {
	connects  prometheus.Counter
	truncated prometheus.Counter
	resent    prometheus.Counter
}

func newSyslogMetrics(rt forward.Runtime) *syslogMetrics {
	return &syslogMetrics{
		connects: rt.Counter("nomen_syslog_connects_total",
			"Connections the syslog output opened (more than one means reconnects)."),
		truncated: rt.Counter("nomen_syslog_truncated_total",
			"Messages the syslog output cut to max_datagram to fit a UDP datagram."),
		resent: rt.Counter("nomen_syslog_resent_events_total",
			"Events the syslog output sent again on a new connection because the receiver reset the old one with them possibly unread."),
	}
}

// Syslog sends events to a syslog receiver.
type Syslog struct {
	cfg  Config
	log  *slog.Logger
	m    *syslogMetrics
	tls  *tls.Config
	fmtr syslogFormatter

	conn net.Conn
	buf  []byte
	msg  []byte

	// window holds acknowledged messages to send again after a reset;
	// resend says the last connection was reset.
	window resendWindow
	resend bool
}

// NewSink builds the syslog sink of c (forward.Config).
func (c *Config) NewSink(rt forward.Runtime) (forward.Sink, error) { return New(*c, rt) }

// New returns a syslog sink; rt.Hostname is observer.hostname in JSON
// payloads.
func New(cfg Config, rt forward.Runtime) (*Syslog, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Syslog{
		cfg:  cfg,
		log:  rt.Log().With("sink", "syslog", "address", cfg.Address),
		m:    newSyslogMetrics(rt),
		fmtr: syslogFormatter{format: cfg.Format, enc: event.Encoder{Observer: rt.Hostname}},
	}
	if cfg.Transport != "udp" {
		s.window.max = int(cfg.ResendWindow)
	}
	if cfg.Transport == "tls" {
		host, _, _ := net.SplitHostPort(cfg.Address)
		tc, err := cfg.TLS.Build(host)
		if err != nil {
			return nil, fmt.Errorf("syslog: %w", err)
		}
		s.tls = tc
	}
	return s, nil
}

// Open connects. Failures are retryable: the receiver may come up later.
func (s *Syslog) Open(ctx context.Context) error { return s.connect(ctx) }

func (s *Syslog) connect(ctx context.Context) error {
	if s.conn != nil {
		return nil
	}
	d := net.Dialer{Timeout: s.cfg.DialTimeout.D(), KeepAlive: 30 * time.Second}
	var conn net.Conn
	var err error
	switch s.cfg.Transport {
	case "tls":
		td := tls.Dialer{NetDialer: &d, Config: s.tls}
		conn, err = td.DialContext(ctx, "tcp", s.cfg.Address)
	default:
		conn, err = d.DialContext(ctx, s.cfg.Transport, s.cfg.Address)
	}
	if err != nil {
		return fmt.Errorf("syslog: connect %s: %w", s.cfg.Address, err)
	}
	s.conn = conn
	s.m.connects.Inc()
	s.log.Debug("syslog: connected", "transport", s.cfg.Transport)
	return nil
}

func (s *Syslog) disconnect() {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// Write sends the batch and, on tcp and tls, waits until the receiver's
// TCP acknowledged it (see Config's Delivery). On any error the connection
// is dropped and the error is retryable; the worker resends the whole
// batch on a new connection (the receiver may see some events twice). A
// panic while formatting an event (a bug it found) after whole chunks of
// the batch went out is a *forward.BatchError of the events after them
// once those chunks are acknowledged (unsent): the chunks are not sent
// again.
func (s *Syslog) Write(ctx context.Context, batch []*event.Event) error {
	if s.conn != nil && s.cfg.Transport != "udp" {
		switch st, err := peerState(s.conn); st {
		case peerClosed:
			s.log.Info("syslog: the receiver closed the connection; reconnecting")
			s.disconnect()
		case peerReset:
			s.log.Warn("syslog: the receiver reset the connection; reconnecting", "err", err)
			s.disconnect()
			s.resend = true
		}
	}
	deadline := time.Now().Add(s.cfg.WriteTimeout.D())
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	s.conn.SetWriteDeadline(deadline)
	// A cancelled context (the worker's forced stop) ends a write that a
	// stalled receiver holds up, without waiting for write_timeout.
	conn := s.conn
	defer context.AfterFunc(ctx, func() { conn.SetWriteDeadline(time.Unix(1, 0)) })()
	mark := s.window.mark()
	err := s.resendAfterReset()
	if err == nil && s.cfg.Transport == "udp" {
		err = s.writeDatagrams(batch)
	} else if err == nil {
		var sent int
		var broken bool
		sent, broken, err = s.writeStream(batch)
		p, panicked := err.(*panics.Panic)
		switch {
		case panicked && !broken && sent == 0:
			return p // nothing went out: the worker writes the batch again an event at a time
		case panicked && !broken:
			// The chunks before the panic went out whole: deliver them,
			// and leave the rest to the worker, which writes them alone.
			if err = s.waitAcked(ctx, deadline); err == nil {
				return unsent(batch, sent, p)
			}
		case err == nil:
			err = s.waitAcked(ctx, deadline)
		}
	}
	if err != nil {
		s.window.rollback(mark)
		// Whether the receiver will read what its socket holds is unknown
		// now (a stalled receiver may be killed next): resend the window.
		s.resend = true
		s.disconnect()
		if p, ok := err.(*panics.Panic); ok {
			return p // the worker writes the batch again an event at a time
		}
		return fmt.Errorf("syslog: send to %s: %w", s.cfg.Address, err)
	}
	return nil
}

// unsent is the error of a batch whose formatting panicked (p) after its
// first sent events went out and were acknowledged: the rest are its
// failed items, with the panic, which the worker writes again an event at
// a time (the one that panics in its safe form). Raising the panic
// instead would make the worker write the whole batch so, and the
// receiver get the sent events twice.
func unsent(batch []*event.Event, sent int, p *panics.Panic) error {
	items := make([]forward.ItemError, 0, len(batch)-sent)
	for i := sent; i < len(batch); i++ {
		items = append(items, forward.ItemError{Index: i, Err: p})
	}
	return &forward.BatchError{Items: items}
}

// resendAfterReset sends the resend window first on a connection that
// follows a reset or a failed write.
func (s *Syslog) resendAfterReset() error {
	if !s.resend || len(s.window.chunks) == 0 {
		s.resend = false
		return nil
	}
	for _, c := range s.window.chunks {
		if _, err := s.conn.Write(c.b); err != nil {
			return err
		}
	}
	n := s.window.events()
	s.m.resent.Add(float64(n))
	s.log.Warn("syslog: the receiver reset the connection: sent the last acknowledged events again, as it may not have read them",
		"events", n, "resend_window", s.window.max)
	s.resend = false
	return nil
}

// waitAcked waits until the receiver's TCP acknowledged every byte
// written, polling the socket's unacknowledged count; it fails at
// deadline, when ctx ends, or when the receiver closes or resets the
// connection first.
func (s *Syslog) waitAcked(ctx context.Context, deadline time.Time) error {
	// Loopback and LAN acknowledgements take microseconds: poll often at
	// first, then less (a receiver that is slow to read).
	pause := 5 * time.Microsecond
	for {
		n, ok := unacked(s.conn)
		if !ok {
			return nil // cannot know here: written counts as delivered
		}
		st, err := peerState(s.conn)
		switch {
		case st == peerReset:
			return err
		case n == 0:
			return nil // a receiver that closed after reading it all is noticed next time
		case st == peerClosed:
			return fmt.Errorf("the receiver closed the connection with %d bytes not acknowledged", n)
		case ctx.Err() != nil:
			return ctx.Err()
		case time.Now().After(deadline):
			return fmt.Errorf("the receiver did not acknowledge %d bytes within write_timeout (%s): it is not reading", n, s.cfg.WriteTimeout)
		}
		time.Sleep(pause)
		pause = min(pause*3/2, time.Millisecond)
	}
}

// writeStream frames the batch into one buffer and writes it in chunks of
// at least 256 KiB; sent is how many of the batch's events went out in
// whole chunks. A panic (a bug that one event found while it was
// formatted) is returned as its *panics.Panic, after the chunks before it
// were written; broken says it happened inside a write to the connection,
// whose stream may then end inside a message.
func (s *Syslog) writeStream(batch []*event.Event) (sent int, broken bool, err error) {
	writing := false
	defer func() {
		if p := panics.Of(recover()); p != nil {
			err, broken = p, writing
		}
	}()
	const chunk = 256 << 10
	buf := s.buf[:0]
	events := 0
	lf := s.cfg.Framing == "lf"
	write := func() error {
		writing = true
		_, err := s.conn.Write(buf)
		writing = false
		if err != nil {
			return err
		}
		s.window.add(buf, events)
		sent += events
		buf, events = buf[:0], 0
		return nil
	}
	for _, e := range batch {
		if lf {
			mark := len(buf)
			buf = s.fmtr.appendMessage(buf, e)
			buf = escapeLF(buf, mark)
			buf = append(buf, '\n')
		} else {
			s.msg = s.fmtr.appendMessage(s.msg[:0], e)
			buf = strconv.AppendInt(buf, int64(len(s.msg)), 10)
			buf = append(buf, ' ')
			buf = append(buf, s.msg...)
		}
		events++
		if len(buf) >= chunk {
			if err := write(); err != nil {
				return sent, false, err
			}
		}
	}
	if len(buf) > 0 {
		if err := write(); err != nil {
			return sent, false, err
		}
	}
	if cap(buf) <= 4*chunk {
		s.buf = buf[:0]
	}
	return sent, false, nil
}

// escapeLF replaces line feeds in dst[mark:] with `\n`.
func escapeLF(dst []byte, mark int) []byte {
	n := 0
	for _, c := range dst[mark:] {
		if c == '\n' {
			n++
		}
	}
	if n == 0 {
		return dst
	}
	end := len(dst)
	dst = append(dst, make([]byte, n)...)
	w := len(dst)
	for r := end - 1; r >= mark; r-- {
		if dst[r] == '\n' {
			w -= 2
			dst[w], dst[w+1] = '\\', 'n'
		} else {
			w--
			dst[w] = dst[r]
		}
	}
	return dst
}

func (s *Syslog) writeDatagrams(batch []*event.Event) error {
	max := int(s.cfg.MaxDatagram)
	for _, e := range batch {
		s.msg = s.fmtr.appendMessage(s.msg[:0], e)
		msg := s.msg
		if len(msg) > max {
			n := max
			for n > 0 && !utf8.RuneStart(msg[n]) {
				n-- // do not split a character
			}
			msg = msg[:n]
			s.m.truncated.Inc()
		}
		if _, err := s.conn.Write(msg); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the connection.
func (s *Syslog) Close() error {
	s.disconnect()
	return nil
}
