package journal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
)

// waitBlocked waits until the journal reports it is blocked.
func waitBlocked(t *testing.T, j *testJournal, ctx context.Context) string {
	t.Helper()
	for {
		if blocked, why := j.Blocked(); blocked {
			return why
		}
		select {
		case <-ctx.Done():
			t.Fatal("the journal never reported it is blocked")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// appendInBackground appends n events in batches of per; the result is
// sent when done.
func appendInBackground(j *testJournal, ctx context.Context, from, n, per int) chan error {
	done := make(chan error, 1)
	go func() {
		for i := from; i < from+n; i += per {
			if err := j.Append(ctx, testEvents(i, per)); err != nil {
				done <- fmt.Errorf("append %d: %w", i, err)
				return
			}
		}
		done <- nil
	}()
	return done
}

// TestDiskFullBlocks: on a filesystem far smaller than max_bytes (and
// than the default segment size), a full disk makes Append wait, reported
// by Blocked and the gauge, never drop; once the reader catches up, the
// appends continue, and the journal works again after a restart on the
// same filesystem.
func TestDiskFullBlocks(t *testing.T) {
	dir := smallFS(t, 1<<20)
	cfg := Config{Dir: filepath.Join(dir, "journal")}.WithDefaults("") // 64 MiB segments, 1 GiB budget
	ctx := guard(t)
	var logged syncbuf.Buffer
	j := openJournalWith(t, cfg, Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	r := mustReader(t, j, "out", StartOldest)
	const total, per = 20000, 100 // about three times the filesystem
	done := appendInBackground(j, ctx, 0, total, per)

	why := waitBlocked(t, j, ctx)
	if metricValue(j.m.Blocked) != 1 {
		t.Fatalf("blocked (%s) but the gauge is %v", why, metricValue(j.m.Blocked))
	}
	t.Logf("blocked: %s", why)
	if !strings.HasPrefix(why, "journal: appends wait: ") || strings.Count(why, "journal:") != 1 {
		t.Errorf("blocked says %q, want one \"journal: appends wait: \" and the cause", why)
	}
	var got []int
	for len(got) < total {
		evs, err := r.Next(ctx, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			got = append(got, seqOf(t, e))
		}
		if err := r.Commit(evs[len(evs)-1].ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantSeqs(t, got, 0, total)
	if n := j.droppedCount("disk_budget") + j.droppedCount("corrupt"); n != 0 {
		t.Fatalf("%d events counted as dropped", n)
	}
	if blocked, why := j.Blocked(); blocked || metricValue(j.m.Blocked) != 0 {
		t.Fatalf("still blocked after the disk has room again: %s", why)
	}
	for _, want := range []string{"the disk refuses writes", "the disk takes writes again"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, logged.String())
		}
	}

	// A restart on the same small filesystem works, and so does filling it
	// once more.
	j.Close()
	j = openJournal(t, cfg)
	r = mustReader(t, j, "out", StartOldest)
	ctx = guard(t)
	done = appendInBackground(j, ctx, total, total, per)
	waitBlocked(t, j, ctx)
	wantSeqs(t, readN(t, r, ctx, total), total, total)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// readN reads and commits n events.
func readN(t *testing.T, r *Reader, ctx context.Context, n int) []int {
	t.Helper()
	var got []int
	for len(got) < n {
		evs, err := r.Next(ctx, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			got = append(got, seqOf(t, e))
		}
		if err := r.Commit(evs[len(evs)-1].ID); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// TestDiskFullCaughtUpSegment: when other files leave less room than one
// segment, the segment being written fills the disk with nothing older to
// delete; once every reader has read it, it is started afresh rather than
// blocking for ever.
func TestDiskFullCaughtUpSegment(t *testing.T) {
	dir := smallFS(t, 2<<20)
	if err := os.WriteFile(filepath.Join(dir, "filler"), make([]byte, 1800<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Dir: filepath.Join(dir, "journal")}.WithDefaults("")
	ctx := guard(t)
	j := openJournal(t, cfg)
	r := mustReader(t, j, "out", StartOldest)
	const total, per = 10000, 100
	done := appendInBackground(j, ctx, 0, total, per)
	waitBlocked(t, j, ctx)
	wantSeqs(t, readN(t, r, ctx, total), 0, total)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestTryAppendDiskFull: a caller that cannot wait gets ErrFull at once
// while the disk is full.
func TestTryAppendDiskFull(t *testing.T) {
	dir := smallFS(t, 1<<20)
	j := openJournal(t, Config{Dir: filepath.Join(dir, "journal")}.WithDefaults(""))
	mustReader(t, j, "out", StartOldest)
	var err error
	for i := 0; i < 100000 && err == nil; i += 100 {
		err = j.TryAppend(testEvents(i, 100))
	}
	if !errors.Is(err, ErrFull) {
		t.Fatalf("TryAppend on a full disk: %v, want ErrFull", err)
	}
}

// TestWriteErrorBlocksAndRetries is TestDiskFullBlocks without a small
// filesystem: ENOSPC injected at the write seam (after half a batch was
// written, as a real full disk does) makes Append wait, never drop, and
// TryAppend fail with ErrFull; once writes work again the append completes
// and every event reads back once, in order.
func TestWriteErrorBlocksAndRetries(t *testing.T) {
	j := openJournal(t, diskConfig(t.TempDir()))
	r := mustReader(t, j, "out", StartOldest)
	ctx := guard(t)
	mustAppend(t, j, testEvents(0, 100))
	var mu sync.Mutex
	full := true
	j.writeAt = func(f *os.File, b []byte, off int64) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		if full {
			n, _ := f.WriteAt(b[:len(b)/2], off)
			return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
		}
		return f.WriteAt(b, off)
	}
	done := appendInBackground(j, ctx, 100, 100, 100)
	waitBlocked(t, j, ctx)
	if err := j.TryAppend(testEvents(1000, 1)); !errors.Is(err, ErrFull) {
		t.Fatalf("TryAppend while the disk is full: %v, want ErrFull", err)
	}
	select {
	case err := <-done:
		t.Fatalf("Append returned (%v) while the disk is full", err)
	default:
	}
	mu.Lock()
	full = false
	mu.Unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantSeqs(t, readAll(t, r, 64), 0, 200)
	if blocked, _ := j.Blocked(); blocked {
		t.Fatal("still blocked")
	}
	j.Close()
	segs, _ := filepath.Glob(filepath.Join(j.cfg.Dir, "*.seg"))
	for _, seg := range segs {
		blocksOf(t, seg) // fails on a partial block left behind
	}
}
