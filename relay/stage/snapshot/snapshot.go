// Package snapshot persists the state of the pipeline stages that keep
// memory between events (sequence tracking, correlation) and tracks which
// journal positions that state covers.
//
// # Crash consistency
//
// A stage changes its state in Process, before the pipeline journals the
// batch, and the snapshot is written only every few seconds. After a
// kill -9 the snapshot is therefore older than the journal. Every snapshot
// records the journal ID up to which its state is applied (Position); at
// startup the pipeline reads the journal after that ID and hands those
// events to the stage's Recover, which re-applies them without emitting
// findings, so a restart neither forgets a sequence nor re-announces a
// first-seen tuple.
//
// The protocol between the pipeline and a stage, which Position implements:
//
//  1. out := stage.Process(batch); the stage counts len(out) as handed
//     back, not yet journaled (Tick's output is counted when it goes
//     through Process, or is simply appended after a Process output);
//  2. the pipeline journals out, in order, as one run of consecutive IDs
//     (several Process outputs may share one Append, in the order they
//     were produced; a later stage may append its own events after ours,
//     never before or between them);
//  3. after every Append attempt, successful or not, the pipeline calls
//     stage.Applied(lastID) with the journal's last ID.
//
// Between 1 and 3 the stage can predict the journal ID of every event it
// handed back (Next), which is how findings name the events that caused
// them before those are journaled. A stage writes a snapshot only when
// nothing is pending (right after Applied), so the recorded position and
// the state always agree.
package snapshot

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/atomicfile"
	"github.com/nomenhq/nomen/internal/panics"
)

// Position is the journal bookkeeping of one stage. It is used by the
// stage's single goroutine.
type Position struct {
	applied uint64 // last journal ID whose event the state includes
	pending uint64 // events handed back since, not yet journaled
	// Mismatches counts Applied calls whose ID was not the predicted one
	// (the pipeline journaled something else in between, or an Append
	// failed): predicted IDs in findings of that run may be off.
	Mismatches uint64
}

// Restore sets the position read from a snapshot.
func (p *Position) Restore(applied uint64) { p.applied, p.pending = applied, 0 }

// Next returns the journal ID the next event handed back will receive
// (the i-th event of the next output gets Next()+i).
func (p *Position) Next() uint64 { return p.applied + p.pending + 1 }

// Handed records that n events were handed back to the pipeline.
func (p *Position) Handed(n int) { p.pending += uint64(n) }

// Recovered records that the events up to journal ID id were re-applied
// from the journal.
func (p *Position) Recovered(id uint64) {
	if id > p.applied {
		p.applied = id
	}
}

// Applied records the journal's last ID after an Append. It reports false
// when fewer events were journaled than were handed back (an Append failed,
// or the pipeline dropped some): IDs predicted for that run may be off.
// More is normal: later stages append their own findings after ours.
func (p *Position) Applied(lastID uint64) bool {
	ok := lastID >= p.applied+p.pending
	if !ok {
		p.Mismatches++
	}
	p.applied, p.pending = lastID, 0
	return ok
}

// Quiet reports whether every event handed back has been journaled: the
// state and Applied() agree and a snapshot may be taken.
func (p *Position) Quiet() bool { return p.pending == 0 }

// AppliedID returns the last journal ID the state includes.
func (p *Position) AppliedID() uint64 { return p.applied }

// Version is the snapshot envelope version; a file with another version is
// ignored (the stage starts empty and says so).
const Version = 1

// envelope is the file's outer shape; State is the stage's own JSON.
type envelope struct {
	Version int             `json:"version"`
	Stage   string          `json:"stage"`
	Saved   time.Time       `json:"saved"`
	Applied uint64          `json:"applied"`
	State   json.RawMessage `json:"state,omitempty"`
}

// File is one stage's snapshot: <dir>/state.json, replaced atomically.
type File struct {
	stage string
	dir   string
	path  string
}

// Open returns the snapshot file of stage in dir, creating dir (0700).
// An empty dir gives a File that never saves (memory-only mode).
func Open(stage, dir string) (*File, error) {
	f := &File{stage: stage, dir: dir}
	if dir == "" {
		return f, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%s: state dir: %w", stage, err)
	}
	f.path = filepath.Join(dir, "state.json")
	return f, nil
}

// Path returns the snapshot's path ("" in memory-only mode).
func (f *File) Path() string { return f.path }

// ErrCorrupt wraps a snapshot that exists but cannot be used. The stage
// should log it and start empty: losing correlation state is better than
// not starting. Load has moved the file aside (state.json.corrupt).
var ErrCorrupt = errors.New("snapshot unusable")

// Load reads the snapshot into state (a pointer for json.Unmarshal) and
// returns the journal position it covers. ok is false when there is none.
func (f *File) Load(state any) (applied uint64, ok bool, err error) {
	if f.path == "" {
		return 0, false, nil
	}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("%s: read snapshot: %w", f.stage, err)
	}
	applied, err = Decode(f.stage, b, state)
	if err != nil {
		return 0, false, f.corrupt(err)
	}
	return applied, true, nil
}

// Encode returns a snapshot of stage's state covering position applied,
// in the envelope a File holds: for snapshots kept elsewhere than in a
// file (a correlation tier's partitions, in JetStream).
func Encode(stage string, applied uint64, now time.Time, state any) ([]byte, error) {
	st, err := json.Marshal(state)
	if err != nil {
		return nil, fmt.Errorf("%s: encode snapshot: %w", stage, err)
	}
	b, err := json.Marshal(envelope{Version: Version, Stage: stage, Saved: now.UTC(), Applied: applied, State: st})
	if err != nil {
		return nil, fmt.Errorf("%s: encode snapshot: %w", stage, err)
	}
	return b, nil
}

// Decode reads a snapshot of stage (as Encode or File.Save wrote it) into
// state (a pointer for json.Unmarshal, checked if it is a Validator) and
// returns the position it covers. An error means it is unusable.
func Decode(stage string, b []byte, state any) (applied uint64, err error) {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return 0, err
	}
	if env.Version != Version || env.Stage != stage {
		return 0, fmt.Errorf("version %d of stage %q, want version %d of %q", env.Version, env.Stage, Version, stage)
	}
	if err := json.Unmarshal(env.State, state); err != nil {
		return 0, err
	}
	if v, ok := state.(Validator); ok {
		if err := v.Validate(); err != nil {
			return 0, err
		}
	}
	return env.Applied, nil
}

// Validator is implemented by a stage's state that can tell whether it is
// whole: Load checks it after decoding, and a state that is not (a file
// damaged in a way JSON does not notice) is unusable like one that does
// not decode, never restored in part.
type Validator interface {
	Validate() error
}

func (f *File) corrupt(cause error) error {
	aside := f.path + ".corrupt"
	if err := os.Rename(f.path, aside); err != nil {
		return fmt.Errorf("%s: snapshot %s: %w: %v (and moving it aside failed: %v)", f.stage, f.path, ErrCorrupt, cause, err)
	}
	return fmt.Errorf("%s: snapshot %s: %w: %v (moved to %s)", f.stage, f.path, ErrCorrupt, cause, aside)
}

// Save writes state, covering the journal up to applied, atomically: a
// temporary file is written and synced, then renamed over the old one and
// the directory synced. A crash leaves either the old or the new snapshot.
//
// The state is encoded straight into the file (through a buffer), never
// whole in memory: at a rule's max_keys it is tens of MB, which held
// encoded at every snapshot raised the heap's peak, and with it the
// collector's goal and the resident memory, by as much again. A Streamer
// is written a piece at a time.
func (f *File) Save(applied uint64, now time.Time, state any) error {
	if f.path == "" {
		return nil
	}
	// The envelope is written around the state by hand: marshalling the
	// state as a json.RawMessage would encode it whole first.
	head, err := json.Marshal(envelope{Version: Version, Stage: f.stage, Saved: now.UTC(), Applied: applied})
	if err != nil {
		return fmt.Errorf("%s: encode snapshot: %w", f.stage, err)
	}
	head = append(head[:len(head)-1], `,"state":`...)
	err = atomicfile.Write(f.path, 0o600, func(fh io.Writer) (err error) {
		// A panic while encoding the state (a bug in a stage's state) is
		// this write's error: the temporary file goes, the last snapshot
		// stays, and the writer's goroutine, which nothing else guards,
		// does not end the process. The error is the *panics.Panic, stack
		// and all, for the Keeper's log.
		defer func() {
			if p := panics.Of(recover()); p != nil {
				err = p
			}
		}()
		w := bufio.NewWriterSize(fh, 256<<10)
		w.Write(head) // a write error sticks in the buffer: Flush returns it
		if err := WriteJSON(w, state); err != nil {
			return err
		}
		io.WriteString(w, "}")
		return w.Flush()
	})
	if err != nil {
		return fmt.Errorf("%s: write snapshot: %w", f.stage, err)
	}
	_ = atomicfile.SyncDir(f.dir) // best effort: the rename is what matters
	return nil
}

// Streamer is a state, or a part of one, that writes its own JSON a piece
// at a time (see File.Save); what it writes must decode like the value
// json.Marshal would have written.
type Streamer interface {
	WriteJSON(w io.Writer) error
}

// WriteJSON writes v's JSON to w: a Streamer writes itself, any other
// value is encoded whole (as json.Marshal does, followed by a newline).
func WriteJSON(w io.Writer, v any) error {
	if s, ok := v.(Streamer); ok {
		return s.WriteJSON(w)
	}
	return json.NewEncoder(w).Encode(v)
}

// List is a slice of a state that is written a chunk of listChunk
// elements at a time: the per-key entries of a stage, of which there can
// be hundreds of thousands.
type List[T any] []T

// listChunk elements are encoded at once: few enough that the encoding is
// small (~100-200 KiB), enough that encoding/json's cost per call (a few
// hundred ns) does not count; one call per element made snapshots twice
// as slow as encoding the state whole.
const listChunk = 1024

// WriteJSON writes the list as the JSON array json.Marshal would.
// Elements that are Appenders (that can) write themselves.
func (l List[T]) WriteJSON(w io.Writer) error {
	if appends(l) {
		return writeAppended(w, l)
	}
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	for i := 0; i < len(l); i += listChunk {
		b, err := json.Marshal([]T(l[i:min(i+listChunk, len(l))]))
		if err != nil {
			return err
		}
		b = b[1 : len(b)-1] // the elements, without the brackets
		if i > 0 {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]")
	return err
}

// Schedule says when a periodic snapshot is due.
type Schedule struct {
	Every time.Duration // 0 means never (only explicit snapshots)
	next  time.Time
}

// Due reports whether a snapshot is due at now and, if so, schedules the
// next one.
func (s *Schedule) Due(now time.Time) bool {
	if s.Every <= 0 {
		return false
	}
	if s.next.IsZero() {
		s.next = now.Add(s.Every)
		return false
	}
	if now.Before(s.next) {
		return false
	}
	s.next = now.Add(s.Every)
	return true
}

// Writer writes a File's snapshots on its own goroutine, so that encoding
// a large state does not stall the pipeline. The stage hands Save a copy
// of its state that it will not touch again; a Save while a write is
// running replaces any snapshot still waiting (the newest wins).
type Writer struct {
	f      *File
	report func(err error, took time.Duration)                  // called after each write (from the writer's goroutine)
	save   func(applied uint64, now time.Time, state any) error // f.Save; tests make it panic

	mu      sync.Mutex
	idle    sync.Cond
	busy    bool
	pending *job
}

type job struct {
	applied uint64
	now     time.Time
	state   any
}

// NewWriter returns a writer for f; report, if not nil, is told the result
// of every write and how long it took.
func NewWriter(f *File, report func(err error, took time.Duration)) *Writer {
	w := &Writer{f: f, report: report, save: f.Save}
	w.idle.L = &w.mu
	return w
}

// Save queues a snapshot and returns at once.
func (w *Writer) Save(applied uint64, now time.Time, state any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = &job{applied, now, state}
	if !w.busy {
		w.busy = true
		go w.run()
	}
}

func (w *Writer) run() {
	for {
		w.mu.Lock()
		j := w.pending
		w.pending = nil
		if j == nil {
			w.busy = false
			w.idle.Broadcast()
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		start := time.Now()
		err := w.write(j)
		if w.report != nil {
			w.report(err, time.Since(start))
		}
	}
}

// write saves j. A panic there (a bug in nomen outside the encoding,
// which Save guards itself) is the write's error, with its stack, for
// report to count and log (Keeper.saved): the last snapshot stays, the
// next one is written, and the writer is not left busy for ever (Wait,
// at shutdown, would hang) nor the process ended.
func (w *Writer) write(j *job) (err error) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			err = fmt.Errorf("%s: write snapshot: %w", w.f.stage, p)
		}
	}()
	return w.save(j.applied, j.now, j.state)
}

// Wait returns once every queued snapshot is written.
func (w *Writer) Wait() {
	w.mu.Lock()
	for w.busy {
		w.idle.Wait()
	}
	w.mu.Unlock()
}
