package relay

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/journal"
	"github.com/nomenhq/nomen/relay/output"
)

type runningOutput struct {
	cfg OutputConfig
	w   *output.Worker
	// stop is w.Stop; tests make it panic.
	stop func(context.Context) error
}

// newSink builds the sink of one output from its typed config and what
// the running relay knows.
func (r *Relay) newSink(o OutputConfig) (forward.Sink, error) {
	return o.Sink.NewSink(forward.Runtime{
		Name:      o.Common.Name,
		Logger:    r.log.With("component", "output", "output", o.Common.Name),
		Metrics:   r.sinkMetrics,
		Hostname:  r.cfg.Hostname,
		JournalID: r.journalID,
		StateDir:  r.cfg.StateDir,
	})
}

func (r *Relay) startOutput(o OutputConfig) error {
	sink, err := r.newSink(o)
	if err != nil {
		return err
	}
	where, whereNot, err := o.Common.Filters()
	if err != nil {
		return err
	}
	src, err := r.journal.Reader(o.Common.Name, journal.StartEnd)
	if err != nil {
		return fmt.Errorf("output %q: %w", o.Common.Name, err)
	}
	w := output.New(output.Options{
		Name:          o.Common.Name,
		Sink:          sink,
		Source:        src,
		Where:         where,
		WhereNot:      whereNot,
		BatchSize:     o.Common.BatchSize,
		FlushInterval: o.Common.FlushInterval.D(),
		DeadLetter:    output.NewDeadLetter(o.Common.DeadLetter, int64(o.Common.DeadLetterMaxBytes), r.cfg.Hostname),
		Metrics:       r.outputMetrics,
		Logger:        r.log.With("component", "output"), // the worker adds "output"
	})
	w.Start()
	r.outputs[o.Common.Name] = &runningOutput{cfg: o, w: w, stop: w.Stop}
	r.publishWorkers()
	r.log.Info("output started", "output", o.Common.Name, "type", o.Common.Type)
	return nil
}

func (r *Relay) startOutputs(outs []OutputConfig) error {
	for _, o := range outs {
		if err := r.startOutput(o); err != nil {
			return err
		}
	}
	return nil
}

// reloadOutputs stops outputs that were removed or changed and starts new
// and changed ones; a changed output resumes from its cursor.
func (r *Relay) reloadOutputs(outs []OutputConfig) error {
	want := map[string]OutputConfig{}
	for _, o := range outs {
		want[o.Common.Name] = o
	}
	stop := map[string]*runningOutput{}
	for name, ro := range r.outputs {
		if o, ok := want[name]; ok && reflect.DeepEqual(o, ro.cfg) {
			continue
		}
		stop[name] = ro
	}
	if err := r.stopOutputs(context.Background(), stop); err != nil {
		r.log.Warn("stopping outputs for reload", "err", err)
	}
	var errs []error
	for _, o := range outs {
		if _, running := r.outputs[o.Common.Name]; running {
			continue
		}
		if err := r.startOutput(o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// stopOutputs stops workers in parallel, each draining within ctx.
//
// A stop that panics (a bug in nomen) is that output's failed stop, as
// one out of time is, counted in nomen_output_stop_panics_total{output}
// and logged with its stack, instead of ending the process from a
// goroutine nothing could recover it on. What the output had not
// delivered stays in the journal after its cursor. If the panic left its
// worker running, the output is kept as it was (still delivering, seen by
// /readyz), for the next reload or the shutdown to stop; else it is
// forgotten like the others.
func (r *Relay) stopOutputs(ctx context.Context, outs map[string]*runningOutput) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	kept := map[string]bool{}
	panicLog := logthrottle.New(r.log, logthrottle.DefaultEvery)
	for name, ro := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			running, err := r.stopOutput(ctx, name, ro, panicLog)
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("output %q: %w", name, err))
				kept[name] = running
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for name := range outs {
		if !kept[name] {
			delete(r.outputs, name)
		}
	}
	r.publishWorkers()
	return errors.Join(errs...)
}

// stopOutput is ro.stop with a panic turned into its error; running says
// the panic left the worker running (stopOutputs).
func (r *Relay) stopOutput(ctx context.Context, name string, ro *runningOutput, panicLog *logthrottle.Logger) (running bool, err error) {
	defer func() {
		p := panics.Of(recover())
		if p == nil {
			return
		}
		what := "it stopped, what it had not delivered stays in the journal"
		select {
		case <-ro.w.Done():
		default:
			running = true
			what = "it runs on as it was, until the next reload or the shutdown stops it"
		}
		p.Report(r.outputMetrics.StopPanics.WithLabelValues(name), panicLog,
			"stopping an output panicked (a bug in nomen: please report it); "+what, "output", name)
		err = fmt.Errorf("stop panicked (a bug in nomen): %w", p)
	}()
	return false, ro.stop(ctx)
}

// publishWorkers makes the running workers visible to NotReady (which
// /readyz calls without taking r.mu: a reload holds it while it stops
// outputs). Called with r.mu held.
func (r *Relay) publishWorkers() {
	ws := make([]*output.Worker, 0, len(r.outputs))
	for _, ro := range r.outputs {
		ws = append(ws, ro.w)
	}
	r.workers.Store(&ws)
}

// NotReady returns why the relay is not ready beyond Ready(), one reason
// per line of /readyz's body: "output siem: config_error: http: server
// answered 401: ...; fix: ...". An output counts while it cannot open, its
// destination refuses its configuration, or its dead-letter file is full
// (output.State), and the journal while it cannot write (a full disk, a
// failing fsync). Empty: ready.
func (r *Relay) NotReady() []string {
	var reasons []string
	if j := r.openJournal.Load(); j != nil {
		if blocked, why := j.Blocked(); blocked {
			reasons = append(reasons, why) // "journal: appends wait: ..."
		}
	}
	if ws := r.workers.Load(); ws != nil {
		for _, w := range *ws {
			if reason := w.NotReady(); reason != "" {
				reasons = append(reasons, reason)
			}
		}
	}
	reasons = append(reasons, r.natsNotReady()...)
	slices.Sort(reasons)
	return reasons
}

func outputNames(outs []OutputConfig) []string {
	names := make([]string, len(outs))
	for i, o := range outs {
		names[i] = o.Common.Name
	}
	return names
}
