//go:build !unix

package listen

// sockState holds the byte a wait without a buffer read.
type sockState struct {
	b    [1]byte
	held bool
}

// readSocket, outside Unix: the socket is not read without waiting here
// (Go gives no non-blocking read of its descriptor), so every read is
// taken to be a wait: the batch is flushed before each one, as the
// datagram fallback does per datagram. A wait without a buffer reads one
// byte and holds it for the next read.
func (c *idleConn) readSocket(p []byte) (n int, wouldBlock bool, err error) {
	switch {
	case c.sock.held && len(p) > 0:
		p[0], c.sock.held = c.sock.b[0], false
		return 1, false, nil
	case !c.flushed:
		return 0, true, nil
	case len(p) == 0:
		n, err = c.Conn.Read(c.sock.b[:])
		if c.sock.held = n == 1; c.sock.held {
			err = nil // an error comes again on the next read
		}
		return 0, false, err
	}
	n, err = c.Conn.Read(p)
	if n > 0 {
		err = nil // an error comes again on the next read
	}
	return n, false, err
}
