// Package forward is what nomen's sinks share: the Sink interface, the
// errors that tell the worker what to do (Permanent, RetryAfter,
// BatchError), the Config every output type's keys implement, the Runtime
// a sink gets from the relay (logger, metrics, hostname, journal id, state
// directory), and the client TLSConfig. The sinks are its subpackages:
// file, syslog, http (Splunk HEC, Elasticsearch bulk, NDJSON), postgres,
// nats and kafka; sinktest holds their shared tests.
//
// A sink only knows how to open, write a batch and close. Batching, retry
// with backoff, dead-lettering, cursors and metrics are the job of the one
// generic output worker in relay/output.
//
// Adding an output type: a package here whose Config implements Config
// (decoded strictly from the [[output]] table, so its fields carry toml
// tags), a row in relay's outputTypes table, its keys in
// configs/nomen.toml, and one sinktest.Run line in its tests.
package forward

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nomenhq/nomen/internal/retry"
	"github.com/nomenhq/nomen/relay/event"
)

// Sink writes batches of events to one destination.
//
// Events handed to Write are shared with other outputs: a sink must not
// modify them.
type Sink interface {
	// Open connects or opens files. An error is retried by the worker
	// unless it is Permanent.
	Open(ctx context.Context) error
	// Write delivers the batch, all or nothing, unless it returns a
	// *BatchError saying which events failed (the rest were delivered).
	Write(ctx context.Context, batch []*event.Event) error
	// Close releases resources; it is called after the last Write.
	Close() error
}

// Positioned is implemented by sinks that record, in their own storage and
// atomically with the data, the journal ID their output reaches (the file
// sink does, so that a replay after a crash neither skips nor repeats). The
// worker resumes from Position after Open instead of its own cursor.
type Positioned interface {
	Position() (lastID uint64, ok bool)
}

// Reopener is implemented by sinks that reopen their files on SIGHUP
// (logrotate's copytruncate-free rotation).
type Reopener interface {
	Reopen() error
}

// Permanent wraps err as not retryable: a 400, a mapping error, a rejected
// certificate. The worker dead-letters the events (see internal/retry).
func Permanent(err error) error { return retry.Permanent(err) }

// Permanentf is fmt.Errorf for permanent errors.
func Permanentf(format string, args ...any) error { return retry.Permanentf(format, args...) }

// IsPermanent reports whether err (or an error it wraps) is permanent.
func IsPermanent(err error) bool { return retry.IsPermanent(err) }

// RetryAfter wraps a retryable err with the delay the server asked for.
func RetryAfter(err error, d time.Duration) error { return retry.After(err, d) }

// RetryDelay returns the server-requested delay carried by err, if any.
func RetryDelay(err error) (time.Duration, bool) { return retry.Hint(err) }

// BatchError reports per-event failures of a batch whose other events were
// delivered (Elasticsearch _bulk item errors). The worker retries the
// retryable items and dead-letters the permanent ones. An item whose Err
// is a *panics.Panic was in a part of the batch whose writing panicked
// (a sink that writes parts on goroutines of its own catches the panic
// there; one that sends a batch in parts, the parts not sent when it
// panicked): the worker writes those events again at once, an event at a
// time, the one that panics in its safe form.
type BatchError struct {
	Items []ItemError
}

// ItemError is the failure of batch[Index].
type ItemError struct {
	Index int
	Err   error // Permanent or retryable
}

func (b *BatchError) Error() string {
	if len(b.Items) == 0 {
		return "batch: no failed items"
	}
	return fmt.Sprintf("%d of the batch's events failed, first: %v", len(b.Items), b.Items[0].Err)
}

// ConfigError is a failure that the output's configuration causes, not
// the events: the destination refuses the output as configured (an HTTP
// 401 or 404, a NATS stream name taken by other subjects, a PostgreSQL
// schema owned by another role). Retrying soon cannot help and the events
// are not at fault, so the worker neither spins nor dead-letters: it
// reports the error once with Fix, marks the output not ready, keeps the
// events in the journal and tries again slowly (a reload with the fix
// applies at once).
type ConfigError struct {
	Err error
	// Fix says what to change, for the operator: "check token".
	Fix string
}

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Misconfigured wraps err as a *ConfigError with the fix to make.
func Misconfigured(err error, fix string) error {
	if err == nil {
		return nil
	}
	return &ConfigError{Err: err, Fix: fix}
}

// AsConfigError returns the *ConfigError in err's chain, if any.
func AsConfigError(err error) (*ConfigError, bool) {
	var ce *ConfigError
	ok := errors.As(err, &ce)
	return ce, ok
}
