package forward

import (
	"crypto/tls"
	"errors"

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

// Validate checks that the files load and come in pairs.
func (c TLSConfig) Validate() error {
	if (c.Cert == "") != (c.Key == "") {
		return errors.New("tls: cert and key must be given together")
	}
	// Loading the files (not only finding them) makes `nomen check` catch
	// a key that is not PEM or does not match its certificate, which
	// otherwise surfaces only when the output first connects.
	_, err := c.Build("")
	return err
}

// Build returns the client *tls.Config (TLS 1.2 minimum). serverName is
// used when ServerName is empty.
func (c TLSConfig) Build(serverName string) (*tls.Config, error) {
	return tlsconf.Client{CA: c.CA, Cert: c.Cert, Key: c.Key, ServerName: c.ServerName, InsecureSkipVerify: c.InsecureSkipVerify}.Build(serverName)
}
