package relay

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/journal"
)

// TestJournalIdentity: the identity stays while the journal keeps its ids,
// and is new when the journal starts again from id 1 (its directory wiped
// while state_dir stayed), so that JetStream does not drop its events as
// redeliveries of the old ones.
func TestJournalIdentity(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	cfg := &Config{StateDir: t.TempDir()}
	cfg.Journal.Mode = journal.ModeDisk
	first, err := journalIdentity(cfg, true, quiet)
	if err != nil {
		t.Fatal(err)
	}
	again, err := journalIdentity(cfg, false, quiet)
	if err != nil || again != first {
		t.Fatalf("identity changed while the journal kept its ids: %q then %q (%v)", first, again, err)
	}
	wiped, err := journalIdentity(cfg, true, quiet)
	if err != nil || wiped == first {
		t.Fatalf("a journal starting again at id 1 kept the identity %q (%v)", wiped, err)
	}
	if kept, _ := journalIdentity(cfg, false, quiet); kept != wiped {
		t.Fatalf("the new identity was not kept: %q, then %q", wiped, kept)
	}
}

// TestJournalIdentityDamaged: a damaged journal-id is not replaced
// silently: the start goes on with a new identity (as for the other damaged
// state), logs an error naming the file, and keeps the damaged bytes aside;
// a journal-id that cannot be read at all fails the start.
func TestJournalIdentityDamaged(t *testing.T) {
	cfg := &Config{StateDir: t.TempDir()}
	cfg.Journal.Mode = journal.ModeDisk
	path := filepath.Join(cfg.StateDir, "journal-id")
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	old, err := journalIdentity(cfg, true, log)
	if err != nil {
		t.Fatal(err)
	}
	damaged := old[:7] + "\x00\x00" + old[9:] // a disk's damage: same length, not hex
	if err := os.WriteFile(path, []byte(damaged+"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	got, err := journalIdentity(cfg, false, log)
	if err != nil {
		t.Fatalf("a damaged journal-id stopped the start: %v", err)
	}
	if got == old || !isJournalID(got) {
		t.Errorf("identity after the damage: %q (before: %q), want a new one of 16 hex digits", got, old)
	}
	if !strings.Contains(logged.String(), "level=ERROR") || !strings.Contains(logged.String(), path) {
		t.Errorf("the replaced identity was not logged as an error naming %s:\n%s", path, logged.String())
	}
	if aside, err := os.ReadFile(path + ".corrupt"); err != nil || string(aside) != damaged+"\n" {
		t.Errorf("the damaged file was not kept aside: %q, %v", aside, err)
	}
	logged.Reset()
	if kept, err := journalIdentity(cfg, false, log); err != nil || kept != got || logged.Len() != 0 {
		t.Errorf("the new identity %q was not kept quietly: %q, %v, log %q", got, kept, err, logged.String())
	}

	// Unreadable (a directory where the file should be): not damage to
	// repair but a state_dir to fix, so the start fails and says where.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o750); err != nil {
		t.Fatal(err)
	}
	if _, err := journalIdentity(cfg, false, log); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("an unreadable journal-id: err %v, want one naming %s", err, path)
	}
}
