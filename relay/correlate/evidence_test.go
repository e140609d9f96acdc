package correlate

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// TestEvidenceLists: values added to the four related.* lists in any
// order come out per list, in the order added, once each, at most
// maxRelated; a copy taken earlier (a snapshot's, a finding's) never sees
// a later value; snapshots write the lists by name as before they shared a
// slice, and read them back.
func TestEvidenceLists(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
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
			ev.addUnique(c, s)
			var copied [numRelated][]string
			for i := range model {
				copied[i] = slices.Clone(model[i])
			}
			snaps = append(snaps, snap{ev, copied})
		}
		for c := range numRelated {
			if got := ev.lists()[c]; !slices.Equal(got, model[c]) {
				t.Fatalf("round %d: list %d = %q, want %q", round, c, got, model[c])
			}
		}
		for i, sn := range snaps {
			for c := range numRelated {
				if got := sn.ev.lists()[c]; !slices.Equal(got, sn.lists[c]) {
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
			if !slices.Equal(back.lists()[c], model[c]) {
				t.Fatalf("round %d: read back list %d = %q, want %q", round, c, back.lists()[c], model[c])
			}
		}
	}
}

// An evidence as snapshots have written it loads, values of any length
// (a length past 127 takes two bytes), and is written back the same.
func TestEvidenceSnapshotForm(t *testing.T) {
	long := strings.Repeat("ab", 150)
	saved := `{"ids":[11,12],"ip":["10.0.0.5","192.0.2.1"],"user":["alice"],"hosts":["web1","` + long + `"],"hash":["SHA256=00ff"],"count":4}`
	var ev evidence
	if err := json.Unmarshal([]byte(saved), &ev); err != nil {
		t.Fatal(err)
	}
	want := [numRelated][]string{{"10.0.0.5", "192.0.2.1"}, {"alice"}, {"web1", long}, {"SHA256=00ff"}}
	if got := ev.lists(); !reflect.DeepEqual(got, want) || ev.Count != 4 || !slices.Equal(ev.IDs, []uint64{11, 12}) {
		t.Fatalf("loaded %q, count %d, ids %v", got, ev.Count, ev.IDs)
	}
	out, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != saved {
		t.Fatalf("written back as\n%s\nwant\n%s", out, saved)
	}
	// A threshold window's evidence has no IDs, in the same form.
	window := strings.Replace(saved, `"ids":[11,12],`, "", 1)
	var rel related
	if err := json.Unmarshal([]byte(window), &rel); err != nil {
		t.Fatal(err)
	}
	if out, err := json.Marshal(rel); err != nil || string(out) != window {
		t.Fatalf("a window's evidence written back as\n%s (%v)\nwant\n%s", out, err, window)
	}
	ev.addUnique(relHosts, "web1", "db1") // web1 is there already
	if got := ev.lists(); !slices.Equal(got[relHosts], []string{"web1", long, "db1"}) || !slices.Equal(got[relHash], want[relHash]) {
		t.Fatalf("after adding hosts: %q", got)
	}
}

// A waiting pair as snapshots have written it (its first event's ID in
// its evidence, its identity in "first") loads and is written back the
// same, whether its identity is made of its journal ID or came from a
// stream, and whatever its group key (values equal to one of the key's
// are kept as references: keyref.go); a finding gets them.
func TestPairSnapshotForm(t *testing.T) {
	for _, tc := range []struct{ saved, first string }{
		{`{"at":5,"deadline":9,"ev":{"ids":[42],"ip":["10.0.0.5"],"count":1},"first":"journal:42","lease":3}`, "journal:42"},
		{`{"at":5,"deadline":9,"ev":{"ids":[42],"count":1},"fields":{"user.name":"carol"},"first":"js-msg-7"}`, "js-msg-7"},
		{`{"at":5,"deadline":9,"ev":{"count":1},"first":"journal:0"}`, "journal:0"},
		{`{"at":5,"deadline":9,"ev":{"ids":[42],"count":2147483647},"first":"journal:42"}`, "journal:42"}, // a count at its bound, in the extra bytes
	} {
		var j pstateJSON
		if err := json.Unmarshal([]byte(tc.saved), &j); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"bob", "10.0.0.5", "carol\x0010.0.0.5"} {
			r := &pair{capture: []string{"user.name"}}
			st, x := r.restored(j, key)
			if got := st.first(firstOf(x, len(r.capture))); got != tc.first {
				t.Errorf("%s: first = %q, want %q", tc.saved, got, tc.first)
			}
			out, err := json.Marshal(r.saved(&st, key, x))
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.saved {
				t.Errorf("key %q: written back as\n%s\nwant\n%s", key, out, tc.saved)
			}
			if b := r.appendWaiting(nil, &st, key, x); string(b) != tc.saved {
				t.Errorf("key %q: appended as\n%s\nwant\n%s", key, b, tc.saved)
			}
		}
	}
}

// A threshold window as snapshots have written it (its slots, then its
// related.* values) loads and is written back the same: where its values
// end and its slots begin is found again, with values in several lists,
// long ones, none, and no slots.
func TestWindowSnapshotForm(t *testing.T) {
	long := strings.Repeat("h", 200) // a length of two bytes
	for _, saved := range []string{
		`{"slots":[{"t":5,"id":42},{"t":7}],"ev":{"ip":["10.0.0.5","10.0.0.6"],"user":["carol"],"hosts":["` + long + `"],"hash":["ab"],"count":3},"suppress":1,"last":9,"lease":3}`,
		`{"slots":[{"t":5,"id":42}],"ev":{"count":1},"last":9}`,
		`{"ev":{"user":["dave"],"count":0},"suppress":20,"last":9}`,
		`{"slots":[{"t":5}],"ev":{"count":2147483647},"last":9}`, // the count at its bound, in the extra bytes
	} {
		var j tstateJSON
		if err := json.Unmarshal([]byte(saved), &j); err != nil {
			t.Fatal(err)
		}
		plain := 0
		for k, key := range []string{"x", "10.0.0.6\x00" + long, "carol\x00ab\x0010.0.0.5"} {
			st, x := j.restored(key)
			if k == 0 {
				plain = len(x)
			} else if shared := slices.ContainsFunc(slices.Concat(j.Ev.IP, j.Ev.User, j.Ev.Hosts, j.Ev.Hash), func(v string) bool {
				return slices.Contains(strings.Split(key, "\x00"), v)
			}); shared != (len(x) < plain) {
				t.Errorf("key %q: %d extra bytes against %d with no value of the key", key, len(x), plain)
			}
			out, err := json.Marshal(st.saved(key, x))
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != saved {
				t.Errorf("key %q: written back as\n%s\nwant\n%s", key, out, saved)
			}
			if b := appendWindow(nil, &st, key, x); string(b) != saved {
				t.Errorf("key %q: appended as\n%s\nwant\n%s", key, b, saved)
			}
		}
	}
}

// A record's strings of an evidence (evidence.strings) are its first
// maxIDs IDs in decimal and its four lists, whatever their sizes (values
// long enough not to fit the stack buffer included), and share no bytes
// with the evidence, which goes on changing.
func TestEvidenceStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 300 {
		var ev evidence
		var wantIDs []string
		for i := range rng.IntN(maxIDs + 8) {
			id := uint64(rng.IntN(1_000_000_000)) + 1
			ev.IDs = append(ev.IDs, id)
			if i < maxIDs {
				wantIDs = append(wantIDs, fmt.Sprint(id))
			}
		}
		for range rng.IntN(40) {
			ev.addUnique(rng.IntN(numRelated), strings.Repeat("x", rng.IntN(3)*rng.IntN(200))+fmt.Sprint(rng.IntN(30)))
		}
		wantLists := ev.lists()
		ids, lists := ev.strings()
		if !slices.Equal(ids, wantIDs) || !reflect.DeepEqual(lists, wantLists) {
			t.Fatalf("round %d: strings() = %q, %q, want %q, %q", round, ids, lists, wantIDs, wantLists)
		}
		if len(ev.vals) > 0 {
			ev.vals[len(ev.vals)-1] ^= 1 // the record's strings must not see it
			if !reflect.DeepEqual(lists, wantLists) {
				t.Fatalf("round %d: a record's lists changed with the evidence", round)
			}
		}
	}
}

// TestRelatedFromMemo: related.add gives the same lists reading an
// event's related.* fields and host from the engine's memo as scanning
// them: list and other values, keys set twice, host.name set, set twice or
// only in the header, other fields between, and a memo whose index holds
// few keys or another event.
func TestRelatedFromMemo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	keys := append(relatedKeys[:], "host.name", "source.ip", "user.name")
	val := func() event.Value {
		switch rng.IntN(6) {
		case 0:
			return event.String(fmt.Sprint("s", rng.IntN(4)))
		case 1:
			return event.Int(int64(rng.IntN(3)))
		}
		list := make([]string, rng.IntN(4))
		for i := range list {
			list[i] = []string{"a", "b", "c", "", "-", "web1"}[rng.IntN(6)]
		}
		return event.Strings(list...)
	}
	for round := range 500 {
		tab := newCondTable()
		tab.useRelated()
		tab.keyIDs("source.ip", "event.code")
		m := tab.newMemoIndexing(rng.IntN(len(tab.keys) + 1))
		var scanned, memoed related
		for range 1 + rng.IntN(5) {
			e := event.New(t0)
			e.Hostname = []string{"", "web1", "WEB2"}[rng.IntN(3)]
			for range rng.IntN(12) {
				e.Set(keys[rng.IntN(len(keys))], val())
			}
			if rng.IntN(8) == 0 {
				m.reset(event.New(t0)) // the memo holds another event
			} else {
				m.reset(e)
			}
			scanned.add(nil, e)
			memoed.add(m, e)
			m.release()
		}
		if scanned.Count != memoed.Count || scanned.n != memoed.n || string(scanned.vals) != string(memoed.vals) {
			t.Fatalf("round %d: from the memo %v, scanned %v", round, memoed.lists(), scanned.lists())
		}
	}
}
