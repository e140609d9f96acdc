package relay

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"time"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/apiauth"
	"github.com/nomenhq/nomen/relay/live"
	"github.com/nomenhq/nomen/relay/status"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// apiServer serves /metrics, /healthz, /readyz and the live event API,
// behind relay/apiauth's guard (open: /healthz, /readyz and, unless
// metrics_auth, /metrics).
type apiServer struct {
	srv *http.Server
	ln  net.Listener
}

func startAPI(addr string, r *Relay) (*apiServer, error) {
	guard, err := apiauth.New(r.cfg.Metrics.authConfig(), r.reg, r.log.With("component", "api"))
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{Registry: r.reg, EnableOpenMetrics: true}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if r.onHealthz != nil {
			r.onHealthz()
		}
		if !r.Healthy() {
			http.Error(w, "pipeline stalled", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	// /readyz: 503 while starting or stopping, or while something needs
	// the operator (NotReady: an output that cannot open, is refused its
	// configuration or has a full dead-letter file), with one reason per
	// line; /healthz stays liveness only.
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !r.Ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		if reasons := r.NotReady(); len(reasons) > 0 {
			http.Error(w, "not ready\n"+strings.Join(reasons, "\n"), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	if r.cfg.Metrics.Pprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	mux.Handle("GET /v1/events", r.stages.live.Handler(live.HandlerOptions{
		MaxSubscribers: r.cfg.Metrics.MaxSubscribers,
		Buffer:         r.cfg.Metrics.SubscriberBuffer,
		RuleFields:     func() []string { return r.norm.Load().Rules().Fields() },
	}))
	mux.Handle("GET /", status.Handler(status.Options{
		Gatherer: r.reg, Alerts: r.stages.live.RecentAlerts, Log: r.log.With("component", "status"), Panics: r.metrics.StatusPanics,
	}))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics.listen: %w", err)
	}
	if tc := guard.TLSConfig(); tc != nil {
		ln = tls.NewListener(ln, tc)
	}
	s := &apiServer{ln: ln, srv: &http.Server{
		Handler:           recoverRequests(guard.Wrap(mux), r.metrics.taskGuard(taskAPIRequest, r.log.With("component", "api"))),
		ReadHeaderTimeout: 10 * time.Second,
		// TLS handshake failures (a client without the right certificate)
		// would otherwise be printed, unthrottled, by net/http.
		ErrorLog: slog.NewLogLogger(r.log.Handler(), slog.LevelDebug),
	}}
	serve := r.metrics.taskGuard(taskAPIServe, r.log)
	go func() {
		// A panic in Serve (not in a handler: net/http recovers those)
		// ends the API as a failed Serve does: net/http closed ln.
		if p := serve.run(func() {
			if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				r.log.Error("metrics listener failed", "err", err)
			}
		}); p != nil {
			r.log.Error("metrics listener failed: its accept loop panicked; the relay goes on without /metrics and the API until a restart", "err", p)
		}
	}()
	r.log.Info("metrics and API listening", "address", ln.Addr().String(), "https", guard.TLSConfig() != nil, "auth", r.cfg.Metrics.Auth)
	return s, nil
}

// Addr is the bound address.
func (s *apiServer) Addr() string { return s.ln.Addr().String() }

func (s *apiServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
}

// recoverRequests answers a request whose handler panicked (a bug in
// nomen) 500 Internal Server Error, or, if the answer was begun, cuts it
// short (http.ErrAbortHandler), and counts and logs the panic with its
// stack (task api_request). net/http would recover it too, but only cut
// the connection, count nothing, and log it unthrottled through the
// server's ErrorLog, which nomen keeps at debug level. A handler's own
// http.ErrAbortHandler passes (the status page's, counted in
// nomen_status_panics_total).
func recoverRequests(next http.Handler, g *taskGuard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &answerWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			panics.Of(v).Report(g.count, g.log, "api: serving a request panicked (a bug in nomen: please report it); it is answered 500 or cut short",
				"method", r.Method, "path", r.URL.Path, "answered", rw.begun)
			if rw.begun {
				panic(http.ErrAbortHandler)
			}
			http.Error(w, "internal server error", http.StatusInternalServerError)
		}()
		next.ServeHTTP(rw, r)
	})
}

// answerWriter notes whether the answer was begun. Unwrap lets
// http.ResponseController (the live API's flushes, deadlines) reach the
// connection.
type answerWriter struct {
	http.ResponseWriter
	begun bool
}

func (w *answerWriter) WriteHeader(code int) {
	w.begun = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *answerWriter) Write(b []byte) (int, error) {
	w.begun = true
	return w.ResponseWriter.Write(b)
}

// Flush is for handlers that look for an http.Flusher.
func (w *answerWriter) Flush() {
	w.begun = true
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *answerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
