package kafka

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Record headers naming the event: with both, a consumer can tell a copy
// (a batch sent again after a failure) from a new event.
const (
	headerJournal = "nomen.journal" // the journal the event's ID belongs to
	headerID      = "nomen.id"      // the event's journal ID, decimal
)

// maxTopics bounds the cache of topic names rendered (templated topics
// take few values; past it the cache starts over).
const maxTopics = 1024

// Kafka produces events to Kafka.
type Kafka struct {
	cfg     Config
	log     *slog.Logger
	topic   forward.Template
	enc     event.Encoder
	journal []byte    // the nomen.journal header's value
	opts    []kgo.Opt // added to the configuration's (tests)

	client *kgo.Client

	// Reused by Write while no record of an earlier batch is pending.
	data    []byte
	keys    []byte
	ids     []byte
	recs    []kgo.Record
	headers []kgo.RecordHeader
	topics  map[string]string // rendered name -> the string records share
	topicb  []byte
}

// NewSink builds the kafka sink of c (forward.Config).
func (c *Config) NewSink(rt forward.Runtime) (forward.Sink, error) { return New(*c, rt) }

// New returns a kafka sink. rt.Hostname is observer.hostname in the
// documents; rt.JournalID is the nomen.journal header (it must survive
// restarts as long as the IDs do; empty: rt.Hostname, then "nomen").
func New(cfg Config, rt forward.Runtime) (*Kafka, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	topic, _ := parseTopic(cfg.Topic)
	s := &Kafka{
		cfg:     cfg,
		log:     rt.Log().With("sink", "kafka", "topic", cfg.Topic),
		topic:   topic,
		enc:     event.Encoder{Observer: rt.Hostname},
		journal: []byte(cmp.Or(rt.JournalID, rt.Hostname, "nomen")),
		topics:  map[string]string{},
	}
	if cfg.SASL.Mechanism == mechPlain && cfg.TLS == nil {
		s.log.Warn("kafka: SASL PLAIN without tls sends the password in clear text")
	}
	return s, nil
}

// clientOptions are the franz-go options of the configuration. The
// producer is franz-go's default: idempotent, acks=all, records of a
// partition in order, the key hashed with murmur2 as the Java client does.
func (s *Kafka) clientOptions() ([]kgo.Opt, error) {
	c := s.cfg
	comp, _ := codec(c.Compression)
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.ClientID(c.ClientID),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(comp, kgo.NoCompression()),
		kgo.ProducerLinger(c.Linger.D()),
		kgo.ProducerBatchMaxBytes(int32(c.BatchMaxBytes)),
		kgo.ProduceRequestTimeout(c.RequestTimeout.D()),
		kgo.DialTimeout(c.DialTimeout.D()),
		kgo.WithLogger(kgoLogger{logthrottle.New(s.log, 0)}),
	}
	if c.AutoCreateTopics {
		opts = append(opts, kgo.AllowAutoTopicCreation())
	}
	if c.TLS != nil {
		// No server name: franz-go checks each broker's certificate
		// against that broker's host.
		tc, err := c.TLS.Build("")
		if err != nil {
			return nil, forward.Permanent(fmt.Errorf("kafka: %w", err))
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	switch c.SASL.Mechanism {
	case mechPlain:
		opts = append(opts, kgo.SASL(plain.Auth{User: c.SASL.Username, Pass: c.SASL.Password}.AsMechanism()))
	case mechSHA256:
		opts = append(opts, kgo.SASL(scram.Auth{User: c.SASL.Username, Pass: c.SASL.Password}.AsSha256Mechanism()))
	case mechSHA512:
		opts = append(opts, kgo.SASL(scram.Auth{User: c.SASL.Username, Pass: c.SASL.Password}.AsSha512Mechanism()))
	}
	return append(opts, s.opts...), nil
}

// Open creates the client and checks that a broker answers (and takes the
// credentials): a wrong address or password shows at once, not as a
// delivery timeout.
func (s *Kafka) Open(ctx context.Context) error {
	if s.client != nil {
		return nil
	}
	opts, err := s.clientOptions()
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return forward.Permanent(fmt.Errorf("kafka: %w", err))
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.DialTimeout.D()+s.cfg.RequestTimeout.D())
	defer cancel()
	if err := cl.Ping(ctx); err != nil {
		cl.Close()
		return fmt.Errorf("kafka: connect to %s: %w", strings.Join(s.cfg.Brokers, ","), err)
	}
	s.client = cl
	return nil
}

// Write produces the batch and returns once every record is acknowledged,
// or failed, or delivery_timeout passed. Records failed for good (too
// large, topic not allowed) are reported as permanent items of a
// *forward.BatchError; those that may succeed later as retryable ones.
func (s *Kafka) Write(ctx context.Context, batch []*event.Event) error {
	if s.client == nil {
		if err := s.Open(ctx); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.DeliveryTimeout.D())
	defer cancel() // fails the records not sent yet if Write gives up
	s.build(batch)
	// Promises run on franz-go's goroutine and must not block: the channel
	// holds every result, even those of a batch Write gave up on.
	done := make(chan itemResult, len(batch))
	for i := range s.recs {
		s.client.Produce(ctx, &s.recs[i], func(_ *kgo.Record, err error) { done <- itemResult{i, err} })
	}
	var be forward.BatchError
	for range batch {
		select {
		case r := <-done:
			if r.err != nil {
				be.Items = append(be.Items, forward.ItemError{Index: r.index, Err: classify(s.recs[r.index].Topic, r.err)})
			}
		case <-ctx.Done():
			s.abandon()
			return fmt.Errorf("kafka: not all of the batch was acknowledged: %w", ctx.Err())
		}
	}
	return batchResult(be, len(batch))
}

type itemResult struct {
	index int
	err   error
}

// batchResult is Write's error for the failed items of a batch of n.
func batchResult(be forward.BatchError, n int) error {
	if len(be.Items) == 0 {
		return nil
	}
	slices.SortFunc(be.Items, func(a, b forward.ItemError) int { return a.Index - b.Index })
	if len(be.Items) == n && !anyPermanent(be.Items) {
		// All failed, and may succeed later (no broker, no leader, no
		// topic yet): the worker retries the batch over a new connection.
		return be.Items[0].Err
	}
	return &be
}

func anyPermanent(items []forward.ItemError) bool {
	for _, it := range items {
		if forward.IsPermanent(it.Err) {
			return true
		}
	}
	return false
}

// build fills s.recs with the batch's records: value, key, topic and
// headers in buffers shared by the batch.
func (s *Kafka) build(batch []*event.Event) {
	s.data, s.keys, s.ids = s.data[:0], s.keys[:0], s.ids[:0]
	type span struct{ data, key, id [2]int }
	spans := make([]span, len(batch))
	for i, e := range batch {
		sp := &spans[i]
		sp.data[0] = len(s.data)
		s.data = s.enc.AppendJSON(s.data, e)
		sp.data[1] = len(s.data)
		sp.key[0] = len(s.keys)
		s.keys = appendKey(s.keys, e)
		sp.key[1] = len(s.keys)
		sp.id[0] = len(s.ids)
		if e.ID != 0 {
			s.ids = strconv.AppendUint(s.ids, e.ID, 10)
		}
		sp.id[1] = len(s.ids)
	}
	// The buffers are complete (no more growing): records can point into them.
	s.recs = s.recs[:0]
	s.headers = slices.Grow(s.headers[:0], 2*len(batch)) // no reallocation below
	for i, e := range batch {
		sp := spans[i]
		h := len(s.headers)
		s.headers = append(s.headers, kgo.RecordHeader{Key: headerJournal, Value: s.journal})
		if sp.id[1] > sp.id[0] {
			s.headers = append(s.headers, kgo.RecordHeader{Key: headerID, Value: s.ids[sp.id[0]:sp.id[1]:sp.id[1]]})
		}
		rec := kgo.Record{
			Topic: s.topicOf(e),
			Value: s.data[sp.data[0]:sp.data[1]:sp.data[1]],
		}
		if sp.key[1] > sp.key[0] {
			rec.Key = s.keys[sp.key[0]:sp.key[1]:sp.key[1]]
		}
		s.recs = append(s.recs, rec)
		s.recs[i].Headers = s.headers[h:len(s.headers):len(s.headers)]
	}
}

// topicOf renders the topic of e, sharing one string per name.
func (s *Kafka) topicOf(e *event.Event) string {
	s.topicb = s.topic.Append(s.topicb[:0], e, s.cfg.TopicMissing, topicByte)
	if len(s.topicb) > maxTopicLen {
		s.topicb = s.topicb[:maxTopicLen]
	}
	if t, ok := s.topics[string(s.topicb)]; ok {
		return t
	}
	t := string(s.topicb)
	if t == "." || t == ".." { // legal characters, reserved names
		t = s.cfg.TopicMissing
	}
	if len(s.topics) >= maxTopics {
		clear(s.topics)
	}
	s.topics[string(s.topicb)] = t
	return t
}

// abandon forgets the buffers of a batch Write gave up on: franz-go may
// still hold records pointing into them.
func (s *Kafka) abandon() {
	s.data, s.keys, s.ids, s.recs, s.headers = nil, nil, nil, nil, nil
}

// Close closes the client. Records still pending (of a batch Write gave
// up on) are failed; the worker sends that batch again.
func (s *Kafka) Close() error {
	if s.client == nil {
		return nil
	}
	s.client.Close()
	s.client = nil
	s.abandon()
	return nil
}

// classify wraps a record's error: permanent when the broker refuses the
// record itself (resending it cannot help: it goes to the dead-letter
// file), retryable otherwise, the default for an error not listed (the
// events wait rather than be set aside by mistake).
func classify(topic string, err error) error {
	err = fmt.Errorf("kafka: topic %s: %w", topic, err)
	for _, permanent := range []error{
		kerr.MessageTooLarge,          // larger than max.message.bytes
		kerr.RecordListTooLarge,       // larger than a log segment
		kerr.InvalidRecord,            // refused by the broker's validation (compacted topic without a key...)
		kerr.InvalidTopicException,    // the name is not a topic's (or an internal topic)
		kerr.TopicAuthorizationFailed, // no ACL allows writing to it
		kerr.PolicyViolation,
	} {
		if errors.Is(err, permanent) {
			return forward.Permanent(err)
		}
	}
	return err
}

// kgoLogger passes franz-go's warnings and errors to the output's logger,
// each message at most once per interval (a broker down would otherwise
// log every dial).
type kgoLogger struct{ l *logthrottle.Logger }

func (kgoLogger) Level() kgo.LogLevel { return kgo.LogLevelWarn }

func (k kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	lv := slog.LevelWarn
	if level == kgo.LogLevelError {
		lv = slog.LevelError
	}
	k.l.Log(lv, msg, "kafka: "+msg, keyvals...)
}
