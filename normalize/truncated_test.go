package normalize

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// A line cut anywhere (a datagram truncated by a size limit, a TCP frame
// cut by a forwarder) never panics a decoder: every prefix of every golden
// line is normalized ("connection lost: '" cut after its quote did).
func TestGoldenPrefixesNoPanic(t *testing.T) {
	if testing.Short() {
		t.Skip("every prefix of every golden line")
	}
	inputs, err := filepath.Glob(filepath.Join(normtest.Root(t), "*", "*", "input.txt"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	for _, in := range inputs {
		lines, err := normtest.Lines(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range lines {
			for i := 0; i < len(line); i++ {
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s: panic %v on the prefix %q", in, r, line[:i])
						}
					}()
					e := event.New(normtest.Received)
					p.Parse([]byte(line[:i]), e)
					n.Normalize(e)
				}()
			}
		}
	}
}
