package relay

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nomenhq/nomen/relay/agent"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/journal"
	"github.com/nomenhq/nomen/relay/pipeline"
)

// openAgentState opens the per-agent cursors shared by every agent listener.
func (r *Relay) openAgentState() error {
	st, err := agent.OpenState(r.cfg.StateDir, r.log.With("component", "agent"))
	if err != nil {
		return err
	}
	r.agentShared = &agentShared{state: st}
	return nil
}

// recoverState replays what the journal holds beyond the state snapshots
// (sequence tracking, correlation, agent cursors were saved up to a few
// seconds before a crash) so that restarting neither repeats findings nor
// mistakes already-seen events for gaps or new agent data.
func (r *Relay) recoverState() error {
	from := min(r.stages.recoverFrom(), r.agentShared.state.RecoverFrom())
	last := r.journal.LastID()
	// Whatever happens below, the stages continue from the journal's end.
	defer pipeline.Applied(r.stages.list(), last)
	if from >= last {
		return nil
	}
	n := 0
	err := r.readJournal("nomen-recovery", from, func(evs []*event.Event) {
		r.stages.recover(evs)
		for _, e := range evs {
			r.agentShared.state.Observe(e)
		}
		n += len(evs)
	})
	if err != nil {
		return fmt.Errorf("recovery: %w", err)
	}
	if n > 0 {
		r.log.Info("state recovered from the journal", "events", n, "after_id", from)
	}
	return nil
}

// readJournal hands the journal's events after id after to fn, in
// chunks, up to the end it has now, through a reader named name that
// leaves no cursor behind.
func (r *Relay) readJournal(name string, after uint64, fn func([]*event.Event)) error {
	last := r.journal.LastID()
	if after >= last {
		return nil
	}
	rd, err := r.journal.Reader(name, journal.StartOldest)
	if err != nil {
		return err
	}
	defer rd.Discard() // it only looked: no cursor may stay behind
	if err := rd.Seek(after); err != nil {
		return err
	}
	for {
		evs, err := rd.TryNext(4096)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		fn(evs)
		if evs[len(evs)-1].ID >= last {
			return nil
		}
	}
}

// journalIdentity is a stable name for this relay's journal: persisted in
// state_dir for a disk journal, new at every start for a memory journal
// (whose IDs start again at 1). Outputs use it to make event ids unique
// across relays and restarts (NATS JetStream message ids).
//
// fresh says the journal has never handed out an id (a new journal, or its
// directory wiped while state_dir stayed): its ids start again at 1, so it
// gets a new identity, else JetStream would take its events for
// redeliveries of the old ones and drop them.
func journalIdentity(cfg *Config, fresh bool) (string, error) {
	random := func() string {
		b := make([]byte, 8)
		rand.Read(b)
		return hex.EncodeToString(b)
	}
	if cfg.Journal.Mode == journal.ModeMemory {
		return random(), nil
	}
	path := filepath.Join(cfg.StateDir, "journal-id")
	if b, err := os.ReadFile(path); err == nil && !fresh {
		if id := strings.TrimSpace(string(b)); len(id) == 16 {
			return id, nil
		}
	}
	id := random()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o640); err != nil {
		return "", fmt.Errorf("journal id: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("journal id: %w", err)
	}
	return id, nil
}
