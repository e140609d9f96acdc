package pipeline

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the pipeline's series. Create them once per registry (a
// reload keeps the pipeline) and pass them to New.
type Metrics struct {
	Batches prometheus.Counter
	Queue   prometheus.Gauge
	// QueueEvents is the events in the queued batches
	// (nomen_pipeline_queue_events), bounded by queue_events.
	QueueEvents prometheus.Gauge
	// Dropped is the relay's nomen_dropped_events_total {stage, reason},
	// which other parts count into too: the pipeline counts
	// {journal, append_failed}.
	Dropped *prometheus.CounterVec
	// Panics is the relay's nomen_background_panics_total{task}, which
	// the relay registers and sets (default: a private unregistered one):
	// the pipeline counts TaskPipeline and TaskWaitDurable.
	Panics *prometheus.CounterVec
}

// The pipeline's tasks of nomen_background_panics_total.
const (
	// TaskPipeline is the pipeline's goroutine, outside the stages' own
	// guards (Pipeline.handle).
	TaskPipeline = "pipeline"
	// TaskWaitDurable is waiting for a Durable batch's fsync and
	// acknowledging it (Pipeline.waitDurable).
	TaskWaitDurable = "wait_durable"
)

// NewMetrics registers the pipeline's own series with reg; dropped is the
// shared counter, registered by its owner (nil: a private unregistered
// one, for tests).
func NewMetrics(reg prometheus.Registerer, dropped *prometheus.CounterVec) *Metrics {
	if dropped == nil {
		dropped = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nomen_dropped_events_total"}, []string{"stage", "reason"})
	}
	m := &Metrics{
		Batches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_pipeline_batches_total", Help: "Batches journaled by the pipeline.",
		}),
		Queue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_pipeline_queue_batches", Help: "Batches waiting for the pipeline.",
		}),
		QueueEvents: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_pipeline_queue_events", Help: "Events in the batches waiting for the pipeline (bounded by [pipeline] queue_events).",
		}),
		Dropped: dropped,
		Panics:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nomen_background_panics_total"}, []string{"task"}),
	}
	reg.MustRegister(m.Batches, m.Queue, m.QueueEvents)
	// Exported at 0 from the start.
	m.Dropped.WithLabelValues("journal", "append_failed")
	m.Dropped.WithLabelValues("pipeline", "panic")
	return m
}
