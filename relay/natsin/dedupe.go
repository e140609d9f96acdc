package natsin

import (
	"sync"

	"github.com/nomenhq/nomen/relay/stage/lru"
)

// seenState is what the input knows of a message id.
type seenState uint8

const (
	unseen  seenState = iota
	pending           // fetched, its event not yet durable
	durable           // its event is in the journal
)

// seenIDs remembers the ids of the latest messages, bounded (least
// recently seen forgotten first). An id is pending from the fetch until
// its batch is durable (then durable), or forgotten if the batch failed,
// so that the message delivered again is not taken for a duplicate.
// The fetch loop and the batches' completions use it: it locks.
type seenIDs struct {
	mu sync.Mutex
	m  *lru.Map[seenState]
}

func newSeenIDs(n int, journaled []string) *seenIDs {
	s := &seenIDs{m: lru.New[seenState](n)}
	for _, id := range journaled {
		s.m.Put(id, durable, nil)
	}
	return s
}

// claim returns the id's state before the call, and marks an unseen id pending.
func (s *seenIDs) claim(id string) seenState {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m.Get(id); ok {
		return *st
	}
	s.m.Put(id, pending, nil)
	return unseen
}

// settle marks the ids durable (ok) or forgets them (the batch failed).
func (s *seenIDs) settle(ids []string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if ok {
			s.m.Put(id, durable, nil)
		} else {
			s.m.Delete(id)
		}
	}
}
