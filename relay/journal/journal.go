// Package journal is nomen's durable event log: one journal, many readers.
//
// The pipeline appends every event once; each output reads the journal
// from its own persisted cursor, so a slow or dead output never holds up
// the others, an output that was down resumes where it stopped, and a
// restart of nomen loses nothing that was journaled.
//
// # On disk
//
// The journal is a directory of segment files, each named by the ID of its
// first event (00000000000000000001.seg) and closed at segment_size (or at
// an eighth of the filesystem, when that is smaller). A segment is a file
// header and S2-compressed blocks (lz4 in older segments; see block.go for
// the layout, each block CRC32C-checked). Readers' cursors are small files under cursors/. The
// directory is locked (internal/statelock, file .lock) while a journal has
// it open: a second nomen on it fails at once, naming the holder's pid.
//
// Event IDs start at 1 and increase by one per event; they are never
// reused, even after a crash or a damaged disk lost the last events
// written (those may have been published: NATS deduplicates by ID). The
// file next-id holds an ID above every ID handed out, reserved a million
// at a time and fsynced before use (highwater.go); a clean Close records
// the exact next ID. After a crash the journal continues after the
// reservation, in a new segment, and readers skip the IDs in between.
//
// # Durability
//
// Append returns once the events are written with write(2): a kill -9 of
// nomen after that loses nothing, in every fsync mode, because the data is
// in the kernel's page cache, which outlives the process. fsync only adds
// protection against power loss and kernel crashes: fsync = "always" syncs
// right after every append (appends that arrive meanwhile share the next
// fsync), "interval" every fsync_interval, "never" leaves it to the kernel.
// Append itself does not wait for fsync; a caller that must acknowledge
// only what is on disk (the agent listener) calls WaitDurable (or
// AppendDurable), which asks for an fsync at once (with "interval" too) and
// waits for it: every batch waiting meanwhile shares that fsync (group
// commit) while appends go on. A failed fsync is logged, counted
// (nomen_journal_fsync_errors_total) and retried; the events it covered
// are never acknowledged as durable, later ones are once fsync works again.
//
// On open, the last segment is verified block by block: a torn tail (a
// crash in the middle of a write) is cut off, and a damaged block followed
// by good ones is skipped (the good ones are found again by their headers).
// Events that cannot be read back are counted in
// nomen_dropped_events_total{stage="journal",reason="corrupt"} once, when
// a reader reaches them (or at open, for a damaged tail after a clean
// close), and logged with their ID range.
//
// # Reading
//
// Readers that keep up are served the very *event.Event values that were
// appended, from memory (the hot tail, Options.TailBytes, holding what
// some open reader has not committed yet), without decoding anything;
// readers that are behind read and decode blocks from disk, a few blocks
// ahead (readahead.go), through a small cache shared by all readers. Events handed out are shared: nobody may modify
// them, and an appender must not modify events after appending them.
//
// A reader created for a name that has no cursor yet starts at the current
// end of the journal (it sees what is appended from then on), or, with
// StartOldest, at the oldest event still retained.
//
// # Retention and the budget
//
// A segment is deleted once every cursor has passed it. max_bytes bounds
// the journal (it may be exceeded by at most one segment, plus the append
// in progress — one batch — when nothing older can be freed). When an
// append would exceed it, on_full = "block" makes Append wait for the
// slowest reader (TryAppend fails with ErrFull at once, for listeners that
// cannot wait), and "drop_oldest" deletes the oldest segment even if some
// reader has not read it; the lost events are counted in
// nomen_dropped_events_total{stage="journal",reason="disk_budget"} and
// logged with their ID range, and readers skip past them.
//
// A full disk (ENOSPC, EDQUOT) or another write error is back-pressure
// too, whatever on_full says: the failed write is undone, Append waits
// (until readers free space, or for a retry every few seconds; ctx
// cancels the wait), TryAppend returns ErrFull, and Blocked reports it
// for /readyz (gauge nomen_journal_blocked). When every reader has read
// everything, the segment being written is started afresh to free space.
//
// # Memory mode
//
// mode = "memory" keeps the same API without touching the disk: events live
// in the hot tail, bounded by max_bytes of estimated memory, cursors live in
// memory, and a restart starts afresh.
package journal

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/statelock"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// Errors returned by the journal.
var (
	// ErrFull is returned by TryAppend when the budget is used up and
	// on_full = "block", or the disk refuses writes (wrapping the cause).
	ErrFull = errors.New("journal: full")
	// ErrClosed is returned by every call after Close.
	ErrClosed = errors.New("journal: closed")
)

// Options are the journal's runtime dependencies and tuning knobs that are
// not configuration keys.
type Options struct {
	Logger  *slog.Logger // default: discard
	Metrics *Metrics     // default: unregistered
	// TailBytes bounds the memory holding recent events for readers that
	// keep up, in disk mode (default 8 MiB: about 6,000 plain syslog
	// events, three batches of 2,000, but only ~3,700 normalized events
	// carrying the rules' fields, ~2.2 KB each by the tail's estimate:
	// less than two batches, which is why pacing (pace.go) judges an
	// output by what it has read). A reader further behind reads from disk.
	// Events every open reader has committed leave the tail at once
	// (trimTailLocked): readers that keep up hold only what they have not
	// delivered.
	TailBytes int64
	// CacheBytes bounds the decoded blocks kept for readers that are
	// behind (default 4 MiB).
	CacheBytes int64
}

// Journal is an append-only event log. Its methods are safe for
// concurrent use.
type Journal struct {
	cfg         Config
	disk        bool
	log         *slog.Logger
	throttled   *logthrottle.Logger
	m           *Metrics
	dropBudget  prometheus.Counter
	dropCorrupt prometheus.Counter
	tailMax     int64
	cache       *blockCache
	encoders    sync.Pool

	// appendMu serializes appenders: IDs are handed out and blocks written
	// in one order. It is held while writing, never while waiting for room.
	appendMu   sync.Mutex
	active     *os.File // the file of the segment being written
	activeSeg  *segment
	activeSize int64
	dirtyTail  bool  // a failed write may have left bytes after activeSize
	segLimit   int64 // segment_size, or less on a small filesystem (disk.go)
	hw         *highWater

	// mu guards what readers look at; it is held briefly.
	mu     sync.Mutex
	closed bool
	next   uint64     // ID of the next event appended
	segs   []*segment // disk mode, oldest first; the last one is being written
	// noEvents are IDs below next that hold no event: the rest of the
	// reservation a crash left unused, or events lost to damage at the
	// tail (lostAtTail; kept in the no-events file). Lag leaves them
	// out: counted, they made an output's lag jump by up to a million
	// after every kill -9, and stay there until it delivered a new event.
	noEvents  []idRange
	diskBytes int64
	tail      tail
	cursors   map[string]*cursor
	appended  chan struct{} // closed and replaced by every append: wakes readers
	freed     chan struct{} // closed and replaced when space is freed: wakes appenders
	committed chan struct{} // closed and replaced by every reader's commit: wakes a paced append (pace.go)
	recent    recentIDs     // where appends were in the last paceWindow (pace.go)

	// Durability (disk mode), guarded by mu.
	syncFile *os.File   // the active segment, as the syncer sees it
	toSync   []*os.File // rolled segments awaiting their last fsync and close
	dirDirty bool
	synced   uint64    // every ID up to this one went through an fsync (see unsynced)
	unsynced []idRange // events whose fsync failed: never acknowledged
	// The latest failures, nil once the next attempt worked (Blocked).
	syncFailure   error
	writeFailure  error
	writeFailedAt time.Time     // when writeFailure began, for the line saying writes work again
	syncedCh      chan struct{} // closed and replaced by every fsync

	lock   *statelock.Lock      // disk mode: held on Dir until Close
	syncMu sync.Mutex           // serializes syncNow
	fsync  func(*os.File) error // (*os.File).Sync; tests inject failures and delays
	// readAheadBlock is readBlock, on the read-ahead goroutines; tests
	// inject a panic.
	readAheadBlock func(*os.File, blockPos, []byte) (*decoded, []byte, error)
	// (*os.File).WriteAt for blocks; tests inject failures.
	writeAt func(f *os.File, b []byte, off int64) (int, error)
	// event.AppendBinary for records; tests inject panics (poison.go).
	record     func(b []byte, e, prev *event.Event) []byte
	kick       chan struct{}
	stop       chan struct{}
	syncerDone chan struct{}
}

// Open opens (creating if needed) the journal described by cfg, which must
// have its defaults applied (Config.WithDefaults).
func Open(cfg Config, opts Options) (*Journal, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil, nil)
	}
	if opts.TailBytes <= 0 {
		opts.TailBytes = 8 << 20
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = 4 << 20
	}
	opts.Metrics.MaxBytes.Set(float64(cfg.MaxBytes))
	j := &Journal{
		cfg:         cfg,
		disk:        cfg.Mode == ModeDisk,
		log:         opts.Logger,
		throttled:   logthrottle.New(opts.Logger, time.Minute),
		m:           opts.Metrics,
		dropBudget:  opts.Metrics.Dropped.WithLabelValues("journal", "disk_budget"),
		dropCorrupt: opts.Metrics.Dropped.WithLabelValues("journal", "corrupt"),
		tailMax:     opts.TailBytes,
		cache:       newBlockCache(opts.CacheBytes, opts.Metrics.CacheBytes),
		next:        1,
		cursors:     map[string]*cursor{},
		appended:    make(chan struct{}),
		freed:       make(chan struct{}),
		committed:   make(chan struct{}),
		syncedCh:    make(chan struct{}),
		kick:        make(chan struct{}, 1),
		stop:        make(chan struct{}),
		syncerDone:  make(chan struct{}),
	}
	j.encoders.New = func() any { return new(encoder) }
	j.fsync = (*os.File).Sync
	j.readAheadBlock = readBlock
	j.writeAt = (*os.File).WriteAt
	j.record = event.AppendBinary
	if j.disk {
		if err := j.openDisk(); err != nil {
			j.closeFiles()
			return nil, fmt.Errorf("journal: open %s: %w", cfg.Dir, err)
		}
	}
	j.updateGauges()
	if j.disk && cfg.Fsync != FsyncNever {
		go j.syncLoop()
	} else {
		close(j.syncerDone)
	}
	return j, nil
}

// wake closes *ch, waking everyone waiting on it, and replaces it.
func wake(ch *chan struct{}) {
	close(*ch)
	*ch = make(chan struct{})
}

// oldestLocked is the ID of the oldest event retained (next when empty).
func (j *Journal) oldestLocked() uint64 {
	if j.disk {
		return j.segs[0].first
	}
	if j.tail.empty() {
		return j.next
	}
	return j.tail.first()
}

func (j *Journal) updateGauges() {
	j.mu.Lock()
	j.updateGaugesLocked()
	j.mu.Unlock()
}

func (j *Journal) updateGaugesLocked() {
	j.m.Bytes.Set(float64(j.usedLocked()))
	j.m.Segments.Set(float64(len(j.segs)))
	j.m.TailBytes.Set(float64(j.tail.bytes))
}

// LastID returns the ID of the last event appended (0 when none ever was).
func (j *Journal) LastID() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.next - 1
}

// OldestID returns the ID of the oldest event retained (LastID()+1 when
// the journal holds none).
func (j *Journal) OldestID() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.oldestLocked()
}

// Size returns the journal's size: bytes on disk, or estimated memory.
func (j *Journal) Size() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.usedLocked()
}

// Close flushes and closes the journal. Readers' Next and waiting
// appenders return ErrClosed.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true
	wake(&j.appended)
	wake(&j.freed)
	wake(&j.committed)
	wake(&j.syncedCh)
	j.mu.Unlock()

	j.appendMu.Lock() // wait for an append in progress
	defer j.appendMu.Unlock()
	close(j.stop)
	<-j.syncerDone
	var err error
	if j.disk {
		j.syncNow()
		// The exact next ID: a clean restart continues without a gap.
		err = j.hw.write(j.next, true, j.fsync)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.m.Blocked.Set(0) // the metrics outlive this journal
	return errors.Join(err, j.closeFiles())
}

func (j *Journal) closeFiles() error {
	var err error
	if j.active != nil {
		err = j.active.Close()
	}
	for _, f := range j.toSync {
		f.Close()
	}
	for _, c := range j.cursors {
		if c.f != nil {
			c.f.Close()
		}
	}
	if j.hw != nil {
		j.hw.f.Close()
	}
	return errors.Join(err, j.lock.Close())
}
