package sequence

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/stagetest"
)

// snapshotOf runs a tracker over records of two agents and a syslog host
// (holes, a new epoch) and returns the state part of the snapshot it
// leaves.
func snapshotOf(t testing.TB) []byte {
	dir := t.TempDir()
	tr, _ := openTracker(t, dir, nil)
	var evs []*event.Event
	for _, r := range []int64{1, 2, 5, 9, 7} {
		evs = append(evs, agentRecord(3, r))
	}
	evs = append(evs, agentRecord(4, 1), agentRecord(4, 3))
	for _, n := range []int64{10, 11, 14} {
		e := event.New(stagetest.Epoch)
		e.Format = "rfc5424"
		e.SetStr("host.name", "web1")
		e.SetStr("process.name", "app")
		e.SetInt("event.sequence", n)
		evs = append(evs, e)
	}
	out := tr.Process(evs)
	tr.Applied(tr.AppliedID() + uint64(len(out)))
	tr.Dirty = true
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "sequence", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ State json.RawMessage }
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	return env.State
}

func writeSnapshot(t testing.TB, dir string, state []byte) string {
	path := filepath.Join(dir, "sequence", "state.json")
	os.MkdirAll(filepath.Dir(path), 0o700)
	env := `{"version":1,"stage":"sequence","saved":"2026-12-06T08:00:00Z","applied":12,"state":` + string(state) + `}`
	if err := os.WriteFile(path, []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// FuzzSnapshotState restores the sequence tracker from damaged snapshots,
// then feeds it records and lets every grace period end. It must never
// panic, and what it restores must hold the invariants the tracker keeps
// (FuzzObserve's): a snapshot that does not is moved aside whole
// (state.json.corrupt), the tracker starting empty and saying so.
func FuzzSnapshotState(f *testing.F) {
	good := snapshotOf(f)
	f.Add(good)
	f.Add([]byte(strings.Replace(string(good), `"First":`, `"First":-`, 1)))
	f.Add([]byte(`{"streams":[{"Key":"agent:wks01/Security","Kind":0,"Epoch":3,"Last":9,"Holes":[{"First":7,"Last":8},{"First":3,"Last":4}]}]}`))
	f.Add([]byte(`{"streams":[{"Key":"agent:wks01/Security","Kind":0,"Epoch":3,"Last":9},{"Key":"agent:wks01/Security","Kind":0,"Epoch":3,"Last":2}]}`))
	f.Add([]byte(`{"streams":[{"Key":"","Kind":99}],"explanations":{"agent:wks01":{"reason":"log cleared","at":"2026-12-06T08:00:00Z","id":3}}}`))
	f.Add([]byte(`{"streams":null}`))
	f.Add([]byte(`null`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, snap []byte) {
		path := writeSnapshot(t, dir, snap)
		os.Remove(path + ".corrupt")
		tr, _ := openTracker(t, dir, func() time.Time { return stagetest.Epoch })
		_, aside := os.Stat(path + ".corrupt")
		if restored := aside != nil; restored {
			var live []savedStream
			tr.streams.All(func(k string, c *cell) bool {
				s := tr.saved(publicKey(k), k, c)
				live = append(live, s)
				// The tracker names a stream with holes by the key it
				// keeps for it: its own.
				if key, open := tr.open[c]; open != (len(s.holes()) > 0) || open && key != k {
					t.Fatalf("stream %q with %d holes listed open as %q (%v)", k, len(s.holes()), key, open)
				}
				return true
			})
			st := &state{Streams: live}
			if err := st.Validate(); err != nil {
				t.Fatalf("restored a stream the tracker cannot have: %v", err)
			}
		}
		var evs []*event.Event
		for _, r := range []int64{8, 3, 12, 1} {
			evs = append(evs, agentRecord(3, r))
		}
		out := tr.Process(evs)
		tr.Applied(tr.AppliedID() + uint64(len(out)))
		for _, a := range tr.Tick(stagetest.Epoch.Add(24 * time.Hour)) {
			if a.Str("nomen.gap.stream") == "" {
				t.Fatalf("gap alert without a stream: %v", a)
			}
		}
	})
}

// A snapshot whose holes are out of order, or that lists a stream twice,
// is moved aside and the tracker starts empty (before, it was restored:
// the holes' ranges raised gaps that never were, the later copy of a
// stream was ignored without a word).
func TestDamagedSnapshotMovedAside(t *testing.T) {
	for _, state := range []string{
		`{"streams":[{"Key":"agent:wks01/Security","Kind":0,"Epoch":3,"Last":9,"Holes":[{"First":7,"Last":8},{"First":3,"Last":4}]}]}`,
		`{"streams":[{"Key":"agent:wks01/Security","Kind":0,"Epoch":3,"Last":9},{"Key":"agent:wks01/Security","Kind":0,"Epoch":3,"Last":2}]}`,
		`{"streams":[{"Key":"agent:wks01/Security","Kind":0,"Epoch":3,"Last":9,"Holes":[{"First":10,"Last":12}]}]}`,
	} {
		dir := t.TempDir()
		path := writeSnapshot(t, dir, []byte(state))
		tr, _ := openTracker(t, dir, nil)
		if _, err := os.Stat(path + ".corrupt"); err != nil {
			t.Errorf("%s: not moved aside: %v", state, err)
		}
		if n := tr.streams.Len(); n != 0 {
			t.Errorf("%s: %d streams restored", state, n)
		}
	}
}

// The snapshot a tracker writes is restored whole, holes included.
func TestSnapshotRestored(t *testing.T) {
	dir := t.TempDir()
	path := writeSnapshot(t, dir, snapshotOf(t))
	tr, _ := openTracker(t, dir, nil)
	if _, err := os.Stat(path + ".corrupt"); err == nil {
		t.Fatal("a good snapshot was moved aside")
	}
	if n, open := tr.streams.Len(), len(tr.open); n != 2 || open != 2 {
		t.Errorf("%d streams, %d with holes restored; want 2 (the agent channel in its new epoch, web1/app), both with holes", n, open)
	}
}

// TestSnapshotOfTextStreamsRestored: a snapshot written by the build whose
// streams kept their names in a string of their own
// (testdata/state-text-streams.json: agent epochs and a renamed agent
// host, holes, a Windows channel with a slash, origins that are not
// their host's) loads into the streams as the tracker keeps them now,
// which write it back the same.
func TestSnapshotOfTextStreamsRestored(t *testing.T) {
	old, err := os.ReadFile("testdata/state-text-streams.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := writeSnapshot(t, dir, old)
	tr, _ := openTracker(t, dir, func() time.Time { return stagetest.Epoch })
	if _, err := os.Stat(path + ".corrupt"); err == nil {
		t.Fatal("the snapshot was moved aside")
	}
	if n, open := tr.streams.Len(), len(tr.open); n != 8 || open != 4 {
		t.Fatalf("%d streams, %d with holes restored; want 8, 4", n, open)
	}
	saved, err := json.Marshal(tr.state())
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(saved, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(old, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("written back as\n%s\nwant\n%s", saved, old)
	}
}
