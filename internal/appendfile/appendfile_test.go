package appendfile

import (
	"os"
	"path/filepath"
	"testing"
)

// The size counts what is already there when the file is (re)opened, and
// what each write adds; the directory is created on first use.
func TestSizeAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dead.jsonl")
	a := New(path)
	if n, err := a.Size(); err != nil || n != 0 {
		t.Fatalf("new file: size %d, %v", n, err)
	}
	if err := a.Write([]byte("abc\n")); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b := New(path)
	if err := b.Write([]byte("de\n")); err != nil {
		t.Fatal(err)
	}
	if n, _ := b.Size(); n != 7 {
		t.Fatalf("size after reopen and write: %d, want 7", n)
	}
	b.Close()
	data, _ := os.ReadFile(path)
	if string(data) != "abc\nde\n" {
		t.Fatalf("content %q", data)
	}
}
