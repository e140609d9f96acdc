package relay

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/internal/logging"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/journal"
	"github.com/nomenhq/nomen/relay/listen"
	"github.com/nomenhq/nomen/relay/natsin"
	"github.com/nomenhq/nomen/relay/sequence"
)

// Config is nomen.toml. configs/nomen.toml documents every key with its
// default; this file is where they are decoded, defaulted and validated.
type Config struct {
	// StateDir holds the journal, cursors, sequence and correlation state.
	StateDir string `toml:"state_dir"`
	// Hostname is observer.hostname in every event (default: the system's).
	Hostname string `toml:"hostname"`
	// ShutdownTimeout bounds the drain on SIGTERM (default 20s; keep it
	// below systemd's TimeoutStopSec).
	ShutdownTimeout config.Duration `toml:"shutdown_timeout"`

	Log      LogConfig       `toml:"log"`
	Metrics  MetricsConfig   `toml:"metrics"`
	Parse    ParseConfig     `toml:"parse"`
	Limits   LimitsConfig    `toml:"limits"`
	Pipeline PipelineConfig  `toml:"pipeline"`
	Journal  journal.Config  `toml:"journal"`
	Sequence sequence.Config `toml:"sequence"`
	Tier     TierConfig      `toml:"tier"`

	Normalize normalize.Config `toml:"normalize"`

	// Decoded by kind/type in finish (see decodeListeners, decodeOutputs).
	RawListeners []toml.Primitive `toml:"listener"`
	RawOutputs   []toml.Primitive `toml:"output"`
	RawCorrelate toml.Primitive   `toml:"correlate"`

	Listeners []listen.Config `toml:"-"`
	Agents    []AgentListener `toml:"-"`
	// NATSInputs are the listeners with protocol = "nats" (relay/natsin).
	NATSInputs []natsin.Config `toml:"-"`
	Outputs    []OutputConfig  `toml:"-"`
	Correlate  CorrelateConfig `toml:"-"`

	// Path is the file the config was read from.
	Path string `toml:"-"`

	// entries are the [[listener]] and [[output]] tables as written, for
	// the keys an unknown key's own table takes (TableKeys).
	entries map[string][]tableEntry
	// failed names the tables with an entry that did not decode.
	failed map[string]bool
	// undecoded are the keys (toml.Key.String) that nothing decoded: the
	// strict decoder reports them (checkEntryKeys does not again).
	undecoded map[string]bool
}

// LogConfig is the [log] section.
type LogConfig struct {
	Level string `toml:"level"` // debug | info (default) | warn | error
	// Format is text (default) or json. When stderr is the systemd journal
	// (JOURNAL_STREAM), either gets a syslog priority prefix and no time;
	// see internal/logging.
	Format string `toml:"format"`
}

// ParseConfig is the [parse] section.
type ParseConfig struct {
	// Timezone for timestamps that carry none (RFC 3164): "Local"
	// (default), "UTC" or an IANA name such as "Europe/Berlin".
	Timezone string `toml:"timezone"`
}

// PipelineConfig is the [pipeline] section.
type PipelineConfig struct {
	// QueueBatches is how many batches (of up to 256 events from a datagram
	// reader, 1,024 from a connection) may wait for the pipeline, and
	// QueueEvents how many events in all; beyond either
	// TCP readers wait and UDP readers wait up to 80 ms (the socket's
	// buffer holds what arrives), then drop their batch. Datagram readers hand
	// over many small batches; stream readers full ones, which the event
	// bound keeps from filling memory when the pipeline is the bottleneck.
	QueueBatches int `toml:"queue_batches"`
	// QueueEvents defaults to [limits] memory / 16 / 2KiB (4096 at the
	// default 128MiB; at least 1024). With sequence tracking and 20 rules
	// the pipeline is the bottleneck under load and its queue stays full:
	// 1024 full batches (the batch bound) made nomen 20 % slower in CPU
	// per message and doubled its memory against 64 (make bench's
	// tcp-mixed-rules); a deeper queue buys nothing but memory.
	QueueEvents int `toml:"queue_events"`
}

// LoadConfig reads, decodes strictly, defaults and validates a config file.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseConfigData(path, data)
}

// ParseConfigData is LoadConfig for bytes already read (name is for messages).
func ParseConfigData(name string, data []byte) (*Config, error) {
	data, err := config.ExpandEnv(name, data)
	if err != nil {
		return nil, err
	}
	cfg, err := decodeConfig(name, data)
	if cfg == nil {
		return nil, err
	}
	// Every problem at once: what did not decode and the unknown keys,
	// the keys of an entry's own kind, then the values of all that decoded.
	errs := []error{err, cfg.checkEntryKeys(name, data)}
	if err := cfg.validate(); err != nil {
		// Every line names the file, as the decoder's errors do.
		errs = append(errs, errors.New(name+": "+strings.ReplaceAll(err.Error(), "\n", "\n"+name+": ")))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return cfg, nil
}

// decodeConfig decodes data (${ENV} expanded). An entry that does not
// decode, a value that does not and an unknown key make err, but the rest
// is decoded (config.Decode goes on past a bad value): cfg is nil only when
// the document itself does not parse.
func decodeConfig(name string, data []byte) (*Config, error) {
	cfg := &Config{Path: name}
	decoded := false
	err := config.Decode(name, data, cfg, func(md *toml.MetaData) error {
		decoded = true
		return cfg.finish(md, data)
	})
	if !decoded {
		return nil, err
	}
	return cfg, err
}

// finish decodes the sections whose shape depends on a field (listener
// protocol, output type) and the correlation rules. data is the document,
// for the keys of arrays written inline (inlineEntries). An entry that
// does not decode is left out and the others decoded, so that every
// problem is reported at once (errors.Join); its keys are not reported
// unknown then (SkipUndecoded).
func (c *Config) finish(md *toml.MetaData, data []byte) error {
	if !md.IsDefined("metrics") {
		c.Metrics.Listen = metricsDefault
	}
	c.entries = entriesOf(md.Keys())
	for table := range kindTables {
		if len(c.entries[table]) != c.written(table) {
			if entries, ok := inlineEntries(data, table, md.Keys()); ok {
				c.entries[table] = entries
			}
		}
	}
	errs := append(c.decodeListeners(md), c.decodeOutputs(md)...)
	if md.IsDefined("correlate") {
		if err := decodeCorrelate(md, c.RawCorrelate, &c.Correlate); err != nil {
			errs = append(errs, err)
		}
	}
	c.undecoded = map[string]bool{} // final: nothing is decoded after finish
	for _, k := range md.Undecoded() {
		c.undecoded[k.String()] = true
	}
	return errors.Join(errs...)
}

// decodeListeners decodes each [[listener]] by its protocol; it returns
// the errors of those that do not decode (left out, marked failed).
func (c *Config) decodeListeners(md *toml.MetaData) []error {
	var errs []error
	for i, p := range c.RawListeners {
		var head struct {
			Name     string `toml:"name"`
			Protocol string `toml:"protocol"`
		}
		if err := md.PrimitiveDecode(p, &head); err != nil {
			errs = append(errs, fmt.Errorf("listener #%d: %w", i+1, err))
			c.setFailed("listener", i)
			continue
		}
		c.setKind("listener", i, head.Protocol)
		var err error
		switch head.Protocol {
		case "agent":
			var a AgentListener
			if a, err = decodeAgentListener(md, p); err == nil {
				c.Agents = append(c.Agents, a)
			}
		case "nats":
			var n natsin.Config
			if err = md.PrimitiveDecode(p, &n); err == nil {
				c.NATSInputs = append(c.NATSInputs, n)
			}
		default:
			var l listen.Config
			if err = md.PrimitiveDecode(p, &l); err == nil {
				c.Listeners = append(c.Listeners, l)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("listener %q: %w", head.Name, err))
			c.setFailed("listener", i)
		}
	}
	return errs
}

func (c *Config) setDefaults() {
	if c.StateDir == "" {
		c.StateDir = "/var/lib/nomen"
	}
	if c.Hostname == "" {
		c.Hostname, _ = os.Hostname()
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = config.Duration(20 * time.Second)
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
	if c.Parse.Timezone == "" {
		c.Parse.Timezone = "Local"
	}
	if c.Pipeline.QueueBatches == 0 {
		c.Pipeline.QueueBatches = 1024
	}
	c.Limits.setDefaults()
	if c.Pipeline.QueueEvents == 0 {
		c.Pipeline.QueueEvents = c.Limits.defaultQueueEvents()
	}
	c.Metrics.setDefaults(c.StateDir)
	c.Journal = c.Journal.WithDefaults(c.StateDir)
	for i := range c.Listeners {
		c.Listeners[i].SetDefaults()
	}
	for i := range c.Agents {
		c.Agents[i].setDefaults(c.StateDir)
	}
	for i := range c.NATSInputs {
		c.NATSInputs[i].SetDefaults(c.StateDir)
	}
	for i := range c.Outputs {
		c.Outputs[i].setDefaults(c.StateDir)
	}
	c.Tier.setDefaults(c.Hostname)
}

// metricsDefault is applied only when the [metrics] table is absent, so
// that listen = "" can disable the HTTP listener.
const metricsDefault = "127.0.0.1:9514"

func (c *Config) validate() error {
	c.setDefaults()
	var errs []error
	if !filepath.IsAbs(c.StateDir) && !strings.HasPrefix(c.StateDir, ".") {
		errs = append(errs, fmt.Errorf("state_dir %q: want an absolute path or one starting with ./", c.StateDir))
	}
	if _, err := c.logLevel(); err != nil {
		errs = append(errs, err)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		errs = append(errs, fmt.Errorf("log.format %q: want text or json", c.Log.Format))
	}
	if err := c.Metrics.validate(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.location(); err != nil {
		errs = append(errs, err)
	}
	if c.Pipeline.QueueBatches < 1 || c.Pipeline.QueueBatches > 1<<20 {
		errs = append(errs, fmt.Errorf("pipeline.queue_batches %d: want 1 to 1048576", c.Pipeline.QueueBatches))
	}
	if c.Pipeline.QueueEvents < 1 || c.Pipeline.QueueEvents > 1<<24 {
		errs = append(errs, fmt.Errorf("pipeline.queue_events %d: want 1 to 16777216", c.Pipeline.QueueEvents))
	}
	if err := c.Limits.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Journal.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Sequence.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Correlate.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateListeners()...)
	if err := c.validateTier(); err != nil {
		errs = append(errs, err)
	}
	names := map[string]bool{}
	checkName := func(kind, name string) {
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: name is required", kind))
			return
		}
		if names[kind+"/"+name] {
			errs = append(errs, fmt.Errorf("%s %q: name used twice", kind, name))
		}
		names[kind+"/"+name] = true
	}
	for i := range c.Outputs {
		o := &c.Outputs[i]
		checkName("output", o.Common.Name)
		if err := o.validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(c.Outputs) == 0 && !c.failed["output"] {
		errs = append(errs, errors.New("no [[output]]: events would only be journaled"))
	}
	return errors.Join(errs...)
}

// validateListeners checks every listener, that their names are unique
// and that no two bind the same address.
func (c *Config) validateListeners() []error {
	var errs []error
	names := map[string]bool{}
	addrs := map[string]string{}
	checkName := func(kind, name string) {
		if name == "" {
			errs = append(errs, fmt.Errorf("%s: name is required", kind))
			return
		}
		if names[kind+"/"+name] {
			errs = append(errs, fmt.Errorf("%s %q: name used twice", kind, name))
		}
		names[kind+"/"+name] = true
	}
	checkAddr := func(name, proto, addr string) {
		if strings.HasSuffix(addr, ":0") {
			return // the system picks a free port for each
		}
		key := proto + " " + addr
		if proto == "tls" || proto == "agent" {
			key = "tcp " + addr
		}
		if other, dup := addrs[key]; dup {
			errs = append(errs, fmt.Errorf("listener %q: address %s is also used by listener %q", name, addr, other))
		}
		addrs[key] = name
	}
	for i := range c.Listeners {
		l := &c.Listeners[i]
		checkName("listener", l.Name)
		if err := l.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("listener %q: %w", l.Name, err))
		}
		checkAddr(l.Name, l.Protocol, l.Address)
	}
	for i := range c.Agents {
		a := &c.Agents[i]
		checkName("listener", a.Name)
		if err := a.validate(); err != nil {
			errs = append(errs, fmt.Errorf("listener %q: %w", a.Name, err))
		}
		checkAddr(a.Name, "agent", a.Address)
	}
	for i := range c.NATSInputs {
		n := &c.NATSInputs[i]
		checkName("listener", n.Name)
		if err := n.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("listener %q: %w", n.Name, err))
		}
	}
	if len(c.Listeners)+len(c.Agents)+len(c.NATSInputs) == 0 && !c.failed["listener"] {
		errs = append(errs, errors.New("no [[listener]]: nomen would receive nothing"))
	}
	return errs
}

func (c *Config) logLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.Log.Level)); err != nil {
		return 0, fmt.Errorf("log.level %q: want debug, info, warn or error", c.Log.Level)
	}
	return l, nil
}

func (c *Config) location() (*time.Location, error) {
	switch c.Parse.Timezone {
	case "", "Local", "local":
		return time.Local, nil
	}
	loc, err := time.LoadLocation(c.Parse.Timezone)
	if err != nil {
		return nil, fmt.Errorf("parse.timezone %q: %v", c.Parse.Timezone, err)
	}
	return loc, nil
}

// NewLogger returns the structured logger the config asks for, on w
// (journald's format when w is the journal stream; see internal/logging).
func (c *Config) NewLogger(w *os.File) *slog.Logger {
	level, _ := c.logLevel()
	return logging.New(w, level, c.Log.Format)
}
