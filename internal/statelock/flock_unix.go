//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package statelock

import (
	"os"
	"syscall"
)

var errWouldBlock = syscall.EWOULDBLOCK

// flock takes an exclusive lock on f without waiting. flock(2) locks belong
// to the open file description, so a second open of the same file in this
// process conflicts too.
func flock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			return err
		}
	}
}
