package kafka

import (
	"net"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/sinktest"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestConformance runs the shared sink checks against a kfake cluster of
// its own per check, one partition so that the records read back are in
// the order written. The rejected record is one beyond the broker's
// message.max.bytes; the stalled write is a produce request the broker
// never answers.
func TestConformance(t *testing.T) {
	rt := forward.Runtime{Hostname: "relay1", JournalID: "conformance"}
	enc := event.Encoder{Observer: "relay1"}
	sinktest.Run(t, sinktest.Suite{
		Want: func(e *event.Event) string { return string(enc.AppendJSON(nil, e)) },
		Receiver: func(t *testing.T) sinktest.Receiver {
			c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
			r := newReader(t, c, []string{"events"})
			return sinktest.Receiver{
				NewSink: func() (forward.Sink, error) { return New(Config{Brokers: c.ListenAddrs(), Topic: "events"}, rt) },
				Got: func() ([]string, error) {
					recs, err := r.poll()
					return values(recs), err
				},
			}
		},
		Unreachable: func(t *testing.T) forward.Sink {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			l.Close() // nothing listens there any more
			s, err := New(Config{Brokers: []string{l.Addr().String()}}, rt)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		Rejecting: func(t *testing.T) (forward.Sink, []*event.Event) {
			c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"),
				kfake.BrokerConfigs(map[string]string{"message.max.bytes": "4096"}))
			s, err := New(Config{Brokers: c.ListenAddrs(), Topic: "events"}, rt)
			if err != nil {
				t.Fatal(err)
			}
			return s, []*event.Event{bigEvent(t, 1, 16<<10), bigEvent(t, 2, 32<<10)}
		},
		Stalled: func(t *testing.T) (forward.Sink, <-chan struct{}) {
			c := newCluster(t, kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
			blocked, release := make(chan struct{}), make(chan struct{})
			t.Cleanup(func() { close(release) }) // before the cluster closes
			first := true
			c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
				c.KeepControl()
				if first {
					first = false
					close(blocked)
				}
				c.SleepControl(func() { <-release })
				return nil, nil, false
			})
			s, err := New(Config{Brokers: c.ListenAddrs(), Topic: "events"}, rt)
			if err != nil {
				t.Fatal(err)
			}
			return s, blocked
		},
	})
}
