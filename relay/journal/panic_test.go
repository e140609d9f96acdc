package journal

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/prometheus/client_golang/prometheus"
)

// TestReadAheadPanicIsSurvived: a panic while a block is read ahead (a
// bug that the block found) is counted and logged with its stack, and
// the reader reads that block itself: every event is read, once, in
// order.
func TestReadAheadPanicIsSurvived(t *testing.T) {
	cfg := writeSegments(t, t.TempDir(), 64<<10, 2000, "out")

	var logged syncbuf.Buffer
	m := NewMetrics(prometheus.NewRegistry(), nil)
	m.ReadAheadPanics = prometheus.NewCounter(prometheus.CounterOpts{Name: "read_ahead_panics"})
	j2, err := Open(cfg, Options{Logger: slog.New(slog.NewTextHandler(&logged, nil)), Metrics: m, CacheBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j2.Close() })
	// Blocks can be read ahead by more than one goroutine at once: the
	// swap makes exactly one of them panic (a select-then-close let two
	// through, the second panicking on the closed channel).
	var panicked atomic.Bool
	j2.readAheadBlock = func(f *os.File, bp blockPos, buf []byte) (*decoded, []byte, error) {
		if panicked.CompareAndSwap(false, true) {
			panic("decode: index out of range [7] with length 7")
		}
		return readBlock(f, bp, buf)
	}
	r, err := j2.Reader("out", StartOldest)
	if err != nil {
		t.Fatal(err)
	}
	wantSeqs(t, readAll(t, r, 100), 0, 2000)
	if !panicked.Load() {
		t.Fatal("no block was read ahead: the test does not test the guard")
	}
	if v := metricValue(m.ReadAheadPanics); v != 1 {
		t.Errorf("read-ahead panics counted %v, want 1", v)
	}
	if out := logged.String(); !strings.Contains(out, "reading a block ahead panicked") || !strings.Contains(out, "panic_test.go") {
		t.Errorf("want the panic logged with its stack:\n%s", out)
	}
}

// syncPanicChild is the process TestSyncLoopPanicStopsNomen starts: a
// journal whose fsync goroutine panics, and a caller waiting for an
// acknowledgement of durability.
func syncPanicChild(dir string) {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	j, err := Open(intervalConfig(dir), Options{Logger: log})
	if err != nil {
		log.Error("open", "err", err)
		os.Exit(3)
	}
	j.fsync = func(f *os.File) error {
		if isSegment(f) { // not the high-water mark's, which Append syncs itself
			panic("journal: nil cursor file")
		}
		return f.Sync()
	}
	evs := testEvents(0, 10)
	if err := j.Append(context.Background(), evs); err != nil {
		log.Error("append", "err", err)
		os.Exit(3)
	}
	err = j.WaitDurable(context.Background(), evs[9].ID)
	log.Error("WaitDurable returned: the panic was survived silently", "err", err)
	os.Exit(0)
}

// TestSyncLoopPanicStopsNomen: a panic in the fsync goroutine, which
// nomen cannot survive without risking to acknowledge what was not
// fsynced or hanging every waiter, ends the process with a failure
// status, logged with its stack; the waiter is never told the events are
// durable.
func TestSyncLoopPanicStopsNomen(t *testing.T) {
	if dir := os.Getenv("NOMEN_JOURNAL_SYNC_PANIC_DIR"); dir != "" {
		syncPanicChild(dir)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSyncLoopPanicStopsNomen$")
	cmd.Env = append(os.Environ(), "NOMEN_JOURNAL_SYNC_PANIC_DIR="+filepath.Join(t.TempDir(), "j"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("child ended with %v, want the exit status of a panic (2); stderr:\n%s", err, stderr.String())
	}
	out := stderr.String()
	for _, want := range []string{"the fsync goroutine panicked", `panic="journal: nil cursor file" stack=`, "syncNow"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
}
