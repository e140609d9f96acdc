package journal

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the journal's series. Create them once per process (they
// outlive a journal that is closed and reopened) and pass them in Options.
type Metrics struct {
	Bytes    prometheus.Gauge   // nomen_journal_bytes
	MaxBytes prometheus.Gauge   // nomen_journal_max_bytes: the budget, for "near budget" alerts
	Segments prometheus.Gauge   // nomen_journal_segments
	Appended prometheus.Counter // nomen_journal_appended_events_total
	Fsyncs   prometheus.Counter // nomen_journal_fsyncs_total
	// FsyncErrors counts failed fsync rounds (nomen_journal_fsync_errors_total):
	// the events they covered are never acknowledged as durable.
	FsyncErrors prometheus.Counter
	// Blocked is 1 while appends wait because the disk refuses writes
	// (full, or failing), 0 otherwise (nomen_journal_blocked).
	Blocked prometheus.Gauge
	// TailBytes is the estimated memory of the events held in the hot
	// tail (nomen_journal_memory_tail_bytes), bounded by Options.TailBytes
	// in disk mode and by max_bytes in memory mode.
	TailBytes prometheus.Gauge
	// CacheBytes is what the decoded-block cache holds
	// (nomen_journal_block_cache_bytes), bounded by Options.CacheBytes.
	CacheBytes prometheus.Gauge
	// DiskReads counts, per output, the events it read back from disk
	// because it was behind the memory tail
	// (nomen_journal_disk_read_events_total{output}): an output that keeps
	// up reads none; one that reads many is falling behind, and reading
	// from disk costs CPU that keeping up does not.
	DiskReads *prometheus.CounterVec
	// Paced counts the appends that waited for an output about to fall
	// behind the memory tail (nomen_journal_paced_appends_total; pace.go).
	Paced prometheus.Counter
	// Panics counts panics while encoding records
	// (nomen_journal_panics_total; poison.go): a bug that an event found,
	// journaled in its safe form.
	Panics prometheus.Counter
	// ReadAheadPanics counts the panics of the read-ahead goroutines
	// (readahead.go). It is the relay's
	// nomen_background_panics_total{task="journal_read_ahead"}, which the
	// journal does not register: the caller sets it (nil: not counted).
	ReadAheadPanics prometheus.Counter

	// Dropped is the process-wide nomen_dropped_events_total{stage,reason};
	// the journal counts under stage="journal", reason "disk_budget" (on_full
	// = "drop_oldest" deleted unread events) and "corrupt" (a damaged block
	// could not be read back).
	Dropped *prometheus.CounterVec
}

// NewMetrics registers the journal's series with reg (nil: not registered,
// for tests). dropped is nomen_dropped_events_total, which several
// packages share and the caller owns; nil creates an unregistered one.
func NewMetrics(reg prometheus.Registerer, dropped *prometheus.CounterVec) *Metrics {
	m := &Metrics{
		Bytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_journal_bytes", Help: "Size of the journal: bytes on disk (estimated memory in memory mode).",
		}),
		MaxBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_journal_max_bytes", Help: "The journal's budget ([journal] max_bytes): bytes on disk, or estimated memory in memory mode.",
		}),
		Segments: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_journal_segments", Help: "Segment files in the journal.",
		}),
		Appended: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_journal_appended_events_total", Help: "Events appended to the journal.",
		}),
		Fsyncs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_journal_fsyncs_total", Help: "fsync calls made by the journal (group commits).",
		}),
		FsyncErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_journal_fsync_errors_total", Help: "fsync rounds that failed; the events they covered are not acknowledged as durable.",
		}),
		Blocked: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_journal_blocked", Help: "1 while appends wait because the disk refuses writes (full or failing).",
		}),
		TailBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_journal_memory_tail_bytes", Help: "Estimated memory of the recent events the journal keeps for outputs that keep up ([limits] journal_memory_tail).",
		}),
		CacheBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nomen_journal_block_cache_bytes", Help: "Memory of the decoded journal blocks cached for outputs reading from disk ([limits] journal_block_cache).",
		}),
		DiskReads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_journal_disk_read_events_total", Help: "Events an output read back from disk because it was behind the journal's memory tail.",
		}, []string{"output"}),
		Paced: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_journal_paced_appends_total", Help: "Appends that waited for the commit of an output about to fall behind the journal's memory tail (until 100ms after its last commit at most).",
		}),
		Panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nomen_journal_panics_total", Help: "Events whose journal encoding panicked (a bug in nomen: the event is journaled in its safe form, its original with nomen.encode_error; if that panics too, the batch's append fails).",
		}),
		Dropped: dropped,
	}
	if m.Dropped == nil {
		m.Dropped = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nomen_dropped_events_total", Help: "Events lost, by pipeline stage and reason.",
		}, []string{"stage", "reason"})
	}
	if reg != nil {
		reg.MustRegister(m.Bytes, m.MaxBytes, m.Segments, m.Appended, m.Fsyncs, m.FsyncErrors, m.Blocked, m.TailBytes, m.CacheBytes, m.DiskReads, m.Paced, m.Panics)
	}
	return m
}
