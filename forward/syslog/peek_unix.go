//go:build unix

package syslog

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"syscall"
)

// peer is what a stream connection's receiver did, as far as a peek at
// the socket tells.
type peer int

const (
	peerOpen   peer = iota
	peerClosed      // orderly shutdown (FIN): it read everything it was sent
	peerReset       // reset (RST) or another error: what its socket held unread is lost
)

// rawConn returns the TCP connection under c (TLS included).
func rawConn(c net.Conn) (syscall.RawConn, bool) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil, false
	}
	raw, err := sc.SyscallConn()
	return raw, err == nil
}

// peerState peeks at the socket without consuming anything. A syslog
// receiver never sends, so readable-with-EOF means it closed, and an
// error that it reset the connection. A socket closed with unread data is
// reset (RFC 2525; Linux does so), so peerClosed means the receiver had
// read all it was sent. err is the reset's error.
func peerState(c net.Conn) (peer, error) {
	raw, ok := rawConn(c)
	if !ok {
		return peerOpen, nil
	}
	state := peerOpen
	var perr error
	var b [1]byte
	raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case n == 0 && err == nil:
			state = peerClosed
		case err != nil && !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EINTR):
			state, perr = peerReset, fmt.Errorf("the receiver reset the connection: %w", err)
		}
		return true
	})
	return state, perr
}
