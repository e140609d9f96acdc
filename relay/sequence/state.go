package sequence

import (
	"fmt"
	"maps"
	"strings"
)

// state is the snapshot: streams most recently used first.
type state struct {
	Streams      []savedStream          `json:"streams"`
	Explanations map[string]explanation `json:"explanations,omitempty"`
}

// state copies what the snapshot holds (it is encoded on another
// goroutine while the tracker goes on changing its own).
func (t *Tracker) state() *state {
	st := &state{Streams: make([]savedStream, 0, t.streams.Len()), Explanations: maps.Clone(t.explain)}
	t.streams.All(func(k string, c *cell) bool {
		st.Streams = append(st.Streams, t.saved(k, c))
		return true
	})
	return st
}

func (t *Tracker) restore() error {
	var st state
	ok, err := t.Load(&st)
	if err != nil || !ok {
		return err
	}
	for _, s := range st.Streams {
		mk := appendMapKey(nil, s.key)
		if c := t.streams.PutBack(string(mk), cell{}); c != nil {
			t.put(c, mk, &s.stream, &s.names)
		}
	}
	t.streams.All(func(k string, c *cell) bool {
		if s := t.load(c); len(s.holes()) > 0 {
			t.open[c] = strings.Clone(k) // not a piece of All's copy of every key
		}
		return true
	})
	for k, x := range st.Explanations {
		t.explain[k] = x
	}
	t.m.streams.Set(float64(t.streams.Len()))
	return nil
}

// Validate reports a snapshot that the tracker cannot have written (see
// snapshot.Validator): a stream without a key or of an unknown kind, a
// key twice, holes that are not disjoint, ascending ranges below the
// stream's last number (at most maxHoles), or too many past epochs.
// Restoring such a stream would raise gaps that never were, or miss real
// ones.
func (st *state) Validate() error {
	seen := make(map[string]bool, len(st.Streams))
	for _, s := range st.Streams {
		if s.key == "" || s.kind() >= numKinds {
			return fmt.Errorf("stream %q: kind %d", s.key, s.kind())
		}
		if seen[s.key] {
			return fmt.Errorf("stream %q listed twice", s.key)
		}
		seen[s.key] = true
		if len(s.holes()) > maxHoles || len(s.past()) > maxPastEpochs {
			return fmt.Errorf("stream %q: %d holes, %d past epochs", s.key, len(s.holes()), len(s.past()))
		}
		prev := int64(0)
		for _, h := range s.holes() {
			if h.First <= prev || h.First > h.Last || h.Last >= s.Last {
				return fmt.Errorf("stream %q: hole %d-%d after %d, last %d", s.key, h.First, h.Last, prev, s.Last)
			}
			prev = h.Last
		}
	}
	return nil
}
