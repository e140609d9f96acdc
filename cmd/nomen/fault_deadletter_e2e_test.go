package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// 3. A permanently rejected event goes to the dead-letter file.
// ---------------------------------------------------------------------------

// fltBulk emulates Elasticsearch's _bulk API (documented request and
// response format): it rejects the document whose message holds reject
// with a 400 mapping error, answers 429 the first time it sees the one
// holding throttle, and stores every other document.
type fltBulk struct {
	reject, throttle string
	reason           string

	mu        sync.Mutex
	stored    []string
	attempts  map[string]int
	requests  int
	problems  []string
	throttled bool
}

func (b *fltBulk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests++
	problem := func(format string, args ...any) {
		b.problems = append(b.problems, fmt.Sprintf(format, args...))
		http.Error(w, `{"error":{"type":"parse_exception","reason":"bad request"},"status":400}`, http.StatusBadRequest)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/_bulk" {
		problem("%s %s, want POST /_bulk", r.Method, r.URL.Path)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		problem("Content-Type %q, want application/x-ndjson", ct)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		problem("reading the body: %v", err)
		return
	}
	if len(body) == 0 || body[len(body)-1] != '\n' {
		problem("the bulk body must end with a newline")
		return
	}
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if len(lines)%2 != 0 {
		problem("%d lines: want action/document pairs", len(lines))
		return
	}
	type item map[string]map[string]any
	var items []item
	errs := false
	for i := 0; i < len(lines); i += 2 {
		var action map[string]map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &action); err != nil || len(action) != 1 || action["create"] == nil {
			problem("action line %q: want {\"create\":{...}}", lines[i])
			return
		}
		index, _ := action["create"]["_index"].(string)
		if index != "logs-nomen-fault" {
			problem("action line %q: _index %q, want logs-nomen-fault", lines[i], index)
			return
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(lines[i+1]), &doc); err != nil {
			problem("document line %q: %v", lines[i+1], err)
			return
		}
		msg := getStr(doc, "message")
		b.attempts[msg]++
		id := fmt.Sprintf("doc%d-%d", b.requests, i/2)
		switch {
		case strings.Contains(msg, b.reject):
			errs = true
			items = append(items, item{"create": {"_index": index, "_id": id, "status": 400,
				"error": map[string]any{"type": "mapper_parsing_exception", "reason": b.reason}}})
		case strings.Contains(msg, b.throttle) && !b.throttled:
			b.throttled = true
			errs = true
			items = append(items, item{"create": {"_index": index, "_id": id, "status": 429,
				"error": map[string]any{"type": "es_rejected_execution_exception",
					"reason": "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, max_coordinating_and_primary_bytes=0]"}}})
		default:
			b.stored = append(b.stored, msg)
			items = append(items, item{"create": {"_index": index, "_id": id, "_version": 1, "result": "created", "status": 201}})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"took": 3, "errors": errs, "items": items})
}

// TestFaultDeadLetter: an Elasticsearch output whose server rejects one
// document for good (400 mapper_parsing_exception) and throttles another
// once (item 429). The rejected one lands in the dead-letter file with
// Elasticsearch's reason; the throttled one is retried and stored; all the
// others are stored once.
func TestFaultDeadLetter(t *testing.T) {
	fltSkipShort(t)
	const reason = "failed to parse field [source.port] of type [long] in document with id 'x'. Preview of field's value: 'not-a-port'"
	bulk := &fltBulk{reject: "seq=000017", throttle: "seq=000033", reason: reason, attempts: map[string]int{}}
	srv := httptest.NewServer(bulk)
	defer srv.Close()

	n := fltStartNomen(t, fmt.Sprintf(`
[[output]]
name = "es"
type = "http"
kind = "elasticsearch"
url = %q
index = "logs-nomen-fault"
batch_size = 10
`, srv.URL))

	const count = 60
	fltSend(t, n.addr("tcp"), []string{"a"}, 0, count, 0)
	deadLetter := filepath.Join(n.dir, "state", "deadletter", "es.jsonl")
	fltWait(t, 60*time.Second, "documents stored and the rejected one dead-lettered", func() (bool, string) {
		bulk.mu.Lock()
		stored := len(bulk.stored)
		bulk.mu.Unlock()
		dl := len(readJSONLines(t, deadLetter))
		return stored >= count-1 && dl >= 1, fmt.Sprintf("%d stored (want %d), %d dead-lettered (want 1)", stored, count-1, dl)
	})
	fltLagZero(t, n, "es")

	bulk.mu.Lock()
	stored := append([]string(nil), bulk.stored...)
	attempts := bulk.attempts["flt src=a seq=000033"]
	problems := bulk.problems
	bulk.mu.Unlock()
	for _, p := range problems {
		t.Errorf("bulk request not as documented: %s", p)
	}
	// Everything but seq 17 stored once (the throttled one after its retry).
	fltCheck(t, "stored in Elasticsearch", append(stored, "flt src=a seq=000017"), map[string]int{"a": count}, false, false)
	if attempts != 2 {
		t.Errorf("the throttled document was sent %d times, want 2 (429 once, then stored)", attempts)
	}

	dl := readJSONLines(t, deadLetter)
	if len(dl) != 1 {
		t.Fatalf("%d dead-letter records, want 1: %v", len(dl), dl)
	}
	rec := dl[0]
	if got := getStr(rec, "event.message"); got != "flt src=a seq=000017" {
		t.Errorf("dead-lettered event.message %q, want the rejected document's", got)
	}
	errText := getStr(rec, "error")
	if !strings.Contains(errText, "mapper_parsing_exception") || !strings.Contains(errText, reason) || !strings.Contains(errText, "400") {
		t.Errorf("dead-letter error %q does not give the status, type and reason Elasticsearch gave", errText)
	}
	if getStr(rec, "output") != "es" || getStr(rec, "@timestamp") == "" {
		t.Errorf("dead-letter record without output or @timestamp: %v", rec)
	}
	if v := n.metric("nomen_output_deadletter_events_total", `output="es"`); v != 1 {
		t.Errorf("nomen_output_deadletter_events_total{output=\"es\"} = %v, want 1", v)
	}
	if v := n.metric("nomen_output_failures_total", `kind="permanent"`); v < 1 {
		t.Errorf("nomen_output_failures_total{kind=\"permanent\"} = %v, want >= 1", v)
	}
	if v := n.metric("nomen_output_failures_total", `kind="retryable"`); v < 1 {
		t.Errorf("nomen_output_failures_total{kind=\"retryable\"} = %v, want >= 1 (the 429)", v)
	}
	if v := n.metric("nomen_output_events_total", `output="es"`); v != count-1 {
		t.Errorf("nomen_output_events_total{output=\"es\"} = %v, want %d", v, count-1)
	}
	if !strings.Contains(n.log.String(), "written to the dead-letter file") {
		t.Errorf("no log line about the dead-lettered event:\n%s", n.log)
	}
}
