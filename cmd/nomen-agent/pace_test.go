package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/agent/agenttest"
)

// A pacer never lets more records go than its rate allows for the time
// passed (plus the first, at once). A bound, not a timing: a slow machine
// only sends fewer.
func TestPacerKeepsToItsRate(t *testing.T) {
	const rate = 2000
	p := newPacer(rate, time.Millisecond)
	defer p.stop()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	for p.wait(ctx) == nil {
		if allowed := time.Since(p.start).Seconds()*rate + 1; float64(p.sent) > allowed {
			t.Fatalf("%d records let through after %v at %d/s", p.sent, time.Since(p.start), rate)
		}
	}
	if p.sent == 0 {
		t.Fatal("no record let through")
	}
}

// A load test (-duration) sends the file's records round and round under
// new record ids 1, 2, 3...: every id arrives once, with the record the
// id names in the file (the k-th of n: record (k-1) mod n), and the
// replay ends by itself.
func TestReplayLoadTest(t *testing.T) {
	r := startRelay(t, nil)
	const n = 7
	file := synthetic(t, n)
	code, out := r.replay("ws01", "-rate", "500", "-duration", "300ms", "-batch-events", "20", file)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	evs := r.rec.Events()
	if len(evs) <= n {
		t.Fatalf("%d events: the records were not sent round again\n%s", len(evs), out)
	}
	seen := map[int64]bool{}
	for _, e := range evs {
		v, _ := e.Field("winlog.record_id")
		k := v.Num
		if k < 1 || k > int64(len(evs)) || seen[k] {
			t.Fatalf("record id %d of %d events (seen before: %v)", k, len(evs), seen[k])
		}
		seen[k] = true
		if want := agenttest.Record1K(uint64((k-1)%n + 1)); !bytes.Equal([]byte(e.Original), want) {
			t.Fatalf("record id %d carries another record", k)
		}
	}
	if !bytes.Contains([]byte(out), []byte("load test complete")) {
		t.Fatalf("no completion message:\n%s", out)
	}
}
