package coverage

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// MaxLineLen bounds a line: the rest of a longer one is not read into
// memory (it is counted in Report.LongLines).
const MaxLineLen = 1 << 20

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
	br := bufio.NewReaderSize(r, 64<<10)
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
	br := bufio.NewReaderSize(text, 256<<10)
	var long []byte // a line longer than br's buffer, gathered
	truncated := false
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
			c.Line(line)
			stat.Lines++
		}
		if truncated {
			c.longLines++
		}
		long, truncated = long[:0], false
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
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
