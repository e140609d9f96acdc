package relay

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/partition"
)

// TierConfig is the [tier] section: this nomen is one of several
// instances of a correlation tier sharing sequence tracking and
// correlation by partitions of their keys (relay/partition,
// docs/scale-out.md). Without listener, it is off: every key is this
// nomen's.
type TierConfig struct {
	// Listener names the nats listener whose servers and credentials the
	// leases use. Each instance reads the whole stream through it (its own
	// durable) and keeps state for its partitions only.
	Listener string `toml:"listener"`
	// Instance names this instance, unique in the tier (default: hostname,
	// with characters other than letters, digits, '-' and '_' as '_').
	Instance string `toml:"instance"`
	// Bucket is the JetStream key-value bucket of the leases (default
	// "nomen-partitions"); created if missing.
	Bucket string `toml:"bucket"`
	// Partitions is the number of partitions (default 64): the same on
	// every instance, never changed while the tier runs.
	Partitions int `toml:"partitions"`
	// LeaseTTL is how long a lease outlives its last renewal (default
	// 15s): the bound of a takeover after a crash.
	LeaseTTL config.Duration `toml:"lease_ttl"`
	// Replicas of the bucket (default 1; 3 on a cluster).
	Replicas int `toml:"replicas"`
}

// Defaults of [tier].
const (
	DefaultTierBucket   = "nomen-partitions"
	minTierLeaseTTL     = 3 * time.Second
	tierInstanceAllowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
)

func (t *TierConfig) enabled() bool { return t.Listener != "" }

func (t *TierConfig) setDefaults(hostname string) {
	if !t.enabled() {
		return
	}
	if t.Instance == "" {
		t.Instance = strings.Map(func(r rune) rune {
			if strings.ContainsRune(tierInstanceAllowed, r) {
				return r
			}
			return '_'
		}, hostname)
		if t.Instance == "" {
			t.Instance, _ = os.Hostname()
		}
	}
	if t.Bucket == "" {
		t.Bucket = DefaultTierBucket
	}
	if t.Partitions == 0 {
		t.Partitions = partition.DefaultCount
	}
	if t.LeaseTTL == 0 {
		t.LeaseTTL = config.Duration(partition.DefaultTTL)
	}
	if t.Replicas == 0 {
		t.Replicas = 1
	}
}

// validate checks [tier] against the nats listeners.
func (c *Config) validateTier() error {
	t := &c.Tier
	if !t.enabled() {
		if *t != (TierConfig{}) {
			return errors.New(`tier: listener = "<a nats listener>" is required to run as a tier instance`)
		}
		return nil
	}
	found := false
	for _, n := range c.NATSInputs {
		found = found || n.Name == t.Listener
	}
	var errs []error
	if !found && !c.failed["listener"] { // not one that did not decode (its own error says why)
		errs = append(errs, fmt.Errorf("tier.listener %q: no nats listener of that name", t.Listener))
	}
	if t.Instance == "" || strings.Trim(t.Instance, tierInstanceAllowed) != "" {
		errs = append(errs, fmt.Errorf("tier.instance %q: use letters, digits, '-' and '_'", t.Instance))
	}
	if strings.Trim(t.Bucket, tierInstanceAllowed) != "" {
		errs = append(errs, fmt.Errorf("tier.bucket %q: use letters, digits, '-' and '_'", t.Bucket))
	}
	if t.Partitions < 1 || t.Partitions > 4096 {
		errs = append(errs, fmt.Errorf("tier.partitions %d: want 1 to 4096", t.Partitions))
	}
	if t.LeaseTTL.D() < minTierLeaseTTL {
		errs = append(errs, fmt.Errorf("tier.lease_ttl %s: want at least %s", t.LeaseTTL.D(), minTierLeaseTTL))
	}
	if t.Replicas < 1 || t.Replicas > 5 {
		errs = append(errs, fmt.Errorf("tier.replicas %d: want 1 to 5", t.Replicas))
	}
	return errors.Join(errs...)
}
