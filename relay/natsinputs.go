package relay

import (
	"errors"
	"reflect"

	"github.com/nomenhq/nomen/relay/journal"
	"github.com/nomenhq/nomen/relay/natsin"
)

// runningNATSInput is a listener with protocol = "nats".
type runningNATSInput struct {
	cfg natsin.Config
	in  *natsin.Input
}

func (r *Relay) startNATSInput(nc natsin.Config) error {
	loc, err := r.cfg.location()
	if err != nil {
		return err
	}
	if r.natsInMetrics == nil {
		r.natsInMetrics = natsin.NewMetrics(r.reg)
	}
	in, err := natsin.Start(natsin.Options{
		Config:    nc,
		Location:  loc,
		Rules:     &r.norm,
		Pipeline:  r.pipe,
		Metrics:   r.natsInMetrics,
		Decode:    r.metrics.Decode,
		Log:       r.log.With("component", "listener"),
		Journaled: r.journaledNATSIDs(nc.Name, nc.DedupeIDs),
		Panics:    r.metrics.Listen.Panics,
	})
	if err != nil {
		return err
	}
	r.natsIn[nc.Name] = &runningNATSInput{cfg: nc, in: in}
	r.publishNATSInputs()
	r.log.Info("nats listener started", "listener", nc.Name, "url", nc.URL, "stream", nc.Stream, "durable", nc.Durable)
	return nil
}

// journaledNATSIDs returns the message ids (natsin.FieldID) of the
// listener's events among the journal's last n: what it fetched before a
// stop or crash and could not acknowledge comes again, and is dropped.
func (r *Relay) journaledNATSIDs(listener string, n int) []string {
	last, oldest := r.journal.LastID(), r.journal.OldestID()
	if last == 0 || n <= 0 {
		return nil
	}
	// Journal ids are not dense: after a crash they continue past a
	// reservation (relay/journal), so "the last n ids" may hold far fewer
	// than n events. Look back over a growing span until it holds n of
	// this listener's ids or reaches the oldest event.
	for span := uint64(n); ; span *= 16 {
		from := oldest
		if last > span && last-span > oldest {
			from = last - span
		}
		ids, ok := r.readNATSIDs(listener, from, last)
		if !ok || len(ids) >= n || from <= oldest {
			return ids[max(0, len(ids)-n):]
		}
	}
}

// readNATSIDs returns the ids of listener's events journaled from id from
// to last, in order.
func (r *Relay) readNATSIDs(listener string, from, last uint64) ([]string, bool) {
	rd, err := r.journal.Reader("nomen-nats-ids", journal.StartOldest)
	if err != nil {
		r.log.Warn("nats listener: cannot read the journal for the ids it holds", "listener", listener, "err", err)
		return nil, false
	}
	defer rd.Discard() // it only looked: no cursor may stay behind
	if from > 1 {
		if err := rd.Seek(from - 1); err != nil {
			return nil, false
		}
	}
	var ids []string
	for {
		evs, err := rd.TryNext(4096)
		if err != nil || len(evs) == 0 {
			break
		}
		for _, e := range evs {
			if e.Input != listener {
				continue
			}
			if v, ok := e.Field(natsin.FieldID); ok {
				ids = append(ids, v.Str)
			}
		}
		if evs[len(evs)-1].ID >= last {
			break
		}
	}
	return ids, true
}

// publishNATSInputs makes the running nats listeners visible to /readyz.
func (r *Relay) publishNATSInputs() {
	ins := make([]*natsin.Input, 0, len(r.natsIn))
	for _, n := range r.natsIn {
		ins = append(ins, n.in)
	}
	r.natsInputs.Store(&ins)
}

// natsNotReady is why nats listeners cannot consume, for /readyz.
func (r *Relay) natsNotReady() []string {
	var reasons []string
	if ins := r.natsInputs.Load(); ins != nil {
		for _, in := range *ins {
			if why := in.NotReady(); why != "" {
				reasons = append(reasons, why)
			}
		}
	}
	return reasons
}

// closeNATSInputs stops every nats listener fetching and returns them, to
// be waited for (what they fetched is journaled and acknowledged).
func (r *Relay) closeNATSInputs() []*natsin.Input {
	var ins []*natsin.Input
	for name, n := range r.natsIn {
		n.in.Close()
		ins = append(ins, n.in)
		delete(r.natsIn, name)
	}
	r.publishNATSInputs()
	return ins
}

// reloadNATSInputs restarts nats listeners whose settings changed.
func (r *Relay) reloadNATSInputs(ncs []natsin.Config, timezoneChanged bool) error {
	want := map[string]natsin.Config{}
	for _, nc := range ncs {
		want[nc.Name] = nc
	}
	for name, n := range r.natsIn {
		if nc, ok := want[name]; ok && reflect.DeepEqual(nc, n.cfg) && !timezoneChanged {
			continue
		}
		n.in.Close()
		n.in.Wait()
		delete(r.natsIn, name)
		r.log.Info("nats listener stopped", "listener", name)
	}
	r.publishNATSInputs()
	var errs []error
	for _, nc := range ncs {
		if _, running := r.natsIn[nc.Name]; running {
			continue
		}
		if err := r.startNATSInput(nc); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
