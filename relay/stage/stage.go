// Package stage is the contract between the pipeline and its stateful
// stages: sequence tracking (relay/sequence) and correlation
// (relay/correlate). Beside it: lru (bounded state), snapshot (state that
// survives restarts, consistent with the journal) and stagetest (the
// scenario harness that drives any stage as the pipeline does).
//
// # Protocol
//
// The pipeline (relay/pipeline) owns the stages and drives them from its
// single goroutine, so a stage needs no locks:
//
//	// for every batch (events of one source, in order):
//	b = seq.Process(b)
//	b = corr.Process(b)            // may drop duplicates, appends findings
//	journal.Append(b)
//	seq.Applied(lastID); corr.Applied(lastID)   // after every Append attempt
//	hub.Publish(b)                 // relay/live
//
//	// about once a second:
//	b = append(seq.Tick(now), corr.Tick(now)...) // gaps confirmed, windows closed
//	then b goes through Process, Append and Applied like a batch
//
// Findings are ordinary events (event.kind "alert"); they are journaled and
// flow to every output. A stage sees the findings of the stages before it,
// never its own.
//
// Applied tells a stage the journal ID of the last event of the batch just
// appended. Journal IDs are consecutive, so a stage can predict the IDs of
// the events it is processing (a finding names its evidence by ID) and
// snapshot its state at a known journal position. If fewer events were
// journaled than handed over, the stage resynchronises.
//
// At start-up, after a stage is built: evs = the journal's events after
// AppliedID(); Recover(evs) (re-applies them without raising findings: the
// snapshot may be older than the journal after a crash); then Applied with
// the journal's last ID. Snapshot writes the state now; Close writes it and
// releases the stage. Reloading is stage-specific (each takes its own
// config type) and may be called from any goroutine; every method of this
// interface only from the pipeline's.
package stage

import (
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// Owner tells a stage which keys are its own when several instances share
// them (a correlation tier: relay/partition), so that each key's state and
// alerts live on exactly one instance. Lease reports whether this instance
// owns key now and, if so, a number that changes each time it acquires the
// key's partition again: state kept under an older lease is stale (another
// instance owned the key in between) and is dropped, not continued. Safe
// for concurrent use; a nil Owner means every key is the stage's.
type Owner interface {
	Lease(key string) (lease uint64, ok bool)
}

// Stage is a stateful step between normalization and the journal.
type Stage interface {
	// Process returns the batch, possibly without some events (dropped
	// duplicates) and with findings appended.
	Process(batch []*event.Event) []*event.Event
	// Tick returns findings that time produced (grace periods, windows).
	Tick(now time.Time) []*event.Event
	// Applied reports the journal ID of the last event appended.
	Applied(lastID uint64)
	// AppliedID is the journal ID up to which the stage's state reflects
	// the journal (its last snapshot's position, or later).
	AppliedID() uint64
	// Recover re-applies journaled events after AppliedID, in order,
	// without raising findings.
	Recover(evs []*event.Event)
	// Snapshot writes the state now.
	Snapshot() error
	// Close writes the state and releases the stage.
	Close() error
}

// Parted is a stage whose state can move between the instances of a
// correlation tier one partition at a time (relay/tier.go): the entries
// of the keys that fall in a partition are saved by the partition's owner
// and loaded by the next. Both methods run on the pipeline's goroutine.
type Parted interface {
	// PartState returns, by partition, copies of the state of the keys
	// part maps to a partition (ok): the same encoding as the stage's
	// snapshot, holding only those keys, sharing nothing the stage
	// modifies later (it is encoded on another goroutine).
	PartState(part func(key string) (p int, ok bool)) map[int]any
	// LoadPart adds what PartState saved of one partition (JSON), its
	// entries kept under lease (Owner's lease of the partition), replacing
	// the stage's entries of the same keys.
	LoadPart(state []byte, lease uint64) error
	// ReplayPart applies evs — journaled events, in order, that the stage
	// saw while another instance owned the partition, after the state it
	// loaded — to the keys in reports (under lease) and to no other,
	// raising findings as Process would: they come out of the next
	// Process or Tick. Events the stage made itself are skipped.
	ReplayPart(evs []*event.Event, in func(key string) bool, lease uint64)
}

// OnlyKeys is the Owner of a replay (Parted.ReplayPart): the keys in
// reports, under Number.
type OnlyKeys struct {
	In     func(key string) bool
	Number uint64
}

// Lease implements Owner.
func (o OnlyKeys) Lease(key string) (uint64, bool) { return o.Number, o.In(key) }
