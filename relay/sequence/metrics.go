package sequence

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the tracker's series. Events re-applied by Recover are not
// counted: the process that first saw them did.
type metrics struct {
	gaps       prometheus.Counter
	missing    prometheus.Counter
	duplicates prometheus.Counter
	restarts   prometheus.Counter
	streams    prometheus.Gauge
	evicted    prometheus.Counter
	loss       *prometheus.CounterVec // {reason}
	snapshotOK *prometheus.CounterVec // {result}
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
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
			Help: "Sources reporting their own loss of events, by reason (audit-log-cleared, audit-loss, agent-declared-gap).",
		}, []string{"reason"}),
		snapshotOK: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name:        "nomen_state_snapshots_total",
			Help:        "State snapshots written, by stage and result.",
			ConstLabels: prometheus.Labels{"stage": "sequence"},
		}, []string{"result"}),
	}
	// nomen_duplicate_events_total is shared with the agent listener, which
	// drops the duplicates it sees first: whoever registers second counts
	// into the first one's counter.
	var err error
	if m.duplicates, err = registerShared(reg, m.duplicates); err != nil {
		return nil, err
	}
	for _, c := range []prometheus.Collector{m.gaps, m.missing, m.restarts, m.streams, m.evicted, m.loss, m.snapshotOK} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// registerShared registers c, or returns the identical counter another
// package registered already.
func registerShared(reg prometheus.Registerer, c prometheus.Counter) (prometheus.Counter, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(prometheus.Counter); ok {
			return existing, nil
		}
	}
	return c, err
}
