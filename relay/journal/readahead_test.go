package journal

import (
	"path/filepath"
	"testing"
)

// TestReadAhead: a reader behind the tail finds the next blocks of its
// segment being read ahead, and reads every event once, in order, also
// when it moves to the next segment or skips ahead (Seek).
func TestReadAhead(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSegments(t, dir, 64<<10, 4000, "out", "skip")
	if segs, _ := filepath.Glob(filepath.Join(dir, "*.seg")); len(segs) < 3 {
		t.Fatalf("%d segments, want several", len(segs))
	}
	j := openJournalWith(t, cfg, Options{CacheBytes: 1}) // the tail is empty: everything comes from disk
	r := mustReader(t, j, "out", StartOldest)
	r2 := mustReader(t, j, "skip", StartOldest) // holds the segments too
	evs, err := r.TryNext(10)
	if err != nil || len(evs) != 10 {
		t.Fatalf("TryNext: %d events, %v", len(evs), err)
	}
	if len(r.ahead) == 0 {
		t.Fatal("nothing is read ahead after the first block")
	}
	seqs := []int{}
	for _, e := range evs {
		seqs = append(seqs, seqOf(t, e))
	}
	seqs = append(seqs, readAll(t, r, 77)...)
	wantSeqs(t, seqs, 0, 4000)
	if got := metricValue(j.m.DiskReads.WithLabelValues("out")); got != 4000 {
		t.Errorf("nomen_journal_disk_read_events_total{output=out} = %v, want 4000 (all read from disk)", got)
	}

	// Skipping forward drops what was read ahead for the old position.
	if _, err := r2.TryNext(1); err != nil {
		t.Fatal(err)
	}
	if err := r2.Seek(2500); err != nil {
		t.Fatal(err)
	}
	wantSeqs(t, readAll(t, r2, 50), 2500, 1500)
}

// TestDiskReadsCounted: an output that keeps up with the tail reads
// nothing from disk; once it falls further behind than the tail holds,
// what it reads from disk is counted under its name.
func TestDiskReadsCounted(t *testing.T) {
	j := openJournalWith(t, diskConfig(t.TempDir()), Options{TailBytes: 64 << 10})
	r := mustReader(t, j, "out", StartOldest)
	disk := j.m.DiskReads.WithLabelValues("out")
	mustAppend(t, j, testEvents(0, 50))
	wantSeqs(t, readAll(t, r, 100), 0, 50)
	if got := metricValue(disk); got != 0 {
		t.Fatalf("a reader that keeps up read %v events from disk", got)
	}
	for i := 50; i < 5050; i += 50 { // far more than 64 KiB of tail
		mustAppend(t, j, testEvents(i, 50))
	}
	wantSeqs(t, readAll(t, r, 100), 50, 5000)
	if got := metricValue(disk); got == 0 || got >= 5000 {
		t.Fatalf("disk reads %v, want some (the oldest) but not all of 5000", got)
	}
}
