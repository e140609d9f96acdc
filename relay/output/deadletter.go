package output

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/appendfile"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
)

// DeadLetter is the file where an output's permanently rejected events
// go, one JSON object per line:
//
//	{"@timestamp":"2026-11-22T10:15:02.5Z","output":"siem","error":"400 Bad Request: ...","event":{...ECS document...}}
//
// When it reaches maxBytes it is renamed to <path>.1 and a new file is
// started, so it never takes more than about twice maxBytes. nomen never
// deletes a dead-letter file: while <path>.1 is still there (unread, as
// far as nomen knows) and <path> is full too, Write fails with
// ErrDeadLetterFull and the worker waits, with the events in the journal,
// until the operator moves <path>.1 away. The file is created on first
// use.
type DeadLetter struct {
	path     string
	maxBytes int64

	mu   sync.Mutex
	enc  event.Encoder
	file *appendfile.File
	buf  []byte

	// appendJSON is (*event.Encoder).AppendJSON; tests inject panics.
	appendJSON func(*event.Encoder, []byte, *event.Event) []byte
	// panicked, if set, is told of a panic while encoding an event (the
	// worker counts and logs it).
	panicked func(p *panics.Panic, e *event.Event)
}

// ErrDeadLetterFull is returned by Write when the file is full and its
// previous part <path>.1 has not been taken away yet.
var ErrDeadLetterFull = errors.New("dead-letter file full")

// Rejected is one event and why it was rejected.
type Rejected struct {
	Event *event.Event
	Err   error
}

// NewDeadLetter returns a dead-letter file at path; observer is the relay's
// host name (observer.hostname in the ECS documents).
func NewDeadLetter(path string, maxBytes int64, observer string) *DeadLetter {
	if maxBytes <= 0 {
		maxBytes = DefaultDeadLetterMaxBytes
	}
	return &DeadLetter{path: path, maxBytes: maxBytes, enc: event.Encoder{Observer: observer}, file: appendfile.New(path),
		appendJSON: (*event.Encoder).AppendJSON}
}

// Path returns the file's path.
func (d *DeadLetter) Path() string { return d.path }

// Write appends the rejected events, in one write.
func (d *DeadLetter) Write(output string, now time.Time, items []Rejected) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	ts := now.UTC().Format(time.RFC3339Nano)
	b := d.buf[:0]
	for _, it := range items {
		b = append(b, `{"@timestamp":"`...)
		b = append(b, ts...)
		b = append(b, `","output":`...)
		b = event.AppendJSONString(b, output)
		b = append(b, `,"error":`...)
		b = event.AppendJSONString(b, it.Err.Error())
		b = append(b, `,"event":`...)
		b = d.appendEvent(b, it.Event)
		b = append(b, "}\n"...)
	}
	d.buf = b
	size, err := d.file.Size()
	if err != nil {
		return fmt.Errorf("dead letter: %w", err)
	}
	if size > 0 && size+int64(len(b)) > d.maxBytes {
		if err := d.rotate(); err != nil {
			return err
		}
	}
	if err := d.file.Write(b); err != nil {
		return fmt.Errorf("dead letter %w", err)
	}
	return nil
}

// appendEvent appends e's ECS document. Encoding it may panic: an event
// is dead-lettered when writing it, and its safe form, panicked, maybe in
// this very encoder. Then the document is cut, and e's original message
// alone is written in its place with nomen.encode_error, so that the event
// is kept and the output goes on; the panic goes to d.panicked. One
// deferred recover per event dead-lettered, which is rare.
func (d *DeadLetter) appendEvent(b []byte, e *event.Event) (out []byte) {
	n := len(b)
	defer func() {
		if p := panics.Of(recover()); p != nil {
			out = append(b[:n], `{"event":{"original":`...)
			out = event.AppendJSONString(out, e.Original)
			out = append(out, `},"nomen":{"encode_error":`...)
			out = event.AppendJSONString(out, encodeError+fmt.Sprint(p.Value))
			out = append(out, "}}"...)
			if d.panicked != nil {
				d.panicked(p, e)
			}
		}
	}()
	return d.appendJSON(&d.enc, b, e)
}

// rotate renames the file to <path>.1 and opens a new one, unless <path>.1
// is still there: then it returns ErrDeadLetterFull and the file stays
// as it is.
func (d *DeadLetter) rotate() error {
	if _, err := os.Lstat(d.path + ".1"); err == nil {
		return fmt.Errorf("%w: %s reached dead_letter_max_bytes (%d) and %s.1 is still there",
			ErrDeadLetterFull, d.path, d.maxBytes, d.path)
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("dead letter: %w", err)
	}
	d.file.Close()
	if err := os.Rename(d.path, d.path+".1"); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("dead letter: rotate: %w", err)
	}
	return nil // the next Write opens a new file
}

// Close closes the file (a later Write reopens it).
func (d *DeadLetter) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.file.Close()
}
