package correlate

import (
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the engine's series. Findings re-derived by Recover are not
// counted: the process that raised them did.
type metrics struct {
	findings  *prometheus.CounterVec // {rule}
	evicted   *prometheus.CounterVec // {rule}
	keys      *prometheus.GaugeVec   // {rule}
	snapshots *prometheus.CounterVec // {result}
	panics    prometheus.Counter     // nomen_stage_panics_total{stage="correlate"}

	scriptBlocks *prometheus.CounterVec // {result}
	scriptParts  *prometheus.CounterVec // {reason}
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_findings_total",
			Help: "Findings raised by correlation rules and the process tracker, by rule.",
		}, []string{"rule"}),
		evicted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_correlate_evicted_total",
			Help: "Keys (windows, tuples, open processes) forgotten because a rule reached its max_keys / max_open, by rule.",
		}, []string{"rule"}),
		keys: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nomen_correlate_keys",
			Help: "Keys held by a rule (windows, tuples, pending pairs, open processes), by rule.",
		}, []string{"rule"}),
		snapshots: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name:        "nomen_state_snapshots_total",
			Help:        "State snapshots written, by stage and result.",
			ConstLabels: prometheus.Labels{"stage": "correlate"},
		}, []string{"result"}),
		panics: stage.PanicCounter("correlate"),
		scriptBlocks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_correlate_script_blocks_total",
			Help: "PowerShell script blocks logged in parts, by result: complete (reassembled) or incomplete (parts missing).",
		}, []string{"result"}),
		scriptParts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_correlate_script_block_parts_dropped_total",
			Help: "Parts of PowerShell script blocks not added to a block, by reason: duplicate, after_close (the block was closed), max_block_bytes.",
		}, []string{"reason"}),
	}
	for _, c := range []prometheus.Collector{m.findings, m.evicted, m.keys, m.snapshots, m.panics, m.scriptBlocks, m.scriptParts} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, result := range []string{"success", "failure"} {
		m.snapshots.WithLabelValues(result) // exported at 0 from the start
	}
	return m, nil
}

// scriptBlock counts a script block closed with result (not while
// recovering: the run that journaled it counted it).
func (en *Engine) scriptBlock(result string) {
	if !en.recovering {
		en.m.scriptBlocks.WithLabelValues(result).Inc()
	}
}

// partDropped counts a script block part not added to its block.
func (en *Engine) partDropped(reason string) {
	if !en.recovering {
		en.m.scriptParts.WithLabelValues(reason).Inc()
	}
}
