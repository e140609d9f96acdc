package snapshot

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/internal/syncbuf"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// panickyState stands for a state with a bug: encoding it panics half-way.
type panickyState struct{}

func (panickyState) WriteJSON(w io.Writer) error {
	io.WriteString(w, `{"n":`)
	var keys []string
	_ = keys[3] // index out of range
	return nil
}

// TestSavePanicKeepsLast: a state whose encoding panics is a failed write
// (the error carries the panic), not the end of the process; the last
// snapshot stays and no temporary file is left.
func TestSavePanicKeepsLast(t *testing.T) {
	f, _ := Open("stage", t.TempDir())
	if err := f.Save(1, time.Now(), st{N: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(2, time.Now(), panickyState{}); err == nil || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("save = %v, want the panic's error", err)
	}
	var got st
	applied, ok, err := f.Load(&got)
	if err != nil || !ok || applied != 1 || got.N != 1 {
		t.Fatalf("load: %d %v %v %+v", applied, ok, err, got)
	}
	if _, err := os.Stat(f.Path() + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

// TestKeeperPanicCountsAFailure: a panic while copying the state (on the
// pipeline goroutine) or encoding it (on the writer's) is counted as a
// failed snapshot and logged with its stack; the state stays dirty, and
// the next snapshot that works is written.
func TestKeeperPanicCountsAFailure(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	result := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x"}, []string{"result"})
	var logged syncbuf.Buffer
	var state any = st{N: 1}
	copyPanics := false
	k, err := NewKeeper(KeeperOptions{Stage: "stage", StateDir: t.TempDir(), Every: time.Second,
		Now: func() time.Time { return now }, Result: result, Log: slog.New(slog.NewTextHandler(&logged, nil)),
		State: func() any {
			if copyPanics {
				panic("nil map in the state copy")
			}
			return state
		}})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(id uint64) {
		now = now.Add(2 * time.Second)
		k.Handed(1)
		k.Dirty = true
		k.Applied(id)
		k.writer.Wait()
	}
	apply(1) // starts the schedule: nothing is due yet
	copyPanics = true
	apply(2)
	if !k.Dirty || count(t, result, "failure") != 1 {
		t.Errorf("after a panicking copy: dirty %v, %v failures; want true, 1", k.Dirty, count(t, result, "failure"))
	}
	copyPanics, state = false, panickyState{}
	apply(3)
	if count(t, result, "failure") != 2 {
		t.Errorf("after a panicking encoding: %v failures, want 2", count(t, result, "failure"))
	}
	state = st{N: 3}
	apply(4)
	if count(t, result, "success") != 1 {
		t.Errorf("%v successes, want 1", count(t, result, "success"))
	}
	var got st
	if applied, ok, err := k.file.Load(&got); err != nil || !ok || applied != 4 || got.N != 3 {
		t.Errorf("load: %d %v %v %+v; want the last state", applied, ok, err, got)
	}
	if log := logged.String(); !strings.Contains(log, "snapshot panicked") || !strings.Contains(log, "panic_test.go") {
		t.Errorf("log without the panic or its stack:\n%s", log)
	}
}

func count(t *testing.T, c *prometheus.CounterVec, result string) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.WithLabelValues(result).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// TestWriterPanicIsAFailedWrite: a panic in the writer's goroutine
// outside the encoding is that write's error, carrying the panic and its
// stack (the Keeper counts and logs it: TestKeeperPanicCountsAFailure);
// the writer is not left busy (Wait returns) and the next write works.
func TestWriterPanicIsAFailedWrite(t *testing.T) {
	f, _ := Open("stage", t.TempDir())
	var results []error
	w := NewWriter(f, func(err error, _ time.Duration) { results = append(results, err) })
	w.save = func(uint64, time.Time, any) error { panic("atomicfile: nil file") }
	w.Save(1, time.Now(), st{N: 1})
	w.Wait()
	var p *panics.Panic
	if len(results) != 1 || !errors.As(results[0], &p) || !strings.Contains(string(p.Stack), "panic_test.go") {
		t.Fatalf("reported %v, want the panic with its stack", results)
	}
	w.save = f.Save
	w.Save(2, time.Now(), st{N: 2})
	w.Wait()
	var got st
	if applied, ok, err := f.Load(&got); err != nil || !ok || applied != 2 || got.N != 2 {
		t.Fatalf("load after the panic: %d %v %v %+v", applied, ok, err, got)
	}
}
