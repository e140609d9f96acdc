package event

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// testPlan's keys: one before every derived key, derived keys themselves
// (a field of the same key replaces them), keys beside derived ones in
// their objects, and paths that share objects to several depths.
var testPlan = NewKeyPlan(
	"0first", "a.b.c", "a.b.d", "a.bc", "a.c.d.e", "ecs.zz", "event.kind", "event.zz",
	"host.name", "log.syslog.zz", "message", "nomen.finding.events", "nomen.id",
	"observer.a", "process.name", "process.parent.pid", "process.pid", "zz",
)

// plannedEvent is randEvent's header with fields of testPlan's keys: in
// its order (follows), or with a key set twice, out of order or not in
// the plan (does not).
func plannedEvent(r *rand.Rand) (e *Event, follows bool) {
	e = randEvent(r)
	e.Fields = nil
	for _, k := range testPlan.keys {
		if r.IntN(3) > 0 {
			// Copies of the keys now and then: the same text elsewhere
			// in memory (a key read back, say) follows the plan too.
			if r.IntN(4) == 0 {
				k = strings.Clone(k)
			}
			e.Set(k, randValue(r))
		}
	}
	follows = true
	if n := len(e.Fields); n > 1 && r.IntN(4) == 0 {
		switch r.IntN(3) {
		case 0:
			e.Set(e.Fields[r.IntN(n)].Key, randValue(r))
		case 1:
			i := r.IntN(n - 1)
			e.Fields[i], e.Fields[i+1] = e.Fields[i+1], e.Fields[i]
		case 2:
			e.Set(randKey(r), randValue(r))
		}
		follows = false
	}
	e.SetPlan(testPlan)
	return e, follows
}

// TestKeyPlanSameJSON holds the planned encoding to the reference: an
// event that follows its plan and one that does not (encoded the usual
// way) give the bytes of the same event without a plan.
func TestKeyPlanSameJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	enc := Encoder{Observer: "relay1"}
	planned := 0
	for i := range 20000 {
		e, follows := plannedEvent(r)
		// (One not made to follow it may still: a key added by chance
		// the plan's next.)
		if follows && !e.FollowsPlan() {
			t.Fatalf("event %d does not follow its plan: %v", i, e.Fields)
		}
		if follows {
			planned++
		}
		enc.Omit = nil
		if i%7 == 0 {
			omit := map[string]bool{testPlan.keys[r.IntN(len(testPlan.keys))]: true}
			enc.Omit = func(k string) bool { return omit[k] }
		}
		got := enc.AppendJSON([]byte("prefix"), e)
		want := append([]byte("prefix"), refAppendJSON(&enc, e)...)
		if string(got) != string(want) {
			t.Fatalf("event %d (%+v):\n got %s\nwant %s", i, e.Fields, got, want)
		}
	}
	if planned < 10000 {
		t.Fatalf("only %d of 20000 events followed the plan", planned)
	}
}

// TestKeyPlanRejects checks that a plan that would have to write a value
// and an object under one name, or keys out of order, is refused when it
// is made.
func TestKeyPlanRejects(t *testing.T) {
	for _, keys := range [][]string{
		{"a", "a.b"},       // a scalar and an object
		{"process.name.x"}, // under a derived key
		{"observer"},       // over derived keys
		{"b", "a"},         // out of order
		{"a", "a"},         // twice
		{"a\"b"},           // needs escaping
		{""},               // empty
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewKeyPlan(%q) did not panic", keys)
				}
			}()
			NewKeyPlan(keys...)
		}()
	}
}

// TestPlanByteInPadding checks that an event's plan byte costs no memory:
// an Event is 240 bytes, a size class of its own (a word more would move
// every event to the next, 256).
func TestPlanByteInPadding(t *testing.T) {
	if n := unsafe.Sizeof(Event{}); n != 240 {
		t.Fatalf("Event is %d bytes, was 240 with its plan byte", n)
	}
}
