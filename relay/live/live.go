// Package live streams events to subscribers as they are journaled:
// external detection logic subscribes over HTTP and unsubscribes by
// closing the connection, without touching nomen's configuration.
//
//	GET /v1/events?where=event.category=authentication&where=source.ip=10.*
//
// where terms are relay/filter's query form (field=value[,value...], `*`
// globs, "!" absent, "*" present; all terms must hold). The response is
// NDJSON (one ECS JSON document per line, application/x-ndjson), or
// Server-Sent Events when the request accepts text/event-stream: each event
// is "id: <journal ID>\ndata: <ECS JSON>\n\n", with a ": keepalive" comment
// every 15s. Every write is flushed.
//
// The pipeline calls Publish after journaling each batch. Publish never
// blocks and costs one atomic load when nobody subscribes. Each subscriber
// has a bounded buffer; one that falls behind (its buffer full, usually
// because it reads too slowly) is dropped: its stream ends (SSE subscribers
// get a final "event: dropped") and nomen_live_dropped_subscribers_total
// counts it. It may reconnect; what it missed is in the outputs.
package live

import (
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configure a Hub.
type Options struct {
	// Registerer receives the metrics (required).
	Registerer prometheus.Registerer
	// Log receives subscription events (nil: discarded).
	Log *slog.Logger
	// Observer is observer.hostname in the JSON documents.
	Observer string
	// Buffer is how many published batches may wait for one subscriber
	// before it is dropped (default 64; a batch is up to a few hundred
	// events, before the subscriber's filter).
	Buffer int
	// MaxSubscribers bounds concurrent subscriptions (default 64); beyond
	// it requests get 503.
	MaxSubscribers int
	// WriteTimeout ends a subscription whose connection accepts no data
	// for this long (default 10s).
	WriteTimeout time.Duration
	// Heartbeat is the period of SSE keepalive comments (default 15s).
	Heartbeat time.Duration
}

// Hub fans published events out to subscribers. Publish is for one
// goroutine (the pipeline); ServeHTTP for any number.
type Hub struct {
	opts Options
	log  *slog.Logger

	subs   atomic.Pointer[[]*subscriber] // nil when there are none
	mu     sync.Mutex                    // serialises changes to subs
	closed chan struct{}
	once   sync.Once

	subscribers prometheus.Gauge
	dropped     prometheus.Counter
	sent        prometheus.Counter
}

type subscriber struct {
	f       filter.Filter
	ch      chan []*event.Event
	gone    chan struct{} // closed when dropped
	dropped atomic.Bool
}

// New returns a hub.
func New(opts Options) (*Hub, error) {
	if opts.Registerer == nil {
		return nil, errors.New("live: Options.Registerer is required")
	}
	if opts.Buffer <= 0 {
		opts.Buffer = 64
	}
	if opts.MaxSubscribers <= 0 {
		opts.MaxSubscribers = 64
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = 15 * time.Second
	}
	h := &Hub{
		opts:   opts,
		log:    opts.Log,
		closed: make(chan struct{}),
		subscribers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_live_subscribers", Help: "Live event subscriptions open (GET /v1/events).",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_live_dropped_subscribers_total", Help: "Live subscribers dropped because they fell behind (their buffer filled).",
		}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_live_sent_events_total", Help: "Events written to live subscribers.",
		}),
	}
	if h.log == nil {
		h.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for _, c := range []prometheus.Collector{h.subscribers, h.dropped, h.sent} {
		if err := opts.Registerer.Register(c); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Publish offers journaled events to the subscribers. It never blocks and
// does no per-event work: each subscriber gets the batch (one copy shared
// by all) and filters it on its own goroutine; one whose buffer is full is
// dropped. The events must not be modified afterwards (subscribers read
// them).
func (h *Hub) Publish(evs []*event.Event) {
	p := h.subs.Load()
	if p == nil || len(evs) == 0 {
		return
	}
	batch := slices.Clone(evs) // the pipeline reuses its slice
	for _, s := range *p {
		if s.dropped.Load() {
			continue
		}
		select {
		case s.ch <- batch:
		default:
			h.drop(s)
		}
	}
}

func (h *Hub) drop(s *subscriber) {
	if s.dropped.CompareAndSwap(false, true) {
		close(s.gone)
		h.dropped.Inc()
		h.log.Warn("live: subscriber dropped: it fell behind", "buffer", h.opts.Buffer)
	}
}

// Close ends every subscription and refuses new ones.
func (h *Hub) Close() {
	h.once.Do(func() { close(h.closed) })
}

var (
	errFull   = errors.New("too many live subscribers")
	errClosed = errors.New("relay is stopping")
)

func (h *Hub) subscribe(f filter.Filter) (*subscriber, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case <-h.closed:
		return nil, errClosed
	default:
	}
	var cur []*subscriber
	if p := h.subs.Load(); p != nil {
		cur = *p
	}
	if len(cur) >= h.opts.MaxSubscribers {
		return nil, errFull
	}
	s := &subscriber{f: f, ch: make(chan []*event.Event, h.opts.Buffer), gone: make(chan struct{})}
	next := append(append(make([]*subscriber, 0, len(cur)+1), cur...), s)
	h.subs.Store(&next)
	h.subscribers.Set(float64(len(next)))
	return s, nil
}

func (h *Hub) unsubscribe(s *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.subs.Load()
	if p == nil {
		return
	}
	next := make([]*subscriber, 0, len(*p))
	for _, x := range *p {
		if x != s {
			next = append(next, x)
		}
	}
	if len(next) == 0 {
		h.subs.Store(nil)
	} else {
		h.subs.Store(&next)
	}
	h.subscribers.Set(float64(len(next)))
}

// ServeHTTP serves GET /v1/events (mount it at that path).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "live: use GET", http.StatusMethodNotAllowed)
		return
	}
	f, err := filter.Parse(r.URL.Query()["where"])
	if err != nil {
		http.Error(w, "live: "+err.Error(), http.StatusBadRequest)
		return
	}
	sse := acceptsSSE(r.Header.Values("Accept"))
	s, err := h.subscribe(f)
	if err != nil {
		http.Error(w, "live: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer h.unsubscribe(s)
	h.log.Info("live: subscribed", "remote", r.RemoteAddr, "where", f.String(), "sse", sse)

	hd := w.Header()
	if sse {
		hd.Set("Content-Type", "text/event-stream")
	} else {
		hd.Set("Content-Type", "application/x-ndjson")
	}
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no") // proxies: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	st := stream{w: w, rc: rc, sse: sse, timeout: h.opts.WriteTimeout, enc: event.Encoder{Observer: h.opts.Observer}}
	var beat <-chan time.Time
	if sse {
		t := time.NewTicker(h.opts.Heartbeat)
		defer t.Stop()
		beat = t.C
	}
	for {
		select {
		case b := <-s.ch:
			n := st.encode(b, s.f)
			for more := true; more && len(st.buf) < 256<<10; {
				select {
				case b := <-s.ch:
					n += st.encode(b, s.f)
				default:
					more = false
				}
			}
			if n == 0 {
				continue
			}
			if st.flush() != nil {
				return
			}
			h.sent.Add(float64(n))
		case <-beat:
			st.buf = append(st.buf, ": keepalive\n\n"...)
			if st.flush() != nil {
				return
			}
		case <-s.gone:
			if sse {
				st.buf = append(st.buf, "event: dropped\ndata: {\"error\":\"subscriber fell behind and was dropped\"}\n\n"...)
				_ = st.flush()
			}
			return
		case <-r.Context().Done():
			return
		case <-h.closed:
			return
		}
	}
}

// stream writes one subscription's documents.
type stream struct {
	w       io.Writer
	rc      *http.ResponseController
	sse     bool
	timeout time.Duration
	enc     event.Encoder
	buf     []byte
}

// encode appends the events of b that f matches and returns how many.
func (st *stream) encode(b []*event.Event, f filter.Filter) int {
	n := 0
	for _, e := range b {
		if !f.Match(e) {
			continue
		}
		n++
		if st.sse {
			if e.ID != 0 {
				st.buf = append(st.buf, "id: "...)
				st.buf = strconv.AppendUint(st.buf, e.ID, 10)
				st.buf = append(st.buf, '\n')
			}
			st.buf = append(st.buf, "data: "...)
			st.buf = st.enc.AppendJSON(st.buf, e)
			st.buf = append(st.buf, '\n', '\n')
		} else {
			st.buf = st.enc.AppendJSON(st.buf, e)
			st.buf = append(st.buf, '\n')
		}
	}
	return n
}

// flush writes the buffer with a deadline, so a client that stopped
// reading cannot hold the goroutine forever.
func (st *stream) flush() error {
	_ = st.rc.SetWriteDeadline(time.Now().Add(st.timeout)) // unsupported writers: no deadline
	_, err := st.w.Write(st.buf)
	if cap(st.buf) > 1<<20 {
		st.buf = nil // do not keep a burst's buffer
	} else {
		st.buf = st.buf[:0]
	}
	if err != nil {
		return err
	}
	return st.rc.Flush()
}

// acceptsSSE reports whether the Accept header asks for text/event-stream.
func acceptsSSE(accept []string) bool {
	for _, a := range accept {
		for part := range strings.SplitSeq(a, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err == nil && mt == "text/event-stream" {
				return true
			}
		}
	}
	return false
}
