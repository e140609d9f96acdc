package relay

import (
	"time"

	"github.com/nomenhq/nomen/relay/correlate"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/sequence"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// Replay runs the stages after normalization, sequence tracking and
// correlation, over decoded events in EVENT time (`nomen parse
// -correlate`; see stage.EventClock). The stages keep their state in
// memory only.
type Replay struct {
	clock stage.EventClock
}

// EndAdvance is how far the clock moves after the last event (End): far
// enough for every sequence hole's grace period (at most 1h) and pair
// windows of up to an hour to close.
const EndAdvance = time.Hour

// NewReplay builds the stages from the [sequence] and [correlate]
// sections of the config at path.
func NewReplay(path string) (*Replay, error) {
	cfg, err := LoadConfig(path)
	if err != nil {
		return nil, err
	}
	r := &Replay{}
	reg := prometheus.NewRegistry()
	seq, err := sequence.New(cfg.Sequence, sequence.Options{Registerer: reg, Now: r.clock.Now, SnapshotEvery: -1})
	if err != nil {
		return nil, err
	}
	corr, err := correlate.New(cfg.Correlate, correlate.Options{Registerer: reg, Now: r.clock.Now, SnapshotEvery: -1})
	if err != nil {
		seq.Close()
		return nil, err
	}
	r.clock.Stages = []stage.Stage{seq, corr}
	return r, nil
}

// Add runs e through the stages at its event time and returns what they
// raised (findings, gap alerts). e's receive time becomes its @timestamp.
func (r *Replay) Add(e *event.Event) []*event.Event { return r.clock.Add(e) }

// End moves the clock EndAdvance past the last event and returns what
// the stages raised then (confirmed gaps, pair windows that closed).
func (r *Replay) End() []*event.Event { return r.clock.Advance(EndAdvance) }

// Close releases the stages.
func (r *Replay) Close() error { return r.clock.Close() }
