package http

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/relay/event"
)

// recorded is one request as the test server saw it.
type recorded struct {
	method, path, query string
	header              http.Header
	body                []byte // decompressed
	user, pass          string
	basic               bool
}

// recorder is an httptest handler that records requests and answers with
// the next scripted response.
type recorder struct {
	t       *testing.T
	mu      sync.Mutex
	reqs    []recorded
	answers []func(w http.ResponseWriter, r recorded)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rec.t.Errorf("read body: %v", err)
	}
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			rec.t.Errorf("gzip: %v", err)
			return
		}
		if body, err = io.ReadAll(zr); err != nil {
			rec.t.Errorf("gunzip: %v", err)
		}
	}
	got := recorded{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone(), body: body}
	got.user, got.pass, got.basic = r.BasicAuth()
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, got)
	var answer func(w http.ResponseWriter, r recorded)
	if len(rec.answers) > 0 {
		answer, rec.answers = rec.answers[0], rec.answers[1:]
	}
	rec.mu.Unlock()
	if answer == nil {
		rec.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusTeapot)
		return
	}
	answer(w, got)
}

func reply(status int, body string, headers ...string) func(http.ResponseWriter, recorded) {
	return func(w http.ResponseWriter, _ recorded) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func newHTTPSink(t *testing.T, cfg Config) *HTTP {
	t.Helper()
	s, err := New(cfg, forward.Runtime{Hostname: "relay1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestHTTPSplunkHEC checks the request against Splunk's documented HEC
// event endpoint: path, method, token header, and a body of concatenated
// event objects with time, host, source, sourcetype, index and the ECS
// document under "event".
func TestHTTPSplunkHEC(t *testing.T) {
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprintf("gzip=%v", gz), func(t *testing.T) {
			rec := &recorder{t: t, answers: []func(http.ResponseWriter, recorded){reply(200, `{"text":"Success","code":0}`)}}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			s := newHTTPSink(t, Config{Kind: "splunk_hec", URL: srv.URL + "/", Token: "11111111-2222-3333-4444-555555555555",
				Index: "security", Source: "nomen:relay1", Gzip: gz, Headers: map[string]string{"X-Tenant": "blue"}})
			evs := sinktest.SampleEvents(t, 1, 3)
			sinktest.MustWrite(t, s, evs)
			if len(rec.reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(rec.reqs))
			}
			r := rec.reqs[0]
			if r.method != "POST" || r.path != "/services/collector/event" {
				t.Errorf("%s %s, want POST /services/collector/event", r.method, r.path)
			}
			checkHeader(t, r.header, "Authorization", "Splunk 11111111-2222-3333-4444-555555555555")
			checkHeader(t, r.header, "Content-Type", "application/json")
			checkHeader(t, r.header, "X-Tenant", "blue")
			if gz {
				checkHeader(t, r.header, "Content-Encoding", "gzip")
			}
			// The body is JSON objects one after the other.
			dec := json.NewDecoder(bytes.NewReader(r.body))
			enc := event.Encoder{Observer: "relay1"}
			for i, e := range evs {
				var obj map[string]json.RawMessage
				if err := dec.Decode(&obj); err != nil {
					t.Fatalf("event object %d: %v\n%s", i, err, r.body)
				}
				want := map[string]string{
					"time":       fmt.Sprintf("%d.%03d", e.Time.Unix(), e.Time.Nanosecond()/1e6),
					"host":       `"` + e.Str("host.name") + `"`,
					"source":     `"nomen:relay1"`,
					"sourcetype": `"_json"`,
					"index":      `"security"`,
					"event":      string(enc.AppendJSON(nil, e)),
				}
				if e.Str("host.name") == "" {
					delete(want, "host")
				}
				if len(obj) != len(want) {
					t.Errorf("event object %d has keys %v, want %v", i, keys(obj), want)
				}
				for k, v := range want {
					if string(obj[k]) != v {
						t.Errorf("event object %d: %s = %s, want %s", i, k, obj[k], v)
					}
				}
			}
			if dec.More() {
				t.Error("extra data after the events")
			}
		})
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func checkHeader(t *testing.T, h http.Header, k, want string) {
	t.Helper()
	if got := h.Get(k); got != want {
		t.Errorf("header %s = %q, want %q", k, got, want)
	}
}

func TestHTTPSplunkHECErrors(t *testing.T) {
	evs := sinktest.SampleEvents(t, 1, 3)
	for _, tc := range []struct {
		name   string
		answer func(http.ResponseWriter, recorded)
		check  func(t *testing.T, err error)
	}{
		{"server busy with Retry-After", reply(503, `{"text":"Server is busy","code":9}`, "Retry-After", "7"), func(t *testing.T, err error) {
			if d, ok := forward.RetryDelay(err); forward.IsPermanent(err) || !ok || d != 7*time.Second {
				t.Errorf("got %v (delay %v, %v), want retryable after 7s", err, d, ok)
			}
		}},
		{"incorrect index", reply(400, `{"text":"Incorrect index","code":7}`), func(t *testing.T, err error) {
			if ce, ok := forward.AsConfigError(err); !ok || !strings.Contains(ce.Fix, "url") {
				t.Errorf("got %v, want a configuration error (the events are not at fault)", err)
			}
		}},
		{"invalid token", reply(403, `{"text":"Invalid token","code":4}`), func(t *testing.T, err error) {
			if ce, ok := forward.AsConfigError(err); !ok || !strings.Contains(ce.Fix, "credentials") {
				t.Errorf("got %v, want a configuration error naming the credentials", err)
			}
		}},
		{"wrong endpoint", reply(404, `not found`), func(t *testing.T, err error) {
			if ce, ok := forward.AsConfigError(err); !ok || !strings.Contains(ce.Fix, "check the output's url") {
				t.Errorf("got %v, want a configuration error naming the url", err)
			}
		}},
		{"invalid event 1", reply(400, `{"text":"Invalid data format","code":6,"invalid-event-number":1}`), func(t *testing.T, err error) {
			var be *forward.BatchError
			if !errors.As(err, &be) || len(be.Items) != 3 {
				t.Fatalf("got %v, want a forward.BatchError over the 3 events", err)
			}
			for _, it := range be.Items {
				if forward.IsPermanent(it.Err) != (it.Index == 1) {
					t.Errorf("item %d: %v (permanent %v)", it.Index, it.Err, forward.IsPermanent(it.Err))
				}
			}
		}},
		{"not json", reply(200, `<html>proxy</html>`), func(t *testing.T, err error) {
			if err == nil || forward.IsPermanent(err) {
				t.Errorf("got %v, want retryable", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{t: t, answers: []func(http.ResponseWriter, recorded){tc.answer}}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			s := newHTTPSink(t, Config{Kind: "splunk_hec", URL: srv.URL, Token: "t"})
			tc.check(t, s.Write(context.Background(), evs))
		})
	}
}

// TestHTTPElasticsearchBulk checks the _bulk request line by line and the
// handling of a partly failed bulk: 429 retried, 400 mapping error
// permanent with the reason, 409 delivered.
func TestHTTPElasticsearchBulk(t *testing.T) {
	partial := `{"errors":true,"items":[` +
		`{"create":{"status":201}},` +
		`{"create":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"}}},` +
		`{"create":{"status":400,"error":{"type":"document_parsing_exception","reason":"[1:120] failed to parse field [source.port] of type [long]"}}},` +
		`{"create":{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"document already exists"}}}]}`
	rec := &recorder{t: t, answers: []func(http.ResponseWriter, recorded){
		reply(200, `{"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}},{"create":{"status":201}},{"create":{"status":201}}]}`),
		reply(200, partial),
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := newHTTPSink(t, Config{Kind: "elasticsearch", URL: srv.URL, Username: "elastic", Password: "s3cret", Index: "logs-nomen-prod", Gzip: true})
	evs := sinktest.SampleEvents(t, 1, 4)
	sinktest.MustWrite(t, s, evs)

	r := rec.reqs[0]
	if r.method != "POST" || r.path != "/_bulk" {
		t.Errorf("%s %s, want POST /_bulk", r.method, r.path)
	}
	if q, _ := url.ParseQuery(r.query); q.Get("filter_path") == "" {
		t.Errorf("query %q: want a filter_path", r.query)
	}
	checkHeader(t, r.header, "Content-Type", "application/x-ndjson")
	checkHeader(t, r.header, "Content-Encoding", "gzip")
	if !r.basic || r.user != "elastic" || r.pass != "s3cret" {
		t.Errorf("basic auth %q %q %v", r.user, r.pass, r.basic)
	}
	if !bytes.HasSuffix(r.body, []byte("\n")) {
		t.Error("a bulk body must end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(string(r.body), "\n"), "\n")
	if len(lines) != 2*len(evs) {
		t.Fatalf("%d lines, want %d", len(lines), 2*len(evs))
	}
	enc := event.Encoder{Observer: "relay1"}
	for i, e := range evs {
		if lines[2*i] != `{"create":{"_index":"logs-nomen-prod"}}` {
			t.Errorf("action line %d: %s", i, lines[2*i])
		}
		if lines[2*i+1] != string(enc.AppendJSON(nil, e)) {
			t.Errorf("document line %d: %s", i, lines[2*i+1])
		}
	}

	err := s.Write(context.Background(), evs)
	var be *forward.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a BatchError", err)
	}
	if len(be.Items) != 2 || be.Items[0].Index != 1 || forward.IsPermanent(be.Items[0].Err) ||
		be.Items[1].Index != 2 || !forward.IsPermanent(be.Items[1].Err) || !strings.Contains(be.Items[1].Err.Error(), "failed to parse field [source.port]") {
		t.Errorf("items %+v: want 1 retryable (429) and 2 permanent with the reason", be.Items)
	}
	if sinktest.CounterValue(s.m.duplicates) != 1 {
		t.Error("the 409 item is not counted as a duplicate")
	}
}

func TestHTTPElasticsearchErrors(t *testing.T) {
	evs := sinktest.SampleEvents(t, 1, 2)
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name      string
		answer    func(http.ResponseWriter, recorded)
		permanent bool
		config    bool          // a forward.ConfigError
		delay     time.Duration // > 0: a Retry-After of about this much
	}{
		{"429 with an HTTP date", reply(429, `{"error":"too many requests"}`, "Retry-After", date), false, false, 90 * time.Second},
		{"502", reply(502, `bad gateway`), false, false, 0},
		{"400 whole request", reply(400, `{"error":{"type":"illegal_argument_exception","reason":"no requests added"}}`), true, true, 0},
		{"401", reply(401, `{"error":"unauthorized"}`), false, true, 0},
		{"404", reply(404, `{"error":"no handler found"}`), true, true, 0},
		{"truncated answer", reply(200, `{"errors":tr`), false, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{t: t, answers: []func(http.ResponseWriter, recorded){tc.answer}}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			s := newHTTPSink(t, Config{Kind: "elasticsearch", URL: srv.URL + "/es", APIKey: "aWQ6a2V5"})
			err := s.Write(context.Background(), evs)
			_, config := forward.AsConfigError(err)
			if err == nil || config != tc.config || !config && forward.IsPermanent(err) != tc.permanent {
				t.Fatalf("got %v, want permanent=%v config=%v", err, tc.permanent, tc.config)
			}
			if d, ok := forward.RetryDelay(err); tc.delay > 0 && (!ok || d < tc.delay-5*time.Second || d > tc.delay) {
				t.Errorf("delay %v (%v), want about %v", d, ok, tc.delay)
			}
			if rec.reqs[0].path != "/es/_bulk" {
				t.Errorf("path %s", rec.reqs[0].path)
			}
			checkHeader(t, rec.reqs[0].header, "Authorization", "ApiKey aWQ6a2V5")
		})
	}
}

func TestHTTPNDJSONOverTLS(t *testing.T) {
	pki := testpeer.NewPKI(t)
	rec := &recorder{t: t, answers: []func(http.ResponseWriter, recorded){reply(204, "")}}
	srv := httptest.NewUnstartedServer(rec)
	srv.TLS = pki.ServerConfig(t)
	srv.StartTLS()
	defer srv.Close()
	s := newHTTPSink(t, Config{Kind: "ndjson", URL: srv.URL + "/ingest?tenant=a", Token: "abc", TLS: forward.TLSConfig{CA: pki.CA}})
	evs := sinktest.SampleEvents(t, 1, 3)
	sinktest.MustWrite(t, s, evs)
	r := rec.reqs[0]
	if r.path != "/ingest" || r.query != "tenant=a" {
		t.Errorf("posted to %s?%s", r.path, r.query)
	}
	checkHeader(t, r.header, "Authorization", "Bearer abc")
	checkHeader(t, r.header, "Content-Type", "application/x-ndjson")
	if n := strings.Count(string(r.body), "\n"); n != 3 {
		t.Errorf("%d lines, want 3", n)
	}
}

func TestHTTPNetworkErrorIsRetryable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	s := newHTTPSink(t, Config{Kind: "ndjson", URL: u})
	if err := s.Write(context.Background(), sinktest.SampleEvents(t, 1, 1)); err == nil || forward.IsPermanent(err) {
		t.Fatalf("got %v, want a retryable error", err)
	}
}

func TestHTTPConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{URL: "http://x"}, "kind is required"},
		{Config{Kind: "kafka", URL: "http://x"}, `kind "kafka"`},
		{Config{Kind: "ndjson"}, "url is required"},
		{Config{Kind: "ndjson", URL: "ftp://x"}, "want http"},
		{Config{Kind: "splunk_hec", URL: "http://x"}, "needs token"},
		{Config{Kind: "ndjson", URL: "http://x", Token: "a", Username: "u"}, "one of"},
		{Config{Kind: "ndjson", URL: "http://x", TLS: forward.TLSConfig{CA: "ca"}}, "not https"},
		{Config{Kind: "ndjson", URL: "http://x", Index: "i"}, "index is for"},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"0": 0, "120": 2 * time.Minute, "Sun, 22 Nov 2026 10:00:30 GMT": 30 * time.Second,
		"Sun, 22 Nov 2026 09:00:00 GMT": 0, "999999": time.Hour,
	} {
		if d, ok := retryAfterHeader(v, now); !ok || d != want {
			t.Errorf("%q: %v %v, want %v", v, d, ok, want)
		}
	}
	for _, v := range []string{"", "soon", "-5"} {
		if _, ok := retryAfterHeader(v, now); ok {
			t.Errorf("%q accepted", v)
		}
	}
}
