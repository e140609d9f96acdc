package live

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/testwait"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func newHub(t *testing.T, opts Options) (*Hub, *httptest.Server) {
	t.Helper()
	if opts.Registerer == nil {
		opts.Registerer = prometheus.NewRegistry()
	}
	opts.Observer = "relay1"
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/events", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		h.Close()
		srv.Close()
	})
	return h, srv
}

func authEvent(id uint64, ip, outcome string) *event.Event {
	e := event.New(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	e.ID = id
	e.Hostname = "web1"
	e.Message = "login " + outcome
	e.SetList("event.category", "authentication")
	e.SetStr("event.outcome", outcome)
	e.SetStr("source.ip", ip)
	return e
}

func noise(id uint64) *event.Event {
	e := event.New(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	e.ID = id
	e.Hostname = "web1"
	e.Message = "cron ran"
	return e
}

// subscribe opens a subscription and waits until the hub has registered it
// (the response headers are sent after registration).
func subscribe(t *testing.T, srv *httptest.Server, query url.Values, sse bool) (*http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v1/events?"+query.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if sse {
		req.Header.Set("Accept", "text/event-stream")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	return resp, cancel
}

func TestNDJSONWithFilter(t *testing.T) {
	h, srv := newHub(t, Options{})
	resp, _ := subscribe(t, srv, url.Values{"where": {"event.category=authentication", "event.outcome=failure"}}, false)
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Fatalf("content type %q", ct)
	}
	h.Publish([]*event.Event{noise(1), authEvent(2, "10.0.0.5", "failure"), authEvent(3, "10.0.0.6", "success")})
	h.Publish([]*event.Event{authEvent(4, "10.0.0.7", "failure")})

	r := bufio.NewReader(resp.Body)
	for _, want := range []string{"10.0.0.5", "10.0.0.7"} {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Source   struct{ IP string } `json:"source"`
			Observer struct{ Hostname string }
		}
		if err := json.Unmarshal([]byte(line), &doc); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		if doc.Source.IP != want || doc.Observer.Hostname != "relay1" {
			t.Errorf("got %s, want source.ip %s", line, want)
		}
	}
}

func TestSSE(t *testing.T) {
	h, srv := newHub(t, Options{})
	resp, _ := subscribe(t, srv, url.Values{"where": {"source.ip=10.0.0.*"}}, true)
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	h.Publish([]*event.Event{noise(1), authEvent(7, "10.0.0.5", "failure"), authEvent(8, "192.0.2.1", "failure")})
	frame := readFrame(t, bufio.NewReader(resp.Body))
	if len(frame) != 2 || frame[0] != "id: 7" || !strings.HasPrefix(frame[1], "data: {") || !strings.Contains(frame[1], `"ip":"10.0.0.5"`) {
		t.Errorf("frame = %q", frame)
	}
}

func TestBadRequests(t *testing.T) {
	_, srv := newHub(t, Options{MaxSubscribers: 1})
	resp, err := srv.Client().Get(srv.URL + "/v1/events?where=novalue")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "want field=value") {
		t.Errorf("bad filter: %d %s", resp.StatusCode, body)
	}
	subscribe(t, srv, nil, false)
	resp, err = srv.Client().Get(srv.URL + "/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("second subscriber over the limit: %d", resp.StatusCode)
	}
}

func gauge(m prometheus.Metric) float64 {
	var d dto.Metric
	if err := m.Write(&d); err != nil {
		panic(err)
	}
	return d.GetGauge().GetValue() + d.GetCounter().GetValue()
}

// waitFor polls cond (the hub works in other goroutines); it fails after a
// generous deadline rather than asserting any speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	testwait.For(t, what, 10*time.Second, cond)
}

// TestSlowSubscriberIsDropped: a client that stops reading fills its
// buffer and is dropped, while Publish keeps returning and a healthy
// subscriber keeps receiving.
func TestSlowSubscriberIsDropped(t *testing.T) {
	h, srv := newHub(t, Options{Buffer: 4, WriteTimeout: 500 * time.Millisecond})

	// The slow one: a raw connection that sends the request and never reads.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the slow subscriber", func() bool { return gauge(h.subscribers) == 1 })

	healthy, _ := subscribe(t, srv, url.Values{"where": {"event.outcome=success"}}, false)
	waitFor(t, "the healthy subscriber", func() bool { return gauge(h.subscribers) == 2 })
	var fast *subscriber
	for _, s := range *h.subs.Load() {
		if s.f.String() == "event.outcome=success" {
			fast = s
		}
	}
	lines := make(chan string, 1024)
	go func() {
		r := bufio.NewReader(healthy.Body)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				close(lines)
				return
			}
			lines <- l
		}
	}()

	big := strings.Repeat("x", 4096)
	var id uint64
	for gauge(h.dropped) == 0 {
		batch := make([]*event.Event, 64)
		for i := range batch {
			id++
			batch[i] = noise(id)
			batch[i].Message = big
		}
		h.Publish(batch)
		// Publish as fast as the healthy subscriber reads, not faster:
		// only the one that stopped reading may fall behind.
		waitFor(t, "the healthy subscriber to keep up", func() bool { return len(fast.ch) == 0 })
		if id > 1_000_000 {
			t.Fatal("slow subscriber never dropped")
		}
	}
	waitFor(t, "the dropped subscription to end", func() bool { return gauge(h.subscribers) == 1 })

	h.Publish([]*event.Event{authEvent(id+1, "10.0.0.9", "success")})
	select {
	case l := <-lines:
		if !strings.Contains(l, "10.0.0.9") {
			t.Errorf("healthy subscriber got %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("healthy subscriber got nothing")
	}
	if got := gauge(h.dropped); got != 1 {
		t.Errorf("dropped = %v, want 1", got)
	}
}

func TestCloseEndsStreams(t *testing.T) {
	h, srv := newHub(t, Options{})
	resp, _ := subscribe(t, srv, nil, false)
	h.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Fatalf("stream did not end cleanly: %v", err)
	}
	r, err := srv.Client().Get(srv.URL + "/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after Close: %d", r.StatusCode)
	}
}

func BenchmarkPublishNoSubscribers(b *testing.B) {
	h, err := New(Options{Registerer: prometheus.NewRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	batch := []*event.Event{noise(1), noise(2)}
	b.ReportAllocs()
	for b.Loop() {
		h.Publish(batch)
	}
}

func BenchmarkPublishOneFilteredSubscriber(b *testing.B) {
	h, err := New(Options{Registerer: prometheus.NewRegistry(), Buffer: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	f, _ := parseWhere("event.outcome=failure")
	s, _ := h.subscribe(f, 1, 1<<20)
	go func() {
		for range s.ch {
		}
	}()
	batch := make([]*event.Event, 256)
	for i := range batch {
		batch[i] = noise(uint64(i))
		if i%16 == 0 {
			batch[i] = authEvent(uint64(i), "10.0.0.1", "failure")
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		h.Publish(batch)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/event")
}

func parseWhere(terms ...string) (filter.Filter, error) { return filter.Parse(terms) }

// readFrame reads one server-sent event: its lines up to the blank line
// that ends it, without their newlines.
func readFrame(t *testing.T, r *bufio.Reader) []string {
	t.Helper()
	var frame []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\n" {
			return frame
		}
		frame = append(frame, strings.TrimSuffix(line, "\n"))
	}
}
