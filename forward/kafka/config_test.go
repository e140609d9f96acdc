package kafka

import (
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/testpeer"
	"github.com/nomenhq/nomen/relay/event"
)

func TestConfigValidate(t *testing.T) {
	// A real CA: Validate loads the TLS files, not only finds them.
	ca := testpeer.NewPKI(t).CA
	ok := Config{Brokers: []string{"k1:9092", "k2"}}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		err  string // "" valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"everything", func(c *Config) {
			*c = Config{Brokers: []string{"k1:9093"}, Topic: "logs-{host.name}_{event.code}", TopicMissing: "none",
				ClientID: "relay-7", Compression: "zstd", Linger: config.Duration(time.Second), BatchMaxBytes: 16 << 20,
				RequestTimeout: config.Duration(5 * time.Minute), DeliveryTimeout: config.Duration(6 * time.Minute),
				DialTimeout: config.Duration(time.Second), TLS: &forward.TLSConfig{CA: ca},
				SASL: SASLConfig{Mechanism: "scram-sha-512", Username: "u", Password: "p"}}
		}, ""},
		{"no brokers", func(c *Config) { c.Brokers = nil }, "brokers is required"},
		{"a URL for a broker", func(c *Config) { c.Brokers = []string{"kafka://k1:9092"} }, "want host:port"},
		{"unclosed field", func(c *Config) { c.Topic = "nomen.{event.category" }, "unclosed {"},
		{"illegal topic character", func(c *Config) { c.Topic = "nomen/{event.category}" }, "a-z A-Z 0-9"},
		{"reserved topic", func(c *Config) { c.Topic = ".." }, "a-z A-Z 0-9"},
		{"topic too long", func(c *Config) { c.Topic = strings.Repeat("t", 250) }, "at most 249"},
		{"topic_missing", func(c *Config) { c.TopicMissing = "no such" }, "topic_missing"},
		{"compression", func(c *Config) { c.Compression = "brotli" }, "compression"},
		{"linger", func(c *Config) { c.Linger = config.Duration(2 * time.Second) }, "linger"},
		{"small batch", func(c *Config) { c.BatchMaxBytes = 512 }, "batch_max_bytes"},
		{"large batch", func(c *Config) { c.BatchMaxBytes = 32 << 20 }, "batch_max_bytes"},
		{"request_timeout", func(c *Config) { c.RequestTimeout = config.Duration(time.Millisecond) }, "request_timeout"},
		{"delivery_timeout", func(c *Config) { c.DeliveryTimeout = config.Duration(30 * time.Second) }, "delivery_timeout"},
		{"tls file", func(c *Config) { c.TLS = &forward.TLSConfig{CA: ca + ".missing"} }, "tls"},
		{"sasl mechanism", func(c *Config) { c.SASL = SASLConfig{Mechanism: "GSSAPI", Username: "u", Password: "p"} }, "mechanism"},
		{"sasl password", func(c *Config) { c.SASL = SASLConfig{Mechanism: "PLAIN", Username: "u"} }, "required"},
		{"sasl without mechanism", func(c *Config) { c.SASL = SASLConfig{Username: "u", Password: "p"} }, "need a mechanism"},
	} {
		c := ok
		tc.edit(&c)
		err := c.Validate()
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.err)
		}
	}
}

// TestConfigDecodesStrictly: the keys as written in nomen.toml; a
// misspelt one is an error.
func TestConfigDecodesStrictly(t *testing.T) {
	const doc = `brokers = ["k1:9092"]
topic = "t.{event.category}"
compression = "zstd"
linger = "20ms"
batch_max_bytes = "512KiB"
tls = {}
sasl = { mechanism = "PLAIN", username = "u", password = "p" }
`
	var c Config
	if err := config.Decode("kafka.toml", []byte(doc), &c, nil); err != nil {
		t.Fatal(err)
	}
	if c.TLS == nil || c.BatchMaxBytes != 512<<10 || c.Linger.D() != 20*time.Millisecond || c.SASL.Username != "u" {
		t.Errorf("decoded %+v", c)
	}
	if err := config.Decode("kafka.toml", []byte(doc+"lingr = \"1s\"\n"), &Config{}, nil); err == nil || !strings.Contains(err.Error(), "lingr") {
		t.Errorf("a misspelt key: %v", err)
	}
}

// TestTopicOf: values made legal topic names, reserved names and
// overlong ones handled.
func TestTopicOf(t *testing.T) {
	s, err := New(Config{Brokers: []string{"k"}, Topic: "{event.dataset}"}, forward.Runtime{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ value, want string }{
		{"cisco.asa", "cisco.asa"},
		{"a b/c:d", "a_b_c_d"},
		{"é", "__"},
		{"..", "unknown"},
		{"", "unknown"},
		{strings.Repeat("x", 300), strings.Repeat("x", 249)},
	} {
		e := event.New(time.Now())
		e.SetStr("event.dataset", tc.value)
		if got := s.topicOf(e); got != tc.want {
			t.Errorf("%q: topic %q, want %q", tc.value, got, tc.want)
		}
	}
}
