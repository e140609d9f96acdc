package sequence

import (
	"maps"
	"slices"
)

// state is the snapshot: streams most recently used first.
type state struct {
	Streams      []stream               `json:"streams"`
	Explanations map[string]explanation `json:"explanations,omitempty"`
}

// state copies what the snapshot holds (it is encoded on another
// goroutine while the tracker goes on changing its own).
func (t *Tracker) state() *state {
	st := &state{Streams: make([]stream, 0, t.streams.Len()), Explanations: maps.Clone(t.explain)}
	t.streams.All(func(_ string, s *stream) bool {
		c := *s
		c.Holes = slices.Clone(s.Holes)
		st.Streams = append(st.Streams, c)
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
		if s.Key == "" || s.Kind >= numKinds {
			continue
		}
		t.streams.PutBack(s.Key, s)
	}
	t.streams.All(func(_ string, s *stream) bool {
		if len(s.Holes) > 0 {
			t.open[s] = struct{}{}
		}
		return true
	})
	for k, x := range st.Explanations {
		t.explain[k] = x
	}
	t.m.streams.Set(float64(t.streams.Len()))
	return nil
}
