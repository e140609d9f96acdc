package correlate

import (
	"encoding/json"
	"testing"
)

// TestFirstSeenSurvivesRestart: the tuples of a rule without expire (kept
// as keys alone) and with it come back after a restart, and a tuple
// saved with its times before a rule without expire kept none loads.
func TestFirstSeenSurvivesRestart(t *testing.T) {
	const src = `
[[correlate.first_seen]]
name = "plain"
where = { "event.category" = "authentication" }
fields = ["source.ip"]
[[correlate.first_seen]]
name = "expiring"
where = { "event.category" = "authentication" }
fields = ["user.name", "source.ip"]
expire = "1h"
[[correlate.first_seen]]
name = "expiring-event-time"
where = { "event.category" = "authentication" }
fields = ["user.name", "source.ip"]
expire = "1h"
time = "event"
`
	dir := t.TempDir()
	p := newPipe(t, src, dir)
	logon := func(user, ip string) int {
		return len(p.send(ev(p.now, "event.category", "authentication", "user.name", user, "source.ip", ip)))
	}
	if n := logon("alice", "10.0.0.1"); n != 3 {
		t.Fatalf("first logon: %d findings, want 3", n)
	}
	if err := p.en.Close(); err != nil {
		t.Fatal(err)
	}
	p.open(decode(t, src))
	if n := logon("alice", "10.0.0.1"); n != 0 {
		t.Errorf("after a restart: %d findings, want 0", n)
	}
	if n := logon("bob", "10.0.0.1"); n != 2 {
		t.Errorf("a new user from a known address: %d findings, want 2", n)
	}
	old := json.RawMessage(`[{"k":"10.0.0.9","v":{"first":1,"last":2,"recv":3}}]`)
	if err := p.en.byName["plain"].load(old); err != nil {
		t.Fatal(err)
	}
	if n := logon("alice", "10.0.0.9"); n != 2 { // the expiring rules'
		t.Errorf("an address from an older snapshot: %d findings, want 1", n)
	}
}
