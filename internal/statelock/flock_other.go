//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package statelock

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// flock is a no-op where flock(2) does not exist: the lock then only
// records the pid (nomen's relay, the only user, runs on Linux).
func flock(*os.File) error { return nil }
