// Package file is the file output: events to a local file, one per line
// (ECS JSON or the original message), with size/age rotation, background
// lz4 compression of rotated files, and an exact record of the journal ID
// its bytes reach, so that a replay after a crash neither skips nor
// repeats an event.
//
//	[[output]]
//	name = "archive"
//	type = "file"
//	path = "/var/log/nomen/events.jsonl"
//	format = "json"          # or "raw"
//	rotate_size = "100MiB"
//	rotate_age = "24h"
//	rotate_keep = 10
//	compress = "lz4"         # or "none"
//	# fsync = false
package file

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// FileConfig is an `[[output]]` table of type "file". A zero value of an
// optional key means its default.
//
// Line formats:
//   - "json" (default): one ECS JSON document per line (DESIGN.md, "The event").
//   - "raw": event.original, one per line. A line feed inside a message
//     (possible over octet-counted TCP and UDP) is written as the two
//     characters `\n`, so one line is always one event; that is lossy for
//     messages that contain a literal backslash-n: use "json" to keep
//     every byte.
type Config struct {
	// Path of the file written to (required). Its directory is created.
	Path string `toml:"path"`
	// Format is "json" (default) or "raw".
	Format string `toml:"format"`
	// Mode is the permission of files created, in octal (default "0640").
	Mode string `toml:"mode"`
	// RotateSize rotates the file before a batch once it has reached this
	// size ("100MiB"); a file may exceed it by at most one batch. 0: never.
	RotateSize config.ByteSize `toml:"rotate_size"`
	// RotateAge rotates the file before a batch once it was created this
	// long ago ("24h"). Rotation happens on write: an idle file is not
	// rotated. 0: never.
	RotateAge config.Duration `toml:"rotate_age"`
	// RotateKeep is how many rotated files are kept (default 10); the
	// oldest are deleted.
	RotateKeep int `toml:"rotate_keep"`
	// Compress is "lz4" (default: rotated files become <name>.lz4, lz4 frame
	// format, `lz4 -d` reads them) or "none". Compression runs in the
	// background and never holds up writing.
	Compress string `toml:"compress"`
	// BufferSize is the write buffer (default 256KiB); the buffer is also
	// flushed at the end of every batch.
	BufferSize config.ByteSize `toml:"buffer_size"`
	// Fsync syncs the file and its position record after every batch: the
	// output then also survives power loss, at a cost in throughput. A
	// crash of nomen itself loses nothing either way.
	Fsync bool `toml:"fsync"`
}

const (
	defaultFileMode   = 0o640
	defaultRotateKeep = 10
	defaultFileBuffer = 256 << 10
)

func (c Config) withDefaults() Config {
	if c.Format == "" {
		c.Format = "json"
	}
	if c.Mode == "" {
		c.Mode = "0640"
	}
	if c.RotateKeep == 0 {
		c.RotateKeep = defaultRotateKeep
	}
	if c.Compress == "" {
		c.Compress = "lz4"
	}
	if c.BufferSize == 0 {
		c.BufferSize = defaultFileBuffer
	}
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.Path == "" {
		return errors.New("file: path is required")
	}
	switch c.Format {
	case "json", "raw":
	default:
		return fmt.Errorf("file: format %q: want \"json\" or \"raw\"", c.Format)
	}
	if _, err := c.mode(); err != nil {
		return err
	}
	switch c.Compress {
	case "lz4", "none":
	default:
		return fmt.Errorf("file: compress %q: want \"lz4\" or \"none\"", c.Compress)
	}
	if c.RotateSize < 0 || c.RotateAge < 0 {
		return errors.New("file: rotate_size and rotate_age must not be negative")
	}
	if c.RotateKeep < 0 {
		return fmt.Errorf("file: rotate_keep %d: must be positive", c.RotateKeep)
	}
	if c.BufferSize < 4<<10 || c.BufferSize > 64<<20 {
		return fmt.Errorf("file: buffer_size %d: want between 4KiB and 64MiB", c.BufferSize)
	}
	return nil
}

func (c Config) mode() (os.FileMode, error) {
	m, err := strconv.ParseUint(c.Mode, 8, 32)
	if err != nil || m > 0o777 {
		return 0, fmt.Errorf("file: mode %q: want octal permissions such as \"0640\"", c.Mode)
	}
	return os.FileMode(m), nil
}

// fileMetrics are the file sink's own metrics (the worker counts events).
type fileMetrics struct {
	rotations        prometheus.Counter
	compressFailures prometheus.Counter
}

func newFileMetrics(rt forward.Runtime) *fileMetrics {
	return &fileMetrics{
		rotations: rt.Counter("nomen_file_rotations_total",
			"Files rotated by the file output (size or age)."),
		compressFailures: rt.Counter("nomen_file_compress_failures_total",
			"Rotated files the file output failed to compress or delete (retried at the next rotation)."),
	}
}

// File writes events to a file, one per line, with rotation, background
// lz4 compression of rotated files, and an exact record of which journal ID
// its bytes reach (see position.go), so that a replay after a crash neither
// skips nor repeats an event.
type File struct {
	cfg  Config
	mode os.FileMode
	log  *slog.Logger
	m    *fileMetrics
	enc  event.Encoder
	par  *parallelJSON // large JSON batches

	mu      sync.Mutex // Write, Reopen and Close may come from different goroutines
	opened  bool       // Open was called (and Close was not)
	f       *os.File
	pos     *posFile
	rec     posRecord // what the position file says (size: bytes that are complete)
	known   bool      // rec.LastID is meaningful: a batch was written (see open)
	size    int64     // current size of f
	buf     []byte
	flushAt int

	comp *compressor
}

// NewSink builds the file sink of c (forward.Config).
func (c *Config) NewSink(rt forward.Runtime) (forward.Sink, error) { return New(*c, rt) }

// New returns a file sink; rt.Hostname is observer.hostname in JSON lines.
func New(cfg Config, rt forward.Runtime) (*File, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	mode, _ := cfg.mode()
	return &File{
		cfg:     cfg,
		mode:    mode,
		log:     rt.Log().With("sink", "file", "path", cfg.Path),
		m:       newFileMetrics(rt),
		enc:     event.Encoder{Observer: rt.Hostname},
		par:     newParallelJSON(rt.Hostname),
		flushAt: int(cfg.BufferSize),
	}, nil
}

// What the worker relies on: File resumes from its own position and
// reopens its file on SIGHUP.
var (
	_ forward.Positioned = (*File)(nil)
	_ forward.Reopener   = (*File)(nil)
)

// Open opens (or creates) the file and its position record. If the file
// holds bytes beyond the recorded position (nomen died between writing a
// batch and recording it) they are cut off: the worker replays those
// events from Position()+1.
func (s *File) Open(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f != nil {
		return nil
	}
	s.opened = true
	return s.open()
}

func (s *File) open() error {
	if err := os.MkdirAll(filepath.Dir(s.cfg.Path), 0o750); err != nil {
		return fmt.Errorf("file: %w", err)
	}
	pos, err := openPosFile(s.cfg.Path+".pos", s.mode)
	if err != nil {
		return err
	}
	rec, known, err := pos.read()
	if errors.Is(err, errPosCorrupt) {
		s.log.Error("file: the position record is corrupt; appending without it (events may be written twice)")
		err = nil
	}
	if err != nil {
		pos.close()
		return err
	}
	f, ino, size, err := s.openData()
	if err != nil {
		pos.close()
		return err
	}
	now := time.Now()
	switch {
	case !known:
		rec = posRecord{Inode: ino, Size: size, Created: now.UnixNano()}
	case rec.Inode != ino:
		// Not the file the record describes: it was rotated away (by us,
		// just before a crash, or by logrotate) and this is a new one. The
		// recorded events are in the old file; continue after them here.
		s.log.Info("file: the file was replaced since the last run; continuing after the recorded position",
			"last_id", rec.LastID)
		rec.Inode, rec.Size, rec.Created = ino, size, now.UnixNano()
	case size > rec.Size:
		s.log.Warn("file: cutting off bytes written after the last recorded position (unclean stop); they are written again",
			"size", size, "recorded", rec.Size, "last_id", rec.LastID)
		if err := f.Truncate(rec.Size); err != nil {
			f.Close()
			pos.close()
			return fmt.Errorf("file: truncate to the recorded position: %w", err)
		}
		size = rec.Size
	case size < rec.Size:
		// Shortened by someone else (copytruncate): what was recorded is
		// elsewhere now.
		s.log.Info("file: the file is shorter than recorded (truncated outside nomen); continuing", "size", size)
		rec.Size = size
	}
	if err := pos.write(rec, s.cfg.Fsync); err != nil {
		f.Close()
		pos.close()
		return err
	}
	// A record of last ID 0 was written by an open before the first batch
	// (journal IDs start at 1): it says nothing about the journal, and
	// resuming from it would replay the whole journal into the file. The
	// worker's cursor decides then.
	s.f, s.pos, s.rec, s.known, s.size = f, pos, rec, known && rec.LastID != 0, size
	if s.buf == nil {
		s.buf = make([]byte, 0, s.flushAt+s.flushAt/4)
	}
	s.comp = newCompressor(s.cfg, s.log, s.m)
	s.comp.kick() // leftovers of an earlier run: uncompressed rotations, temp files, surplus files
	return nil
}

// openData opens the data file for appending and returns its inode and size.
func (s *File) openData() (*os.File, uint64, int64, error) {
	f, err := os.OpenFile(s.cfg.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, s.mode)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, 0, fmt.Errorf("file: %w", err)
	}
	return f, inode(fi), fi.Size(), nil
}

// Position reports the journal ID of the last event in the file.
func (s *File) Position() (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rec.LastID, s.known
}

// Write appends the batch, then records the new position. It is all or
// nothing: after an error the file is cut back to where it was, so the
// worker's retry of the batch does not duplicate lines.
func (s *File) Write(ctx context.Context, batch []*event.Event) error {
	if len(batch) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.undoPanic()
	if s.f == nil {
		if !s.opened {
			return errors.New("file: not open")
		}
		if err := s.open(); err != nil { // after a failed cut-back: Open repairs from the record
			return err
		}
	}
	if s.rotationDue() {
		if err := s.rotate(); err != nil {
			return err
		}
	}
	if s.cfg.Format != "raw" && s.par.useful(batch) {
		if err := s.par.encode(batch, s.writeOut); err != nil {
			return s.undo(err)
		}
		return s.record(batch)
	}
	buf := s.buf[:0]
	raw := s.cfg.Format == "raw"
	for _, e := range batch {
		if raw {
			buf = appendRawLine(buf, e.Original)
		} else {
			buf = s.enc.AppendJSON(buf, e)
			buf = append(buf, '\n')
		}
		if len(buf) >= s.flushAt {
			if err := s.writeOut(buf); err != nil {
				return s.undo(err)
			}
			buf = buf[:0]
		}
	}
	if err := s.writeOut(buf); err != nil {
		return s.undo(err)
	}
	if cap(buf) <= 2*s.flushAt {
		s.buf = buf[:0] // keep a buffer grown by one huge event only within reason
	}
	return s.record(batch)
}

// record makes the written batch durable as configured and records the
// file's new position.
func (s *File) record(batch []*event.Event) error {
	if s.cfg.Fsync {
		if err := s.f.Sync(); err != nil {
			return s.undo(fmt.Errorf("file: fsync: %w", err))
		}
	}
	rec := s.rec
	rec.LastID, rec.Size = batch[len(batch)-1].ID, s.size
	if err := s.pos.write(rec, s.cfg.Fsync); err != nil {
		return s.undo(err)
	}
	s.rec, s.known = rec, true
	return nil
}

func (s *File) writeOut(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	n, err := s.f.Write(b)
	s.size += int64(n)
	if err != nil {
		return fmt.Errorf("file: write: %w", err)
	}
	return nil
}

// undoPanic, deferred by Write, cuts the file back to the last recorded
// position when encoding panicked (a bug one event found) after part of
// the batch was written, and panics again for the worker to recover
// (relay/output writes the batch an event at a time then).
func (s *File) undoPanic() {
	p := panics.Of(recover())
	if p == nil {
		return
	}
	if s.f != nil {
		_ = s.undo(p) // a failed cut-back is repaired by the next Open
	}
	panic(p)
}

// undo cuts the file back to the last recorded size after a failed write.
func (s *File) undo(err error) error {
	if terr := s.f.Truncate(s.rec.Size); terr != nil {
		// The next Open cuts it back from the position record.
		s.log.Error("file: cannot cut back a partly written batch; reopening", "err", terr)
		s.f.Close()
		s.f = nil
		s.pos.close()
		s.pos = nil
		s.comp.stop()
		s.comp = nil
		return fmt.Errorf("%w (and truncating back failed: %v)", err, terr)
	}
	s.size = s.rec.Size
	return err
}

// appendRawLine appends one raw message and a line feed, writing an
// embedded line feed as `\n` so a line stays an event.
func appendRawLine(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '\n') // vectorised: a raw run scans every byte written
		if i < 0 {
			break
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, '\\', 'n')
		s = s[i+1:]
	}
	dst = append(dst, s...)
	return append(dst, '\n')
}

// Reopen closes and reopens the file by name: after logrotate has moved
// it away, writing continues in a new file at the configured path.
func (s *File) Reopen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil // not open: the next Open opens by name anyway
	}
	f, ino, size, err := s.openData()
	if err != nil {
		return err
	}
	s.f.Close()
	s.f, s.size = f, size
	rec := s.rec
	if ino != rec.Inode {
		rec.Created = time.Now().UnixNano()
	}
	rec.Inode, rec.Size = ino, size
	if err := s.pos.write(rec, s.cfg.Fsync); err != nil {
		return err
	}
	s.rec = rec
	s.log.Info("file: reopened")
	return nil
}

// Close records the position and closes the file. Compression of a
// rotated file that is under way is abandoned and redone on the next Open.
func (s *File) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opened = false
	if s.comp != nil {
		s.comp.stop()
		s.comp = nil
	}
	var errs []error
	if s.f != nil {
		errs = append(errs, s.f.Close())
		s.f = nil
	}
	if s.pos != nil {
		errs = append(errs, s.pos.close())
		s.pos = nil
	}
	return errors.Join(errs...)
}

func (s *File) rotationDue() bool {
	if s.size == 0 {
		return false
	}
	if s.cfg.RotateSize > 0 && s.size >= int64(s.cfg.RotateSize) {
		return true
	}
	return s.cfg.RotateAge > 0 && time.Since(time.Unix(0, s.rec.Created)) >= s.cfg.RotateAge.D()
}

// rotate renames the file to <path>.<UTC time> and starts a new one. The
// position record keeps the last ID, with the new file's inode and size 0;
// a crash between the rename and the record is recognised on Open by the
// inode.
func (s *File) rotate() error {
	name, err := rotatedName(s.cfg.Path, time.Now())
	if err != nil {
		return err
	}
	if err := os.Rename(s.cfg.Path, name); err != nil {
		return fmt.Errorf("file: rotate: %w", err)
	}
	f, ino, size, err := s.openData()
	if err != nil {
		return fmt.Errorf("file: rotate: %w", err)
	}
	s.f.Close()
	s.f, s.size = f, size
	rec := s.rec
	rec.Inode, rec.Size, rec.Created = ino, size, time.Now().UnixNano()
	if err := s.pos.write(rec, s.cfg.Fsync); err != nil {
		return err
	}
	s.rec = rec
	s.m.rotations.Inc()
	s.log.Info("file: rotated", "to", name)
	s.comp.kick()
	return nil
}
