package relay

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nomenhq/nomen/relay/partition"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// tier is this nomen's part of a correlation tier ([tier]): its partition
// leases, which the stages ask before keeping state for a key.
type tier struct {
	nc     *nats.Conn
	m      *partition.Manager
	cancel context.CancelFunc
	done   chan struct{}
}

// startTier connects with the named nats listener's settings, creates the
// lease bucket if needed and starts taking partitions. nil if [tier] is
// off.
func startTier(ctx context.Context, cfg *Config, reg prometheus.Registerer, log *slog.Logger) (*tier, error) {
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
		return t, nil
	}
	return nil, fmt.Errorf("tier: no nats listener %q", tc.Listener)
}

func newTier(ctx context.Context, nc *nats.Conn, tc TierConfig, reg prometheus.Registerer, log *slog.Logger) (*tier, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	kv, err := partition.Bucket(ctx, js, tc.Bucket, tc.LeaseTTL.D(), tc.Replicas)
	if err != nil {
		return nil, err
	}
	m, err := partition.New(partition.Options{KV: kv, Instance: tc.Instance, Count: tc.Partitions, TTL: tc.LeaseTTL.D(),
		Log: log, Metrics: partition.NewMetrics(reg)})
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	t := &tier{nc: nc, m: m, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		m.Run(runCtx)
	}()
	log.Info("tier: taking part", "bucket", tc.Bucket, "partitions", tc.Partitions, "lease_ttl", tc.LeaseTTL.D())
	return t, nil
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
	<-t.done
	err := t.m.Release(ctx)
	t.nc.Close()
	return err
}
