package relay

import (
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the relay's own series (listeners, parsing, normalization,
// pipeline). Other packages declare theirs against the same registry; the
// one counter several stages share, nomen_dropped_events_total, lives here
// and is handed to them.
type Metrics struct {
	Received         *prometheus.CounterVec // {listener}
	ReceivedBytes    *prometheus.CounterVec // {listener}
	ParseFailures    *prometheus.CounterVec // {listener, format}
	Normalized       *prometheus.CounterVec // {decoder}
	Dropped          *prometheus.CounterVec // {stage, reason}
	Truncated        *prometheus.CounterVec // {listener}
	Connections      *prometheus.GaugeVec   // {listener}
	Rejected         *prometheus.CounterVec // {listener, reason}: connections refused
	FramingErrors    *prometheus.CounterVec // {listener, kind}
	Pipeline         *pipeline.Metrics
	ConfigReloads    *prometheus.CounterVec // {result}
	ConfigReloadTime prometheus.Gauge
}

// NewRegistry returns a registry with the Go runtime and process collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// NewMetrics registers the relay's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_received_events_total", Help: "Messages received, by listener.",
		}, []string{"listener"}),
		ReceivedBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_received_bytes_total", Help: "Message bytes received (after framing), by listener.",
		}, []string{"listener"}),
		ParseFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_parse_failures_total", Help: "Messages kept raw because they did not parse, by listener and attempted format.",
		}, []string{"listener", "format"}),
		Normalized: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_normalized_events_total", Help: "Events a decoder or user rule recognised, by decoder (\"none\" for unrecognised).",
		}, []string{"decoder"}),
		Dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_dropped_events_total", Help: "Events lost, by pipeline stage and reason.",
		}, []string{"stage", "reason"}),
		Truncated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_truncated_messages_total", Help: "Messages longer than the listener's max_message_size, truncated and flagged.",
		}, []string{"listener"}),
		Connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nomen_listener_connections", Help: "Open stream connections, by listener.",
		}, []string{"listener"}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_listener_rejected_total", Help: "Connections or datagrams refused, by listener and reason.",
		}, []string{"listener", "reason"}),
		FramingErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_framing_errors_total", Help: "Stream framing problems (bad octet counts, incomplete frames), by listener and kind.",
		}, []string{"listener", "kind"}),
		ConfigReloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_config_reloads_total", Help: "Configuration reloads, by result (success, failure).",
		}, []string{"result"}),
		ConfigReloadTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_config_last_reload_success_timestamp_seconds", Help: "When the configuration was last loaded successfully.",
		}),
	}
	reg.MustRegister(m.Received, m.ReceivedBytes, m.ParseFailures, m.Normalized, m.Dropped, m.Truncated,
		m.Connections, m.Rejected, m.FramingErrors, m.ConfigReloads, m.ConfigReloadTime)
	m.Pipeline = pipeline.NewMetrics(reg, m.Dropped)
	return m
}
