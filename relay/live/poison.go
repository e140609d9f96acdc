package live

import (
	"fmt"
	"strconv"

	"github.com/nomenhq/nomen/internal/logging"
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
)

// A panic while a subscription matches or encodes an event is a bug in
// nomen that the event found. net/http would recover it, but by ending
// the connection: the subscriber would lose the stream without a word.
// So the stream recovers it, sends the event in its safe form
// (event.SafeForm: its original, header and origin, with
// nomen.encode_error) or, if the subscriber's filter panicked or the
// safe form panics too, leaves it out, counts the panic in
// nomen_live_panics_total, logs it with the stack (rate-limited), and
// goes on with the next event. One deferred recover per batch and per
// panic, not per event.

// encodeError is the safe form's nomen.encode_error; the panic's value
// follows.
const encodeError = "nomen could not send this event whole (a bug: please report it), sent with its original message only: "

// encode appends the events of b that f matches and returns how many.
func (st *stream) encode(b []*event.Event, f filter.Filter) int {
	n := 0
	for i := 0; i < len(b); i++ {
		var p *panics.Panic
		i, p = st.encodeFrom(b, i, f, &n)
		if p == nil {
			break
		}
		st.buf = st.buf[:st.mark] // what the event's panic left
		e := b[i]
		what := "leaving it out"
		if !st.matching {
			what = "sending its safe form"
		}
		p.Report(st.panics, st.log, "live: encoding an event for a subscriber panicked (a bug in nomen); "+what,
			"id", e.ID, "input", e.Input, "peer", e.Peer, "start", logging.Start(e.Original))
		if st.matching {
			continue
		}
		safe := event.SafeForm(e, encodeError+fmt.Sprint(p.Value))
		if _, p := st.encodeFrom([]*event.Event{safe}, 0, filter.Filter{}, &n); p != nil {
			st.buf = st.buf[:st.mark]
			p.Report(st.panics, st.log, "live: encoding an event's safe form for a subscriber panicked (a bug in nomen); leaving it out",
				"id", e.ID)
		}
	}
	return n
}

// encodeFrom appends the events of b[i:] that f matches, adding to *n,
// until the end or a panic on b[next] (then st.mark is where its document
// started, and st.matching says whether f.Match panicked).
func (st *stream) encodeFrom(b []*event.Event, i int, f filter.Filter, n *int) (next int, p *panics.Panic) {
	defer func() { p = panics.Of(recover()) }()
	for next = i; next < len(b); next++ {
		e := b[next]
		st.mark, st.matching = len(st.buf), true
		if !st.match(f, e) {
			continue
		}
		st.matching = false
		if st.sse {
			if e.ID != 0 {
				st.buf = append(st.buf, "id: "...)
				st.buf = strconv.AppendUint(st.buf, e.ID, 10)
				st.buf = append(st.buf, '\n')
			}
			st.buf = append(st.buf, "data: "...)
			st.buf = st.appendJSON(&st.enc, st.buf, e)
			st.buf = append(st.buf, '\n', '\n')
		} else {
			st.buf = st.appendJSON(&st.enc, st.buf, e)
			st.buf = append(st.buf, '\n')
		}
		*n++
	}
	return next, nil
}
