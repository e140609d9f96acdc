package stage

import (
	"log/slog"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/prometheus/client_golang/prometheus"
)

// Guard keeps a bug that one event finds in a stage from stopping the
// pipeline, whose goroutine the stages run on: the event goes on to the
// journal as the stage got it, the panic is counted in
// nomen_stage_panics_total{stage} and logged (rate-limited) with its
// stack. What the stage did for the event before the panic stays (a
// finding already raised, state already changed); the rest of the event's
// processing is skipped, and the stage goes on with the next event.
type Guard struct {
	stage  string
	panics prometheus.Counter
	log    *logthrottle.Logger
}

// PanicCounter returns stage's series of nomen_stage_panics_total, for
// the stage to register with its other metrics (exported at 0 from then).
func PanicCounter(stage string) prometheus.Counter {
	return prometheus.NewCounter(prometheus.CounterOpts{
		Name:        "nomen_stage_panics_total",
		Help:        "Events whose processing by a stage panicked (a bug in nomen: the event went on without that stage's processing), panics in a stage's timer work (skipped that time), and in its switch to a reloaded configuration (the old one stays), by stage.",
		ConstLabels: prometheus.Labels{"stage": stage},
	})
}

// NewGuard returns the guard of stage, counting in panics (PanicCounter)
// and logging through log (nil: not logged).
func NewGuard(stage string, panics prometheus.Counter, log *slog.Logger) *Guard {
	g := &Guard{stage: stage, panics: panics}
	if log != nil {
		g.log = logthrottle.New(log, logthrottle.DefaultEvery)
	}
	return g
}

// Each calls do(i) for i from 0 to n-1. A panic in do(i) is handed to
// failed(i, p) (may be nil), which says what to log of the event, then
// reported (Report), and Each goes on with i+1. It defers one recover per
// panic, not per event. Each costs a call through a closure per event: a
// stage's Process, which every event goes through, writes the same loop
// out itself (see relay/sequence's Tracker.process).
func (g *Guard) Each(n int, do func(i int), failed func(i int, p *panics.Panic) []any) {
	for i := 0; i < n; {
		i = g.run(i, n, do, failed)
	}
}

// run is Each from i until the end or a panic; it returns where to go on.
func (g *Guard) run(i, n int, do func(i int), failed func(i int, p *panics.Panic) []any) (next int) {
	defer func() {
		p := panics.Of(recover())
		if p == nil {
			return
		}
		var args []any
		if failed != nil {
			args = failed(i, p)
		}
		g.Report(p, args...)
		next = i + 1
	}()
	for ; i < n; i++ {
		do(i)
	}
	return n
}

// Report counts p, a panic while the stage processed one event, and logs
// it (rate-limited) with args, which say what the event was.
func (g *Guard) Report(p *panics.Panic, args ...any) {
	p.Report(g.panics, g.log, g.stage+": processing an event panicked; it goes on without this stage",
		append(args, "stage", g.stage)...)
}

// Do calls do once, as Each does for one item (the stages' Tick, a rule
// at a time).
func (g *Guard) Do(do func(), args ...any) {
	g.do(do, "a stage's timer work panicked; it is skipped this time", args)
}

// Reload calls do, the switch to a configuration queued by the stage's
// Reload (on the pipeline goroutine, whose panic would stop the relay). A
// panic is counted and logged as Do's; do must leave the old
// configuration in place until nothing can fail any more, so that the
// stage goes on with it.
func (g *Guard) Reload(do func(), args ...any) {
	g.do(do, "switching to the reloaded configuration panicked; the stage keeps the old one", args)
}

func (g *Guard) do(do func(), what string, args []any) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			p.Report(g.panics, g.log, g.stage+": "+what, append(args, "stage", g.stage)...)
		}
	}()
	do()
}
