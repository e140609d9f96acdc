package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWrite: the file is replaced whole; a failed fill leaves the old
// content and no temporary file behind.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state")
	if err := WriteFile(path, []byte("one\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("two\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	broken := errors.New("encoder failed")
	err := Write(path, 0o640, func(w io.Writer) error {
		io.WriteString(w, "thr")
		return broken
	})
	if !errors.Is(err, broken) {
		t.Errorf("Write returned %v, want the fill's error", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "two\n" {
		t.Errorf("after a failed write the file holds %q (%v), want the last whole content", b, err)
	}
	if _, err := os.Stat(path + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file was left behind: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v (%v), want 0640", fi.Mode().Perm(), err)
	}
	if err := SyncDir(dir); err != nil {
		t.Error(err)
	}
	if err := SyncDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("SyncDir of a missing directory returned nil")
	}
}
