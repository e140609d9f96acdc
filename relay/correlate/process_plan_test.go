package correlate

import (
	"testing"
	"time"
)

// TestLifetimeFollowsPlan checks that lifetime records set their fields
// as lifetimePlan lists them, so that the JSON encoder takes its planned
// road (the testdata/correlate process-lifetime cases pin the bytes,
// which are the same on either road): a field added to the record but
// not to the plan, or set out of order, fails here rather than only
// costing time.
func TestLifetimeFollowsPlan(t *testing.T) {
	p := newBenchPipeline(t, true)
	p.lines = p.lines[5:7] // the Snare 592 and 593
	now := time.Date(2026, 11, 22, 10, 15, 3, 0, time.UTC)
	records := 0
	for range 3 {
		evs := p.normalized(64, now)
		out := p.corr.Process(p.seq.Process(evs))
		for _, e := range out[len(evs):] {
			if e.Str("event.action") != "process-lifetime" {
				continue
			}
			records++
			if !e.FollowsPlan() {
				t.Fatalf("a lifetime record does not follow lifetimePlan: %v", e.Fields)
			}
		}
		p.lastID += uint64(len(out))
		p.seq.Applied(p.lastID)
		p.corr.Applied(p.lastID)
		now = now.Add(time.Second)
	}
	if records < 64 {
		t.Fatalf("%d lifetime records, want ≥ 64", records)
	}
}
