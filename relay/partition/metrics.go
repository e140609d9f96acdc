package partition

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the partition leases' series. Create them once per
// registry.
type Metrics struct {
	// Owned: partitions this instance holds a valid lease of.
	Owned prometheus.Gauge
	// Changes {change}: acquired, released (given back on purpose),
	// lost (expired or taken before it could be renewed).
	Changes *prometheus.CounterVec
	// Errors {op}: member, renew, list, create, release: writes or reads
	// of the bucket that failed (not the lost races, which are normal);
	// acquire: a partition taken whose state could not be loaded (given
	// back, tried again).
	Errors *prometheus.CounterVec
	// States {op, result}: partition states saved to or loaded from the
	// state store (op save, load; result success, failure, none: nothing
	// saved for a partition acquired).
	States *prometheus.CounterVec
}

// NewMetrics registers the series with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Owned: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_partitions_owned",
			Help: "Partitions of the correlation tier this instance holds a valid lease of.",
		}),
		Changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_partition_changes_total",
			Help: "Partition leases this instance acquired, released (gave back) or lost (expired or taken).",
		}, []string{"change"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_partition_errors_total",
			Help: "Failed reads or writes of the partition lease bucket, by operation (member, renew, list, create, release), and partitions given back because their state could not be loaded (acquire).",
		}, []string{"op"}),
		States: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_partition_states_total",
			Help: "Partition states of the stages saved to or loaded from the tier's state store, by op (save, load) and result (success, failure, none).",
		}, []string{"op", "result"}),
	}
	reg.MustRegister(m.Owned, m.Changes, m.Errors, m.States)
	for _, c := range []string{"acquired", "released", "lost"} {
		m.Changes.WithLabelValues(c)
	}
	for _, op := range []string{"member", "renew", "list", "create", "release", "acquire"} {
		m.Errors.WithLabelValues(op)
	}
	for _, r := range []string{"success", "failure"} {
		m.States.WithLabelValues("save", r)
		m.States.WithLabelValues("load", r)
	}
	m.States.WithLabelValues("load", "none")
	return m
}
