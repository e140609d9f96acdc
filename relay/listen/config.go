package listen

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/netacl"
	"github.com/nomenhq/nomen/internal/tlsconf"
	"github.com/nomenhq/nomen/relay/framing"
)

// Config is one [[listener]] section (syslog protocols; the agent
// protocol has its own keys, see agent.Config).
type Config struct {
	Name     string `toml:"name"`
	Protocol string `toml:"protocol"` // udp | tcp | tls | unix | agent
	Address  string `toml:"address"`  // host:port, or a socket path for unix

	// Stream listeners (tcp, tls).
	Framing        string `toml:"framing"`         // auto (default) | lf | octet
	MaxConnections int    `toml:"max_connections"` // default 1000
	// MaxConnectionsPerSource bounds the connections of one sender address
	// (default 50), so that one host's idle connections cannot take every
	// slot of max_connections.
	MaxConnectionsPerSource int             `toml:"max_connections_per_source"`
	IdleTimeout             config.Duration `toml:"idle_timeout"` // default 10m; 0 keeps idle connections forever

	// All syslog listeners.
	MaxMessageSize  config.ByteSize `toml:"max_message_size"` // default 64KiB; longer messages are truncated and flagged
	AllowedNetworks []string        `toml:"allowed_networks"` // CIDRs or addresses; empty allows everyone

	// Datagram listeners (udp, unix).
	ReadBuffer  config.ByteSize `toml:"read_buffer"`  // SO_RCVBUF, default 8MiB (the kernel caps it at net.core.rmem_max)
	Readers     int             `toml:"readers"`      // reader goroutines, default 2
	SocketMode  string          `toml:"socket_mode"`  // unix: file mode of the socket, default "0660"
	SocketGroup string          `toml:"socket_group"` // unix: group of the socket (default: nomen's own)

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

// Defaults of the keys a listener leaves unset.
const (
	DefaultMaxMessageSize = 64 << 10
	DefaultMaxConnections = 1000
	// DefaultMaxConnectionsPerSource is max_connections_per_source's default.
	DefaultMaxConnectionsPerSource = 50
	DefaultIdleTimeout             = config.Duration(10 * time.Minute)
	DefaultReadBuffer              = 8 << 20
	DefaultReaders                 = 2
)

// SetDefaults fills the keys left unset.
func (c *Config) SetDefaults() {
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.MaxConnectionsPerSource == 0 {
		c.MaxConnectionsPerSource = DefaultMaxConnectionsPerSource
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.ReadBuffer == 0 {
		c.ReadBuffer = DefaultReadBuffer
	}
	if c.Readers == 0 {
		c.Readers = DefaultReaders
	}
	if c.Framing == "" {
		c.Framing = "auto"
	}
	if c.SocketMode == "" {
		c.SocketMode = "0660"
	}
}

// Validate checks a listener (after SetDefaults); it loads the TLS files,
// so a missing or mismatched key is reported by nomen check.
func (c *Config) Validate() error {
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
	if c.MaxConnections < 0 || c.MaxConnectionsPerSource < 0 || c.Readers < 0 || c.Readers > 64 {
		return errors.New("max_connections, max_connections_per_source and readers must be positive (readers at most 64)")
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
