package relay

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"

	"github.com/nomenhq/nomen/relay/agent"
	"github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/pipeline"
)

// runningAgent is a listener for the native agent protocol.
type runningAgent struct {
	cfg  AgentListener
	srv  *agent.Server
	ln   net.Listener
	done chan struct{}
	// cancel ends the wait to accept again after a panic (background.go).
	cancel context.CancelFunc
}

func (a *runningAgent) addr() string { return a.ln.Addr().String() }

// close stops accepting, lets in-flight batches be journaled and acked,
// and says BYE.
func (a *runningAgent) close(ctx context.Context) {
	a.srv.Shutdown(ctx)
	a.cancel()
	<-a.done
}

// agentShared is what every agent listener of a relay shares: the
// per-agent cursors (the metrics are in Relay.metrics).
type agentShared struct {
	state *agent.State
}

func (r *Relay) startAgentListener(a AgentListener) error {
	if r.agentShared == nil {
		return errors.New("agent state is not open")
	}
	// Agent records are built by the agent server, not parsed: they go
	// through the decode step's normalization only. The server counts
	// received records itself, once they are durable (a batch sent again
	// after a failure is not received twice).
	input := decode.NewRecordInput(decode.Options{Input: a.Name, Rules: &r.norm, Metrics: r.metrics.Decode})
	srv, err := agent.NewServer(a.Config, r.deliverAgent(input), r.log.With("component", "agent"), nil,
		agent.WithState(r.agentShared.state),
		agent.WithMetrics(r.metrics.Agent),
		agent.WithDuplicateCounter(r.metrics.Sequence.Duplicates()),
		agent.WithReceivedCounters(input.ReceivedCounters()),
		agent.WithRelayName(r.cfg.Hostname))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Address)
	if err != nil {
		return fmt.Errorf("listener %q: %w", a.Name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ra := &runningAgent{cfg: a, srv: srv, ln: ln, done: make(chan struct{}), cancel: cancel}
	accept := r.metrics.taskGuard(taskAgentAccept, r.log.With("listener", a.Name))
	go func() {
		defer close(ra.done)
		// A panic in the accept loop: accept again after the backoff
		// (Serve keeps ln open; the sessions run on their own).
		accept.keepRunning(ctx, func() {
			if err := srv.Serve(ln); err != nil {
				r.log.Error("agent listener failed", "listener", a.Name, "err", err)
			}
		})
	}()
	r.agents[a.Name] = ra
	r.log.Info("agent listener started", "listener", a.Name, "address", ln.Addr().String())
	return nil
}

// deliverAgent returns the agent server's Deliver: the decode step
// (normalization), then the pipeline (sequence, correlation, journal),
// returning once the events are durable so that the server can
// acknowledge them.
func (r *Relay) deliverAgent(input *decode.Input) agent.Deliver {
	return func(ctx context.Context, evs []*event.Event) error {
		input.Normalize(evs)
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
