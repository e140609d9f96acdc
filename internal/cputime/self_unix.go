//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Self returns the CPU time this process has used so far (getrusage);
// 0 where it is not known.
func Self() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
