package panics

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
)

type counter int

func (c *counter) Inc() { *c++ }

// helperPanics panics on a goroutine of its own; Catch keeps the panic
// there and Raise raises it on the caller's, with the helper's stack.
func helperPanics() {
	var p *Panic
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer Catch(&p)
		panic("on the helper")
	}()
	<-done
	Raise(p)
}

func TestCatchRaiseKeepsTheHelpersStack(t *testing.T) {
	var got *Panic
	func() {
		defer func() { got = Of(recover()) }()
		helperPanics()
	}()
	if got == nil || got.Value != "on the helper" {
		t.Fatalf("recovered %v, want the helper's panic", got)
	}
	if !strings.Contains(string(got.Stack), "helperPanics.func1") {
		t.Errorf("stack is not the helper goroutine's:\n%s", got.Stack)
	}
	Raise(nil) // no panic
	if Of(nil) != nil {
		t.Error("Of(nil) is not nil")
	}
}

func TestReportCountsAndLogsThrottled(t *testing.T) {
	var buf bytes.Buffer
	l := logthrottle.New(slog.New(slog.NewTextHandler(&buf, nil)), time.Hour)
	var c counter
	for range 3 {
		func() {
			defer func() { Of(recover()).Report(&c, l, "it panicked", "item", 7) }()
			panic("boom")
		}()
	}
	if c != 3 {
		t.Errorf("counted %d, want 3", c)
	}
	out := buf.String()
	if strings.Count(out, "it panicked") != 1 || !strings.Contains(out, "panic=boom") || !strings.Contains(out, "item=7") ||
		!strings.Contains(out, "panics_test.go") {
		t.Errorf("want one line with the panic, the args and the stack:\n%s", out)
	}
	Of("x").Report(nil, nil, "nothing to count or log") // allowed
}

// fatalChild is the process TestFatalEndsTheProcessLoudly starts: a
// goroutine guarded by Fatal panics.
func fatalChild() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	done := make(chan struct{})
	go func() {
		defer Fatal(log, "the loop panicked; stopping", "loop", "test")
		loopThatPanics()
		close(done) // not reached; a deferred close would let the main
		// goroutine exit 0 while the runtime still prints the panic
	}()
	<-done
	os.Exit(0) // not reached: Fatal ends the process
}

func loopThatPanics() { panic("state unknown") }

// TestFatalEndsTheProcessLoudly: a panic under Fatal ends the process
// with a failure status, after logging it with its stack, and the
// runtime's trace names where it happened; it does not go on silently.
func TestFatalEndsTheProcessLoudly(t *testing.T) {
	if os.Getenv("NOMEN_PANICS_FATAL_CHILD") == "1" {
		fatalChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFatalEndsTheProcessLoudly$")
	cmd.Env = append(os.Environ(), "NOMEN_PANICS_FATAL_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("child ended with %v, want a failure status; stderr:\n%s", err, stderr.String())
	}
	out := stderr.String()
	for _, want := range []string{
		`level=ERROR msg="the loop panicked; stopping" loop=test panic="state unknown" stack=`, // the log line
		"panics.loopThatPanics", // the stack, in the log and the runtime's trace
		"panic: the loop panicked; stopping: state unknown",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
}

// TestFatalPassesWithoutAPanic: a goroutine that ends normally is not
// affected.
func TestFatalPassesWithoutAPanic(t *testing.T) {
	ran := false
	func() {
		defer Fatal(nil, "not logged")
		ran = true
	}()
	if !ran {
		t.Fatal("not run")
	}
}
