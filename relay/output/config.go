package output

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/filter"
)

// Common holds the keys every [[output]] table has, whatever its type.
// Embed it in each output type's config struct so that the keys decode
// from the same table:
//
//	type FileConfig struct {
//		output.Common
//		Path string `toml:"path"`
//	}
type Common struct {
	Name string `toml:"name"`
	Type string `toml:"type"`
	// Where and WhereNot filter what the output receives (relay/filter).
	Where    filter.Terms `toml:"where"`
	WhereNot filter.Terms `toml:"where_not"`
	// BatchSize is the most events handed to one Write (default 500).
	BatchSize int `toml:"batch_size"`
	// FlushInterval is how long a partial batch may wait for more events
	// (default 0: a batch is written as soon as the journal has nothing
	// more to give; see the package comment).
	FlushInterval config.Duration `toml:"flush_interval"`
	// DeadLetter is the file rejected events go to (default
	// <state_dir>/deadletter/<name>.jsonl), DeadLetterMaxBytes its size
	// before it is rotated to <path>.1 (default 64MiB).
	DeadLetter         string          `toml:"dead_letter"`
	DeadLetterMaxBytes config.ByteSize `toml:"dead_letter_max_bytes"`
	// Test is the embedded tests of where and where_not ([[output.test]]),
	// run by nomen check (FilterTests).
	Test []FilterTest `toml:"test"`
}

// FilterTest is one [[output.test]]: an event, and whether the output's
// where and where_not let it through.
//
//	[[output.test]]
//	event = { "event.category" = ["authentication"], "event.outcome" = "failure" }
//	match = true
//
// event is a table of fields, or { "@line" = "..." } for a raw line
// (package relay/testcase).
type FilterTest struct {
	Event config.Table `toml:"event"`
	Match *bool        `toml:"match"`
}

// Defaults.
const (
	DefaultBatchSize          = 500
	DefaultDeadLetterMaxBytes = 64 << 20
	maxBatchSize              = 100_000
)

// WithDefaults returns c with unset keys at their defaults.
func (c Common) WithDefaults(stateDir string) Common {
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.DeadLetter == "" && stateDir != "" && c.Name != "" {
		c.DeadLetter = DefaultDeadLetterPath(stateDir, c.Name)
	}
	if c.DeadLetterMaxBytes == 0 {
		c.DeadLetterMaxBytes = DefaultDeadLetterMaxBytes
	}
	return c
}

// DefaultDeadLetterPath is <stateDir>/deadletter/<name>.jsonl.
func DefaultDeadLetterPath(stateDir, name string) string {
	return filepath.Join(stateDir, "deadletter", safeFileName(name)+".jsonl")
}

// Validate reports the first invalid key, naming the output.
func (c Common) Validate() error {
	if c.Name == "" {
		return errors.New("output: name is required")
	}
	if c.BatchSize < 1 || c.BatchSize > maxBatchSize {
		return fmt.Errorf("output %q: batch_size %d: want 1 to %d", c.Name, c.BatchSize, maxBatchSize)
	}
	if c.FlushInterval.D() < 0 || c.FlushInterval.D() > time.Hour {
		return fmt.Errorf("output %q: flush_interval %s: want 0 to 1h", c.Name, c.FlushInterval)
	}
	if c.DeadLetterMaxBytes < 0 {
		return fmt.Errorf("output %q: dead_letter_max_bytes must not be negative", c.Name)
	}
	if _, _, err := c.Filters(); err != nil {
		return err
	}
	return nil
}

// Filters compiles where and where_not.
func (c Common) Filters() (where, whereNot filter.Filter, err error) {
	if where, err = filter.Compile(c.Where); err != nil {
		return where, whereNot, fmt.Errorf("output %q: %w", c.Name, err)
	}
	if whereNot, err = filter.Compile(c.WhereNot); err != nil {
		return where, whereNot, fmt.Errorf("output %q: where_not: %w", c.Name, err)
	}
	return where, whereNot, nil
}

// safeFileName keeps letters, digits, '-', '_' and '.', replacing the rest
// (and a leading '.') with '_'.
func safeFileName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' && i > 0) {
			b[i] = '_'
		}
	}
	return string(b)
}
