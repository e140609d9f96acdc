package file

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pierrec/lz4/v4"
)

// Rotated files are named <path>.<UTC start of rotation>, e.g.
// events.jsonl.20261122T101502Z, with -N appended when several rotations
// fall in one second, and .lz4 once compressed. Names sort in rotation
// order. Files named otherwise (logrotate's events.jsonl.1) are left alone.

const rotatedTimeLayout = "20060102T150405Z"

// rotatedName returns a free name for rotating path at now.
func rotatedName(path string, now time.Time) (string, error) {
	base := path + "." + now.UTC().Format(rotatedTimeLayout)
	for i := 0; i < 1000; i++ {
		name := base
		if i > 0 {
			name += "-" + strconv.Itoa(i)
		}
		if !exists(name) && !exists(name+".lz4") {
			return name, nil
		}
	}
	return "", fmt.Errorf("file: rotate: no free name for %s", base)
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return !errors.Is(err, fs.ErrNotExist)
}

// rotatedFile is one rotated file found in the directory.
type rotatedFile struct {
	name       string // base name
	stamp      string // the time part
	n          int    // the -N part
	compressed bool
}

// parseRotated recognises base names of rotated files of the file named base.
func parseRotated(base, name string) (rotatedFile, bool) {
	rest, ok := strings.CutPrefix(name, base+".")
	if !ok || len(rest) < len(rotatedTimeLayout) {
		return rotatedFile{}, false
	}
	r := rotatedFile{name: name, stamp: rest[:len(rotatedTimeLayout)]}
	if _, err := time.Parse(rotatedTimeLayout, r.stamp); err != nil {
		return rotatedFile{}, false
	}
	rest = rest[len(rotatedTimeLayout):]
	rest, r.compressed = strings.CutSuffix(rest, ".lz4")
	if rest != "" {
		num, ok := strings.CutPrefix(rest, "-")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n <= 0 {
			return rotatedFile{}, false
		}
		r.n = n
	}
	return r, true
}

// compressor compresses rotated files and deletes the oldest beyond
// rotate_keep, in its own goroutine, so a rotation never waits for it.
// It works from the directory listing, not from a queue: whatever an
// earlier run left (an uncompressed file, a half-written .lz4.tmp) is
// finished by the next scan.
type compressor struct {
	dir, base string
	lz4       bool
	keep      int
	mode      os.FileMode
	log       *slog.Logger
	m         *fileMetrics

	kickc  chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

func newCompressor(cfg Config, log *slog.Logger, m *fileMetrics) *compressor {
	mode, _ := cfg.mode()
	ctx, cancel := context.WithCancel(context.Background())
	c := &compressor{
		dir:    filepath.Dir(cfg.Path),
		base:   filepath.Base(cfg.Path),
		lz4:    cfg.Compress == "lz4",
		keep:   cfg.RotateKeep,
		mode:   mode,
		log:    log,
		m:      m,
		kickc:  make(chan struct{}, 1),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	go c.run(ctx)
	return c
}

// kick asks for a scan; it never blocks.
func (c *compressor) kick() {
	select {
	case c.kickc <- struct{}{}:
	default:
	}
}

// stop abandons work under way (its temp file is removed) and waits.
func (c *compressor) stop() {
	c.cancel()
	<-c.done
}

func (c *compressor) run(ctx context.Context) {
	defer close(c.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kickc:
			if err := c.scan(ctx); err != nil && ctx.Err() == nil {
				c.m.compressFailures.Inc()
				c.log.Error("file: rotated files", "err", err)
			}
		}
	}
}

func (c *compressor) scan(ctx context.Context) error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return err
	}
	var files []rotatedFile
	for _, de := range entries {
		name := de.Name()
		if strings.HasPrefix(name, c.base+".") && strings.HasSuffix(name, ".lz4.tmp") {
			os.Remove(filepath.Join(c.dir, name)) // left by an interrupted compression
			continue
		}
		if r, ok := parseRotated(c.base, name); ok && de.Type().IsRegular() {
			files = append(files, r)
		}
	}
	slices.SortFunc(files, func(a, b rotatedFile) int {
		if d := strings.Compare(a.stamp, b.stamp); d != 0 {
			return d
		}
		return a.n - b.n
	})
	// Both a file and its .lz4 exist when a compression finished but the
	// original was not deleted yet: the .lz4 is complete (it is renamed
	// into place only after it is synced), so drop the original.
	var errs []error
	kept := files[:0]
	for i, r := range files {
		if !r.compressed && i+1 < len(files) && files[i+1].compressed && files[i+1].name == r.name+".lz4" {
			errs = append(errs, os.Remove(filepath.Join(c.dir, r.name)))
			continue
		}
		kept = append(kept, r)
	}
	files = kept
	if surplus := len(files) - c.keep; surplus > 0 {
		for _, r := range files[:surplus] {
			if err := os.Remove(filepath.Join(c.dir, r.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		files = files[surplus:]
	}
	if c.lz4 {
		for _, r := range files {
			if r.compressed {
				continue
			}
			if err := c.compress(ctx, filepath.Join(c.dir, r.name)); err != nil {
				errs = append(errs, err)
				if ctx.Err() != nil {
					break
				}
			}
		}
	}
	return errors.Join(errs...)
}

// compress writes name.lz4 (lz4 frame format with content checksum, as
// the lz4 tool writes it) through a temp file, syncs it, and only then
// deletes name.
func (c *compressor) compress(ctx context.Context, name string) (err error) {
	src, err := os.Open(name)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	tmp := name + ".lz4.tmp"
	dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, c.mode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			dst.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(dst, 1<<20)
	zw := lz4.NewWriter(bw)
	if err := zw.Apply(lz4.ConcurrencyOption(1), lz4.ChecksumOption(true), lz4.SizeOption(uint64(fi.Size()))); err != nil {
		return err
	}
	chunk := make([]byte, 1<<20)
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n, rerr := src.Read(chunk)
		if n > 0 {
			if _, err := zw.Write(chunk[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := dst.Sync(); err != nil {
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	os.Chtimes(tmp, fi.ModTime(), fi.ModTime())
	if err := os.Rename(tmp, name+".lz4"); err != nil {
		return err
	}
	return os.Remove(name)
}
