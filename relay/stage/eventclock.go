package stage

import (
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// EventClock drives stages in EVENT time, one event at a time: the clock
// is the latest @timestamp seen, the stages tick as the pipeline ticks
// (whenever that clock has moved on a second or more), and every event's
// receive time is set to its @timestamp, so that rules on receive time
// and on event time agree. `nomen parse -correlate` and the correlation
// rules' embedded tests replay their input through it. Build the stages
// with Now as their clock.
type EventClock struct {
	Driver
	clock  time.Time // the latest event time seen
	ticked time.Time // when the stages last ticked
}

// Now is the clock, for the stages' options.
func (c *EventClock) Now() time.Time { return c.clock }

// Add runs e through the stages at its event time (its receive time if it
// has none) and returns what they raised, e excluded: what the clock's
// move raised first, then what e did.
func (c *EventClock) Add(e *event.Event) []*event.Event {
	t := e.Time
	if t.IsZero() {
		t = e.Received
	}
	e.Received = t
	var out []*event.Event
	if t.After(c.clock) {
		c.clock = t
	}
	if c.ticked.IsZero() {
		c.ticked = c.clock
	}
	if c.clock.Sub(c.ticked) >= time.Second {
		out = c.tick()
	}
	for _, x := range c.Run([]*event.Event{e}) {
		if x != e {
			out = append(out, x)
		}
	}
	return out
}

// Advance moves the clock on by d, as if nothing arrived meanwhile, and
// returns what the stages raised then (windows that closed, confirmed
// gaps).
func (c *EventClock) Advance(d time.Duration) []*event.Event {
	if c.clock.IsZero() {
		return nil
	}
	c.clock = c.clock.Add(d)
	return c.tick()
}

func (c *EventClock) tick() []*event.Event {
	c.ticked = c.clock
	return c.Tick(c.clock)
}
