package relay

import (
	"context"
	"log/slog"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/internal/retry"
	"github.com/nomenhq/nomen/relay/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// The relay's own background goroutines, outside the flow of events:
// each is a task of nomen_background_panics_total{task}. A panic on one
// of them (a bug in nomen) would end the process and every listener and
// output with it, though none of them holds events: it is counted and
// logged with its stack (internal/panics), and the task goes on as its
// site says (taskGuard.run, taskGuard.keepRunning).
const (
	// taskMemoryGuard is the memory guard's check (memguard.go): a check
	// that panics is skipped, the next one comes a second later.
	taskMemoryGuard = "memory_guard"
	// taskAgentAccept is an agent listener's accept loop (agents.go): it
	// accepts again after the backoff; the connection it was admitting is
	// closed (agent.Server.admit), its sessions are not its own.
	taskAgentAccept = "agent_accept"
	// taskAPIServe is the metrics and API listener's accept loop
	// (api.go): net/http closed its listener, so the API is gone until
	// a restart, as when Serve fails; the relay goes on.
	taskAPIServe = "api_serve"
	// taskTierLeases is the correlation tier's lease keeper (tier.go): it
	// keeps the leases again after the backoff. Meanwhile the leases'
	// local deadlines pass (relay/partition): this instance stops acting
	// on partitions it could not renew, so there are never two owners.
	taskTierLeases = "tier_leases"
	// taskTierState is the tier's writer of partition states
	// (tierstate.go): a state whose saving panicked is not saved that
	// round (counted as a failed save too); the next round saves it.
	taskTierState = "tier_state"
	// taskJournalReadAhead is the journal's read-ahead (relay/journal):
	// the block is dropped and its reader reads it itself.
	taskJournalReadAhead = "journal_read_ahead"
	// taskAPIRequest is a request to the API or /metrics (api.go): it is
	// answered 500 if nothing was written yet, else cut short.
	taskAPIRequest = "api_request"
)

// backgroundTasks are the tasks, exported at 0 from the start; the
// pipeline's are its own (relay/pipeline: the batch, waiting for its
// fsync).
var backgroundTasks = []string{taskMemoryGuard, taskAgentAccept, taskAPIServe, taskTierLeases, taskTierState,
	taskJournalReadAhead, taskAPIRequest, pipeline.TaskPipeline, pipeline.TaskWaitDurable}

func newBackgroundPanics(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nomen_background_panics_total", Help: "Panics of the relay's own tasks outside listeners, agent sessions and outputs (a bug in nomen: the task goes on or starts over), by task: memory_guard, agent_accept, api_serve, api_request (answered 500), tier_leases, tier_state, journal_read_ahead (no event is lost), pipeline (events not journaled are counted in nomen_dropped_events_total{stage=\"pipeline\",reason=\"panic\"}; an agent's are sent again), wait_durable (the batch is not acknowledged; the agent sends it again).",
	}, []string{"task"})
	reg.MustRegister(c)
	for _, t := range backgroundTasks {
		c.WithLabelValues(t)
	}
	return c
}

// taskGuard counts and logs the panics of one background task.
type taskGuard struct {
	task  string
	count prometheus.Counter
	log   *logthrottle.Logger
}

// taskGuard returns task's guard, logging through log.
func (m *Metrics) taskGuard(task string, log *slog.Logger) *taskGuard {
	return &taskGuard{task: task, count: m.BackgroundPanics.WithLabelValues(task), log: logthrottle.New(log, logthrottle.DefaultEvery)}
}

// run runs f; a panic in it is counted, logged and returned (nil: none).
func (g *taskGuard) run(f func()) (p *panics.Panic) {
	defer func() {
		if p = panics.Of(recover()); p != nil {
			p.Report(g.count, g.log, "a background task panicked (a bug in nomen: please report it); the relay goes on", "task", g.task)
		}
	}()
	f()
	return nil
}

// keepRunning runs loop until it returns without panicking: after a
// panic it runs it again after the backoff (internal/retry's, 100ms
// doubling to 30s; from 100ms again after a run of a minute or more),
// unless ctx ends first.
func (g *taskGuard) keepRunning(ctx context.Context, loop func()) {
	retry.Do(ctx, retry.Policy{Healthy: time.Minute}, func(int) error {
		if p := g.run(loop); p != nil {
			return p
		}
		return nil
	})
}
