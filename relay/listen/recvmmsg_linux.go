package listen

import (
	"encoding/binary"
	"net/netip"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// datagramReader receives up to recvBatch datagrams per system call with
// recvmmsg(2), into buffers allocated once.
//
// The buffers (recvBatch × max_message_size: 2 MiB per reader at the
// default 64 KiB) are mapped outside the Go heap. Datagrams are mostly
// short, so the kernel only ever writes the first page or two of each
// buffer, and only those pages become resident; in the heap the whole
// slab would count as live, and the collector lets the heap grow to twice
// what is live before it collects: 4 MiB of slab, 8 MiB more RSS.
type datagramReader struct {
	rc    syscall.RawConn
	hdrs  []mmsghdr
	iovs  []unix.Iovec
	slab  []byte // mapped; unmapped by release
	bufs  [][]byte
	names []unix.RawSockaddrAny
	oobs  [][]byte // SCM_CREDENTIALS of each datagram (unix sockets; nil otherwise)
}

const recvBatch = 32

// mmsghdr is struct mmsghdr; Go's padding matches C's on 32- and 64-bit.
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
}

// newDatagramReader prepares reads of up to maxSize bytes per datagram;
// creds also receives each sender's credentials (a unix socket with
// SO_PASSCRED set).
func newDatagramReader(conn rawConner, maxSize int, creds bool) (*datagramReader, error) {
	rc, err := conn.SyscallConn()
	if err != nil {
		return nil, err
	}
	r := &datagramReader{
		rc:    rc,
		hdrs:  make([]mmsghdr, recvBatch),
		iovs:  make([]unix.Iovec, recvBatch),
		bufs:  make([][]byte, recvBatch),
		names: make([]unix.RawSockaddrAny, recvBatch),
	}
	slab, err := unix.Mmap(-1, 0, recvBatch*maxSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, err
	}
	r.slab = slab
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

// release unmaps the buffers; the reader and what message returned must
// not be used after it (decoding copies what it keeps).
func (r *datagramReader) release() {
	unix.Munmap(r.slab)
	r.slab, r.bufs = nil, nil
}

// read receives a batch; when the socket is empty it calls idle(true)
// (to flush what was collected, or set a read deadline to) before waiting.
func (r *datagramReader) read(idle func(canLinger bool)) (int, error) {
	var n int
	var errno syscall.Errno
	err := r.rc.Read(func(fd uintptr) bool {
		m, e := r.recv(fd)
		if e == syscall.EAGAIN {
			idle(true)
			return false // wait for the socket to become readable
		}
		n, errno = m, e
		return true
	})
	if err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, errno
	}
	return n, nil
}

// readQueued receives a batch of what the socket holds without waiting
// (also after a read deadline passed): 0 when it is empty.
func (r *datagramReader) readQueued() (int, error) {
	var n int
	var errno syscall.Errno
	if err := r.rc.Control(func(fd uintptr) { n, errno = r.recv(fd) }); err != nil {
		return 0, err
	}
	switch errno {
	case 0:
		return n, nil
	case syscall.EAGAIN:
		return 0, nil
	}
	return 0, errno
}

// recv is one recvmmsg(2) that does not wait.
func (r *datagramReader) recv(fd uintptr) (int, syscall.Errno) {
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
	m, _, e := syscall.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&r.hdrs[0])), recvBatch, unix.MSG_DONTWAIT, 0, 0)
	return int(m), e
}

// stopReceiving makes the socket take no more datagrams, so that what it
// holds can be read to the end before it is closed. A unix socket is shut
// for reading: senders get EPIPE, as they would from a closed socket. A
// UDP socket ignores that, so it gets a filter that drops every datagram
// (the kernel counts those drops like a full buffer's: kernelDrops) and
// leaves its SO_REUSEPORT group (leaveGroup).
func (r *datagramReader) stopReceiving(isUnix bool) error {
	var err error
	cerr := r.rc.Control(func(fd uintptr) {
		if isUnix {
			err = unix.Shutdown(int(fd), unix.SHUT_RD)
			return
		}
		dropAll := unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: 0} // accept 0 bytes: drop
		err = unix.SetsockoptSockFprog(int(fd), unix.SOL_SOCKET, unix.SO_ATTACH_FILTER,
			&unix.SockFprog{Len: 1, Filter: &dropAll})
		if err == nil {
			err = leaveGroup(int(fd))
		}
	})
	if cerr != nil {
		return cerr
	}
	return err
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
	r.rc.Control(func(fd uintptr) {
		size := uint32(unsafe.Sizeof(info))
		_, _, e := syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_MEMINFO,
			uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&size)), 0)
		ok = e == 0 && size >= uint32(unsafe.Sizeof(info))
	})
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
