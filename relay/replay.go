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
// -correlate`): the clock is the events' @timestamp, ticked as the
// pipeline ticks (about once a second of that clock), and every event's
// receive time is its @timestamp, so rules with time = "received" and
// "event" see the same time a replayed log had when it was written. The
// stages keep their state in memory only.
type Replay struct {
	drv    stage.Driver
	clock  time.Time // the latest event time seen
	ticked time.Time // when the stages last ticked
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
	return newReplay(cfg.Sequence, cfg.Correlate)
}

func newReplay(seqCfg sequence.Config, corrCfg correlate.Config) (*Replay, error) {
	r := &Replay{}
	reg := prometheus.NewRegistry()
	seq, err := sequence.New(seqCfg, sequence.Options{Registerer: reg, Now: r.now, SnapshotEvery: -1})
	if err != nil {
		return nil, err
	}
	corr, err := correlate.New(corrCfg, correlate.Options{Registerer: reg, Now: r.now, SnapshotEvery: -1})
	if err != nil {
		seq.Close()
		return nil, err
	}
	r.drv.Stages = []stage.Stage{seq, corr}
	return r, nil
}

func (r *Replay) now() time.Time { return r.clock }

// Add runs e through the stages at its event time and returns what they
// raised (findings, gap alerts), including what time raised before it.
// e's Received becomes its @timestamp.
func (r *Replay) Add(e *event.Event) []*event.Event {
	t := e.Time
	if t.IsZero() {
		t = e.Received
	}
	e.Received = t
	var out []*event.Event
	if t.After(r.clock) {
		r.clock = t
	}
	if r.ticked.IsZero() {
		r.ticked = r.clock
	}
	if r.clock.Sub(r.ticked) >= time.Second {
		out = append(out, r.drv.Tick(r.clock)...)
		r.ticked = r.clock
	}
	for _, x := range r.drv.Run([]*event.Event{e}) {
		if x != e {
			out = append(out, x)
		}
	}
	return out
}

// End moves the clock EndAdvance past the last event and returns what
// the stages raised then (confirmed gaps, pair windows that closed).
func (r *Replay) End() []*event.Event {
	if r.clock.IsZero() {
		return nil
	}
	r.clock = r.clock.Add(EndAdvance)
	return r.drv.Tick(r.clock)
}

// Close releases the stages.
func (r *Replay) Close() error { return r.drv.Close() }
