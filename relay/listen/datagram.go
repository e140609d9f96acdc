package listen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/prometheus/client_golang/prometheus"
)

// datagramListener serves udp and unix datagram sockets: one message per
// datagram. A datagram sender cannot be slowed down, so when the pipeline
// is full a batch is dropped and counted rather than left to overflow the
// socket buffer unseen.
//
// UDP listeners open `readers` sockets on the same port with SO_REUSEPORT,
// one reader goroutine each: the kernel spreads senders over them (one
// sender always lands on the same socket, which keeps its order), and no
// two goroutines share a socket, so a reader always sees its socket run dry
// and flushes its batch then (after the linger: datagramLinger).
//
// Stopping (SIGTERM, or a reload that replaces the listener) loses nothing
// the sockets hold: Close wakes each reader (datagramReader.wake), which
// makes its socket take no more datagrams,
// reads what is queued without waiting, hands it to the pipeline, counts
// what the kernel dropped, and only then closes the socket (Linux; see
// readDatagrams).
type datagramListener struct {
	pcs       []net.PacketConn // for Addr; the readers own the sockets
	readers   []*datagramReader
	path      string      // unix socket path to remove on close
	pathFile  os.FileInfo // the socket file bound there: Close removes only that one
	wg        sync.WaitGroup
	stopping  atomic.Bool
	closeOnce sync.Once
}

// rawConner is a socket whose file descriptor the readers take over
// (recvmmsg on Linux).
type rawConner interface {
	SyscallConn() (syscall.RawConn, error)
	SetReadBuffer(int) error
	SetReadDeadline(time.Time) error
	Close() error
}

func (l *datagramListener) Addr() net.Addr { return l.pcs[0].LocalAddr() }

// Close removes a unix socket's path (no new senders) and wakes the
// readers, which drain and close their sockets; Wait returns once they
// have.
func (l *datagramListener) Close() error {
	l.closeOnce.Do(func() {
		l.stopping.Store(true)
		if l.path != "" {
			// Only the socket this listener bound: after a reload the
			// path may be the replacing listener's.
			if fi, err := os.Lstat(l.path); err == nil && os.SameFile(fi, l.pathFile) {
				os.Remove(l.path)
			}
		}
		for _, r := range l.readers {
			r.wake() // a reader waiting for data returns
		}
	})
	return nil
}

func (l *datagramListener) Wait() { l.wg.Wait() }

// closeUnstarted closes sockets no reader serves yet (a failed start);
// the readers started stop.
func (l *datagramListener) closeUnstarted() {
	for _, pc := range l.pcs[len(l.readers):] {
		pc.Close()
	}
	l.Close()
	l.Wait()
}

func startUDP(ctx context.Context, rt *listenerRuntime) (Listener, error) {
	lc := net.ListenConfig{Control: reusePort}
	l := &datagramListener{}
	addr := rt.cfg.Address
	for i := 0; i < rt.cfg.Readers; i++ {
		pc, err := lc.ListenPacket(ctx, "udp", addr)
		if err != nil {
			l.closeUnstarted()
			return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
		}
		addr = pc.LocalAddr().String() // port 0: the others join the port the first got
		l.pcs = append(l.pcs, pc)
	}
	for _, pc := range l.pcs {
		if err := l.start(rt, pc.(*net.UDPConn)); err != nil {
			l.closeUnstarted()
			return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
		}
	}
	return l, nil
}

// startUnixgram binds a unix datagram socket at the listener's path;
// retiring: one of this relay's replaced listeners holds the path.
func startUnixgram(ctx context.Context, rt *listenerRuntime, retiring bool) (Listener, error) {
	path := rt.cfg.Address
	mode, err := strconv.ParseUint(rt.cfg.SocketMode, 8, 32)
	if err != nil {
		return nil, fmt.Errorf("listener %q: socket_mode %q: want an octal mode like \"0666\"", rt.cfg.Name, rt.cfg.SocketMode)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
	}
	if err := claimSocketPath(rt, path, retiring); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	pc, err := lc.ListenPacket(ctx, "unixgram", path)
	if err != nil {
		return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
	}
	if err := secureSocket(pc, path, os.FileMode(mode), rt.cfg.SocketGroup); err != nil {
		pc.Close()
		os.Remove(path)
		return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
	}
	l := &datagramListener{pcs: []net.PacketConn{pc}, path: path}
	if path != "" && path[0] != '@' {
		if l.pathFile, err = os.Lstat(path); err != nil {
			pc.Close()
			return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
		}
	}
	if err := l.start(rt, pc.(*net.UnixConn)); err != nil { // one reader: a local socket needs no more
		l.closeUnstarted()
		os.Remove(path)
		return nil, fmt.Errorf("listener %q: %w", rt.cfg.Name, err)
	}
	return l, nil
}

// start hands conn to a new reader goroutine.
func (l *datagramListener) start(rt *listenerRuntime, conn rawConner) error {
	size := int(rt.cfg.ReadBuffer)
	if err := conn.SetReadBuffer(size); err != nil {
		rt.log.Warn("cannot set the socket receive buffer", "listener", rt.cfg.Name, "want", size, "err", err)
	}
	got := ensureReadBuffer(conn, size)
	if got > 0 && got < size {
		rt.log.Warn("socket receive buffer is smaller than asked: raise net.core.rmem_max to avoid drops in bursts",
			"listener", rt.cfg.Name, "want", size, "got", got)
	}
	r, err := newDatagramReader(conn, int(rt.cfg.MaxMessageSize), rt.cfg.Protocol == "unix")
	if err != nil {
		return err
	}
	r.buffer = got
	l.readers = append(l.readers, r)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer r.close() // the events hold copies of what they keep
		for !readDatagramsGuarded(rt, r, &l.stopping) {
			time.Sleep(10 * time.Millisecond) // as after a failed read: a panic that repeats must not spin
		}
	}()
	return nil
}

// readDatagramsGuarded is readDatagrams; a panic there (a bug in nomen
// that some datagram found, outside decoding, which has its own guard)
// ends it instead of the process: what it had taken is handed on
// (readDatagrams' deferred flush), the rest of that read's datagrams are
// lost (datagrams are best effort), the panic is counted and logged with
// its stack, and false says to read again.
func readDatagramsGuarded(rt *listenerRuntime, r *datagramReader, stopping *atomic.Bool) (ok bool) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			rt.survive(p, "reading datagrams panicked (a bug in nomen: please report it); the rest of that read is lost, the socket is read again")
			ok = false
		}
	}()
	readDatagrams(rt, r, stopping)
	return true
}

// datagramLinger is how long a reader lets datagrams collect in its socket
// once a batch has begun before it hands the batch to the pipeline.
// Datagrams at a steady rate (100,000 a second: one every 10µs) arrive
// slower than a reader takes them, so nearly every datagram would
// otherwise be a batch of its own, with its own wake-up of the reader and
// of the pipeline, its own read, journal append and output commit. A
// millisecond gathers ~100 at that rate, read in two system calls; a lone
// datagram reaches the pipeline about this much later (the sleep's
// granularity adds up to a millisecond more). The lingers after one that
// found datagrams grow with the rate (nextLinger). The socket's buffer
// holds far more than a linger's datagrams (read_buffer 4 MiB: ~6,500 of
// 256 bytes on loopback).
const datagramLinger = time.Millisecond

// maxDatagramLinger is how long a linger may grow while datagrams keep
// coming (nextLinger): each linger costs ~16 µs whatever it gathers (the
// wake-ups of the reader, the pipeline and the outputs, a journal block,
// an output batch), ~10 % of the CPU at 100,000 datagrams a second with
// 1 ms lingers.
const maxDatagramLinger = 4 * time.Millisecond

// datagramOverhead is what the kernel counts against a socket's receive
// buffer for a datagram beyond its bytes (its sk_buff: ~650 bytes on
// loopback for one of 256).
const datagramOverhead = 768

// nextLinger is the linger after one that let n datagrams of size bytes
// in all collect over elapsed: long enough for a batch (maxBatch) at
// that rate, but for no more datagrams than a quarter of the socket's
// receive buffer holds (buffer bytes; 0 unknown), and between
// datagramLinger and maxDatagramLinger. At 100,000 datagrams a second
// that is ~2.5 ms; above 256,000 a second it stays 1 ms.
func nextLinger(n, size int, elapsed time.Duration, buffer int) time.Duration {
	if n <= 0 || elapsed <= 0 {
		return datagramLinger
	}
	room := maxBatch
	if buffer > 0 {
		room = min(room, buffer/4/(size/n+datagramOverhead))
	}
	return min(max(elapsed*time.Duration(room)/time.Duration(n), datagramLinger), maxDatagramLinger)
}

// errStopping is what a read returns once the listener's Close woke it
// (datagramReader.wake).
var errStopping = errors.New("listener stopping")

// readDatagrams reads until the listener is stopping: it waits for a
// datagram, sleeps out the linger (Linux: lingerSleeps), reads what the
// socket holds and hands the batch on; while lingers find datagrams it
// sleeps a linger again instead of waiting; then it drains the socket
// (see datagramListener).
func readDatagrams(rt *listenerRuntime, r *datagramReader, stopping *atomic.Bool) {
	in := newIngester(rt, false)
	flush := func() { in.flush(context.Background()) }
	defer flush()
	rejected := rt.metrics.Rejected.WithLabelValues(rt.cfg.Name, "not_allowed")
	empty := rt.metrics.FramingErrors.WithLabelValues(rt.cfg.Name, "empty")
	var peers peerCache
	local := "unix:" + rt.cfg.Address
	isUnix := rt.cfg.Protocol == "unix"
	kd := kernelDropCounter{r: r, rt: rt,
		dropped: rt.metrics.Dropped.WithLabelValues("listener", "socket_buffer"), // exported at 0 from the start
		warning: "datagrams dropped by the kernel: socket receive buffer full (raise read_buffer/net.core.rmem_max or readers)"}
	size := 0 // bytes taken since the linger began (nextLinger)
	take := func(n int) {
		now := time.Now()
		kd.saw(n, now)
		for i := 0; i < n; i++ {
			data, truncated, addr := r.message(i)
			size += len(data)
			peer := local
			if addr.IsValid() {
				if !rt.acl.Allows(addr.Addr()) {
					rejected.Inc()
					continue
				}
				peer = peers.get(addr)
			}
			var cred peerCred
			if isUnix {
				cred = r.sender(i)
			}
			if rt.onFrame != nil {
				rt.onFrame(data)
			}
			if data = trimTrailer(data); len(data) > 0 {
				in.add(data, truncated, peer, now, cred)
			} else {
				empty.Inc() // empty, or only LF/CR/NUL: nothing to keep, but not unseen
			}
		}
	}
	// polling: the last linger's sleep found datagrams in the socket, so
	// more are likely on their way: sleep a linger again rather than wait
	// for the next in the kernel. Only this reader's thread can take that
	// wake-up, and the runtime may have given its P away meanwhile; a
	// sleep's end is seen by whichever of the process's threads runs.
	polling := false
	linger, slept := datagramLinger, time.Time{}
	for !stopping.Load() {
		n := recvBatch // polling: read what the sleep let in
		if polling {
			slept, size = time.Now(), 0
			time.Sleep(linger)
		} else {
			var err error
			if n, err = r.read(); err != nil { // waits for a datagram
				if errors.Is(err, errStopping) {
					break // Close woke us
				}
				rt.warn.Warn("datagram read failed", "listener", rt.cfg.Name, "err", err)
				time.Sleep(10 * time.Millisecond)
				continue
			}
			take(n)
			if n < recvBatch && lingerSleeps && in.pending() {
				// The socket is empty: let it collect the linger's
				// datagrams rather than wake for each.
				time.Sleep(time.Until(in.started.Add(datagramLinger)))
				n = recvBatch
			}
		}
		read := 0
		for n == recvBatch && !stopping.Load() { // read what the socket holds
			var err error
			if n, err = r.readQueued(); err != nil {
				rt.warn.Warn("datagram read failed", "listener", rt.cfg.Name, "err", err)
				break
			}
			take(n)
			read += n
		}
		if polling && read > 0 {
			linger = nextLinger(read, size, time.Since(slept), r.buffer)
		} else {
			linger = datagramLinger
		}
		polling = lingerSleeps && read > 0
		flush() // the socket is empty
		if kd.backlog {
			kd.poll() // it just ran dry after a backlog: count what overflowed
		}
	}

	// Stopping. The socket takes no more datagrams (UDP: the kernel drops
	// and counts them; unix: senders get EPIPE), so what it holds is finite:
	// read it all. No sender can be slowed any more, so the pipeline is
	// waited for (it stops under us, counted, if the stop's deadline runs
	// short: relay.Stop).
	kd.poll()
	if err := r.stopReceiving(isUnix); err != nil {
		rt.log.Warn("listener cannot stop its socket from receiving; what arrives before it is closed is lost", "listener", rt.cfg.Name, "err", err)
	}
	in.blocking = true
	for {
		n, err := r.readQueued()
		if err != nil {
			rt.log.Warn("datagram read failed while stopping", "listener", rt.cfg.Name, "err", err)
			break
		}
		if n == 0 {
			break
		}
		take(n)
	}
	flush()
	kd.dropped = rt.metrics.Dropped.WithLabelValues("listener", "stopping")
	kd.warning = "datagrams dropped: they arrived while the listener was stopping"
	kd.poll()
}

// kernelDropCounter turns the socket's kernel drop count (datagrams that
// arrived while its receive buffer was full) into nomen_dropped_events_total
// {stage="listener",reason="socket_buffer"} and a rate-limited warning, so a
// UDP overflow is never silent. It polls once a second while the socket has a
// backlog (full batches) and when a backlog drains; an idle trickle costs no
// system call.
type kernelDropCounter struct {
	r        *datagramReader
	rt       *listenerRuntime
	dropped  prometheus.Counter
	warning  string
	last     uint32
	backlog  bool
	nextPoll time.Time
}

func (k *kernelDropCounter) saw(n int, now time.Time) {
	if n < recvBatch {
		return
	}
	k.backlog = true
	if now.After(k.nextPoll) {
		k.poll()
		k.nextPoll = now.Add(time.Second)
	}
}

func (k *kernelDropCounter) poll() {
	k.backlog = false
	drops, ok := k.r.kernelDrops()
	if !ok {
		return
	}
	if d := drops - k.last; d > 0 { // uint32 arithmetic survives the counter wrapping
		k.dropped.Add(float64(d))
		k.rt.warn.Warn(k.warning, "listener", k.rt.cfg.Name, "count", d)
	}
	k.last = drops
}

// trimTrailer removes what senders append to a datagram's single message:
// LF, CR LF, NUL.
func trimTrailer(b []byte) []byte {
	for len(b) > 0 {
		switch b[len(b)-1] {
		case '\n', '\r', 0:
			b = b[:len(b)-1]
			continue
		}
		break
	}
	return b
}

// secureSocket gives a unix socket its mode and group (who may send: any
// local sender could otherwise forge, say, sshd's lines) and has the
// kernel attach each sender's credentials to its datagrams.
func secureSocket(pc net.PacketConn, path string, mode os.FileMode, group string) error {
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return fmt.Errorf("socket_group: %w", err)
		}
		gid, err := strconv.Atoi(g.Gid)
		if err != nil {
			return fmt.Errorf("socket_group %q: gid %q: %w", group, g.Gid, err)
		}
		if err := os.Chown(path, -1, gid); err != nil {
			return err
		}
	}
	if err := os.Chmod(path, mode); err != nil {
		return err
	}
	return passCred(pc.(*net.UnixConn))
}
