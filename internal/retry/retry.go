// Package retry runs an operation until it succeeds, with jittered
// exponential backoff between attempts. The errors the operation returns
// decide what happens next:
//
//   - nil: done;
//   - Permanent(err): retrying cannot help, Do returns err at once;
//   - After(err, d): the other side asked for a pause (an HTTP
//     Retry-After): Do waits d (capped at Policy.MaxHint) and tries again;
//   - anything else: Do waits min(Max, Min·2^attempt) at most, with full
//     jitter, and tries again (attempt counted from the last one that ran
//     Policy.Healthy, if set).
//
// Do gives up only when its context ends.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Policy bounds the waits between attempts. The zero value uses the
// defaults.
type Policy struct {
	// Min and Max bound the exponential backoff (defaults 100ms and 30s).
	Min, Max time.Duration
	// MaxHint caps a delay carried by After (default 5m): a server asking
	// for an hour must not stall an output that long.
	MaxHint time.Duration
	// Sleep waits d or until ctx ends (default: a timer); tests replace it
	// to record the delays instead of waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Healthy, if set, is how long an attempt must run before failing for
	// the backoff to start again from Min: an operation that runs for
	// long between failures (a worker's loop, restarted after a panic)
	// is not held at Max for ever by failures spread over days. 0: the
	// backoff only grows.
	Healthy time.Duration
	// Now tells the time for Healthy (default time.Now); tests replace it.
	Now func() time.Time
}

// Defaults of Policy.
const (
	DefaultMin     = 100 * time.Millisecond
	DefaultMax     = 30 * time.Second
	DefaultMaxHint = 5 * time.Minute
)

// Do calls attempt(0), attempt(1), ... until it returns nil or a permanent
// error, waiting between calls as the package comment says. It returns
// nil, the permanent error, or ctx's error if ctx ends while waiting.
// attempt should itself stop early when ctx ends.
func Do(ctx context.Context, p Policy, attempt func(n int) error) error {
	p = p.withDefaults()
	k := 0 // the failures the backoff counts: since an attempt ran Healthy
	for n := 0; ; n, k = n+1, k+1 {
		start := p.Now()
		err := attempt(n)
		if err == nil || IsPermanent(err) {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if p.Healthy > 0 && p.Now().Sub(start) >= p.Healthy {
			k = 0
		}
		if err := p.Sleep(ctx, p.Delay(k, err)); err != nil {
			return err
		}
	}
}

// Delay is the wait after failed attempt n (from 0) with err: err's hint
// if it carries one (capped), else the jittered backoff.
func (p Policy) Delay(n int, err error) time.Duration {
	p = p.withDefaults()
	if d, ok := Hint(err); ok {
		return max(0, min(d, p.MaxHint))
	}
	return FullJitter(p.Min, p.Max, n)
}

func (p Policy) withDefaults() Policy {
	if p.Min <= 0 {
		p.Min = DefaultMin
	}
	if p.Max <= 0 {
		p.Max = DefaultMax
	}
	if p.MaxHint <= 0 {
		p.MaxHint = DefaultMaxHint
	}
	if p.Sleep == nil {
		p.Sleep = Sleep
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	return p
}

// FullJitter returns a random delay in [0, min(max, base·2^n)] (AWS'
// "full jitter": retries of many clients spread out instead of arriving
// together).
func FullJitter(base, max time.Duration, n int) time.Duration {
	ceil := max
	if n < 32 && base<<n > 0 && base<<n < max {
		ceil = base << n
	}
	return rand.N(ceil + 1)
}

// Sleep waits d, or returns ctx's error if ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err as not retryable (nil stays nil).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// Permanentf is fmt.Errorf for permanent errors.
func Permanentf(format string, args ...any) error {
	return permanent{fmt.Errorf(format, args...)}
}

// IsPermanent reports whether err (or an error it wraps) is permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// hinted carries the delay the other side asked for.
type hinted struct {
	err   error
	after time.Duration
}

func (h hinted) Error() string { return h.err.Error() }
func (h hinted) Unwrap() error { return h.err }

// After wraps a retryable err with the delay to wait before the next
// attempt (a server's Retry-After).
func After(err error, d time.Duration) error { return hinted{err, d} }

// Hint returns the delay carried by err (or an error it wraps), if any.
func Hint(err error) (time.Duration, bool) {
	var h hinted
	if errors.As(err, &h) {
		return h.after, true
	}
	return 0, false
}
