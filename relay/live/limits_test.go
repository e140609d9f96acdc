package live

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/prometheus/client_golang/prometheus"
)

// newHandler serves h.Handler(opts) on a real socket.
func newHandler(t *testing.T, opts HandlerOptions) (*Hub, *httptest.Server) {
	t.Helper()
	h, err := New(Options{Registerer: prometheus.NewRegistry(), Observer: "relay1"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/events", h.Handler(opts))
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		h.Close()
		srv.Close()
	})
	return h, srv
}

func get(t *testing.T, srv *httptest.Server, query string) (int, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + "/v1/events?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestHandlerLimits: the configured maximum is enforced (503, counted) and
// the configured buffer is the subscriber's; a closed subscription frees
// its place.
func TestHandlerLimits(t *testing.T) {
	h, srv := newHandler(t, HandlerOptions{MaxSubscribers: 2, Buffer: 3})
	_, cancel1 := subscribe(t, srv, nil, false)
	subscribe(t, srv, url.Values{"where": {"event.kind=alert"}}, false)
	if code, body := get(t, srv, ""); code != http.StatusServiceUnavailable || !strings.Contains(body, "too many live subscribers") {
		t.Errorf("third subscriber: %d %q", code, body)
	}
	if got := gauge(h.rejected.WithLabelValues("full")); got != 1 {
		t.Errorf("rejected{full} = %v, want 1", got)
	}
	for _, s := range *h.subs.Load() {
		if cap(s.ch) != 3 {
			t.Errorf("subscriber buffer %d, want the configured 3", cap(s.ch))
		}
	}
	cancel1()
	waitFor(t, "the first subscription to end", func() bool { return gauge(h.subscribers) == 1 })
	subscribe(t, srv, nil, false)
	waitFor(t, "a new subscription in the freed place", func() bool { return gauge(h.subscribers) == 2 })
}

// TestHandlerRefusesBadQueries: 400 naming the parameter or field, counted;
// fields of user rules are accepted, read at each request.
func TestHandlerRefusesBadQueries(t *testing.T) {
	rules := []string{}
	h, srv := newHandler(t, HandlerOptions{RuleFields: func() []string { return rules }})
	for q, want := range map[string]string{
		"where=evnt.category=authentication": `"evnt.category"`,
		"filter=event.kind=alert":            `unknown query parameter "filter"`,
		"where=backup.job=nightly":           `"backup.job"`,
	} {
		if code, body := get(t, srv, q); code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("%s: %d %q, want 400 naming %s", q, code, body, want)
		}
	}
	if got := gauge(h.rejected.WithLabelValues("bad_request")); got != 3 {
		t.Errorf("rejected{bad_request} = %v, want 3", got)
	}
	rules = []string{"backup.job"} // as after a SIGHUP that loaded a rule file
	subscribe(t, srv, url.Values{"where": {"backup.job=nightly"}}, false)
	waitFor(t, "the rule-field subscription", func() bool { return gauge(h.subscribers) == 1 })
}

// TestPublishNeverBlocks: the pipeline's side. A subscriber nobody reads
// (its handler goroutine stuck writing to a client that stopped reading,
// or gone) never makes Publish wait: Publish returns for many times the
// buffer, the subscriber is dropped once and counted, and the next
// Publish skips it. If Publish could block, this test would hang in the
// loop, and the watchdog below fails it.
func TestPublishNeverBlocks(t *testing.T) {
	h, err := New(Options{Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	stuck, err := h.subscribe(filter.Filter{}, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	reader, err := h.subscribe(filter.Filter{}, 4, 1000)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 500 {
			h.Publish([]*event.Event{noise(uint64(i))})
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if !stuck.dropped.Load() {
		t.Error("the subscriber that does not read was not dropped")
	}
	select {
	case <-stuck.gone:
	default:
		t.Error("the dropped subscriber's stream was not told to end")
	}
	if got := gauge(h.dropped); got != 1 {
		t.Errorf("dropped = %v, want 1 (counted once)", got)
	}
	if n := len(reader.ch); n != 500 {
		t.Errorf("the subscriber with room got %d batches, want all 500", n)
	}
}

// TestStuckConnectionIsDropped: over a real socket, a client that sent its
// request and never reads is dropped while Publish goes on, with no
// subscriber that paces the publisher (TestSlowSubscriberIsDropped has one).
func TestStuckConnectionIsDropped(t *testing.T) {
	h, srv := newHandler(t, HandlerOptions{Buffer: 2})
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the subscription", func() bool { return gauge(h.subscribers) == 1 })
	big := strings.Repeat("x", 64<<10)
	done := make(chan int)
	go func() {
		n := 0
		for gauge(h.dropped) == 0 && n < 100_000 {
			e := noise(uint64(n))
			e.Message = big
			h.Publish([]*event.Event{e})
			n++
		}
		done <- n
	}()
	select {
	case n := <-done:
		if gauge(h.dropped) != 1 {
			t.Fatalf("not dropped after %d batches", n)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Publish blocked on a connection that does not read")
	}
	waitFor(t, "the dropped subscription to end", func() bool { return gauge(h.subscribers) == 0 })
}
