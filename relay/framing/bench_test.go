package framing

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// message250 is a 250-byte RFC 5424 line, the size the relay benchmarks use.
func message250() []byte {
	m := []byte("<134>1 2026-07-01T12:00:00.000000Z web1.example.org nginx 4711 access - ")
	for len(m) < 250 {
		m = append(m, "GET /index.html HTTP/1.1 200 512 "...)
	}
	return m[:250]
}

// stream repeats frames to about 4 MiB, octet-counted or LF-terminated.
func stream(octet bool) []byte { return streamEnded(octet, '\n') }

// streamEnded is stream with frames ended by trailer (when not octet).
func streamEnded(octet bool, trailer byte) []byte {
	m := message250()
	var b bytes.Buffer
	for b.Len() < 4<<20 {
		if octet {
			fmt.Fprintf(&b, "%d ", len(m))
			b.Write(m)
		} else {
			b.Write(m)
			b.WriteByte(trailer)
		}
	}
	return b.Bytes()
}

// loopReader serves data over and over, in reads of at most 64 KiB (a
// socket's typical read size).
type loopReader struct {
	data []byte
	off  int
}

func (r *loopReader) Read(p []byte) (int, error) {
	if r.off == len(r.data) {
		r.off = 0
	}
	n := copy(p[:min(len(p), 64<<10)], r.data[r.off:])
	r.off += n
	return n, nil
}

func benchFraming(b *testing.B, octet bool, trailer byte) {
	fr := NewReader(&loopReader{data: streamEnded(octet, trailer)}, DefaultMaxSize)
	b.SetBytes(250)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f, _, err := fr.Next()
		if err != nil || len(f) != 250 {
			b.Fatalf("frame %q, %v", f, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkFramingLF: 250-byte LF-terminated messages (MB/s counts message bytes).
func BenchmarkFramingLF(b *testing.B) { benchFraming(b, false, '\n') }

// BenchmarkFramingNUL: 250-byte NUL-terminated messages (no LF in the stream).
func BenchmarkFramingNUL(b *testing.B) { benchFraming(b, false, 0) }

// BenchmarkFramingOctet: 250-byte octet-counted messages.
func BenchmarkFramingOctet(b *testing.B) { benchFraming(b, true, 0) }

// TestLongStreamRandomReads frames a 1 MiB stream of mixed framings and
// sizes (some over the maximum) read in random chunk sizes, so buffer
// compaction happens at every possible offset, against one whole read.
func TestLongStreamRandomReads(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for b.Len() < 1<<20 {
		body := "<13>" + strings.Repeat("x", rng.IntN(3000))
		switch rng.IntN(4) {
		case 0:
			fmt.Fprintf(&b, "%d %s", len(body), body)
		case 1:
			b.WriteString(body + "\r\n")
		case 2:
			b.WriteString(" " + body + "\x00")
		default:
			b.WriteString(body + "\n\n")
		}
	}
	data := b.Bytes()
	const maxSize = 2048
	whole := readAll(t, bytes.NewReader(data), maxSize, Auto)
	if whole.stats.Truncated == 0 || whole.stats.Octet == 0 || whole.stats.Frames < 500 {
		t.Fatalf("stream does not exercise the reader: %+v", whole.stats)
	}
	got := readAll(t, &randomReader{data: data, rng: rng}, maxSize, Auto)
	if got.String() != whole.String() {
		t.Fatalf("random reads give different frames (%d vs %d)", len(got.frames), len(whole.frames))
	}
}

type randomReader struct {
	data []byte
	rng  *rand.Rand
}

func (r *randomReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1+r.rng.IntN(5000))], r.data)
	r.data = r.data[n:]
	return n, nil
}
