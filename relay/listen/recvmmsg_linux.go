package listen

import (
	"encoding/binary"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// datagramReader receives up to recvBatch datagrams per system call with
// recvmmsg(2), into buffers allocated once.
//
// It owns the socket through a blocking descriptor of its own, outside Go's
// netpoller (takeSocket): a read waits in the kernel for the first datagram
// and returns what is queued with it, and the reader then lets the socket
// fill for the rest of the linger (readDatagrams). A socket in the
// netpoller's epoll set would instead wake a thread's epoll_pwait for
// nearly every datagram at a steady rate, and each wake-up would read one
// or two: that was most of a datagram's CPU at 100,000 a second.
//
// The buffers (recvBatch × max_message_size: 4 MiB per reader at the
// default 64 KiB) are mapped outside the Go heap. Datagrams are mostly
// short, so the kernel only ever writes the first page or two of each
// buffer, and only those pages become resident; in the heap the whole
// slab would count as live, and the collector lets the heap grow to twice
// what is live before it collects.
type datagramReader struct {
	mu    sync.Mutex  // wake against close: the descriptor's number may be reused once closed
	fd    int         // blocking; -1 once closed
	shut  atomic.Bool // shut for reading: see isShutMark
	hdrs  []mmsghdr
	iovs  []unix.Iovec
	slab  []byte // mapped; unmapped by close
	bufs  [][]byte
	names []unix.RawSockaddrAny
	oobs  [][]byte // SCM_CREDENTIALS of each datagram (unix sockets; nil otherwise)

	buffer int // the receive buffer the kernel granted, in bytes (0 unknown)
}

// recvBatch is how many datagrams one recvmmsg takes at most: a linger's
// worth at 64,000 a second, so at 100,000 a second a linger is drained in
// two system calls.
const recvBatch = 64

// lingerSleeps: the reader can read what is queued without waiting
// (readQueued), so it lets the socket collect datagrams during a linger.
const lingerSleeps = true

// mmsghdr is struct mmsghdr; Go's padding matches C's on 32- and 64-bit.
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
}

// newDatagramReader takes conn's socket over (conn is closed; close closes
// the socket) and prepares reads of up to maxSize bytes per datagram;
// creds also receives each sender's credentials (a unix socket with
// SO_PASSCRED set).
func newDatagramReader(conn rawConner, maxSize int, creds bool) (*datagramReader, error) {
	r := &datagramReader{
		hdrs:  make([]mmsghdr, recvBatch),
		iovs:  make([]unix.Iovec, recvBatch),
		bufs:  make([][]byte, recvBatch),
		names: make([]unix.RawSockaddrAny, recvBatch),
	}
	slab, err := unix.Mmap(-1, 0, recvBatch*maxSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, err
	}
	// Where transparent huge pages are always on, the first datagram
	// would make a whole 2 MiB page of the slab resident.
	unix.Madvise(slab, unix.MADV_NOHUGEPAGE)
	fd, err := takeSocket(conn)
	if err != nil {
		unix.Munmap(slab)
		return nil, err
	}
	r.fd, r.slab = fd, slab
	for i := range r.hdrs {
		r.bufs[i] = slab[i*maxSize : (i+1)*maxSize : (i+1)*maxSize]
		r.iovs[i].Base = &r.bufs[i][0]
		r.iovs[i].SetLen(maxSize)
		h := &r.hdrs[i].hdr
		h.Iov = &r.iovs[i]
		h.SetIovlen(1)
	}
	if creds {
		r.oobs = make([][]byte, recvBatch)
		for i := range r.oobs {
			r.oobs[i] = make([]byte, unix.CmsgSpace(unix.SizeofUcred))
		}
	}
	return r, nil
}

// takeSocket returns a blocking descriptor of conn's socket and closes
// conn, which takes the socket out of the netpoller's epoll set (a
// duplicate descriptor alone would leave it there: epoll watches the
// socket, not the number).
func takeSocket(conn rawConner) (int, error) {
	rc, err := conn.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd, derr := -1, error(nil)
	if err := rc.Control(func(s uintptr) { fd, derr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }); err != nil {
		return -1, err
	}
	if derr != nil {
		return -1, derr
	}
	conn.Close()
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// close closes the socket and unmaps the buffers; the reader and what
// message returned must not be used after it (decoding copies what it
// keeps).
func (r *datagramReader) close() {
	r.mu.Lock()
	unix.Close(r.fd)
	r.fd = -1
	r.mu.Unlock()
	unix.Munmap(r.slab)
	r.slab, r.bufs = nil, nil
}

// wake makes a read waiting for a datagram return errStopping, and every
// later read that finds the socket empty: it shuts the socket for reading,
// which wakes the waiting read (also on an unconnected UDP socket, where
// shutdown reports ENOTCONN) without stopping it from receiving (UDP) or
// from handing out what it holds.
func (r *datagramReader) wake() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fd >= 0 {
		r.shut.Store(true)
		unix.Shutdown(r.fd, unix.SHUT_RD)
	}
}

// read waits for a datagram and receives it with what else is queued, up
// to a batch.
func (r *datagramReader) read() (int, error) {
	for {
		n, errno := r.recv(unix.MSG_WAITFORONE)
		switch errno {
		case 0:
		case syscall.EINTR:
			continue
		default:
			return 0, errno
		}
		if r.isShutMark(n) {
			return 0, errStopping
		}
		return n, nil
	}
}

// readQueued receives a batch of what the socket holds without waiting:
// 0 when it is empty.
func (r *datagramReader) readQueued() (int, error) {
	n, errno := r.recv(unix.MSG_DONTWAIT)
	switch errno {
	case 0:
		if r.isShutMark(n) {
			return 0, nil
		}
		return n, nil
	case syscall.EAGAIN, syscall.EINTR:
		return 0, nil
	}
	return 0, errno
}

// isShutMark reports whether a read of n datagrams found the socket shut
// for reading (wake) and empty: a read that would wait then returns at
// once with one entry of no bytes and no sender. A sender's empty
// datagram also has no bytes, but an address (UDP); an unbound unix
// sender's empty datagram looks the same, and is not counted once the
// socket is shut.
func (r *datagramReader) isShutMark(n int) bool {
	return n == 1 && r.hdrs[0].len == 0 && r.hdrs[0].hdr.Namelen == 0 && r.shut.Load()
}

// recv is one recvmmsg(2).
func (r *datagramReader) recv(flags int) (int, syscall.Errno) {
	for i := range r.hdrs {
		h := &r.hdrs[i].hdr
		h.Name = (*byte)(unsafe.Pointer(&r.names[i]))
		h.Namelen = uint32(unsafe.Sizeof(r.names[i]))
		h.Flags = 0
		if r.oobs != nil {
			h.Control = &r.oobs[i][0]
			h.SetControllen(len(r.oobs[i]))
		}
	}
	m, _, e := syscall.Syscall6(unix.SYS_RECVMMSG, uintptr(r.fd), uintptr(unsafe.Pointer(&r.hdrs[0])), recvBatch, uintptr(flags), 0, 0)
	return int(m), e
}

// stopReceiving makes the socket take no more datagrams, so that what it
// holds can be read to the end before it is closed. A unix socket is shut
// for reading: senders get EPIPE, as they would from a closed socket. A
// UDP socket ignores that, so it gets a filter that drops every datagram
// (the kernel counts those drops like a full buffer's: kernelDrops) and
// leaves its SO_REUSEPORT group (leaveGroup).
func (r *datagramReader) stopReceiving(isUnix bool) error {
	if isUnix {
		return unix.Shutdown(r.fd, unix.SHUT_RD)
	}
	dropAll := unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: 0} // accept 0 bytes: drop
	if err := unix.SetsockoptSockFprog(r.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER,
		&unix.SockFprog{Len: 1, Filter: &dropAll}); err != nil {
		return err
	}
	return leaveGroup(r.fd)
}

// leaveGroup connects a stopping UDP socket to a peer that never sends
// (the discard port on loopback): the kernel then hands it no other
// datagram. Those of a new listener on the same port (a reload) go to the
// new sockets of the SO_REUSEPORT group instead of being dropped here
// between the last count and the close; with no other socket (a stop)
// they are refused, as after the close. The drops the filter counted
// before are still read (kernelDrops).
func leaveGroup(fd int) error {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return err
	}
	switch sa.(type) {
	case *unix.SockaddrInet6:
		return unix.Connect(fd, &unix.SockaddrInet6{Port: 9, Addr: [16]byte{15: 1}})
	default:
		return unix.Connect(fd, &unix.SockaddrInet4{Port: 9, Addr: [4]byte{127, 0, 0, 1}})
	}
}

// message returns datagram i of the last read: its bytes (valid until the
// next read), whether the kernel cut it (MSG_TRUNC), and the sender for
// IP sockets.
func (r *datagramReader) message(i int) ([]byte, bool, netip.AddrPort) {
	h := &r.hdrs[i]
	data := r.bufs[i][:h.len]
	truncated := h.hdr.Flags&unix.MSG_TRUNC != 0
	var ap netip.AddrPort
	switch r.names[i].Addr.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(&r.names[i]))
		port := binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&sa.Port))[:])
		ap = netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), port)
	case unix.AF_INET6:
		sa := (*unix.RawSockaddrInet6)(unsafe.Pointer(&r.names[i]))
		port := binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&sa.Port))[:])
		ap = netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), port)
	}
	return data, truncated, ap
}

// kernelDrops returns how many datagrams the kernel has dropped on this
// socket since it was opened (receive buffer full), from SO_MEMINFO's
// SK_MEMINFO_DROPS; ok is false where the kernel does not report it.
func (r *datagramReader) kernelDrops() (drops uint32, ok bool) {
	const skMeminfoDrops, skMeminfoVars = 8, 9
	var info [skMeminfoVars]uint32
	size := uint32(unsafe.Sizeof(info))
	_, _, e := syscall.Syscall6(syscall.SYS_GETSOCKOPT, uintptr(r.fd), unix.SOL_SOCKET, unix.SO_MEMINFO,
		uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&size)), 0)
	ok = e == 0 && size >= uint32(unsafe.Sizeof(info))
	return info[skMeminfoDrops], ok
}

// ensureReadBuffer returns the receive buffer the kernel granted; if it is
// below size, it tries SO_RCVBUFFORCE (works with CAP_NET_ADMIN).
func ensureReadBuffer(conn rawConner, size int) int {
	rc, err := conn.SyscallConn()
	if err != nil {
		return 0
	}
	got := 0
	rc.Control(func(fd uintptr) {
		v, err := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
		if err != nil {
			return
		}
		got = v / 2 // Linux reports twice the usable size
		if got < size && unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size) == nil {
			if v, err := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF); err == nil {
				got = v / 2
			}
		}
	})
	return got
}

// reusePort lets several sockets bind the same UDP port (one per reader).
func reusePort(network, address string, c syscall.RawConn) error {
	var err error
	c.Control(func(fd uintptr) {
		err = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	})
	return err
}

// sender returns the credentials the kernel attached to datagram i of the
// last read (unix sockets with SO_PASSCRED); ok is false without them.
func (r *datagramReader) sender(i int) (c peerCred) {
	if r.oobs == nil {
		return c
	}
	n := int(r.hdrs[i].hdr.Controllen)
	msgs, err := unix.ParseSocketControlMessage(r.oobs[i][:n])
	if err != nil {
		return c
	}
	for _, m := range msgs {
		if uc, err := unix.ParseUnixCredentials(&m); err == nil {
			return peerCred{pid: int64(uc.Pid), uid: int64(uc.Uid), gid: int64(uc.Gid), ok: true}
		}
	}
	return c
}

// passCred asks the kernel to attach the sender's credentials to every
// datagram of a unix socket (SO_PASSCRED).
func passCred(conn rawConner) error {
	rc, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_PASSCRED, 1)
	}); err != nil {
		return err
	}
	return serr
}

// unreadBytes returns how many bytes the kernel holds for a stream socket
// that nobody has read (SIOCINQ).
func unreadBytes(rc syscall.RawConn) int {
	n := 0
	rc.Control(func(fd uintptr) {
		n, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
	})
	return n
}
