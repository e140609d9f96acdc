package listen

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the listeners' own series (what they decode is counted by
// relay/decode). Create them once per registry and pass them to every
// listener: a reload starts new listeners, never new metrics.
type Metrics struct {
	Connections   *prometheus.GaugeVec   // {listener}
	Rejected      *prometheus.CounterVec // {listener, reason}: connections or datagrams refused
	FramingErrors *prometheus.CounterVec // {listener, kind}
	// Panics counts readers a panic ended, a bug in nomen
	// (nomen_listener_panics_total{listener}; listenerRuntime.survive):
	// a stream connection (closed) or a datagram socket's reader (which
	// reads again).
	Panics *prometheus.CounterVec
	// Dropped is the relay's nomen_dropped_events_total {stage, reason},
	// which other parts count into too: listeners count {listener,
	// queue_full}, {listener, socket_buffer} and {listener, stopping}.
	Dropped *prometheus.CounterVec
}

// NewMetrics registers the listeners' series with reg; dropped is the
// shared counter, registered by its owner.
func NewMetrics(reg prometheus.Registerer, dropped *prometheus.CounterVec) *Metrics {
	m := &Metrics{
		Connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nomen_listener_connections", Help: "Open stream connections, by listener.",
		}, []string{"listener"}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_listener_rejected_total", Help: "Connections or datagrams refused, by listener and reason.",
		}, []string{"listener", "reason"}),
		FramingErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_framing_errors_total", Help: "Framing problems (bad octet counts, incomplete frames, empty frames and datagrams), by listener and kind.",
		}, []string{"listener", "kind"}),
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_listener_panics_total", Help: "Readers a panic ended (a bug in nomen outside decoding: a tcp or tls connection is closed, a datagram socket is read again; what they had read is handed on), by listener.",
		}, []string{"listener"}),
		Dropped: dropped,
	}
	reg.MustRegister(m.Connections, m.Rejected, m.FramingErrors, m.Panics)
	return m
}
