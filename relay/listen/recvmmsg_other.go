//go:build !linux

package listen

import (
	"net"
	"net/netip"
	"syscall"
)

// datagramReader is the portable fallback: one datagram per read, flushed
// right away.
type datagramReader struct {
	pc      net.PacketConn
	buf     []byte
	n       int
	addr    netip.AddrPort
	trunc   bool
	pending bool
}

const recvBatch = 1

func newDatagramReader(conn rawConner, maxSize int, creds bool) (*datagramReader, error) {
	return &datagramReader{pc: conn.(net.PacketConn), buf: make([]byte, maxSize+1)}, nil
}

func (r *datagramReader) release() {}

// read calls idle(false) (flush: this reader cannot look whether more
// is queued without waiting for it) before each read after the first.
func (r *datagramReader) read(idle func(canLinger bool)) (int, error) {
	if r.pending {
		idle(false)
	}
	n, addr, err := r.pc.ReadFrom(r.buf)
	if err != nil {
		return 0, err
	}
	r.n, r.trunc, r.pending = n, n > len(r.buf)-1, true
	if r.trunc {
		r.n = len(r.buf) - 1
	}
	r.addr = netip.AddrPort{}
	if ua, ok := addr.(*net.UDPAddr); ok {
		r.addr = ua.AddrPort()
	}
	return 1, nil
}

// readQueued does not drain outside Linux: what the socket holds when the
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
