package journal

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/nomenhq/nomen/internal/config"
)

// Config is the [journal] section of nomen.toml.
type Config struct {
	// Mode is "disk" (default: segment files under Dir) or "memory" (no
	// disk writes; a restart loses what outputs had not delivered).
	Mode string `toml:"mode"`
	// Dir holds the segment files and cursors/ (default <state_dir>/journal).
	Dir string `toml:"dir"`
	// SegmentSize is the size at which a segment file is closed and a new
	// one started (default 64MiB, or max_bytes/4 when that is smaller; on
	// a filesystem smaller than 8 segments, an eighth of it).
	SegmentSize config.ByteSize `toml:"segment_size"`
	// MaxBytes is the budget: bytes on disk, or the estimated memory the
	// retained events use in memory mode (default 1GiB).
	MaxBytes config.ByteSize `toml:"max_bytes"`
	// Fsync is "always" (fsync as soon as possible after every append,
	// concurrent appends sharing one fsync), "interval" (default: every
	// FsyncInterval, and at once for a caller waiting for durability, such
	// as an agent's acknowledgement) or "never" (leave it to the kernel). A kill -9 loses
	// nothing in any mode: Append returns after write(2), and the page
	// cache survives a process crash. fsync only matters for power loss or
	// a kernel crash.
	Fsync string `toml:"fsync"`
	// FsyncInterval is the period of fsync = "interval" (default 1s).
	FsyncInterval config.Duration `toml:"fsync_interval"`
	// OnFull is what an append does when the budget is used up: "block"
	// (default: wait until the slowest output frees space; TCP senders
	// feel backpressure, datagram listeners count drops) or "drop_oldest"
	// (delete the oldest segment even if an output has not read it; the
	// loss is counted and logged).
	OnFull string `toml:"on_full"`
}

// Modes, fsync policies and full policies.
const (
	ModeDisk   = "disk"
	ModeMemory = "memory"

	FsyncAlways   = "always"
	FsyncInterval = "interval"
	FsyncNever    = "never"

	OnFullBlock      = "block"
	OnFullDropOldest = "drop_oldest"
)

// Defaults.
const (
	DefaultSegmentSize   = 64 << 20
	DefaultMaxBytes      = 1 << 30
	DefaultFsyncInterval = time.Second

	minSegmentSize = 4 << 10
)

// WithDefaults returns c with every unset key set to its default; Dir
// defaults to <stateDir>/journal.
func (c Config) WithDefaults(stateDir string) Config {
	if c.Mode == "" {
		c.Mode = ModeDisk
	}
	if c.Dir == "" && stateDir != "" {
		c.Dir = filepath.Join(stateDir, "journal")
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.SegmentSize == 0 {
		c.SegmentSize = min(DefaultSegmentSize, c.MaxBytes/4)
	}
	if c.Fsync == "" {
		c.Fsync = FsyncInterval
	}
	if c.FsyncInterval == 0 {
		c.FsyncInterval = config.Duration(DefaultFsyncInterval)
	}
	if c.OnFull == "" {
		c.OnFull = OnFullBlock
	}
	return c
}

// Validate reports the first invalid key (call it after WithDefaults).
func (c Config) Validate() error {
	switch c.Mode {
	case ModeDisk:
		if c.Dir == "" {
			return errors.New("journal: dir is required in disk mode (or set state_dir)")
		}
	case ModeMemory:
	default:
		return fmt.Errorf("journal: mode %q: want %q or %q", c.Mode, ModeDisk, ModeMemory)
	}
	switch c.Fsync {
	case FsyncAlways, FsyncInterval, FsyncNever:
	default:
		return fmt.Errorf("journal: fsync %q: want %q, %q or %q", c.Fsync, FsyncAlways, FsyncInterval, FsyncNever)
	}
	if c.Fsync == FsyncInterval && c.FsyncInterval.D() <= 0 {
		return errors.New("journal: fsync_interval must be positive")
	}
	switch c.OnFull {
	case OnFullBlock, OnFullDropOldest:
	default:
		return fmt.Errorf("journal: on_full %q: want %q or %q", c.OnFull, OnFullBlock, OnFullDropOldest)
	}
	if c.SegmentSize < minSegmentSize {
		return fmt.Errorf("journal: segment_size %d is below the minimum of %d bytes", c.SegmentSize, minSegmentSize)
	}
	if c.Mode == ModeDisk && c.MaxBytes < 2*c.SegmentSize {
		return fmt.Errorf("journal: max_bytes (%d) must be at least twice segment_size (%d): the segment being written is never deleted",
			c.MaxBytes, c.SegmentSize)
	}
	if c.MaxBytes <= 0 {
		return errors.New("journal: max_bytes must be positive")
	}
	return nil
}
