package nats

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/relay/event"
)

// TestConformance runs the shared sink checks against JetStream on
// 127.0.0.1:4222, a stream of its own per check (deleted after). An event
// beyond the server's max_payload is the record JetStream rejects.
func TestConformance(t *testing.T) {
	url, js := testNATS(t)
	rt := forward.Runtime{Hostname: "relay1", JournalID: "conformance"}
	enc := event.Encoder{Observer: "relay1"}
	fresh := func(t *testing.T) Config {
		prefix, stream := testStream(t, js)
		return Config{URL: url, Subject: prefix + ".{event.category}", CreateStream: true, Stream: stream}
	}
	sinktest.Run(t, sinktest.Suite{
		Want: func(e *event.Event) string { return string(enc.AppendJSON(nil, e)) },
		Receiver: func(t *testing.T) sinktest.Receiver {
			cfg := fresh(t)
			return sinktest.Receiver{
				NewSink: func() (forward.Sink, error) { return New(cfg, rt) },
				Got: func() ([]string, error) {
					var docs []string
					for _, m := range consumeAll(t, js, cfg.Stream) {
						docs = append(docs, string(m.Data()))
					}
					return docs, nil
				},
			}
		},
		Unreachable: func(t *testing.T) forward.Sink {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			l.Close() // nothing listens there any more
			s, err := New(Config{URL: "nats://" + l.Addr().String()}, rt)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		// A stream of the configured name already exists with other
		// subjects (another application's).
		Misconfigured: func(t *testing.T) forward.Sink {
			cfg := fresh(t)
			if _, err := js.CreateStream(context.Background(), jetstream.StreamConfig{Name: cfg.Stream, Subjects: []string{cfg.Stream + ".other.>"}}); err != nil {
				t.Fatal(err)
			}
			s, err := New(cfg, rt)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Rejecting: func(t *testing.T) (forward.Sink, []*event.Event) {
			s, err := New(fresh(t), rt)
			if err != nil {
				t.Fatal(err)
			}
			big := sinktest.SampleEvents(t, 1, 1)[0]
			big.Original = strings.Repeat("x", 8<<20) // beyond any default max_payload
			return s, []*event.Event{big}
		},
	})
}
