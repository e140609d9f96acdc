package snapshot

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/prometheus/client_golang/prometheus"
)

// Keeper is the snapshot bookkeeping of one stage, which embeds it: the
// journal Position, whether the state changed since the last snapshot,
// periodic snapshots written in the background once nothing is pending,
// and the final one on Close.
type Keeper struct {
	Position
	// Dirty is set by the stage whenever its state changes.
	Dirty bool

	stage     string
	file      *File
	writer    *Writer
	sched     Schedule
	every     time.Duration // configured period; sched.Every stretches with the state
	lastSave  atomic.Int64  // ns the last background write took
	lastCopy  time.Duration // the last copy of the state (the pipeline goroutine's share)
	now       func() time.Time
	log       *slog.Logger
	throttled *logthrottle.Logger    // a panic's stack, at most once per interval
	result    *prometheus.CounterVec // {result}: success | failure
	state     func() any
}

// KeeperOptions configure a Keeper.
type KeeperOptions struct {
	// Stage names the stage: its folder under StateDir and its log prefix.
	Stage string
	// StateDir is the relay's state directory; "" keeps no snapshots.
	StateDir string
	// Every is the period of the background snapshots (default 5s).
	Every time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	Log *slog.Logger
	// Result counts snapshot writes by result ("success", "failure").
	Result *prometheus.CounterVec
	// State returns a copy of the stage's state that the stage will not
	// touch again (it is encoded on another goroutine).
	State func() any
}

// NewKeeper opens the stage's snapshot file.
func NewKeeper(o KeeperOptions) (*Keeper, error) {
	dir := ""
	if o.StateDir != "" {
		dir = filepath.Join(o.StateDir, o.Stage)
	}
	f, err := Open(o.Stage, dir)
	if err != nil {
		return nil, err
	}
	k := &Keeper{stage: o.Stage, file: f, now: o.Now, log: o.Log, result: o.Result, state: o.State}
	k.every = o.Every
	if k.every == 0 {
		k.every = 5 * time.Second
	}
	k.sched.Every = k.every
	if k.now == nil {
		k.now = time.Now
	}
	if k.log == nil {
		k.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	k.throttled = logthrottle.New(k.log, logthrottle.DefaultEvery)
	k.writer = NewWriter(f, k.saved)
	return k, nil
}

// Load reads the last snapshot into state and restores the position it
// covers; ok is false when there is none.
func (k *Keeper) Load(state any) (ok bool, err error) {
	applied, ok, err := k.file.Load(state)
	if err != nil || !ok {
		return false, err
	}
	k.Restore(applied)
	return true, nil
}

// Applied is the stage's part of the pipeline protocol (see the package
// comment): the journal's last ID after an Append. It writes the periodic
// snapshot when one is due.
func (k *Keeper) Applied(lastID uint64) {
	if !k.Position.Applied(lastID) && k.Mismatches == 1 {
		k.log.Warn(k.stage+": the journal holds fewer events than the stage handed back (a failed append?): event IDs in the findings of that batch may be off",
			"last_id", lastID)
	}
	// A large state takes long to copy, encode and write: snapshots then
	// come less often, so that they cost at most 1/snapshotShare of a core
	// (a restart replays more of the journal instead).
	if k.every > 0 {
		k.sched.Every = max(k.every, snapshotShare*(time.Duration(k.lastSave.Load())+k.lastCopy))
	}
	// In memory-only mode (no state dir) there is nothing to write: the
	// state is not copied for nothing every few seconds either.
	if k.file.Path() != "" && k.Quiet() && k.Dirty && k.sched.Due(k.now()) {
		start := time.Now()
		state, err := k.copyState()
		k.lastCopy = time.Since(start)
		if err != nil {
			k.saved(err, 0) // still dirty: tried again when next due
		} else {
			k.writer.Save(k.AppliedID(), k.now(), state)
			k.Dirty = false
		}
	}
}

// copyState is k.state() with a panic (a bug in the stage's state, on
// the pipeline goroutine) turned into the snapshot's error.
func (k *Keeper) copyState() (state any, err error) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			err = fmt.Errorf("%s: copy the state for a snapshot: %w", k.stage, p)
		}
	}()
	return k.state(), nil
}

// snapshotShare: background snapshots are spaced at least this many times
// the last one's duration apart.
const snapshotShare = 20

// saved is told the result of every snapshot write.
func (k *Keeper) saved(err error, took time.Duration) {
	k.lastSave.Store(int64(took))
	if err != nil {
		k.result.WithLabelValues("failure").Inc()
		if p := (*panics.Panic)(nil); errors.As(err, &p) {
			p.Report(nil, k.throttled, k.stage+": snapshot panicked (a bug in nomen); the last snapshot stays", "err", err)
			return
		}
		k.log.Error(k.stage+": snapshot failed", "err", err)
		return
	}
	k.result.WithLabelValues("success").Inc()
}

// Snapshot writes the state now and waits for it, if every event handed
// back has been journaled (otherwise it does nothing: the next Applied
// will). Periodic snapshots, taken by Applied, are written in the
// background.
func (k *Keeper) Snapshot() error {
	k.writer.Wait()
	if k.file.Path() == "" || !k.Quiet() || !k.Dirty {
		return nil
	}
	start := time.Now()
	state, err := k.copyState()
	if err == nil {
		err = k.file.Save(k.AppliedID(), k.now(), state)
	}
	k.saved(err, time.Since(start))
	if err == nil {
		k.Dirty = false
	}
	return err
}

// Close writes a final snapshot.
func (k *Keeper) Close() error { return k.Snapshot() }
