package status

import (
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// testRegistry has a few of nomen's families, one Go runtime family the
// page does not show, and a gauge whose value JSON cannot hold.
func testRegistry(t *testing.T) *prometheus.Registry {
	t.Helper()
	reg := prometheus.NewRegistry()
	received := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nomen_received_events_total"}, []string{"listener"})
	received.WithLabelValues("udp").Add(41)
	received.WithLabelValues("tcp").Add(1)
	lag := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nomen_output_lag_events"}, []string{"output"})
	lag.WithLabelValues("archive").Set(7)
	broken := prometheus.NewGauge(prometheus.GaugeOpts{Name: "nomen_broken"})
	broken.Set(math.NaN())
	reg.MustRegister(received, lag, broken, collectors.NewGoCollector())
	return reg
}

func testAlerts() []*event.Event {
	at := time.Date(2026, 11, 22, 10, 0, 5, 0, time.UTC)
	finding := event.New(at)
	finding.ID = 12
	finding.Message = `5 failures for <script>alert(1)</script>`
	finding.SetStr("event.kind", "alert")
	finding.SetStr("event.dataset", "nomen.correlate")
	finding.SetStr("rule.name", "auth-bruteforce")
	finding.SetStr("nomen.finding.key", "source.ip=192.0.2.7")
	finding.SetInt("nomen.finding.count", 5)
	finding.SetInt("event.severity", 6)
	gap := event.New(at)
	gap.ID = 13
	gap.Message = "events 3-4 of rfc5424:web1/app/1 never arrived"
	gap.SetStr("event.kind", "alert")
	gap.SetStr("event.dataset", "nomen.sequence")
	gap.SetStr("rule.name", "sequence-gap")
	gap.SetStr("nomen.gap.stream", "rfc5424:web1/app/1")
	gap.SetInt("nomen.gap.count", 2)
	return []*event.Event{gap, finding}
}

func TestTake(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 6, 0, time.UTC)
	s, err := Take(testRegistry(t), testAlerts, now)
	if err != nil {
		t.Fatal(err)
	}
	if s.TimeMS != now.UnixMilli() {
		t.Errorf("time_ms %d", s.TimeMS)
	}
	got := map[string]float64{}
	for _, sr := range s.Metrics["nomen_received_events_total"] {
		got[sr.Labels["listener"]] = sr.Value
	}
	if got["udp"] != 41 || got["tcp"] != 1 || len(got) != 2 {
		t.Errorf("nomen_received_events_total: %v", got)
	}
	if l := s.Metrics["nomen_output_lag_events"]; len(l) != 1 || l[0].Value != 7 || l[0].Labels["output"] != "archive" {
		t.Errorf("nomen_output_lag_events: %+v", l)
	}
	if l := s.Metrics["nomen_broken"]; len(l) != 0 {
		t.Errorf("a NaN value is in the snapshot: %+v", l)
	}
	for name := range s.Metrics {
		if !strings.HasPrefix(name, "nomen_") && !extraFamilies[name] {
			t.Errorf("family %s is not the page's", name)
		}
	}
	want := []Alert{
		{ID: 13, Time: "2026-11-22T10:00:05Z", Kind: "gap", Rule: "sequence-gap", Message: "events 3-4 of rfc5424:web1/app/1 never arrived",
			Key: "rfc5424:web1/app/1", Count: "2"},
		{ID: 12, Time: "2026-11-22T10:00:05Z", Kind: "finding", Rule: "auth-bruteforce", Severity: "6",
			Message: "5 failures for <script>alert(1)</script>", Key: "source.ip=192.0.2.7", Count: "5"},
	}
	if len(s.Alerts) != len(want) {
		t.Fatalf("alerts %+v", s.Alerts)
	}
	for i := range want {
		if s.Alerts[i] != want[i] {
			t.Errorf("alert %d:\n got %+v\nwant %+v", i, s.Alerts[i], want[i])
		}
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("é", maxMessage) // two bytes each
	got := truncate(long, maxMessage)
	if len(got) > maxMessage+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "éé") {
		t.Errorf("truncated to %d bytes: %q…", len(got), got[:10])
	}
	if !regexp.MustCompile(`^(é)+…$`).MatchString(got) {
		t.Error("cut inside a rune")
	}
	if truncate("short", maxMessage) != "short" {
		t.Error("a short message was changed")
	}
}

func get(t *testing.T, srv *httptest.Server, path string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestHandler: the page, its script and style sheet and /v1/status, each
// with the security headers; nothing else.
func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler(Options{Gatherer: testRegistry(t), Alerts: testAlerts}))
	defer srv.Close()
	for path, ctype := range map[string]string{
		"/":           "text/html; charset=utf-8",
		"/status.js":  "text/javascript; charset=utf-8",
		"/status.css": "text/css; charset=utf-8",
		"/v1/status":  "application/json",
	} {
		resp, _ := get(t, srv, path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ctype {
			t.Errorf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self';") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
	for _, path := range []string{"/index.html", "/assets/status.js", "/v1/status/x", "/favicon.ico"} {
		if resp, _ := get(t, srv, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	_, body := get(t, srv, "/v1/status")
	var s Snapshot
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("/v1/status is not JSON: %v\n%s", err, body)
	}
	if len(s.Alerts) != 2 || s.Alerts[1].Message != "5 failures for <script>alert(1)</script>" {
		t.Errorf("alerts: %+v", s.Alerts)
	}
	if strings.Contains(body, "<script>") {
		t.Error("/v1/status carries markup unescaped (JSON escapes < and >)")
	}
}

// TestPageIsSelfContained: the page loads nothing from elsewhere and has
// no inline script or style (the Content-Security-Policy would refuse
// them), and the script never parses strings as markup.
func TestPageIsSelfContained(t *testing.T) {
	page, _ := assets.ReadFile("assets/index.html")
	script, _ := assets.ReadFile("assets/status.js")
	css, _ := assets.ReadFile("assets/status.css")
	for name, body := range map[string]string{"index.html": string(page), "status.js": string(script), "status.css": string(css)} {
		if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/`).FindString(body); m != "" && !strings.Contains(m, "www.w3.org") {
			t.Errorf("%s refers to another site: %s", name, m)
		}
		if strings.Contains(body, "@import") {
			t.Errorf("%s imports a style sheet", name)
		}
	}
	for _, tag := range regexp.MustCompile(`(?i)<script[^>]*>`).FindAllString(string(page), -1) {
		if tag != `<script src="/status.js" defer>` {
			t.Errorf("index.html has an inline or foreign script: %s", tag)
		}
	}
	if regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=`).Match(page) {
		t.Error("index.html has inline style or an inline event handler")
	}
	for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		if strings.Contains(string(script), sink) {
			t.Errorf("status.js uses %s: write strings with textContent", sink)
		}
	}
}

// TestHandlerPanicCounted: a request whose serving panics (here the
// alerts it reads) gets no answer, as net/http alone would give it, but
// the panic is counted and logged with its stack; the page goes on, and
// shows the count.
func TestHandlerPanicCounted(t *testing.T) {
	var logged syncbuf.Buffer
	reg := testRegistry(t)
	panicked := prometheus.NewCounter(prometheus.CounterOpts{Name: "nomen_status_panics_total"})
	reg.MustRegister(panicked)
	var fail atomic.Bool
	fail.Store(true)
	alerts := func() []*event.Event {
		if fail.Load() {
			panic("reading the alerts")
		}
		return testAlerts()
	}
	srv := httptest.NewServer(Handler(Options{Gatherer: reg, Alerts: alerts, Panics: panicked,
		Log: slog.New(slog.NewTextHandler(&logged, nil))}))
	defer srv.Close()
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if resp, err := http.Get(srv.URL + "/v1/status"); err == nil {
		resp.Body.Close()
		t.Fatalf("a panicking request was answered: %s", resp.Status)
	}
	if out := logged.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "reading the alerts") ||
		!strings.Contains(out, "status_test.go") || !strings.Contains(out, "path=/v1/status") {
		t.Errorf("want the panic logged at error level with the path and the stack:\n%s", out)
	}
	fail.Store(false)
	for range 2 { // the second sees whether the first counted too
		resp, body := get(t, srv, "/v1/status")
		var s Snapshot
		if err := json.Unmarshal([]byte(body), &s); resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("after the panic: %d %v", resp.StatusCode, err)
		}
		if c := s.Metrics["nomen_status_panics_total"]; len(c) != 1 || c[0].Value != 1 {
			t.Errorf("nomen_status_panics_total: %+v, want 1", c)
		}
	}
}
