// Package tlsconf builds *tls.Config values from certificate files: the
// one copy of loading key pairs and CA pools, minimum versions and client
// authentication, used by the syslog and agent listeners, the outputs and
// the agent. Each of those keeps its own TOML keys (a listener has no
// server_name, an output no client_ca), so that an unknown key stays an
// error; they all build through here.
package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Server describes the server side of a TLS listener.
type Server struct {
	Cert, Key string
	// ClientCA, when set, verifies client certificates against it.
	ClientCA string
	// ClientAuth is "" or "require" (the default when ClientCA is set) or
	// "optional" (verify a certificate if the client sends one).
	ClientAuth string
	// MinVersion is "", "1.2" or "1.3"; Floor applies when it is "".
	MinVersion string
	Floor      uint16
}

// Build loads the files and returns the server configuration.
func (s Server) Build() (*tls.Config, error) {
	if s.Cert == "" || s.Key == "" {
		return nil, errors.New("tls: cert and key are both required")
	}
	cert, err := LoadKeyPair(s.Cert, s.Key)
	if err != nil {
		return nil, err
	}
	minV, err := minVersion(s.MinVersion, s.Floor)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: minV}
	if s.ClientCA != "" {
		if cfg.ClientCAs, err = Pool("client_ca", s.ClientCA); err != nil {
			return nil, err
		}
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	switch s.ClientAuth {
	case "", "require":
	case "optional":
		if cfg.ClientCAs == nil {
			return nil, errors.New(`tls: client_auth = "optional" needs client_ca`)
		}
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	default:
		return nil, fmt.Errorf("tls: client_auth %q: want \"require\" or \"optional\"", s.ClientAuth)
	}
	return cfg, nil
}

// Client describes the client side of a TLS connection.
type Client struct {
	// CA verifies the server; empty means the system roots.
	CA string
	// Cert and Key, when set, are presented to the server.
	Cert, Key string
	// ServerName overrides the name verified (default: the host dialled).
	ServerName string
	// InsecureSkipVerify disables verification: for tests only.
	InsecureSkipVerify bool
	// MinVersion is "", "1.2" or "1.3"; Floor applies when it is "".
	MinVersion string
	Floor      uint16
}

// Build loads the files and returns the client configuration; serverName
// is used when ServerName is empty.
func (c Client) Build(serverName string) (*tls.Config, error) {
	if (c.Cert == "") != (c.Key == "") {
		return nil, errors.New("tls: cert and key must be given together")
	}
	minV, err := minVersion(c.MinVersion, c.Floor)
	if err != nil {
		return nil, err
	}
	tc := &tls.Config{MinVersion: minV, ServerName: serverName, InsecureSkipVerify: c.InsecureSkipVerify}
	if c.ServerName != "" {
		tc.ServerName = c.ServerName
	}
	if c.CA != "" {
		if tc.RootCAs, err = Pool("ca", c.CA); err != nil {
			return nil, err
		}
	}
	if c.Cert != "" {
		cert, err := LoadKeyPair(c.Cert, c.Key)
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// LoadKeyPair reads a certificate and its private key. Unlike
// tls.LoadX509KeyPair, its errors name the setting and the file at fault
// ("no PEM data" alone does not say which of the two files is wrong).
func LoadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: cert: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: key: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("tls: cert %s, key %s: %s", certFile, keyFile, strings.TrimPrefix(err.Error(), "tls: "))
	}
	return cert, nil
}

// Pool reads PEM certificates from path; key names the setting in errors.
func Pool(key, path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tls: %s: %w", key, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("tls: %s %s: no PEM certificates found", key, path)
	}
	return pool, nil
}

func minVersion(v string, floor uint16) (uint16, error) {
	if floor == 0 {
		floor = tls.VersionTLS12
	}
	switch v {
	case "":
		return floor, nil
	case "1.2":
		if floor > tls.VersionTLS12 {
			return 0, errors.New("tls: min_version \"1.2\" is below this endpoint's minimum (1.3)")
		}
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("tls: min_version %q: want \"1.2\" or \"1.3\"", v)
}
