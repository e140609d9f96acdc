package http

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/relay/event"
)

// TestConformance runs the shared sink checks for each kind against an
// httptest server that speaks the kind's protocol as its vendor documents
// it: Splunk HEC's /services/collector/event (concatenated event objects,
// {"text":"Success","code":0}), Elasticsearch's /_bulk (action and
// document lines, a response with one item per action), and plain NDJSON.
func TestConformance(t *testing.T) {
	enc := event.Encoder{Observer: "relay1"}
	for _, kind := range []string{"splunk_hec", "elasticsearch", "ndjson"} {
		t.Run(kind, func(t *testing.T) {
			sinktest.Run(t, sinktest.Suite{
				Want: func(e *event.Event) string { return string(enc.AppendJSON(nil, e)) },
				Receiver: func(t *testing.T) sinktest.Receiver {
					rcv := &receiver{kind: kind}
					srv := httptest.NewServer(rcv)
					t.Cleanup(srv.Close)
					return sinktest.Receiver{
						NewSink: func() (forward.Sink, error) { return newKind(kind, srv.URL) },
						Got:     rcv.list,
					}
				},
				Unreachable: func(t *testing.T) forward.Sink {
					l, err := net.Listen("tcp", "127.0.0.1:0")
					if err != nil {
						t.Fatal(err)
					}
					l.Close() // nothing listens there any more
					return mustKind(t, kind, "http://"+l.Addr().String())
				},
				Rejecting: func(t *testing.T) (forward.Sink, []*event.Event) {
					srv := httptest.NewServer(&receiver{kind: kind, reject: true})
					t.Cleanup(srv.Close)
					return mustKind(t, kind, srv.URL), sinktest.SampleEvents(t, 1, 1)
				},
				Misconfigured: func(t *testing.T) forward.Sink {
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						http.Error(w, "unauthorized", http.StatusUnauthorized)
					}))
					t.Cleanup(srv.Close)
					return mustKind(t, kind, srv.URL)
				},
				Stalled: func(t *testing.T) (forward.Sink, <-chan struct{}) {
					blocked, stop := make(chan struct{}), make(chan struct{})
					var once sync.Once
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						io.Copy(io.Discard, r.Body) // so that the server notices the client leaving
						once.Do(func() { close(blocked) })
						select { // never answer
						case <-r.Context().Done():
						case <-stop:
						}
					}))
					t.Cleanup(srv.Close)
					t.Cleanup(func() { close(stop) }) // runs first
					return mustKind(t, kind, srv.URL), blocked
				},
			})
		})
	}
}

func newKind(kind, url string) (forward.Sink, error) {
	cfg := Config{Kind: kind, URL: url}
	switch kind {
	case "splunk_hec":
		cfg.Token = "00000000-0000-0000-0000-000000000000"
	case "elasticsearch":
		cfg.Index = "logs-nomen-test"
	}
	return New(cfg, forward.Runtime{Hostname: "relay1"})
}

func mustKind(t *testing.T, kind, url string) forward.Sink {
	s, err := newKind(kind, url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// receiver is a server of one kind that records the documents it took,
// or (reject) refuses every event as malformed.
type receiver struct {
	kind   string
	reject bool
	mu     sync.Mutex
	docs   []string
	err    error
}

func (rc *receiver) list() ([]string, error) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.docs...), rc.err
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = rc.checkRequest(r)
	}
	var docs []string
	if err == nil {
		docs, err = rc.parse(body)
	}
	if err != nil {
		rc.mu.Lock()
		rc.err = err
		rc.mu.Unlock()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !rc.reject {
		rc.mu.Lock()
		rc.docs = append(rc.docs, docs...)
		rc.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case rc.kind == "splunk_hec" && rc.reject:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"text":"Invalid data format","code":6,"invalid-event-number":0}`)
	case rc.kind == "splunk_hec":
		fmt.Fprint(w, `{"text":"Success","code":0}`)
	case rc.kind == "elasticsearch":
		rc.bulkResponse(w, len(docs))
	case rc.reject:
		// 422: the data is at fault (a 400 on the whole request is taken
		// as a configuration error).
		http.Error(w, "malformed document", http.StatusUnprocessableEntity)
	}
}

func (rc *receiver) checkRequest(r *http.Request) error {
	want := map[string][2]string{
		"splunk_hec":    {"/services/collector/event", "Splunk 00000000-0000-0000-0000-000000000000"},
		"elasticsearch": {"/_bulk", ""},
		"ndjson":        {"/", ""},
	}[rc.kind]
	if r.Method != http.MethodPost || r.URL.Path != want[0] || r.Header.Get("Authorization") != want[1] {
		return fmt.Errorf("unexpected request %s %s (Authorization %q)", r.Method, r.URL.Path, r.Header.Get("Authorization"))
	}
	return nil
}

// parse returns the ECS documents of a request body.
func (rc *receiver) parse(body []byte) ([]string, error) {
	var docs []string
	switch rc.kind {
	case "splunk_hec":
		dec := json.NewDecoder(bytes.NewReader(body))
		for dec.More() {
			var obj struct {
				Time       json.Number     `json:"time"`
				SourceType string          `json:"sourcetype"`
				Event      json.RawMessage `json:"event"`
			}
			if err := dec.Decode(&obj); err != nil || obj.Time == "" || len(obj.Event) == 0 {
				return nil, fmt.Errorf("bad HEC event object (%v)", err)
			}
			docs = append(docs, string(obj.Event))
		}
	case "elasticsearch":
		lines := sinktest.Lines(body)
		if len(lines)%2 != 0 {
			return nil, fmt.Errorf("bulk body of %d lines: want action and document pairs", len(lines))
		}
		for i := 0; i < len(lines); i += 2 {
			if lines[i] != `{"create":{"_index":"logs-nomen-test"}}` {
				return nil, fmt.Errorf("bulk action %q", lines[i])
			}
			docs = append(docs, lines[i+1])
		}
	default:
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			docs = append(docs, sc.Text())
		}
	}
	for _, d := range docs {
		if !json.Valid([]byte(d)) || !strings.HasPrefix(d, "{") {
			return nil, fmt.Errorf("not a JSON object: %s", d)
		}
	}
	return docs, nil
}

// bulkResponse answers a _bulk request of n create actions: each created,
// or (reject) each refused with a mapping error.
func (rc *receiver) bulkResponse(w io.Writer, n int) {
	item := `{"create":{"_index":"logs-nomen-test","status":201,"result":"created"}}`
	if rc.reject {
		item = `{"create":{"_index":"logs-nomen-test","status":400,"error":{"type":"document_parsing_exception","reason":"failed to parse field [source.port]"}}}`
	}
	items := make([]string, n)
	for i := range items {
		items[i] = item
	}
	fmt.Fprintf(w, `{"took":3,"errors":%t,"items":[%s]}`, rc.reject, strings.Join(items, ","))
}
