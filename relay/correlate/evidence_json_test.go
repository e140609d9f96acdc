package correlate

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/stage/lru"
	"github.com/nomenhq/nomen/relay/stage/snapshot"
)

// The saved forms that append their own JSON write what encoding/json
// writes of them, so that snapshots written before and after they did
// are the same and load the same: random states, with values that JSON
// escapes and the fields that are left out when empty, as the lists a
// snapshot writes (snapshot.List).
func TestSavedFormsAppendAsMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 19))
	for range 200 {
		n := r.IntN(40)
		th := make(snapshot.List[keyed[tstateJSON]], n)
		pa := make(snapshot.List[keyed[pstateJSON]], n)
		fs := make(snapshot.List[keyed[fsJSON]], n)
		seen := make(snapshot.List[keyed[struct{}]], n)
		for i := range n {
			th[i] = keyed[tstateJSON]{randomKey(r), tstateJSON{Slots: randomSlots(r), Ev: randomEvidence(r),
				Suppress: randomInt(r), Last: randomInt(r), Lease: uint64(randomInt(r))}}
			pa[i] = keyed[pstateJSON]{randomKey(r), pstateJSON{At: randomInt(r), Deadline: randomInt(r), Ev: randomEvidence(r),
				Fields: randomFields(r), First: randomKey(r), Lease: uint64(randomInt(r))}}
			fs[i] = keyed[fsJSON]{randomKey(r), fsJSON{Last: randomInt(r), Recv: randomInt(r)}}
			seen[i] = keyed[struct{}]{K: randomKey(r)}
		}
		for _, l := range []interface {
			snapshot.Streamer
		}{th, pa, fs, seen} {
			var got bytes.Buffer
			if err := l.WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(l)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("%T written as\n%s\nwant\n%s", l, got.Bytes(), want)
			}
		}
	}
}

func randomKey(r *rand.Rand) string {
	pieces := []string{"", "10.0.0.5", "\x00", "user", `"`, `\`, "<script>", "&", "\n", "\x01", "é", "\u2028", "\xff", "WIN19"}
	var b []byte
	for range r.IntN(4) {
		b = append(b, pieces[r.IntN(len(pieces))]...)
	}
	return string(b)
}

func randomInt(r *rand.Rand) int64 {
	switch r.IntN(4) {
	case 0:
		return 0
	case 1:
		return -r.Int64()
	case 2:
		return math.MaxInt64
	}
	return r.Int64()
}

func randomStrings(r *rand.Rand) []string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+r.IntN(maxRelated))
	for i := range out {
		out[i] = randomKey(r)
	}
	return out
}

func randomEvidence(r *rand.Rand) evidenceJSON {
	j := evidenceJSON{IP: randomStrings(r), User: randomStrings(r), Hosts: randomStrings(r), Hash: randomStrings(r), Count: int(randomInt(r) % math.MaxInt32)}
	if r.IntN(2) == 0 {
		for range r.IntN(maxIDs + 1) {
			j.IDs = append(j.IDs, uint64(randomInt(r))+uint64(r.IntN(2))<<63)
		}
	}
	return j
}

func randomSlots(r *rand.Rand) []slot {
	if r.IntN(3) == 0 {
		return nil
	}
	out := make([]slot, r.IntN(5))
	for i := range out {
		out[i] = slot{T: randomInt(r), ID: uint64(randomInt(r))}
	}
	return out
}

func randomFields(r *rand.Rand) map[string]string {
	switch r.IntN(3) {
	case 0:
		return nil
	case 1:
		return map[string]string{}
	}
	m := map[string]string{}
	for range 1 + r.IntN(4) {
		m[randomKey(r)] = randomKey(r)
	}
	return m
}

// What the maps of threshold and pair rules copy for a snapshot
// (saveCopies) is written as their saved forms were (saveLRU): random
// states loaded into the maps, written both ways.
func TestCopiesWriteAsSavedForms(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 29))
	for range 50 {
		n := 1 + r.IntN(200)
		// What messages refer to, out of order; or more fields than
		// appendWaiting sorts on its stack.
		capture := []string{"user.name", "source.ip", "host.name"}
		if r.IntN(4) == 0 {
			capture = strings.Fields("k j i h g f e d c b a")
		}
		th := make([]keyed[tstateJSON], n)
		pa := make([]keyed[pstateJSON], n)
		for i := range n {
			k := randomKey(r) + strconv.Itoa(i) // distinct
			th[i] = keyed[tstateJSON]{k, tstateJSON{Slots: randomSlots(r), Ev: randomEvidence(r), Suppress: randomInt(r), Last: randomInt(r), Lease: uint64(randomInt(r))}}
			th[i].V.Ev.IDs = nil // a window's evidence has none
			first := randomKey(r)
			if r.IntN(2) == 0 {
				first = "journal:" + strconv.FormatUint(uint64(r.Int64()), 10)
			}
			pa[i] = keyed[pstateJSON]{k, pstateJSON{At: randomInt(r), Deadline: randomInt(r), Ev: randomEvidence(r),
				Fields: map[string]string{}, First: first, Lease: uint64(randomInt(r))}}
			for _, f := range capture {
				pa[i].V.Fields[f] = randomKey(r)
			}
			if len(pa[i].V.Ev.IDs) > 1 {
				pa[i].V.Ev.IDs = pa[i].V.Ev.IDs[:1] // a waiting pair has its first event's
			}
		}
		keys := lru.New[tstate](n)
		p := &pair{keys: lru.New[pstate](n), capture: capture}
		for _, c := range []struct {
			list   any
			load   func(json.RawMessage) error
			copies func() snapshot.Streamer
			saved  func() any
		}{
			{th, func(raw json.RawMessage) error { return loadLRU(keys, raw, tstateJSON.restored) },
				func() snapshot.Streamer { return saveCopies(keys, appendWindow) },
				func() any { return saveLRU(keys, (*tstate).saved) }},
			{pa, func(raw json.RawMessage) error { return loadLRU(p.keys, raw, p.restored) },
				func() snapshot.Streamer { return saveCopies(p.keys, p.appendWaiting) },
				func() any { return saveLRU(p.keys, p.saved) }},
		} {
			raw, err := json.Marshal(c.list)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.load(raw); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := c.copies().WriteJSON(&got); err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(c.saved())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("%T: copies written as\n%.300s\nsaved forms\n%.300s", c.list, got.Bytes(), want)
			}
			if marshalled, err := json.Marshal(c.copies()); err != nil || !bytes.Equal(marshalled, want) {
				t.Fatalf("%T: copies marshalled as\n%.300s (%v)\nsaved forms\n%.300s", c.list, marshalled, err, want)
			}
		}
	}
}
