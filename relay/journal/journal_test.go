package journal

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

func TestRoundTripFromDisk(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, diskConfig(dir))
	in := testEvents(0, 1000)
	for i := 0; i < len(in); i += 100 {
		mustAppend(t, j, in[i:i+100])
	}
	for i, e := range in {
		if e.ID != uint64(i+1) {
			t.Fatalf("event %d got ID %d, want %d", i, e.ID, i+1)
		}
	}
	j.Close()

	// After reopening, everything comes back from disk, field for field.
	j = openJournal(t, diskConfig(dir))
	r := mustReader(t, j, "out", StartOldest)
	var got []*event.Event
	for len(got) < len(in) {
		evs, err := r.Next(context.Background(), 300)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, evs...)
	}
	for i := range in {
		a, b := *in[i], *got[i]
		a.Time, b.Time = a.Time.UTC(), b.Time.UTC()
		a.Received, b.Received = a.Received.UTC(), b.Received.UTC()
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("event %d differs:\n in %+v\nout %+v", i, a, b)
		}
	}
}

func TestTailServesTheAppendedEvents(t *testing.T) {
	j := openJournal(t, diskConfig(t.TempDir()))
	r := mustReader(t, j, "out", StartEnd)
	in := testEvents(0, 10)
	mustAppend(t, j, in)
	evs, err := r.Next(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 10 || evs[0] != in[0] || evs[9] != in[9] {
		t.Fatalf("caught-up reader should get the appended *Event values, got %d events", len(evs))
	}
}

func TestRestartContinuesIDsAndCursors(t *testing.T) {
	dir := t.TempDir()
	cfg := diskConfig(dir)
	cfg.SegmentSize = 16 << 10 // several segments
	j := openJournal(t, cfg)
	r := mustReader(t, j, "out", StartEnd)
	mustAppend(t, j, testEvents(0, 500))
	evs, err := r.Next(context.Background(), 200)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Commit(evs[len(evs)-1].ID); err != nil {
		t.Fatal(err)
	}
	j.Close()

	j = openJournal(t, cfg)
	if got := j.LastID(); got != 500 {
		t.Fatalf("LastID after reopen = %d, want 500", got)
	}
	more := testEvents(500, 10)
	mustAppend(t, j, more)
	if more[0].ID != 501 {
		t.Fatalf("first ID after restart = %d, want 501", more[0].ID)
	}
	r = mustReader(t, j, "out", StartEnd) // the cursor wins over StartEnd
	if r.Committed() != 200 || r.Lag() != 310 {
		t.Fatalf("committed %d lag %d, want 200 and 310", r.Committed(), r.Lag())
	}
	wantSeqs(t, readAll(t, r, 64), 200, 310)
}

func TestNewReaderStartsAtEndOrOldest(t *testing.T) {
	j := openJournal(t, diskConfig(t.TempDir()))
	mustAppend(t, j, testEvents(0, 5))
	end := mustReader(t, j, "end", StartEnd)
	old := mustReader(t, j, "old", StartOldest)
	mustAppend(t, j, testEvents(5, 5))
	wantSeqs(t, readAll(t, end, 10), 5, 5)
	wantSeqs(t, readAll(t, old, 10), 0, 10)
	if _, err := j.Reader("end", StartEnd); err == nil {
		t.Fatal("a second reader with the same name must be refused")
	}
}

func TestNewReaderCursorSurvivesRestartBeforeFirstCommit(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, diskConfig(dir))
	mustAppend(t, j, testEvents(0, 5))
	mustReader(t, j, "out", StartEnd)
	mustAppend(t, j, testEvents(5, 5)) // appended while the output was starting
	j.Close()
	j = openJournal(t, diskConfig(dir))
	wantSeqs(t, readAll(t, mustReader(t, j, "out", StartEnd), 10), 5, 5)
}

// TestReadersAtDifferentSpeeds: the fast reader is served from memory,
// the slower ones fall behind the (small) tail and read from disk, from
// the segment being written too, while appends go on.
func TestReadersAtDifferentSpeeds(t *testing.T) {
	cfg := diskConfig(t.TempDir())
	cfg.SegmentSize = 32 << 10
	j := openJournalWith(t, cfg, Options{TailBytes: 256 << 10, CacheBytes: 512 << 10})
	const total = 20000
	names := []string{"fast", "medium", "slow"}
	readers := map[string]*Reader{}
	for _, n := range names {
		readers[n] = mustReader(t, j, n, StartEnd)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	results := make(map[string][]int)
	var mu sync.Mutex
	for i, n := range names {
		wg.Add(1)
		go func(name string, r *Reader, batch int, pause time.Duration) {
			defer wg.Done()
			var seqs []int
			for len(seqs) < total {
				evs, err := r.Next(ctx, batch)
				if err != nil {
					t.Error(name, err)
					return
				}
				for _, e := range evs {
					seqs = append(seqs, seqOf(t, e))
				}
				if err := r.Commit(evs[len(evs)-1].ID); err != nil {
					t.Error(err)
					return
				}
				time.Sleep(pause)
			}
			mu.Lock()
			results[name] = seqs
			mu.Unlock()
		}(n, readers[n], 1000/(i+1), time.Duration(i)*time.Millisecond)
	}
	for i := 0; i < total; i += 250 {
		mustAppend(t, j, testEvents(i, 250))
	}
	wg.Wait()
	for _, n := range names {
		wantSeqs(t, results[n], 0, total)
	}
	// Every reader has passed all but the segment being written.
	if segs := numSegments(t, cfg.Dir); segs != 1 {
		t.Errorf("%d segments left after every reader passed them, want 1", segs)
	}
}

func numSegments(t testing.TB, dir string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

func TestRetentionWaitsForTheSlowestCursor(t *testing.T) {
	cfg := diskConfig(t.TempDir())
	cfg.SegmentSize = 16 << 10
	j := openJournal(t, cfg)
	fast := mustReader(t, j, "fast", StartEnd)
	slow := mustReader(t, j, "slow", StartEnd)
	for i := 0; i < 2000; i += 100 {
		mustAppend(t, j, testEvents(i, 100))
	}
	before := numSegments(t, cfg.Dir)
	if before < 4 {
		t.Fatalf("want several segments for this test, have %d", before)
	}
	wantSeqs(t, readAll(t, fast, 500), 0, 2000)
	if got := numSegments(t, cfg.Dir); got != before {
		t.Fatalf("segments deleted while a cursor still needs them: %d -> %d", before, got)
	}
	slow.Close() // a closed reader's cursor still holds its events
	if got := numSegments(t, cfg.Dir); got != before {
		t.Fatalf("segments deleted for a closed reader: %d -> %d", before, got)
	}
	slow = mustReader(t, j, "slow", StartEnd)
	wantSeqs(t, readAll(t, slow, 500), 0, 2000)
	if got := numSegments(t, cfg.Dir); got != 1 {
		t.Fatalf("%d segments after both cursors passed everything, want 1", got)
	}
	if j.OldestID() > 2001 || j.Size() > int64(cfg.SegmentSize)+(4<<10) {
		t.Fatalf("oldest %d size %d", j.OldestID(), j.Size())
	}
}

func TestRemoveStaleCursors(t *testing.T) {
	cfg := diskConfig(t.TempDir())
	cfg.SegmentSize = 16 << 10
	j := openJournal(t, cfg)
	keep := mustReader(t, j, "keep", StartEnd)
	gone := mustReader(t, j, "removed/output", StartEnd) // any name is a safe file name
	gone.Close()
	for i := 0; i < 1000; i += 100 {
		mustAppend(t, j, testEvents(i, 100))
	}
	readAll(t, keep, 1000)
	if numSegments(t, cfg.Dir) == 1 {
		t.Fatal("the removed output's cursor should still hold segments")
	}
	removed, err := j.RemoveStaleCursors([]string{"keep"})
	if err != nil || !reflect.DeepEqual(removed, []string{"removed/output"}) {
		t.Fatalf("removed %v, %v", removed, err)
	}
	if n := numSegments(t, cfg.Dir); n != 1 {
		t.Fatalf("%d segments after removing the stale cursor, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, "cursors", "removed%2Foutput")); !os.IsNotExist(err) {
		t.Fatalf("cursor file not removed: %v", err)
	}
	j.Close()
	j = openJournal(t, cfg)
	if r := mustReader(t, j, "keep", StartOldest); r.Committed() != 1000 {
		t.Fatalf("kept cursor at %d, want 1000", r.Committed())
	}
}

// TestDiscardLeavesNoCursor: a reader that only looked (start-up
// recovery) leaves no cursor file, holds no segment and is not reported
// as a stale output afterwards.
func TestDiscardLeavesNoCursor(t *testing.T) {
	cfg := diskConfig(t.TempDir())
	j := openJournal(t, cfg)
	mustAppend(t, j, testEvents(0, 100))
	r := mustReader(t, j, "recovery", StartOldest)
	readAll(t, r, 100)
	if err := r.Discard(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Dir, "cursors", "recovery")); !os.IsNotExist(err) {
		t.Fatalf("cursor file left behind: %v", err)
	}
	if removed, err := j.RemoveStaleCursors(nil); err != nil || len(removed) != 0 {
		t.Fatalf("after Discard, stale cursors %v, %v; want none", removed, err)
	}
}

func TestBudgetBlocksUntilReadersFreeSpace(t *testing.T) {
	cfg := diskConfig(t.TempDir())
	cfg.SegmentSize, cfg.MaxBytes = 16<<10, 48<<10
	j := openJournal(t, cfg)
	r := mustReader(t, j, "out", StartEnd)
	// Fill the budget.
	n := 0
	for ; ; n += 50 {
		if err := j.TryAppend(testEvents(n, 50)); err != nil {
			if !errors.Is(err, ErrFull) {
				t.Fatal(err)
			}
			break
		}
		if n > 100000 {
			t.Fatal("budget never filled")
		}
	}
	if j.Size() > int64(cfg.MaxBytes) {
		t.Fatalf("size %d over the budget %d", j.Size(), cfg.MaxBytes)
	}
	// A blocking Append waits for the reader...
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	err := j.Append(ctx, testEvents(n, 50))
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Append on a full journal: %v, want it to wait until ctx is done", err)
	}
	done := make(chan error)
	go func() { done <- j.Append(context.Background(), testEvents(n, 50)) }()
	// ... and proceeds once the reader has passed a segment.
	got := readAll(t, r, 100)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got = append(got, readAll(t, r, 100)...)
	wantSeqs(t, got, 0, n+50)
	if d := j.droppedCount("disk_budget"); d != 0 {
		t.Fatalf("block policy dropped %d events", d)
	}
}

func TestBudgetDropOldest(t *testing.T) {
	cfg := diskConfig(t.TempDir())
	cfg.SegmentSize, cfg.MaxBytes, cfg.OnFull = 16<<10, 48<<10, OnFullDropOldest
	j := openJournal(t, cfg)
	r := mustReader(t, j, "out", StartEnd)
	const total = 3000
	for i := 0; i < total; i += 50 {
		if err := j.TryAppend(testEvents(i, 50)); err != nil {
			t.Fatal(err)
		}
	}
	if j.Size() > int64(cfg.MaxBytes) {
		t.Fatalf("size %d over the budget %d", j.Size(), cfg.MaxBytes)
	}
	got := readAll(t, r, 100)
	lost := j.droppedCount("disk_budget")
	if lost == 0 || len(got)+lost != total {
		t.Fatalf("read %d + lost %d != appended %d", len(got), lost, total)
	}
	// What survives is the newest events, in order, without holes.
	wantSeqs(t, got, total-len(got), len(got))
	if got[0] != lost {
		t.Fatalf("first surviving event is %d, want %d", got[0], lost)
	}
}

func TestMemoryMode(t *testing.T) {
	cfg := Config{Mode: ModeMemory, MaxBytes: 1 << 20}.WithDefaults("")
	j := openJournal(t, cfg)
	r := mustReader(t, j, "out", StartEnd)
	in := testEvents(0, 100)
	mustAppend(t, j, in)
	evs, err := r.Next(context.Background(), 1000)
	if err != nil || len(evs) != 100 || evs[0] != in[0] {
		t.Fatalf("got %d events, %v", len(evs), err)
	}
	if err := r.Commit(evs[99].ID); err != nil {
		t.Fatal(err)
	}
	if j.Size() != 0 {
		t.Fatalf("size %d after every reader committed everything, want 0", j.Size())
	}
	// The budget: blocking...
	n := 100
	for ; j.TryAppend(testEvents(n, 100)) == nil; n += 100 {
	}
	if j.Size() > 1<<20 {
		t.Fatalf("size %d over budget", j.Size())
	}
	wantSeqs(t, readAll(t, r, 500), 100, n-100)
	if err := j.TryAppend(testEvents(n, 100)); err != nil {
		t.Fatalf("append after the reader freed space: %v", err)
	}
	j.Close()

	// ... and dropping the oldest.
	cfg.OnFull = OnFullDropOldest
	j = openJournal(t, cfg)
	r = mustReader(t, j, "out", StartEnd)
	for i := 0; i < 20000; i += 100 {
		mustAppend(t, j, testEvents(i, 100))
	}
	got := readAll(t, r, 1000)
	if lost := j.droppedCount("disk_budget"); lost == 0 || lost+len(got) != 20000 {
		t.Fatalf("read %d + lost %d != 20000", len(got), lost)
	}
	wantSeqs(t, got, 20000-len(got), len(got))
}

func TestSeek(t *testing.T) {
	j := openJournal(t, diskConfig(t.TempDir()))
	mustAppend(t, j, testEvents(0, 100))
	r := mustReader(t, j, "out", StartOldest)
	if err := r.Seek(40); err != nil {
		t.Fatal(err)
	}
	if r.Committed() != 40 {
		t.Fatalf("Seek should commit the sink's position, committed = %d", r.Committed())
	}
	wantSeqs(t, readAll(t, r, 7), 40, 60)
	if err := r.Seek(10); err != nil { // backwards: read again
		t.Fatal(err)
	}
	wantSeqs(t, readAll(t, r, 7), 10, 90)
	if err := r.Seek(1000); err != nil { // past the end: back to the end
		t.Fatal(err)
	}
	mustAppend(t, j, testEvents(100, 1))
	wantSeqs(t, readAll(t, r, 7), 100, 1)
}

func TestNextWaitsAndHonoursContext(t *testing.T) {
	j := openJournal(t, diskConfig(t.TempDir()))
	r := mustReader(t, j, "out", StartEnd)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := r.Next(ctx, 10); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next on an empty journal: %v", err)
	}
	go func() {
		time.Sleep(10 * time.Millisecond)
		j.Append(context.Background(), testEvents(0, 3))
	}()
	evs, err := r.Next(context.Background(), 10)
	if err != nil || len(evs) != 3 {
		t.Fatalf("Next: %d events, %v", len(evs), err)
	}
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		time.Sleep(10 * time.Millisecond)
		j.Close()
	}()
	_, err = r.Next(context.Background(), 10)
	<-closed // Next returns once Close has begun; Close then syncs and logs into this test
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
}

func TestWaitDurable(t *testing.T) {
	for _, policy := range []string{FsyncAlways, FsyncInterval, FsyncNever} {
		t.Run(policy, func(t *testing.T) {
			cfg := diskConfig(t.TempDir())
			cfg.Fsync, cfg.FsyncInterval = policy, 5e6
			j := openJournal(t, cfg)
			var wg sync.WaitGroup
			for w := 0; w < 8; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < 20; i++ {
						if err := j.AppendDurable(context.Background(), testEvents(w*1000+i*10, 10)); err != nil {
							t.Error(err)
							return
						}
					}
				}(w)
			}
			wg.Wait()
			if policy != FsyncNever {
				j.mu.Lock()
				synced := j.synced
				j.mu.Unlock()
				if synced != 1600 {
					t.Fatalf("synced up to %d, want 1600", synced)
				}
				// Group commit: far fewer fsyncs than durable appends.
				if n := int(metricValue(j.m.Fsyncs)); n == 0 || n >= 160 {
					t.Fatalf("%d fsyncs for 160 concurrent durable appends: no group commit", n)
				}
			}
		})
	}
}

func TestConfigValidation(t *testing.T) {
	good := Config{Dir: "/x"}.WithDefaults("")
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	if d := (Config{}).WithDefaults("/var/lib/nomen"); d.Dir != "/var/lib/nomen/journal" || d.SegmentSize != 64<<20 ||
		d.MaxBytes != 1<<30 || d.Fsync != "interval" || d.FsyncInterval.D() != time.Second || d.OnFull != "block" || d.Mode != "disk" {
		t.Fatalf("defaults: %+v", d)
	}
	if d := (Config{MaxBytes: 100 << 20}).WithDefaults("/s"); d.SegmentSize != 25<<20 {
		t.Fatalf("segment size for a small budget: %d", d.SegmentSize)
	}
	for _, bad := range []Config{
		{Mode: "tape"}, {Fsync: "sometimes"}, {OnFull: "panic"},
		{SegmentSize: 100}, {SegmentSize: 64 << 20, MaxBytes: 100 << 20},
	} {
		c := bad
		c.Dir = "/x"
		if err := c.WithDefaults("").Validate(); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	if err := (Config{}).WithDefaults("").Validate(); err == nil {
		t.Error("disk mode without dir: no error")
	}
}
