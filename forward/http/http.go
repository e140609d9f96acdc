// Package http is the http output: batches POSTed to Splunk's HTTP Event
// Collector, Elasticsearch's _bulk API, or any endpoint taking ECS JSON
// lines (ndjson). Config says how each kind is spoken and how responses
// are judged.
//
//	[[output]]
//	name = "splunk"
//	type = "http"
//	kind = "splunk_hec"      # elasticsearch or ndjson
//	url = "https://splunk.example.net:8088"
//	token = "${SPLUNK_HEC_TOKEN}"
//	sourcetype = "nomen:ecs"
//	tls = { ca = "/etc/nomen/splunk-ca.pem" }
package http

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is an `[[output]]` table of type "http". A zero value of an
// optional key means its default.
//
// Kinds:
//   - "splunk_hec": POST <url>/services/collector/event with
//     "Authorization: Splunk <token>"; the body is one JSON object per event,
//     concatenated: {"time":<epoch seconds.ms>,"host":<host.name>,
//     "source":...,"sourcetype":...,"index":...,"event":<ECS document>}
//     (source and index only when set: otherwise the token's defaults apply).
//   - "elasticsearch": POST <url>/_bulk (Content-Type application/x-ndjson)
//     with {"create":{"_index":<index>}} before each ECS document; "create"
//     works for both data streams (where it is required) and indices. Items
//     are judged one by one: 429 and 5xx are retried, other 4xx go to the
//     dead-letter file with Elasticsearch's error type and reason, 409
//     (version conflict: the document exists) counts as delivered.
//   - "ndjson": POST <url> with ECS JSON lines (application/x-ndjson).
//
// Errors: network errors, timeouts, 408, 429 and 5xx are retried, with the
// server's Retry-After (seconds or an HTTP date) honoured. Per-event
// rejections go to the dead-letter file: Elasticsearch's bulk items, the
// event HEC names in a 400 (invalid-event-number), and a whole batch
// answered 409 or 422. Any other 4xx on the request as a whole (401, 403,
// 404, 400, 413, ...) concerns the output, not the events: it is a
// configuration error (forward.ConfigError: logged once with the fix,
// the output not ready, the events waiting in the journal, retried every
// minute or on reload).
type Config struct {
	// Kind is "splunk_hec", "elasticsearch" or "ndjson" (required).
	Kind string `toml:"kind"`
	// URL is the server's base URL (for ndjson: the full URL posted to).
	URL string `toml:"url"`
	// Gzip compresses request bodies (Content-Encoding: gzip).
	Gzip bool `toml:"gzip"`
	// Username and Password: HTTP basic authentication.
	Username string `toml:"username"`
	Password string `toml:"password"`
	// Token: the HEC token for splunk_hec, else a bearer token.
	Token string `toml:"token"`
	// APIKey: an Elasticsearch API key (Authorization: ApiKey <key>, the
	// base64 "id:key" form Elasticsearch returns as "encoded").
	APIKey string `toml:"api_key"`
	// Headers are added to every request.
	Headers config.StringTable `toml:"headers"`
	// TLS options for https URLs.
	TLS forward.TLSConfig `toml:"tls"`
	// Timeout bounds one request, response included (default 30s).
	Timeout config.Duration `toml:"timeout"`

	// Index: Elasticsearch data stream or index (default
	// "logs-nomen-default", a data stream under the default logs-*-*
	// template); Splunk index (default: the token's).
	Index string `toml:"index"`
	// Source and SourceType: Splunk metadata (sourcetype default "_json",
	// source default: the token's).
	Source     string `toml:"source"`
	SourceType string `toml:"sourcetype"`
}

func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = config.Duration(30 * time.Second)
	}
	if c.Kind == "elasticsearch" && c.Index == "" {
		c.Index = "logs-nomen-default"
	}
	if c.Kind == "splunk_hec" && c.SourceType == "" {
		c.SourceType = "_json"
	}
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch c.Kind {
	case "splunk_hec", "elasticsearch", "ndjson":
	case "":
		return errors.New("http: kind is required (\"splunk_hec\", \"elasticsearch\" or \"ndjson\")")
	default:
		return fmt.Errorf("http: kind %q: want \"splunk_hec\", \"elasticsearch\" or \"ndjson\"", c.Kind)
	}
	if c.URL == "" {
		return errors.New("http: url is required")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("http: url %q: want http://host[:port]/path or https://host[:port]/path", c.URL)
	}
	if u.Scheme != "https" && !c.TLS.IsZero() {
		return fmt.Errorf("http: tls options are set but url %q is not https", c.URL)
	}
	if err := c.TLS.Validate(); err != nil {
		return fmt.Errorf("http: %w", err)
	}
	auths := 0
	for _, set := range []bool{c.Username != "" || c.Password != "", c.Token != "", c.APIKey != ""} {
		if set {
			auths++
		}
	}
	if auths > 1 {
		return errors.New("http: give one of username/password, token and api_key")
	}
	if c.Kind == "splunk_hec" && c.Token == "" {
		return errors.New("http: splunk_hec needs token (the HEC token)")
	}
	if c.APIKey != "" && c.Kind != "elasticsearch" {
		return errors.New("http: api_key is for kind = \"elasticsearch\"")
	}
	if c.Kind != "splunk_hec" && (c.Source != "" || c.SourceType != "") {
		return errors.New("http: source and sourcetype are for kind = \"splunk_hec\"")
	}
	if c.Kind == "ndjson" && c.Index != "" {
		return errors.New("http: index is for kind = \"splunk_hec\" or \"elasticsearch\"")
	}
	if c.Timeout < 0 {
		return errors.New("http: timeout must not be negative")
	}
	return nil
}

type httpMetrics struct {
	responses  *prometheus.CounterVec
	duplicates prometheus.Counter
}

func newHTTPMetrics(rt forward.Runtime) *httpMetrics {
	return &httpMetrics{
		responses: rt.CounterVec("nomen_http_responses_total",
			"HTTP responses the http output received, by status code (0: no response).", "code"),
		duplicates: rt.Counter("nomen_http_duplicate_events_total",
			"Events Elasticsearch already had (bulk item 409), counted as delivered."),
	}
}

// HTTP posts batches to Splunk HEC, Elasticsearch or any NDJSON endpoint.
type HTTP struct {
	cfg    Config
	log    *slog.Logger
	m      *httpMetrics
	url    string
	auth   string
	client *http.Client
	enc    event.Encoder

	body []byte
	gz   *gzip.Writer
	zbuf bytes.Buffer
}

// NewSink builds the http sink of c (forward.Config).
func (c *Config) NewSink(rt forward.Runtime) (forward.Sink, error) { return New(*c, rt) }

// New returns an http sink; rt.Hostname is observer.hostname in the
// documents.
func New(cfg Config, rt forward.Runtime) (*HTTP, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	u, _ := url.Parse(cfg.URL)
	s := &HTTP{
		cfg: cfg,
		log: rt.Log().With("sink", "http", "kind", cfg.Kind, "url", u.Redacted()),
		m:   newHTTPMetrics(rt),
		url: endpoint(cfg.Kind, u),
		enc: event.Encoder{Observer: rt.Hostname},
	}
	switch {
	case cfg.Kind == "splunk_hec":
		s.auth = "Splunk " + cfg.Token
	case cfg.Token != "":
		s.auth = "Bearer " + cfg.Token
	case cfg.APIKey != "":
		s.auth = "ApiKey " + cfg.APIKey
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 4
	tr.ResponseHeaderTimeout = cfg.Timeout.D()
	if u.Scheme == "https" {
		tc, err := cfg.TLS.Build(u.Hostname())
		if err != nil {
			return nil, fmt.Errorf("http: %w", err)
		}
		tr.TLSClientConfig = tc
	}
	s.client = &http.Client{Transport: tr, Timeout: cfg.Timeout.D()}
	if cfg.Gzip {
		s.gz, _ = gzip.NewWriterLevel(&s.zbuf, gzip.BestSpeed)
	}
	return s, nil
}

// endpoint is the URL posted to: HEC's event endpoint and Elasticsearch's
// _bulk are appended to the base URL unless it names them already.
func endpoint(kind string, u *url.URL) string {
	c := *u
	path := strings.TrimSuffix(c.Path, "/")
	switch kind {
	case "splunk_hec":
		switch {
		case strings.HasSuffix(path, "/services/collector/event"), strings.HasSuffix(path, "/services/collector/event/1.0"):
		case strings.HasSuffix(path, "/services/collector"):
			path += "/event"
		default:
			path += "/services/collector/event"
		}
	case "elasticsearch":
		if !strings.HasSuffix(path, "/_bulk") {
			path += "/_bulk"
		}
		// Only what is needed to judge the items: a bulk response otherwise
		// repeats index, id, version and shards for every document.
		q := c.Query()
		if q.Get("filter_path") == "" {
			q.Set("filter_path", "errors,items.*.status,items.*.error")
			c.RawQuery = q.Encode()
		}
	default:
		return c.String()
	}
	c.Path = path
	c.RawPath = ""
	return c.String()
}

// Open checks nothing: HTTP needs no connection up front, and a server
// that is down is found (and retried) by the first Write.
func (s *HTTP) Open(ctx context.Context) error { return nil }

// Close releases idle connections.
func (s *HTTP) Close() error {
	s.client.CloseIdleConnections()
	return nil
}

// Write posts the batch as one request.
func (s *HTTP) Write(ctx context.Context, batch []*event.Event) error {
	if len(batch) == 0 {
		return nil
	}
	body := s.body[:0]
	for _, e := range batch {
		switch s.cfg.Kind {
		case "splunk_hec":
			body = s.appendHEC(body, e)
		case "elasticsearch":
			body = append(body, `{"create":{"_index":`...)
			body = event.AppendJSONString(body, s.cfg.Index)
			body = append(body, "}}\n"...)
			body = s.enc.AppendJSON(body, e)
			body = append(body, '\n')
		default:
			body = s.enc.AppendJSON(body, e)
			body = append(body, '\n')
		}
	}
	s.body = body
	payload := body
	if s.gz != nil {
		s.zbuf.Reset()
		s.gz.Reset(&s.zbuf)
		s.gz.Write(body)
		if err := s.gz.Close(); err != nil {
			return fmt.Errorf("http: gzip: %w", err)
		}
		payload = s.zbuf.Bytes()
	}
	status, hdr, resp, err := s.post(ctx, payload)
	if err != nil {
		s.m.responses.WithLabelValues("0").Inc()
		return fmt.Errorf("http: post %s: %w", s.cfg.Kind, err) // network: retryable
	}
	s.m.responses.WithLabelValues(strconv.Itoa(status)).Inc()
	return s.judge(status, hdr, resp, len(batch))
}

// judge classifies the server's answer to a batch of n events: nil (all
// delivered), a *forward.BatchError naming failed events, or an error for
// the whole batch (retryable, permanent or a forward.ConfigError).
func (s *HTTP) judge(status int, hdr http.Header, body []byte, n int) error {
	switch s.cfg.Kind {
	case "splunk_hec":
		return s.judgeHEC(status, hdr, body, n)
	case "elasticsearch":
		return s.judgeBulk(status, hdr, body, n)
	}
	return judgeStatus(status, hdr, body)
}

// appendHEC appends one HEC event object.
func (s *HTTP) appendHEC(dst []byte, e *event.Event) []byte {
	t := forward.EventTime(e.Time, e.Received)
	ms := t.UnixMilli()
	dst = append(dst, `{"time":`...)
	dst = strconv.AppendInt(dst, ms/1000, 10)
	dst = append(dst, '.', byte('0'+ms%1000/100), byte('0'+ms%100/10), byte('0'+ms%10))
	if h := e.Str("host.name"); h != "" {
		dst = append(dst, `,"host":`...)
		dst = event.AppendJSONString(dst, h)
	}
	if s.cfg.Source != "" {
		dst = append(dst, `,"source":`...)
		dst = event.AppendJSONString(dst, s.cfg.Source)
	}
	dst = append(dst, `,"sourcetype":`...)
	dst = event.AppendJSONString(dst, s.cfg.SourceType)
	if s.cfg.Index != "" {
		dst = append(dst, `,"index":`...)
		dst = event.AppendJSONString(dst, s.cfg.Index)
	}
	dst = append(dst, `,"event":`...)
	dst = s.enc.AppendJSON(dst, e)
	return append(dst, '}')
}

// maxResponse bounds how much of a response is read (a bulk response for
// a large batch with filter_path is well below this).
const maxResponse = 32 << 20

func (s *HTTP) post(ctx context.Context, payload []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, nil, forward.Permanent(err)
	}
	switch s.cfg.Kind {
	case "splunk_hec":
		req.Header.Set("Content-Type", "application/json")
	default:
		req.Header.Set("Content-Type", "application/x-ndjson")
	}
	req.Header.Set("User-Agent", "nomen/"+forward.ProductVersion())
	if s.gz != nil {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if s.auth != "" {
		req.Header.Set("Authorization", s.auth)
	} else if s.cfg.Username != "" || s.cfg.Password != "" {
		req.SetBasicAuth(s.cfg.Username, s.cfg.Password)
	}
	for k, v := range s.cfg.Headers {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read response: %w", err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// judgeStatus classifies a whole response by its status code: 408, 429
// and 5xx are retried; 409 and 422 say the data is wrong (permanent: the
// batch goes to the dead-letter file); any other 4xx on the request as a
// whole says the output is (a wrong URL, credentials, size limit): a
// forward.ConfigError with the fix, the events waiting in the journal.
func judgeStatus(status int, hdr http.Header, body []byte) error {
	if status >= 200 && status < 300 {
		return nil
	}
	err := fmt.Errorf("http: server answered %d: %s", status, snippet(body))
	switch {
	case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500:
		if d, ok := retryAfterHeader(hdr.Get("Retry-After"), time.Now()); ok {
			return forward.RetryAfter(err, d)
		}
		return err
	case status == http.StatusConflict || status == http.StatusUnprocessableEntity:
		return forward.Permanent(err)
	case status >= 400 && status < 500:
		return forward.Misconfigured(err, statusFix(status))
	}
	return err // 1xx, 3xx: not what an endpoint should answer; retried
}

// statusFix is what to change when the server refuses a request with
// status as a whole.
func statusFix(status int) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusProxyAuthRequired:
		return "check the output's credentials (token, api_key, username/password) and their permissions"
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusGone:
		return "check the output's url (and index): the endpoint does not exist there"
	case http.StatusRequestEntityTooLarge:
		return "lower the output's batch_size, or raise the server's request size limit"
	}
	return "check the output's url, kind and options: the server refuses the request as a whole"
}

// retryAfterHeader parses Retry-After: delay-seconds or an HTTP date.
func retryAfterHeader(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return min(time.Duration(n)*time.Second, time.Hour), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), time.Hour), true
}

func snippet(b []byte) string {
	const max = 512
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		s = forward.TruncateUTF8(s, max) + "..."
	}
	return s
}

// hecResponse is HEC's answer: {"text":"Success","code":0}, or an error
// code; "invalid-event-number" is the index of the first event it rejected.
type hecResponse struct {
	Text        string `json:"text"`
	Code        int    `json:"code"`
	InvalidItem *int   `json:"invalid-event-number"`
}

// judgeHEC classifies HEC's answer. A 400 naming an invalid event makes
// that event permanent and the others retryable (HEC does not say whether
// the events before it were indexed; sending them again is the
// at-least-once choice).
func (s *HTTP) judgeHEC(status int, hdr http.Header, body []byte, n int) error {
	var r hecResponse
	jerr := json.Unmarshal(body, &r)
	if status == http.StatusOK && jerr == nil && r.Code == 0 {
		return nil
	}
	if status == http.StatusBadRequest && jerr == nil && r.InvalidItem != nil && *r.InvalidItem >= 0 && *r.InvalidItem < n {
		bad := *r.InvalidItem
		be := &forward.BatchError{Items: make([]forward.ItemError, 0, n)}
		for i := 0; i < n; i++ {
			if i == bad {
				be.Items = append(be.Items, forward.ItemError{Index: i, Err: forward.Permanentf("http: splunk rejected the event: %s (code %d)", r.Text, r.Code)})
			} else {
				be.Items = append(be.Items, forward.ItemError{Index: i, Err: fmt.Errorf("http: splunk rejected event %d of the batch", bad)})
			}
		}
		return be
	}
	if status >= 200 && status < 300 {
		return fmt.Errorf("http: unexpected HEC answer %d: %s", status, snippet(body))
	}
	return judgeStatus(status, hdr, body)
}

// bulkResponse is what filter_path leaves of a _bulk response.
type bulkResponse struct {
	Errors bool                         `json:"errors"`
	Items  []map[string]bulkItemOutcome `json:"items"`
}

type bulkItemOutcome struct {
	Status int `json:"status"`
	Error  *struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	} `json:"error"`
}

// judgeBulk classifies a _bulk answer item by item.
func (s *HTTP) judgeBulk(status int, hdr http.Header, body []byte, n int) error {
	if status != http.StatusOK {
		err := judgeStatus(status, hdr, body)
		if err == nil {
			err = fmt.Errorf("http: unexpected bulk answer %d: %s", status, snippet(body))
		}
		return err
	}
	var r bulkResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("http: bulk answer is not JSON (%v): %s", err, snippet(body))
	}
	if !r.Errors {
		return nil
	}
	if len(r.Items) != n {
		return fmt.Errorf("http: bulk answer has %d items for %d documents", len(r.Items), n)
	}
	var be forward.BatchError
	for i, item := range r.Items {
		if len(item) != 1 {
			// One key is the action ("create"); none or several say
			// nothing certain about the document: send it again.
			be.Items = append(be.Items, forward.ItemError{Index: i, Err: fmt.Errorf("http: elasticsearch item %d: %d actions in the answer, want 1", i, len(item))})
			continue
		}
		for _, o := range item {
			switch {
			case o.Status == 0:
				be.Items = append(be.Items, forward.ItemError{Index: i, Err: fmt.Errorf("http: elasticsearch item %d: no status in the answer", i)})
			case o.Status >= 200 && o.Status < 300:
			case o.Status == http.StatusConflict:
				s.m.duplicates.Inc() // already there: an earlier attempt got through
			case o.Status == http.StatusTooManyRequests || o.Status >= 500:
				be.Items = append(be.Items, forward.ItemError{Index: i, Err: fmt.Errorf("http: elasticsearch item %d: %d %s", i, o.Status, o.describe())})
			default:
				be.Items = append(be.Items, forward.ItemError{Index: i, Err: forward.Permanentf("http: elasticsearch rejected the document: %d %s", o.Status, o.describe())})
			}
		}
	}
	if len(be.Items) == 0 {
		return nil
	}
	return &be
}

func (o bulkItemOutcome) describe() string {
	if o.Error == nil {
		return ""
	}
	return o.Error.Type + ": " + o.Error.Reason
}
