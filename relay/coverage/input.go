package coverage

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// MaxLineLen bounds a line: the rest of a longer one is not read into
// memory (it is counted in Report.LongLines).
const MaxLineLen = 1 << 20

// readBuffer is the size of the read buffer (plain text is read through
// one, compressed text through one for each side of the decompressor).
const readBuffer = 256 << 10

// InputStat is what was read from one input.
type InputStat struct {
	Name string `json:"name"`
	// Compression is "gzip", "lz4", "zstd", "bzip2" or "" (plain text),
	// detected by the stream's magic number, not by the file name.
	Compression string `json:"compression"`
	Lines       int64  `json:"lines"`
}

// magic numbers of the compressed formats rotated logs come in.
var magics = []struct {
	name  string
	magic []byte
}{
	{"gzip", []byte{0x1f, 0x8b}},
	{"lz4", []byte{0x04, 0x22, 0x4d, 0x18}},
	{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{"bzip2", []byte("BZh")},
}

// Decompress returns r's text: r itself, or its decompressed stream when
// it starts with the magic number of gzip (concatenated members too),
// lz4 (frame format), zstd or bzip2, and the format's name.
func Decompress(r io.Reader) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, readBuffer)
	head, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, "", err
	}
	for _, m := range magics {
		if !bytes.HasPrefix(head, m.magic) {
			continue
		}
		switch m.name {
		case "gzip":
			zr, err := gzip.NewReader(br)
			if err != nil {
				return nil, "", fmt.Errorf("gzip: %w", err)
			}
			return zr, m.name, nil
		case "lz4":
			return lz4.NewReader(br), m.name, nil
		case "zstd":
			zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
			if err != nil {
				return nil, "", fmt.Errorf("zstd: %w", err)
			}
			return zr.IOReadCloser(), m.name, nil
		case "bzip2":
			return bzip2.NewReader(br), m.name, nil
		}
	}
	return br, "", nil
}

// Read counts every line of r, decompressed (see Decompress), as the
// input name. Empty lines are skipped; a line end is LF or CRLF.
//
// The lines go in batches through a pipeline: this goroutine's reader
// splits them, Options.Workers goroutines decode them (parse and
// normalize, the bulk of the cost, and shape the unrecognised), and this
// goroutine counts them batch after batch in input order, so the report
// is the one a single goroutine would make.
//
// Some lines mean what an earlier header line of their source said (a
// W3C log's "#Fields:" and "#Software:", which the Decoder knows: see
// LayoutHeaders), and each
// worker's decoder remembers only the headers it decoded itself. So from
// the first batch holding such a header on, until the Counter is done,
// every batch is decoded by workers[0] alone, after all the batches before
// it: those lines are decoded as one goroutine would (a W3C log is
// counted on one core).
func (c *Counter) Read(name string, r io.Reader) error {
	text, compression, err := Decompress(r)
	if err != nil {
		return err
	}
	if cl, ok := text.(io.Closer); ok {
		defer cl.Close()
	}
	stat := InputStat{Name: name, Compression: compression}
	defer func() { c.inputs = append(c.inputs, stat) }()

	// Two batches per worker: one decoded while the other waits to be
	// counted, and one being filled.
	n := len(c.workers)
	free := make(chan *batch, 2*n+1)
	for range cap(free) {
		free <- &batch{done: make(chan struct{}, 1)}
	}
	work := make(chan *batch, cap(free))   // to any worker
	serial := make(chan *batch, cap(free)) // to workers[0] alone
	order := make(chan *batch, cap(free))  // batches in input order
	var inflight sync.WaitGroup            // batches handed to work, not yet decoded
	workOpen := !c.serial
	if !workOpen {
		close(work)
	}
	dispatch := func(b *batch) {
		if workOpen && c.holdsHeader(b.text) {
			c.serial, workOpen = true, false
			inflight.Wait() // the lines before the header are decoded without it
			close(work)
		}
		if workOpen {
			inflight.Add(1)
			work <- b
		} else {
			serial <- b
		}
		order <- b
	}
	var readErr error
	go func() {
		readErr = splitLines(text, free, dispatch)
		if workOpen {
			close(work)
		}
		close(serial)
		close(order)
	}()
	var wg sync.WaitGroup
	for i, w := range c.workers {
		wg.Go(func() {
			for b := range work {
				w.decodeBatch(b)
				b.done <- struct{}{}
				inflight.Done()
			}
			if i == 0 {
				for b := range serial {
					w.decodeBatch(b)
					b.done <- struct{}{}
				}
			}
		})
	}
	for b := range order {
		<-b.done
		c.countBatch(b)
		stat.Lines += int64(len(b.ends))
		free <- b
	}
	wg.Wait()
	if readErr != nil {
		return fmt.Errorf("%s: %w", name, readErr)
	}
	return nil
}

// Batch bounds: a batch is decoded in about a millisecond, long enough
// that handing it over costs nothing next to it.
const (
	batchLines = 512
	batchBytes = 128 << 10
)

// batch is lines on their way through Read's pipeline.
type batch struct {
	text      []byte // the lines, one after the other
	ends      []int  // line i ends at ends[i], and the next begins there
	longLines int64  // lines cut at MaxLineLen

	lines     []decoded // line i decoded
	shapes    []byte    // the shapes of the unrecognised lines
	shapeEnds []int     // line i's shape ends at shapeEnds[i] (empty when recognised)

	done chan struct{} // a worker has decoded the batch
}

// splitLines reads text into batches taken from free, each handed on
// (to the workers and to the counting) by dispatch.
func splitLines(text io.Reader, free <-chan *batch, dispatch func(*batch)) error {
	br := bufio.NewReaderSize(text, readBuffer) // text itself when plain
	var long []byte                             // a line longer than br's buffer, gathered
	truncated := false
	b := take(free)
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long, truncated = appendCapped(long, chunk, truncated)
			continue
		}
		line := bytes.TrimSuffix(chunk, []byte{'\n'})
		if len(long) > 0 {
			long, truncated = appendCapped(long, line, truncated)
			line = long
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) > 0 {
			b.text = append(b.text, line...)
			b.ends = append(b.ends, len(b.text))
		}
		if truncated {
			b.longLines++
		}
		long, truncated = long[:0], false
		if err != nil {
			if len(b.ends) > 0 {
				dispatch(b)
			}
			if err == io.EOF {
				return nil
			}
			return err
		}
		if len(b.ends) == batchLines || len(b.text) >= batchBytes {
			dispatch(b)
			b = take(free)
		}
	}
}

// take returns an emptied batch from free.
func take(free <-chan *batch) *batch {
	b := <-free
	b.text, b.ends, b.longLines = b.text[:0], b.ends[:0], 0
	return b
}

// decodeBatch decodes b's lines.
func (w *worker) decodeBatch(b *batch) {
	b.lines, b.shapes, b.shapeEnds = b.lines[:0], b.shapes[:0], b.shapeEnds[:0]
	start := 0
	for _, end := range b.ends {
		d, shape := w.decode(b.text[start:end])
		b.lines = append(b.lines, d)
		b.shapes = append(b.shapes, shape...)
		b.shapeEnds = append(b.shapeEnds, len(b.shapes))
		start = end
	}
}

// countBatch counts b's decoded lines.
func (c *Counter) countBatch(b *batch) {
	start := 0
	for i := range b.lines {
		end := b.shapeEnds[i]
		c.count(&b.lines[i], b.shapes[start:end])
		start = end
	}
	c.longLines += b.longLines
}

// appendCapped appends chunk to line up to MaxLineLen bytes, and reports
// whether bytes were left out (now or before).
func appendCapped(line, chunk []byte, truncated bool) ([]byte, bool) {
	room := MaxLineLen - len(line)
	if len(chunk) > room {
		return append(line, chunk[:room]...), true
	}
	return append(line, chunk...), truncated
}
