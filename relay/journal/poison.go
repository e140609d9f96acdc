package journal

import (
	"fmt"

	"github.com/nomenhq/nomen/internal/logging"
	"github.com/nomenhq/nomen/relay/event"
)

// A panic while encoding an event's record (event.AppendBinary) is a bug
// in nomen that one event found. It runs on the appender's goroutine (the
// pipeline's): unguarded it would stop the relay, and failing the append
// would lose the other events of the batch. So the journal keeps the
// event in its safe form (event.SafeForm: its original message, header
// and origin, with nomen.encode_error) in its place, with the ID it would
// have had (the stages predicted it), and goes on with the next; the
// panic is counted in nomen_journal_panics_total and logged with its
// stack (rate-limited). Only if the safe form panics too, or the block
// compression did, the append fails as a failed write does (the caller
// counts the batch as dropped).

// encodeError is the safe form's nomen.encode_error; the panic's value
// follows.
const encodeError = "nomen could not journal this event whole (a bug: please report it), kept with its original message only: "

// encode turns events into enc's blocks, each record written by
// j.record. An event whose record panics is replaced in events by its safe
// form. One deferred recover per batch and per panic, not per event.
func (j *Journal) encode(enc *encoder, events []*event.Event) error {
	retried := -1
	for i := 0; ; {
		next, p, inRecord, err := enc.encodeFrom(events, i, j.record)
		if err != nil {
			return err
		}
		if p == nil {
			break
		}
		if !inRecord || next == retried {
			p.Report(j.m.Panics, j.throttled, "journal: encoding a batch panicked (a bug in nomen); it is not journaled", "events", len(events))
			return fmt.Errorf("journal: encoding panicked: %w", p)
		}
		e := events[next]
		p.Report(j.m.Panics, j.throttled, "journal: encoding an event panicked (a bug in nomen); journaling its safe form",
			"input", e.Input, "peer", e.Peer, "start", logging.Start(e.Original))
		events[next] = event.SafeForm(e, encodeError+fmt.Sprint(p.Value))
		i, retried = next, next
	}
	enc.finish()
	return nil
}
