package framing

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestTrailersAgainstPlainSplit: a stream whose frames end in LF, CRLF or
// NUL, mixed and in runs (a NUL-terminated stream with an LF now and
// then, as the searches remember what lies beyond a frame), read in
// random chunks, gives the frames that cutting the stream at each LF or
// NUL does.
func TestTrailersAgainstPlainSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	trailers := []string{"\n", "\r\n", "\x00", "\n\n", "\x00\x00", "\x00\n"}
	var b bytes.Buffer
	var want []string
	run := 0 // frames left in a run of one trailer
	var tr string
	for b.Len() < 1<<20 {
		if run == 0 {
			run, tr = 1+rng.IntN(200), trailers[rng.IntN(len(trailers))]
		}
		run--
		body := "<13>" + strings.Repeat(string(rune('a'+rng.IntN(26))), rng.IntN(600))
		b.WriteString(body + tr)
		want = append(want, body)
	}
	for _, chunks := range []int{1 << 20, 5000, 300, 7} {
		src := &upToReader{data: b.Bytes(), most: chunks, rng: rand.New(rand.NewPCG(uint64(chunks), 5))}
		got := readAll(t, src, DefaultMaxSize, LF)
		if len(got.frames) != len(want) {
			t.Fatalf("reads of up to %d bytes: %d frames, want %d", chunks, len(got.frames), len(want))
		}
		for i := range want {
			if got.frames[i] != want[i] {
				t.Fatalf("reads of up to %d bytes: frame %d is %q, want %q", chunks, i, got.frames[i], want[i])
			}
		}
	}
}

// upToReader serves data in reads of 1 to most bytes.
type upToReader struct {
	data []byte
	most int
	rng  *rand.Rand
}

func (r *upToReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1+r.rng.IntN(r.most))], r.data)
	r.data = r.data[n:]
	return n, nil
}
