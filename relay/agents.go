package relay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"

	"github.com/nomenhq/nomen/relay/agent"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// runningAgent is a listener for the native agent protocol.
type runningAgent struct {
	cfg  AgentListener
	srv  *agent.Server
	ln   net.Listener
	done chan struct{}
}

func (a *runningAgent) addr() string { return a.ln.Addr().String() }

// close stops accepting, lets in-flight batches be journaled and acked,
// and says BYE.
func (a *runningAgent) close(ctx context.Context) {
	a.srv.Shutdown(ctx)
	<-a.done
}

// agentShared is what every agent listener of a relay shares: the
// per-agent cursors and the metrics.
type agentShared struct {
	state   *agent.State
	metrics *agent.Metrics
	dup     prometheus.Counter
}

func (r *Relay) startAgentListener(a AgentListener) error {
	if r.agentShared == nil {
		return errors.New("agent state is not open")
	}
	srv, err := agent.NewServer(a.Config, r.deliverAgent(a.Name), r.log.With("component", "agent"), r.reg,
		agent.WithState(r.agentShared.state),
		agent.WithMetrics(r.agentShared.metrics),
		agent.WithDuplicateCounter(r.agentShared.dup),
		agent.WithReceivedCounters(r.metrics.Received.WithLabelValues(a.Name), r.metrics.ReceivedBytes.WithLabelValues(a.Name)),
		agent.WithRelayName(r.cfg.Hostname))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Address)
	if err != nil {
		return fmt.Errorf("listener %q: %w", a.Name, err)
	}
	ra := &runningAgent{cfg: a, srv: srv, ln: ln, done: make(chan struct{})}
	go func() {
		defer close(ra.done)
		if err := srv.Serve(ln); err != nil {
			r.log.Error("agent listener failed", "listener", a.Name, "err", err)
		}
	}()
	r.agents[a.Name] = ra
	r.log.Info("agent listener started", "listener", a.Name, "address", ln.Addr().String())
	return nil
}

// deliverAgent returns the agent server's Deliver: normalize, then the
// pipeline (sequence, correlation, journal), returning once the events
// are durable so that the server can acknowledge them.
func (r *Relay) deliverAgent(listener string) agent.Deliver {
	return func(ctx context.Context, evs []*event.Event) error {
		norm := r.norm.Load()
		for _, e := range evs {
			dec := norm.Normalize(e)
			if dec == "" {
				dec = "none"
			}
			r.metrics.Normalized.WithLabelValues(dec).Inc()
		}
		done := make(chan error, 1)
		b := &pipeline.Batch{Events: evs, Durable: true, Done: func(err error) { done <- err }}
		if err := r.pipe.Submit(ctx, b); err != nil {
			return err
		}
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// reloadAgents restarts agent listeners whose settings changed.
func (r *Relay) reloadAgents(as []AgentListener) error {
	want := map[string]AgentListener{}
	for _, a := range as {
		want[a.Name] = a
	}
	for name, ra := range r.agents {
		if a, ok := want[name]; ok && reflect.DeepEqual(a, ra.cfg) {
			continue
		}
		ra.close(context.Background())
		delete(r.agents, name)
		r.log.Info("agent listener stopped", "listener", name)
	}
	var errs []error
	for _, a := range as {
		if _, running := r.agents[a.Name]; running {
			continue
		}
		if err := r.startAgentListener(a); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
