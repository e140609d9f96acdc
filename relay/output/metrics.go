package output

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the outputs' series, shared by every worker (labelled by
// output). Create them once per process: they outlive workers that a
// reload replaces.
type Metrics struct {
	// Events counts events delivered (nomen_output_events_total{output}).
	Events *prometheus.CounterVec
	// Failures counts failed Open and Write calls
	// (nomen_output_failures_total{output,kind}), by kind: "open" (Open
	// failed; retried), "retryable" (the batch, or some of its events, will
	// be written again), "permanent" (the batch, or some of its events, was
	// rejected and dead-lettered), "config" (the destination refuses the
	// output's configuration: forward.ConfigError; retried slowly).
	Failures *prometheus.CounterVec
	// Lag is how many journaled events the output has not committed yet
	// (nomen_output_lag_events{output}).
	Lag *prometheus.GaugeVec
	// DeadLettered counts events written to the dead-letter file
	// (nomen_output_deadletter_events_total{output}).
	DeadLettered *prometheus.CounterVec
	// Filtered counts events an output's where / where_not left out
	// (nomen_output_filtered_events_total{output}); not a failure.
	Filtered *prometheus.CounterVec
	// Panics counts events whose writing panicked, a bug in nomen
	// (nomen_output_panics_total{output}): each is written in its safe
	// form (safeForm) or, if that panics too, dead-lettered.
	Panics *prometheus.CounterVec
	// WorkerPanics counts panics of an output's worker outside writing
	// events (nomen_output_worker_panics_total{output}): opening or
	// closing its sink, delivering, closing its journal reader or
	// dead-letter file (guard.go says what each means).
	WorkerPanics *prometheus.CounterVec
	// StopPanics counts stops of an output that panicked, a bug in nomen
	// (nomen_output_stop_panics_total{output}); relay's stopOutputs
	// recovers them, on the goroutine it stops the worker on.
	StopPanics *prometheus.CounterVec
	// State is 1 for the output's current state and 0 for the others
	// (nomen_output_state{output,state}; see State).
	State *prometheus.GaugeVec
}

// Failure kinds.
const (
	KindOpen      = "open"
	KindRetryable = "retryable"
	KindPermanent = "permanent"
	KindConfig    = "config"
)

// NewMetrics registers the outputs' series with reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_output_events_total", Help: "Events delivered, by output.",
		}, []string{"output"}),
		Failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_output_failures_total", Help: "Failed Open or Write calls, by output and kind (open, retryable, permanent, config).",
		}, []string{"output", "kind"}),
		Lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nomen_output_lag_events", Help: "Journaled events the output has not delivered yet.",
		}, []string{"output"}),
		DeadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_output_deadletter_events_total", Help: "Events rejected permanently and written to the dead-letter file, by output.",
		}, []string{"output"}),
		Filtered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_output_filtered_events_total", Help: "Events an output's where / where_not filters left out, by output.",
		}, []string{"output"}),
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_output_panics_total", Help: "Events whose writing by an output panicked (a bug in nomen: the event is written in its safe form with nomen.encode_error, or dead-lettered), by output.",
		}, []string{"output"}),
		WorkerPanics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_output_worker_panics_total", Help: "Panics of an output's worker outside writing events: opening or closing its sink, delivering (it starts over from its committed position), closing its journal reader or dead-letter file (a bug in nomen: the output goes on, its undelivered events stay in the journal), by output.",
		}, []string{"output"}),
		StopPanics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_output_stop_panics_total", Help: "Stops of an output (by a reload or at shutdown) that panicked (a bug in nomen: the stop failed, what the output had not delivered stays in the journal), by output.",
		}, []string{"output"}),
		State: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nomen_output_state", Help: "1 for the output's current state (ok, failing, cannot_open, config_error, deadletter_full), 0 for the others.",
		}, []string{"output", "state"}),
	}
	if reg != nil {
		reg.MustRegister(m.Events, m.Failures, m.Lag, m.DeadLettered, m.Filtered, m.Panics, m.WorkerPanics, m.StopPanics, m.State)
	}
	return m
}

// series are one worker's curried metrics.
type series struct {
	events, filtered, deadLettered  prometheus.Counter
	openFailed, retryable, rejected prometheus.Counter
	configErrors, panics            prometheus.Counter
	workerPanics                    prometheus.Counter
	lag                             prometheus.Gauge
}

func (m *Metrics) series(name string) series {
	m.StopPanics.WithLabelValues(name) // exported at 0 from the start; relay counts in it, not the worker
	return series{
		events:       m.Events.WithLabelValues(name),
		filtered:     m.Filtered.WithLabelValues(name),
		deadLettered: m.DeadLettered.WithLabelValues(name),
		openFailed:   m.Failures.WithLabelValues(name, KindOpen),
		retryable:    m.Failures.WithLabelValues(name, KindRetryable),
		rejected:     m.Failures.WithLabelValues(name, KindPermanent),
		configErrors: m.Failures.WithLabelValues(name, KindConfig),
		panics:       m.Panics.WithLabelValues(name),
		workerPanics: m.WorkerPanics.WithLabelValues(name),
		lag:          m.Lag.WithLabelValues(name),
	}
}
