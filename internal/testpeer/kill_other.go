//go:build !linux

package testpeer

import "syscall"

// killedWithUs is nil where the kernel cannot kill a child with its parent
// (Pdeathsig is Linux's): the peers run on Linux; elsewhere a crashed
// test may leave a daemon behind.
func killedWithUs() *syscall.SysProcAttr { return nil }
