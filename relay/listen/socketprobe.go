package listen

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"
)

// SocketState is what ProbeSocket found at a unix listener's path.
type SocketState int

const (
	SocketAbsent    SocketState = iota // nothing there: bind creates it
	SocketStale                        // a socket file nobody serves (a previous run's): safe to remove
	SocketLive                         // a socket a process answers on (journald's /dev/log, another nomen)
	SocketNotSocket                    // a file or directory: never removed
)

// socketProbeTimeout bounds a probe's connect; a unix connect answers at
// once (a stream listener with a full backlog says EAGAIN, which counts
// as live), so this only matters on a wedged host.
const socketProbeTimeout = time.Second

// ProbeSocket tells whether the socket file at path is in use, before
// `nomen run` removes a stale one to bind there and before `nomen check`
// warns about it: a socket that takes a connection (datagram, stream or
// seqpacket: a path may hold any of them, /dev/log a datagram one,
// journald's stdout a stream one) is live, one that refuses it is stale.
// An error means it cannot tell (no permission to connect): the caller
// must not remove the file then.
func ProbeSocket(path string) (SocketState, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return SocketAbsent, nil
	}
	if err != nil {
		return 0, err
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return SocketNotSocket, nil
	}
	for _, network := range []string{"unixgram", "unix", "unixpacket"} {
		c, err := net.DialTimeout(network, path, socketProbeTimeout)
		switch {
		case err == nil:
			c.Close()
			return SocketLive, nil
		case errors.Is(err, syscall.EPROTOTYPE):
			continue // a socket of another type: try the next
		case errors.Is(err, syscall.ECONNREFUSED):
			return SocketStale, nil
		case errors.Is(err, syscall.EAGAIN):
			return SocketLive, nil // a stream listener whose backlog is full
		}
		return 0, fmt.Errorf("cannot tell whether socket %s is in use: %w", path, err)
	}
	return 0, fmt.Errorf("cannot tell whether socket %s is in use: no socket type connects", path)
}

// claimSocketPath makes path free for a unix listener to bind: nothing
// there, or a stale socket, removed and logged. A live socket (another
// process's: journald's /dev/log must not be taken from it) or a file
// that is not a socket stops the start with an error naming both.
// retiring is a path one of this relay's own listeners that a reload
// replaced still holds: that socket answers, but is nomen's to replace.
func claimSocketPath(rt *listenerRuntime, path string, retiring bool) error {
	if path == "" || path[0] == '@' {
		return nil // an abstract socket has no file; bind says if it is taken
	}
	state, err := ProbeSocket(path)
	if err != nil {
		return fmt.Errorf("listener %q: %w: not removing it", rt.cfg.Name, err)
	}
	switch state {
	case SocketLive:
		if !retiring {
			return fmt.Errorf("listener %q: socket %s is in use by another process: not removing it (stop that process, or give the listener another address)", rt.cfg.Name, path)
		}
		os.Remove(path) // the replaced listener of this relay still drains its own socket, which stays open
		rt.log.Info("took over the socket of the listener a reload replaced", "listener", rt.cfg.Name, "path", path)
	case SocketStale:
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("listener %q: removing stale socket %s: %w", rt.cfg.Name, path, err)
		}
		rt.log.Info("removed a stale socket (nobody answered on it)", "listener", rt.cfg.Name, "path", path)
	case SocketNotSocket:
		return fmt.Errorf("listener %q: %s is %s, not a socket: not removing it (give the listener another address)", rt.cfg.Name, path, DescribePath(path))
	}
	return nil
}

// DescribePath says what is at path, for an error about a file where a
// socket goes: "a directory", "a regular file", or "a symbolic link to
// TARGET" (/dev/log is one on systemd hosts: to journald's socket).
func DescribePath(path string) string {
	fi, err := os.Lstat(path)
	switch {
	case err != nil:
		return "unreadable"
	case fi.Mode()&os.ModeSymlink != 0:
		if target, err := os.Readlink(path); err == nil {
			return "a symbolic link to " + target
		}
		return "a symbolic link"
	case fi.IsDir():
		return "a directory"
	case fi.Mode().IsRegular():
		return "a regular file"
	}
	return "a " + fi.Mode().Type().String() + " file"
}
