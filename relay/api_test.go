package relay

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/nomenhq/nomen/relay/stage"
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

// panicRelayConfig is a relay with its API on a free port.
const panicRelayConfig = `
state_dir = "{{dir}}/state"
[metrics]
listen = "127.0.0.1:0"
` + tcpToFileConfig

// TestAPIRequestPanicThroughTheRelay: the relay's own API server (its
// route wiring, auth guard and panic guard, as started by Start) answers
// a request whose handler panics 500, counts it in the relay's registry
// (nomen_background_panics_total{task=api_request}) and logs it with its
// stack, and goes on serving.
func TestAPIRequestPanicThroughTheRelay(t *testing.T) {
	cfg, err := ParseConfigData("t.toml", []byte(strings.ReplaceAll(panicRelayConfig, "{{dir}}", t.TempDir())))
	if err != nil {
		t.Fatal(err)
	}
	var log syncbuf.Buffer
	r := New(cfg, slog.New(slog.NewTextHandler(&log, nil)), NewRegistry())
	var calls atomic.Int32
	r.onHealthz = func() {
		if calls.Add(1) == 1 {
			panic("api: nil pipeline")
		}
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, r)
	get := func() int {
		resp, err := http.Get("http://" + r.api.Addr() + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(); code != http.StatusInternalServerError {
		t.Errorf("/healthz whose handler panicked: %d, want 500", code)
	}
	if code := get(); code != http.StatusOK {
		t.Errorf("/healthz after the panic: %d, want 200", code)
	}
	if got := seriesOf(t, r.Registry())["nomen_background_panics_total{task=api_request}"]; got != 1 {
		t.Errorf("nomen_background_panics_total{task=api_request} = %v, want 1", got)
	}
	if out := log.String(); !strings.Contains(out, "api: serving a request panicked") || !strings.Contains(out, "path=/healthz") ||
		!strings.Contains(out, "api_test.go") {
		t.Errorf("want the panic logged with its path and stack:\n%s", out)
	}
}

// TestPipelinePanicsAreTheRelays: the pipeline's panics are counted in
// the relay's registry (nomen_background_panics_total{task=pipeline}),
// with the events lost in nomen_dropped_events_total{stage=pipeline,
// reason=panic}, and the batch's reader is told it failed.
func TestPipelinePanicsAreTheRelays(t *testing.T) {
	r := startTestRelay(t, panicRelayConfig)
	stages := r.stages.list()
	r.pipe.SetStages(append([]stage.Stage{panickyStage{stages[0]}}, stages[1:]...))
	done := make(chan error, 1)
	b := &pipeline.Batch{Events: []*event.Event{{}, {}}, Done: func(err error) { done <- err }}
	if err := r.pipe.Submit(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("the batch whose handling panicked is reported done without an error")
	}
	series := seriesOf(t, r.Registry())
	if got := series["nomen_background_panics_total{task=pipeline}"]; got != 1 {
		t.Errorf("nomen_background_panics_total{task=pipeline} = %v, want 1", got)
	}
	if got := series["nomen_dropped_events_total{reason=panic,stage=pipeline}"]; got != 2 {
		t.Errorf("nomen_dropped_events_total{stage=pipeline,reason=panic} = %v, want 2", got)
	}
}

// panickyStage is a stage whose Process panics.
type panickyStage struct{ stage.Stage }

func (panickyStage) Process([]*event.Event) []*event.Event {
	panic("stage: index out of range [1] with length 1")
}
