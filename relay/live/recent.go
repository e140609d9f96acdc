package live

import (
	"sync"

	"github.com/nomenhq/nomen/relay/event"
)

// RecentAlertsKept is how many alerts the hub remembers for the status
// page (relay/status): the latest findings, sequence gaps and declared
// losses, whoever raised them.
const RecentAlertsKept = 50

// recentAlerts is a bounded ring of the last journaled alerts (events with
// event.kind "alert"). It holds the events themselves: journaled events are
// read-only.
type recentAlerts struct {
	mu   sync.Mutex
	ring [RecentAlertsKept]*event.Event
	next int // where the next alert goes
	n    int // how many the ring holds
}

// add remembers the alerts among evs. The scan reads event.kind of each
// event (a few field comparisons); the lock is taken only for a batch
// with an alert, which is rare.
func (r *recentAlerts) add(evs []*event.Event) {
	locked := false
	for _, e := range evs {
		if e.Kind() != "alert" {
			continue
		}
		if !locked {
			r.mu.Lock()
			locked = true
		}
		r.ring[r.next] = e
		r.next = (r.next + 1) % len(r.ring)
		r.n = min(r.n+1, len(r.ring))
	}
	if locked {
		r.mu.Unlock()
	}
}

// list returns the remembered alerts, newest first.
func (r *recentAlerts) list() []*event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*event.Event, 0, r.n)
	for i := 1; i <= r.n; i++ {
		out = append(out, r.ring[(r.next-i+len(r.ring))%len(r.ring)])
	}
	return out
}

// RecentAlerts returns the last RecentAlertsKept journaled alerts, newest
// first. The events must not be modified. Safe for any goroutine.
func (h *Hub) RecentAlerts() []*event.Event { return h.recent.list() }
