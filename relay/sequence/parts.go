package sequence

import (
	"encoding/json"
	"fmt"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
)

// PartState implements stage.Parted: the streams whose key part maps to
// a partition, by partition, in the snapshot's encoding. Loss
// explanations are not carried over (an explanation that arrived before
// a takeover does not explain a gap the new owner confirms).
func (t *Tracker) PartState(part func(key string) (int, bool)) map[int]any {
	byPart := map[int]*state{}
	t.streams.All(func(k string, c *cell) bool {
		key := publicKey(k)
		p, ok := part(key)
		if !ok {
			return true
		}
		st := byPart[p]
		if st == nil {
			st = &state{}
			byPart[p] = st
		}
		st.Streams = append(st.Streams, t.saved(key, k, c))
		return true
	})
	out := make(map[int]any, len(byPart))
	for p, st := range byPart {
		out[p] = st
	}
	return out
}

// LoadPart implements stage.Parted: the streams saved by PartState, kept
// under lease, replace the tracker's of the same keys; their holes are
// confirmed by this tracker from now on.
func (t *Tracker) LoadPart(data []byte, lease uint64) error {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("sequence: partition state: %w", err)
	}
	if err := st.Validate(); err != nil {
		return fmt.Errorf("sequence: partition state: %w", err)
	}
	for i := len(st.Streams) - 1; i >= 0; i-- {
		s := st.Streams[i]
		s.setLease(lease)
		mk := mapKey(s.key)
		if old, ok := t.streams.Peek(mk); ok {
			t.forget(old)
		}
		c := t.streams.Put(mk, cell{}, t.evicted)
		t.put(c, []byte(mk), &s.stream, &s.names)
		if len(s.holes()) > 0 {
			t.open[c] = mk
		}
	}
	t.m.streams.Set(float64(t.streams.Len()))
	t.Dirty = true
	return nil
}

// ReplayPart implements stage.Parted: evs are applied as in Process, with
// an Owner that is only the partition's keys. Alerts this tracker made
// (gap alerts among the journaled events) are skipped.
func (t *Tracker) ReplayPart(evs []*event.Event, in func(key string) bool, lease uint64) {
	t.reloadNow()
	if !t.set.enabled {
		return
	}
	owner := t.owner
	t.owner = stage.OnlyKeys{In: in, Number: lease}
	defer func() { t.owner = owner }()
	t.guard.Each(len(evs), func(i int) {
		if e := evs[i]; e.Str("event.dataset") != Dataset {
			t.apply(e, e.ID)
		}
	}, func(i int, _ *panics.Panic) []any { return failed(evs[i]) })
}
