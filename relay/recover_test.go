package relay

import (
	"testing"

	"github.com/nomenhq/nomen/relay/journal"
)

// TestJournalIdentity: the identity stays while the journal keeps its ids,
// and is new when the journal starts again from id 1 (its directory wiped
// while state_dir stayed), so that JetStream does not drop its events as
// redeliveries of the old ones.
func TestJournalIdentity(t *testing.T) {
	cfg := &Config{StateDir: t.TempDir()}
	cfg.Journal.Mode = journal.ModeDisk
	first, err := journalIdentity(cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	again, err := journalIdentity(cfg, false)
	if err != nil || again != first {
		t.Fatalf("identity changed while the journal kept its ids: %q then %q (%v)", first, again, err)
	}
	wiped, err := journalIdentity(cfg, true)
	if err != nil || wiped == first {
		t.Fatalf("a journal starting again at id 1 kept the identity %q (%v)", wiped, err)
	}
	if kept, _ := journalIdentity(cfg, false); kept != wiped {
		t.Fatalf("the new identity was not kept: %q, then %q", wiped, kept)
	}
}
