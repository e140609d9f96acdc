// Package statelock keeps two processes from using one state directory at
// once: two relays writing the same journal or cursors would corrupt each
// other silently.
//
// Lock takes an exclusive, non-blocking flock(2) on a lock file inside the
// directory and writes the holder's pid into it. A second taker (another
// process, or the same process through another open file) fails at once
// with an error naming the directory and the holder's pid. The kernel
// releases the lock when the holder closes it or exits, however it exits
// (kill -9 included), so a stale lock file never blocks a restart.
//
// On systems without flock (the Windows build of the agent, which does not
// use it) Lock only writes the pid: there is no exclusion.
package statelock

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// FileName is the lock file created inside the locked directory.
const FileName = ".lock"

// ErrLocked is wrapped by the error Lock returns when another holder has
// the lock.
var ErrLocked = errors.New("in use by another process")

// Lock is a held lock; Close releases it.
type Lock struct {
	f   *os.File
	dir string
}

// Acquire locks dir, which must exist. Call it before opening anything in
// dir.
func Acquire(dir string) (*Lock, error) {
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := flock(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("state directory %s is %w (pid %s holds %s)", dir, ErrLocked, holder(path), path)
		}
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	// The pid is for the error message of the next taker only: the lock
	// itself is the flock, which needs no content.
	pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt(pid, 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: write pid: %w", dir, err)
	}
	return &Lock{f: f, dir: dir}, nil
}

// Dir returns the locked directory.
func (l *Lock) Dir() string { return l.dir }

// Close releases the lock. The lock file stays (removing it would race
// with a new taker that already opened it).
func (l *Lock) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the last descriptor releases the flock
	l.f = nil
	return err
}

// holder reads the pid the current holder wrote ("unknown" if it has not
// written it yet or the file cannot be read).
func holder(path string) string {
	b, err := os.ReadFile(path)
	b = bytes.TrimSpace(b)
	if err != nil || len(b) == 0 {
		return "unknown"
	}
	if _, err := strconv.Atoi(string(b)); err != nil {
		return "unknown"
	}
	return string(b)
}
