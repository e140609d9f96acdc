//go:build unix

package correlate

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process used (user + system): benchmarks
// report it per event too, since wall time means little on a shared,
// busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
