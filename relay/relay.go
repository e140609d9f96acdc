// Package relay wires nomen together and does nothing else: it reads the
// configuration (nomen.toml), creates the metrics once (NewMetrics), and
// starts, reloads and stops the parts in order: journal, stages
// (sequence, correlate, live), pipeline (relay/pipeline), outputs,
// listeners (relay/listen for syslog, relay/agent for agents, relay/natsin
// for JetStream; all decode through relay/decode) and the HTTP API.
//
// It may import every relay/* package; none of them imports it (cmd/nomen
// does).
package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/internal/statelock"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/journal"
	"github.com/nomenhq/nomen/relay/listen"
	"github.com/nomenhq/nomen/relay/natsin"
	"github.com/nomenhq/nomen/relay/output"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// Relay is a running nomen.
type Relay struct {
	log     *slog.Logger
	reg     *prometheus.Registry
	metrics *Metrics

	mu      sync.Mutex // serializes Start, Reload and Stop
	cfg     *Config
	journal *journal.Journal
	lock    *statelock.Lock // state_dir: one nomen per state directory
	norm    atomic.Pointer[normalize.Normalizer]
	pipe    *pipeline.Pipeline
	stages  *stages
	tier    *tier // nil without [tier]
	outputs map[string]*runningOutput
	syslog  map[string]*runningListener
	// retiring are listeners a reload replaced or removed that may still
	// be handing on what they read (waiting for room in the journal):
	// Stop waits for them too.
	retiring []*retiringListener
	agents   map[string]*runningAgent
	natsIn   map[string]*runningNATSInput
	api      *apiServer

	natsInMetrics *natsin.Metrics // created with the first nats listener
	// natsInputs are the running nats listeners, for /readyz.
	natsInputs atomic.Pointer[[]*natsin.Input]

	agentShared *agentShared
	journalID   string // stable identity of the journal (NATS message ids)

	// outputMetrics and sinkMetrics outlive the outputs a reload replaces.
	outputMetrics *output.Metrics
	sinkMetrics   *forward.Metrics
	// workers are the running outputs' workers, for /readyz (outputs.go).
	workers atomic.Pointer[[]*output.Worker]
	// openJournal is the journal while it is open, for /readyz, which
	// must not take r.mu.
	openJournal atomic.Pointer[journal.Journal]

	memGuard *memoryGuard // [limits] memory, memory given back after bursts (memguard.go)
	// onHealthz, if set before Start, runs first in every /healthz
	// request; tests make it panic (the API's panic guard, api.go).
	onHealthz func()

	ready   atomic.Bool
	stopped bool
}

type runningListener struct {
	cfg listen.Config
	l   listen.Listener
}

// retiringListener is a closed listener and whether its readers are done.
type retiringListener struct {
	l    listen.Listener
	cfg  listen.Config
	done chan struct{}
}

// retire closes l and lets it finish in the background: its readers may
// wait for room in the journal for as long as outputs are behind, and a
// reload must not wait with them (it holds r.mu, which /healthz needs).
func (r *Relay) retire(l listen.Listener, cfg listen.Config) {
	l.Close()
	rl := &retiringListener{l: l, cfg: cfg, done: make(chan struct{})}
	// Not guarded (background.go): it only waits on the listener's
	// WaitGroup, where nothing of nomen's runs; a panic there would be
	// the runtime's own invariant broken, with nothing to go on from.
	go func() {
		l.Wait()
		close(rl.done)
	}()
	kept := r.retiring[:0]
	for _, old := range r.retiring {
		select {
		case <-old.done:
		default:
			kept = append(kept, old)
		}
	}
	r.retiring = append(kept, rl)
}

// New prepares a relay for cfg; nothing runs until Start.
func New(cfg *Config, log *slog.Logger, reg *prometheus.Registry) *Relay {
	return &Relay{
		log:     log,
		reg:     reg,
		metrics: NewMetrics(reg),
		cfg:     cfg,
		outputs: map[string]*runningOutput{},
		syslog:  map[string]*runningListener{},
		agents:  map[string]*runningAgent{},
		natsIn:  map[string]*runningNATSInput{},

		outputMetrics: output.NewMetrics(reg),
		sinkMetrics:   forward.NewMetrics(reg),
	}
}

// Registry returns the relay's metric registry.
func (r *Relay) Registry() *prometheus.Registry { return r.reg }

// startAbortTimeout bounds the cleanup after a failed or cancelled start:
// outputs may be retrying their Open, and what the journal holds is sent
// after the next start anyway, so they are not waited for long.
const startAbortTimeout = 5 * time.Second

// Start opens the journal, starts the outputs, the pipeline, the listeners
// and the HTTP API, in that order, so nothing is received that cannot be
// stored. On error everything started is stopped again within
// startAbortTimeout (the cause is logged first, so it is seen even if the
// cleanup takes that long). Cancelling ctx abandons the start (SIGTERM
// while starting); Start then returns ctx's error.
func (r *Relay) Start(ctx context.Context) (err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cfg := r.cfg
	defer func() {
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			if ctx.Err() != nil {
				r.log.Info("start abandoned; stopping what was started", "err", err)
			} else {
				r.log.Error("start failed; stopping what was started", "err", err)
			}
			sctx, cancel := context.WithTimeout(context.Background(), min(startAbortTimeout, cfg.ShutdownTimeout.D()))
			defer cancel()
			r.stopLocked(sctx)
		}
	}()
	if err := r.openState(ctx, cfg); err != nil {
		return err
	}
	if err := r.startReceiving(ctx, cfg); err != nil {
		return err
	}
	r.metrics.ConfigReloadTime.SetToCurrentTime() // the configuration in force was loaded now
	r.ready.Store(true)
	return nil
}

// stateDirHint ends the errors of a state_dir nomen cannot use: what to
// do, not only what failed.
const stateDirHint = " (nomen must be able to create and write state_dir; `nomen check -user USER` lists what USER cannot reach)"

// openState is Start's first half: the state directory's lock, then what
// the state holds (journal, its identity, stages, agent state), recovered
// to where the last run stopped, before anything can receive.
func (r *Relay) openState(ctx context.Context, cfg *Config) error {
	if err := os.MkdirAll(cfg.StateDir, 0o750); err != nil {
		return fmt.Errorf("state_dir: %w%s", err, stateDirHint)
	}
	// Before anything is opened: a second nomen on the same state
	// directory refuses here, naming the holder, and touches nothing.
	var err error
	if r.lock, err = statelock.Acquire(cfg.StateDir); err != nil {
		if errors.Is(err, statelock.ErrLocked) {
			return err // names the directory and the holder's pid
		}
		return fmt.Errorf("state_dir: %w%s", err, stateDirHint)
	}
	norm, err := normalize.New(cfg.Normalize)
	if err != nil {
		return normalizeError(err)
	}
	r.warnRuleClasses(norm)
	r.norm.Store(norm)

	r.memGuard = applyLimits(cfg, r.log, r.metrics)
	jm := journal.NewMetrics(r.reg, r.metrics.Dropped)
	jm.ReadAheadPanics = r.metrics.BackgroundPanics.WithLabelValues(taskJournalReadAhead)
	r.journal, err = journal.Open(cfg.Journal, journal.Options{
		Logger:     r.log.With("component", "journal"),
		Metrics:    jm,
		TailBytes:  int64(cfg.Limits.JournalMemoryTail),
		CacheBytes: int64(cfg.Limits.JournalBlockCache),
	})
	if err != nil {
		return err
	}
	r.openJournal.Store(r.journal)
	if r.journalID, err = journalIdentity(cfg, r.journal.LastID() == 0, r.log); err != nil {
		return err
	}
	tierLog := r.log.With("component", "tier")
	if r.tier, err = startTier(ctx, cfg, r.reg, r.log, r.metrics.taskGuard(taskTierLeases, tierLog), r.metrics.taskGuard(taskTierState, tierLog)); err != nil {
		return err
	}
	if r.stages, err = newStages(cfg, r.metrics.Sequence, r.reg, r.log, r.tier.owner()); err != nil {
		return err
	}
	r.stages.gate = r.tier.gate()
	if err := r.openAgentState(); err != nil {
		return err
	}
	if err := r.recoverState(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return nil
}

// startReceiving is Start's second half: the pipeline, the outputs (so
// what is journaled can leave), then everything that receives, and the API
// last.
func (r *Relay) startReceiving(ctx context.Context, cfg *Config) error {
	var err error
	r.pipe = pipeline.New(r.journal, r.stages.list(), r.stages.live, cfg.Pipeline.QueueBatches, cfg.Pipeline.QueueEvents,
		r.metrics.Pipeline, r.log.With("component", "pipeline"))
	// The tier before the pipeline's goroutine: its gate stage reads what
	// run sets (a data race the other way round); what the tier submits
	// meanwhile waits in the queue for Start, a moment later.
	r.tier.run(r.stages.parted(), func() { r.pipe.TrySubmit(&pipeline.Batch{}) },
		func(after uint64, fn func([]*event.Event)) error {
			return r.readJournal("nomen-tier-replay", after, fn)
		})
	r.pipe.Start()

	if err := r.startOutputs(cfg.Outputs); err != nil {
		return err
	}
	r.removeStaleCursors(cfg.Outputs)
	for _, lc := range cfg.Listeners {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.startSyslogListener(ctx, lc); err != nil {
			return err
		}
	}
	for _, ac := range cfg.Agents {
		if err := r.startAgentListener(ac); err != nil {
			return err
		}
	}
	for _, nc := range cfg.NATSInputs {
		if err := r.startNATSInput(nc); err != nil {
			return err
		}
	}
	if cfg.Metrics.Listen != "" {
		if r.api, err = startAPI(cfg.Metrics.Listen, r); err != nil {
			return err
		}
	}
	return nil
}

// removeStaleCursors forgets the journal positions of outputs that are no
// longer configured, so they stop holding journal segments.
func (r *Relay) removeStaleCursors(outs []OutputConfig) {
	removed, err := r.journal.RemoveStaleCursors(outputNames(outs))
	if err != nil {
		r.log.Warn("cannot remove cursors of removed outputs", "err", err)
	}
	if len(removed) > 0 {
		r.log.Info("removed journal cursors of outputs no longer configured", "outputs", removed)
	}
}

// Ready reports whether the relay accepts and stores events (/readyz).
func (r *Relay) Ready() bool { return r.ready.Load() }

// Healthy reports whether the pipeline is alive (/healthz, watchdog).
func (r *Relay) Healthy() bool {
	r.mu.Lock()
	p := r.pipe
	r.mu.Unlock()
	return p != nil && p.Healthy()
}

// Summary describes what is running, for logs and systemd's STATUS.
func (r *Relay) Summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprintf("%d listeners, %d agent listeners, %d outputs", len(r.syslog)+len(r.natsIn), len(r.agents), len(r.outputs))
}

func (r *Relay) startSyslogListener(ctx context.Context, lc listen.Config) error {
	loc, err := r.cfg.location()
	if err != nil {
		return err
	}
	var retiringSockets []string
	for _, rl := range r.retiring {
		select {
		case <-rl.done:
			continue // its socket is closed: whoever answers at its path now is not nomen
		default:
		}
		if rl.cfg.Protocol == "unix" {
			retiringSockets = append(retiringSockets, rl.cfg.Address)
		}
	}
	l, err := listen.Start(ctx, listen.Options{
		Config:          lc,
		Location:        loc,
		Rules:           &r.norm,
		Pipeline:        r.pipe,
		Metrics:         r.metrics.Listen,
		Decode:          r.metrics.Decode,
		Log:             r.log.With("component", "listener"),
		RetiringSockets: retiringSockets,
		LocalHost:       r.cfg.Hostname,
	})
	if err != nil {
		return err
	}
	r.syslog[lc.Name] = &runningListener{cfg: lc, l: l}
	r.log.Info("listening", "listener", lc.Name, "protocol", lc.Protocol, "address", l.Addr().String())
	return nil
}

// ListenerAddr returns the bound address of a listener (tests use port 0).
func (r *Relay) ListenerAddr(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.syslog[name]; ok {
		return l.l.Addr().String()
	}
	if a, ok := r.agents[name]; ok {
		return a.addr()
	}
	return ""
}

// Reload applies a new configuration: changed or new listeners and outputs
// are (re)started, removed ones stopped, unchanged ones keep running;
// normalization rules and correlation rules are swapped (correlation state
// of unchanged rules is kept). Settings that need a restart (state_dir,
// [journal], [metrics], [pipeline], [limits]) are reported and left as they were.
// If anything fails the error is returned and the old parts keep running.
func (r *Relay) Reload(ctx context.Context, cfg *Config) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return errors.New("relay: stopped")
	}
	old := r.cfg
	if old.StateDir != cfg.StateDir || !reflect.DeepEqual(old.Journal, cfg.Journal) ||
		old.Metrics != cfg.Metrics || old.Pipeline != cfg.Pipeline || old.Log != cfg.Log || old.Limits != cfg.Limits || old.Tier != cfg.Tier {
		r.log.Warn("state_dir, [journal], [metrics], [pipeline], [limits], [log] and [tier] changes take effect after a restart")
		cfg.StateDir, cfg.Journal, cfg.Metrics, cfg.Pipeline, cfg.Log, cfg.Limits, cfg.Tier = old.StateDir, old.Journal, old.Metrics, old.Pipeline, old.Log, old.Limits, old.Tier
	}
	norm, err := normalize.New(cfg.Normalize)
	if err != nil {
		return normalizeError(err)
	}
	r.warnRuleClasses(norm)
	if err := r.stages.reload(cfg); err != nil {
		return err
	}
	r.pipe.SetStages(r.stages.list())
	r.norm.Store(norm)
	r.cfg = cfg

	var errs []error
	if err := r.reloadOutputs(cfg.Outputs); err != nil {
		errs = append(errs, err)
	}
	r.removeStaleCursors(cfg.Outputs)
	timezoneChanged := old.Parse != cfg.Parse
	want := map[string]listen.Config{}
	for _, lc := range cfg.Listeners {
		want[lc.Name] = lc
	}
	for name, rl := range r.syslog {
		if lc, ok := want[name]; ok && reflect.DeepEqual(lc, rl.cfg) && !timezoneChanged {
			continue
		}
		// A replaced or removed listener stops as at SIGTERM: it reads what
		// its sockets hold, flushes it into the pipeline (still running),
		// and closes its connections, rather than serving them on under
		// the old settings: a reload then applies allowed_networks, TLS and
		// the limits to every connection, and a removed listener really
		// stops. A TCP sender still writing gets a reset and reconnects
		// (what it learns is lost: listen's drainGrace). The reload does
		// not wait for it to finish (retire); a new listener on the same
		// address binds meanwhile (TCP: the old one no longer listens;
		// UDP: SO_REUSEPORT, the old sockets drop and count what they are
		// still sent; unix: the old path is removed).
		r.retire(rl.l, rl.cfg)
		delete(r.syslog, name)
		r.log.Info("listener stopped", "listener", name)
	}
	for _, lc := range cfg.Listeners {
		if _, running := r.syslog[lc.Name]; running {
			continue
		}
		if err := r.startSyslogListener(ctx, lc); err != nil {
			errs = append(errs, err)
		}
	}
	if err := r.reloadAgents(cfg.Agents); err != nil {
		errs = append(errs, err)
	}
	if err := r.reloadNATSInputs(cfg.NATSInputs, timezoneChanged); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// ReloadFrom reads the configuration at path and applies it (SIGHUP). An
// invalid file changes nothing.
func (r *Relay) ReloadFrom(ctx context.Context, path string) error {
	if err := r.reloadFrom(ctx, path); err != nil {
		r.metrics.ConfigReloads.WithLabelValues("failure").Inc()
		return err
	}
	r.metrics.ConfigReloads.WithLabelValues("success").Inc()
	r.metrics.ConfigReloadTime.SetToCurrentTime()
	return nil
}

// reloadFrom is ReloadFrom with a panic (a bug in nomen that this
// configuration found) turned into the reload's error, logged with its
// stack, instead of ending the process: as with any failed reload, what it
// had not applied yet keeps running as it was (a panic while reading the
// file changes nothing), and the relay goes on serving.
func (r *Relay) reloadFrom(ctx context.Context, path string) (err error) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			p.Report(nil, logthrottle.New(r.log, logthrottle.DefaultEvery), "reload panicked (a bug in nomen: please report it); what it had not applied keeps running",
				"path", path)
			err = fmt.Errorf("reload panicked (a bug in nomen): %w", p)
		}
	}()
	cfg, err := LoadConfig(path)
	if err != nil {
		return err
	}
	return r.Reload(ctx, cfg)
}

// ShutdownTimeout is how long a stop may take before what is left is abandoned.
func (r *Relay) ShutdownTimeout() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg.ShutdownTimeout.D()
}

// Reopen asks every output to reopen its files (SIGHUP, for logrotate).
func (r *Relay) Reopen() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range r.outputs {
		o.w.Reopen()
	}
}

// Stop drains and stops everything in order: listeners stop taking new
// data and read what their sockets hold (listen.Listener.Close), and hand
// it to the pipeline, which stops only after them and journals what it
// holds; outputs deliver what they can within the deadline, state is
// saved, the journal is closed. The deadline is split so that each step
// gets its share. What is dropped on the way is counted, and the counts of
// the whole run are logged last.
func (r *Relay) Stop(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopLocked(ctx)
}

func (r *Relay) stopLocked(ctx context.Context) error {
	if r.stopped {
		return nil
	}
	r.stopped = true
	r.ready.Store(false)
	var errs []error
	listeners := make([]listen.Listener, 0, len(r.syslog)+len(r.retiring))
	for name, rl := range r.syslog {
		rl.l.Close()
		listeners = append(listeners, rl.l)
		defer delete(r.syslog, name)
	}
	for _, rl := range r.retiring {
		listeners = append(listeners, rl.l)
	}
	for _, a := range r.agents {
		a.close(ctx)
	}
	natsInputs := r.closeNATSInputs()
	// A connection may be waiting for room in the pipeline's queue, which
	// waits for room in the journal (on_full = "block", outputs behind):
	// that wait must not outlast the deadline. After a share of it, the
	// pipeline is stopped under them, which releases them (what they hold
	// is counted as dropped).
	listenersDone := make(chan struct{})
	// Not guarded, as in retire: it only waits (a WaitGroup, a channel).
	go func() {
		for _, l := range listeners {
			l.Wait()
		}
		for _, in := range natsInputs {
			in.Wait()
		}
		close(listenersDone)
	}()
	lctx, lcancel := shareOf(ctx, 1, 3)
	select {
	case <-listenersDone:
	case <-lctx.Done():
		r.log.Warn("stopping: connections still wait for room in the journal (outputs behind); stopping the pipeline under them")
	}
	lcancel()
	if r.pipe != nil {
		pctx, cancel := shareOf(ctx, 1, 2)
		if err := r.pipe.Stop(pctx); err != nil {
			errs = append(errs, fmt.Errorf("pipeline: %w", err))
		}
		cancel()
	}
	<-listenersDone
	tctx, tcancel := shareOf(ctx, 1, 4)
	if err := r.tier.stop(tctx); err != nil { // after the pipeline: nothing acts on the partitions now
		errs = append(errs, err)
	}
	tcancel()
	if err := r.stopOutputs(ctx, r.outputs); err != nil {
		errs = append(errs, err)
	}
	if r.stages != nil {
		if err := r.stages.close(); err != nil {
			errs = append(errs, err)
		}
	}
	if r.agentShared != nil {
		if err := r.agentShared.state.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if r.journal != nil {
		r.openJournal.Store(nil)
		if err := r.journal.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if r.api != nil {
		r.api.close()
	}
	if r.memGuard != nil {
		r.memGuard.close()
	}
	if r.lock != nil {
		if err := r.lock.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	r.logDropped()
	return errors.Join(errs...)
}

// shareOf returns a context whose deadline is num/den of what is left of
// ctx's (no deadline: unchanged).
func shareOf(ctx context.Context, num, den int) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	left := time.Until(dl)
	return context.WithTimeout(ctx, left*time.Duration(num)/time.Duration(den))
}
