package live

import (
	"github.com/nomenhq/nomen/relay/event"
	"strconv"
	"testing"
)

// TestRecentAlerts: the hub remembers the alerts it published, whether or
// not anybody subscribes, newest first and at most RecentAlertsKept of
// them; ordinary events are not remembered.
func TestRecentAlerts(t *testing.T) {
	h, _ := newHub(t, Options{})
	if got := h.RecentAlerts(); len(got) != 0 {
		t.Fatalf("a new hub remembers %d alerts", len(got))
	}
	alert := func(id uint64) *event.Event {
		e := noise(id)
		e.SetStr("event.kind", "alert")
		e.SetStr("rule.name", "r"+strconv.FormatUint(id, 10))
		return e
	}
	h.Publish([]*event.Event{noise(1), alert(2), noise(3)})
	got := h.RecentAlerts()
	if len(got) != 1 || got[0].ID != 2 {
		t.Fatalf("after one alert: %v", ids(got))
	}
	// More than the ring holds, across batches of several alerts.
	next := uint64(4)
	for range RecentAlertsKept {
		h.Publish([]*event.Event{alert(next), noise(next + 1), alert(next + 2)})
		next += 3
	}
	got = h.RecentAlerts()
	if len(got) != RecentAlertsKept {
		t.Fatalf("the ring holds %d alerts, want %d", len(got), RecentAlertsKept)
	}
	for i, e := range got {
		if e.Kind() != "alert" {
			t.Fatalf("entry %d is not an alert: %v", i, ids(got))
		}
		if i > 0 && e.ID >= got[i-1].ID {
			t.Fatalf("not newest first: %v", ids(got))
		}
	}
	if got[0].ID != next-1 {
		t.Fatalf("newest is %d, want %d", got[0].ID, next-1)
	}
}

func ids(evs []*event.Event) []uint64 {
	var out []uint64
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}
