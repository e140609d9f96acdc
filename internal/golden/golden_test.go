package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestCompare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "case", "expected.txt")
	r := &recorder{TB: t}
	Compare(r, path, []byte("x"))
	if !r.failed {
		t.Fatal("a missing golden file must fail")
	}
	Write(t, path, []byte("x\n"))
	r = &recorder{TB: t}
	Compare(r, path, []byte("x\n"))
	if r.failed {
		t.Fatal("equal content failed")
	}
	Compare(r, path, []byte("y\n"))
	if !r.failed {
		t.Fatal("different content passed")
	}
	if b, _ := os.ReadFile(path); string(b) != "x\n" {
		t.Fatalf("Compare without -update changed the file: %q", b)
	}
}
