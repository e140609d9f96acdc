package snapshot

import (
	"errors"
	"github.com/prometheus/client_golang/prometheus"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

type st struct {
	N    int      `json:"n"`
	Keys []string `json:"keys"`
}

func TestSaveLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "stage")
	f, err := Open("stage", dir)
	if err != nil {
		t.Fatal(err)
	}
	var got st
	if _, ok, err := f.Load(&got); ok || err != nil {
		t.Fatalf("empty dir: ok=%v err=%v", ok, err)
	}
	if err := f.Save(42, time.Unix(0, 0), st{N: 7, Keys: []string{"a\x00b"}}); err != nil {
		t.Fatal(err)
	}
	applied, ok, err := f.Load(&got)
	if err != nil || !ok || applied != 42 || got.N != 7 || got.Keys[0] != "a\x00b" {
		t.Fatalf("load: %d %v %v %+v", applied, ok, err, got)
	}
	if fi, err := os.Stat(f.Path()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("snapshot file mode: %v %v", fi.Mode(), err)
	}
	if _, err := os.Stat(f.Path() + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

func TestCorruptIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	f, _ := Open("stage", dir)
	for _, bad := range []string{`{"version":1,"stage":"stage","state":{"n":`, `{"version":99,"stage":"stage","state":{}}`, `{"version":1,"stage":"other","state":{}}`} {
		if err := os.WriteFile(f.Path(), []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		var got st
		_, ok, err := f.Load(&got)
		if ok || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "moved to") {
			t.Errorf("%s: ok=%v err=%v", bad, ok, err)
		}
		if _, err := os.Stat(f.Path() + ".corrupt"); err != nil {
			t.Errorf("not moved aside: %v", err)
		}
		if _, ok, err := f.Load(&got); ok || err != nil {
			t.Errorf("after moving aside: ok=%v err=%v", ok, err)
		}
	}
}

func TestMemoryOnly(t *testing.T) {
	f, err := Open("stage", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Save(1, time.Now(), st{}); err != nil {
		t.Fatal(err)
	}
	var got st
	if _, ok, err := f.Load(&got); ok || err != nil {
		t.Errorf("memory only: ok=%v err=%v", ok, err)
	}
}

// TestKeeperMemoryOnlyCopiesNothing: without a state dir, neither the
// periodic snapshots nor Snapshot ask the stage for a copy of its state.
func TestKeeperMemoryOnlyCopiesNothing(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	copies := 0
	k, err := NewKeeper(KeeperOptions{Stage: "stage", Every: time.Second,
		Now: func() time.Time { return now }, Result: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x"}, []string{"result"}),
		State: func() any { copies++; return st{N: 1} }})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		now = now.Add(time.Second)
		k.Handed(1)
		k.Dirty = true
		k.Applied(uint64(i + 1))
	}
	if err := k.Snapshot(); err != nil {
		t.Fatal(err)
	}
	k.writer.Wait()
	if copies != 0 {
		t.Errorf("%d copies of the state in memory-only mode", copies)
	}
}

func TestWriterNewestWins(t *testing.T) {
	f, _ := Open("stage", t.TempDir())
	var results []error
	w := NewWriter(f, func(err error, _ time.Duration) { results = append(results, err) })
	for i := range 50 {
		w.Save(uint64(i), time.Now(), st{N: i})
	}
	w.Wait()
	var got st
	applied, ok, err := f.Load(&got)
	if err != nil || !ok || applied != 49 || got.N != 49 {
		t.Fatalf("last snapshot: %d %v %v %+v", applied, ok, err, got)
	}
	if len(results) == 0 || len(results) > 50 {
		t.Errorf("%d writes reported", len(results))
	}
}

func TestPosition(t *testing.T) {
	var p Position
	p.Restore(10)
	if p.Next() != 11 {
		t.Fatal(p.Next())
	}
	p.Handed(3) // IDs 11-13
	p.Handed(2) // a second output before the Append: 14-15
	if p.Next() != 16 || p.Quiet() {
		t.Fatal("pending")
	}
	if !p.Applied(17) { // a later stage added two of its own
		t.Error("more journaled than handed is normal")
	}
	p.Handed(4)
	if p.Applied(18) || p.Mismatches != 1 || p.Next() != 19 {
		t.Errorf("fewer journaled than handed: mismatches %d next %d", p.Mismatches, p.Next())
	}
}

func TestSchedule(t *testing.T) {
	s := Schedule{Every: 5 * time.Second}
	t0 := time.Unix(100, 0)
	if s.Due(t0) || s.Due(t0.Add(4*time.Second)) || !s.Due(t0.Add(5*time.Second)) || s.Due(t0.Add(6*time.Second)) {
		t.Error("schedule")
	}
	if (&Schedule{}).Due(t0) {
		t.Error("zero schedule is never due")
	}
}

// TestKeeperSpacesLargeSnapshots: a snapshot that took long spaces the
// next ones out (at most 1/snapshotShare of a core goes to them).
func TestKeeperSpacesLargeSnapshots(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	k, err := NewKeeper(KeeperOptions{Stage: "stage", StateDir: t.TempDir(), Every: time.Second,
		Now: func() time.Time { return now }, Result: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x"}, []string{"result"}),
		State: func() any { return st{N: 1} }})
	if err != nil {
		t.Fatal(err)
	}
	k.saved(nil, 2*time.Second) // the last write took 2s
	saves := 0
	for i := range 100 { // 100 s of batches, one per second
		now = now.Add(time.Second)
		k.Handed(1)
		k.Dirty = true
		k.Applied(uint64(i + 1))
		k.writer.Wait()
		if k.lastSave.Load() != int64(2*time.Second) {
			saves++
			k.lastSave.Store(int64(2 * time.Second)) // as if each took 2s again
		}
	}
	// Every 40s (20 x 2s) rather than every second.
	if saves < 2 || saves > 3 {
		t.Errorf("%d snapshots in 100s, want 2 or 3 (one per 40s)", saves)
	}
}

// TestKeeperCountsTheCopy: the copy of the state, which the stage's
// goroutine makes, counts in the spacing as the write does.
func TestKeeperCountsTheCopy(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	k, err := NewKeeper(KeeperOptions{Stage: "stage", StateDir: t.TempDir(), Every: time.Second,
		Now: func() time.Time { return now }, Result: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x"}, []string{"result"}),
		State: func() any { time.Sleep(200 * time.Millisecond); return st{N: 1} }})
	if err != nil {
		t.Fatal(err)
	}
	saves := 0
	for i := range 20 { // 20 s of batches, one per second
		now = now.Add(time.Second)
		k.Handed(1)
		k.Dirty = true
		k.Applied(uint64(i + 1))
		k.writer.Wait()
		if !k.Dirty {
			saves++
		}
	}
	// A copy takes at least 200ms: at least 4s (20 x 200ms) apart.
	if saves < 1 || saves > 6 {
		t.Errorf("%d snapshots in 20s, want 1 to 6 (at most one per 4s)", saves)
	}
}

// A List is written a chunk at a time and loads like the slice
// json.Marshal would have written.
func TestSaveList(t *testing.T) {
	f, _ := Open("stage", t.TempDir())
	want := []st{{N: 1, Keys: []string{"a", "<b>"}}, {N: 2}, {N: 3, Keys: []string{"c\nd"}}}
	for i := range 2 * listChunk { // chunks after the first
		want = append(want, st{N: 4 + i})
	}
	if err := f.Save(5, time.Now(), List[st](want)); err != nil {
		t.Fatal(err)
	}
	var got []st
	applied, ok, err := f.Load(&got)
	if err != nil || !ok || applied != 5 || !reflect.DeepEqual(got, want) {
		t.Fatalf("load: %d %v %v %+v", applied, ok, err, got)
	}
	if err := f.Save(6, time.Now(), List[st](nil)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := f.Load(&got); err != nil || !ok || len(got) != 0 {
		t.Fatalf("empty list: %v %v %+v", ok, err, got)
	}
}

// failingState fails after writing part of itself.
type failingState struct{}

func (failingState) WriteJSON(w io.Writer) error {
	io.WriteString(w, `{"n":`)
	return errors.New("encoding failed")
}

// A state that fails half-written (it is streamed to the file) leaves the
// last good snapshot and no temporary file.
func TestSaveFailedKeepsLast(t *testing.T) {
	f, _ := Open("stage", t.TempDir())
	if err := f.Save(1, time.Now(), st{N: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(2, time.Now(), failingState{}); err == nil {
		t.Fatal("no error from a failing state")
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
