package relay

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/partition"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// tier is this nomen's part of a correlation tier ([tier]): its partition
// leases, which the stages ask before keeping state for a key.
type tier struct {
	nc     *nats.Conn
	m      *partition.Manager
	states *partStates
	ctx    context.Context // of Run
	cancel context.CancelFunc
	done   chan struct{}
	// panics guards the lease keeper (run; background.go).
	panics *taskGuard
}

// startTier connects with the named nats listener's settings, creates the
// lease bucket if needed and starts taking partitions. nil if [tier] is
// off.
//
// leases guards the lease keeper (task tier_leases), states the writer of
// the partitions' states (tier_state).
func startTier(ctx context.Context, cfg *Config, reg prometheus.Registerer, log *slog.Logger, leases, states *taskGuard) (*tier, error) {
	tc := cfg.Tier
	if !tc.enabled() {
		return nil, nil
	}
	log = log.With("component", "tier", "instance", tc.Instance)
	for _, n := range cfg.NATSInputs {
		if n.Name != tc.Listener {
			continue
		}
		nc, err := n.Connect("nomen tier "+tc.Instance, log)
		if err != nil {
			return nil, fmt.Errorf("tier: %w", err)
		}
		t, err := newTier(ctx, nc, tc, reg, log)
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("tier: %w", err)
		}
		t.panics, t.states.panics = leases, states
		return t, nil
	}
	return nil, fmt.Errorf("tier: no nats listener %q", tc.Listener)
}

func newTier(ctx context.Context, nc *nats.Conn, tc TierConfig, reg prometheus.Registerer, log *slog.Logger) (*tier, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	kv, kvStream, err := partition.Bucket(ctx, js, tc.Bucket, tc.LeaseTTL.D(), tc.Replicas)
	if err != nil {
		return nil, err
	}
	store, err := openStateStore(ctx, js, stateBucket(tc.Bucket), tc.Replicas)
	if err != nil {
		return nil, err
	}
	met := partition.NewMetrics(reg)
	// The lease callbacks wait for the pipeline at most a renewal period
	// (and a second: it serves requests between batches).
	wait := max(tc.LeaseTTL.D()/5, time.Second)
	var ps *partStates
	m, err := partition.New(partition.Options{KV: kv, Stream: kvStream, Instance: tc.Instance, Count: tc.Partitions, TTL: tc.LeaseTTL.D(),
		Log: log, Metrics: met,
		Acquired: func(p int) error { return ps.acquired(p) }, Released: func(p int) { ps.released(p) }, Lost: func(p int) { ps.lost(p) }})
	if err != nil {
		return nil, err
	}
	ps = newPartStates(store, m, wait, met, log)
	runCtx, cancel := context.WithCancel(context.Background())
	t := &tier{nc: nc, m: m, states: ps, ctx: runCtx, cancel: cancel, done: make(chan struct{})}
	log.Info("tier: taking part", "bucket", tc.Bucket, "state_store", stateBucket(tc.Bucket), "partitions", tc.Partitions, "lease_ttl", tc.LeaseTTL.D())
	return t, nil
}

// stateBucket names the object store of the partitions' states, beside
// the lease bucket.
func stateBucket(leases string) string { return leases + "-state" }

// gate is the tier's first pipeline stage (nil without [tier]).
func (t *tier) gate() stage.Stage {
	if t == nil {
		return nil
	}
	return gate{t.states}
}

// run starts taking partitions, before the pipeline runs (its requests
// wait in the pipeline's queue until it does): stages are the
// ones whose state moves with a partition, wake submits an empty batch to
// the pipeline (it serves the tier's requests between batches), read
// reads the journal (the events to replay for a partition taken over).
func (t *tier) run(stages []namedParted, wake func(), read func(after uint64, fn func([]*event.Event)) error) {
	if t == nil {
		return
	}
	t.states.start(stages, wake, read)
	go func() {
		defer close(t.done)
		// A panic in a round of the lease keeper: it starts over after
		// the backoff (background.go); leases it could not renew meanwhile
		// lapse locally first, so no partition has two owners.
		t.panics.keepRunning(t.ctx, func() { t.m.Run(t.ctx) })
	}()
}

// owner is what the stages ask (nil without [tier]: every key is ours).
func (t *tier) owner() stage.Owner {
	if t == nil {
		return nil
	}
	return t.m
}

// stop gives the partitions back, so that the other instances take them
// at once. Call it once the pipeline stopped: nothing acts on them any
// more.
func (t *tier) stop(ctx context.Context) error {
	if t == nil {
		return nil
	}
	t.cancel()
	if t.states.stages != nil { // run was called
		<-t.done
	}
	t.states.stop()
	err := t.m.Release(ctx) // saves each partition's state (directly: the pipeline stopped)
	t.nc.Close()
	return err
}
