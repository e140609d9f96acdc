package relay

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/natsin"
)

// TestReplayFromFindsTheEventsAfterASequence: batches of the stream
// (sequences, some redelivered, some with events not from the stream)
// are journaled; the replay of a partition saved at sequence s starts
// after the last journal id whose events were all at or below s.
func TestReplayFromFindsTheEventsAfterASequence(t *testing.T) {
	ps := &partStates{}
	var id uint64
	batch := func(seqs ...int64) {
		var b []*event.Event
		for _, s := range seqs {
			e := event.New(time.Unix(0, 0))
			if s > 0 {
				e.SetInt(natsin.FieldSeq, s)
			}
			b = append(b, e)
		}
		ps.observe(b)
		id += uint64(len(b))
		ps.appended(id)
	}
	batch(1, 2, 3) // ids 1-3
	batch(0)       // 4: a finding made here
	batch(2, 4, 5) // 5-7: 2 redelivered
	batch(6)       // 8
	for _, c := range []struct{ seq, from uint64 }{{0, 0}, {2, 0}, {3, 3}, {4, 3}, {5, 7}, {6, 8}, {9, 8}} {
		if got := ps.replayFrom(c.seq); got != c.from {
			t.Errorf("replayFrom(%d) = %d, want %d", c.seq, got, c.from)
		}
	}
	if ps.covered.Load() != 6 {
		t.Errorf("covered %d, want 6", ps.covered.Load())
	}
}
