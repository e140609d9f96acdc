package decode

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the decode step's series, shared by every input. Create
// them once per registry (NewMetrics) and pass them to every Input: a
// reload makes new inputs, never new metrics.
type Metrics struct {
	Received      *prometheus.CounterVec // {listener}
	ReceivedBytes *prometheus.CounterVec // {listener}
	Truncated     *prometheus.CounterVec // {listener}
	ParseFailures *prometheus.CounterVec // {listener, format}
	Normalized    *prometheus.CounterVec // {decoder}
	Panics        *prometheus.CounterVec // {listener}
}

// NewMetrics registers the decode step's series with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_received_events_total", Help: "Messages received, by listener.",
		}, []string{"listener"}),
		ReceivedBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_received_bytes_total", Help: "Message bytes received (after framing), by listener.",
		}, []string{"listener"}),
		Truncated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_truncated_messages_total", Help: "Messages truncated and flagged: longer than the listener's max_message_size, or cut when their connection was reset or stopped.",
		}, []string{"listener"}),
		ParseFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_parse_failures_total", Help: "Messages kept raw because they did not parse, by listener and attempted format.",
		}, []string{"listener", "format"}),
		Normalized: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_normalized_events_total", Help: "Events a decoder or user rule recognised, by decoder (\"none\" for unrecognised).",
		}, []string{"decoder"}),
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_decode_panics_total", Help: "Messages whose parsing or normalizing panicked (a bug in nomen: the message is kept raw with nomen.parse_error), by listener.",
		}, []string{"listener"}),
	}
	reg.MustRegister(m.Received, m.ReceivedBytes, m.Truncated, m.ParseFailures, m.Normalized, m.Panics)
	return m
}
