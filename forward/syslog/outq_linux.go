package syslog

import (
	"net"
	"syscall"
	"unsafe"
)

// unacked returns how many bytes written to c its receiver's TCP has not
// acknowledged yet (SIOCOUTQ: sent but unacknowledged, and unsent); ok is
// false when it cannot be known. For TLS it counts record bytes.
func unacked(c net.Conn) (n int, ok bool) {
	raw, ok := rawConn(c)
	if !ok {
		return 0, false
	}
	var v int32
	var errno syscall.Errno
	if err := raw.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&v)))
	}); err != nil || errno != 0 {
		return 0, false
	}
	return int(v), true
}
