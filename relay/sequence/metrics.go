package sequence

import (
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the tracker's series. Events re-applied by Recover are not
// counted: the process that first saw them did. A relay creates them once
// (NewMetrics) and passes them in Options.Metrics.
type Metrics struct {
	gaps       prometheus.Counter
	missing    prometheus.Counter
	duplicates prometheus.Counter
	restarts   prometheus.Counter
	streams    prometheus.Gauge
	evicted    prometheus.Counter
	loss       *prometheus.CounterVec // {reason}
	snapshotOK *prometheus.CounterVec // {result}
	panics     prometheus.Counter     // nomen_stage_panics_total{stage="sequence"}
}

// NewMetrics registers the tracker's series with reg; it panics if they
// are registered already (call it once per registry).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m, err := newMetrics(reg)
	if err != nil {
		panic(err)
	}
	return m
}

// Duplicates is nomen_duplicate_events_total, which the agent listeners
// count into too (they drop the duplicates they see first).
func (m *Metrics) Duplicates() prometheus.Counter { return m.duplicates }

func newMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		gaps: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_sequence_gaps_total",
			Help: "Confirmed sequence gaps (a range of numbers of one stream that never arrived within the grace period).",
		}),
		missing: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_missing_events_total",
			Help: "Events that never arrived, summed over confirmed sequence gaps.",
		}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_duplicate_events_total",
			Help: "Events whose sequence number was already seen (agent duplicates are dropped, syslog ones kept and marked nomen.duplicate).",
		}),
		restarts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_sequence_restarts_total",
			Help: "Streams whose numbering started again (reset to 1, wrap, new agent epoch).",
		}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_sequence_streams",
			Help: "Numbered streams currently tracked.",
		}),
		evicted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_sequence_streams_evicted_total",
			Help: "Streams forgotten because max_streams was reached (their next event starts a new stream: a gap across it goes unseen).",
		}),
		loss: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_sequence_loss_reports_total",
			Help: "Sources reporting their own loss of events, by reason (audit-log-cleared, audit-loss: Windows or the Linux kernel audit, agent-declared-gap).",
		}, []string{"reason"}),
		snapshotOK: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name:        "nomen_state_snapshots_total",
			Help:        "State snapshots written, by stage and result.",
			ConstLabels: prometheus.Labels{"stage": "sequence"},
		}, []string{"result"}),
		panics: stage.PanicCounter("sequence"),
	}
	for _, c := range []prometheus.Collector{m.gaps, m.missing, m.duplicates, m.restarts, m.streams, m.evicted, m.loss, m.snapshotOK, m.panics} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	// Every labelled series exists at 0 from the start: an alert on
	// increase() would miss the first report of a series that appears with it.
	for _, reason := range []string{actionLogCleared, actionAuditLoss, actionAgentGap} {
		m.loss.WithLabelValues(reason)
	}
	for _, result := range []string{"success", "failure"} {
		m.snapshotOK.WithLabelValues(result)
	}
	return m, nil
}
