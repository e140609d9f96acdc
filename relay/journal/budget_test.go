package journal

import (
	"testing"
)

// TestMemoryTailBudget: in disk mode the hot tail never holds more than
// Options.TailBytes beyond the latest append ([limits]
// journal_memory_tail), its gauge says what it holds, and a reader that
// fell behind it still gets every event (from disk).
func TestMemoryTailBudget(t *testing.T) {
	const budget = 64 << 10
	j := openJournalWith(t, diskConfig(t.TempDir()), Options{TailBytes: budget})
	r := mustReader(t, j, "slow", StartEnd)
	var largest int64
	for i := 0; i < 2000; i += 100 {
		evs := testEvents(i, 100)
		var chunk int64
		for _, e := range evs {
			chunk += eventSize(e)
		}
		largest = max(largest, chunk)
		mustAppend(t, j, evs)
		gauge := int64(metricValue(j.m.TailBytes))
		j.mu.Lock()
		held := j.tail.bytes
		j.mu.Unlock()
		if gauge != held {
			t.Fatalf("gauge %d, tail holds %d", gauge, held)
		}
		if held > budget+largest {
			t.Fatalf("tail holds %d bytes, budget %d (+ one append of %d)", held, budget, largest)
		}
	}
	j.mu.Lock()
	first := j.tail.first()
	j.mu.Unlock()
	if first == 1 {
		t.Fatal("the tail kept every event: the test appended too little to exceed the budget")
	}
	wantSeqs(t, readAll(t, r, 2000), 0, 2000)
}
