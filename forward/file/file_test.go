package file

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/golden"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/pierrec/lz4/v4"
)

// openFile opens a file sink whose JSON lines carry observer.hostname relay1.
func openFile(t testing.TB, cfg Config) *File {
	t.Helper()
	s, err := New(cfg, forward.Runtime{Hostname: "relay1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFileGolden runs every case under testdata/forward/file: input.jsonl is
// written with format json and raw and compared with expected.jsonl and
// expected.raw.
func TestFileGolden(t *testing.T) {
	cases, _ := filepath.Glob("../../testdata/forward/file/*/input.jsonl")
	if len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, in := range cases {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			evs := sinktest.LoadEvents(t, in)
			for _, format := range []string{"json", "raw"} {
				path := filepath.Join(t.TempDir(), "out")
				s := openFile(t, Config{Path: path, Format: format})
				sinktest.MustWrite(t, s, evs[:1])
				sinktest.MustWrite(t, s, evs[1:])
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				ext := map[string]string{"json": "expected.jsonl", "raw": "expected.raw"}[format]
				golden.Compare(t, filepath.Join(dir, ext), got)
				if format == "json" {
					for i, line := range strings.Split(strings.TrimSuffix(string(got), "\n"), "\n") {
						if !json.Valid([]byte(line)) {
							t.Errorf("line %d is not valid JSON: %s", i+1, line)
						}
					}
				}
			}
		})
	}
}

func TestFileRawEscapesLineFeeds(t *testing.T) {
	got := appendRawLine(nil, "a\nb\n\nc")
	if want := "a\\nb\\n\\nc\n"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestFileConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "path is required"},
		{Config{Path: "x", Format: "xml"}, `format "xml"`},
		{Config{Path: "x", Mode: "rw"}, `mode "rw"`},
		{Config{Path: "x", Compress: "gzip"}, `compress "gzip"`},
		{Config{Path: "x", RotateKeep: -1}, "rotate_keep"},
		{Config{Path: "x", BufferSize: 10}, "buffer_size"},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
	if err := (Config{Path: "x"}).Validate(); err != nil {
		t.Errorf("minimal config: %v", err)
	}
}

func TestFilePositionAndMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "events.jsonl")
	s := openFile(t, Config{Path: path, Mode: "0600"})
	if _, ok := s.Position(); ok {
		t.Fatal("a new file has no position")
	}
	sinktest.MustWrite(t, s, sinktest.SampleEvents(t, 1, 5))
	if id, ok := s.Position(); !ok || id != 5 {
		t.Fatalf("Position = %d, %v; want 5, true", id, ok)
	}
	s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	s = openFile(t, Config{Path: path})
	defer s.Close()
	if id, ok := s.Position(); !ok || id != 5 {
		t.Fatalf("after reopen Position = %d, %v; want 5, true", id, ok)
	}
}

// readAll returns the lines of the rotated files (oldest first,
// decompressed) and then of the current file.
func readAll(t *testing.T, path string, useCLI bool) []string {
	t.Helper()
	dir, base := filepath.Dir(path), filepath.Base(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rotated []rotatedFile
	names := map[string]bool{}
	for _, de := range entries {
		names[de.Name()] = true
		if r, ok := parseRotated(base, de.Name()); ok {
			rotated = append(rotated, r)
		}
	}
	slices.SortFunc(rotated, func(a, b rotatedFile) int {
		if d := strings.Compare(a.stamp, b.stamp); d != 0 {
			return d
		}
		return a.n - b.n
	})
	var data bytes.Buffer
	for _, r := range rotated {
		full := filepath.Join(dir, r.name)
		switch {
		case r.compressed && useCLI:
			out, err := exec.Command("lz4", "-d", "-c", full).Output()
			if err != nil {
				t.Fatalf("lz4 -d %s: %v", r.name, err)
			}
			data.Write(out)
		case r.compressed:
			f, err := os.Open(full)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(&data, lz4.NewReader(f)); err != nil {
				t.Fatalf("decompress %s: %v", r.name, err)
			}
			f.Close()
		case names[r.name+".lz4"]:
			// compressed copy complete, original not yet deleted: read the .lz4
		default:
			b, err := os.ReadFile(full)
			if err != nil {
				t.Fatal(err)
			}
			data.Write(b)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data.Write(b)
	s := strings.TrimSuffix(data.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// checkSeq asserts that lines are the events 1..n, each once, in order.
func checkSeq(t *testing.T, lines []string, n uint64) {
	t.Helper()
	if uint64(len(lines)) != n {
		t.Errorf("%d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		_, rest, ok := strings.Cut(l, "seq=")
		id, err := strconv.ParseUint(strings.Fields(rest + " ")[0], 10, 64)
		if !ok || err != nil || id != uint64(i+1) {
			t.Fatalf("line %d holds %q, want seq=%08d", i+1, l, i+1)
		}
	}
}

// waitCompressed waits until no rotated file of path is left uncompressed.
func waitCompressed(t *testing.T, path string) {
	t.Helper()
	dir, base := filepath.Dir(path), filepath.Base(path)
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(dir)
		pending := 0
		for _, de := range entries {
			if r, ok := parseRotated(base, de.Name()); ok && !r.compressed {
				pending++
			}
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rotated files still uncompressed", pending)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFileRotateBySize(t *testing.T) {
	if _, err := exec.LookPath("lz4"); err != nil {
		t.Skip("the lz4 command is not installed (apt-get install lz4)")
	}
	path := filepath.Join(t.TempDir(), "events.log")
	s, err := New(Config{Path: path, Format: "raw", RotateSize: 4096, RotateKeep: 1000}, forward.Runtime{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	const batches, per = 40, 10 // ~1.3 KiB per batch: a rotation every 4th batch
	for b := 0; b < batches; b++ {
		sinktest.MustWrite(t, s, sinktest.SeqEvents(uint64(b*per+1), per))
	}
	waitCompressed(t, path)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkSeq(t, readAll(t, path, true), batches*per)
	if n := sinktest.CounterValue(s.m.rotations); n < 8 {
		t.Errorf("%v rotations, want about 10", n)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, de := range entries {
		if r, ok := parseRotated("events.log", de.Name()); ok {
			fi, _ := de.Info()
			if !r.compressed || fi.Mode().Perm() != 0o640 {
				t.Errorf("rotated file %s (mode %v): want compressed, mode 0640", de.Name(), fi.Mode().Perm())
			}
		}
	}
}

func TestFileRotateKeep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.log")
	s := openFile(t, Config{Path: path, Format: "raw", RotateSize: 1000, RotateKeep: 3})
	for b := 0; b < 20; b++ {
		sinktest.MustWrite(t, s, sinktest.SeqEvents(uint64(b*10+1), 10))
	}
	// The compressor prunes after each rotation; wait for the count to settle.
	deadline := time.Now().Add(10 * time.Second)
	for {
		entries, _ := os.ReadDir(filepath.Dir(path))
		var rotated []string
		for _, de := range entries {
			if _, ok := parseRotated("events.log", de.Name()); ok {
				rotated = append(rotated, de.Name())
			}
		}
		if len(rotated) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rotated files %v, want 3", rotated)
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Close()
	// The newest events are in the current file and the last 3 rotations.
	lines := readAll(t, path, false)
	if last := lines[len(lines)-1]; !strings.Contains(last, "seq=00000200") {
		t.Errorf("last line %q, want seq 200", last)
	}
}

func TestFileRotateByAge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.log")
	s := openFile(t, Config{Path: path, Format: "raw", RotateAge: config.Duration(50 * time.Millisecond), Compress: "none"})
	sinktest.MustWrite(t, s, sinktest.SeqEvents(1, 3))
	sinktest.MustWrite(t, s, sinktest.SeqEvents(4, 3)) // too young to rotate
	time.Sleep(80 * time.Millisecond)
	sinktest.MustWrite(t, s, sinktest.SeqEvents(7, 3)) // rotates first
	s.Close()
	lines := readAll(t, path, false)
	checkSeq(t, lines, 9)
	cur, _ := os.ReadFile(path)
	if n := strings.Count(string(cur), "\n"); n != 3 {
		t.Errorf("current file has %d lines, want 3 (the batch after the rotation)", n)
	}
}

func TestFileReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "events.log")
	s := openFile(t, Config{Path: path, Format: "raw"})
	defer s.Close()
	sinktest.MustWrite(t, s, sinktest.SeqEvents(1, 5))
	// logrotate: move the file away, then SIGHUP.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	sinktest.MustWrite(t, s, sinktest.SeqEvents(6, 2)) // still into the moved file
	if err := s.Reopen(); err != nil {
		t.Fatal(err)
	}
	sinktest.MustWrite(t, s, sinktest.SeqEvents(8, 3))
	old, _ := os.ReadFile(path + ".1")
	cur, _ := os.ReadFile(path)
	if n := strings.Count(string(old), "\n"); n != 7 {
		t.Errorf("moved file has %d lines, want 7", n)
	}
	if n := strings.Count(string(cur), "\n"); n != 3 || !strings.Contains(string(cur), "seq=00000008") {
		t.Errorf("new file: %q, want events 8-10", cur)
	}
	if id, _ := s.Position(); id != 10 {
		t.Errorf("Position %d, want 10", id)
	}
}

// TestFileCrashRecovery simulates a crash after a batch was written but
// before its position was recorded: the bytes beyond the record are cut
// off on Open and Position says where to resume.
func TestFileCrashRecovery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.log")
	s := openFile(t, Config{Path: path, Format: "raw"})
	sinktest.MustWrite(t, s, sinktest.SeqEvents(1, 10))
	// "Crash": no Close; the next batch reached the file but not the record.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("<13>Nov 22 10:15:02 host1 app: seq=00000011 half a batch\n<13>Nov 22 10:15")
	f.Close()

	s2 := openFile(t, Config{Path: path, Format: "raw"})
	id, ok := s2.Position()
	if !ok || id != 10 {
		t.Fatalf("Position %d, %v; want 10, true", id, ok)
	}
	sinktest.MustWrite(t, s2, sinktest.SeqEvents(11, 5)) // the worker replays from 11
	s2.Close()
	s.f.Close()
	s.pos.close()
	s.comp.stop()
	checkSeq(t, readAll(t, path, false), 15)
}

// TestFileCrashDuringRotation: the file was renamed but nomen died before
// starting the new one and recording it.
func TestFileCrashDuringRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.log")
	s := openFile(t, Config{Path: path, Format: "raw", Compress: "none"})
	sinktest.MustWrite(t, s, sinktest.SeqEvents(1, 10))
	s.Close()
	name, _ := rotatedName(path, time.Now())
	if err := os.Rename(path, name); err != nil {
		t.Fatal(err)
	}
	s = openFile(t, Config{Path: path, Format: "raw", Compress: "none"})
	if id, ok := s.Position(); !ok || id != 10 {
		t.Fatalf("Position %d, %v; want 10, true", id, ok)
	}
	sinktest.MustWrite(t, s, sinktest.SeqEvents(11, 5))
	s.Close()
	checkSeq(t, readAll(t, path, false), 15)
}

// TestFileWriteFailureIsAllOrNothing: after a failed write the sink
// repairs the file from its position record, so the worker's retry of the
// batch does not duplicate lines.
func TestFileWriteFailureIsAllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.log")
	s := openFile(t, Config{Path: path, Format: "raw", BufferSize: 4096})
	defer s.Close()
	sinktest.MustWrite(t, s, sinktest.SeqEvents(1, 3))
	// Make the next write fail: swap in a read-only descriptor of the file.
	good := s.f
	ro, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.f = ro
	err = s.Write(context.Background(), sinktest.SeqEvents(4, 100))
	good.Close()
	if err == nil {
		t.Fatal("write through a read-only descriptor succeeded")
	}
	if forward.IsPermanent(err) {
		t.Error("a write error must be retryable")
	}
	sinktest.MustWrite(t, s, sinktest.SeqEvents(4, 100)) // the retry
	checkSeq(t, readAll(t, path, false), 103)
}

// TestFileKill9 kills a writer process with SIGKILL several times while it
// writes and rotates, restarting it from its Position each time, like the
// relay does: at the end the files hold every event exactly once, in order.
func TestFileKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	path := filepath.Join(t.TempDir(), "events.log")
	for round := 0; round < 4; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFileKill9Child$", "-test.v")
		cmd.Env = append(os.Environ(), "NOMEN_FILE_CHILD="+path)
		stdout, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = w, w
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		started := make(chan string, 1)
		go func() { // the child says when it writes; a loaded machine may take long to start it
			var out strings.Builder
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				out.WriteString(sc.Text() + "\n")
				if strings.HasPrefix(sc.Text(), "child: writing") {
					started <- ""
					io.Copy(io.Discard, stdout)
					return
				}
			}
			started <- out.String()
		}()
		if out := <-started; out != "" {
			cmd.Wait()
			t.Fatalf("child did not start writing:\n%s", out)
		}
		// Let it write (and rotate) for a while, then kill it mid-stream.
		time.Sleep(time.Duration(100+rand.IntN(300)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		stdout.Close()
	}
	s := openFile(t, Config{Path: path, Format: "raw", RotateSize: 64 << 10, RotateKeep: 100000})
	last, ok := s.Position()
	waitCompressed(t, path)
	s.Close()
	if !ok || last < 100 {
		t.Fatalf("Position %d, %v: the child wrote too little", last, ok)
	}
	t.Logf("%d events written across 4 kill -9", last)
	checkSeq(t, readAll(t, path, false), last)
}

// TestFileKill9Child is the writer process of TestFileKill9.
func TestFileKill9Child(t *testing.T) {
	path := os.Getenv("NOMEN_FILE_CHILD")
	if path == "" {
		t.Skip("helper process of TestFileKill9")
	}
	s := openFile(t, Config{Path: path, Format: "raw", RotateSize: 64 << 10, RotateKeep: 100000})
	next, _ := s.Position()
	next++
	fmt.Println("child: writing from", next)
	for {
		n := 1 + rand.IntN(200)
		sinktest.MustWrite(t, s, sinktest.SeqEvents(next, n))
		next += uint64(n)
	}
}

func benchmarkFile(b *testing.B, format string) {
	evs := sinktest.SampleEvents(b, 1, 1024)
	path := filepath.Join(b.TempDir(), "bench.log")
	s := openFile(b, Config{Path: path, Format: format})
	defer s.Close()
	var bytesPerBatch int64
	{
		var enc event.Encoder
		for _, e := range evs {
			if format == "raw" {
				bytesPerBatch += int64(len(e.Original)) + 1
			} else {
				bytesPerBatch += int64(len(enc.AppendJSON(nil, e))) + 1
			}
		}
	}
	b.SetBytes(bytesPerBatch / int64(len(evs)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += len(evs) {
		n := min(len(evs), b.N-i)
		if err := s.Write(context.Background(), evs[:n]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFileJSON: ECS JSON lines of ~900 bytes, batches of 1024 (one op
// is one event).
func BenchmarkFileJSON(b *testing.B) { benchmarkFile(b, "json") }

// BenchmarkFileRaw: raw lines.
func BenchmarkFileRaw(b *testing.B) { benchmarkFile(b, "raw") }

// TestFileParallelJSON writes batches large enough to be encoded by several
// goroutines: the file must hold exactly what one encoder writes, in order,
// and a failed write must still be all or nothing.
func TestFileParallelJSON(t *testing.T) {
	evs := sinktest.SampleEvents(t, 1, (maxChunks+2)*encodeChunk+17) // more than one part
	enc := event.Encoder{Observer: "relay1"}
	var want []byte
	for _, e := range evs {
		want = append(enc.AppendJSON(want, e), '\n')
	}
	path := filepath.Join(t.TempDir(), "events.jsonl")
	s := openFile(t, Config{Path: path, Format: "json"})
	defer s.Close()
	if len(s.par.encs) < 2 {
		t.Skip("GOMAXPROCS=1: batches are encoded by one goroutine")
	}
	if !s.par.useful(evs) {
		t.Fatal("a batch of several chunks is not encoded in parallel")
	}
	sinktest.MustWrite(t, s, evs[:5])
	// A failing write (read-only descriptor) leaves nothing behind...
	good := s.f
	ro, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.f = ro
	if err := s.Write(context.Background(), evs[5:]); err == nil {
		t.Fatal("write through a read-only descriptor succeeded")
	}
	good.Close()
	// ...and the retry writes the batch once.
	sinktest.MustWrite(t, s, evs[5:])
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("file differs from one encoder's output: %d bytes, want %d", len(got), len(want))
	}
	if id, ok := s.Position(); !ok || id != evs[len(evs)-1].ID {
		t.Errorf("position %d (%v), want %d", id, ok, evs[len(evs)-1].ID)
	}
}
