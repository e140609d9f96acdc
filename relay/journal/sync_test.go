package journal

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/config"
)

// intervalConfig is the default fsync policy with a period no test
// reaches: every fsync a test sees was asked for.
func intervalConfig(dir string) Config {
	cfg := Config{Dir: dir}.WithDefaults("")
	cfg.FsyncInterval = config.Duration(time.Hour)
	return cfg
}

// guard bounds a wait that must end: a hang fails the test instead of
// stalling it.
func guard(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// isSegment tells the fsyncs of segment files from those of cursors and
// the ID high-water mark.
func isSegment(f *os.File) bool { return strings.HasSuffix(f.Name(), segSuffix) }

// TestWaitDurableAsksForTheFsync: with fsync = "interval", a waiter does
// not wait for the next tick: WaitDurable starts an fsync, and every
// batch waiting meanwhile shares the next one. While the first fsync is
// held, ten more batches are appended (appends do not wait for fsyncs)
// and waited for; all eleven are acknowledged with two fsyncs.
func TestWaitDurableAsksForTheFsync(t *testing.T) {
	j := openJournal(t, intervalConfig(t.TempDir()))
	ctx := guard(t)
	entered, hold := make(chan struct{}, 1), make(chan struct{})
	var once, released sync.Once
	release := func() { released.Do(func() { close(hold) }) }
	t.Cleanup(release) // registered after openJournal's Close: runs before it
	j.fsync = func(f *os.File) error {
		if isSegment(f) {
			once.Do(func() { entered <- struct{}{}; <-hold })
		}
		return f.Sync()
	}
	first := testEvents(0, 10)
	mustAppend(t, j, first)
	errs := make(chan error, 11)
	go func() { errs <- j.WaitDurable(ctx, first[9].ID) }()
	select {
	case <-entered:
	case <-ctx.Done():
		t.Fatal("WaitDurable did not start an fsync (it waits for the interval)")
	}
	for i := 1; i <= 10; i++ {
		evs := testEvents(i*10, 10)
		mustAppend(t, j, evs)
		go func() { errs <- j.WaitDurable(ctx, evs[9].ID) }()
	}
	release()
	for range 11 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := int(metricValue(j.m.Fsyncs)); n != 2 {
		t.Fatalf("%d fsyncs for 11 batches waited for behind one held fsync, want 2 (one for all waiters)", n)
	}
}

// TestFsyncFailureRecovers: a failed fsync is not acknowledged, is
// counted, and does not stick: later events become durable once fsync
// works again, while the events it covered are never acknowledged.
func TestFsyncFailureRecovers(t *testing.T) {
	for _, policy := range []string{FsyncAlways, FsyncInterval} {
		t.Run(policy, func(t *testing.T) {
			cfg := intervalConfig(t.TempDir())
			cfg.Fsync = policy
			j := openJournal(t, cfg)
			ctx := guard(t)
			var mu sync.Mutex
			fail := true
			j.fsync = func(f *os.File) error {
				mu.Lock()
				defer mu.Unlock()
				if fail && isSegment(f) {
					fail = false
					return &os.PathError{Op: "fsync", Path: f.Name(), Err: syscall.EIO}
				}
				return f.Sync()
			}
			a := testEvents(0, 10)
			mustAppend(t, j, a)
			if err := j.WaitDurable(ctx, a[9].ID); err == nil || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("WaitDurable over a failed fsync: %v, want the fsync error", err)
			}
			// With nothing new to write, the syncer's retry finds that
			// fsync works again.
			for blocked, _ := j.Blocked(); blocked; blocked, _ = j.Blocked() {
				select {
				case <-ctx.Done():
					t.Fatal("still blocked: the failed fsync was not retried")
				case <-time.After(5 * time.Millisecond):
				}
			}
			b := testEvents(10, 10)
			mustAppend(t, j, b)
			if err := j.WaitDurable(ctx, b[9].ID); err != nil {
				t.Fatalf("WaitDurable after fsync works again: %v", err)
			}
			if err := j.WaitDurable(ctx, a[0].ID); err == nil {
				t.Fatal("events whose fsync failed were acknowledged later")
			}
			if n := metricValue(j.m.FsyncErrors); n != 1 {
				t.Fatalf("nomen_journal_fsync_errors_total = %v, want 1", n)
			}
			if blocked, _ := j.Blocked(); blocked {
				t.Fatal("still reported blocked after fsync recovered")
			}
		})
	}
}
