package journal

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// isHighWater tells the fsyncs of the ID high-water file from the others.
func isHighWater(f *os.File) bool { return filepath.Base(f.Name()) == highWaterName }

// TestOpenReservesIDs: Open records the first ID reservation, so the
// first append after a start (a datagram burst, typically) does not wait
// for the high-water file's fsync; a restart still continues where the
// clean Close left off.
func TestOpenReservesIDs(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, intervalConfig(dir))
	next := j.LastID() + 1
	if got := j.hw.reserved.Load(); got <= next {
		t.Fatalf("after Open, IDs below %d are reserved; the next is %d", got, next)
	}
	var hwSyncs atomic.Int32
	j.fsync = func(f *os.File) error {
		if isHighWater(f) {
			hwSyncs.Add(1)
		}
		return f.Sync()
	}
	evs := testEvents(0, 100)
	mustAppend(t, j, evs)
	if n := hwSyncs.Load(); n != 0 {
		t.Fatalf("the first append fsynced the high-water file %d times", n)
	}
	if evs[0].ID != next {
		t.Fatalf("first ID %d, want %d", evs[0].ID, next)
	}
	j.Close()

	j2 := openJournal(t, intervalConfig(dir))
	more := testEvents(100, 1)
	mustAppend(t, j2, more)
	if want := evs[99].ID + 1; more[0].ID != want {
		t.Fatalf("after a clean restart the next ID is %d, want %d", more[0].ID, want)
	}
}

// TestSyncerRenewsTheReservation: once less than half a step of reserved
// IDs is left, an append asks the syncer to record the next reservation
// and goes on without waiting for that fsync; no ID beyond a durable
// reservation is handed out meanwhile.
func TestSyncerRenewsTheReservation(t *testing.T) {
	j := openJournal(t, intervalConfig(t.TempDir()))
	ctx := guard(t)
	mustAppend(t, j, testEvents(0, 1))
	held, release := make(chan struct{}, 1), make(chan struct{})
	var released bool
	t.Cleanup(func() {
		if !released {
			close(release)
		}
	})
	j.fsync = func(f *os.File) error {
		if isHighWater(f) {
			select {
			case held <- struct{}{}:
			default:
			}
			<-release
		}
		return f.Sync()
	}
	// As if the journal had handed out all but 10 of the reserved IDs.
	next := j.LastID() + 1
	j.hw.reserved.Store(next + 10)

	appended := make(chan error, 1)
	go func() { appended <- j.Append(ctx, testEvents(1, 5)) }()
	select {
	case <-held:
	case <-ctx.Done():
		t.Fatal("the low reservation was not renewed")
	}
	select {
	case err := <-appended:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("the append waited for the renewal's fsync")
	}
	if got := j.hw.reserved.Load(); got != next+10 {
		t.Fatalf("reservation moved to %d before its fsync finished", got)
	}
	released = true
	close(release)
	for j.hw.reserved.Load() < next+highWaterStep {
		select {
		case <-ctx.Done():
			t.Fatalf("reservation still %d after the fsync", j.hw.reserved.Load())
		case <-time.After(time.Millisecond):
		}
	}
}
