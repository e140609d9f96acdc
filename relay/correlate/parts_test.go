package correlate

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// switchable owns every key under lease while on.
type switchable struct {
	on    *bool
	lease *uint64
}

func (s switchable) Lease(string) (uint64, bool) { return *s.lease, *s.on }

// TestPartStateMovesAWindow: a brute force half counted by one engine is
// completed by another that loaded the partition's state (and by it
// alone: a fresh engine would count only the second half); keys of other
// partitions are not in the partition's state.
func TestPartStateMovesAWindow(t *testing.T) {
	cfg := bruteforce + "[correlate.process]\nenabled = false\n"
	onA, onB := true, false
	var leaseA, leaseB uint64 = 1, 9
	a := &pipe{t: t, now: t0, owner: switchable{&onA, &leaseA}}
	a.open(decode(t, cfg))
	b := &pipe{t: t, now: t0, owner: switchable{&onB, &leaseB}}
	b.open(decode(t, cfg))
	fresh := &pipe{t: t, now: t0, owner: switchable{&onB, &leaseB}}
	fresh.open(decode(t, cfg))

	for _, p := range []*pipe{a, b, fresh} {
		p.now = p.now.Add(time.Second)
		if f := p.send(failure(p.now, "10.0.0.1"), failure(p.now, "10.0.0.1"), failure(p.now, "10.9.9.9")); len(f) != 0 {
			t.Fatalf("finding before the third attempt: %v", f)
		}
	}
	parts := a.en.PartState(func(key string) (int, bool) {
		if strings.HasSuffix(key, "10.0.0.1") {
			return 3, true
		}
		return 4, true
	})
	if len(parts) != 2 {
		t.Fatalf("want the state of partitions 3 and 4, got %v", parts)
	}
	data, err := json.Marshal(parts[3])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "10.9.9.9") {
		t.Errorf("partition 3's state holds a key of partition 4: %s", data)
	}

	onA, onB = false, true // a lost the partition, b took it
	if err := b.en.LoadPart(data, leaseB); err != nil {
		t.Fatal(err)
	}
	b.now = b.now.Add(time.Second)
	if f := b.send(failure(b.now, "10.0.0.1")); len(f) != 1 {
		t.Fatalf("want the finding from the moved window, got %d", len(f))
	}
	fresh.now = fresh.now.Add(time.Second)
	if f := fresh.send(failure(fresh.now, "10.0.0.1")); len(f) != 0 {
		t.Fatal("an engine without the loaded state made a finding: the test proves nothing")
	}
	if err := b.en.LoadPart([]byte("{"), leaseB); err == nil {
		t.Error("a broken partition state was accepted")
	}
}

// TestReplayPartRaisesFindings: events an engine saw while another
// instance owned their partition, replayed for that partition once it is
// acquired, count and raise the findings they make (out of the next Tick),
// for the partition's keys only, with the ids the owner would have given.
func TestReplayPartRaisesFindings(t *testing.T) {
	cfg := bruteforce + "[correlate.process]\nenabled = false\n"
	on := false
	var lease uint64 = 4
	b := &pipe{t: t, now: t0, owner: switchable{&on, &lease}}
	b.open(decode(t, cfg))
	owner := newPipe(t, cfg, "")
	var want []string
	for range 3 {
		b.now = b.now.Add(time.Second)
		owner.now = b.now
		evs := []*event.Event{failure(b.now, "10.0.0.1"), failure(b.now, "10.0.0.2")}
		if f := b.send(evs...); len(f) != 0 {
			t.Fatal("a finding from keys not owned")
		}
		for _, f := range owner.send(failure(b.now, "10.0.0.1"), failure(b.now, "10.0.0.2")) {
			if f.Str("source.ip") == "10.0.0.1" {
				want = append(want, f.Str("event.id"))
			}
		}
	}
	on = true
	b.en.ReplayPart(b.journal, func(key string) bool { return strings.HasSuffix(key, "10.0.0.1") }, lease)
	var got []string
	for _, f := range b.tick(time.Second) {
		got = append(got, f.Str("source.ip")+" "+f.Str("event.id"))
	}
	if len(want) != 1 || len(got) != 1 || got[0] != "10.0.0.1 "+want[0] {
		t.Fatalf("replay raised %v, want the finding of 10.0.0.1 with id %v", got, want)
	}
	if f := b.send(failure(b.now, "10.0.0.2")); len(f) != 0 {
		t.Error("the replay counted a key outside the partition")
	}
}
