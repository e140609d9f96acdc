package stage

import (
	"slices"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

func passEvent(kv ...string) *event.Event {
	e := event.New(time.Unix(0, 0))
	for i := 0; i < len(kv); i += 2 {
		e.SetStr(kv[i], kv[i+1])
	}
	return e
}

// find is what a stage's own pass answers for keys.
func find(e *event.Event, keys []string) ([]int32, bool) {
	at := make([]int32, len(keys))
	rep := event.NewKeyIndex(keys...).Find(e, at)
	return at, rep
}

func TestFieldPassAnswersAsOwnPass(t *testing.T) {
	lead := []string{"host.name", "event.code", "event.sequence"}
	follow := append(slices.Clone(lead), "source.ip", "user.name")
	p := NewFieldPass(lead...)
	p.SetFollow(follow)
	batch := []*event.Event{
		passEvent("host.name", "a", "event.code", "4624", "user.name", "bob"),
		passEvent("source.ip", "10.0.0.1", "event.sequence", "7", "source.ip", "10.0.0.2"), // repeated: the last counts
		nil, // a bug's event: the stages' guards report it
		passEvent("message", "none of the keys"),
	}
	if !p.Scan(batch) {
		t.Fatal("Scan: not shared")
	}
	for i, e := range batch {
		if e == nil {
			if _, _, ok := p.Follow(i, e); ok {
				t.Errorf("event %d (nil): Follow answered", i)
			}
			continue
		}
		want, wantRep := find(e, follow)
		at, rep, ok := p.Follow(i, e)
		if !ok || !slices.Equal(at, want) || rep != wantRep {
			t.Errorf("event %d: Follow = %v %v %v, want %v %v", i, ok, at, rep, want, wantRep)
		}
		wantLead, _ := find(e, lead)
		if row := p.Row(i); !slices.Equal(row[:len(lead)], wantLead) {
			t.Errorf("event %d: lead keys at %v, want %v", i, row[:len(lead)], wantLead)
		}
	}
}

func TestFieldPassFollowsOnlyEventsAsScanned(t *testing.T) {
	p := NewFieldPass("host.name")
	p.SetFollow([]string{"host.name", "user.name"})
	a, b := passEvent("user.name", "a"), passEvent("user.name", "b")
	p.Scan([]*event.Event{a, b})
	if _, _, ok := p.Follow(0, b); ok {
		t.Error("Follow answered for another event than the one scanned there")
	}
	if _, _, ok := p.Follow(2, a); ok {
		t.Error("Follow answered past the batch scanned")
	}
	b.SetStr("nomen.duplicate", "true") // the leading stage added a field
	if _, _, ok := p.Follow(1, b); ok {
		t.Error("Follow answered for an event whose fields changed")
	}
	p.Move(1, 0) // the leading stage dropped a and moved b
	b2 := passEvent("user.name", "c")
	p.Scan([]*event.Event{a, b2})
	p.Move(1, 0)
	if at, _, ok := p.Follow(0, b2); !ok || !slices.Equal(at, []int32{-1, 0}) {
		t.Errorf("after Move: Follow = %v %v, want true [-1 0]", ok, at)
	}
	if _, _, ok := p.Follow(1, b2); ok {
		t.Error("Follow answered at the place an event moved from")
	}
	p.SetFollow([]string{"host.name", "user.name"}) // a reload between the two stages
	if _, _, ok := p.Follow(0, b2); ok {
		t.Error("Follow answered from rows of the keys before SetFollow")
	}
	p.Scan([]*event.Event{a})
	p.Done()
	if _, _, ok := p.Follow(0, a); ok {
		t.Error("Follow answered after Done")
	}
}

func TestFieldPassSharedOnlyWithLeadKeysFirst(t *testing.T) {
	p := NewFieldPass("host.name", "event.code")
	batch := []*event.Event{passEvent("host.name", "a")}
	for _, keys := range [][]string{nil, {"host.name"}, {"event.code", "host.name", "user.name"}} {
		p.SetFollow(keys)
		if p.Scan(batch) {
			t.Errorf("keys %q: Scan shared a pass whose keys do not start with the lead's", keys)
		}
	}
	p.SetFollow([]string{"host.name", "event.code", "user.name"})
	if !p.Scan(batch) {
		t.Error("Scan did not share a pass whose keys start with the lead's")
	}
}
