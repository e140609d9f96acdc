package ecs

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// TestRelatedAsAddToList: collecting related.* in a Related and flushing it
// gives the lists AddToList gives (same values, order, no repeats),
// including when a list was set before collecting began and when there
// are more values than a Related holds.
func TestRelatedAsAddToList(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 500 {
		var direct, collected event.Event
		before := rng.IntN(3) // 0: no list before; 1: related.user set before; 2: related.ip
		for _, e := range []*event.Event{&direct, &collected} {
			e.SetStr("host.name", "h")
			switch before {
			case 1:
				e.Set("related.user", event.Strings("early"))
			case 2:
				e.Set("related.ip", event.Strings("192.0.2.200"))
			}
		}
		from := len(collected.Fields)
		var r Related
		n := rng.IntN(3 * relatedMax)
		for range n {
			v := fmt.Sprintf("%d", rng.IntN(12))
			switch rng.IntN(5) {
			case 0:
				SetUser(&direct, "user.name", "u"+v)
				r.SetUser(&collected, "user.name", "u"+v)
			case 1:
				SetIP(&direct, "source.ip", "192.0.2."+v)
				r.SetIP(&collected, "source.ip", "192.0.2."+v)
			case 2:
				SetAddress(&direct, "destination", "host"+v)
				r.SetAddress(&collected, "destination", "host"+v)
			case 3:
				AddRelatedIP(&direct, "2001:db8::"+v)
				r.AddIP(&collected, "2001:db8::"+v)
			case 4:
				direct.AddToList("related.user", "-")
				r.AddUser(&collected, "-")
			}
		}
		r.Flush(&collected, from)
		for _, key := range relatedKeys {
			d, dok := direct.Field(key)
			c, cok := collected.Field(key)
			if dok != cok || !reflect.DeepEqual(d.List, c.List) {
				t.Fatalf("round %d (%d values, before %d): %s = %v, AddToList gives %v", round, n, before, key, c.List, d.List)
			}
		}
	}
}

// TestRelatedListsOwnMemory: a list written by Flush can be appended to
// without changing another (they share one allocation).
func TestRelatedListsOwnMemory(t *testing.T) {
	e := event.New(time.Now())
	var r Related
	r.SetUser(e, "user.name", "alice")
	r.SetIP(e, "source.ip", "192.0.2.1")
	r.Flush(e, 0)
	e.AddToList("related.user", "bob")
	if v, _ := e.Field("related.ip"); !reflect.DeepEqual(v.List, []string{"192.0.2.1"}) {
		t.Fatalf("related.ip = %v after adding to related.user", v.List)
	}
}
