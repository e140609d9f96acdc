// Package listen receives syslog: the udp, tcp, tls and unix listeners
// (their [[listener]] configuration and its validation, recvmmsg on
// Linux, stream framing, allowed networks, connection limits), which
// decode what they read through the one decode step (relay/decode) and
// hand it to the pipeline in batches: stream readers wait for room
// (backpressure), datagram readers drop and count.
//
// It may import relay/decode, relay/framing, relay/event, relay/pipeline
// (for its Batch only) and internal helpers; the relay package starts and
// stops listeners and owns their metrics (NewMetrics, once).
package listen

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/netacl"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/pipeline"
)

// Options are what a listener needs besides its configuration.
type Options struct {
	Config Config
	// Location is the [parse] timezone, Rules the normalizer in force (the
	// relay swaps it on reload).
	Location *time.Location
	Rules    decode.Rules
	// Pipeline receives the decoded batches.
	Pipeline Submitter
	Metrics  *Metrics
	Decode   *decode.Metrics
	Log      *slog.Logger
	// RetiringSockets are the unix socket paths this relay's listeners
	// that a reload replaced still hold: a unix listener takes such a
	// path over, where a socket another process answers on stops it
	// (claimSocketPath).
	RetiringSockets []string
	// LocalHost is the relay's host name (observer.hostname): a unix
	// listener's messages come from processes on this host, and those
	// that name no host (glibc's syslog(3), logger, journald's forward
	// all leave HOSTNAME out on /dev/log) get it as host.name, as a
	// syslogd's local input does.
	LocalHost string

	// onFrame, if set, sees each frame or datagram a reader takes; tests
	// make it panic.
	onFrame func([]byte)
}

// Submitter is the pipeline's entrance.
type Submitter interface {
	// Submit waits for room (TCP, TLS: backpressure) unless ctx ends.
	Submit(ctx context.Context, b *pipeline.Batch) error
	// TrySubmit never waits (UDP, unix datagrams); false means dropped.
	TrySubmit(b *pipeline.Batch) bool
}

// listenerRuntime is what a running listener shares with its readers.
type listenerRuntime struct {
	cfg     Config
	acl     netacl.List
	input   *decode.Input
	sub     Submitter
	metrics *Metrics
	log     *slog.Logger
	warn    *logthrottle.Logger // shared by the listener's readers: repeated warnings are rate-limited
	onFrame func([]byte)        // Options.onFrame
	// localHost is host.name for a unix listener's messages that name no
	// host (Options.LocalHost); empty for the other protocols.
	localHost string
}

// survive counts and logs p (nil: none), a panic that ended one of the
// listener's readers (a connection, a datagram socket's reader), with
// msg and args: nomen_listener_panics_total{listener}.
func (rt *listenerRuntime) survive(p *panics.Panic, msg string, args ...any) {
	if p != nil {
		p.Report(rt.metrics.Panics.WithLabelValues(rt.cfg.Name), rt.warn, msg, append([]any{"listener", rt.cfg.Name}, args...)...)
	}
}

// Listener is a running udp, tcp, tls or unix listener.
type Listener interface {
	// Addr is the bound address (useful with port 0).
	Addr() net.Addr
	// Close stops accepting/reading without losing what the sockets
	// already hold: stream connections read for drainGrace, datagram
	// sockets stop taking datagrams and are read to the end (stream.go,
	// datagram.go). Wait returns when every reader has flushed its last
	// batch into the pipeline, which must still be running.
	Close() error
	Wait()
}

// Start binds and starts serving one syslog listener.
func Start(ctx context.Context, o Options) (Listener, error) {
	acl, err := netacl.Parse(o.Config.AllowedNetworks)
	if err != nil {
		return nil, err
	}
	rt := &listenerRuntime{
		cfg: o.Config,
		acl: acl,
		input: decode.NewInput(decode.Options{
			Input: o.Config.Name, Location: o.Location, Rules: o.Rules, Metrics: o.Decode, Log: o.Log,
		}),
		sub:     o.Pipeline,
		metrics: o.Metrics,
		log:     o.Log,
		warn:    logthrottle.New(o.Log, logthrottle.DefaultEvery),
		onFrame: o.onFrame,
	}
	if o.Config.Protocol == "unix" {
		rt.localHost = o.LocalHost
	}
	// The drops a listener counts exist at 0 from the start (not from its
	// first reader), so that an alert on increase() sees the first one.
	o.Metrics.Dropped.WithLabelValues("listener", "queue_full")
	o.Metrics.Dropped.WithLabelValues("listener", "socket_buffer")
	o.Metrics.Dropped.WithLabelValues("listener", "stopping")
	o.Metrics.Rejected.WithLabelValues(o.Config.Name, "not_allowed")
	o.Metrics.FramingErrors.WithLabelValues(o.Config.Name, "empty")
	switch rt.cfg.Protocol {
	case "udp":
		return startUDP(ctx, rt)
	case "unix":
		return startUnixgram(ctx, rt, slices.Contains(o.RetiringSockets, rt.cfg.Address))
	case "tcp", "tls":
		return startStream(ctx, rt)
	}
	return nil, fmt.Errorf("listener %q: protocol %q is not a syslog protocol", rt.cfg.Name, rt.cfg.Protocol)
}

// peerCache turns socket addresses into strings without allocating for
// senders seen before (a relay hears the same few hundred hosts all day).
// Each reader goroutine owns one.
type peerCache struct {
	m map[netip.AddrPort]string
	// The sender looked up last and its string: a datagram's sender is
	// mostly the one before's, and comparing is cheaper than hashing.
	last     netip.AddrPort
	lastPeer string
}

func (c *peerCache) get(ap netip.AddrPort) string {
	if ap == c.last && c.lastPeer != "" {
		return c.lastPeer
	}
	s, ok := c.m[ap]
	if !ok {
		if c.m == nil || len(c.m) > 4096 {
			c.m = make(map[netip.AddrPort]string)
		}
		s = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String()
		c.m[ap] = s
	}
	c.last, c.lastPeer = ap, s
	return s
}
