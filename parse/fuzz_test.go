package parse

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// FuzzParse: never panics, Original is the input, header fields are
// substrings of it, the event encodes to valid JSON, and wherever
// go-syslog's strict RFC 5424 machine accepts the input both parsers agree.
// The second byte of input selects the Truncated flag and the zone.
func FuzzParse(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", "cases", "*", "input.txt"))
	for _, in := range inputs {
		for _, line := range readLines(f, in) {
			f.Add([]byte(line), false)
		}
	}
	f.Add([]byte("<14>1 2026-02-15T16:01:07Z host app - - [a@1 x=\"1\"][b@1 y=\"cut"), true)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.FixedZone("CET", 3600)
	}
	recv := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	utc, local := New(Options{Location: time.UTC}), New(Options{Location: berlin})
	f.Fuzz(func(t *testing.T, raw []byte, truncated bool) {
		in := string(raw)
		e := event.New(recv)
		p := utc
		if truncated {
			e.Flags |= event.Truncated
			p = local
		}
		p.Parse(raw, e)
		checkInvariants(t, in, e)
		agree5424(t, raw)
		// Parsing must not keep a reference to raw.
		for i := range raw {
			raw[i] = 'X'
		}
		if e.Original != in {
			t.Fatalf("Original changed with the input buffer")
		}
	})
}
