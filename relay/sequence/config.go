package sequence

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is the [sequence] section of nomen.toml.
//
//	[sequence]
//	enabled = true          # track numbered streams at all
//	grace = "5s"            # how long a hole may wait to be filled before it is a gap
//	max_streams = 100000    # streams remembered; the least recently used is evicted beyond
//	kinds = ["agent", "winlog", "rfc5424", "cisco", "snare"]  # which numberings to track
type Config struct {
	Enabled    *bool           `toml:"enabled"`
	Grace      config.Duration `toml:"grace"`
	MaxStreams int             `toml:"max_streams"`
	Kinds      []string        `toml:"kinds"`
}

// Defaults.
const (
	DefaultGrace      = 5 * time.Second
	DefaultMaxStreams = 100000
	// maxHoles bounds the open holes of one stream; beyond it the oldest
	// are confirmed at once (a sender jumping around at random).
	maxHoles = 64
)

// Stream kinds (values of Config.Kinds, and the prefix of nomen.gap.stream).
const (
	KindAgent   = "agent"   // agent id + channel (+ epoch): EventRecordID from the native agent
	KindWinlog  = "winlog"  // host + channel: EventRecordID relayed by NXLog, Snare, Winlogbeat
	KindRFC5424 = "rfc5424" // host + app-name + procid: [meta sequenceId]
	KindCisco   = "cisco"   // host: Cisco IOS sequence number prefix
	KindSnare   = "snare"   // host: Snare's own event counter
)

var allKinds = []string{KindAgent, KindWinlog, KindRFC5424, KindCisco, KindSnare}

// settings is a validated Config.
type settings struct {
	enabled    bool
	grace      time.Duration
	maxStreams int
	kinds      [numKinds]bool
}

func (c Config) settings() (settings, error) {
	s := settings{enabled: true, grace: DefaultGrace, maxStreams: DefaultMaxStreams}
	if c.Enabled != nil {
		s.enabled = *c.Enabled
	}
	if c.Grace != 0 {
		s.grace = c.Grace.D()
	}
	if s.grace > time.Hour {
		return s, fmt.Errorf("sequence: grace %s is too long (at most 1h: holes are held in memory until then)", s.grace)
	}
	switch {
	case c.MaxStreams < 0:
		return s, fmt.Errorf("sequence: max_streams %d must be positive", c.MaxStreams)
	case c.MaxStreams > 0:
		s.maxStreams = c.MaxStreams
	}
	kinds := c.Kinds
	if kinds == nil {
		kinds = allKinds
	}
	for _, k := range kinds {
		i := kindIndex(k)
		if i < 0 {
			return s, fmt.Errorf("sequence: kinds: unknown kind %q (want some of %v)", k, allKinds)
		}
		s.kinds[i] = true
	}
	return s, nil
}

// Validate checks the section without building a tracker (nomen check).
func (c Config) Validate() error {
	_, err := c.settings()
	return err
}

// Options are the tracker's runtime dependencies.
type Options struct {
	// StateDir is nomen's state_dir; the tracker keeps its snapshot in
	// StateDir/sequence. Empty: memory only.
	StateDir string
	// Metrics are the tracker's series, created once (NewMetrics); without
	// them New registers its own with Registerer.
	Metrics    *Metrics
	Registerer prometheus.Registerer
	// Log receives warnings (nil: discarded).
	Log *slog.Logger
	// SnapshotEvery is the period of automatic snapshots, taken in
	// Applied (default 5s; negative: only on Snapshot and Close).
	SnapshotEvery time.Duration
	// Now is the clock for snapshots' timestamps (default time.Now).
	Now func() time.Time
	// Owner, on a tier sharing the streams among instances, says which
	// streams are this tracker's (by stream key; loss alerts by origin,
	// "host:<name>" or "agent:<id>"): others are passed through untouched
	// and leave no state. Nil: every stream.
	Owner stage.Owner
}

type kind uint8

const (
	kAgent kind = iota
	kWinlog
	kRFC5424
	kCisco
	kSnare
	numKinds
)

func kindIndex(name string) int {
	for i, k := range allKinds {
		if k == name {
			return i
		}
	}
	return -1
}

func (k kind) String() string { return allKinds[k] }
