package http

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/nomenhq/nomen/forward"
)

// FuzzJudgeResponse feeds the sink's classification of server answers
// (Splunk HEC, Elasticsearch _bulk, plain NDJSON) arbitrary status codes,
// Retry-After headers and bodies for batches of 0..255 events. It must
// never panic, call a batch delivered only when the answer says so, and
// name in a *forward.BatchError only events of the batch, each once; a
// _bulk answer whose items do not match the batch is an error for the
// whole batch, never an index out of range.
func FuzzJudgeResponse(f *testing.F) {
	seeds := []struct {
		kind       string
		status     int
		retryAfter string
		body       string
		n          uint8
	}{
		{"splunk_hec", 200, "", `{"text":"Success","code":0}`, 3},
		{"splunk_hec", 400, "", `{"text":"Invalid data format","code":6,"invalid-event-number":1}`, 3},
		{"splunk_hec", 400, "", `{"text":"Invalid data format","code":6,"invalid-event-number":7}`, 3},
		{"splunk_hec", 503, "7", `{"text":"Server is busy","code":9}`, 2},
		{"splunk_hec", 403, "", `{"text":"Invalid token","code":4}`, 1},
		{"elasticsearch", 200, "", `{"errors":false,"items":[{"create":{"status":201}},{"create":{"status":201}}]}`, 2},
		{"elasticsearch", 200, "", `{"errors":true,"items":[{"create":{"status":201}},{"create":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected"}}},{"create":{"status":400,"error":{"type":"document_parsing_exception","reason":"failed to parse field [source.port] of type [long]"}}},{"create":{"status":409,"error":{"type":"version_conflict_engine_exception","reason":"document already exists"}}}]}`, 4},
		{"elasticsearch", 200, "", `{"errors":true,"items":[{"create":{"status":201}}]}`, 3},
		{"elasticsearch", 200, "", `{"errors":true,"items":[{},{"create":{"status":400},"index":{"status":500}}]}`, 2},
		{"elasticsearch", 429, "Wed, 21 Oct 2026 07:28:00 GMT", `{"error":"too many requests"}`, 2},
		{"elasticsearch", 200, "", `{"errors":tr`, 2},
		{"ndjson", 204, "", ``, 5},
		{"ndjson", 502, "-1", `bad gateway`, 5},
		{"ndjson", 404, "", `not found`, 1},
	}
	for _, s := range seeds {
		f.Add(s.kind, s.status, s.retryAfter, []byte(s.body), s.n)
	}
	sinks := map[string]*HTTP{}
	for _, kind := range []string{"splunk_hec", "elasticsearch", "ndjson"} {
		cfg := Config{Kind: kind, URL: "http://127.0.0.1:9/x", Token: "t"}
		if kind != "splunk_hec" {
			cfg.Token = ""
		}
		s, err := New(cfg, forward.Runtime{Hostname: "relay1"})
		if err != nil {
			f.Fatal(err)
		}
		sinks[kind] = s
	}
	f.Fuzz(func(t *testing.T, kind string, status int, retryAfter string, body []byte, n8 uint8) {
		s := sinks[kind]
		if s == nil {
			return
		}
		n := int(n8)
		if n == 0 {
			n = 1 // Write never judges an empty batch
		}
		hdr := http.Header{}
		if retryAfter != "" {
			hdr.Set("Retry-After", retryAfter)
		}
		err := s.judge(status, hdr, body, n)
		if err == nil {
			ok := status >= 200 && status < 300
			if kind != "ndjson" {
				ok = status == 200
			}
			if !ok {
				t.Fatalf("%s: status %d judged delivered", kind, status)
			}
			if kind == "elasticsearch" {
				checkBulkDelivered(t, body, n, nil)
			}
			return
		}
		var be *forward.BatchError
		if !errors.As(err, &be) {
			return // the whole batch: retried, dead-lettered or a config error
		}
		if len(be.Items) == 0 {
			t.Fatal("a BatchError naming no event")
		}
		named := map[int]bool{}
		for _, it := range be.Items {
			if it.Index < 0 || it.Index >= n || named[it.Index] || it.Err == nil {
				t.Fatalf("batch of %d: invalid item %d (%v), named before: %v", n, it.Index, it.Err, named[it.Index])
			}
			named[it.Index] = true
		}
		if kind == "elasticsearch" {
			checkBulkDelivered(t, body, n, named)
		}
	})
}

// checkBulkDelivered checks, reading the _bulk answer on its own, that
// every event not named failed had an item saying it was stored (2xx) or
// was there already (409).
func checkBulkDelivered(t *testing.T, body []byte, n int, failed map[int]bool) {
	t.Helper()
	var r struct {
		Errors bool                         `json:"errors"`
		Items  []map[string]json.RawMessage `json:"items"`
	}
	if json.Unmarshal(body, &r) != nil || !r.Errors {
		return // not JSON the sink could have accepted, or "no errors" at all
	}
	if len(r.Items) != n {
		t.Fatalf("%d items for %d events, accepted", len(r.Items), n)
	}
	for i, item := range r.Items {
		if failed[i] {
			continue
		}
		var o struct{ Status int }
		stored := false
		if len(item) == 1 {
			for _, raw := range item {
				stored = json.Unmarshal(raw, &o) == nil && (o.Status >= 200 && o.Status < 300 || o.Status == http.StatusConflict)
			}
		}
		if !stored {
			t.Fatalf("item %d %v counted delivered", i, item)
		}
	}
}

// A _bulk item with no action, two actions or no status says nothing
// certain about its document: it is sent again, never counted delivered
// (before, an empty item counted as delivered and two actions named one
// event twice).
func TestBulkMalformedItemsRetried(t *testing.T) {
	s, err := New(Config{Kind: "elasticsearch", URL: "http://127.0.0.1:9"}, forward.Runtime{})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"errors":true,"items":[{},{"create":{"status":400},"index":{"status":201}},{"create":{}},{"create":{"status":201}}]}`
	var be *forward.BatchError
	if err := s.judge(200, http.Header{}, []byte(body), 4); !errors.As(err, &be) {
		t.Fatalf("got %v, want a BatchError", err)
	}
	if len(be.Items) != 3 {
		t.Fatalf("items %+v: want events 0, 1, 2", be.Items)
	}
	for i, it := range be.Items {
		if it.Index != i || forward.IsPermanent(it.Err) {
			t.Errorf("item %d: index %d %v (permanent %v), want %d retryable", i, it.Index, it.Err, forward.IsPermanent(it.Err), i)
		}
	}
}
