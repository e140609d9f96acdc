package kafka

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// No Kafka broker runs on the test machines: the tests run against
// franz-go's kfake, an in-process cluster that speaks the Kafka protocol
// (produce with idempotent sequences, metadata, leader moves, SASL, TLS)
// on 127.0.0.1.

// newCluster starts a kfake cluster, closed when the test ends.
func newCluster(t testing.TB, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// openKafka opens a kafka sink of observer relay1 and journal journalID,
// closed when the test ends; extra are franz-go options added to cfg's.
func openKafka(t testing.TB, cfg Config, journalID string, extra ...kgo.Opt) *Kafka {
	t.Helper()
	s, err := New(cfg, forward.Runtime{Hostname: "relay1", JournalID: journalID})
	if err != nil {
		t.Fatal(err)
	}
	s.opts = extra
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// reader consumes topics from their start, keeping what it read.
type reader struct {
	cl   *kgo.Client
	mu   sync.Mutex
	recs []*kgo.Record
}

// newReader returns a consumer of topics on c, with the given extra
// options (SASL, TLS), closed when the test ends.
func newReader(t testing.TB, c *kfake.Cluster, topics []string, extra ...kgo.Opt) *reader {
	t.Helper()
	opts := append([]kgo.Opt{
		kgo.SeedBrokers(c.ListenAddrs()...),
		kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}, extra...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &reader{cl: cl}
}

// poll reads what arrived within a short while and returns all read so far.
func (r *reader) poll() ([]*kgo.Record, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	fs := r.cl.PollFetches(ctx)
	for _, err := range fs.Errors() {
		if err.Err != context.DeadlineExceeded {
			return nil, err.Err
		}
	}
	r.recs = append(r.recs, fs.Records()...)
	return r.recs, nil
}

// readN polls until n records were read (or more: then the test sees
// them), failing the test if they do not come.
func (r *reader) readN(t testing.TB, n int) []*kgo.Record {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		recs, err := r.poll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) >= n {
			// A copy more than n would arrive with them or just after.
			recs, _ = r.poll()
			return recs
		}
		if time.Now().After(deadline) {
			t.Fatalf("read %d records, want %d", len(recs), n)
		}
	}
}

// header returns the value of a record's header key.
func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// values returns the records' values.
func values(recs []*kgo.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Value)
	}
	return out
}

// idsOf returns the records' nomen.id headers, joined for messages.
func idsOf(recs []*kgo.Record) string {
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = header(r, headerID)
	}
	return strings.Join(ids, ",")
}

func cfgDur(d time.Duration) config.Duration { return config.Duration(d) }

// fastMetadata lets the producer refresh metadata at once after an error
// (franz-go waits at least 5s between refreshes) to keep tests short.
var fastMetadata = kgo.MetadataMinAge(10 * time.Millisecond)
