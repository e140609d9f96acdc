//go:build unix

package normtest

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user + system) this process has used: on
// a shared machine it says more about the code than the wall clock.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
