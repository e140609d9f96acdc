package forward

import (
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Config is an output type's own keys (those of its [[output]] table
// beyond output.Common). The relay decodes the table strictly into a
// pointer to the type's Config, validates it, and builds the sink from it.
type Config interface {
	// Validate reports the first invalid key; the message starts with the
	// type ("file: path is required").
	Validate() error
	// NewSink builds the sink; nothing is opened or connected yet.
	NewSink(rt Runtime) (Sink, error)
}

// Runtime is what a sink gets from the running relay rather than from its
// configuration.
type Runtime struct {
	// Name is the output's name; it labels the sink's metrics (output=...).
	Name string
	// Logger is the output's logger (nil: discard).
	Logger *slog.Logger
	// Metrics holds the sinks' metrics for the life of the process (nil:
	// metrics are counted but not registered, for tests).
	Metrics *Metrics
	// Hostname is observer.hostname in the events a sink writes.
	Hostname string
	// JournalID identifies the journal the events' IDs belong to: with an
	// event's ID it names the event uniquely (NATS message ids).
	JournalID string
	// StateDir is the relay's state directory, for a sink that keeps state
	// of its own beside the journal.
	StateDir string
}

// Log returns the logger, never nil.
func (rt Runtime) Log() *slog.Logger {
	if rt.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return rt.Logger
}

// Counter returns this output's series of the counter called name.
func (rt Runtime) Counter(name, help string) prometheus.Counter {
	return rt.Metrics.vec(name, help, nil).WithLabelValues(rt.Name)
}

// CounterVec returns this output's part of the counter vector called
// name: its remaining labels are labels.
func (rt Runtime) CounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return rt.Metrics.vec(name, help, labels).MustCurryWith(prometheus.Labels{"output": rt.Name})
}

// Metrics are the sinks' counters, each a vector labelled by output. The
// relay creates one Metrics per process and hands it to every sink it
// builds: a sink built again on reload, or another output of the same
// type, gets the same vector, so counts continue and nothing is
// registered twice.
type Metrics struct {
	reg  prometheus.Registerer
	mu   sync.Mutex
	vecs map[string]*counterVec
}

type counterVec struct {
	help   string
	labels []string
	vec    *prometheus.CounterVec
}

// NewMetrics returns the sinks' metrics, registered with reg as sinks
// first use them (nil reg: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	return &Metrics{reg: reg, vecs: map[string]*counterVec{}}
}

// vec returns the vector called name, with the labels "output" and
// labels, creating and registering it on first use. A nil m returns a new
// unregistered vector.
func (m *Metrics) vec(name, help string, labels []string) *prometheus.CounterVec {
	all := append([]string{"output"}, labels...)
	if m == nil {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, all)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.vecs[name]; ok {
		if v.help != help || !slices.Equal(v.labels, labels) {
			panic(fmt.Sprintf("forward: metric %s declared twice, differently", name))
		}
		return v.vec
	}
	v := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, all)
	if m.reg != nil {
		m.reg.MustRegister(v)
	}
	m.vecs[name] = &counterVec{help, labels, v}
	return v
}
