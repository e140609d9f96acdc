package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay"
)

// apiFlags say which running nomen tap and top talk to: its API address
// and bearer token file, from its configuration or given directly.
type apiFlags struct {
	config, api, tokenFile string
}

func (a *apiFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.config, "config", defaultConfig, "configuration `FILE` of the nomen to reach: its [metrics] listen and token_file")
	fs.StringVar(&a.api, "api", "", "API base `URL`, e.g. http://127.0.0.1:9514 (default: from the configuration)")
	fs.StringVar(&a.tokenFile, "token-file", "", "bearer token `FILE` (default: the configuration's token_file)")
}

// apiTarget is a running nomen's API as a client sees it.
type apiTarget struct {
	base      string // http://127.0.0.1:9514
	tokenFile string // "": send no token
	// metricsAuth: /metrics needs the token too.
	metricsAuth bool
	client      *http.Client
}

// target resolves the flags: -api and -token-file win over the
// configuration, which is read only when one of them is missing.
func (a apiFlags) target() (*apiTarget, error) {
	t := &apiTarget{base: strings.TrimRight(a.api, "/"), tokenFile: a.tokenFile}
	var roots *x509.CertPool
	if a.api == "" || a.tokenFile == "" {
		cfg, err := a.loadConfig()
		switch {
		case err != nil && a.api == "":
			return nil, err
		case err == nil:
			m := cfg.Metrics
			if t.base == "" {
				if m.Listen == "" {
					return nil, fmt.Errorf("%s has no API: [metrics] listen is empty", a.config)
				}
				scheme := "http"
				if m.TLS != nil {
					scheme = "https"
				}
				t.base = scheme + "://" + dialAddress(m.Listen)
			}
			if t.tokenFile == "" && m.Auth == "token" {
				t.tokenFile = m.TokenFile
			}
			t.metricsAuth = m.MetricsAuth
			if m.TLS != nil && m.TLS.Cert != "" {
				// The API's own certificate, for a self-signed one.
				if pem, err := os.ReadFile(m.TLS.Cert); err == nil {
					roots, _ = x509.SystemCertPool()
					if roots == nil {
						roots = x509.NewCertPool()
					}
					roots.AppendCertsFromPEM(pem)
				}
			}
		}
	}
	if !strings.HasPrefix(t.base, "http://") && !strings.HasPrefix(t.base, "https://") {
		return nil, fmt.Errorf("-api %q: want http://HOST:PORT or https://HOST:PORT", a.api)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	if roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	}
	t.client = &http.Client{Transport: tr}
	return t, nil
}

// loadConfig reads the configuration, explaining a missing default file.
func (a apiFlags) loadConfig() (*relay.Config, error) {
	if a.config == defaultConfig {
		if _, err := os.Stat(a.config); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no configuration at %s: pass -config FILE or -api URL, or see `nomen help`", a.config)
		}
	}
	return relay.LoadConfig(a.config)
}

// dialAddress turns a listen address into one to connect to: a wildcard
// host becomes loopback.
func dialAddress(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// token reads the bearer token, afresh for every connection: a restarted
// nomen may have written a new one.
func (t *apiTarget) token() (string, error) {
	if t.tokenFile == "" {
		return "", nil
	}
	data, err := os.ReadFile(t.tokenFile)
	if errors.Is(err, fs.ErrPermission) {
		return "", fmt.Errorf("token file: %w (the token file belongs to nomen's user: run as root, or pass -token-file)", err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("token file: %w (nomen writes it at its first start; pass the -config of the nomen to reach, or -token-file)", err)
	}
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}

// authorize adds the bearer token to req when withToken and there is one.
func (t *apiTarget) authorize(req *http.Request, withToken bool) error {
	if !withToken {
		return nil
	}
	tok, err := t.token()
	if err != nil {
		return err
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return nil
}
