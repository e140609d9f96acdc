package relay

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/prometheus/client_golang/prometheus"
)

// TestAPIRequestPanic: a request whose handler panics (a bug in nomen)
// is answered 500 if nothing was written yet, cut short if it was,
// counted in nomen_background_panics_total{task=api_request} and logged
// with its stack; the server goes on answering. A handler's own
// http.ErrAbortHandler (the status page's way to end a request it
// counted itself) is not counted again.
func TestAPIRequestPanic(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	var log syncbuf.Buffer
	mux := http.NewServeMux()
	mux.HandleFunc("GET /early", func(http.ResponseWriter, *http.Request) { panic("api: nil subscriber") })
	mux.HandleFunc("GET /late", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "half an answer")
		w.(http.Flusher).Flush()
		panic("api: nil page")
	})
	mux.HandleFunc("GET /abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	srv := httptest.NewServer(recoverRequests(mux, m.taskGuard(taskAPIRequest, slog.New(slog.NewTextHandler(&log, nil)))))
	srv.Config.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelDebug)
	defer srv.Close()
	get := func(path string) (int, string, error) {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	if code, _, err := get("/early"); err != nil || code != http.StatusInternalServerError {
		t.Errorf("/early: %d %v, want 500", code, err)
	}
	if _, body, err := get("/late"); err == nil {
		t.Errorf("/late: %q read to its end, want it cut short", body)
	}
	get("/abort")
	if code, body, err := get("/ok"); err != nil || code != 200 || body != "ok" {
		t.Errorf("/ok after the panics: %d %q %v", code, body, err)
	}
	if got := seriesOf(t, reg)["nomen_background_panics_total{task=api_request}"]; got != 2 {
		t.Errorf("nomen_background_panics_total{task=api_request} = %v, want 2 (not the abort)", got)
	}
	// The second is held back by the log's throttle.
	if out := log.String(); !strings.Contains(out, "path=/early") || !strings.Contains(out, "api_test.go") {
		t.Errorf("want the panic logged with its path and stack:\n%s", out)
	}
}
