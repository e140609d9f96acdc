package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzStateFile feeds the agent's state file reader damaged files. It
// must never panic; a file it accepts holds what save writes (version 1,
// each channel once, with an epoch) and reads back the same once saved.
func FuzzStateFile(f *testing.F) {
	f.Add([]byte(`{"version":1,"streams":[{"channel":"Security","epoch":133790000000000000,"acked":1042,"log_created":133790000000000000},{"channel":"System","epoch":1,"acked":7}]}`))
	f.Add([]byte(`{"version":1,"streams":[]}`))
	f.Add([]byte(`{"version":2,"streams":[{"channel":"Security","epoch":5,"acked":1}]}`))
	f.Add([]byte(`{"version":1,"streams":[{"channel":"Security","epoch":5,"acked":100},{"channel":"Security","epoch":6,"acked":3}]}`))
	f.Add([]byte(`{"version":1,"streams":[{"channel":"","epoch":0}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"version":1,"streams":[{"channel":"Secu`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		streams, err := decodeState(data)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, st := range streams {
			if st.Channel == "" || st.Epoch == 0 || seen[st.Channel] {
				t.Fatalf("accepted %+v (seen before: %v)", st, seen[st.Channel])
			}
			seen[st.Channel] = true
		}
		path := filepath.Join(dir, "state.json")
		s := &agentState{path: path, streams: streams, dirty: true}
		if err := s.save(); err != nil {
			t.Fatal(err)
		}
		again, err := loadState(path)
		if err != nil || !slices.Equal(again.streams, streams) {
			t.Fatalf("saved and read back: %+v, %v; was %+v", again.streams, err, streams)
		}
		os.Remove(path)
	})
}

// A state file of another version, or naming a channel twice, is refused
// with the advice to delete it, not followed (before, the first entry of
// a channel was used and both were written back forever).
func TestStateFileRefusedWhenNotOurs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	for _, body := range []string{
		`{"version":2,"streams":[{"channel":"Security","epoch":5,"acked":1}]}`,
		`{"version":1,"streams":[{"channel":"Security","epoch":5,"acked":100},{"channel":"Security","epoch":6,"acked":3}]}`,
		`null`,
	} {
		os.WriteFile(path, []byte(body), 0o600)
		if _, err := loadState(path); err == nil {
			t.Errorf("%s: accepted", body)
		}
	}
}
