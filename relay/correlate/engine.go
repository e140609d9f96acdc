// Package correlate turns related events into findings: rules in TOML
// (match, threshold, pair, first_seen), the built-in Windows process
// tracking, which joins process start, token change and end into one
// lifetime record, and the reassembly of PowerShell script blocks logged
// in parts (scriptblock.go).
//
// # Place in the pipeline
//
// The engine is a stage (package relay/stage, which documents the protocol
// the pipeline drives it by): after normalization and sequence tracking,
// before the journal. Rules see the sequence tracker's gap alerts but never
// the engine's own findings. Reload may be called from any goroutine.
//
// # Event identity
//
// A finding names the events that caused it by journal ID
// (nomen.finding.events). Those events are not journaled yet when Process
// sees them, so the engine predicts their IDs: the journal assigns
// consecutive IDs, and Applied tells the engine the last one after every
// Append (see package snapshot). If the pipeline journals fewer events
// than it was handed, Applied logs it and the prediction resynchronises.
//
// # State
//
// Windows, counters, first-seen tuples and open processes live in memory,
// bounded per rule (max_keys, least recently used evicted and counted in
// nomen_correlate_evicted_total), snapshotted every few seconds to
// <state_dir>/correlate/state.json and on Close, and restored by New. A
// rule's state is keyed by a hash of its definition: a reload (Reload) or
// restart keeps the state of every rule whose definition did not change
// and starts a changed rule afresh. After a crash, Recover re-applies the
// journal's events after the snapshot without raising findings.
package correlate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/nomenhq/nomen/relay/stage/snapshot"
)

// rule is one compiled rule with its state.
type rule interface {
	base() *ruleBase
	// selectors returns the filters the rule is indexed by; apply gets
	// the position of the one that matched as role.
	selectors() []selector
	apply(en *Engine, e *event.Event, id uint64, role int)
	// tick handles time: windows that closed, processes too old.
	tick(en *Engine, now time.Time)
	// retire undoes, during recovery, the state a journaled finding that
	// tick raised has already consumed.
	retire(f *event.Event)
	size() int
	// save returns the state for a snapshot: a copy sharing nothing the
	// rule will modify in place (it is encoded on another goroutine).
	save() any
	load(raw json.RawMessage) error
}

// Engine is the correlation stage. Its methods must be called from one
// goroutine (the pipeline's).
type Engine struct {
	*snapshot.Keeper // Applied, Snapshot, Close; Dirty when state changed

	log   *slog.Logger
	m     *metrics
	guard *stage.Guard // a panic on one event skips its correlation
	now   func() time.Time
	owner stage.Owner // nil: every key is ours

	rules  []rule
	byName map[string]rule
	idx    index
	memo   *memo

	reload     atomic.Pointer[Config] // queued by Reload
	recovering bool
	out        []*event.Event // findings of the current call
	ticked     []*event.Event // findings of the last Tick: not fed back to the rules
	cands      []int          // scratch: candidate entries of one event
	num        []byte         // scratch: an integer as text
	applying   int            // the rule being applied to the current event (-1: none yet), for the log of a panic
	key        []byte         // scratch: group keys
	strs       *interner      // copies of the strings rule state keeps
}

// New compiles cfg and restores the rules' state from
// opts.StateDir/correlate (an unusable snapshot is logged and moved aside:
// the engine starts empty rather than not at all).
func New(cfg Config, opts Options) (*Engine, error) {
	if opts.Registerer == nil {
		return nil, errors.New("correlate: Options.Registerer is required")
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("correlate: metrics: %w", err)
	}
	en := &Engine{log: opts.Log, m: m, now: opts.Now, owner: opts.Owner, strs: newInterner(1 << 16)}
	if en.log == nil {
		en.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	en.guard = stage.NewGuard("correlate", m.panics, en.log)
	if en.now == nil {
		en.now = time.Now
	}
	keeper, err := snapshot.NewKeeper(snapshot.KeeperOptions{Stage: "correlate", StateDir: opts.StateDir, Every: opts.SnapshotEvery,
		Now: en.now, Log: en.log, Result: m.snapshots, State: func() any { return en.state() }})
	if err != nil {
		return nil, err
	}
	en.Keeper = keeper
	if err := en.install(cfg, nil); err != nil {
		return nil, err
	}
	if err := en.restore(); err != nil {
		if !errors.Is(err, snapshot.ErrCorrupt) {
			return nil, err
		}
		en.log.Error("correlate: starting without correlation state", "err", err)
	}
	return en, nil
}

// Reload validates a new [correlate] section and, if it is valid, has the
// pipeline goroutine switch to it before its next Process or Tick: Reload
// itself may be called from any goroutine (the SIGHUP handler). Rules whose
// definition is unchanged keep their state (windows, tuples, open
// processes); on error the old rules stay.
func (en *Engine) Reload(cfg Config) error {
	if _, err := compile(cfg); err != nil {
		return err
	}
	en.reload.Store(&cfg)
	return nil
}

// reloadNow switches to a configuration queued by Reload (on the pipeline
// goroutine).
func (en *Engine) reloadNow() {
	cfg := en.reload.Swap(nil)
	if cfg == nil {
		return
	}
	en.guard.Reload(func() {
		if err := en.replace(*cfg); err != nil {
			en.log.Error("correlate: reload failed, keeping the old rules", "err", err)
		}
	})
}

// replace installs cfg, keeping the state of unchanged rules.
func (en *Engine) replace(cfg Config) error {
	old := map[string]rule{}
	for _, r := range en.rules {
		old[r.base().hash] = r
	}
	if err := en.install(cfg, old); err != nil {
		return err
	}
	for _, r := range old {
		if _, still := en.byName[r.base().name]; !still {
			en.m.keys.DeleteLabelValues(r.base().name)
		}
	}
	en.Dirty = true
	return nil
}

// install compiles cfg into rules (reusing those of old with the same
// hash) and builds the dispatch index.
func (en *Engine) install(cfg Config, old map[string]rule) error {
	compiled, err := compile(cfg)
	if err != nil {
		return err
	}
	var rules []rule
	for _, c := range compiled {
		if r, ok := old[c.hash]; ok {
			rules = append(rules, r)
			continue
		}
		c.base.hash = c.hash
		c.base.findings = en.m.findings.WithLabelValues(c.base.name)
		c.base.evicted = en.m.evicted.WithLabelValues(c.base.name)
		rules = append(rules, newRule(c))
	}
	if enabled, maxLifetime, maxOpen := cfg.Process.settings(); enabled {
		// Open processes are facts, not a rule's reading of them: they stay
		// when the tuning changes.
		if r, ok := old[processHash].(*processTracker); ok {
			r.maxLifetime = maxLifetime
			r.open.SetMax(maxOpen)
			rules = append(rules, r)
		} else {
			rules = append(rules, newProcessTracker(processHash, maxLifetime, maxOpen, en.m))
		}
	}
	if s := cfg.PowerShell.settings(); s.enabled {
		// Blocks being reassembled stay when the tuning changes.
		if r, ok := old[scriptBlockHash].(*scriptBlocks); ok {
			r.tune(s)
			rules = append(rules, r)
		} else {
			rules = append(rules, newScriptBlocks(s, en.m))
		}
	}
	idx, err := buildIndex(rules)
	if err != nil {
		return err
	}
	byName := make(map[string]rule, len(rules))
	for _, r := range rules {
		byName[r.base().name] = r
		if pt, ok := r.(*processTracker); ok {
			byName[ruleEndMissing] = pt
			byName[ruleStartMissing] = pt
		}
		if sb, ok := r.(*scriptBlocks); ok {
			byName[ruleScriptBlockIncomplete] = sb
		}
	}
	// Nothing is switched before here: a panic above (stage.Guard.Reload)
	// leaves the old rules running.
	en.rules, en.idx, en.memo, en.byName = rules, idx, idx.conds.newMemo(), byName
	return nil
}

func newRule(c compiledRule) rule {
	b := c.base
	switch def := c.def.(type) {
	case *MatchRule:
		return newMatch(b, def)
	case *ThresholdRule:
		return newThreshold(b, def)
	case *PairRule:
		return newPair(b, def)
	case *FirstSeenRule:
		return newFirstSeen(b, def)
	}
	panic(fmt.Sprintf("correlate: unknown rule type %T", c.def))
}

// Process evaluates the rules on batch (events before journaling, in
// order) and returns it with the findings appended.
func (en *Engine) Process(batch []*event.Event) []*event.Event {
	en.reloadNow()
	base := en.Next()
	ticked := en.ticked
	en.ticked = nil
	for i := 0; i < len(batch); {
		i = en.process(batch, i, base, ticked)
	}
	en.memo.release()
	if len(en.out) > 0 {
		batch = append(batch, en.out...)
		clear(en.out)
		en.out = en.out[:0]
	}
	en.Handed(len(batch))
	return batch
}

// process evaluates the rules on batch[i:] until the end or a panic (a
// bug one event found: the rest of that event's evaluation is skipped, see
// stage.Guard) and returns where to go on. One deferred recover per call,
// not per event: every event goes through here.
func (en *Engine) process(batch []*event.Event, i int, base uint64, ticked []*event.Event) (next int) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			en.guard.Report(p, en.failed(batch[next])...)
			next++
		}
	}()
	for next = i; next < len(batch); next++ {
		e := batch[next]
		if len(ticked) > 0 && slices.Contains(ticked, e) {
			continue // our own finding, passed back through the stages
		}
		en.eval(e, base+uint64(next))
	}
	return next
}

// Tick raises the findings that time decides (pair windows closing with
// on = "missing", processes past max_lifetime) and forgets expired state.
// The pipeline journals them either after passing them through the stages'
// Process (which counts them, and where the engine skips its own) or by
// appending them to a Process output: both keep the predicted IDs right.
func (en *Engine) Tick(now time.Time) []*event.Event {
	en.reloadNow()
	for _, r := range en.rules {
		before := r.size()
		en.guard.Do(func() { r.tick(en, now) }, "rule", r.base().name)
		n := r.size()
		if n != before {
			en.Dirty = true // expired state: the snapshot should forget it too
		}
		en.m.keys.WithLabelValues(r.base().name).Set(float64(n))
	}
	out := en.out
	en.out = nil
	en.ticked = out
	return out
}

// Recover re-applies journaled events (IDs after AppliedID, in order)
// without raising findings, so that state lost in a crash is rebuilt.
func (en *Engine) Recover(evs []*event.Event) {
	en.recovering = true
	en.guard.Each(len(evs), func(i int) {
		e := evs[i]
		if own(e) {
			if r, ok := en.byName[e.Str("rule.name")]; ok {
				r.retire(e)
			}
		} else {
			en.eval(e, e.ID)
		}
		en.Recovered(e.ID)
	}, func(i int, _ *panics.Panic) []any {
		en.Recovered(evs[i].ID)
		return en.failed(evs[i])
	})
	en.memo.release()
	en.recovering = false
	clear(en.out)
	en.out = en.out[:0]
}

// own reports whether e is one of the engine's findings.
func own(e *event.Event) bool {
	ds := e.Str("event.dataset")
	return ds == Dataset || ds == DatasetProcess || ds == DatasetPowerShell
}

// state copies every rule's state for a snapshot (encoded on another
// goroutine while the rules go on changing theirs).
func (en *Engine) state() savedState {
	st := savedState{Rules: make(map[string]any, len(en.rules))}
	for _, r := range en.rules {
		st.Rules[r.base().hash] = r.save()
	}
	return st
}

// engineState is the snapshot: each rule's state by definition hash
// (savedState is its writing form).
type engineState struct {
	Rules map[string]json.RawMessage `json:"rules"`
}

type savedState struct {
	Rules map[string]any `json:"rules"`
}

// WriteJSON writes the snapshot as json.Marshal would, a rule at a time
// (and a rule's keys one at a time: snapshot.List), so that it is never
// held encoded in memory whole.
func (st savedState) WriteJSON(w io.Writer) error {
	if _, err := io.WriteString(w, `{"rules":{`); err != nil {
		return err
	}
	for i, hash := range slices.Sorted(maps.Keys(st.Rules)) {
		name, err := json.Marshal(hash)
		if err != nil {
			return err
		}
		if i > 0 {
			name = append([]byte{','}, name...)
		}
		if _, err := w.Write(append(name, ':')); err != nil {
			return err
		}
		if err := snapshot.WriteJSON(w, st.Rules[hash]); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "}}")
	return err
}

func (en *Engine) restore() error {
	var st engineState
	ok, err := en.Load(&st)
	if err != nil || !ok {
		return err
	}
	for _, r := range en.rules {
		raw, ok := st.Rules[r.base().hash]
		if !ok {
			continue
		}
		if err := r.load(raw); err != nil {
			en.log.Error("correlate: dropping unreadable state of a rule", "rule", r.base().name, "err", err)
		}
	}
	return nil
}

// emit queues a finding (not while recovering: the journal has it).
func (en *Engine) emit(b *ruleBase, e *event.Event) {
	en.Dirty = true
	if en.recovering {
		return
	}
	en.out = append(en.out, e)
	if b.findings != nil && e.Kind() == "alert" {
		b.findings.Inc()
	}
}

// emitRecord queues a record the engine makes that is not an alert (its
// event.kind is "event": a process lifetime), as emit does, without
// looking its kind up among its fields.
func (en *Engine) emitRecord(e *event.Event) {
	en.Dirty = true
	if !en.recovering {
		en.out = append(en.out, e)
	}
}

// lease asks the Owner whether rule's key is this engine's (Options.Owner);
// without an Owner every key is, under lease 0.
func (en *Engine) lease(rule string, key []byte) (uint64, bool) {
	if en.owner == nil {
		return 0, true
	}
	return en.owner.Lease(rule + "\x00" + string(key))
}

// ours reports whether state kept under lease for rule's key is still
// this engine's: owned, and not lost and acquired again since.
func (en *Engine) ours(rule, key string, lease uint64) bool {
	l, ok := en.lease(rule, []byte(key))
	return ok && l == lease
}

// ownsHost: process and script block tracking keep a host's state on one
// instance (a boot ends all of a host's processes).
func (en *Engine) ownsHost(rule, host string) bool {
	if en.owner == nil {
		return true
	}
	_, ok := en.owner.Lease(rule + "\x00" + strings.ToLower(host))
	return ok
}

// evicted counts state dropped because a rule reached max_keys.
func (en *Engine) evicted(b *ruleBase) {
	if !en.recovering && b.evicted != nil {
		b.evicted.Inc()
	}
}

// eval runs the rules whose dispatch condition e meets.
func (en *Engine) eval(e *event.Event, id uint64) {
	en.applying = -1
	m := en.memo
	m.reset(e)
	c := en.cands[:0]
	lists := 0 // lookups that found entries: each one's are ascending, once each (buildIndex)
	add := func(es []int) {
		if len(es) > 0 {
			c = append(c, es...)
			lists++
		}
	}
	for i := range en.idx.by {
		d := &en.idx.by[i]
		v := m.get(d.key)
		if v == nil {
			continue
		}
		switch v.Type {
		case event.TypeString:
			add(d.lookup(v.Str))
		case event.TypeStrings:
			for _, s := range v.List {
				add(d.lookup(s))
			}
		case event.TypeInt:
			en.num = strconv.AppendInt(en.num[:0], v.Num, 10)
			add(d.lookup(string(en.num)))
		default:
			add(d.lookup(v.String()))
		}
	}
	add(en.idx.always)
	if lists > 1 { // in rule order, each entry once
		slices.Sort(c)
		c = slices.Compact(c)
	}
	for _, i := range c {
		ent := &en.idx.entries[i]
		if m.all(ent.where) && (len(ent.not) == 0 || !m.all(ent.not)) {
			en.Dirty = true
			en.applying = ent.rule
			en.rules[ent.rule].apply(en, e, id, ent.role)
		}
	}
	if cap(c) != cap(en.cands) {
		en.cands = c // grown (written only then: a pointer write per event costs a write barrier call while the collector marks)
	}
	// The memo keeps the event until the next one, or the end of the
	// batch (release): dropping it here would cost two more such writes.
}

// failed is what the log of a panic while evaluating e says of it: the
// rule that was being applied, and the event's identity.
func (en *Engine) failed(e *event.Event) []any {
	if e == nil {
		return nil
	}
	rule := "" // a panic while finding the rules to apply
	if en.applying >= 0 && en.applying < len(en.rules) {
		rule = en.rules[en.applying].base().name
	}
	return []any{"rule", rule, "event.code", e.Str("event.code"), "host", e.Str("host.name"), "input", e.Input}
}
