package testpeer

import "syscall"

// killedWithUs makes the kernel kill a peer daemon when the test process
// dies, so that a crashed test leaves no daemon behind.
func killedWithUs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
