package sequence

import (
	"testing"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/stagetest"
)

func agentRecord(epoch, record int64) *event.Event {
	e := event.New(stagetest.Epoch)
	e.Format = "agent"
	e.SetStr("agent.id", "wks01")
	e.SetStr("host.name", "wks01")
	e.SetStr("winlog.channel", "Security")
	e.SetInt("nomen.agent.epoch", epoch)
	e.SetInt("winlog.record_id", record)
	return e
}

// TestOlderEpochResendIsDuplicate: records sent again under an agent epoch
// the stream has left are dropped and counted as duplicates, like resends
// in the current epoch (they used to pass: 500 duplicates downstream);
// records of that epoch beyond what was seen of it are kept.
func TestOlderEpochResendIsDuplicate(t *testing.T) {
	tr, _ := openTracker(t, "", nil)
	process := func(evs ...*event.Event) int {
		out := tr.Process(evs)
		tr.Applied(tr.AppliedID() + uint64(len(out)))
		return len(out)
	}
	const n = 500
	var first []*event.Event
	for r := int64(1); r <= n; r++ {
		first = append(first, agentRecord(1, r))
	}
	if got := process(first...); got != n {
		t.Fatalf("epoch 1: %d of %d kept", got, n)
	}
	if got := process(agentRecord(2, 1), agentRecord(2, 2)); got != 2 {
		t.Fatalf("epoch 2: %d of 2 kept", got)
	}
	dups := value(tr.m.duplicates)
	var again []*event.Event
	for r := int64(1); r <= n; r++ {
		again = append(again, agentRecord(1, r))
	}
	if got := process(again...); got != 0 {
		t.Errorf("epoch 1 sent again after epoch 2: %d of %d kept, want 0 (all duplicates)", got, n)
	}
	if got := value(tr.m.duplicates) - dups; got != n {
		t.Errorf("duplicates counted: %v, want %d", got, n)
	}
	if got := process(agentRecord(1, n+1)); got != 1 {
		t.Errorf("a record of epoch 1 beyond what was seen of it was dropped")
	}
	if got := process(agentRecord(2, 3)); got != 1 {
		t.Errorf("epoch 2 goes on: %d of 1 kept", got)
	}
}
