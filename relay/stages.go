package relay

import (
	"errors"
	"log/slog"

	"github.com/nomenhq/nomen/relay/correlate"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/live"
	"github.com/nomenhq/nomen/relay/sequence"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/prometheus/client_golang/prometheus"
)

// stages holds the stateful pipeline stages, in pipeline order (sequence
// tracking, then correlation), and the live subscription hub that sees
// every journaled event.
type stages struct {
	gate stage.Stage // a tier's (relay/tierstate.go), nil without [tier]
	seq  *sequence.Tracker
	corr *correlate.Engine
	live *live.Hub
}

// newStages builds the stages; owner (nil: all) says which keys are
// this instance's on a tier.
func newStages(cfg *Config, seqMetrics *sequence.Metrics, reg prometheus.Registerer, log *slog.Logger, owner stage.Owner) (*stages, error) {
	seq, err := sequence.New(cfg.Sequence, sequence.Options{
		StateDir: cfg.StateDir, Metrics: seqMetrics, Log: log.With("component", "sequence"), Owner: owner,
	})
	if err != nil {
		return nil, err
	}
	corr, err := correlate.New(cfg.Correlate, correlate.Options{
		StateDir: cfg.StateDir, Registerer: reg, Log: log.With("component", "correlate"), Owner: owner,
	})
	if err != nil {
		seq.Close()
		return nil, err
	}
	hub, err := live.New(live.Options{Registerer: reg, Log: log.With("component", "live"), Observer: cfg.Hostname})
	if err != nil {
		seq.Close()
		corr.Close()
		return nil, err
	}
	return &stages{seq: seq, corr: corr, live: hub}, nil
}

func (s *stages) list() []stage.Stage {
	if s.gate != nil {
		return []stage.Stage{s.gate, s.seq, s.corr}
	}
	return []stage.Stage{s.seq, s.corr}
}

// parted are the stages whose state moves with a tier's partitions.
func (s *stages) parted() []namedParted {
	return []namedParted{{"sequence", s.seq}, {"correlate", s.corr}}
}

// recoverFrom is the journal ID after which events must be replayed
// through the stages: their snapshots may be older than the journal
// after a crash.
func (s *stages) recoverFrom() uint64 { return min(s.seq.AppliedID(), s.corr.AppliedID()) }

// recover re-applies journaled events each stage has not seen yet,
// without emitting findings.
func (s *stages) recover(evs []*event.Event) {
	if i := after(evs, s.seq.AppliedID()); i < len(evs) {
		s.seq.Recover(evs[i:])
	}
	if i := after(evs, s.corr.AppliedID()); i < len(evs) {
		s.corr.Recover(evs[i:])
	}
}

// after returns the index of the first event with an ID above id.
func after(evs []*event.Event, id uint64) int {
	for i, e := range evs {
		if e.ID > id {
			return i
		}
	}
	return len(evs)
}

// reload applies new sequence and correlation settings; state of rules
// that did not change is kept.
func (s *stages) reload(cfg *Config) error {
	if err := s.seq.Reload(cfg.Sequence); err != nil {
		return err
	}
	return s.corr.Reload(cfg.Correlate)
}

// close snapshots the stages' state and ends live subscriptions.
func (s *stages) close() error {
	s.live.Close()
	return errors.Join(s.seq.Close(), s.corr.Close())
}
