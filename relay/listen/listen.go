package relay

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/netacl"
	"github.com/nomenhq/nomen/internal/tlsconf"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/framing"
)

// ListenerConfig is one [[listener]] section (syslog protocols; the agent
// protocol has its own keys, see agent.Config).
type ListenerConfig struct {
	Name     string `toml:"name"`
	Protocol string `toml:"protocol"` // udp | tcp | tls | unix | agent
	Address  string `toml:"address"`  // host:port, or a socket path for unix

	// Stream listeners (tcp, tls).
	Framing        string          `toml:"framing"`         // auto (default) | lf | octet
	MaxConnections int             `toml:"max_connections"` // default 1000
	IdleTimeout    config.Duration `toml:"idle_timeout"`    // default 10m; 0 keeps idle connections forever

	// All syslog listeners.
	MaxMessageSize  config.ByteSize `toml:"max_message_size"` // default 64KiB; longer messages are truncated and flagged
	AllowedNetworks []string        `toml:"allowed_networks"` // CIDRs or addresses; empty allows everyone

	// Datagram listeners (udp, unix).
	ReadBuffer config.ByteSize `toml:"read_buffer"` // SO_RCVBUF, default 8MiB (the kernel caps it at net.core.rmem_max)
	Readers    int             `toml:"readers"`     // reader goroutines, default 2
	SocketMode string          `toml:"socket_mode"` // unix: file mode of the socket, default "0666"

	TLS *TLSConfig `toml:"tls"`
}

// TLSConfig is a listener's TLS section.
type TLSConfig struct {
	Cert       string `toml:"cert"`
	Key        string `toml:"key"`
	ClientCA   string `toml:"client_ca"`   // if set, clients must present a certificate signed by it
	ClientAuth string `toml:"client_auth"` // require (default when client_ca is set) | optional
	MinVersion string `toml:"min_version"` // "1.2" (default) | "1.3"
}

const (
	defaultMaxMessage     = 64 << 10
	defaultMaxConnections = 1000
	defaultIdleTimeout    = config.Duration(10 * time.Minute)
	defaultReadBuffer     = 8 << 20
	defaultReaders        = 2
)

func (c *ListenerConfig) setDefaults() {
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = defaultMaxMessage
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = defaultMaxConnections
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = defaultIdleTimeout
	}
	if c.ReadBuffer == 0 {
		c.ReadBuffer = defaultReadBuffer
	}
	if c.Readers == 0 {
		c.Readers = defaultReaders
	}
	if c.Framing == "" {
		c.Framing = "auto"
	}
	if c.SocketMode == "" {
		c.SocketMode = "0666"
	}
}

func (c *ListenerConfig) validate() error {
	switch c.Protocol {
	case "udp", "tcp", "tls", "unix":
	case "":
		return errors.New("protocol is required (udp, tcp, tls, unix or agent)")
	default:
		return fmt.Errorf("unknown protocol %q (want udp, tcp, tls, unix or agent)", c.Protocol)
	}
	if c.Address == "" {
		return errors.New("address is required")
	}
	if c.Protocol != "unix" {
		if _, _, err := net.SplitHostPort(c.Address); err != nil {
			return fmt.Errorf("address %q: %v", c.Address, err)
		}
	}
	if _, err := framing.ParseMode(c.Framing); err != nil {
		return err
	}
	if c.MaxMessageSize < 480 || c.MaxMessageSize > 16<<20 {
		return fmt.Errorf("max_message_size %d: want 480 bytes (RFC 3164's minimum) to 16MiB", c.MaxMessageSize)
	}
	if c.MaxConnections < 0 || c.Readers < 0 || c.Readers > 64 {
		return errors.New("max_connections and readers must be positive (readers at most 64)")
	}
	if _, err := netacl.Parse(c.AllowedNetworks); err != nil {
		return err
	}
	if c.Protocol == "tls" {
		if c.TLS == nil || c.TLS.Cert == "" || c.TLS.Key == "" {
			return errors.New(`protocol "tls" needs tls = { cert = "...", key = "..." }`)
		}
		if _, err := c.TLS.build(); err != nil {
			return err
		}
	} else if c.TLS != nil {
		return fmt.Errorf("tls is only for protocol \"tls\" (this listener is %q)", c.Protocol)
	}
	return nil
}

func (t *TLSConfig) build() (*tls.Config, error) {
	return tlsconf.Server{Cert: t.Cert, Key: t.Key, ClientCA: t.ClientCA, ClientAuth: t.ClientAuth, MinVersion: t.MinVersion}.Build()
}

// listenerRuntime is what a running listener shares with its readers.
type listenerRuntime struct {
	cfg     ListenerConfig
	acl     netacl.List
	loc     *time.Location
	norm    *atomic.Pointer[normalize.Normalizer]
	sub     Submitter
	metrics *Metrics
	log     *slog.Logger
	warn    *logthrottle.Logger // shared by the listener's readers: repeated warnings are rate-limited
}

// syslogListener is a running udp, tcp, tls or unix listener.
type syslogListener interface {
	// Addr is the bound address (useful with port 0).
	Addr() net.Addr
	// Close stops accepting/reading; Wait returns when every reader has
	// flushed its last batch.
	Close() error
	Wait()
}

// startListener binds and starts serving one syslog listener.
func startListener(ctx context.Context, rt *listenerRuntime) (syslogListener, error) {
	var err error
	rt.warn = logthrottle.New(rt.log, logthrottle.DefaultEvery)
	if rt.acl, err = netacl.Parse(rt.cfg.AllowedNetworks); err != nil {
		return nil, err
	}
	switch rt.cfg.Protocol {
	case "udp":
		return startUDP(ctx, rt)
	case "unix":
		return startUnixgram(ctx, rt)
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
}

func (c *peerCache) get(ap netip.AddrPort) string {
	if s, ok := c.m[ap]; ok {
		return s
	}
	if c.m == nil || len(c.m) > 4096 {
		c.m = make(map[netip.AddrPort]string)
	}
	s := netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String()
	c.m[ap] = s
	return s
}
