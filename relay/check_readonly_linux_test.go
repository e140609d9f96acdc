package relay

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestCheckReadOnlyFilesystem: a file output in a directory on a
// read-only filesystem is an error at check, for root too (mode bits let
// root write anywhere; the output then failed to open at run).
func TestCheckReadOnlyFilesystem(t *testing.T) {
	ro := t.TempDir()
	if err := syscall.Mount("tmpfs", ro, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(ro, syscall.MNT_DETACH) })
	if err := os.Mkdir(filepath.Join(ro, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("", ro, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	out := filepath.Join(ro, "out")
	path := writeCheckConfig(t, `state_dir = "{{.Dir}}/state"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[output]]
name = "archive"
type = "file"
path = "`+out+`/events.jsonl"
`)
	r := Check(path, CheckOptions{})
	wantProblems(t, r.Errors, path+`:7: output "archive": path `+out+`/events.jsonl: `+out+` is on a read-only filesystem`)
}
