package sequence

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// TestPartStateMovesAStream: a stream tracked by one tracker goes on in
// another that loaded its partition's state: numbers continuing it are no
// gap, a hole it had open (which a fresh tracker would not know) is
// confirmed by the new owner, once; streams of other partitions stay
// behind.
func TestPartStateMovesAStream(t *testing.T) {
	a, b := newOwnerRig(t), newOwnerRig(t)
	a.own.set(keyA, 1, true)
	a.own.set(keyB, 1, true)
	a.send("a", 1, 2, 4) // 3 is missing, not yet confirmed
	a.send("b", 1)
	parts := a.tr.PartState(func(key string) (int, bool) {
		if key == keyA {
			return 0, true
		}
		return 1, true
	})
	data, err := json.Marshal(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), keyB) {
		t.Fatalf("partition 0's state holds %s: %s", keyB, data)
	}

	a.own.set(keyA, 0, false)
	b.own.set(keyA, 5, true)
	if err := b.tr.LoadPart(data, 5); err != nil {
		t.Fatal(err)
	}
	if alerts := b.send("a", 5, 6); len(alerts) != 0 {
		t.Fatalf("the moved stream's next numbers raised %v", messages(alerts))
	}
	alerts := b.tickPastGrace()
	if len(alerts) != 1 || alerts[0].Str(fieldFirst) != "3" {
		t.Fatalf("want the moved stream's open hole (3) confirmed once, got %v", messages(alerts))
	}
	if _, kept := b.tr.streams.Peek(mapKey(keyB)); kept {
		t.Errorf("%s came with partition 0", keyB)
	}
	if alerts := a.tickPastGrace(); len(alerts) != 0 {
		t.Errorf("the old owner confirmed %v", messages(alerts))
	}
}

// TestReplayPartTracksAStream: numbers of a stream seen while another
// instance owned it, replayed once it is acquired, are tracked: a hole
// among them is confirmed, once; a stream of another partition is not.
func TestReplayPartTracksAStream(t *testing.T) {
	r := newOwnerRig(t)
	var seen []*event.Event
	for _, n := range []int64{1, 2, 4, 5} {
		for _, h := range []string{"a", "b"} {
			r.now = r.now.Add(time.Second)
			e := rfc5424(h, n, r.now)
			r.id++
			e.ID = r.id
			seen = append(seen, e)
		}
	}
	r.journal(r.tr.Process(slices.Clone(seen))) // owned by no one here yet
	r.own.set(keyA, 3, true)
	r.tr.ReplayPart(seen, func(key string) bool { return key == keyA }, 3)
	alerts := r.tickPastGrace()
	if len(alerts) != 1 || alerts[0].Str(fieldStream) != keyA || alerts[0].Str(fieldFirst) != "3" {
		t.Fatalf("want the gap of 3 in %s, got %v", keyA, messages(alerts))
	}
	if _, kept := r.tr.streams.Peek(mapKey(keyB)); kept {
		t.Errorf("the replay tracked %s, outside the partition", keyB)
	}
}
