package sequence

import (
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage/stagetest"
	"github.com/prometheus/client_golang/prometheus"
)

// leases is an Owner whose answers the test sets: key -> lease; a key
// not in it is not owned.
type leases struct {
	mu sync.Mutex
	m  map[string]uint64
}

func (l *leases) Lease(key string) (uint64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[key]
	return v, ok
}

func (l *leases) set(key string, lease uint64, owned bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if owned {
		l.m[key] = lease
	} else {
		delete(l.m, key)
	}
}

// ownerRig drives a tracker with an Owner: send numbers of host h's
// RFC 5424 stream (key "rfc5424:<h>/app/1"), tick past the grace.
type ownerRig struct {
	t   *testing.T
	tr  *Tracker
	own *leases
	now time.Time
	id  uint64
}

func newOwnerRig(t *testing.T) *ownerRig {
	r := &ownerRig{t: t, own: &leases{m: map[string]uint64{}}, now: stagetest.Epoch}
	tr, err := New(Config{}, Options{Registerer: prometheus.NewRegistry(), Now: func() time.Time { return r.now }, SnapshotEvery: -1, Owner: r.own})
	if err != nil {
		t.Fatal(err)
	}
	r.tr = tr
	return r
}

func (r *ownerRig) journal(out []*event.Event) []*event.Event {
	r.id += uint64(len(out))
	r.tr.Applied(r.id)
	var alerts []*event.Event
	for _, e := range out {
		if e.Kind() == "alert" {
			alerts = append(alerts, e)
		}
	}
	return alerts
}

func (r *ownerRig) send(host string, ns ...int64) []*event.Event {
	var alerts []*event.Event
	for _, n := range ns {
		r.now = r.now.Add(time.Second)
		batch := []*event.Event{rfc5424(host, n, r.now)}
		out := r.tr.Process(batch)
		if len(out) == 0 || out[0] != batch[0] {
			r.t.Fatalf("event %d of %s not passed through", n, host)
		}
		alerts = append(alerts, r.journal(out)...)
	}
	return alerts
}

func (r *ownerRig) tickPastGrace() []*event.Event {
	r.now = r.now.Add(time.Minute)
	return r.journal(r.tr.Tick(r.now))
}

const keyA, keyB = "rfc5424:a/app/1", "rfc5424:b/app/1"

// TestOwnerKeepsOnlyOwnedStreams: a stream another instance owns is passed
// through and leaves no state and no alert; an owned one is tracked.
func TestOwnerKeepsOnlyOwnedStreams(t *testing.T) {
	r := newOwnerRig(t)
	r.own.set(keyA, 1, true)
	r.send("a", 1, 2, 5)
	r.send("b", 1, 2, 5) // b is not ours
	alerts := r.tickPastGrace()
	if len(alerts) != 1 || alerts[0].Str(fieldStream) != keyA {
		t.Fatalf("want one gap, of %s: %v", keyA, messages(alerts))
	}
	if _, kept := r.tr.streams.Peek(mapKey(keyB)); kept {
		t.Errorf("state kept for %s, a stream this instance does not own", keyB)
	}
}

// TestOwnerStaleStateIsDropped: a stream lost and acquired again (a new
// lease) starts afresh: the numbers another instance saw meanwhile are no
// gap, later holes are; and holes open when the stream was lost are not
// confirmed here.
func TestOwnerStaleStateIsDropped(t *testing.T) {
	r := newOwnerRig(t)
	r.own.set(keyA, 1, true)
	r.send("a", 1, 2, 3)
	r.own.set(keyA, 0, false) // another instance takes a over: it sees 4-9
	r.own.set(keyA, 2, true)  // and a comes back here
	if alerts := append(r.send("a", 10, 11), r.tickPastGrace()...); len(alerts) != 0 {
		t.Fatalf("stale state raised %v", messages(alerts))
	}

	// A real hole after the comeback is this instance's to report.
	r.send("a", 13)
	if alerts := r.tickPastGrace(); len(alerts) != 1 || alerts[0].Str(fieldFirst) != "12" {
		t.Fatalf("want the gap of 12 after the comeback, got %v", messages(alerts))
	}

	r.send("a", 17) // a hole 14-16 opens ...
	r.own.set(keyA, 0, false)
	if alerts := r.tickPastGrace(); len(alerts) != 0 { // ... and a is lost before its grace ended
		t.Fatalf("a hole of a stream no longer ours was confirmed: %v", messages(alerts))
	}
}

// TestOwnerLossAlertByOrigin: a Windows "log cleared" event is reported by
// the instance owning its origin only.
func TestOwnerLossAlertByOrigin(t *testing.T) {
	cleared := func() *event.Event {
		e := event.New(stagetest.Epoch)
		e.SetStr("host.name", "dc1")
		e.SetStr("winlog.channel", "Security")
		e.SetStr("event.code", "1102")
		return e
	}
	r := newOwnerRig(t)
	if alerts := r.journal(r.tr.Process([]*event.Event{cleared()})); len(alerts) != 0 {
		t.Errorf("alert from an instance not owning host:dc1: %v", messages(alerts))
	}
	r.own.set("host:dc1", 1, true)
	if alerts := r.journal(r.tr.Process([]*event.Event{cleared()})); len(alerts) != 1 {
		t.Errorf("want one alert from the owner of host:dc1, got %v", messages(alerts))
	}
}

func messages(evs []*event.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Message)
	}
	return out
}
