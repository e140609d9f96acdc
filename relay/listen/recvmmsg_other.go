//go:build !linux

package listen

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// datagramReader is the portable fallback: one datagram per read, flushed
// right away.
type datagramReader struct {
	pc    net.PacketConn
	buf   []byte
	n     int
	addr  netip.AddrPort
	trunc bool
	woken atomic.Bool

	buffer int // the receive buffer the kernel granted (unused: no linger here)
}

const recvBatch = 1

// lingerSleeps is false: this reader cannot look whether more is queued
// without waiting for it, so each datagram is handed on at once.
const lingerSleeps = false

func newDatagramReader(conn rawConner, maxSize int, creds bool) (*datagramReader, error) {
	return &datagramReader{pc: conn.(net.PacketConn), buf: make([]byte, maxSize+1)}, nil
}

func (r *datagramReader) close() { r.pc.Close() }

// wake makes a read waiting for a datagram return errStopping.
func (r *datagramReader) wake() {
	r.woken.Store(true)
	r.pc.SetReadDeadline(time.Now())
}

// read waits for one datagram.
func (r *datagramReader) read() (int, error) {
	n, addr, err := r.pc.ReadFrom(r.buf)
	if err != nil {
		if r.woken.Load() && errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, errStopping
		}
		return 0, err
	}
	r.n, r.trunc = n, n > len(r.buf)-1
	if r.trunc {
		r.n = len(r.buf) - 1
	}
	r.addr = netip.AddrPort{}
	if ua, ok := addr.(*net.UDPAddr); ok {
		r.addr = ua.AddrPort()
	}
	return 1, nil
}

// readQueued does not look outside Linux: what the socket holds when the
// listener stops is lost there.
func (r *datagramReader) readQueued() (int, error) { return 0, nil }

func (r *datagramReader) stopReceiving(bool) error { return nil }

func (r *datagramReader) message(int) ([]byte, bool, netip.AddrPort) {
	return r.buf[:r.n], r.trunc, r.addr
}

// kernelDrops is not reported outside Linux.
func (r *datagramReader) kernelDrops() (uint32, bool) { return 0, false }

func ensureReadBuffer(rawConner, int) int { return 0 }

// reusePort is Linux-only; elsewhere readers > 1 fails to bind the port twice.
func reusePort(network, address string, c syscall.RawConn) error { return nil }

// sender is not reported outside Linux.
func (r *datagramReader) sender(int) peerCred { return peerCred{} }

func passCred(rawConner) error { return nil }

// unreadBytes is not reported outside Linux.
func unreadBytes(syscall.RawConn) int { return 0 }
