package agent

import (
	"github.com/nomenhq/nomen/relay/wire"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the agent listener's Prometheus metrics. Several agent
// listeners (and a reload that rebuilds them) share one set: create it
// once per registry and pass it to every server (WithMetrics).
type Metrics struct {
	Connections    prometheus.Gauge
	Batches        prometheus.Counter
	Events         prometheus.Counter
	Bytes          prometheus.Counter
	Duplicates     prometheus.Counter
	ProtocolErrors *prometheus.CounterVec // {reason}
	Gaps           *prometheus.CounterVec // {reason}: cleared, overwritten, unreadable
	Sessions       prometheus.Counter
	Superseded     prometheus.Counter
	// Panics counts sessions a panic ended, a bug in nomen
	// (nomen_agent_panics_total{step}), by step: "read" (reading or
	// checking the agent's frames: the session ends as for a malformed
	// one), "deliver" (delivering a batch: a failed delivery), "session"
	// (acknowledging, keepalives: the session ends).
	Panics *prometheus.CounterVec
}

// The steps of nomen_agent_panics_total.
const (
	PanicRead    = "read"
	PanicDeliver = "deliver"
	// PanicSession is the rest of a session: acknowledging what was
	// delivered, the keepalives, its end (BYE, releasing its state).
	PanicSession = "session"
)

// NewMetrics creates the metrics and registers them with reg (nil: not
// registered). It panics if they are registered already.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_agent_connections", Help: "Agent connections open (TLS established)."}),
		Batches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_agent_batches_total", Help: "BATCH frames made durable and acknowledged."}),
		Events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_agent_events_total", Help: "Agent records made durable (duplicates excluded)."}),
		Bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_agent_received_bytes_total", Help: "Decompressed record bytes received from agents."}),
		Duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_agent_duplicate_events_total", Help: "Agent records dropped because the relay already held them durably."}),
		ProtocolErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_agent_protocol_errors_total", Help: "Agent connections refused or closed for violating the protocol or a limit."},
			[]string{"reason"}),
		Gaps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_agent_gaps_total", Help: "Losses declared by agents in GAP frames."}, []string{"reason"}),
		Sessions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_agent_sessions_total", Help: "Agent sessions accepted (HELLO verified, WELCOME sent)."}),
		Superseded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_agent_superseded_sessions_total", Help: "Sessions closed because a newer session of the same agent arrived."}),
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_agent_panics_total", Help: "Agent sessions a panic ended (a bug in nomen: the connection is closed and the agent sends again what was not acknowledged), by step: read (the agent's frames), deliver (normalization, the pipeline), session (acknowledging, keepalives)."},
			[]string{"step"}),
	}
	if reg == nil {
		return m
	}
	reg.MustRegister(m.Connections, m.Batches, m.Events, m.Bytes, m.Duplicates, m.ProtocolErrors, m.Gaps, m.Sessions, m.Superseded, m.Panics)
	// Every reason exists at 0 from the start: an alert on increase()
	// would miss the first error of a series that appears with it.
	for _, reason := range protocolErrorReasons() {
		m.ProtocolErrors.WithLabelValues(reason)
	}
	for _, step := range []string{PanicRead, PanicDeliver, PanicSession} {
		m.Panics.WithLabelValues(step)
	}
	for _, r := range []wire.GapReason{wire.GapCleared, wire.GapOverwritten, wire.GapUnreadable} {
		m.Gaps.WithLabelValues(r.String())
	}
	return m
}

// protocolErrorReasons are the reasons nomen_agent_protocol_errors_total
// counts under: the listener's own and every wire error code.
func protocolErrorReasons() []string {
	reasons := []string{"not_allowed", "max_connections", "tls", "eof"}
	for c := wire.CodeMalformed; c <= wire.CodeTimeout; c++ {
		reasons = append(reasons, c.String())
	}
	return reasons
}
