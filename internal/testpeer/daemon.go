package testpeer

import (
	"net"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
)

// startDaemon starts a peer daemon in the foreground (killed with the test
// process), stops it when the test ends, and waits until it listens on
// every address of waitTCP; name is for messages, out collects its output.
func startDaemon(t testing.TB, name string, cmd *exec.Cmd, out *syncbuf.Buffer, waitTCP []string) {
	t.Helper()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = killedWithUs()
	if err := cmd.Start(); err != nil {
		t.Skipf("%s cannot start: %v", name, err)
	}
	t.Cleanup(func() { stopDaemon(cmd) })
	deadline := time.Now().Add(15 * time.Second)
	for _, addr := range waitTCP {
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) || cmd.ProcessState != nil {
				t.Fatalf("%s does not listen on %s: %v\n%s", name, addr, err, out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// stopDaemon sends SIGTERM (the daemons flush their outputs on it) and
// waits, killing the daemon after 10s.
func stopDaemon(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}
