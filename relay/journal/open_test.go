package journal

import (
	"errors"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/statelock"
)

// TestOpenLocksTheDirectory: a second journal on the same directory is
// refused at once, naming the directory; after Close it opens.
func TestOpenLocksTheDirectory(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, diskConfig(dir))
	_, err := Open(diskConfig(dir), Options{})
	if !errors.Is(err, statelock.ErrLocked) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("second Open: %v, want ErrLocked naming %s", err, dir)
	}
	j.Close()
	j2, err := Open(diskConfig(dir), Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	j2.Close()
}
