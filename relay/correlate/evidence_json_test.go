package correlate

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

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
		fs := make(snapshot.List[keyed[fsState]], n)
		seen := make(snapshot.List[keyed[struct{}]], n)
		for i := range n {
			th[i] = keyed[tstateJSON]{randomKey(r), tstateJSON{Slots: randomSlots(r), Ev: randomEvidence(r),
				Suppress: randomInt(r), Last: randomInt(r), Lease: uint64(randomInt(r))}}
			pa[i] = keyed[pstateJSON]{randomKey(r), pstateJSON{At: randomInt(r), Deadline: randomInt(r), Ev: randomEvidence(r),
				Fields: randomFields(r), First: randomKey(r), Lease: uint64(randomInt(r))}}
			fs[i] = keyed[fsState]{randomKey(r), fsState{Last: randomInt(r), Recv: randomInt(r)}}
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
