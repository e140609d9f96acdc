// Package panics is the one copy of what nomen does with a panic it
// survives: a bug that one message found must neither stop the relay nor
// pass unseen. The code that recovers decides what becomes of the message
// (kept raw, passed on uncorrelated, written in a safe form); this package
// counts the panic and logs it, rate-limited, with the stack that shows
// where the bug is.
//
// A panic on a helper goroutine cannot be recovered by the goroutine that
// waits for it: Catch it there and Raise it again on the waiting one, so
// the recovering code sees it with the helper's stack.
package panics

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/nomenhq/nomen/internal/logthrottle"
)

// Panic is a recovered panic and the stack where it happened.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string { return fmt.Sprint(p.Value) }

// Of turns r, the value of recover() in a deferred function, into a
// *Panic with the stack of the panicking goroutine; a *Panic raised again
// (Raise) keeps the stack it carries. Of(nil) is nil.
func Of(r any) *Panic {
	switch r := r.(type) {
	case nil:
		return nil
	case *Panic:
		return r
	}
	return &Panic{Value: r, Stack: debug.Stack()}
}

// Catch, deferred on a helper goroutine, stores a panic there in *dst
// instead of letting it end the process.
func Catch(dst **Panic) {
	if p := Of(recover()); p != nil {
		*dst = p
	}
}

// Raise panics again with p on the calling goroutine, unless p is nil.
func Raise(p *Panic) {
	if p != nil {
		panic(p)
	}
}

// Counter is what Report counts in: a prometheus.Counter.
type Counter interface{ Inc() }

// Report counts p in c and logs msg at error level through l (at most
// once per l's interval per msg) with args, the panic's value and its
// stack. c and l may be nil.
func (p *Panic) Report(c Counter, l *logthrottle.Logger, msg string, args ...any) {
	if c != nil {
		c.Inc()
	}
	if l != nil {
		l.Error(msg, append(args, "panic", fmt.Sprint(p.Value), "stack", string(p.Stack))...)
	}
}

// Fatal, deferred on a goroutine whose panic nomen cannot survive (its
// state is unknown after it, and going on could hang the relay or lose
// data silently: the journal's fsync loop), makes the process fail loudly
// and clearly instead: the panic is logged at error level through log
// with msg, args and its stack, then raised again, which ends the process
// (exit status 2, the runtime's trace on stderr) for the service manager
// to restart it. A goroutine that did not panic passes through.
func Fatal(log *slog.Logger, msg string, args ...any) {
	p := Of(recover())
	if p == nil {
		return
	}
	if log != nil {
		log.Error(msg, append(args, "panic", fmt.Sprint(p.Value), "stack", string(p.Stack))...)
	}
	panic(fmt.Sprintf("%s: %v", msg, p.Value))
}
