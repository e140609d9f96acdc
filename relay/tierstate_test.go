package relay

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/natsin"
	"github.com/nomenhq/nomen/relay/partition"
	"github.com/prometheus/client_golang/prometheus"
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

// TestCatchUpWaitsOncePerRound: a partition whose saved state is ahead of
// what this instance has read is not taken; the partitions taken in the
// same round share one wait (the same reader is behind for all): after a
// wait that ran out, the next partition is not waited for even if the
// reader catches up meanwhile; in the next round it is.
func TestCatchUpWaitsOncePerRound(t *testing.T) {
	ps := &partStates{wait: time.Second}
	ps.covered.Store(10)
	if err := ps.catchUp(10); err != nil {
		t.Errorf("read as far as the state: %v", err)
	}
	if err := ps.catchUp(11); err == nil {
		t.Error("taken with a state ahead of what was read")
	}
	go func() { time.Sleep(100 * time.Millisecond); ps.covered.Store(12) }()
	if err := ps.catchUp(12); err == nil {
		t.Error("waited again in the same round")
	}
	ps.waitEnd = time.Time{} // the next round
	if err := ps.catchUp(12); err != nil {
		t.Errorf("the reader caught up: %v", err)
	}
}

// panickyPartState stands for a stage's partition state with a bug:
// encoding it panics.
type panickyPartState struct{}

func (panickyPartState) MarshalJSON() ([]byte, error) {
	var windows map[string][]int
	windows["k"][2]++ // a nil map
	return nil, nil
}

// TestTierStateSavePanicIsSurvived: a partition state whose saving
// panics is not saved that time, counted as a failed save and in
// nomen_background_panics_total{task=tier_state}, and logged with its
// stack; the writer goes on (the next round saves it again).
func TestTierStateSavePanicIsSurvived(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	var log syncbuf.Buffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	ps := &partStates{met: partition.NewMetrics(reg), log: logger, panics: m.taskGuard(taskTierState, logger), written: map[string][32]byte{}}
	ps.putSafe(partObject{stage: "correlate", p: 3, seq: 7, state: panickyPartState{}})
	series := seriesOf(t, reg)
	if got := series["nomen_background_panics_total{task=tier_state}"]; got != 1 {
		t.Errorf("nomen_background_panics_total{task=tier_state} = %v, want 1", got)
	}
	if got := series["nomen_partition_states_total{op=save,result=failure}"]; got != 1 {
		t.Errorf("nomen_partition_states_total{op=save,result=failure} = %v, want 1", got)
	}
	if out := log.String(); !strings.Contains(out, "task=tier_state") || !strings.Contains(out, "tierstate_test.go") {
		t.Errorf("want the panic logged with its task and stack:\n%s", out)
	}
	if _, ok := ps.written["correlate.3"]; ok {
		t.Error("the state that panicked is remembered as written: the next round would not save it")
	}
}
