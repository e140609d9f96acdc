package correlate

import (
	"bytes"
	"testing"
	"time"
)

// TestSharedFieldPassSameFindings: the engine finds its keys in the rows
// of the sequence tracker's field pass (Options.FieldPass) with the same
// results as with its own pass: the mix of BenchmarkPipeline with its 20
// rules and process tracking, many source addresses, numbers replayed (the
// tracker marks the duplicates, adding a field after its pass) and a
// reload between the two stages' calls.
func TestSharedFieldPassSameFindings(t *testing.T) {
	shared := newBenchPipeline(t, false)
	own := newBenchPipeline(t, false)
	own.ownPass = true
	src := benchRulesSource(t)
	shared.addStages(t, src, 20)
	own.addStages(t, src, 20)
	if own.corr.pass != nil || shared.corr.pass == nil {
		t.Fatal("the engines' passes are not as the test needs")
	}
	now := time.Date(2026, 11, 22, 10, 15, 3, 0, time.UTC)
	var a, b []byte
	findings := 0
	for round := range 60 {
		now = now.Add(time.Second)
		var outs [2][]byte
		for k, p := range []*benchPipeline{shared, own} {
			p.addrs = 300
			if round%7 == 3 {
				p.seqNo[0] -= 40 // numbers again: duplicates
			}
			if round%11 == 5 {
				if err := p.corr.Reload(p.cfg); err != nil {
					t.Fatal(err)
				}
			}
			evs := p.normalized(256, now)
			evs = p.seq.Process(evs)
			evs = p.corr.Process(evs)
			p.lastID += uint64(len(evs))
			p.seq.Applied(p.lastID)
			p.corr.Applied(p.lastID)
			var out []byte
			for _, e := range evs {
				out = append(p.enc.AppendJSON(out, e), '\n')
			}
			outs[k] = out
			if k == 0 {
				findings += len(evs) - 256
			}
		}
		a, b = append(a, outs[0]...), append(b, outs[1]...)
	}
	if findings < 100 {
		t.Fatalf("%d findings and records: the mix no longer exercises the rules", findings)
	}
	if !bytes.Equal(a, b) {
		al, bl := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
		for i := range min(len(al), len(bl)) {
			if !bytes.Equal(al[i], bl[i]) {
				t.Fatalf("line %d differs:\nshared %s\nown    %s", i+1, al[i], bl[i])
			}
		}
		t.Fatalf("%d lines against %d", len(al), len(bl))
	}
	if !bytes.Contains(a, []byte(`"duplicate":true`)) {
		t.Error("no event marked duplicate: the test no longer exercises events changed after the pass")
	}
}
