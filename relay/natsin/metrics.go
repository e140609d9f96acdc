package natsin

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the nats listeners' own series (what they receive is
// counted by relay/decode's nomen_received_events_total). Create them
// once per registry.
type Metrics struct {
	// Messages {listener, result}: journaled, duplicate (dropped: its
	// event is already journaled), dead_letter (malformed).
	Messages *prometheus.CounterVec
	// Pending {listener}: fetched, not yet acknowledged.
	Pending *prometheus.GaugeVec
	// ConsumerErrors {listener, reason}: connect, consumer (could not be
	// created or looked up), recreated (it had been deleted), fetch.
	ConsumerErrors *prometheus.CounterVec
}

// NewMetrics registers the series with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_nats_input_messages_total",
			Help: "Messages a nats listener took from JetStream, by listener and result (journaled, duplicate, dead_letter).",
		}, []string{"listener", "result"}),
		Pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nomen_nats_input_pending_messages",
			Help: "Messages a nats listener fetched and has not acknowledged yet (waiting for the journal).",
		}, []string{"listener"}),
		ConsumerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_nats_input_errors_total",
			Help: "Problems of a nats listener with its server or consumer, by listener and reason (connect, consumer, recreated, fetch, dead_letter_write).",
		}, []string{"listener", "reason"}),
	}
	reg.MustRegister(m.Messages, m.Pending, m.ConsumerErrors)
	return m
}

func (m *Metrics) init(listener string) {
	for _, r := range []string{"journaled", "duplicate", "dead_letter"} {
		m.Messages.WithLabelValues(listener, r)
	}
	for _, r := range []string{"connect", "consumer", "recreated", "fetch", "dead_letter_write"} {
		m.ConsumerErrors.WithLabelValues(listener, r)
	}
	m.Pending.WithLabelValues(listener).Set(0)
}
