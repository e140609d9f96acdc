package relay

import (
	"github.com/nomenhq/nomen/relay/agent"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/listen"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/nomenhq/nomen/relay/sequence"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are every series whose parts outlive a reload, created once
// per relay (New) and handed down: the decode step's, the listeners', the
// pipeline's, the agent listeners' and the sequence tracker's, and the
// relay's own. nomen_dropped_events_total is shared by several parts and
// lives here; nomen_duplicate_events_total is the sequence tracker's,
// which the agent listeners count into too.
type Metrics struct {
	Decode   *decode.Metrics
	Listen   *listen.Metrics
	Pipeline *pipeline.Metrics
	Agent    *agent.Metrics
	Sequence *sequence.Metrics

	Dropped          *prometheus.CounterVec // {stage, reason}
	ConfigReloads    *prometheus.CounterVec // {result}
	ConfigReloadTime prometheus.Gauge
	// StatusPanics counts the status page's requests that panicked
	// (relay/status; nomen_status_panics_total).
	StatusPanics prometheus.Counter
	// BackgroundPanics counts the panics of the relay's own background
	// tasks (background.go; nomen_background_panics_total{task}).
	BackgroundPanics *prometheus.CounterVec
	// Limits are the budgets in force ([limits], pipeline.queue_events),
	// set at start: nomen_limit{limit}.
	Limits *prometheus.GaugeVec
}

// NewRegistry returns a registry with the Go runtime and process collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// NewMetrics registers the relay's metrics with reg. Call it once per
// registry.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_dropped_events_total", Help: "Events lost, by pipeline stage and reason.",
		}, []string{"stage", "reason"}),
		ConfigReloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_config_reloads_total", Help: "Configuration reloads, by result (success, failure).",
		}, []string{"result"}),
		ConfigReloadTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_config_last_reload_success_timestamp_seconds", Help: "When the configuration was last loaded successfully.",
		}),
		StatusPanics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_status_panics_total", Help: "Requests to the status page (/, /v1/status) whose serving panicked (a bug in nomen: the request got no answer; the page and the relay go on).",
		}),
	}
	m.Limits = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "nomen_limit", Help: "Memory budgets in force: memory_bytes (GOMEMLIMIT), journal_memory_tail_bytes, journal_block_cache_bytes, pipeline_queue_events, heap_floor_bytes (0: $GOGC in force).",
	}, []string{"limit"})
	reg.MustRegister(m.Dropped, m.ConfigReloads, m.ConfigReloadTime, m.StatusPanics, m.Limits)
	for _, result := range []string{"success", "failure"} {
		m.ConfigReloads.WithLabelValues(result) // exported at 0 from the start
	}
	m.BackgroundPanics = newBackgroundPanics(reg)
	m.Decode = decode.NewMetrics(reg)
	m.Listen = listen.NewMetrics(reg, m.Dropped)
	m.Pipeline = pipeline.NewMetrics(reg, m.Dropped)
	m.Pipeline.Panics = m.BackgroundPanics
	m.Agent = agent.NewMetrics(reg)
	m.Sequence = sequence.NewMetrics(reg)
	return m
}

// logDropped logs what nomen_dropped_events_total counted since start, one
// attribute per stage/reason, when anything was dropped. Stop calls it last:
// the drops of a stop itself happen after the last scrape, and the
// counters end with the process, so this line is their only record.
func (r *Relay) logDropped() {
	mfs, err := r.reg.Gather()
	if err != nil {
		r.log.Warn("cannot read the drop counters", "err", err)
		return
	}
	var args []any
	for _, mf := range mfs {
		if mf.GetName() != "nomen_dropped_events_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			v := m.GetCounter().GetValue()
			if v == 0 {
				continue
			}
			var stage, reason string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "stage":
					stage = l.GetValue()
				case "reason":
					reason = l.GetValue()
				}
			}
			args = append(args, stage+"/"+reason, int64(v))
		}
	}
	if len(args) > 0 {
		r.log.Warn("events dropped since start (nomen_dropped_events_total)", args...)
	}
}
