package journal

import (
	"context"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/event"
)

// poisonRecord is event.AppendBinary with a bug that events marked
// test.poison find: it panics on them, and, for those marked "always",
// on their safe form too (same original message).
func poisonRecord(b []byte, e, prev *event.Event) []byte {
	if e.Has("test.poison") || (e.Has(event.FieldEncodeError) && strings.Contains(e.Original, "always")) {
		var fields []event.Field
		_ = fields[len(e.Fields)] // index out of range
	}
	return event.AppendBinary(b, e, prev)
}

// TestEncodePanicJournalsTheSafeForm: an event whose record panics is
// journaled in its place and with its ID, in its safe form (original
// message and header, nomen.encode_error), as read back from disk; the
// events around it are journaled whole; the panic is counted; and the
// journal goes on appending.
func TestEncodePanicJournalsTheSafeForm(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, diskConfig(dir))
	j.record = poisonRecord
	evs := testEvents(0, 5)
	poison := evs[2]
	poison.SetStr("test.poison", "yes")
	mustAppend(t, j, evs)
	if evs[2] == poison || !evs[2].Has(event.FieldEncodeError) || evs[2].ID != 3 {
		t.Fatalf("the poison's slot holds %+v, want its safe form with ID 3", evs[2])
	}
	mustAppend(t, j, testEvents(5, 2)) // the journal goes on
	if got := metricValue(j.m.Panics); got != 1 {
		t.Errorf("nomen_journal_panics_total = %v, want 1", got)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	j = openJournal(t, diskConfig(dir)) // read back from disk, not the memory tail
	r := mustReader(t, j, "check", StartOldest)
	got, err := r.TryNext(100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 {
		t.Fatalf("read %d events, want 7", len(got))
	}
	for i, e := range got {
		if e.ID != uint64(i+1) {
			t.Errorf("event %d has ID %d", i, e.ID)
		}
		if i == 2 {
			continue
		}
		if seqOf(t, e) != i || e.Has(event.FieldEncodeError) {
			t.Errorf("event %d: seq %d, encode_error %v; want seq %d whole", i, seqOf(t, e), e.Has(event.FieldEncodeError), i)
		}
	}
	safe := got[2]
	if safe.Original != poison.Original || safe.Hostname != poison.Hostname || safe.Input != poison.Input ||
		safe.Has("test.poison") || safe.Has("event.sequence") {
		t.Errorf("the safe form is not the poison's original and header without its fields: %+v", safe)
	}
	if why := safe.Str(event.FieldEncodeError); !strings.Contains(why, "index out of range") {
		t.Errorf("nomen.encode_error = %q, want the panic", why)
	}
}

// TestEncodePanicTwiceFailsTheAppend: if the safe form panics too, the
// append fails (its caller counts the batch dropped) instead of stopping
// the process, and the journal takes the next append.
func TestEncodePanicTwiceFailsTheAppend(t *testing.T) {
	j := openJournal(t, diskConfig(t.TempDir()))
	j.record = poisonRecord
	evs := testEvents(0, 3)
	evs[1].Original += " always"
	evs[1].SetStr("test.poison", "yes")
	if err := j.Append(context.Background(), evs); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("append = %v, want the panic's error", err)
	}
	if got := metricValue(j.m.Panics); got != 2 {
		t.Errorf("nomen_journal_panics_total = %v, want 2 (the event, its safe form)", got)
	}
	mustAppend(t, j, testEvents(3, 2))
	r := mustReader(t, j, "check", StartOldest)
	wantSeqs(t, readAll(t, r, 100), 3, 2)
}
