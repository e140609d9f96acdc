// Package logging builds nomen's structured logger: slog's text or JSON
// format, one key per attribute, and, when stderr is connected to the
// systemd journal, syslog priority prefixes instead of a timestamp.
//
// Under systemd (JOURNAL_STREAM names stderr, see IsJournalStream) every
// line starts with its sd-daemon(3) priority, "<3>" error, "<4>" warning,
// "<6>" info, "<7>" debug, and carries no time= (journald stamps each line
// itself), so that `journalctl -p err -u nomen` selects errors. Anywhere
// else (a terminal, a file, StandardError=file:) the lines are slog's own
// text or JSON, time included.
//
// Duplicate keys: a key appears once per group. When a logger made with
// With("output", name) logs "output" again, or a record repeats a key,
// the FIRST value wins: the context a logger was made with cannot be
// overwritten by a call site, and the later duplicates are dropped. Groups
// with the same name are merged into one, so the JSON format never writes
// the same object key twice either.
package logging

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options say how records are written.
type Options struct {
	// Level is the minimum level logged (default info).
	Level slog.Leveler
	// Format is "text" (default) or "json", the formats of slog's
	// TextHandler and JSONHandler.
	Format string
	// Journal writes for a journald stream: a priority prefix on every
	// line and no time.
	Journal bool
}

// New returns the logger nomen writes on f (its stderr): Journal is set
// when f is the stream systemd connected to the journal.
func New(f *os.File, level slog.Leveler, format string) *slog.Logger {
	return slog.New(NewHandler(f, Options{Level: level, Format: format, Journal: IsJournalStream(f)}))
}

// NewHandler returns the handler New uses, writing one line per record to
// w with a single Write.
func NewHandler(w io.Writer, o Options) slog.Handler {
	if o.Level == nil {
		o.Level = slog.LevelInfo
	}
	out := &output{w: w, journal: o.Journal}
	// The inner handler only formats: Handle below checks nothing, groups
	// and With attributes are resolved before it sees the record.
	if o.Format == "json" {
		out.format = slog.NewJSONHandler(&out.buf, nil)
	} else {
		out.format = slog.NewTextHandler(&out.buf, nil)
	}
	return &handler{out: out, level: o.Level}
}

// IsJournalStream reports whether f is connected to the systemd journal:
// systemd sets JOURNAL_STREAM to "device:inode" of the stream it gave the
// service as stdout/stderr (systemd.exec(5)). If stderr was redirected
// elsewhere the numbers do not match and f is not the journal.
func IsJournalStream(f *os.File) bool {
	return isJournalStream(f, os.Getenv("JOURNAL_STREAM"))
}

func isJournalStream(f *os.File, env string) bool {
	devText, inoText, ok := strings.Cut(env, ":")
	if !ok {
		return false
	}
	dev, err := strconv.ParseUint(devText, 10, 64)
	if err != nil {
		return false
	}
	ino, err := strconv.ParseUint(inoText, 10, 64)
	if err != nil {
		return false
	}
	fdev, fino, ok := fileID(f)
	return ok && fdev == dev && fino == ino
}

// Priority is the syslog priority journald files a record of level l
// under (sd-daemon(3) SD_ERR, SD_WARNING, SD_INFO, SD_DEBUG). Levels
// between slog's named ones take the priority of the named level below.
func Priority(l slog.Level) int {
	switch {
	case l >= slog.LevelError:
		return 3
	case l >= slog.LevelWarn:
		return 4
	case l >= slog.LevelInfo:
		return 6
	default:
		return 7
	}
}

// output is what all handlers derived from one NewHandler share: the
// writer, and the formatting handler with the buffer it writes into.
type output struct {
	mu      sync.Mutex
	w       io.Writer
	buf     bytes.Buffer
	format  slog.Handler
	journal bool
}

// write formats rec and writes it to w as one line, prefixed with its
// priority for the journal.
func (o *output) write(ctx context.Context, rec slog.Record) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Reset()
	if o.journal {
		rec.Time = time.Time{} // slog's handlers omit a zero time
		o.buf.WriteString("<" + strconv.Itoa(Priority(rec.Level)) + ">")
	}
	if err := o.format.Handle(ctx, rec); err != nil {
		return err
	}
	_, err := o.w.Write(o.buf.Bytes())
	return err
}

// scopedAttr is an attribute given to WithAttrs, with the groups opened by
// WithGroup before it.
type scopedAttr struct {
	groups []string
	attr   slog.Attr
}

// handler keeps WithAttrs and WithGroup to itself, so that at Handle time
// it sees every attribute of a record and can drop repeated keys.
type handler struct {
	out    *output
	level  slog.Leveler
	with   []scopedAttr
	groups []string
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	h2 := *h
	h2.with = make([]scopedAttr, 0, len(h.with)+len(attrs))
	h2.with = append(h2.with, h.with...)
	for _, a := range attrs {
		h2.with = append(h2.with, scopedAttr{groups: h.groups, attr: a})
	}
	return &h2
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.groups = append(h.groups[:len(h.groups):len(h.groups)], name)
	return &h2
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	var root attrGroup
	for _, s := range h.with {
		root.path(s.groups).add(s.attr)
	}
	inner := root.path(h.groups)
	r.Attrs(func(a slog.Attr) bool {
		inner.add(a)
		return true
	})
	rec := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	rec.AddAttrs(root.attrs()...)
	return h.out.write(ctx, rec)
}
