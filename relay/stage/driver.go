package stage

import (
	"errors"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// Driver drives stages as the pipeline does, with a journal in memory:
// the one copy of that protocol outside relay/pipeline, used by the
// scenario harness (stagetest), `nomen parse -correlate` and the
// correlation rules' embedded tests. It is not safe for concurrent use.
type Driver struct {
	Stages []Stage
	// Journal is every event appended, in order; an event's ID is its
	// index + 1.
	Journal []*event.Event
}

// Run passes a batch through every stage's Process, journals what comes
// out (assigning IDs from 1) and tells the stages. It returns the events
// journaled: the batch without dropped events, with findings appended.
func (d *Driver) Run(b []*event.Event) []*event.Event {
	for _, s := range d.Stages {
		b = s.Process(b)
	}
	d.append(b)
	return b
}

// Tick does what the pipeline does about once a second: it collects every
// stage's Tick output at now and runs it through the stages like a batch.
// It returns the events journaled.
func (d *Driver) Tick(now time.Time) []*event.Event {
	var found []*event.Event
	for _, s := range d.Stages {
		found = append(found, s.Tick(now)...)
	}
	if len(found) == 0 {
		return nil
	}
	return d.Run(found)
}

func (d *Driver) append(b []*event.Event) {
	if len(b) == 0 {
		return
	}
	for _, e := range b {
		e.ID = uint64(len(d.Journal)) + 1
		d.Journal = append(d.Journal, e)
	}
	for _, s := range d.Stages {
		s.Applied(uint64(len(d.Journal)))
	}
}

// Reopen replaces the stages with new ones (on the same state) and
// recovers them from the journal as the relay does at startup.
func (d *Driver) Reopen(stages []Stage) {
	d.Stages = stages
	last := uint64(len(d.Journal))
	for _, s := range d.Stages {
		if from := s.AppliedID(); from < last {
			s.Recover(d.Journal[from:])
		}
		s.Applied(last)
	}
}

// Snapshot has every stage write its state.
func (d *Driver) Snapshot() error {
	var errs []error
	for _, s := range d.Stages {
		errs = append(errs, s.Snapshot())
	}
	return errors.Join(errs...)
}

// Close closes every stage.
func (d *Driver) Close() error {
	var errs []error
	for _, s := range d.Stages {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}
