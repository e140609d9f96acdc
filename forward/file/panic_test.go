package file

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
)

// writePanics writes batch, which must panic (a nil event stands for
// any bug one event finds in the encoder), and returns the panic.
func writePanics(t *testing.T, s *File, batch []*event.Event) *panics.Panic {
	t.Helper()
	var p *panics.Panic
	func() {
		defer panics.Catch(&p)
		s.Write(context.Background(), batch)
	}()
	if p == nil {
		t.Fatal("writing a nil event did not panic")
	}
	return p
}

// TestFilePanicLeavesTheFileAsItWas: a panic while encoding, after part of
// the batch was written out, cuts the file back to the last recorded
// position and reaches the caller (relay/output recovers it); the next
// write goes on from there.
func TestFilePanicLeavesTheFileAsItWas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.log")
	s := openFile(t, Config{Path: path, Format: "json", BufferSize: 4096})
	defer s.Close()
	sinktest.MustWrite(t, s, sinktest.SeqEvents(1, 3))
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	batch := sinktest.SeqEvents(4, 100)
	writePanics(t, s, slices.Insert(slices.Clone(batch), 80, nil)) // after several flushes
	if got, _ := os.ReadFile(path); !bytes.Equal(got, before) {
		t.Fatalf("after the panic the file has %d bytes, want the %d it had", len(got), len(before))
	}
	if id, _ := s.Position(); id != 3 {
		t.Errorf("position %d after the panic, want 3", id)
	}
	sinktest.MustWrite(t, s, batch)
	checkSeq(t, readAll(t, path, false), 103)
}

// TestFileParallelPanicReachesTheWriter: a panic on an encoder goroutine
// is raised on the writer's (it would end the process there), with the
// encoder's stack, and the file is cut back.
func TestFileParallelPanicReachesTheWriter(t *testing.T) {
	evs := sinktest.SampleEvents(t, 1, 3*encodeChunk+17)
	path := filepath.Join(t.TempDir(), "events.jsonl")
	s := openFile(t, Config{Path: path, Format: "json"})
	defer s.Close()
	if len(s.par.encs) < 2 {
		t.Skip("GOMAXPROCS=1: batches are encoded by one goroutine")
	}
	sinktest.MustWrite(t, s, evs[:5])
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := slices.Insert(slices.Clone(evs[5:]), 2*encodeChunk+3, nil) // in a chunk after written ones
	p := writePanics(t, s, bad)
	if !bytes.Contains(p.Stack, []byte("encodePart")) {
		t.Errorf("the panic's stack is not the encoder's:\n%s", p.Stack)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, before) {
		t.Fatalf("after the panic the file has %d bytes, want the %d it had", len(got), len(before))
	}
	sinktest.MustWrite(t, s, evs[5:])
	if id, ok := s.Position(); !ok || id != evs[len(evs)-1].ID {
		t.Errorf("position %d (%v), want %d", id, ok, evs[len(evs)-1].ID)
	}
}
