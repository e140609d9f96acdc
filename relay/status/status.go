// Package status serves nomen's status page on the metrics listener: one
// self-contained page (no external assets) that shows the listeners, the
// outputs, drops by reason, the journal, and the latest findings and
// sequence gaps, with plots of the last ten minutes.
//
//	GET /            the page (index.html)
//	GET /status.js   its script: polls /v1/status every 2s, computes rates
//	                 and draws the plots (inline SVG) in the browser
//	GET /status.css  its style sheet
//	GET /v1/status   JSON: the current value of every nomen_* series in the
//	                 Prometheus registry, and the latest alerts
//
// The server keeps no history and counts nothing itself: /v1/status reads
// the registry that /metrics serves, and the alerts from the live hub's
// bounded ring (relay/live RecentAlerts). Rates and plots come from the
// browser's successive polls; ten minutes of them stay in its memory.
//
// Every response carries a Content-Security-Policy that allows scripts and
// styles from the listener itself only (no inline script, no other
// origin), and the script writes every string from events with
// textContent: a syslog message cannot inject markup. Authentication is
// the API's (relay/apiauth), in front of this handler.
//
// A panic while serving a request (a bug in nomen, say in reading the
// registry or the alerts) ends that request as net/http would, without an
// answer, but is counted (Options.Panics: nomen_status_panics_total) and
// logged at error level with its stack: net/http alone would log it only
// at the API's debug level (relay's apiServer), so it would pass unseen.
package status

import (
	"embed"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

//go:embed assets/index.html assets/status.js assets/status.css
var assets embed.FS

// Options say where the page's data comes from.
type Options struct {
	// Gatherer is the registry /metrics serves (required).
	Gatherer prometheus.Gatherer
	// Alerts returns the latest journaled alerts, newest first (nil: none).
	Alerts func() []*event.Event
	// Log receives errors reading the registry and the requests that
	// panicked (nil: discarded).
	Log *slog.Logger
	// Panics counts the requests that panicked (nil: not counted).
	Panics prometheus.Counter
}

// contentSecurityPolicy allows the page's own script, style sheet and
// requests, and nothing else: no inline script or style, no other origin,
// no plugins, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the page, its assets and /v1/status; any other path is
// 404. Register it for "GET /".
func Handler(opts Options) http.Handler {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", asset("assets/index.html", "text/html; charset=utf-8"))
	mux.Handle("GET /status.js", asset("assets/status.js", "text/javascript; charset=utf-8"))
	mux.Handle("GET /status.css", asset("assets/status.css", "text/css; charset=utf-8"))
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, _ *http.Request) {
		snap, err := Take(opts.Gatherer, opts.Alerts, time.Now())
		if err != nil {
			// The registry reports a collector's failure but still has the
			// rest: show what there is.
			opts.Log.Warn("status: reading the metrics registry", "err", err)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(snap)
	})
	return recoverPanics(secureHeaders(mux), opts.Panics, logthrottle.New(opts.Log, logthrottle.DefaultEvery))
}

// recoverPanics counts and logs a panic of next, then lets net/http end
// the request as it would have (http.ErrAbortHandler, which it does not
// log again).
func recoverPanics(next http.Handler, c prometheus.Counter, log *logthrottle.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v != http.ErrAbortHandler {
				panics.Of(v).Report(c, log, "status: serving a request panicked (a bug in nomen: please report it); it got no answer",
					"path", r.URL.Path)
			}
			panic(http.ErrAbortHandler)
		}()
		next.ServeHTTP(w, r)
	})
}

// secureHeaders sets the headers every response of the page carries.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func asset(name, contentType string) http.Handler {
	body, err := assets.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: cannot happen
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(body)
	})
}
