// Package golden compares test output with files under testdata, the one
// copy of the -update mechanism: `go test ./pkg -run TestX -update`
// rewrites the files from what the code now produces; review the diff.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata from the current output (then review the diff)")

// Updating reports whether -update was given: a test that writes its
// golden files itself (several per case) asks before comparing.
func Updating() bool { return *update }

// Compare fails t unless got equals the file at path; under -update it
// writes got to path (creating its folder) instead.
func Compare(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		Write(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update and review the diff)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to rewrite it, then review the diff)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// Write writes a golden file, creating its folder.
func Write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
