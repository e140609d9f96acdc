package correlate

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEvidenceLists: values added to the four related.* lists in any
// order come out per list, in the order added, once each, at most
// maxRelated; a copy taken earlier (a snapshot's, a finding's) never sees
// a later value; snapshots write the lists by name as before they shared a
// slice, and read them back.
func TestEvidenceLists(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		in := newInterner(1 << 10)
		var ev evidence
		var model [numRelated][]string
		type snap struct {
			ev    evidence
			lists [numRelated][]string
		}
		var snaps []snap
		for range rng.IntN(60) {
			c := rng.IntN(numRelated)
			s := fmt.Sprint("v", rng.IntN(20))
			if !slices.Contains(model[c], s) && len(model[c]) < maxRelated {
				model[c] = append(model[c], s)
			}
			var use *interner
			if rng.IntN(2) == 0 {
				use = in
			}
			ev.addUnique(c, use, s)
			var copied [numRelated][]string
			for i := range model {
				copied[i] = slices.Clone(model[i])
			}
			snaps = append(snaps, snap{ev, copied})
		}
		for c := range numRelated {
			if got := ev.list(c); !slices.Equal(got, model[c]) {
				t.Fatalf("round %d: list %d = %q, want %q", round, c, got, model[c])
			}
		}
		for i, sn := range snaps {
			for c := range numRelated {
				if got := sn.ev.list(c); !slices.Equal(got, sn.lists[c]) {
					t.Fatalf("round %d: copy %d, list %d changed to %q, was %q", round, i, c, got, sn.lists[c])
				}
			}
		}
		ev.IDs, ev.Count = []uint64{7, 9}, 3
		got, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(evidenceJSON{IDs: ev.IDs, IP: model[relIP], User: model[relUser], Hosts: model[relHosts], Hash: model[relHash], Count: 3})
		if string(got) != string(want) {
			t.Fatalf("round %d: snapshot form %s, want %s", round, got, want)
		}
		var back evidence
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		for c := range numRelated {
			if !slices.Equal(back.list(c), model[c]) {
				t.Fatalf("round %d: read back list %d = %q, want %q", round, c, back.list(c), model[c])
			}
		}
	}
}
