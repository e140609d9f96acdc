package file

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/relay/event"
)

// TestConformance runs the shared sink checks against files in a temp dir.
// A disk neither rejects a record nor stalls a write, so those are skipped.
func TestConformance(t *testing.T) {
	rt := forward.Runtime{Hostname: "relay1"}
	enc := event.Encoder{Observer: "relay1"}
	sinktest.Run(t, sinktest.Suite{
		Receiver: func(t *testing.T) sinktest.Receiver {
			path := filepath.Join(t.TempDir(), "events.jsonl")
			return sinktest.Receiver{
				NewSink: func() (forward.Sink, error) { return New(Config{Path: path}, rt) },
				Got: func() ([]string, error) {
					b, err := os.ReadFile(path)
					return sinktest.Lines(b), err
				},
			}
		},
		Want: func(e *event.Event) string { return string(enc.AppendJSON(nil, e)) },
		// The directory cannot be created: a file is in the way (an
		// operator may move it).
		Unreachable: func(t *testing.T) forward.Sink {
			blocker := filepath.Join(t.TempDir(), "not-a-dir")
			if err := os.WriteFile(blocker, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := New(Config{Path: filepath.Join(blocker, "events.jsonl")}, rt)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}
