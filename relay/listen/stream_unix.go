//go:build unix

package listen

import "syscall"

// sockState is what a wait without a buffer looks at.
type sockState struct{ peek [1]byte }

// readSocket reads what the socket holds into p without waiting; when it
// holds nothing and the batch is not flushed yet, it returns wouldBlock
// (idleConn.Read flushes, then waits). Once flushed it waits, with no
// buffer (len(p) == 0) by peeking, so that nothing is consumed.
func (c *idleConn) readSocket(p []byte) (n int, wouldBlock bool, err error) {
	var rerr error
	err = c.rc.Read(func(fd uintptr) bool {
		if len(p) == 0 {
			_, _, rerr = syscall.Recvfrom(int(fd), c.sock.peek[:], syscall.MSG_PEEK)
		} else {
			n, rerr = syscall.Read(int(fd), p)
		}
		if rerr == syscall.EAGAIN {
			if !c.flushed {
				wouldBlock = true // flush outside, then wait with a fresh deadline
				return true
			}
			return false // the runtime's poller waits for data
		}
		return true
	})
	if wouldBlock {
		return 0, true, nil
	}
	if err == nil {
		err = rerr
	}
	if n < 0 {
		n = 0
	}
	return n, false, err
}
