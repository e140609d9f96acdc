package coverage

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"

	"github.com/nomenhq/nomen/relay/event"
)

const plain = "Jul  1 10:00:00 h app: one 1\r\n\nJul  1 10:00:01 h app: two 2\nJul  1 10:00:02 h app: three 3" // CRLF, an empty line, no final LF

func compress(t *testing.T, kind string, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	var w io.WriteCloser
	switch kind {
	case "gzip":
		// two members, as `cat a.gz b.gz` makes
		half := len(text) / 2
		for _, part := range []string{text[:half], text[half:]} {
			zw := gzip.NewWriter(&b)
			zw.Write([]byte(part))
			zw.Close()
		}
		return b.Bytes()
	case "lz4":
		w = lz4.NewWriter(&b)
	case "zstd":
		zw, err := zstd.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	}
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRead: plain and compressed inputs give the same lines; the
// compression is found by content and reported.
func TestRead(t *testing.T) {
	for _, kind := range []string{"", "gzip", "lz4", "zstd"} {
		data := []byte(plain)
		if kind != "" {
			data = compress(t, kind, plain)
		}
		c := New(fixed(fakeLines{}), Options{})
		if err := c.Read("in", bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		r := c.Report(0)
		if len(r.Inputs) != 1 || r.Inputs[0] != (InputStat{Name: "in", Compression: kind, Lines: 3}) {
			t.Errorf("%s: inputs %+v", kind, r.Inputs)
		}
		var got []string
		for _, sh := range findSource(t, r, "-").TopShapes {
			got = append(got, sh.Example)
		}
		sort.Strings(got)
		if g := strings.Join(got, "|"); g != "Jul  1 10:00:00 h app: one 1|Jul  1 10:00:01 h app: two 2|Jul  1 10:00:02 h app: three 3" {
			t.Errorf("%s: lines %q", kind, g)
		}
	}
}

// TestReadCorrupt: a damaged compressed stream is an error, after the
// lines before the damage are counted.
func TestReadCorrupt(t *testing.T) {
	data := compress(t, "gzip", strings.Repeat("Jul  1 10:00:00 h app: a line\n", 1000))
	data = data[:len(data)*3/4] // inside the second member
	c := New(fixed(fakeLines{}), Options{})
	if err := c.Read("cut.gz", bytes.NewReader(data)); err == nil {
		t.Error("a cut gzip stream read without error")
	}
}

// TestReadErrorMidway: a read error after several batches ends Read
// with that error (named by the input), once the lines read before it
// went through the workers and were counted.
func TestReadErrorMidway(t *testing.T) {
	boom := errors.New("device gone")
	const n = 5*batchLines + 3
	text := strings.Repeat("Jul  1 10:00:00 h app: a line\n", n)
	c := New(fixed(fakeLines{}), Options{Workers: 3})
	err := c.Read("disk", io.MultiReader(strings.NewReader(text), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "disk: ") {
		t.Fatalf("error %v, want disk: %v", err, boom)
	}
	r := c.Report(0)
	if r.Lines != n || len(r.Inputs) != 1 || r.Inputs[0].Lines != n {
		t.Errorf("lines %d, inputs %+v, want %d", r.Lines, r.Inputs, n)
	}
	// The counter is usable after the error: the next input is counted.
	if err := c.Read("next", strings.NewReader("one more\n")); err != nil {
		t.Fatal(err)
	}
	if r := c.Report(0); r.Lines != n+1 {
		t.Errorf("lines after the next input %d, want %d", r.Lines, n+1)
	}
}

// TestLongLine: a line over MaxLineLen is cut there and counted; the
// next line is read whole.
func TestLongLine(t *testing.T) {
	text := strings.Repeat("x", MaxLineLen+1000) + "\nshort line\n" + strings.Repeat("y", MaxLineLen) + "\n"
	var lens []int
	c := New(fixed(fakeLines{seen: &lens}), Options{Workers: 1}) // one goroutine appends to lens
	if err := c.Read("long", strings.NewReader(text)); err != nil {
		t.Fatal(err)
	}
	if len(lens) != 3 || lens[0] != MaxLineLen || lens[1] != len("short line") || lens[2] != MaxLineLen {
		t.Errorf("line lengths %v", lens)
	}
	if r := c.Report(0); r.LongLines != 1 {
		t.Errorf("long lines %d, want 1", r.LongLines)
	}
}

// fakeLines recognises nothing: every line is its own message, with no
// program; seen collects the lengths of the lines.
type fakeLines struct{ seen *[]int }

func (f fakeLines) Decode(raw []byte, e *event.Event) string {
	if f.seen != nil {
		*f.seen = append(*f.seen, len(raw))
	}
	e.Original = string(raw)
	e.Message = e.Original
	return ""
}

// TestWorkersSameReport: the report (JSON and text) is the same whether
// the lines are decoded on one goroutine or several, and the same as
// counting them one by one with Line: the counting stays in input order.
func TestWorkersSameReport(t *testing.T) {
	log := mixedLog(t, 20*batchLines+77) // many batches, the last one short
	output := func(c *Counter) string {
		t.Helper()
		r := c.Report(5)
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if err := WriteText(&out, r); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	received := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	seq := realCounter(t, Options{Received: received, Workers: 1})
	for _, l := range bytes.Split(log, []byte("\n")) {
		if len(l) > 0 {
			seq.Line(l)
		}
	}
	seq.inputs = []InputStat{{Name: "mixed", Lines: seq.lines}} // what Read records
	want := output(seq)
	if !strings.Contains(want, "backupd") || !strings.Contains(want, "sshd") {
		t.Fatalf("the log lacks its known and unknown lines:\n%s", want)
	}
	for _, workers := range []int{1, 2, 5} {
		c := realCounter(t, Options{Received: received, Workers: workers})
		if err := c.Read("mixed", bytes.NewReader(log)); err != nil {
			t.Fatal(err)
		}
		if got := output(c); got != want {
			t.Errorf("%d workers: the report differs from counting line by line", workers)
		}
	}
}

// TestLayoutHeaderDecodedInOrder: the decode step tells Read which lines
// are header lines later lines depend on (a W3C log's "#Software:" and
// "#Fields:"): from the batch holding one on, Read decodes on one
// goroutine; a log without one is decoded on all.
func TestLayoutHeaderDecodedInOrder(t *testing.T) {
	for _, tc := range []struct {
		log    string
		serial bool
	}{
		{"Jul  1 10:00:00 h app: one\n#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method\n", true},
		{"Jul  1 10:00:00 h app: one\nJul  1 10:00:01 h app: #Fields are plain words here\n", false},
	} {
		c := realCounter(t, Options{Workers: 3})
		if err := c.Read("log", strings.NewReader(tc.log)); err != nil {
			t.Fatal(err)
		}
		if c.serial != tc.serial {
			t.Errorf("%q: decoded on one goroutine %v, want %v", tc.log, c.serial, tc.serial)
		}
	}
}
