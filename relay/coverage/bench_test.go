//go:build unix

package coverage

// Benchmarks report wall time per line and process CPU time per line
// (cpu-ns/line): on a shared, busy machine the CPU time says more.

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/nomenhq/nomen/internal/cputime"
	"github.com/nomenhq/nomen/relay/event"
)

// corpus is the golden normalization inputs (every vendor, 2.6% of them
// unrecognised) and a few lines no decoder knows, as one log file.
func corpus(b *testing.B) []byte {
	b.Helper()
	inputs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "normalize", "*", "*", "input.txt"))
	if err != nil || len(inputs) == 0 {
		b.Fatalf("no golden inputs: %v", err)
	}
	var buf bytes.Buffer
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			b.Fatal(err)
		}
		buf.Write(data)
		if !bytes.HasSuffix(data, []byte("\n")) {
			buf.WriteByte('\n')
		}
	}
	buf.WriteString("Jul  1 14:00:02 nas1 backupd[77]: job nightly-home finished: 18211 files, 7340032 bytes in 93.5s\n")
	buf.WriteString("Jul  1 14:00:04 nas1 backupd[77]: job offsite FAILED after 12.0s: connection refused by 203.0.113.200\n")
	buf.WriteString("<14>1 2026-07-01T11:59:58.123Z app7 billing 4411 RUN - nightly batch 77 finished for user=alice in /srv/billing\n")
	return buf.Bytes()
}

// BenchmarkRead is nomen coverage's loop: lines read from a file image,
// parsed, normalized and counted, the unrecognised ones shaped.
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

// BenchmarkCount is the counting alone (events decoded beforehand): what
// coverage adds to the decode step.
func BenchmarkCount(b *testing.B) {
	c := realCounter(b, Options{})
	d := c.dec
	type decoded struct {
		e   *event.Event
		dec string
	}
	var evs []decoded
	for _, l := range bytes.Split(corpus(b), []byte("\n")) {
		if len(l) > 0 {
			e := event.New(time.Now())
			evs = append(evs, decoded{e, d.Decode(l, e)})
		}
	}
	n := 0
	b.ReportAllocs()
	cpu0 := cputime.Self()
	for b.Loop() {
		x := evs[n%len(evs)]
		c.count(x.e, x.dec)
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
