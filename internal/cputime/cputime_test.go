package cputime

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// TestSelfAndOf: both grow with the work this process does, and /proc's
// figure (whole clock ticks, read first) never exceeds getrusage's.
func TestSelfAndOf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/<pid>/stat is Linux's")
	}
	before := Self()
	x := 0
	for Self()-before < 50*time.Millisecond { // work until the CPU clock moved
		for i := range 1_000_000 {
			x += i
		}
	}
	proc, ok := Of(os.Getpid())
	self := Self()
	if !ok || proc <= 0 {
		t.Fatalf("Of(own pid) = %v, %v after %v of CPU (x=%d)", proc, ok, self-before, x)
	}
	if proc > self {
		t.Errorf("/proc says %v, getrusage only %v, read after it", proc, self)
	}
	if d, ok := Of(-1); ok {
		t.Errorf("Of(-1) = %v, true; want false", d)
	}
}
