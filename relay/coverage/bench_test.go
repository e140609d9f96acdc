//go:build unix

package coverage

// Benchmarks report wall time per line and process CPU time per line
// (cpu-ns/line): on a shared, busy machine the CPU time says more.

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/nomenhq/nomen/internal/cputime"
)

// corpus is the golden normalization inputs (every vendor, 2.6% of them
// unrecognised) and a few lines no decoder knows, as one log file.
func corpus(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	buf.Write(goldenInputs(b))
	buf.WriteString("Jul  1 14:00:02 nas1 backupd[77]: job nightly-home finished: 18211 files, 7340032 bytes in 93.5s\n")
	buf.WriteString("Jul  1 14:00:04 nas1 backupd[77]: job offsite FAILED after 12.0s: connection refused by 203.0.113.200\n")
	buf.WriteString("<14>1 2026-07-01T11:59:58.123Z app7 billing 4411 RUN - nightly batch 77 finished for user=alice in /srv/billing\n")
	return buf.Bytes()
}

// BenchmarkCommand is what `nomen coverage FILE` does after start-up (the
// decoders' tables are built once, in ~0.05 s, outside the loop): a file of
// 200,000 lines, the golden inputs over and over with 15% of lines no
// decoder knows (mixedLog), read, decoded on GOMAXPROCS workers (run with
// -cpu 1,2,...), counted, and the report written as text and as JSON.
// lines/cpu-s is the figure per core; lines/s what the user waits.
func BenchmarkCommand(b *testing.B) { benchCommand(b, false) }

// BenchmarkCommandGzip is BenchmarkCommand on the file gzip-compressed,
// as rotated logs are (default level).
func BenchmarkCommandGzip(b *testing.B) { benchCommand(b, true) }

func benchCommand(b *testing.B, gz bool) {
	data := mixedLog(b, 200_000)
	if gz {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(data)
		w.Close()
		data = z.Bytes()
	}
	file := filepath.Join(b.TempDir(), "mixed.log")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		b.Fatal(err)
	}
	newCounter := counterMaker(b, Options{})
	var lines int64
	b.ReportAllocs()
	cpu0 := cputime.Self()
	for b.Loop() {
		c := newCounter()
		f, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Read(file, f); err != nil {
			b.Fatal(err)
		}
		f.Close()
		r := c.Report(10) // -top's default
		if err := WriteText(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		if err := json.NewEncoder(io.Discard).Encode(r); err != nil {
			b.Fatal(err)
		}
		lines += c.lines
	}
	reportPerLine(b, cpu0, lines)
}

// BenchmarkRead is nomen coverage's loop on a small file image: lines
// read, decoded, counted, the unrecognised ones shaped.
func BenchmarkRead(b *testing.B) { benchRead(b, corpus(b)) }

// BenchmarkReadGzip is the same from a gzip-compressed image.
func BenchmarkReadGzip(b *testing.B) {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(corpus(b))
	w.Close()
	benchRead(b, z.Bytes())
}

func benchRead(b *testing.B, data []byte) {
	c := realCounter(b, Options{Received: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)})
	b.ReportAllocs()
	cpu0 := cputime.Self()
	for b.Loop() {
		if err := c.Read("bench", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	reportPerLine(b, cpu0, c.lines)
}

// BenchmarkReadSyslog is BenchmarkRead without the Windows and Exchange
// records (5 to 15 times longer than a syslog line): a day of syslog.
func BenchmarkReadSyslog(b *testing.B) {
	var lines [][]byte
	for _, l := range bytes.SplitAfter(corpus(b), []byte("\n")) {
		if !bytes.Contains(l, []byte("MSWinEventLog")) && !bytes.Contains(l, []byte("<Event ")) &&
			!bytes.Contains(l, []byte("Microsoft-Windows")) && !bytes.Contains(l, []byte("MSExchange")) &&
			!bytes.HasPrefix(l, []byte("{")) && !bytes.HasPrefix(l, []byte("#")) {
			lines = append(lines, l)
		}
	}
	benchRead(b, bytes.Join(lines, nil))
}

// BenchmarkCount is the counting alone (lines decoded and shaped
// beforehand): what coverage adds to the decode step on the counting
// goroutine.
func BenchmarkCount(b *testing.B) {
	c := realCounter(b, Options{Workers: 1})
	w := c.workers[0]
	type line struct {
		d     decoded
		shape []byte
	}
	var lines []line
	for _, l := range bytes.Split(corpus(b), []byte("\n")) {
		if len(l) > 0 {
			d, shape := w.decode(l)
			lines = append(lines, line{d, bytes.Clone(shape)})
		}
	}
	n := 0
	b.ReportAllocs()
	cpu0 := cputime.Self()
	for b.Loop() {
		x := &lines[n%len(lines)]
		c.count(&x.d, x.shape)
		n++
	}
	reportPerLine(b, cpu0, int64(n))
}

// BenchmarkMask is the masker alone on the corpus's messages.
func BenchmarkMask(b *testing.B) {
	var msgs []string
	for _, l := range bytes.Split(corpus(b), []byte("\n")) {
		msgs = append(msgs, string(l))
	}
	var m Masker
	n := 0
	b.ReportAllocs()
	cpu0 := cputime.Self()
	for b.Loop() {
		m.Mask(msgs[n%len(msgs)])
		n++
	}
	reportPerLine(b, cpu0, int64(n))
}

func reportPerLine(b *testing.B, cpu0 time.Duration, lines int64) {
	if lines == 0 {
		return
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(lines), "ns/line")
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	used := cputime.Self() - cpu0
	b.ReportMetric(float64(used.Nanoseconds())/float64(lines), "cpu-ns/line")
	if used > 0 {
		b.ReportMetric(float64(lines)/used.Seconds(), "lines/cpu-s")
	}
}
