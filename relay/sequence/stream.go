package sequence

import (
	"slices"
	"time"
)

// stream is what the tracker remembers about one numbered sequence, in
// the form its logic works on (observe and the others below). The
// tracker's map holds it smaller (cell, see Tracker.load and put),
// without its key (the map's) and its names (see streamNames), which
// the tracker reads from the map when it needs them. Snapshots write the
// fields of streamJSON (stream_json.go).
type stream struct {
	// h holds the stream's kind, lease (the Owner's lease the stream was
	// kept under, 0 without an Owner) and epoch (agent log epoch), which
	// seldom change.
	h    head
	Last int64 // highest number seen
	// First is the lowest number of the current run and began the receive
	// time (UnixNano) of its first event: a number below First received
	// within the grace of began is the run's beginning arriving after
	// later numbers (a source spread over several relays, each delivering
	// its share at its own pace), not a restart. Zero in snapshots from
	// before.
	First int64
	began int64
	more  *streamMore // nil while the stream has neither holes nor past epochs
}

// streamMore is what few streams have.
type streamMore struct {
	// holes are the missing ranges below Last, ascending, not yet
	// confirmed.
	holes []hole
	// past are the epochs the stream left, newest last (at most
	// maxPastEpochs): a record sent again under one of them is a duplicate.
	past []pastEpoch
}

// holes returns the stream's open holes (see streamMore).
func (s *stream) holes() []hole {
	if s.more == nil {
		return nil
	}
	return s.more.holes
}

// past returns the epochs the stream left (see streamMore).
func (s *stream) past() []pastEpoch {
	if s.more == nil {
		return nil
	}
	return s.more.past
}

// setHoles replaces the stream's holes; a stream left without holes and
// past epochs lets their memory go.
func (s *stream) setHoles(h []hole) {
	if m := s.moreFor(len(h)); m != nil {
		m.holes = h
		s.tidy()
	}
}

// setPast replaces the epochs the stream left.
func (s *stream) setPast(p []pastEpoch) {
	if m := s.moreFor(len(p)); m != nil {
		m.past = p
		s.tidy()
	}
}

// moreFor returns the stream's holes and past epochs to set n of them in:
// made when n > 0, nil when the stream has none and n is 0 (nothing to do).
func (s *stream) moreFor(n int) *streamMore {
	if s.more == nil && n > 0 {
		s.more = &streamMore{}
	}
	return s.more
}

func (s *stream) tidy() {
	if len(s.more.holes) == 0 && len(s.more.past) == 0 {
		s.more = nil
	}
}

// clone returns a copy of s that shares nothing the tracker changes in
// place (for a snapshot, encoded on another goroutine).
func (s *stream) clone() stream {
	c := *s
	if s.more != nil {
		c.more = &streamMore{holes: slices.Clone(s.more.holes), past: slices.Clone(s.more.past)}
	}
	return c
}

// A stream's names (streamNames), in order.
const (
	nameHost    = iota // host.name for alerts
	nameOrigin         // "agent:<id>" or "host:<name>": what explanations apply to
	nameChannel        // winlog.channel (agent and winlog kinds): agent-declared gaps name it
	nameAgent          // agent.id for alerts (agent streams)
	numNames
)

// streamNames are a stream's names, indexed by name*. Not its key
// ("rfc5424:web1/app/77", also nomen.gap.stream): the tracker's map holds
// that, and most of the names are in it (cell).
type streamNames [numNames]string

// hostOrigin is the origin of a stream of a host ("host:<name>").
const hostOrigin = "host:"

// head is a stream's kind, lease and epoch.
type head struct {
	kind  kind
	lease uint64
	epoch int64
}

func (s *stream) kind() kind    { return s.h.kind }
func (s *stream) lease() uint64 { return s.h.lease }
func (s *stream) epoch() int64  { return s.h.epoch }

func (s *stream) setLease(l uint64) { s.h.lease = l }
func (s *stream) setEpoch(e int64)  { s.h.epoch = e }

// pastEpoch is how far an epoch the stream left went.
type pastEpoch struct {
	Epoch, Last int64
}

// maxPastEpochs bounds the epochs remembered per stream, as the agent
// listener's cursors do (relay/agent: maxEpochsPerChannel).
const maxPastEpochs = 8

// hole is a range of numbers not seen yet. It becomes a gap when its
// deadline passes unfilled.
type hole struct {
	First, Last int64
	Opened      time.Time // receive time of the event that revealed it
	Deadline    time.Time
	After       uint64 // journal ID of the event that revealed it
}

func (h hole) count() int64 { return h.Last - h.First + 1 }

// verdict is what one number means for its stream.
type verdict uint8

const (
	inOrder   verdict = iota // last+1
	opened                   // a jump: a hole opened below it
	filled                   // it filled (part of) a hole
	duplicate                // at or below last and not in a hole (also of an epoch left)
	restarted                // a reset to 1, a new epoch: a new run of numbers
	stale                    // an older epoch than the stream's, beyond what was seen of it (or unknown): kept
)

// restartLow: a number this small arriving after the stream went at least
// this far past it is a restart whose first messages were lost (a sender
// restarted and its "1" did not arrive), not a duplicate. A real duplicate
// of one of a stream's first few numbers that late is implausible.
const restartLow = 16

// observation is one numbered event.
type observation struct {
	n        int64
	epoch    int64
	hasEpoch bool
	at       time.Time // receive time: a hole's Opened (and its finding id)
	// due is when a hole it opens is confirmed if still unfilled: grace
	// after it was received or, if later, after it is applied here. A
	// relay reading a backlog (a tier behind its stream, a journal
	// replayed) must not confirm a hole before it has read what came with
	// the event that opened it.
	due time.Time
	id  uint64 // journal ID (predicted or real)
}

// observe applies one number to the stream. Holes that must be confirmed
// at once (a restart ends the old run; too many holes) are appended to
// confirm.
func (s *stream) observe(o observation, grace time.Duration, confirm []hole) (verdict, []hole) {
	if o.hasEpoch && o.epoch != s.epoch() {
		if o.epoch < s.epoch() {
			return s.observePast(o), confirm
		}
		// A recreated log or reinstalled agent: the agent starts from the
		// oldest record it has, whatever its number.
		confirm = append(confirm, s.holes()...)
		s.setHoles(nil)
		s.leave()
		s.setEpoch(o.epoch)
		s.Last = o.n
		s.begin(o.n, o.at)
		return restarted, confirm
	}
	n := o.n
	if n > s.Last {
		if n == s.Last+1 {
			s.Last = n
			return inOrder, confirm
		}
		s.setHoles(append(s.holes(), hole{First: s.Last + 1, Last: n - 1, Opened: o.at, Deadline: o.due, After: o.id}))
		s.Last = n
		return opened, s.bound(confirm)
	}
	if s.fill(n) {
		return filled, s.bound(confirm) // a split may make one more
	}
	if n < s.First && s.First-n <= restartLow && s.began != 0 && o.at.UnixNano()-s.began < int64(grace) {
		// The run's beginning, late: it starts lower, with a hole between.
		v := filled
		if n+1 < s.First {
			s.setHoles(append([]hole{{First: n + 1, Last: s.First - 1, Opened: o.at, Deadline: o.due, After: o.id}}, s.holes()...))
			v = opened
		}
		s.First = n
		return v, s.bound(confirm)
	}
	if n <= 1 || (n <= restartLow && s.Last-n >= restartLow) {
		confirm = append(confirm, s.holes()...)
		s.setHoles(nil)
		s.begin(1, o.at)
		s.Last = n
		if n > 1 {
			s.setHoles([]hole{{First: 1, Last: n - 1, Opened: o.at, Deadline: o.due, After: o.id}})
		}
		return restarted, confirm
	}
	return duplicate, confirm
}

// begin notes that a run of numbers begins at first, received at.
func (s *stream) begin(first int64, at time.Time) { s.First, s.began = first, at.UnixNano() }

// leave remembers how far the current epoch went, before a newer one
// takes over.
func (s *stream) leave() {
	past := s.past()
	for i, p := range past {
		if p.Epoch == s.epoch() { // came back to an epoch left before
			past = append(past[:i], past[i+1:]...)
			break
		}
	}
	past = append(past, pastEpoch{Epoch: s.epoch(), Last: max(s.Last, s.pastLast(s.epoch()))})
	if k := len(past) - maxPastEpochs; k > 0 {
		past = append(past[:0], past[k:]...)
	}
	s.setPast(past)
}

// pastLast is how far a left epoch went (0: not remembered).
func (s *stream) pastLast(epoch int64) int64 {
	for _, p := range s.past() {
		if p.Epoch == epoch {
			return p.Last
		}
	}
	return 0
}

// observePast judges a number of an epoch older than the stream's: at or
// below what was seen of that epoch it is a resend (its holes were
// confirmed as gaps when the epoch was left); beyond it, or of an epoch
// not remembered, it is kept.
func (s *stream) observePast(o observation) verdict {
	past := s.past()
	for i := range past {
		p := &past[i]
		if p.Epoch != o.epoch {
			continue
		}
		if o.n <= p.Last {
			return duplicate
		}
		p.Last = o.n
		return stale
	}
	return stale
}

// bound confirms the oldest holes at once beyond maxHoles.
func (s *stream) bound(confirm []hole) []hole {
	if holes := s.holes(); len(holes) > maxHoles {
		k := len(holes) - maxHoles
		confirm = append(confirm, holes[:k]...)
		s.setHoles(append(holes[:0], holes[k:]...))
	}
	return confirm
}

// fill removes n from the hole that holds it, shrinking or splitting it.
func (s *stream) fill(n int64) bool {
	holes := s.holes()
	for i := range holes {
		h := &holes[i]
		if n < h.First || n > h.Last {
			continue
		}
		switch {
		case h.First == h.Last:
			s.setHoles(append(holes[:i], holes[i+1:]...))
		case n == h.First:
			h.First++
		case n == h.Last:
			h.Last--
		default:
			upper := *h
			upper.First = n + 1
			h.Last = n - 1
			holes = append(holes, hole{})
			copy(holes[i+2:], holes[i+1:])
			holes[i+1] = upper
			s.setHoles(holes)
		}
		return true
	}
	return false
}

// due removes and appends to confirm the holes whose deadline is at or
// before now.
func (s *stream) due(now time.Time, confirm []hole) []hole {
	holes := s.holes()
	keep := holes[:0]
	for _, h := range holes {
		if !h.Deadline.After(now) {
			confirm = append(confirm, h)
		} else {
			keep = append(keep, h)
		}
	}
	clear(holes[len(keep):])
	s.setHoles(keep)
	return confirm
}

// retire removes the parts of holes within [first, last]: during recovery
// a journaled gap alert says they were already reported.
func (s *stream) retire(first, last int64) {
	var out []hole
	for _, h := range s.holes() {
		if h.Last < first || h.First > last {
			out = append(out, h)
			continue
		}
		if h.First < first {
			lo := h
			lo.Last = first - 1
			out = append(out, lo)
		}
		if h.Last > last {
			hi := h
			hi.First = last + 1
			out = append(out, hi)
		}
	}
	s.setHoles(out)
}
