package forward

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/nomenhq/nomen/internal/tlsconf"
)

// TLSConfig is the `tls = { ... }` table of the syslog, http and nats
// sinks (client side).
type TLSConfig struct {
	// CA is a PEM file of the CAs that sign the server's certificate;
	// empty means the system roots.
	CA string `toml:"ca"`
	// Cert and Key are a PEM client certificate and key, for servers that
	// require mutual TLS. Both or neither.
	Cert string `toml:"cert"`
	Key  string `toml:"key"`
	// ServerName overrides the name checked against the server's
	// certificate (default: the host part of the address or URL).
	ServerName string `toml:"server_name"`
	// InsecureSkipVerify disables certificate verification. For tests
	// only: anyone on the path can read and alter the stream.
	InsecureSkipVerify bool `toml:"insecure_skip_verify"`
}

// IsZero reports whether no TLS option is set.
func (c TLSConfig) IsZero() bool { return c == TLSConfig{} }

// Validate checks that the files exist and come in pairs.
func (c TLSConfig) Validate() error {
	if (c.Cert == "") != (c.Key == "") {
		return errors.New("tls: cert and key must be given together")
	}
	for _, f := range []string{c.CA, c.Cert, c.Key} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("tls: %w", err)
		}
	}
	return nil
}

// Build returns the client *tls.Config (TLS 1.2 minimum). serverName is
// used when ServerName is empty.
func (c TLSConfig) Build(serverName string) (*tls.Config, error) {
	return tlsconf.Client{CA: c.CA, Cert: c.Cert, Key: c.Key, ServerName: c.ServerName, InsecureSkipVerify: c.InsecureSkipVerify}.Build(serverName)
}

// register registers c against reg and returns the collector to use: an
// equal collector that is already registered (a sink built again on
// reload, or a second output of the same type when the relay does not
// label reg per output) is reused, so counts continue.
//
// The relay is expected to pass prometheus.WrapRegistererWith(
// prometheus.Labels{"output": name}, reg) so that each output's sink
// metrics carry its name.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}

// discardLogger is used when a constructor gets a nil logger.
func orDiscard(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

// productVersion is nomen's version as the CEF header and HTTP User-Agent
// show it: the main module's version, "dev" for a source build.
var productVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
})

// eventTime returns the time a sink reports for an event: @timestamp, else
// when nomen received it, else now.
func eventTime(t, received time.Time) time.Time {
	if !t.IsZero() {
		return t
	}
	if !received.IsZero() {
		return received
	}
	return time.Now()
}

// counterVecValue reads one child of a counter vector (for log lines).
func counterVecValue(v *prometheus.CounterVec, labels ...string) float64 {
	var m dto.Metric
	if err := v.WithLabelValues(labels...).Write(&m); err != nil {
		return 0
	}
	return m.GetCounter().GetValue()
}

// What the worker relies on.
var (
	_ Sink       = (*File)(nil)
	_ Positioned = (*File)(nil)
	_ Reopener   = (*File)(nil)
	_ Sink       = (*Syslog)(nil)
	_ Sink       = (*HTTP)(nil)
	_ Sink       = (*Postgres)(nil)
	_ Sink       = (*NATS)(nil)
)
