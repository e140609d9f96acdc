package output

import (
	"fmt"

	"github.com/nomenhq/nomen/internal/logging"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
)

// A panic while a sink writes a batch is a bug in nomen that one event
// found (an encoder that cannot handle some field, say). Retrying the
// batch would panic again forever, and skipping it would lose the other
// events with it, so the worker finds the event: it writes the batch
// again an event at a time; the event whose writing panics on its own
// (the poison) is written in its safe form instead, and if even that
// panics, dead-lettered (its original message alone if the dead-letter
// file's encoding panics too: DeadLetter.appendEvent). Every event is
// then written or dead-lettered before the cursor moves past it
// (at-least-once holds), and the output goes on. The sink is not reopened: a sink encodes before it writes, so
// a panic while encoding leaves it as it was (the file sink, which
// writes as it encodes, cuts its file back itself).

// FieldEncodeError marks an event written in its safe form: why.
const FieldEncodeError = event.FieldEncodeError

// encodeError is FieldEncodeError's text; the panic's value follows.
const encodeError = "nomen could not write this event (a bug: please report it), written with its original message only: "

// write is Sink.Write with a panic turned into the error it returns (a
// *panics.Panic). One deferred recover per batch: no cost per event.
func (w *Worker) write(batch []*event.Event) (err error) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			err = p
		}
	}()
	return w.o.Sink.Write(w.ctx, batch)
}

// isolate delivers a batch whose write panicked (p) an event at a time,
// handling the poison event (poisoned). Only a stop ends it early.
func (w *Worker) isolate(batch []*event.Event, p *panics.Panic) error {
	if len(batch) == 1 {
		return w.poisoned(batch[0], p)
	}
	for i := range batch {
		if err := w.deliver(batch[i : i+1]); err != nil {
			return err
		}
	}
	return nil
}

// poisoned counts and logs a panic while writing e alone, then writes e's
// safe form, or dead-letters e if it is one already (its writing panicked
// too: nothing simpler is left to try).
func (w *Worker) poisoned(e *event.Event, p *panics.Panic) error {
	safe := e.Has(FieldEncodeError)
	what := "writing its safe form"
	if safe {
		what = "dead-lettering it"
	}
	p.Report(w.m.panics, w.throttle, "output: writing an event panicked (a bug in nomen); "+what,
		"id", e.ID, "input", e.Input, "peer", e.Peer, "start", logging.Start(e.Original))
	if safe {
		return w.deadLetter([]Rejected{{e, fmt.Errorf("writing the event panicked: %v", p.Value)}})
	}
	return w.deliver([]*event.Event{safeForm(e, p.Value)})
}

// safeForm is the event an output writes in place of e when writing e
// panicked: event.SafeForm, marked with why. Its journal ID is e's.
func safeForm(e *event.Event, why any) *event.Event {
	return event.SafeForm(e, encodeError+fmt.Sprint(why))
}

// deadLetterPanicked counts and logs a panic while the dead-letter file
// encoded e (DeadLetter.appendEvent): e's original message alone was
// dead-lettered.
func (w *Worker) deadLetterPanicked(p *panics.Panic, e *event.Event) {
	p.Report(w.m.panics, w.throttle, "output: dead-lettering an event panicked (a bug in nomen); its original message alone is dead-lettered",
		"id", e.ID, "input", e.Input, "peer", e.Peer, "start", logging.Start(e.Original))
}
