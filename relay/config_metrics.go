package relay

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"

	"github.com/nomenhq/nomen/internal/tlsconf"
	"github.com/nomenhq/nomen/relay/apiauth"
	"github.com/nomenhq/nomen/relay/live"
)

// MetricsConfig is the [metrics] section: the HTTP listener for /metrics,
// /healthz, /readyz and the live event API /v1/events, and how it is
// protected (relay/apiauth).
type MetricsConfig struct {
	Listen string `toml:"listen"` // default 127.0.0.1:9514; "" disables it
	// Pprof serves Go's /debug/pprof/ profiles on the same listener.
	Pprof bool `toml:"pprof"`

	// Auth is "token" (default), "tls" (default when tls.client_ca is
	// set) or "none".
	Auth string `toml:"auth"`
	// TokenFile holds the bearer token (default <state_dir>/api.token,
	// created at first start).
	TokenFile string `toml:"token_file"`
	// MetricsAuth guards /metrics as well (default false: open).
	MetricsAuth bool `toml:"metrics_auth"`
	// TLS makes the listener HTTPS; client_ca is for auth = "tls".
	TLS *APITLSConfig `toml:"tls"`

	// MaxSubscribers bounds open /v1/events subscriptions (default 16).
	MaxSubscribers int `toml:"max_subscribers"`
	// SubscriberBuffer is how many journaled batches may wait for one
	// subscriber before it is dropped (default 64).
	SubscriberBuffer int `toml:"subscriber_buffer"`
}

// APITLSConfig is [metrics] tls.
type APITLSConfig struct {
	Cert       string `toml:"cert"`
	Key        string `toml:"key"`
	ClientCA   string `toml:"client_ca"`   // clients of auth = "tls" present a certificate signed by it
	MinVersion string `toml:"min_version"` // "1.2" (default) | "1.3"
}

func (m *MetricsConfig) setDefaults(stateDir string) {
	if m.Auth == "" {
		m.Auth = apiauth.ModeToken
		if m.TLS != nil && m.TLS.ClientCA != "" {
			m.Auth = apiauth.ModeTLS
		}
	}
	if m.TokenFile == "" {
		m.TokenFile = filepath.Join(stateDir, "api.token")
	}
	if m.MaxSubscribers == 0 {
		m.MaxSubscribers = live.DefaultMaxSubscribers
	}
	if m.SubscriberBuffer == 0 {
		m.SubscriberBuffer = live.DefaultBuffer
	}
}

func (m *MetricsConfig) validate() error {
	var errs []error
	if m.Listen != "" {
		if _, _, err := net.SplitHostPort(m.Listen); err != nil {
			errs = append(errs, fmt.Errorf("metrics.listen %q: %v", m.Listen, err))
		}
	}
	if err := m.authConfig().Validate(); err != nil {
		errs = append(errs, fmt.Errorf("metrics: %w", err))
	}
	if m.MaxSubscribers < 1 || m.MaxSubscribers > 10000 {
		errs = append(errs, fmt.Errorf("metrics.max_subscribers %d: want 1 to 10000", m.MaxSubscribers))
	}
	if m.SubscriberBuffer < 1 || m.SubscriberBuffer > 1<<16 {
		errs = append(errs, fmt.Errorf("metrics.subscriber_buffer %d: want 1 to 65536", m.SubscriberBuffer))
	}
	return errors.Join(errs...)
}

// authConfig is the section as relay/apiauth takes it.
func (m *MetricsConfig) authConfig() apiauth.Config {
	c := apiauth.Config{Mode: m.Auth, TokenFile: m.TokenFile, ProtectMetrics: m.MetricsAuth, Listen: m.Listen}
	if m.TLS != nil {
		c.TLS = &tlsconf.Server{Cert: m.TLS.Cert, Key: m.TLS.Key, ClientCA: m.TLS.ClientCA, MinVersion: m.TLS.MinVersion}
	}
	return c
}
