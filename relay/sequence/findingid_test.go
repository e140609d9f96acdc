package sequence

import (
	"fmt"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/findingid"
	"github.com/nomenhq/nomen/relay/stage/stagetest"
)

// gapIDs feeds the same numbered events to a fresh tracker whose journal
// already holds offset events and returns "stream first-last -> id" of
// every gap alert.
func gapIDs(t *testing.T, offset uint64) []string {
	now := stagetest.Epoch
	tr, _ := openTracker(t, "", func() time.Time { return now })
	tr.Applied(offset)
	last := offset
	var alerts []*event.Event
	keep := func(out []*event.Event) {
		last += uint64(len(out))
		tr.Applied(last)
		for _, e := range out {
			if e.Str("event.action") == actionGap {
				alerts = append(alerts, e)
			}
		}
	}
	// a: a hole 3-4; b: a hole 2-3; a restarts at 1 (confirming its hole)
	// and has a hole 3-4 again in its new run; c: a hole 2-9 of which 5
	// arrives, leaving two gaps.
	for _, s := range []struct {
		host string
		n    int64
	}{{"a", 1}, {"a", 2}, {"a", 5}, {"b", 1}, {"b", 4}, {"c", 1}, {"c", 10}, {"c", 5}, {"a", 1}, {"a", 2}, {"a", 5}} {
		now = now.Add(time.Second)
		keep(tr.Process([]*event.Event{rfc5424(s.host, s.n, now)}))
	}
	now = now.Add(time.Hour)
	keep(tr.Tick(now))
	var ids []string
	for _, e := range alerts {
		id := e.Str(findingid.Field)
		if len(id) != 32 {
			t.Fatalf("gap alert without an id: %s", e.Message)
		}
		ids = append(ids, fmt.Sprintf("%s %s-%s -> %s", e.Str(fieldStream), e.Str(fieldFirst), e.Str(fieldLast), id))
	}
	return ids
}

// TestGapIDsAreDeterministic: the same events give the same gap ids in a
// fresh tracker, whatever its journal IDs; different streams, holes and
// runs give different ids.
func TestGapIDsAreDeterministic(t *testing.T) {
	first := gapIDs(t, 0)
	if again := gapIDs(t, 5000); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("the same events gave other gap ids:\n%v\n%v", first, again)
	}
	if len(first) != 5 {
		t.Fatalf("want 5 gaps (a twice, b, c twice), got %v", first)
	}
	seen := map[string]string{}
	for _, s := range first {
		id := s[len(s)-32:]
		if prev, dup := seen[id]; dup {
			t.Errorf("two gaps share an id: %q and %q", prev, s)
		}
		seen[id] = s
	}
}
