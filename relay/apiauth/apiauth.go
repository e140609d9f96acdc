// Package apiauth guards nomen's HTTP API. The live event stream
// (/v1/events) shows every security event, and loopback is no boundary on a
// shared host, so the API requires authentication by default:
//
//   - "token" (the default): a bearer token, read from a file that only
//     nomen's user may read (created at first start, see
//     LoadOrCreateToken); requests carry "Authorization: Bearer <token>",
//     or, from a browser, the cookie that opening /?token=<token> once
//     sets (cookie.go);
//   - "tls": a client certificate signed by the configured CA (the
//     listener serves HTTPS through internal/tlsconf);
//   - "none": no authentication, for a deliberate setup (a WARN at start
//     when the address is not loopback).
//
// /healthz and /readyz are always open (systemd and load balancers probe
// them), /metrics unless ProtectMetrics (Prometheus scrapes counters, not
// events); every other path, including any added later, is guarded.
// Refusals get 401 with WWW-Authenticate: Bearer (403 for a missing client
// certificate), are counted in nomen_api_auth_failures_total{reason} and
// logged at most once per 10s per reason.
package apiauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/tlsconf"
	"github.com/prometheus/client_golang/prometheus"
)

// Modes.
const (
	ModeToken = "token"
	ModeTLS   = "tls"
	ModeNone  = "none"
)

// Config says how the API authenticates.
type Config struct {
	// Mode is ModeToken, ModeTLS or ModeNone.
	Mode string
	// TokenFile holds the bearer token (ModeToken).
	TokenFile string
	// ProtectMetrics guards /metrics too.
	ProtectMetrics bool
	// TLS, when set, makes the listener HTTPS; ModeTLS needs its ClientCA.
	// Client certificates are verified when sent (ClientAuth is set to
	// "optional" here) so that /healthz stays reachable without one; the
	// guard then requires one on the guarded paths.
	TLS *tlsconf.Server
	// Listen is the API's address, for the warnings.
	Listen string
}

// Validate checks the mode and the TLS files; the token file is read at
// start (New), where nomen runs as its own user.
func (c Config) Validate() error {
	switch c.Mode {
	case ModeToken:
		if c.TokenFile == "" {
			return errors.New(`auth = "token" needs token_file`)
		}
	case ModeTLS:
		if c.TLS == nil || c.TLS.ClientCA == "" {
			return errors.New(`auth = "tls" needs tls = { cert = "...", key = "...", client_ca = "..." }`)
		}
	case ModeNone:
	default:
		return fmt.Errorf("auth %q: want \"token\", \"tls\" or \"none\"", c.Mode)
	}
	if c.TLS != nil {
		if _, err := c.serverTLS(); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) serverTLS() (*tls.Config, error) {
	s := *c.TLS
	if s.ClientCA != "" {
		s.ClientAuth = "optional"
	}
	return s.Build()
}

// Guard authenticates requests for one API listener.
type Guard struct {
	cfg       Config
	tokenHash [sha256.Size]byte
	cookie    string // the browser's cookie value (cookie.go)
	tls       *tls.Config
	failures  *prometheus.CounterVec
	warn      *logthrottle.Logger
}

// New validates cfg, reads (or creates) the token file, builds the TLS
// configuration, registers the failure counter and logs how the API is
// protected.
func New(cfg Config, reg prometheus.Registerer, log *slog.Logger) (*Guard, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Guard{
		cfg: cfg,
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_api_auth_failures_total",
			Help: "API requests refused for want of authentication: reason=missing (no token), invalid (wrong token) or no_client_cert.",
		}, []string{"reason"}),
		warn: logthrottle.New(log, logthrottle.DefaultEvery),
	}
	if cfg.TLS != nil {
		var err error
		if g.tls, err = cfg.serverTLS(); err != nil {
			return nil, err
		}
	}
	switch cfg.Mode {
	case ModeToken:
		token, created, err := LoadOrCreateToken(cfg.TokenFile)
		if err != nil {
			return nil, err
		}
		g.tokenHash = sha256.Sum256([]byte(token))
		g.cookie = cookieValue(token)
		log.Info("API requires a bearer token", "token_file", cfg.TokenFile, "created", created, "metrics_open", !cfg.ProtectMetrics)
		if g.tls == nil && !IsLoopback(cfg.Listen) {
			log.Warn("API token travels in clear text: the API listens on a non-loopback address without tls", "address", cfg.Listen)
		}
	case ModeTLS:
		log.Info("API requires a client certificate", "client_ca", cfg.TLS.ClientCA, "metrics_open", !cfg.ProtectMetrics)
	case ModeNone:
		if !IsLoopback(cfg.Listen) {
			log.Warn(`API authentication is off (auth = "none") on a non-loopback address: whoever reaches it reads every event`, "address", cfg.Listen)
		} else {
			log.Info(`API authentication is off (auth = "none")`, "address", cfg.Listen)
		}
	}
	for _, reason := range []string{"missing", "invalid", "no_client_cert"} {
		g.failures.WithLabelValues(reason) // show 0 before the first
	}
	if err := reg.Register(g.failures); err != nil {
		return nil, err
	}
	return g, nil
}

// TLSConfig is the listener's TLS configuration, nil for plain HTTP.
func (g *Guard) TLSConfig() *tls.Config { return g.tls }

// Open reports whether path is served without authentication.
func (g *Guard) Open(path string) bool {
	switch path {
	case "/healthz", "/readyz":
		return true
	case "/metrics":
		return !g.cfg.ProtectMetrics
	}
	return false
}

// Wrap returns next behind the guard.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	if g.cfg.Mode == ModeNone {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.Open(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		if g.isLogin(r) {
			g.login(w, r)
			return
		}
		if reason := g.check(r); reason != "" {
			g.refuse(w, r, reason)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// check returns why r is not authenticated, or "".
func (g *Guard) check(r *http.Request) string {
	if g.cfg.Mode == ModeTLS {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			return "no_client_cert"
		}
		return ""
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		if c, err := r.Cookie(CookieName); err == nil { // a browser (cookie.go)
			return g.checkCookie(c.Value)
		}
		return "missing"
	}
	scheme, token, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "invalid"
	}
	return g.checkToken(token)
}

// checkToken returns "invalid" unless token is the API's.
func (g *Guard) checkToken(token string) string {
	// Hashing first makes the comparison constant-time in the length too.
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	if subtle.ConstantTimeCompare(got[:], g.tokenHash[:]) != 1 {
		return "invalid"
	}
	return ""
}

func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, reason string) {
	g.failures.WithLabelValues(reason).Inc()
	g.warn.Log(slog.LevelWarn, "api auth "+reason, "API request refused", "reason", reason, "remote", r.RemoteAddr, "path", r.URL.Path)
	switch reason {
	case "no_client_cert":
		http.Error(w, "a client certificate signed by the API's client_ca is required", http.StatusForbidden)
		return
	case "missing":
		w.Header().Set("WWW-Authenticate", `Bearer realm="nomen"`)
	default:
		w.Header().Set("WWW-Authenticate", `Bearer realm="nomen", error="invalid_token"`)
	}
	http.Error(w, "unauthorized: send Authorization: Bearer <token from the API token_file> (in a browser: open /?token=<token> once)", http.StatusUnauthorized)
}

// IsLoopback reports whether a listen address only accepts local
// connections: a loopback IP or "localhost". An empty host (all
// interfaces) is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
