package correlate

import (
	"fmt"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/nomenhq/nomen/relay/stage/findingid"
)

const idRules = bruteforce + pairRules + `
[[correlate.first_seen]]
name = "first-source"
where = { "event.category" = "authentication" }
fields = ["source.ip"]

[[correlate.match]]
name = "any-logoff"
where = { "event.action" = "logoff" }
`

// idScenario feeds the same events to a fresh engine whose journal
// already holds offset events (another instance's journal IDs differ) and
// returns "rule key -> id" of every finding, in order. streamIDs: the
// events carry a JetStream message id, as on a tier.
func idScenario(t *testing.T, offset int, streamIDs bool) []string {
	return idScenarioOwned(t, offset, streamIDs, nil)
}

// idScenarioOwned is idScenario with an engine that keeps only owner's keys.
func idScenarioOwned(t *testing.T, offset int, streamIDs bool, owner stage.Owner) []string {
	p := &pipe{t: t, now: t0, owner: owner}
	for i := range offset {
		e := event.New(t0)
		e.ID = uint64(i + 1)
		p.journal = append(p.journal, e)
	}
	p.open(decode(t, idRules))
	n := 0
	tag := func(e *event.Event) *event.Event {
		n++
		if streamIDs {
			e.SetStr(findingid.StreamIDField, fmt.Sprintf("edge1-%d", n))
		}
		return e
	}
	var out []*event.Event
	send := func(evs ...*event.Event) {
		for _, e := range evs {
			out = append(out, p.send(tag(e))...)
		}
	}
	wait := func(d time.Duration) { p.now = p.now.Add(d) }
	logon := func(id string) *event.Event {
		return ev(p.now, "event.action", "logon", "host.name", "wks1", "winlog.logon.id", id, "user.name", "bob")
	}
	// Two keys reach the threshold; the first key a second time after
	// its suppression: three windows.
	for range 3 {
		wait(time.Second)
		send(failure(p.now, "10.0.0.5"), failure(p.now, "10.0.0.6"))
	}
	wait(time.Minute)
	for range 3 {
		wait(time.Second)
		send(failure(p.now, "10.0.0.5"))
	}
	// Pairs: one answered, two left open (closed by time).
	wait(time.Second)
	send(logon("0x1"), logon("0x2"))
	wait(time.Second)
	send(logon("0x3"))
	wait(time.Second)
	send(ev(p.now, "event.action", "logoff", "host.name", "wks1", "winlog.logon.id", "0x1"))
	out = append(out, p.tick(11*time.Minute)...)
	var ids []string
	for _, f := range out {
		id := f.Str(findingid.Field)
		if len(id) != 32 {
			t.Fatalf("finding without an id: %s", enc(f))
		}
		ids = append(ids, f.Str("rule.name")+" "+f.Str(FieldFindingKey)+" -> "+id)
	}
	return ids
}

// TestFindingIDsAreDeterministic: the same events give the same ids in a
// fresh engine (a replay) and, on a tier, in an engine of another
// instance (other journal IDs: a takeover); different groups and windows
// give different ids.
func TestFindingIDsAreDeterministic(t *testing.T) {
	first := idScenario(t, 0, false)
	if again := idScenario(t, 0, false); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("a replay into a fresh engine gave other ids:\n%v\n%v", first, again)
	}
	tier := idScenario(t, 0, true)
	if other := idScenario(t, 1000, true); fmt.Sprint(other) != fmt.Sprint(tier) {
		t.Errorf("another instance (other journal IDs) gave other ids for the same stream messages:\n%v\n%v", tier, other)
	}
	for _, ids := range [][]string{first, tier} {
		seen := map[string]string{}
		for _, s := range ids {
			id := s[len(s)-32:]
			if prev, dup := seen[id]; dup {
				t.Errorf("two findings share an id: %q and %q", prev, s)
			}
			seen[id] = s
		}
		if len(ids) != 8 {
			t.Errorf("want 8 findings (3 thresholds, 2 first-seen, 1 match, 2 pair-missing), got %d: %v", len(ids), ids)
		}
	}
}
