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

// TestTailHoldsOnlyWhatReadersNeed: in disk mode the tail drops what
// every open reader has committed, so outputs that keep up hold no more
// memory than what they have not delivered; a reader that has not
// committed keeps its events there (up to the budget).
func TestTailHoldsOnlyWhatReadersNeed(t *testing.T) {
	j := openJournalWith(t, diskConfig(t.TempDir()), Options{TailBytes: 1 << 30})
	fast := mustReader(t, j, "fast", StartEnd)
	slow := mustReader(t, j, "slow", StartEnd)
	tailFirst := func() uint64 {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.tail.empty() {
			return j.next
		}
		return j.tail.first()
	}
	for i := 0; i < 1000; i += 100 {
		mustAppend(t, j, testEvents(i, 100))
		wantSeqs(t, readAll(t, fast, 1000), i, 100) // reads and commits
	}
	if first := tailFirst(); first != 1 {
		t.Fatalf("the tail starts at %d while a reader has committed nothing", first)
	}
	if err := slow.Commit(600); err != nil {
		t.Fatal(err)
	}
	if first := tailFirst(); first != 601 {
		t.Errorf("the tail starts at %d, want 601 (the slow reader committed 600)", first)
	}
	slow.Close() // a closed reader needs nothing from memory
	mustAppend(t, j, testEvents(1000, 100))
	if first := tailFirst(); first != 1001 {
		t.Errorf("the tail starts at %d, want 1001", first)
	}
	if got := int64(metricValue(j.m.TailBytes)); got == 0 {
		t.Error("the gauge says the tail is empty; it holds the last append")
	}
	wantSeqs(t, readAll(t, fast, 1000), 1000, 100)
	slow = mustReader(t, j, "slow", StartEnd)
	wantSeqs(t, readAll(t, slow, 1000), 600, 500) // from disk
}
