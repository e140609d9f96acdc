package sequence

import (
	"testing"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/stagetest"
)

// TestPanicKeepsEventAndGoesOn: an event the tracker panics on (here a nil
// one, standing for any bug one event finds) stays in the batch, in its
// place; the events after it are tracked; the panic is counted.
func TestPanicKeepsEventAndGoesOn(t *testing.T) {
	now := stagetest.Epoch
	tr, _ := openTracker(t, "", nil)
	a1, a2, a5 := rfc5424("a", 1, now), rfc5424("a", 2, now), rfc5424("a", 5, now)
	out := tr.Process([]*event.Event{a1, nil, a2, a5})
	if len(out) != 4 || out[0] != a1 || out[1] != nil || out[2] != a2 || out[3] != a5 {
		t.Fatalf("got %v, want the batch as it came", out)
	}
	if got := value(tr.m.panics); got != 1 {
		t.Errorf("panics counted %v, want 1", got)
	}
	c, ok := tr.streams.Get(mapKey("rfc5424:a/app/1"))
	if !ok {
		t.Fatal("stream a not tracked after the panic")
	}
	if s := tr.load(c); holes(&s) != "3-4" {
		t.Errorf("stream a after the panic: holes %q, want 3-4", holes(&s))
	}
}
