package natsin

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/tlsconf"
)

// Config is a [[listener]] with protocol = "nats": a JetStream stream read
// through a durable pull consumer.
type Config struct {
	Name     string `toml:"name"`
	Protocol string `toml:"protocol"` // "nats"
	// URL of the server(s), comma-separated (default nats://127.0.0.1:4222).
	URL string `toml:"url"`
	// Stream is the JetStream stream to read (required).
	Stream string `toml:"stream"`
	// Durable is the consumer's name (default "nomen-<name>"): the
	// server keeps its position, so a restarted nomen, or another on
	// the same durable, continues where it was acknowledged.
	Durable string `toml:"durable"`
	// Subjects filter the stream (empty: all of its subjects).
	Subjects []string `toml:"subjects"`
	// Format of the messages: auto (default: a message starting with '{'
	// is a nomen edge's ECS JSON, kept as it was normalized there; any
	// other is a syslog message, decoded here), nomen (every message ECS
	// JSON) or syslog (every message decoded here).
	Format string `toml:"format"`
	// FetchBatch is how many messages one pull asks for (default 256).
	FetchBatch int `toml:"fetch_batch"`
	// MaxAckPending bounds the messages fetched and not yet acknowledged
	// (default 4096): the server stops delivering beyond it, and so does
	// nomen while the journal is full.
	MaxAckPending int `toml:"max_ack_pending"`
	// AckWait is how long the server waits for an acknowledgement before
	// it delivers a message again (default 60s).
	AckWait config.Duration `toml:"ack_wait"`
	// DedupeIDs is how many message ids are remembered to drop messages
	// delivered again (default 100000).
	DedupeIDs int `toml:"dedupe_ids"`
	// MaxMessageSize truncates syslog messages like the other listeners
	// (default 64KiB).
	MaxMessageSize config.ByteSize `toml:"max_message_size"`
	// DeadLetter is the file malformed messages go to (default
	// <state_dir>/deadletter/listener-<name>.jsonl), at most
	// DeadLetterMaxBytes (default 64MiB).
	DeadLetter         string          `toml:"dead_letter"`
	DeadLetterMaxBytes config.ByteSize `toml:"dead_letter_max_bytes"`

	TLS TLSConfig `toml:"tls"`
	// Credentials: a .creds file, an nkey seed file, user and password,
	// or a token (one of them), as for the nats output.
	Creds    string `toml:"creds"`
	NKey     string `toml:"nkey"`
	User     string `toml:"user"`
	Password string `toml:"password"`
	Token    string `toml:"token"`
}

// TLSConfig is the client side tls table (the outputs' keys).
type TLSConfig struct {
	CA                 string `toml:"ca"`
	Cert               string `toml:"cert"`
	Key                string `toml:"key"`
	ServerName         string `toml:"server_name"`
	InsecureSkipVerify bool   `toml:"insecure_skip_verify"`
}

func (t TLSConfig) client() tlsconf.Client {
	return tlsconf.Client{CA: t.CA, Cert: t.Cert, Key: t.Key, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}
}

// Formats.
const (
	FormatAuto   = "auto"
	FormatNomen  = "nomen"
	FormatSyslog = "syslog"
)

// Defaults.
const (
	DefaultURL                = "nats://127.0.0.1:4222"
	DefaultFetchBatch         = 256
	DefaultMaxAckPending      = 4096
	DefaultAckWait            = config.Duration(60 * time.Second)
	DefaultDedupeIDs          = 100000
	DefaultMaxMessageSize     = 64 << 10
	DefaultDeadLetterMaxBytes = 64 << 20
)

// SetDefaults fills the keys left unset; stateDir is the relay's.
func (c *Config) SetDefaults(stateDir string) {
	if c.URL == "" {
		c.URL = DefaultURL
	}
	if c.Durable == "" {
		c.Durable = "nomen-" + c.Name
	}
	if c.Format == "" {
		c.Format = FormatAuto
	}
	if c.FetchBatch == 0 {
		c.FetchBatch = DefaultFetchBatch
	}
	if c.MaxAckPending == 0 {
		c.MaxAckPending = DefaultMaxAckPending
	}
	if c.AckWait == 0 {
		c.AckWait = DefaultAckWait
	}
	if c.DedupeIDs == 0 {
		c.DedupeIDs = DefaultDedupeIDs
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if c.DeadLetter == "" {
		c.DeadLetter = filepath.Join(stateDir, "deadletter", "listener-"+c.Name+".jsonl")
	}
	if c.DeadLetterMaxBytes == 0 {
		c.DeadLetterMaxBytes = DefaultDeadLetterMaxBytes
	}
}

// Validate checks a listener after SetDefaults.
func (c *Config) Validate() error {
	if c.Stream == "" {
		return errors.New(`protocol "nats" needs stream = "..." (the JetStream stream to read)`)
	}
	for _, s := range []string{c.Stream, c.Durable} {
		if strings.ContainsAny(s, " .*>\t/\\") {
			return fmt.Errorf("stream and durable %q: a name without '.', '*', '>', '/', '\\' or spaces", s)
		}
	}
	for _, s := range c.Subjects {
		if s == "" || strings.ContainsAny(s, " \t") {
			return fmt.Errorf("subjects: %q is not a subject filter", s)
		}
	}
	switch c.Format {
	case FormatAuto, FormatNomen, FormatSyslog:
	default:
		return fmt.Errorf("format %q: want auto, nomen or syslog", c.Format)
	}
	if c.FetchBatch < 1 || c.FetchBatch > 10000 {
		return fmt.Errorf("fetch_batch %d: want 1 to 10000", c.FetchBatch)
	}
	if c.MaxAckPending < c.FetchBatch || c.MaxAckPending > 1<<20 {
		return fmt.Errorf("max_ack_pending %d: want fetch_batch (%d) to 1048576", c.MaxAckPending, c.FetchBatch)
	}
	if c.AckWait < config.Duration(time.Second) {
		return fmt.Errorf("ack_wait %v: want at least 1s", c.AckWait)
	}
	if c.DedupeIDs < 1 || c.DedupeIDs > 10_000_000 {
		return fmt.Errorf("dedupe_ids %d: want 1 to 10000000", c.DedupeIDs)
	}
	if c.MaxMessageSize < 480 || c.MaxMessageSize > 16<<20 {
		return fmt.Errorf("max_message_size %d: want 480 bytes to 16MiB", c.MaxMessageSize)
	}
	creds := 0
	for _, set := range []bool{c.Creds != "", c.NKey != "", c.User != "" || c.Password != "", c.Token != ""} {
		if set {
			creds++
		}
	}
	if creds > 1 {
		return errors.New("give one of creds, nkey, user/password and token")
	}
	if c.TLS != (TLSConfig{}) {
		if _, err := c.TLS.client().Build(""); err != nil {
			return fmt.Errorf("tls: %w", err)
		}
	}
	return nil
}
