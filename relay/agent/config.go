package agent

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/netacl"
	"github.com/nomenhq/nomen/internal/tlsconf"
	"github.com/nomenhq/nomen/relay/wire"
)

// Config is a [[listener]] section with protocol = "agent".
type Config struct {
	Name     string `toml:"name"`
	Protocol string `toml:"protocol"` // "agent"
	Address  string `toml:"address"`  // host:port

	AllowedNetworks []string `toml:"allowed_networks"` // CIDRs or addresses; empty allows everyone
	MaxConnections  int      `toml:"max_connections"`  // default 10000

	// Limits announced in WELCOME and enforced on every frame.
	MaxFrame        config.ByteSize `toml:"max_frame"`         // largest BATCH frame, default 4MiB
	MaxBatchRecords int             `toml:"max_batch_records"` // default 10000
	MaxBatchBytes   config.ByteSize `toml:"max_batch_bytes"`   // decompressed records of one BATCH, default 4MiB
	MaxRecord       config.ByteSize `toml:"max_record"`        // one record, default 256KiB
	MaxRatio        int             `toml:"max_ratio"`         // decompressed/compressed, default 64

	AckKeepalive     config.Duration `toml:"ack_keepalive"`     // repeat the last ACK this often while busy, default 5s
	IdleTimeout      config.Duration `toml:"idle_timeout"`      // close a silent agent after, default 2m
	HandshakeTimeout config.Duration `toml:"handshake_timeout"` // TLS handshake + HELLO, default 10s

	TLS *TLSConfig `toml:"tls"`
	// PlaintextForTesting accepts agents without TLS, trusting the agent id
	// their HELLO claims. Never in production: anyone who can connect can
	// inject events as any agent.
	PlaintextForTesting bool `toml:"plaintext_for_testing"`

	// StateDir is the relay's state_dir; cursors live in <StateDir>/agents/.
	// Empty keeps cursors in memory only (tests).
	StateDir string `toml:"-"`
}

// TLSConfig is the agent listener's TLS section. Agents authenticate with
// client certificates signed by ClientCA; the subject CN is the agent id.
type TLSConfig struct {
	Cert     string `toml:"cert"`
	Key      string `toml:"key"`
	ClientCA string `toml:"client_ca"`
}

// Defaults.
const (
	DefaultMaxConnections   = 10000
	DefaultMaxFrame         = 4 << 20
	DefaultMaxBatchRecords  = 10000
	DefaultMaxBatchBytes    = 4 << 20
	DefaultMaxRecord        = 256 << 10
	DefaultMaxRatio         = 64
	DefaultAckKeepalive     = config.Duration(5 * time.Second)
	DefaultIdleTimeout      = config.Duration(2 * time.Minute)
	DefaultHandshakeTimeout = config.Duration(10 * time.Second)
)

// WithDefaults returns c with every unset key at its default.
func (c Config) WithDefaults() Config {
	if c.MaxConnections == 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.MaxFrame == 0 {
		c.MaxFrame = DefaultMaxFrame
	}
	if c.MaxBatchRecords == 0 {
		c.MaxBatchRecords = DefaultMaxBatchRecords
	}
	if c.MaxBatchBytes == 0 {
		c.MaxBatchBytes = DefaultMaxBatchBytes
	}
	if c.MaxRecord == 0 {
		c.MaxRecord = DefaultMaxRecord
	}
	if c.MaxRatio == 0 {
		c.MaxRatio = DefaultMaxRatio
	}
	if c.AckKeepalive == 0 {
		c.AckKeepalive = DefaultAckKeepalive
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.HandshakeTimeout == 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	return c
}

// Validate checks a configuration (after WithDefaults). It loads the TLS
// files, so a missing or mismatched key is reported at check time. The
// error does not name the listener: the caller, which reports every
// listener's problems, does.
func (c *Config) Validate() error { return c.validate(true) }

// validate checks c; requireAddress is false for a server handed its
// net.Listener directly (tests).
func (c *Config) validate(requireAddress bool) error {
	if c.Protocol != "agent" {
		return fmt.Errorf("protocol %q is not \"agent\"", c.Protocol)
	}
	if _, _, err := net.SplitHostPort(c.Address); err != nil && requireAddress {
		return fmt.Errorf("address %q: %v", c.Address, err)
	}
	if _, err := netacl.Parse(c.AllowedNetworks); err != nil {
		return err
	}
	switch {
	case c.MaxConnections < 1:
		return errors.New("max_connections must be at least 1")
	case c.MaxFrame < wire.MinFrame || c.MaxFrame > 64<<20:
		return fmt.Errorf("max_frame %d: want 64KiB to 64MiB", c.MaxFrame)
	case c.MaxBatchRecords < 1 || c.MaxBatchRecords > 1_000_000:
		return fmt.Errorf("max_batch_records %d: want 1 to 1000000", c.MaxBatchRecords)
	case c.MaxBatchBytes < 4<<10 || c.MaxBatchBytes > 64<<20:
		return fmt.Errorf("max_batch_bytes %d: want 4KiB to 64MiB", c.MaxBatchBytes)
	case c.MaxRecord < 1<<10 || c.MaxRecord > c.MaxBatchBytes:
		return fmt.Errorf("max_record %d: want 1KiB up to max_batch_bytes (%d)", c.MaxRecord, c.MaxBatchBytes)
	case int64(c.MaxRecord)+512 > int64(c.MaxFrame):
		return fmt.Errorf("max_record %d does not fit in max_frame %d", c.MaxRecord, c.MaxFrame)
	case c.MaxRatio < 1 || c.MaxRatio > 255:
		return fmt.Errorf("max_ratio %d: want 1 to 255 (lz4 cannot compress more than about 255:1)", c.MaxRatio)
	case c.AckKeepalive.D() < 100*time.Millisecond:
		return fmt.Errorf("ack_keepalive %v: want at least 100ms", c.AckKeepalive)
	case c.IdleTimeout.D() < 2*c.AckKeepalive.D():
		return fmt.Errorf("idle_timeout %v: want at least twice ack_keepalive (%v)", c.IdleTimeout, c.AckKeepalive)
	case c.HandshakeTimeout.D() <= 0:
		return errors.New("handshake_timeout must be positive")
	}
	if c.PlaintextForTesting {
		if c.TLS != nil {
			return errors.New("plaintext_for_testing and tls exclude each other")
		}
		return nil
	}
	if c.TLS == nil {
		return errors.New(`protocol "agent" needs tls = { cert = "...", key = "...", client_ca = "..." } ` +
			`(mutual TLS is mandatory; plaintext_for_testing = true exists for tests only)`)
	}
	_, err := c.TLS.build()
	return err
}

// limits returns the configured limits as WELCOME announces them.
func (c *Config) limits() wire.Limits {
	return wire.Limits{
		MaxFrame:        uint32(c.MaxFrame),
		MaxBatchRecords: uint32(c.MaxBatchRecords),
		MaxBatchBytes:   uint32(c.MaxBatchBytes),
		MaxRecord:       uint32(c.MaxRecord),
		MaxRatio:        uint32(c.MaxRatio),
	}
}

// build loads the certificates: TLS 1.3 only, client certificates required
// and verified against client_ca.
func (t *TLSConfig) build() (*tls.Config, error) {
	if t.Cert == "" || t.Key == "" || t.ClientCA == "" {
		return nil, errors.New("tls: cert, key and client_ca are all required for agents")
	}
	return tlsconf.Server{Cert: t.Cert, Key: t.Key, ClientCA: t.ClientCA, Floor: tls.VersionTLS13}.Build()
}
