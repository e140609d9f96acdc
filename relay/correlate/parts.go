package correlate

import (
	"encoding/json"
	"fmt"
	"github.com/nomenhq/nomen/internal/panics"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/nomenhq/nomen/relay/stage/lru"
)

// A correlation tier moves the state of a partition's keys between
// instances (stage.Parted): the windows of threshold rules, the pairs
// waiting for their second event and the tuples first_seen rules have
// seen. Process and script block tracking are not carried over: a new
// owner of a host starts them afresh (docs/scale-out.md, limits).

// partedRule is a rule whose state is kept by group key.
type partedRule interface {
	// saveParts returns copies of the entries of the keys part maps to a
	// partition, by partition ([]keyed[V], as save writes them).
	saveParts(part func(key string) (int, bool)) map[int]any
	// loadPart adds entries saved by saveParts under lease, replacing
	// those of the same keys.
	loadPart(raw json.RawMessage, lease uint64) error
}

// PartState implements stage.Parted: rules' entries by partition, in the
// snapshot's encoding (each rule's state by definition hash). A key's
// partition is that of "<rule name> NUL <group key>", as Owner is asked.
func (en *Engine) PartState(part func(key string) (int, bool)) map[int]any {
	byPart := map[int]savedState{}
	for _, r := range en.rules {
		pr, ok := r.(partedRule)
		if !ok {
			continue
		}
		b := r.base()
		for p, st := range pr.saveParts(func(k string) (int, bool) { return part(b.name + "\x00" + k) }) {
			s, ok := byPart[p]
			if !ok {
				s = savedState{Rules: map[string]any{}}
				byPart[p] = s
			}
			s.Rules[b.hash] = st
		}
	}
	out := make(map[int]any, len(byPart))
	for p, s := range byPart {
		out[p] = s
	}
	return out
}

// LoadPart implements stage.Parted. A rule whose definition changed since
// the state was saved (another hash) starts that partition afresh, as it
// would after a reload.
func (en *Engine) LoadPart(state []byte, lease uint64) error {
	var st engineState
	if err := json.Unmarshal(state, &st); err != nil {
		return fmt.Errorf("correlate: partition state: %w", err)
	}
	for _, r := range en.rules {
		pr, ok := r.(partedRule)
		raw, saved := st.Rules[r.base().hash]
		if !ok || !saved {
			continue
		}
		if err := pr.loadPart(raw, lease); err != nil {
			return fmt.Errorf("correlate: partition state of rule %s: %w", r.base().name, err)
		}
		en.m.keys.WithLabelValues(r.base().name).Set(float64(r.size()))
	}
	en.Dirty = true
	return nil
}

func (r *threshold) saveParts(part func(string) (int, bool)) map[int]any {
	return saveLRUParts(r.keys, part, (*tstate).saved)
}

func (r *threshold) loadPart(raw json.RawMessage, lease uint64) error {
	return loadLRUPart(r.keys, raw, func(j tstateJSON, key string) (tstate, []byte) {
		j.Lease = lease // kept under the partition's lease
		return j.restored(key)
	})
}

func (r *pair) saveParts(part func(string) (int, bool)) map[int]any {
	return saveLRUParts(r.keys, part, r.saved)
}

func (r *pair) loadPart(raw json.RawMessage, lease uint64) error {
	return loadLRUPart(r.keys, raw, func(j pstateJSON, key string) (pstate, []byte) {
		j.Lease = lease // kept under the partition's lease
		return r.restored(j, key)
	})
}

func (r *firstSeen) saveParts(part func(string) (int, bool)) map[int]any {
	switch {
	case r.seen != nil:
		return saveLRUParts(r.seen, part, plain)
	case r.recvd != nil:
		return saveLRUParts(r.recvd, part, (*fsRecv).saved)
	}
	return saveLRUParts(r.keys, part, (*fsState).saved)
}

// first_seen tuples are kept across leases: no lease to set.
func (r *firstSeen) loadPart(raw json.RawMessage, _ uint64) error {
	switch {
	case r.seen != nil:
		return loadLRUPart(r.seen, raw, asSaved)
	case r.recvd != nil:
		return loadLRUPart(r.recvd, raw, fsJSON.restoredRecv)
	}
	return loadLRUPart(r.keys, raw, fsJSON.restored)
}

// saveLRUParts is saveLRU of the keys part maps to a partition, split by
// partition, most recently used first in each.
func saveLRUParts[V, S any](m *lru.Map[V], part func(string) (int, bool), saved func(*V, string, []byte) S) map[int]any {
	lists := map[int][]keyed[S]{}
	m.All(func(k string, v *V) bool {
		p, ok := part(k)
		if !ok {
			return true
		}
		lists[p] = append(lists[p], keyed[S]{k, saved(v, k, m.Extra(v))})
		return true
	})
	out := make(map[int]any, len(lists))
	for p, l := range lists {
		out[p] = l
	}
	return out
}

// loadLRUPart puts the saved entries (most recently used first; restored
// as by loadLRU, which for windows and pairs sets the partition's lease),
// replacing entries of the same keys; the
// loaded ones become the most recently used.
func loadLRUPart[V, S any](m *lru.Map[V], raw json.RawMessage, restored func(S, string) (V, []byte)) error {
	var list []keyed[S]
	if err := json.Unmarshal(raw, &list); err != nil {
		return err
	}
	for i := len(list) - 1; i >= 0; i-- {
		v, x := restored(list[i].V, list[i].K)
		if p := m.Put(list[i].K, v, nil); len(x) > 0 {
			m.SetExtra(p, x, nil)
		}
	}
	return nil
}

// ReplayPart implements stage.Parted: evs go through the rules as in
// Process, with an Owner that is only the partition's keys.
func (en *Engine) ReplayPart(evs []*event.Event, in func(key string) bool, lease uint64) {
	en.reloadNow()
	owner := en.owner
	en.owner = stage.OnlyKeys{In: in, Number: lease}
	defer func() { en.owner = owner }()
	en.guard.Each(len(evs), func(i int) {
		if e := evs[i]; !own(e) {
			en.eval(e, e.ID)
		}
	}, func(i int, _ *panics.Panic) []any { return en.failed(evs[i]) })
	en.memo.release()
}
