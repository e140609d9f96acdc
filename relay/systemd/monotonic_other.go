//go:build !unix

package systemd

// monotonicUsec is 0 where there is no systemd (nomen targets Linux; this
// package builds elsewhere for development): nothing sets NOTIFY_SOCKET
// there, so nothing is notified.
func monotonicUsec() int64 { return 0 }
