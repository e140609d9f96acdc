//go:build !unix

package syslog

import "net"

// peerClosed cannot peek on this platform; a dead connection is found by
// the write that fails.
func peerClosed(net.Conn) bool { return false }
