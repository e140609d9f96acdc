package relay

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/natsin"
	"github.com/nomenhq/nomen/relay/partition"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/nomenhq/nomen/relay/stage/snapshot"
)

// partStates moves the stages' state of this instance's partitions
// through a JetStream object store (docs/scale-out.md): every
// partStateEvery, and when a partition is given back (Released), the
// state of each owned partition's keys is saved as object
// "<stage>.<partition>"; when a partition is acquired its objects are
// loaded before this instance acts on it; a lost partition's state is
// never saved again (the stages drop it at its next use: it is kept under
// an older lease).
//
// An object store, not a key-value bucket: a KV value is one message,
// bounded by the server's max_payload (1 MB by default), and a partition's
// state is bounded only by the rules' max_keys divided among the
// partitions (100,000 windows of a few hundred bytes over 64 partitions is
// already ~0.5 MB per rule); objects are chunked and have no such bound.
//
// The stages run on the pipeline's goroutine, the leases on their own:
// reading or loading state is a request the pipeline serves (gate, the
// first stage, between batches), woken by an empty batch. Once the
// pipeline has stopped (a clean stop releasing every partition) requests
// run directly.
type partStates struct {
	store  *stateStore
	m      *partition.Manager
	stages []namedParted
	log    *slog.Logger
	wake   func()        // makes the pipeline serve requests soon
	wait   time.Duration // how long a lease callback waits for the pipeline
	met    *partition.Metrics

	reqs   chan *partReq
	direct atomic.Bool // the pipeline stopped: serve on the caller's goroutine

	// The stream position (relay/natsin.FieldSeq) the stages' state
	// covers: the highest sequence applied, and marks to find the events
	// after a sequence in the journal. Written on the pipeline goroutine.
	covered  atomic.Uint64
	batchSeq uint64 // highest sequence of the batch in the stages now
	marks    []seqMark
	// read hands the journal's events after a journal id to fn, in
	// chunks, up to its end.
	read func(after uint64, fn func([]*event.Event)) error

	waitEnd time.Time // of catchUp's current wait window (lease goroutine)

	sched snapshot.Schedule // periodic saves (pipeline goroutine)
	// saveNow: a partition was acquired; the next tick saves at once, so
	// that a successor finds a state (and a position to replay from)
	// even if this instance dies within the period.
	saveNow atomic.Bool
	rounds  chan []partObject // periodic saves to the writer (one waiting at most)
	done    chan struct{}     // the writer ended

	writeMu sync.Mutex          // one writer of the store at a time, in order
	panics  *taskGuard          // a save that panicked (putSafe)
	written map[string][32]byte // what each object holds (writeMu)
}

// partStateEvery is how often owned partitions' states are saved: what
// a takeover after a crash can miss is at most that old.
const partStateEvery = 2 * time.Second

type namedParted struct {
	name string // the stage's snapshot name: "sequence", "correlate"
	s    stage.Parted
}

// partObject is one stage's state of one partition, not yet encoded,
// covering the stream up to sequence seq.
type partObject struct {
	stage string
	p     int
	seq   uint64
	state any
}

// seqMark: once the journal reached id, every event of the stream up to
// sequence seq was in it (and applied).
type seqMark struct{ seq, id uint64 }

// maxMarks bounds the marks kept (one per batch that advanced the
// stream): beyond them a replay reads the journal from its start.
const maxMarks = 1 << 16

func objectName(stage string, p int) string { return stage + "." + strconv.Itoa(p) }

// partReq is work for the pipeline's goroutine; the caller may give up
// waiting (abandoned), then it is not done at all.
type partReq struct {
	fn        func()
	mu        sync.Mutex
	abandoned bool
	done      chan struct{}
}

func newPartStates(store *stateStore, m *partition.Manager, wait time.Duration, met *partition.Metrics, log *slog.Logger) *partStates {
	return &partStates{store: store, m: m, wait: wait, met: met, log: log, wake: func() {},
		reqs: make(chan *partReq, 64), sched: snapshot.Schedule{Every: partStateEvery},
		rounds: make(chan []partObject, 1), done: make(chan struct{}), written: map[string][32]byte{}}
}

// start begins saving; stages are the pipeline's, wake submits an empty
// batch to it, read reads its journal.
func (ps *partStates) start(stages []namedParted, wake func(), read func(after uint64, fn func([]*event.Event)) error) {
	ps.stages, ps.wake, ps.read = stages, wake, read
	go ps.writer()
}

// streamSeq is e's stream sequence (0: not from the stream, e.g. a
// finding made here).
func streamSeq(e *event.Event) uint64 {
	v, ok := e.Get(natsin.FieldSeq)
	if !ok {
		return 0
	}
	switch v.Type {
	case event.TypeInt:
		return uint64(max(v.Num, 0))
	case event.TypeString:
		n, _ := strconv.ParseUint(v.Str, 10, 64)
		return n
	}
	return 0
}

// observe notes the stream sequences of a batch entering the stages.
func (ps *partStates) observe(b []*event.Event) {
	for _, e := range b {
		ps.batchSeq = max(ps.batchSeq, streamSeq(e))
	}
}

// appended: the batch is in the journal up to lastID.
func (ps *partStates) appended(lastID uint64) {
	if ps.batchSeq <= ps.covered.Load() {
		return
	}
	ps.covered.Store(ps.batchSeq)
	if len(ps.marks) == maxMarks {
		ps.marks = append(ps.marks[:0], ps.marks[maxMarks/2:]...)
	}
	ps.marks = append(ps.marks, seqMark{ps.batchSeq, lastID})
}

// replayFrom is the journal id after which the events of sequence above
// seq are: after the last mark at or below seq (0: from the start).
func (ps *partStates) replayFrom(seq uint64) uint64 {
	i, _ := slices.BinarySearchFunc(ps.marks, seq+1, func(m seqMark, s uint64) int { return cmp.Compare(m.seq, s) })
	if i == 0 {
		return 0
	}
	return ps.marks[i-1].id
}

// call runs fn on the pipeline's goroutine and waits for it, at most
// ps.wait (then fn is not run).
func (ps *partStates) call(fn func()) error {
	if ps.direct.Load() {
		fn()
		return nil
	}
	r := &partReq{fn: fn, done: make(chan struct{})}
	select {
	case ps.reqs <- r:
	default:
		return errors.New("too many requests waiting for the pipeline")
	}
	ps.wake()
	t := time.NewTimer(ps.wait)
	defer t.Stop()
	select {
	case <-r.done:
		return nil
	case <-t.C:
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-r.done: // done meanwhile
		return nil
	default:
		r.abandoned = true
		return fmt.Errorf("the pipeline did not answer within %s", ps.wait)
	}
}

// serve runs the waiting requests (pipeline goroutine).
func (ps *partStates) serve() {
	for {
		select {
		case r := <-ps.reqs:
			r.mu.Lock()
			if !r.abandoned {
				r.fn()
				close(r.done)
			}
			r.mu.Unlock()
		default:
			return
		}
	}
}

// collect copies the stages' state of the partitions in want (pipeline
// goroutine): one object per stage and partition, empty ones included, so
// that a partition whose keys all expired is saved empty, not left with
// its old state.
func (ps *partStates) collect(want func(p int) bool) []partObject {
	part := func(key string) (int, bool) {
		p := ps.m.Of(key)
		return p, want(p)
	}
	var out []partObject
	seq := ps.covered.Load()
	for _, st := range ps.stages {
		parts := st.s.PartState(part)
		for p := range ps.m.Count() {
			if want(p) {
				out = append(out, partObject{stage: st.name, p: p, seq: seq, state: parts[p]})
			}
		}
	}
	return out
}

// periodic queues a save of every owned partition when one is due
// (pipeline goroutine); a round the writer has not taken yet is replaced.
func (ps *partStates) periodic(now time.Time) {
	due := ps.sched.Due(now)
	if len(ps.stages) == 0 || !(ps.saveNow.Swap(false) || due) {
		return
	}
	objs := ps.collect(ps.m.Owns)
	select {
	case <-ps.rounds: // the writer is behind: the newer round replaces it
	default:
	}
	ps.rounds <- objs
}

// writer saves the periodic rounds until stop.
func (ps *partStates) writer() {
	defer close(ps.done)
	for objs := range ps.rounds {
		ps.writeRound(objs)
	}
}

func (ps *partStates) writeRound(objs []partObject) {
	ps.writeMu.Lock()
	defer ps.writeMu.Unlock()
	for _, o := range objs {
		if ps.m.Owns(o.p) { // not a partition given back or lost since
			ps.putSafe(o)
		}
	}
}

// putSafe is put with a panic (a bug in nomen: in a stage's state, its
// encoding, the store's client) survived: o is not saved this time, which
// is counted as a failed save and, with its stack, in
// nomen_background_panics_total{task="tier_state"}; the next round saves
// it again (the state it covers is still the stages'), and the writer
// goes on with the other partitions, its lock given back.
func (ps *partStates) putSafe(o partObject) {
	if p := ps.panics.run(func() { ps.put(o) }); p != nil {
		ps.count("save", p)
	}
}

// put writes o unless the store holds it already (writeMu held).
func (ps *partStates) put(o partObject) {
	name := objectName(o.stage, o.p)
	b, err := snapshot.Encode(o.stage, o.seq, time.Now(), o.state)
	if err == nil {
		sum := sha256.Sum256(b)
		if old, ok := ps.written[name]; ok && old == sum {
			return
		}
		// Bounded: a lease callback may be waiting for writeMu.
		ctx, cancel := context.WithTimeout(context.Background(), ps.wait)
		_, err = ps.store.PutBytes(ctx, name, b)
		cancel()
		if err == nil {
			ps.written[name] = sum
		}
	}
	ps.count("save", err)
	if err != nil {
		ps.log.Warn("tier: saving a partition's state failed", "object", name, "err", err)
	}
}

// acquired loads p's saved state into the stages, and replays the
// events of p this instance journaled after the sequence that state
// covers, before it acts on p (partition.Options.Acquired). Findings the
// replay makes again carry the ids the old owner gave them. An error (the
// store or the pipeline did not answer) gives p back, to be taken again
// with its state; a state that is there but unusable is dropped instead
// (p starts afresh), else no one could ever take p.
func (ps *partStates) acquired(p int) error {
	defer ps.saveNow.Store(true)
	lease := ps.m.LeaseNumber(p)
	type load struct {
		raw json.RawMessage
		seq uint64
	}
	loads := map[string]load{}
	var newest uint64
	for _, st := range ps.stages {
		name := objectName(st.name, p)
		ps.writeMu.Lock()
		delete(ps.written, name) // another owner may have written it since
		ps.writeMu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), ps.wait)
		b, err := ps.store.read(ctx, name)
		cancel()
		if errors.Is(err, jetstream.ErrObjectNotFound) {
			ps.met.States.WithLabelValues("load", "none").Inc()
			ps.log.Info("tier: no saved state for a partition acquired; its keys start afresh", "object", name)
			continue
		}
		if err != nil {
			ps.count("load", err)
			return fmt.Errorf("loading %s: %w", name, err)
		}
		var l load
		if l.seq, err = snapshot.Decode(st.name, b, &l.raw); err != nil {
			ps.count("load", err)
			ps.log.Warn("tier: a partition's saved state is unusable; its keys start afresh", "object", name, "err", err)
			continue
		}
		loads[st.name] = l
		newest = max(newest, l.seq)
	}
	if len(loads) == 0 {
		return nil
	}
	// The state is applied up to newest: this instance must have read the
	// stream that far, else it would count those events again. Not taken
	// before (the next round tries again).
	if err := ps.catchUp(newest); err != nil {
		ps.count("load", err)
		return fmt.Errorf("partition %d: %w", p, err)
	}
	in := func(key string) bool { return ps.m.Of(key) == p }
	err := ps.call(func() {
		oldest := newest
		for name, l := range loads {
			st := ps.stage(name)
			if err := st.LoadPart(l.raw, lease); err != nil {
				ps.count("load", err)
				delete(loads, name)
				ps.log.Warn("tier: a partition's saved state is unusable; its keys start afresh", "stage", name, "partition", p, "err", err)
				continue
			}
			ps.count("load", nil)
			oldest = min(oldest, l.seq)
		}
		if len(loads) == 0 || ps.read == nil {
			return
		}
		replayed := 0
		err := ps.read(ps.replayFrom(oldest), func(evs []*event.Event) {
			for _, st := range ps.stages { // in pipeline order
				l, ok := loads[st.name]
				if !ok {
					continue
				}
				after := slices.DeleteFunc(slices.Clone(evs), func(e *event.Event) bool { return streamSeq(e) <= l.seq })
				st.s.ReplayPart(after, in, lease)
				replayed += len(after)
			}
		})
		if err != nil {
			ps.log.Warn("tier: replaying a partition's events from the journal failed", "partition", p, "err", err)
		}
		ps.log.Info("tier: partition taken over", "partition", p, "state_at", oldest, "read", ps.covered.Load(), "replayed", replayed)
	})
	if err != nil {
		ps.count("load", err)
		return fmt.Errorf("loading the state of partition %d: %w", p, err)
	}
	return nil
}

// catchUp waits until this instance has read the stream up to seq, at
// most until the current wait window ends. A window is ps.wait long and
// the next one opens a wait after it closed: the partitions taken in one
// round (they wait for the same reader) share one wait, so that a reader
// held up (its NATS node died) costs a wait per round or two, not one per
// partition (a round ends when a renewal period is spent).
func (ps *partStates) catchUp(seq uint64) error {
	if now := time.Now(); now.After(ps.waitEnd.Add(ps.wait)) {
		ps.waitEnd = now.Add(ps.wait)
	}
	for ps.covered.Load() < seq {
		if time.Now().After(ps.waitEnd) {
			return fmt.Errorf("this instance has read the stream up to sequence %d, the saved state is at %d", ps.covered.Load(), seq)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// stage returns the stage named name.
func (ps *partStates) stage(name string) stage.Parted {
	for _, st := range ps.stages {
		if st.name == name {
			return st.s
		}
	}
	return nil
}

// released saves p's state for the next owner before its lease is
// deleted (partition.Options.Released): Owns(p) is already false, so the
// state no longer changes.
func (ps *partStates) released(p int) {
	var objs []partObject
	if err := ps.call(func() { objs = ps.collect(func(q int) bool { return q == p }) }); err != nil {
		ps.count("save", err)
		ps.log.Warn("tier: a partition given back without its state", "partition", p, "err", err)
		return
	}
	ps.writeMu.Lock()
	defer ps.writeMu.Unlock()
	for _, o := range objs {
		ps.putSafe(o)
	}
}

// lost: nothing to save, and nothing to do now: the stages drop entries
// kept under the lost lease when they next meet their keys.
func (ps *partStates) lost(p int) {
	ps.log.Info("tier: partition lost; its state stays with the next owner", "partition", p)
}

// stop ends the periodic saves (after the pipeline stopped): later
// requests (Release) run directly.
func (ps *partStates) stop() {
	ps.direct.Store(true)
	if ps.stages != nil {
		close(ps.rounds)
		<-ps.done
	}
}

func (ps *partStates) count(op string, err error) {
	res := "success"
	if err != nil {
		res = "failure"
	}
	ps.met.States.WithLabelValues(op, res).Inc()
}

// gate is the first stage of a tier's pipeline: it serves partStates'
// requests between batches and queues the periodic saves. It keeps no
// state of its own.
type gate struct{ ps *partStates }

func (g gate) Process(b []*event.Event) []*event.Event {
	g.ps.serve()
	g.ps.observe(b)
	return b
}
func (g gate) Tick(now time.Time) []*event.Event {
	g.ps.serve()
	g.ps.periodic(now)
	return nil
}
func (g gate) Applied(lastID uint64) { g.ps.appended(lastID) }
func (gate) AppliedID() uint64       { return 0 }
func (gate) Recover([]*event.Event)  {}
func (gate) Snapshot() error         { return nil }
func (gate) Close() error            { return nil }
