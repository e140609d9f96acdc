package panics

import (
	"bytes"
	"log/slog"
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
