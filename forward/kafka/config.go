// Package kafka is the kafka output: ECS JSON documents produced to Kafka
// (Apache Kafka 2.x and later, Redpanda, Amazon MSK, Confluent) with
// franz-go's idempotent producer and acks=all, on a topic templated from
// the event's fields, keyed by the event's source so that each source's
// events stay in order in one partition.
//
//	[[output]]
//	name = "bus"
//	type = "kafka"
//	brokers = ["kafka1.example.org:9092"]
//	topic = "nomen.events.{event.category}"
package kafka

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Config is an `[[output]]` table of type "kafka". A zero value of an
// optional key means its default.
//
// Delivery: a batch succeeds only when the brokers acknowledged every
// record (acks=all: every in-sync replica has it), so the journal cursor
// advances only then. The producer is idempotent: the copies its own
// retries send (a lost acknowledgement, a leader change) are dropped by
// the broker. A batch the worker sends again after a failure is new to the
// broker, and every record carries the headers nomen.journal and nomen.id
// that name its event, stable across retries and restarts, so a consumer
// can drop those copies.
type Config struct {
	// Brokers are the seed brokers, host:port (port 9092 if left out);
	// the others are learnt from the cluster. Required.
	Brokers []string `toml:"brokers"`
	// Topic is a template: {field.path} is replaced by the event's value
	// (the first item of a list), with the characters Kafka does not allow
	// in a topic name (only a-z A-Z 0-9 . _ -) turned into '_', or by
	// topic_missing when the event has no such field (default
	// "nomen.events.{event.category}").
	Topic string `toml:"topic"`
	// TopicMissing is the value of absent fields (default "unknown").
	TopicMissing string `toml:"topic_missing"`
	// AutoCreateTopics asks the broker to create a topic that does not
	// exist on first use (it must allow it: auto.create.topics.enable).
	// Otherwise a missing topic is an error retried until it exists.
	AutoCreateTopics bool `toml:"auto_create_topics"`
	// ClientID is the client.id brokers log and apply quotas to (default
	// "nomen").
	ClientID string `toml:"client_id"`
	// Compression of record batches: none, gzip, snappy, lz4 or zstd
	// (default lz4: cheap on the relay's CPU, ~4x on ECS JSON, and read by
	// every client and broker from Kafka 0.10 on; zstd compresses better
	// for more CPU and needs Kafka 2.1).
	Compression string `toml:"compression"`
	// Linger is how long a partition's batch waits for more records
	// before it is sent (default 5ms, as in Kafka 4; at most 1s). The
	// worker hands over whole batches, so it only fills requests better.
	Linger config.Duration `toml:"linger"`
	// BatchMaxBytes bounds one record batch (one partition's share of a
	// request) before compression (default 1000000; 1KiB to 16MiB). It
	// must not exceed the topics' max.message.bytes (broker default
	// 1048588): the broker rejects a larger batch as too large, and a
	// rejected record is dead-lettered. A single event larger than this is
	// dead-lettered at once.
	BatchMaxBytes config.ByteSize `toml:"batch_max_bytes"`
	// RequestTimeout is how long a broker may take to answer a produce
	// request, waiting for its replicas included (default 30s; 1s to 5m).
	RequestTimeout config.Duration `toml:"request_timeout"`
	// DeliveryTimeout bounds waiting for a batch's acknowledgements
	// (default 2m, more than request_timeout + linger): after it the worker
	// sends the batch again over a new connection.
	DeliveryTimeout config.Duration `toml:"delivery_timeout"`
	// DialTimeout bounds connecting to a broker, TLS handshake included
	// (default 10s).
	DialTimeout config.Duration `toml:"dial_timeout"`
	// TLS, when the table is present (even `tls = {}`: the system roots),
	// connects with TLS.
	TLS *forward.TLSConfig `toml:"tls"`
	// SASL authenticates the connections.
	SASL SASLConfig `toml:"sasl"`
}

// SASLConfig is the `sasl = { ... }` table of a kafka output.
type SASLConfig struct {
	// Mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty: no SASL.
	Mechanism string `toml:"mechanism"`
	// Username and Password; the password usually from the environment
	// (password = "${KAFKA_PASSWORD}").
	Username string `toml:"username"`
	Password string `toml:"password"`
}

// Mechanisms that SASLConfig.Mechanism takes.
const (
	mechPlain  = "PLAIN"
	mechSHA256 = "SCRAM-SHA-256"
	mechSHA512 = "SCRAM-SHA-512"
)

// Bounds of the keys whose extremes would hurt (a linger that holds
// events back, a batch no broker takes).
const (
	maxLinger         = time.Second
	minBatchMaxBytes  = 1 << 10
	maxBatchMaxBytes  = 16 << 20
	minRequestTimeout = time.Second
	maxRequestTimeout = 5 * time.Minute
	maxTopicLen       = 249 // Kafka's limit
)

func (c Config) withDefaults() Config {
	if c.Topic == "" {
		c.Topic = "nomen.events.{event.category}"
	}
	if c.TopicMissing == "" {
		c.TopicMissing = "unknown"
	}
	if c.ClientID == "" {
		c.ClientID = "nomen"
	}
	if c.Compression == "" {
		c.Compression = "lz4"
	}
	if c.Linger == 0 {
		c.Linger = config.Duration(5 * time.Millisecond)
	}
	if c.BatchMaxBytes == 0 {
		c.BatchMaxBytes = 1_000_000
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = config.Duration(30 * time.Second)
	}
	if c.DeliveryTimeout == 0 {
		c.DeliveryTimeout = config.Duration(2 * time.Minute)
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = config.Duration(10 * time.Second)
	}
	c.SASL.Mechanism = strings.ToUpper(c.SASL.Mechanism)
	return c
}

// Validate checks the configuration.
func (c Config) Validate() error {
	c = c.withDefaults()
	if len(c.Brokers) == 0 {
		return errors.New("kafka: brokers is required (host:port of one or more brokers)")
	}
	for _, b := range c.Brokers {
		if b == "" || strings.ContainsAny(b, " /,") {
			return fmt.Errorf("kafka: broker %q: want host:port", b)
		}
	}
	if _, err := parseTopic(c.Topic); err != nil {
		return err
	}
	if !validTopic(c.TopicMissing) {
		return fmt.Errorf("kafka: topic_missing %q: want a-z A-Z 0-9 . _ - only", c.TopicMissing)
	}
	if _, err := codec(c.Compression); err != nil {
		return err
	}
	switch {
	case c.Linger < 0 || c.Linger.D() > maxLinger:
		return fmt.Errorf("kafka: linger %v: want at most %v", c.Linger, maxLinger)
	case c.BatchMaxBytes < minBatchMaxBytes || c.BatchMaxBytes > maxBatchMaxBytes:
		return fmt.Errorf("kafka: batch_max_bytes %d: want 1KiB to 16MiB", c.BatchMaxBytes)
	case c.RequestTimeout.D() < minRequestTimeout || c.RequestTimeout.D() > maxRequestTimeout:
		return fmt.Errorf("kafka: request_timeout %v: want 1s to 5m", c.RequestTimeout)
	case c.DeliveryTimeout.D() <= c.RequestTimeout.D()+c.Linger.D():
		return fmt.Errorf("kafka: delivery_timeout %v: want more than request_timeout + linger", c.DeliveryTimeout)
	case c.DialTimeout < 0:
		return errors.New("kafka: dial_timeout must not be negative")
	}
	if c.TLS != nil {
		if err := c.TLS.Validate(); err != nil {
			return fmt.Errorf("kafka: %w", err)
		}
	}
	return c.SASL.validate()
}

func (s SASLConfig) validate() error {
	switch strings.ToUpper(s.Mechanism) {
	case "":
		if s.Username != "" || s.Password != "" {
			return errors.New("kafka: sasl: username and password need a mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)")
		}
		return nil
	case mechPlain, mechSHA256, mechSHA512:
	default:
		return fmt.Errorf("kafka: sasl: mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.Mechanism)
	}
	if s.Username == "" || s.Password == "" {
		return errors.New("kafka: sasl: username and password are required")
	}
	return nil
}

// codec returns the franz-go compression of name.
func codec(name string) (kgo.CompressionCodec, error) {
	switch name {
	case "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("kafka: compression %q: want none, gzip, snappy, lz4 or zstd", name)
}

// parseTopic parses the topic template and checks its literal parts.
func parseTopic(s string) (forward.Template, error) {
	t, err := forward.ParseTemplate(s)
	if err != nil {
		return t, fmt.Errorf("kafka: topic %q: %w", s, err)
	}
	if shape := t.Shape("x"); !validTopic(shape) || shape == "." || shape == ".." {
		return t, fmt.Errorf("kafka: topic %q: want a-z A-Z 0-9 . _ - and {field} only, at most %d characters", s, maxTopicLen)
	}
	return t, nil
}

// validTopic reports whether s is a legal topic name: 1 to 249 of
// [a-zA-Z0-9._-].
func validTopic(s string) bool {
	if s == "" || len(s) > maxTopicLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if topicByte(s[i]) != s[i] {
			return false
		}
	}
	return true
}

// topicByte maps a byte of a field's value to one Kafka allows in a topic.
func topicByte(c byte) byte {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		return c
	}
	return '_'
}
