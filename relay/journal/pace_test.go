package journal

import (
	"context"
	"testing"
	"time"
)

// fillTail appends events from seq n on until the tail holds at least
// three quarters of TailBytes, and returns the next seq.
func fillTail(t *testing.T, j *testJournal, n int) int {
	t.Helper()
	for j.tail.bytes < j.tailMax/4*3 {
		mustAppend(t, j, testEvents(n, 10))
		n += 10
	}
	return n
}

// openDelivering opens a journal with a 64 KiB tail and an output "out"
// that has just read and committed its first event: it is delivering.
func openDelivering(t *testing.T) (*testJournal, *Reader) {
	t.Helper()
	j := openJournalWith(t, diskConfig(t.TempDir()), Options{TailBytes: 64 << 10})
	r := mustReader(t, j, "out", StartOldest)
	mustAppend(t, j, testEvents(0, 1))
	readAll(t, r, 10)
	return j, r
}

// deliveringOutput is openDelivering with the tail then filled to three
// quarters, the output's last commit dated now (filling took a while on
// a busy machine); n is the next seq.
func deliveringOutput(t *testing.T) (*testJournal, *Reader, int) {
	t.Helper()
	j, r := openDelivering(t)
	n := fillTail(t, j, 1)
	j.mu.Lock()
	r.c.lastCommit = time.Now()
	j.mu.Unlock()
	return j, r, n
}

// TestPaceWaitsForDeliveringOutput: with the tail three quarters full of
// events an output that is delivering has not committed, an append waits
// for its next commit (and is counted), so that the output keeps reading
// from memory instead of falling behind to the disk.
func TestPaceWaitsForDeliveringOutput(t *testing.T) {
	j, r, n := deliveringOutput(t)
	if got := metricValue(j.m.Paced); got != 0 {
		t.Fatalf("paced %v appends while the tail filled up", got)
	}
	// The append waits until the output commits (or paceMax after its
	// last commit passes; a slow machine may get there first: then it
	// must still be counted).
	done := appendWaiting(t, j, n, "the output")
	seqs := readAll(t, r, 1000) // commits what it read: the append goes on
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantSeqs(t, append(seqs, readAll(t, r, 1000)...), 1, n+9)
	if got := metricValue(j.m.DiskReads.WithLabelValues("out")); got != 0 {
		t.Errorf("the output read %v events from disk", got)
	}
}

// TestPaceJudgesByWhatTheOutputRead: the batch an output has read and is
// still writing may leave the tail (appends that were not paced pushed
// it out); the output still reads from memory, so appends go on waiting
// for it, and it reads nothing from disk.
func TestPaceJudgesByWhatTheOutputRead(t *testing.T) {
	j, r, n := deliveringOutput(t)
	batch, err := r.TryNext(1 << 20) // the whole tail: the batch being written
	if err != nil {
		t.Fatal(err)
	}
	last := batch[len(batch)-1].ID
	// Appends that were not paced push the start of the batch, which
	// the output has not committed yet, out of the tail, but not its end.
	for {
		j.mu.Lock()
		held := j.next - j.tail.first()
		gone := j.tail.first() > r.c.committed+1+held/4
		j.mu.Unlock()
		if gone {
			break
		}
		mustAppend(t, j, testEvents(n, 10))
		n += 10
	}
	j.mu.Lock()
	if j.tail.first() > last+1 {
		t.Fatalf("the tail starts at %d, past the batch read up to %d", j.tail.first(), last)
	}
	r.c.lastCommit = time.Now()
	j.mu.Unlock()
	done := appendWaiting(t, j, n, "an output reading from memory")
	if err := r.Commit(last); err != nil { // the batch is written
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantSeqs(t, readAll(t, r, 1<<20), int(last), n+10-int(last))
	if got := metricValue(j.m.DiskReads.WithLabelValues("out")); got != 0 {
		t.Errorf("the output read %v events from disk", got)
	}
}

// TestPaceNeverWaitsForStoppedOutput: an output that has not committed
// for paceMax holds no append, however full the tail, and it falls
// behind to the disk.
func TestPaceNeverWaitsForStoppedOutput(t *testing.T) {
	j, r := openDelivering(t)
	j.mu.Lock()
	r.c.lastCommit = time.Now().Add(-paceMax) // as if it stopped a while ago
	j.mu.Unlock()
	n := fillTail(t, j, 1)
	for i := 0; i < 100; i++ {
		if err := j.AppendPaced(context.Background(), testEvents(n, 10), nil); err != nil {
			t.Fatal(err)
		}
		n += 10
	}
	if got := metricValue(j.m.Paced); got != 0 {
		t.Fatalf("%v appends waited for an output that stopped delivering", got)
	}
	wantSeqs(t, readAll(t, r, 1000), 1, n-1)
	if got := metricValue(j.m.DiskReads.WithLabelValues("out")); got == 0 {
		t.Error("the output that fell behind read nothing from disk")
	}
}

// TestPaceIsBounded: an output that committed recently but does not
// commit again holds appends until paceMax after its last commit, then
// no more; Append (for a pipeline whose inputs are backing up) never
// waits.
func TestPaceIsBounded(t *testing.T) {
	j, _, n := deliveringOutput(t)                                                      // its reader stays open until the test ends
	if err := j.AppendPaced(context.Background(), testEvents(n, 10), nil); err != nil { // returns: the wait is bounded
		t.Fatal(err)
	}
	if got := metricValue(j.m.Paced); got != 1 {
		t.Fatalf("paced %v appends, want 1", got)
	}
	// paceMax has passed since the output's last commit: it stopped
	// delivering, and holds no further append.
	if err := j.AppendPaced(context.Background(), testEvents(n+10, 10), nil); err != nil {
		t.Fatal(err)
	}
	if got := metricValue(j.m.Paced); got != 1 {
		t.Fatalf("an output that stopped delivering held %v appends, want 1", got)
	}
	mustAppend(t, j, testEvents(n+20, 10))
	if got := metricValue(j.m.Paced); got != 1 {
		t.Fatalf("Append waited (paced %v appends, want 1)", got)
	}
}

// TestPaceEndsOnStop: closing stop (the pipeline's datagram listeners
// are filling its queue) ends a pacing wait at once.
func TestPaceEndsOnStop(t *testing.T) {
	j, _, n := deliveringOutput(t)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- j.AppendPaced(context.Background(), testEvents(n, 10), stop) }()
	for metricValue(j.m.Paced) == 0 {
		time.Sleep(100 * time.Microsecond)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := metricValue(j.m.DiskReads.WithLabelValues("out")); got != 0 {
		t.Fatalf("disk reads %v before the reader read anything", got)
	}
}

// fallBehind appends (without pacing, as while the output stalled) until
// r's output is more than paceBehind tails behind the tail, and returns
// the next seq.
func fallBehind(t *testing.T, j *testJournal, r *Reader, n int) int {
	t.Helper()
	for {
		j.mu.Lock()
		far := !j.tail.empty() && r.c.read+1+paceBehind*(j.next-j.tail.first()) < j.tail.first()
		j.mu.Unlock()
		if far {
			return n
		}
		mustAppend(t, j, testEvents(n, 10))
		n += 10
	}
}

// TestPaceBringsBackOutputAfterStall: an output that stalled while the
// pipeline went on, further behind than paceBehind tails but by less
// than paceWindow of ingest, is paced back into the tail once it commits
// again: appends wait for its commits until it reads from memory.
func TestPaceBringsBackOutputAfterStall(t *testing.T) {
	j, r := openDelivering(t)
	n := fallBehind(t, j, r, 1)
	j.mu.Lock()
	r.c.lastCommit = time.Now() // it commits again
	j.mu.Unlock()
	done := appendWaiting(t, j, n, "an output that stalled a moment ago")
	seqs := readAll(t, r, 1000) // reads (from disk) and commits: the append goes on
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantSeqs(t, append(seqs, readAll(t, r, 1000)...), 1, n+9)
}

// TestPaceLetsBacklogGo: an output further behind than paceBehind tails
// and than paceWindow of ingest (a backlog after an outage) holds no
// append, although it is delivering.
func TestPaceLetsBacklogGo(t *testing.T) {
	j, r := openDelivering(t)
	n := fallBehind(t, j, r, 1)
	j.mu.Lock()
	j.recent = recentIDs{} // the backlog was appended before 2 windows ago
	j.recent.note(time.Now().Add(-2*paceWindow), j.next)
	r.c.lastCommit = time.Now()
	j.mu.Unlock()
	for i := 0; i < 10; i++ {
		if err := j.AppendPaced(context.Background(), testEvents(n, 10), nil); err != nil {
			t.Fatal(err)
		}
		n += 10
	}
	if got := metricValue(j.m.Paced); got != 0 {
		t.Fatalf("%v appends waited for an output catching up a backlog", got)
	}
	wantSeqs(t, readAll(t, r, 1<<20), 1, n-1)
}

// appendWaiting starts an append of 10 events at n and returns its result
// channel once the append is counted as paced; it fails the test if the
// append returns first (it did not wait for what).
func appendWaiting(t *testing.T, j *testJournal, n int, what string) chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- j.AppendPaced(context.Background(), testEvents(n, 10), nil) }()
	for metricValue(j.m.Paced) == 0 {
		select {
		case err := <-done:
			t.Fatalf("the append did not wait for %s (err %v)", what, err)
		default:
			time.Sleep(100 * time.Microsecond)
		}
	}
	return done
}
