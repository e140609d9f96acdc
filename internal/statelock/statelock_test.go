package statelock

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestSecondTakerFails: a second Acquire of the same directory (another
// open file, as another process would have) fails at once, names the
// directory and this process's pid; after Close the directory can be
// locked again.
func TestSecondTakerFails(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Acquire: %v, want ErrLocked", err)
	}
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, "pid "+strconv.Itoa(os.Getpid())+" ") {
		t.Fatalf("error %q does not name the directory and pid %d", msg, os.Getpid())
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after Close: %v", err)
	}
	l2.Close()
}

func TestMissingDirectory(t *testing.T) {
	if _, err := Acquire(t.TempDir() + "/absent"); err == nil {
		t.Fatal("Acquire of a missing directory succeeded")
	}
}

// TestHolderChild is the child of TestOtherProcessHolds: it takes the lock,
// says so, holds it until its stdin closes, and exits without releasing it
// (the kernel must).
func TestHolderChild(t *testing.T) {
	dir := os.Getenv("NOMEN_STATELOCK_DIR")
	if dir == "" {
		t.Skip("run by TestOtherProcessHolds")
	}
	l, err := Acquire(dir)
	if err != nil {
		os.Stdout.WriteString("error " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	runtime.KeepAlive(l) // no Close: exiting must release the lock
}

// TestOtherProcessHolds: while a child process holds the lock, Acquire
// fails naming the child's pid; once the child exits (without Close), it
// succeeds.
func TestOtherProcessHolds(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHolderChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "NOMEN_STATELOCK_DIR="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("child: %q", line)
	}
	_, err = Acquire(dir)
	want := "pid " + strconv.Itoa(cmd.Process.Pid) + " "
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), want) {
		t.Errorf("Acquire while the child holds the lock: %v, want ErrLocked naming %q", err, want)
	}
	stdin.Close() // the child releases the lock and exits
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(dir)
	if err != nil {
		t.Fatalf("Acquire after the holder exited: %v", err)
	}
	l.Close()
}
