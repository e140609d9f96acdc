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

// snapState is the snapshot as the tracker writes it: state's JSON,
// its streams in the map's form, which MarshalJSON reads on the
// encoder's goroutine (the pipeline's only copies them: a few
// allocations for every stream, not a few each).
type snapState struct {
	Streams      []rawStream            `json:"streams"`
	Explanations map[string]explanation `json:"explanations,omitempty"`
}

// rawStream is a stream as the tracker's map holds it, copied.
type rawStream struct {
	mk    string // its map key (a piece of one copy of them all)
	extra []byte // its extra bytes (a piece of one copy of them all)
	c     cell
	more  *streamMore // a clone
	base  int64       // Tracker.cells.base
}

func (r rawStream) MarshalJSON() ([]byte, error) {
	n := readNumbers(r.extra, r.c.flags)
	s := savedStream{key: publicKey(r.mk), stream: stream{h: head{kind: r.c.kind, lease: n.lease, epoch: n.epoch}, Last: r.c.last(&n), First: n.first, more: r.more}}
	if r.c.flags&hasBegan != 0 {
		s.began = r.base + n.began
	}
	names, origin := readNames(r.mk, &r.c, n.apart)
	s.names = names
	s.origin = uint8(origin)
	return s.MarshalJSON()
}

// state copies what the snapshot holds (it is encoded on another
// goroutine while the tracker goes on changing its own).
func (t *Tracker) state() *snapState {
	st := &snapState{Streams: make([]rawStream, 0, t.streams.Len()), Explanations: maps.Clone(t.explain)}
	// Every stream's extra bytes, cut below (not a slice each); most
	// streams' are a few bytes.
	extra := make([]byte, 0, 8*t.streams.Len())
	ends := make([]int, 0, t.streams.Len())
	t.streams.All(func(k string, c *cell) bool {
		r := rawStream{mk: k, c: *c, base: t.cells.base}
		if c.flags&hasMore != 0 {
			s := t.load(c)
			r.more = s.clone().more
		}
		extra = append(extra, t.streams.Extra(c)...)
		ends = append(ends, len(extra))
		st.Streams = append(st.Streams, r)
		return true
	})
	start := 0
	for i, end := range ends {
		st.Streams[i].extra, start = extra[start:end:end], end
	}
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
