package journal

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// blocksOf returns the block index of a segment file as found on disk.
func blocksOf(t *testing.T, path string) []blockPos {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	r := scan(f, &segment{first: firstOf(t, path)}, st.Size(), true)
	if r.err != nil {
		t.Fatalf("%s: %v", path, r.err)
	}
	return r.index
}

func firstOf(t *testing.T, path string) uint64 {
	n, err := strconv.ParseUint(filepath.Base(path)[:20], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func corrupt(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b [1]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x55
	if _, err := f.WriteAt(b[:], off); err != nil {
		t.Fatal(err)
	}
}

// TestTornTailRecovery damages the end of the last segment the ways a
// crash (or a bad disk) can and checks that opening cuts off exactly the
// damaged blocks, recovers the good blocks after a damaged one, reads
// everything else back, counts what is lost (the journal was closed
// cleanly, so every ID up to 1000 was handed out) and never hands out an
// ID again.
func TestTornTailRecovery(t *testing.T) {
	const batches, per = 10, 100
	cases := []struct {
		name   string
		damage func(t *testing.T, path string, blocks []blockPos)
		keep   int // blocks that survive
	}{
		{"cut-in-last-body", func(t *testing.T, p string, b []blockPos) {
			os.Truncate(p, b[9].off+b[9].size-7)
		}, 9},
		{"cut-in-last-header", func(t *testing.T, p string, b []blockPos) {
			os.Truncate(p, b[9].off+5)
		}, 9},
		{"cut-at-boundary", func(t *testing.T, p string, b []blockPos) {
			os.Truncate(p, b[8].off+b[8].size)
		}, 9},
		{"flipped-byte-in-last-body", func(t *testing.T, p string, b []blockPos) {
			corrupt(t, p, b[9].off+headerLen+20)
		}, 9},
		{"flipped-id-in-header", func(t *testing.T, p string, b []blockPos) {
			corrupt(t, p, b[9].off+9)
		}, 9},
		{"damaged-body-in-the-middle", func(t *testing.T, p string, b []blockPos) {
			corrupt(t, p, b[4].off+headerLen+100)
		}, 9},
		{"damaged-header-in-the-middle", func(t *testing.T, p string, b []blockPos) {
			corrupt(t, p, b[4].off+1)
		}, 9},
		{"zeros-after-the-end", func(t *testing.T, p string, b []blockPos) {
			f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
			f.Write(make([]byte, 4096))
			f.Close()
		}, 10},
		{"file-header-only", func(t *testing.T, p string, b []blockPos) {
			os.Truncate(p, segHdrLen)
		}, 0},
		{"torn-file-header", func(t *testing.T, p string, b []blockPos) {
			os.Truncate(p, 3)
		}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			j := openJournal(t, diskConfig(dir))
			mustReader(t, j, "out", StartOldest).Close() // its cursor keeps what it has not read
			for i := 0; i < batches; i++ {
				mustAppend(t, j, testEvents(i*per, per))
			}
			j.Close()
			path := filepath.Join(dir, segName(1))
			blocks := blocksOf(t, path)
			if len(blocks) != batches {
				t.Fatalf("%d blocks, want one per append", len(blocks))
			}
			tc.damage(t, path, blocks)

			j = openJournal(t, diskConfig(dir))
			if got := j.LastID(); got != batches*per {
				t.Fatalf("LastID after recovery = %d, want %d (the highest ID handed out)", got, batches*per)
			}
			more := testEvents(batches*per, 5)
			mustAppend(t, j, more)
			if more[0].ID != batches*per+1 {
				t.Fatalf("next ID %d, want %d: IDs are never reused", more[0].ID, batches*per+1)
			}
			middle := strings.Contains(tc.name, "in-the-middle")
			var want []int
			for b := 0; b < batches; b++ {
				if !middle && b < tc.keep || middle && b != 4 {
					for i := 0; i < per; i++ {
						want = append(want, b*per+i)
					}
				}
			}
			want = append(want, batches*per, batches*per+1, batches*per+2, batches*per+3, batches*per+4)
			got := readAll(t, mustReader(t, j, "out", StartOldest), 64)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("read %d events %v..., want %d", len(got), head(got), len(want))
			}
			if lost := j.droppedCount("corrupt"); lost != (batches-tc.keep)*per {
				t.Fatalf("counted %d events lost to damage, want %d", lost, (batches-tc.keep)*per)
			}
		})
	}
}

func head(s []int) []int { return s[:min(len(s), 10)] }

// copyJournal copies the segments and the ID high-water mark of an open
// journal: what a kill -9 (or a power loss once they are fsynced) leaves.
func copyJournal(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		switch {
		case e.Name() == ".lock":
		case e.IsDir():
			if err := os.CopyFS(filepath.Join(to, e.Name()), os.DirFS(filepath.Join(from, e.Name()))); err != nil {
				t.Fatal(err)
			}
		default:
			b, err := os.ReadFile(filepath.Join(from, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o640); err != nil {
				t.Fatal(err)
			}
		}
	}
	return to
}

// TestCrashNeverReusesIDs: after a crash that tore the tail of the last
// segment (events appended, maybe published, then lost), new events get
// IDs above every ID handed out before, a reader skips the IDs that were
// never written without counting them as damage, and reads on.
func TestCrashNeverReusesIDs(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, diskConfig(dir))
	mustReader(t, j, "out", StartOldest)
	for i := 0; i < 10; i++ {
		mustAppend(t, j, testEvents(i*100, 100))
	}
	crashed := copyJournal(t, dir) // the journal is still open: no clean close
	path := filepath.Join(crashed, segName(1))
	b := blocksOf(t, path)
	if err := os.Truncate(path, b[7].off+b[7].size/2); err != nil { // blocks 7..9 were not fsynced
		t.Fatal(err)
	}

	j2 := openJournal(t, diskConfig(crashed))
	more := testEvents(2000, 5)
	mustAppend(t, j2, more)
	if more[0].ID <= 1000 {
		t.Fatalf("new event got ID %d, but IDs up to 1000 were handed out before the crash", more[0].ID)
	}
	got := readAll(t, mustReader(t, j2, "out", StartOldest), 64)
	if len(got) != 705 || got[699] != 699 || got[700] != 2000 {
		t.Fatalf("read %d events %v..., want 0..699 then 2000..2004", len(got), head(got))
	}
	if lost := j2.droppedCount("corrupt"); lost != 0 {
		t.Fatalf("IDs skipped after a crash counted as %d damaged events", lost)
	}
	// And again: the new IDs survive a restart and are not reused either.
	j2.Close()
	j3 := openJournal(t, diskConfig(crashed))
	if j3.LastID() != more[4].ID {
		t.Fatalf("LastID after a clean restart = %d, want %d", j3.LastID(), more[4].ID)
	}
	again := testEvents(3000, 1)
	mustAppend(t, j3, again)
	if again[0].ID != more[4].ID+1 {
		t.Fatalf("ID after a clean restart = %d, want %d", again[0].ID, more[4].ID+1)
	}
}

// TestDamageInOlderSegment: only the last segment is verified on open; a
// damaged block further back is found by the readers, skipped, counted once
// and logged, and the rest is read.
func TestDamageInOlderSegment(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSegments(t, dir, 16<<10, 3000, "a", "b")
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(segs) < 4 || len(blocksOf(t, segs[0])) < 3 || len(blocksOf(t, segs[1])) < 3 {
		t.Fatalf("want at least 4 segments of 3 blocks, got %d", len(segs))
	}
	// A damaged body in segment 0 block 1; a damaged header in segment 1
	// block 1 (the blocks after it are found again by their headers).
	b0 := blocksOf(t, segs[0])
	corrupt(t, segs[0], b0[1].off+headerLen+50)
	b1 := blocksOf(t, segs[1])
	corrupt(t, segs[1], b1[1].off)
	lostBody := int(b0[1].count)
	lostRest := int(b1[1].count)

	j := openJournal(t, cfg)
	r1 := mustReader(t, j, "a", StartOldest)
	r2 := mustReader(t, j, "b", StartOldest)
	got1, got2 := readAll(t, r1, 100), readAll(t, r2, 33)
	if len(got1) != 3000-lostBody-lostRest || len(got2) != len(got1) {
		t.Fatalf("read %d and %d events, want %d", len(got1), len(got2), 3000-lostBody-lostRest)
	}
	if lost := j.droppedCount("corrupt"); lost != lostBody+lostRest {
		t.Fatalf("counted %d lost events, want %d (once, not per reader)", lost, lostBody+lostRest)
	}
	for i := 1; i < len(got1); i++ {
		if got1[i] <= got1[i-1] {
			t.Fatalf("out of order at %d", i)
		}
	}
}

// TestCrashChild is the child of TestKill9: it appends until it is killed,
// printing the last ID of every append once Append has returned.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("NOMEN_JOURNAL_CRASH_DIR")
	if dir == "" {
		t.Skip("run by TestKill9")
	}
	cfg := diskConfig(dir)
	cfg.SegmentSize = 256 << 10 // rolls often, so kills land around rolls too
	cfg.MaxBytes = 1 << 30
	cfg.Fsync = os.Getenv("NOMEN_JOURNAL_CRASH_FSYNC")
	j, err := Open(cfg, Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	next := int(j.LastID())
	fmt.Fprintln(out, "start", next) // event n has ID n+1: after a kill the IDs jump
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), 1))
	for {
		n := 1 + rng.IntN(300)
		if err := j.Append(context.Background(), testEvents(next, n)); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		next += n
		fmt.Fprintln(out, next)
		out.Flush() // the parent must see it before the next append starts
	}
}

// TestKill9 SIGKILLs a process in the middle of appending, three times
// over the same journal, and checks after each that every event whose
// append returned is there exactly once, in order, and that IDs are never
// reused (they jump past the reservation after a kill).
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, policy := range []string{FsyncNever, FsyncInterval} {
		t.Run(policy, func(t *testing.T) {
			dir := t.TempDir()
			acked := 0
			// The checking reader's cursor exists from the start, so that the
			// child's retention keeps what it has not checked.
			j := openJournal(t, diskConfig(dir))
			mustReader(t, j, "check", StartOldest)
			j.Close()
			for round := 0; round < 3; round++ {
				cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), "NOMEN_JOURNAL_CRASH_DIR="+dir, "NOMEN_JOURNAL_CRASH_FSYNC="+policy)
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				cmd.Stderr = os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				sc := bufio.NewScanner(stdout)
				var start int
				if !sc.Scan() {
					t.Fatal("child said nothing")
				}
				if _, err := fmt.Sscanf(sc.Text(), "start %d", &start); err != nil || start < acked {
					t.Fatalf("child: %q after %d was acknowledged", sc.Text(), acked)
				}
				acked = start
				lines := 0
				killAt := 50 + rand.IntN(150)
				for sc.Scan() {
					n, err := strconv.Atoi(sc.Text())
					if err != nil {
						t.Fatalf("child: %s", sc.Text())
					}
					if n <= acked {
						t.Fatalf("child reported %d after %d", n, acked)
					}
					acked = n
					if lines++; lines == killAt {
						cmd.Process.Signal(syscall.SIGKILL)
					}
				}
				cmd.Wait()
				if lines < killAt {
					t.Fatalf("child stopped after %d appends", lines)
				}

				j := openJournal(t, diskConfig(dir))
				// The checking reader's cursor continues where the previous
				// round's check stopped (and lets retention work): it reads
				// this round's events, from the child's start on.
				seqs := readAll(t, mustReader(t, j, "check", StartOldest), 1000)
				if len(seqs) < acked-start {
					t.Fatalf("round %d: %d events journaled, but appends of %d returned", round, len(seqs), acked-start)
				}
				wantSeqs(t, seqs, start, len(seqs))
				acked = start + len(seqs)
				if last := int(j.LastID()); last < acked {
					t.Fatalf("round %d: LastID %d is below the last event read, %d", round, last, acked)
				}
				j.Close()
				t.Logf("round %d: %d events after kill", round, acked)
			}
		})
	}
}

// TestLagAfterCrash: after a crash an output's lag counts the events it
// has not delivered, not the IDs the journal skipped past its reservation
// (it showed about a million after every kill -9); also after a second
// crash, for an output that delivered nothing meanwhile (the no-events
// file); a damaged no-events file counts the IDs again, nothing worse.
func TestLagAfterCrash(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, diskConfig(dir))
	r := mustReader(t, j, "out", StartOldest)
	for i := 0; i < 10; i++ {
		mustAppend(t, j, testEvents(i*100, 100))
	}
	if err := r.Commit(400); err != nil {
		t.Fatal(err)
	}
	crashed := copyJournal(t, dir) // no clean close

	j2 := openJournal(t, diskConfig(crashed))
	r2 := mustReader(t, j2, "out", StartOldest)
	if lag := r2.Lag(); lag != 600 {
		t.Fatalf("lag after the crash = %d, want the 600 events after the committed 400", lag)
	}
	mustAppend(t, j2, testEvents(2000, 5))
	if lag := r2.Lag(); lag != 605 {
		t.Fatalf("lag after 5 more events = %d, want 605", lag)
	}
	crashedAgain := copyJournal(t, crashed)

	j3 := openJournal(t, diskConfig(crashedAgain))
	r3 := mustReader(t, j3, "out", StartOldest)
	mustAppend(t, j3, testEvents(3000, 2))
	if lag := r3.Lag(); lag != 607 {
		t.Fatalf("lag after a second crash = %d, want 607", lag)
	}
	if got := readAll(t, r2, 64); len(got) != 605 {
		t.Fatalf("read %d events, want the 605 the lag said", len(got))
	}
	if got := readAll(t, r3, 64); len(got) != 607 {
		t.Fatalf("read %d events after the second crash, want the 607 the lag said", len(got))
	}

	if err := os.WriteFile(filepath.Join(crashedAgain, noEventsName), []byte("7 x\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if rs := loadNoEvents(crashedAgain, 1); rs != nil {
		t.Errorf("a damaged no-events file gave %v, want none", rs)
	}
}
