// Package live streams events to subscribers as they are journaled:
// external detection logic subscribes over HTTP and unsubscribes by
// closing the connection, without touching nomen's configuration.
//
//	GET /v1/events?where=event.category=authentication&where=source.ip=10.*
//
// where terms are relay/filter's query form (field=value[,value...], `*`
// globs, "!" absent, "*" present; all terms must hold). Unknown query
// parameters and fields nomen never sets are refused with 400 (fields.go).
// The response is
// NDJSON (one ECS JSON document per line, application/x-ndjson), or
// Server-Sent Events when the request accepts text/event-stream: each event
// is "id: <journal ID>\ndata: <ECS JSON>\n\n", with a ": keepalive" comment
// every 15s. Every write is flushed.
//
// The pipeline calls Publish after journaling each batch. Publish never
// blocks and, when nobody subscribes, costs one atomic load and a look at
// each event's event.kind (the hub remembers the last alerts for the status
// page: RecentAlerts). Each subscriber
// has a bounded buffer; one that falls behind (its buffer full, usually
// because it reads too slowly) is dropped: its stream ends (SSE subscribers
// get a final "event: dropped") and nomen_live_dropped_subscribers_total
// counts it. It may reconnect; what it missed is in the outputs. At most
// MaxSubscribers subscriptions are open; beyond, requests get 503 and
// nomen_live_rejected_subscribers_total counts them.
//
// An event whose encoding panics (a bug it found) is sent in its safe
// form, or left out, and counted in nomen_live_panics_total: the stream
// goes on (poison.go).
//
// The hub does no authentication: the API server in front of it does
// (relay/apiauth).
package live

import (
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
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
	// events, before the subscriber's filter). HandlerOptions may set
	// another.
	Buffer int
	// MaxSubscribers bounds concurrent subscriptions (default 16); beyond
	// it requests get 503. HandlerOptions may set another.
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

	recent recentAlerts // for the status page, whether or not anybody subscribes

	subs   atomic.Pointer[[]*subscriber] // nil when there are none
	mu     sync.Mutex                    // serialises changes to subs
	closed chan struct{}
	once   sync.Once

	subscribers prometheus.Gauge
	dropped     prometheus.Counter
	rejected    *prometheus.CounterVec
	sent        prometheus.Counter
	panics      prometheus.Counter // nomen_live_panics_total (poison.go)

	throttled *logthrottle.Logger
	// appendJSON is (*event.Encoder).AppendJSON and match
	// filter.Filter.Match; tests inject panics.
	appendJSON func(*event.Encoder, []byte, *event.Event) []byte
	match      func(filter.Filter, *event.Event) bool
}

// DefaultMaxSubscribers and DefaultBuffer are the limits unless configured.
const (
	DefaultMaxSubscribers = 16
	DefaultBuffer         = 64
)

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
		opts.Buffer = DefaultBuffer
	}
	if opts.MaxSubscribers <= 0 {
		opts.MaxSubscribers = DefaultMaxSubscribers
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
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_live_rejected_subscribers_total",
			Help: "Live subscriptions refused: reason=full (max_subscribers open, 503) or bad_request (unknown parameter or field, 400).",
		}, []string{"reason"}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_live_sent_events_total", Help: "Events written to live subscribers.",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_live_panics_total", Help: "Events whose matching or encoding for a live subscriber panicked (a bug in nomen: the event is sent in its safe form, its original with nomen.encode_error, or left out if the subscriber's filter or the safe form panicked).",
		}),
		appendJSON: (*event.Encoder).AppendJSON,
		match:      filter.Filter.Match,
	}
	if h.log == nil {
		h.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h.throttled = logthrottle.New(h.log, logthrottle.DefaultEvery)
	for _, reason := range []string{"full", "bad_request"} {
		h.rejected.WithLabelValues(reason) // show 0 before the first
	}
	for _, c := range []prometheus.Collector{h.subscribers, h.dropped, h.rejected, h.sent, h.panics} {
		if err := opts.Registerer.Register(c); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// Publish offers journaled events to the subscribers. It never blocks and
// does no per-event work beyond noting alerts for RecentAlerts (a look at
// event.kind): each subscriber gets the batch (one copy shared by all) and
// filters it on its own goroutine; one whose buffer is full is dropped. The
// events must not be modified afterwards (subscribers read them).
func (h *Hub) Publish(evs []*event.Event) {
	h.recent.add(evs)
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
		h.log.Warn("live: subscriber dropped: it fell behind", "buffer", cap(s.ch))
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

// subscribe registers a subscription with a buffer of buffer batches,
// unless maxSubs are open already.
func (h *Hub) subscribe(f filter.Filter, maxSubs, buffer int) (*subscriber, error) {
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
	if len(cur) >= maxSubs {
		return nil, errFull
	}
	s := &subscriber{f: f, ch: make(chan []*event.Event, buffer), gone: make(chan struct{})}
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

// HandlerOptions are the admission rules of one HTTP handler of a hub.
type HandlerOptions struct {
	// MaxSubscribers and Buffer override Options' (0: Options').
	MaxSubscribers int
	Buffer         int
	// RuleFields returns the field keys user rules set, accepted in
	// filters besides nomen's own (nil: none). It is called for each
	// subscription, so that rules reloaded on SIGHUP count.
	RuleFields func() []string
}

// Handler returns the GET /v1/events handler with opts' limits.
func (h *Hub) Handler(opts HandlerOptions) http.Handler {
	if opts.MaxSubscribers <= 0 {
		opts.MaxSubscribers = h.opts.MaxSubscribers
	}
	if opts.Buffer <= 0 {
		opts.Buffer = h.opts.Buffer
	}
	return &handler{h: h, opts: opts}
}

// ServeHTTP serves GET /v1/events with Options' limits (mount it at that
// path).
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Handler(HandlerOptions{}).ServeHTTP(w, r)
}

type handler struct {
	h    *Hub
	opts HandlerOptions
}

// ServeHTTP is GET /v1/events: check the query, subscribe, stream. Long
// because it is that sequence, read top to bottom.
func (a *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := a.h
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "live: use GET", http.StatusMethodNotAllowed)
		return
	}
	var ruleFields []string
	if a.opts.RuleFields != nil {
		ruleFields = a.opts.RuleFields()
	}
	f, err := ParseQuery(r.URL.RawQuery, ruleFields)
	if err != nil {
		h.rejected.WithLabelValues("bad_request").Inc()
		http.Error(w, "live: "+err.Error(), http.StatusBadRequest)
		return
	}
	sse := acceptsSSE(r.Header.Values("Accept"))
	s, err := h.subscribe(f, a.opts.MaxSubscribers, a.opts.Buffer)
	if err != nil {
		if errors.Is(err, errFull) {
			h.rejected.WithLabelValues("full").Inc()
		}
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
	st := stream{w: w, rc: rc, sse: sse, timeout: h.opts.WriteTimeout, enc: event.Encoder{Observer: h.opts.Observer},
		appendJSON: h.appendJSON, match: h.match, panics: h.panics, log: h.throttled}
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

	// appendJSON and match are Hub's; the rest is for a panic (poison.go).
	appendJSON func(*event.Encoder, []byte, *event.Event) []byte
	match      func(filter.Filter, *event.Event) bool
	panics     prometheus.Counter
	log        *logthrottle.Logger
	mark       int  // where the event being encoded starts in buf
	matching   bool // the filter is matching it
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
