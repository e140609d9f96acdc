package relay

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/nomenhq/nomen/internal/atomicfile"
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
//
// A damaged file (not the 16 hex digits written here) is moved aside to
// journal-id.corrupt and replaced by a new identity, logged as an error:
// as with the other damaged state (README, "Damaged state") nomen starts,
// since refusing would lose what UDP senders send meanwhile, and a new
// identity costs duplicates downstream (events sent again after the
// restart get new message ids), which at-least-once allows. A file that
// cannot be read at all (permissions, a directory) fails the start.
func journalIdentity(cfg *Config, fresh bool, log *slog.Logger) (string, error) {
	random := func() string {
		b := make([]byte, 8)
		rand.Read(b)
		return hex.EncodeToString(b)
	}
	if cfg.Journal.Mode == journal.ModeMemory {
		return random(), nil
	}
	path := filepath.Join(cfg.StateDir, "journal-id")
	if !fresh {
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			if id := strings.TrimSpace(string(b)); isJournalID(id) {
				return id, nil
			}
			aside := path + ".corrupt"
			if err := os.Rename(path, aside); err != nil {
				return "", fmt.Errorf("journal id: %s is damaged and cannot be moved aside: %w", path, err)
			}
			log.Error("journal id: the file is damaged (not 16 hex digits); moved aside, the journal gets a new identity: "+
				"events sent again after this start carry new message ids, so NATS JetStream and Kafka consumers may see them twice. "+
				"To keep the old identity, stop nomen and put its 16 hex digits back into the file",
				"file", path, "moved_to", aside, "content", fmt.Sprintf("%.40q", b))
		case !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("journal id: %w", err)
		}
	}
	id := random()
	if err := atomicfile.WriteFile(path, []byte(id+"\n"), 0o640); err != nil {
		return "", fmt.Errorf("journal id: %w", err)
	}
	if err := atomicfile.SyncDir(cfg.StateDir); err != nil {
		return "", fmt.Errorf("journal id: %w", err)
	}
	return id, nil
}

func isJournalID(s string) bool {
	if len(s) != 16 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
