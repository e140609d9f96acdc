package correlate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// Config is the [correlate] section of nomen.toml: rules by kind, in
// [[correlate.match]], [[correlate.threshold]], [[correlate.pair]],
// [[correlate.first_seen]] tables, the built-in Windows process tracking
// in [correlate.process] and the reassembly of PowerShell script blocks in
// [correlate.powershell]. See configs/correlate/examples.toml.
type Config struct {
	Match      []MatchRule      `toml:"match"`
	Threshold  []ThresholdRule  `toml:"threshold"`
	Pair       []PairRule       `toml:"pair"`
	FirstSeen  []FirstSeenRule  `toml:"first_seen"`
	Process    ProcessConfig    `toml:"process"`
	PowerShell PowerShellConfig `toml:"powershell"`
}

// Rule holds the keys every rule kind has.
type Rule struct {
	// Name is rule.name and the {rule} label of nomen_findings_total:
	// required, unique across all rules.
	Name string `toml:"name"`
	// ID is rule.id (default: the name).
	ID string `toml:"id"`
	// Description is rule.description.
	Description string `toml:"description"`
	// Message is the finding's message: a template where {field.name} is
	// a field of the event that completed the finding and {count},
	// {window}, {key}, {rule} are the finding's own (see finding.go).
	Message string `toml:"message"`
	// Category is event.category of the finding (ECS allowed values;
	// default ["intrusion_detection"]).
	Category []string `toml:"category"`
	// Severity is event.severity of the finding (0: not set).
	Severity int `toml:"severity"`
	// Time is "received" (default: nomen's clock, safe when source clocks
	// are wrong) or "event" (@timestamp of the events) for windows.
	Time string `toml:"time"`
	// MaxKeys bounds the rule's state (group keys, tuples); the least
	// recently used is evicted and counted beyond it. Default 100000.
	MaxKeys int `toml:"max_keys"`
	// Test is the rule's embedded tests, run by nomen check (ruletest.go).
	// They are not part of the definition: changing one keeps the state.
	Test []RuleTest `toml:"test" json:"-"`
}

// Every rule kind but pair takes where (required) and where_not (optional:
// events matching it are ignored), both relay/filter tables: field = value
// or list of values, `*` globs, "!" for an absent field.

// MatchRule: one event matches Where and, if NotIn is set, its field is not
// in the allow-list.
type MatchRule struct {
	Rule
	Where    filter.Terms `toml:"where"`
	WhereNot filter.Terms `toml:"where_not"`
	NotIn    *NotIn       `toml:"not_in"`
}

// NotIn is an allow-list: the rule fires only when Field's value matches
// none of Values (`*` globs). Matching ignores ASCII case unless
// CaseSensitive (Windows paths and account names are case-insensitive,
// and an allow-list that is too strict only fires more). A missing field
// is not in the list.
type NotIn struct {
	Field         string   `toml:"field"`
	Values        []string `toml:"values"`
	CaseSensitive bool     `toml:"case_sensitive"`
}

// ThresholdRule: Count events matching Where with the same GroupBy values
// within Window (sliding); then no further finding for that key during
// Suppress (default: Window).
type ThresholdRule struct {
	Rule
	Where    filter.Terms     `toml:"where"`
	WhereNot filter.Terms     `toml:"where_not"`
	GroupBy  []string         `toml:"group_by"`
	Count    int              `toml:"count"`
	Window   config.Duration  `toml:"window"`
	Suppress *config.Duration `toml:"suppress"`
}

// PairRule: an event matching First, then one matching Second with the
// same GroupBy values within Window. On "both" (default) the finding is
// raised when the second comes; on "missing" when the window closes
// without it.
type PairRule struct {
	Rule
	First   filter.Terms    `toml:"first"`
	Second  filter.Terms    `toml:"second"`
	GroupBy []string        `toml:"group_by"`
	Window  config.Duration `toml:"window"`
	On      string          `toml:"on"`
}

// FirstSeenRule: the tuple of Fields of an event matching Where was never
// seen before (or not within Expire, if set).
type FirstSeenRule struct {
	Rule
	Where    filter.Terms    `toml:"where"`
	WhereNot filter.Terms    `toml:"where_not"`
	Fields   []string        `toml:"fields"`
	Expire   config.Duration `toml:"expire"`
}

// ProcessConfig tunes the built-in Windows process tracking.
type ProcessConfig struct {
	// Enabled (default true).
	Enabled *bool `toml:"enabled"`
	// MaxLifetime: a process whose end was not seen this long after its
	// start is reported as "end missing" (default 24h).
	MaxLifetime config.Duration `toml:"max_lifetime"`
	// MaxOpen bounds the processes tracked (default 100000).
	MaxOpen int `toml:"max_open"`
	// Test is the tracking's embedded tests, run by nomen check.
	Test []RuleTest `toml:"test" json:"-"`
}

// PowerShellConfig tunes the built-in reassembly of PowerShell script
// blocks logged in parts (event 4104, see scriptblock.go).
type PowerShellConfig struct {
	// Enabled (default true).
	Enabled *bool `toml:"enabled"`
	// Timeout: a block whose next part has not come this long (receive
	// time) is given up and reported incomplete (default 60s).
	Timeout config.Duration `toml:"timeout"`
	// MaxOpen bounds the blocks being reassembled (default 10000); beyond
	// it the least recently used is reported incomplete.
	MaxOpen int `toml:"max_open"`
	// MaxBlockBytes bounds the text kept of one block (default 4MiB);
	// beyond it the text is truncated and flagged.
	MaxBlockBytes config.ByteSize `toml:"max_block_bytes"`
	// MaxBytes bounds the text of all open blocks (default 64MiB); beyond
	// it the least recently used blocks are reported incomplete.
	MaxBytes config.ByteSize `toml:"max_bytes"`
}

// Defaults.
const (
	DefaultMaxKeys     = 100000
	DefaultMaxLifetime = 24 * time.Hour
	DefaultMaxOpen     = 100000

	DefaultScriptBlockTimeout  = 60 * time.Second
	DefaultScriptBlockMaxOpen  = 10000
	DefaultScriptBlockMaxBlock = 4 << 20
	DefaultScriptBlockMaxBytes = 64 << 20
	defaultCategory            = "intrusion_detection"
)

// ecsCategories are the allowed values of event.category (ECS 8.17).
var ecsCategories = []string{"api", "authentication", "configuration", "database", "driver", "email", "file",
	"host", "iam", "intrusion_detection", "library", "malware", "network", "package", "process", "registry",
	"session", "threat", "vulnerability", "web"}

// Options are the engine's runtime dependencies.
type Options struct {
	// StateDir is nomen's state_dir; the engine keeps its snapshot in
	// StateDir/correlate. Empty: memory only.
	StateDir string
	// Registerer receives the metrics (required).
	Registerer prometheus.Registerer
	// Log receives warnings (nil: discarded).
	Log *slog.Logger
	// SnapshotEvery is the period of automatic snapshots, taken in
	// Applied (default 5s; negative: only on Snapshot and Close).
	SnapshotEvery time.Duration
	// Now is the clock for snapshots and evictions (default time.Now).
	Now func() time.Time
	// Owner, on a tier sharing the keys among instances, says which are
	// this engine's: a rule's key is "<rule name>\x00<group key>" (match
	// rules: the event's identity, findingid.Anchor; process and script
	// block tracking: the host name, lowercase). Others' events leave no
	// state and raise nothing here. Nil: every key.
	Owner stage.Owner
}

// Validate checks the section without building an engine (nomen check).
func (c Config) Validate() error {
	_, err := compile(c)
	return err
}

// compiledRule is one rule's validated definition, before state.
type compiledRule struct {
	kind string
	base ruleBase
	// hash identifies the definition: state is kept across reloads and
	// restarts only for a rule whose definition did not change.
	hash string
	def  any
}

// compile validates every rule: the keys all rules share (Rule.compile),
// each kind's own (check), and names unique across kinds and the built-ins.
func compile(c Config) ([]compiledRule, error) {
	var out []compiledRule
	var errs []error
	names := map[string]string{
		ruleProcess:      "the built-in process tracking",
		ruleEndMissing:   "the built-in process tracking",
		ruleStartMissing: "the built-in process tracking",

		ruleScriptBlock:           "the built-in PowerShell script block reassembly",
		ruleScriptBlockIncomplete: "the built-in PowerShell script block reassembly",
	}
	add := func(kind string, i int, r *Rule, def any, check func() error) {
		where := fmt.Sprintf("correlate.%s[%d]", kind, i)
		if r.Name != "" {
			where += fmt.Sprintf(" %q", r.Name)
		}
		base, err := r.compile(kind)
		if err == nil {
			err = check()
		}
		if err == nil {
			if prev, dup := names[r.Name]; dup {
				err = fmt.Errorf("name already used by %s", prev)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			return
		}
		names[r.Name] = where
		out = append(out, compiledRule{kind: kind, base: base, hash: hashOf(kind, def), def: def})
	}
	for i := range c.Match {
		add("match", i, &c.Match[i].Rule, &c.Match[i], c.Match[i].check)
	}
	for i := range c.Threshold {
		add("threshold", i, &c.Threshold[i].Rule, &c.Threshold[i], c.Threshold[i].check)
	}
	for i := range c.Pair {
		add("pair", i, &c.Pair[i].Rule, &c.Pair[i], c.Pair[i].check)
	}
	for i := range c.FirstSeen {
		add("first_seen", i, &c.FirstSeen[i].Rule, &c.FirstSeen[i], c.FirstSeen[i].check)
	}
	p := c.Process
	if p.MaxLifetime < 0 || p.MaxOpen < 0 {
		errs = append(errs, errors.New("correlate.process: max_lifetime and max_open must not be negative"))
	}
	if err := c.PowerShell.check(); err != nil {
		errs = append(errs, fmt.Errorf("correlate.powershell: %w", err))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// check validates what is particular to a match rule.
func (r *MatchRule) check() error {
	if err := needWhere("where", r.Where, r.WhereNot); err != nil {
		return err
	}
	if r.NotIn != nil {
		if r.NotIn.Field == "" {
			return errors.New("not_in: field is required")
		}
		if len(r.NotIn.Values) == 0 {
			return errors.New("not_in: values must list at least one value")
		}
	}
	return nil
}

// check validates what is particular to a threshold rule.
func (r *ThresholdRule) check() error {
	if err := needWhere("where", r.Where, r.WhereNot); err != nil {
		return err
	}
	if r.Count < 1 {
		return fmt.Errorf("count must be at least 1 (got %d)", r.Count)
	}
	if r.Count > 100000 {
		return fmt.Errorf("count %d is too large (at most 100000)", r.Count)
	}
	if r.Window <= 0 {
		return errors.New(`window is required (e.g. "60s")`)
	}
	if r.Suppress != nil && *r.Suppress < 0 {
		return errors.New("suppress must not be negative")
	}
	return needFields("group_by", r.GroupBy, true)
}

// check validates what is particular to a pair rule.
func (r *PairRule) check() error {
	if err := needWhere("first", r.First, nil); err != nil {
		return err
	}
	if err := needWhere("second", r.Second, nil); err != nil {
		return err
	}
	if r.Window <= 0 {
		return errors.New(`window is required (e.g. "10m")`)
	}
	switch r.On {
	case "", "both", "missing":
	default:
		return fmt.Errorf(`on = %q: want "both" (finding when the second event comes) or "missing" (when it does not)`, r.On)
	}
	return needFields("group_by", r.GroupBy, false)
}

// check validates what is particular to a first_seen rule.
func (r *FirstSeenRule) check() error {
	if err := needWhere("where", r.Where, r.WhereNot); err != nil {
		return err
	}
	if r.Expire < 0 {
		return errors.New("expire must not be negative")
	}
	return needFields("fields", r.Fields, false)
}

// compile checks the common keys and fills defaults.
func (r *Rule) compile(kind string) (ruleBase, error) {
	b := ruleBase{kind: kind, name: r.Name, id: r.ID, description: r.Description, severity: r.Severity, maxKeys: r.MaxKeys}
	if r.Name == "" {
		return b, errors.New("name is required")
	}
	if strings.ContainsAny(r.Name, " \t\n\"") {
		return b, errors.New("name must not contain spaces or quotes (it is a metric label and rule.name)")
	}
	if b.id == "" {
		b.id = r.Name
	}
	switch r.Time {
	case "", "received":
	case "event":
		b.eventTime = true
	default:
		return b, fmt.Errorf(`time = %q: want "received" or "event"`, r.Time)
	}
	b.category = r.Category
	if len(b.category) == 0 {
		b.category = []string{defaultCategory}
	}
	for _, c := range b.category {
		if !slices.Contains(ecsCategories, c) {
			return b, fmt.Errorf("category %q is not an ECS event.category (want one of %s)", c, strings.Join(ecsCategories, ", "))
		}
	}
	if r.MaxKeys < 0 {
		return b, errors.New("max_keys must not be negative")
	}
	if b.maxKeys == 0 {
		b.maxKeys = DefaultMaxKeys
	}
	if r.Severity < 0 {
		return b, errors.New("severity must not be negative")
	}
	var err error
	if b.message, err = parseTemplate(r.Message); err != nil {
		return b, fmt.Errorf("message: %w", err)
	}
	return b, nil
}

func needWhere(key string, where, not map[string]any) error {
	if len(where) == 0 {
		return fmt.Errorf("%s is required (a rule matching every event is a mistake)", key)
	}
	if _, err := filter.Compile(where); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	if _, err := filter.Compile(not); err != nil {
		return fmt.Errorf("where_not: %w", err)
	}
	return nil
}

func needFields(key string, fields []string, emptyOK bool) error {
	if len(fields) == 0 && !emptyOK {
		return fmt.Errorf("%s must list at least one field", key)
	}
	for _, f := range fields {
		if f == "" {
			return fmt.Errorf("%s: empty field name", key)
		}
	}
	return nil
}

// hashOf identifies a rule definition (maps are encoded with sorted keys).
func hashOf(kind string, def any) string {
	b, err := json.Marshal(def)
	if err != nil {
		panic(err) // decoded TOML always encodes
	}
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// process returns the process tracking settings with defaults.
func (p ProcessConfig) settings() (enabled bool, maxLifetime time.Duration, maxOpen int) {
	enabled, maxLifetime, maxOpen = true, DefaultMaxLifetime, DefaultMaxOpen
	if p.Enabled != nil {
		enabled = *p.Enabled
	}
	if p.MaxLifetime > 0 {
		maxLifetime = p.MaxLifetime.D()
	}
	if p.MaxOpen > 0 {
		maxOpen = p.MaxOpen
	}
	return
}

// scriptBlockSettings are PowerShellConfig with defaults applied.
type scriptBlockSettings struct {
	enabled                 bool
	timeout                 time.Duration
	maxOpen                 int
	maxBlockBytes, maxBytes int
}

func (p PowerShellConfig) settings() scriptBlockSettings {
	s := scriptBlockSettings{enabled: true, timeout: DefaultScriptBlockTimeout, maxOpen: DefaultScriptBlockMaxOpen,
		maxBlockBytes: DefaultScriptBlockMaxBlock, maxBytes: DefaultScriptBlockMaxBytes}
	if p.Enabled != nil {
		s.enabled = *p.Enabled
	}
	if p.Timeout > 0 {
		s.timeout = p.Timeout.D()
	}
	if p.MaxOpen > 0 {
		s.maxOpen = p.MaxOpen
	}
	if p.MaxBlockBytes > 0 {
		s.maxBlockBytes = int(min(p.MaxBlockBytes, 1<<30))
	}
	if p.MaxBytes > 0 {
		s.maxBytes = int(min(p.MaxBytes, 1<<40))
	}
	return s
}

func (p PowerShellConfig) check() error {
	if p.Timeout < 0 || p.MaxOpen < 0 {
		return errors.New("timeout and max_open must not be negative")
	}
	s := p.settings()
	if s.maxBlockBytes > s.maxBytes {
		return fmt.Errorf("max_block_bytes (%d) must not exceed max_bytes (%d)", s.maxBlockBytes, s.maxBytes)
	}
	if s.maxBlockBytes < 1024 {
		return fmt.Errorf("max_block_bytes %d is too small (at least 1KiB)", s.maxBlockBytes)
	}
	return nil
}
