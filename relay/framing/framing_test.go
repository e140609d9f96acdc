package framing

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/nomenhq/nomen/internal/golden"
	"github.com/nomenhq/nomen/internal/testvec"
)

// result is everything a Reader produced from one stream.
type result struct {
	frames []string
	trunc  []bool
	stats  Stats
	err    error
}

func (res result) String() string {
	var b strings.Builder
	for i, f := range res.frames {
		kind := "frame"
		if res.trunc[i] {
			kind = "truncated"
		}
		fmt.Fprintf(&b, "%s %s\n", kind, cEscape([]byte(f)))
	}
	s := res.stats
	fmt.Fprintf(&b, "stats frames=%d octet=%d truncated=%d bad_length=%d incomplete=%d\n",
		s.Frames, s.Octet, s.Truncated, s.BadLength, s.Incomplete)
	fmt.Fprintf(&b, "end %v\n", res.err)
	return b.String()
}

// readAll runs a Reader over r to the end.
func readAll(t testing.TB, r io.Reader, maxSize int, mode Mode) result {
	t.Helper()
	fr := NewReader(r, maxSize)
	fr.SetMode(mode)
	var res result
	for n := 0; ; n++ {
		f, trunc, err := fr.Next()
		if err != nil {
			res.err = err
			break
		}
		if len(f) > fr.max {
			t.Fatalf("frame of %d bytes > max %d", len(f), fr.max)
		}
		if n > 1<<20 {
			t.Fatal("no end")
		}
		res.frames = append(res.frames, string(f))
		res.trunc = append(res.trunc, trunc)
	}
	if cap(fr.buf) > maxSize+chunk {
		t.Fatalf("buffer grew to %d, beyond max %d + %d", cap(fr.buf), maxSize, chunk)
	}
	res.stats = fr.Stats()
	return res
}

func cEscape(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		switch {
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c == '\t':
			s.WriteString(`\t`)
		case c == '\\':
			s.WriteString(`\\`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&s, `\x%02x`, c)
		default:
			s.WriteByte(c)
		}
	}
	return s.String()
}

func cUnescape(t testing.TB, s string) []byte {
	t.Helper()
	b, err := testvec.CUnescape(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCases runs testdata/<case>/: input.txt is the stream, c-escaped (its
// lines are joined without separator, so long streams can be wrapped;
// "\n" in the text is a LF of the stream); config.txt may set
// "max_size N" and "mode auto|lf|octet"; expected.txt lists the frames,
// the stats and how the stream ended (-update rewrites it). Every case is
// also read in one-byte and split reads, which must give the same result.
func TestCases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "input.txt"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, in := range dirs {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			input := cUnescape(t, strings.ReplaceAll(strings.TrimSuffix(string(raw), "\n"), "\n", ""))
			maxSize, mode := DefaultMaxSize, Auto
			if cfg, err := os.ReadFile(filepath.Join(dir, "config.txt")); err == nil {
				for _, line := range strings.Split(strings.TrimSpace(string(cfg)), "\n") {
					k, v, _ := strings.Cut(line, " ")
					switch k {
					case "max_size":
						if maxSize, err = strconv.Atoi(v); err != nil {
							t.Fatal(err)
						}
					case "mode":
						if mode, err = ParseMode(v); err != nil {
							t.Fatal(err)
						}
					default:
						t.Fatalf("config.txt: unknown key %q", k)
					}
				}
			}
			got := readAll(t, bytes.NewReader(input), maxSize, mode)
			assertSameSplit(t, input, maxSize, mode, got)
			golden.Compare(t, filepath.Join(dir, "expected.txt"), []byte(got.String()))
		})
	}
}

// assertSameSplit reads input again byte by byte and split at a few
// points and requires the same frames.
func assertSameSplit(t *testing.T, input []byte, maxSize int, mode Mode, want result) {
	t.Helper()
	if got := readAll(t, iotest.OneByteReader(bytes.NewReader(input)), maxSize, mode); got.String() != want.String() {
		t.Errorf("one-byte reads differ:\n%s\nwhole:\n%s", got, want)
	}
	for _, at := range []int{1, len(input) / 3, len(input) / 2, len(input) - 1} {
		if at <= 0 || at >= len(input) {
			continue
		}
		if got := readAll(t, &splitReader{data: input, at: at}, maxSize, mode); got.String() != want.String() {
			t.Errorf("split at %d differs:\n%s\nwhole:\n%s", at, got, want)
		}
	}
}

// splitReader returns data in two reads split at at, then the rest as the
// caller asks.
type splitReader struct {
	data []byte
	at   int
	off  int
}

func (r *splitReader) Read(p []byte) (int, error) {
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	end := len(r.data)
	if r.off < r.at && r.at < end {
		end = r.at
	}
	n := copy(p, r.data[r.off:end])
	r.off += n
	return n, nil
}

// TestWireCorpus frames the stream vectors of the shared corpus
// (octet-counting, non-transparent, Cisco ASA leading space). The expected
// frames follow each vector's "desc" line.
func TestWireCorpus(t *testing.T) {
	path := testvec.SharedPath("corpus/syslog-wire.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("wire corpus %s not readable: %v", path, err)
	}
	defer f.Close()
	want := map[string]string{
		// Three frames; MSG-LEN counts octets ("κόσμε" is 11).
		"rfc6587-octet-3frames": "frame <1>1 2003-10-11T22:14:15.003Z host.local - - - -\n" +
			"frame <3>1 - host.local - - - -\nframe <2>1 - host.local su - - - \u03ba\u1f79\u03c3\u03bc\u03b5\n" +
			"stats frames=3 octet=3 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
		"rfc6587-octet-utf8": "frame <1>1 - - - - - - hellø\n" +
			"stats frames=1 octet=1 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
		// Framing succeeds; the second message is the parser's problem.
		"rfc6587-octet-2nd-malformed": "frame <1>1 - - - - - -\nframe <2>12 A B C D E -\n" +
			"stats frames=2 octet=2 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
		// The junk is not dropped: it becomes an LF frame (ended by EOF).
		"rfc6587-octet-trailing-garbage": "frame <1>1 - - - - - -\nframe xaaa\n" +
			"stats frames=2 octet=1 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
		// EOF after 4 of 16 octets: the partial frame, flagged.
		"rfc6587-octet-truncated": "truncated <1>1\n" +
			"stats frames=1 octet=1 truncated=0 bad_length=0 incomplete=1\nend EOF\n",
		// 16 octets end mid-message; the rest is an LF frame (its leading
		// space is kept: no "<" follows it).
		"rfc6587-octet-undetectable": "frame <1>217 <11>1 - -\nframe  - - - -\n" +
			"stats frames=2 octet=1 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
		"rfc6587-octet-rfc5424-ex1": "frame <34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \ufeff'su root' failed for lonvick on /dev/pts/8\n" +
			"stats frames=1 octet=1 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
		"rfc6587-nontransparent-lf": "frame <1>1 - - - - - -\nframe <2>1 - - - - - -\n" +
			"stats frames=2 octet=0 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
		"rfc6587-nontransparent-nul": "frame <1>1 - - - - - -\nframe <2>1 - - - - - -\n" +
			"stats frames=2 octet=0 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
		// The space before "<PRI>" is dropped.
		"cisco-asa-tcp-leading-space": "frame <181>00\nframe <181>01\nframe <181>02\nframe <181>03\n" +
			"stats frames=4 octet=0 truncated=0 bad_length=0 incomplete=0\nend EOF\n",
	}
	seen := 0
	var id, enc string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# id: "):
			id = strings.TrimPrefix(line, "# id: ")
		case strings.HasPrefix(line, "# encoding: "):
			enc = strings.TrimPrefix(line, "# encoding: ")
		case strings.HasPrefix(line, "#") || line == "":
		default:
			w, ok := want[id]
			if !ok {
				continue
			}
			seen++
			input := []byte(line)
			if enc == "c-escaped" {
				input = cUnescape(t, line)
			}
			got := readAll(t, bytes.NewReader(input), DefaultMaxSize, Auto)
			if got.String() != w {
				t.Errorf("%s:\ngot\n%s\nwant\n%s", id, got, w)
			}
			assertSameSplit(t, input, DefaultMaxSize, Auto, got)
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d framing vectors in %s", seen, len(want), path)
	}
}

// A read error ends the stream like EOF: the partial frame first, then the
// error; the partial frame was cut (not ended by the sender, as at EOF), so
// it is flagged truncated.
func TestReadErrorAfterPartialFrame(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("<13>one\n<13>tw"), iotest.ErrReader(boom))
	got := readAll(t, r, 0, Auto)
	want := "frame <13>one\ntruncated <13>tw\n" +
		"stats frames=2 octet=0 truncated=1 bad_length=0 incomplete=0\nend connection reset\n"
	if got.String() != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A bogus MSG-LEN must not make the reader wait for (or allocate) its size.
func TestBogusLengthDoesNotWait(t *testing.T) {
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("99999999999 <13>junk\n<13>next\n"))
		// keep the stream open: the frames must come out without EOF
	}()
	fr := NewReader(pr, 0)
	for _, want := range []string{"99999999999 <13>junk", "<13>next"} {
		f, _, err := fr.Next()
		if err != nil || string(f) != want {
			t.Fatalf("got %q, %v; want %q", f, err, want)
		}
	}
	if s := fr.Stats(); s.BadLength != 1 {
		t.Errorf("BadLength = %d, want 1", s.BadLength)
	}
	pw.Close()
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": Auto, "auto": Auto, "lf": LF, "octet": Octet} {
		if m, err := ParseMode(in); err != nil || m != want || (in != "" && m.String() != in) {
			t.Errorf("ParseMode(%q) = %v, %v", in, m, err)
		}
	}
	if _, err := ParseMode("LF "); err == nil {
		t.Error("ParseMode accepted junk")
	}
}

// Steady-state framing allocates nothing: frames are windows on one buffer.
func TestNextDoesNotAllocate(t *testing.T) {
	for _, octet := range []bool{false, true} {
		fr := NewReader(&loopReader{data: stream(octet)}, DefaultMaxSize)
		fr.Next() // first fill
		if n := testing.AllocsPerRun(10000, func() {
			if _, _, err := fr.Next(); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("octet=%v: %v allocations per frame", octet, n)
		}
	}
}

// chunkReader returns one chunk per Read.
type chunkReader struct{ chunks []string }

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	c.chunks = c.chunks[1:]
	return n, nil
}

// TestReads: frames that arrive in one read see the same count (the relay
// stamps them with one clock reading); a frame completed by a later read
// sees that read's.
func TestReads(t *testing.T) {
	r := NewReader(&chunkReader{[]string{"<1>a\n<1>b\n<1>c", "c\n<1>d\n"}}, 0)
	for _, want := range []struct {
		frame string
		reads uint64
	}{{"<1>a", 1}, {"<1>b", 1}, {"<1>cc", 2}, {"<1>d", 2}} {
		f, _, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if string(f) != want.frame || r.Reads() != want.reads {
			t.Errorf("frame %q after %d reads, want %q after %d", f, r.Reads(), want.frame, want.reads)
		}
	}
}

// scriptedReader returns its reads one by one (a nil one is a (0, nil)
// read: a connection about to wait), then io.EOF. A Read given no room
// waits, as the listener's connections do: it returns (0, nil) and calls
// onWait, if set.
type scriptedReader struct {
	reads  [][]byte
	onWait func()
}

func (s *scriptedReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		if s.onWait != nil {
			s.onWait()
		}
		return 0, nil
	}
	if len(s.reads) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.reads[0])
	if s.reads[0] = s.reads[0][n:]; len(s.reads[0]) == 0 {
		s.reads = s.reads[1:]
	}
	return n, nil
}

// TestBufferFollowsTheStream: a stream that sends little at a time is
// read into the small buffer; a burst takes the full one; a short read
// with nothing left over gives it back (to a pool, whence the next burst
// takes it) for the small one; a (0, nil) read (a connection about to
// wait) gives back whichever it holds, so that the wait that follows
// holds no buffer at all.
func TestBufferFollowsTheStream(t *testing.T) {
	line := "<13>" + strings.Repeat("x", 195) + "\n"
	burst := []byte(strings.Repeat(line, 2000))
	src := &scriptedReader{reads: [][]byte{[]byte(line), burst, []byte(line), nil, burst, nil, []byte(line)}}
	fr := NewReader(src, DefaultMaxSize)
	if fr.BufferSize() != 0 {
		t.Fatalf("buffer of %d bytes before the first read", fr.BufferSize())
	}
	var waits []int // the reader's buffer during each wait
	src.onWait = func() { waits = append(waits, fr.BufferSize()) }
	var sizes []int
	for n := 0; ; n++ {
		f, _, err := fr.Next()
		if err != nil {
			break
		}
		if string(f)+"\n" != line {
			t.Fatalf("frame %d: %q", n, f)
		}
		if len(sizes) == 0 || sizes[len(sizes)-1] != fr.BufferSize() {
			sizes = append(sizes, fr.BufferSize())
		}
	}
	want := []int{smallBuf, DefaultMaxSize + chunk, smallBuf, DefaultMaxSize + chunk, smallBuf}
	if !reflect.DeepEqual(sizes, want) {
		t.Errorf("buffer sizes %v, want %v", sizes, want)
	}
	if want := []int{0, 0}; !reflect.DeepEqual(waits, want) {
		t.Errorf("buffer sizes during the waits %v, want %v (one wait per (0, nil) read, no buffer held)", waits, want)
	}
}
