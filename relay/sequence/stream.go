package sequence

import "time"

// stream is what the tracker remembers about one numbered sequence.
// Exported fields are the snapshot.
type stream struct {
	Key     string // readable key, also nomen.gap.stream: "rfc5424:web1/app/77"
	Kind    kind
	Origin  string // "agent:<id>" or "host:<name>": what explanations apply to
	Host    string // host.name for alerts
	Channel string // winlog.channel (agent, winlog kinds): agent-declared gaps name it
	Agent   string // agent.id for alerts (agent streams)
	Epoch   int64  // agent log epoch
	Last    int64  // highest number seen
	Holes   []hole // missing ranges below Last, ascending, not yet confirmed
	// First is the lowest number of the current run and Began the receive
	// time of its first event: a number below First received within the
	// grace of Began is the run's beginning arriving after later numbers
	// (a source spread over several relays, each delivering its share at
	// its own pace), not a restart. Zero in snapshots from before.
	First int64     `json:",omitempty"`
	Began time.Time `json:",omitzero"`
	// Past are the epochs the stream left, newest last (at most
	// maxPastEpochs): a record sent again under one of them is a duplicate.
	Past []pastEpoch `json:",omitempty"`
	// Lease is the Owner's lease the stream was kept under (0 without an
	// Owner).
	Lease uint64 `json:",omitempty"`
}

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
	if o.hasEpoch && o.epoch != s.Epoch {
		if o.epoch < s.Epoch {
			return s.observePast(o), confirm
		}
		// A recreated log or reinstalled agent: the agent starts from the
		// oldest record it has, whatever its number.
		confirm = append(confirm, s.Holes...)
		s.Holes = s.Holes[:0]
		s.leave()
		s.Epoch, s.Last = o.epoch, o.n
		s.begin(o.n, o.at)
		return restarted, confirm
	}
	n := o.n
	if n > s.Last {
		if n == s.Last+1 {
			s.Last = n
			return inOrder, confirm
		}
		s.Holes = append(s.Holes, hole{First: s.Last + 1, Last: n - 1, Opened: o.at, Deadline: o.due, After: o.id})
		s.Last = n
		return opened, s.bound(confirm)
	}
	if s.fill(n) {
		return filled, s.bound(confirm) // a split may make one more
	}
	if n < s.First && s.First-n <= restartLow && o.at.Sub(s.Began) < grace {
		// The run's beginning, late: it starts lower, with a hole between.
		v := filled
		if n+1 < s.First {
			s.Holes = append([]hole{{First: n + 1, Last: s.First - 1, Opened: o.at, Deadline: o.due, After: o.id}}, s.Holes...)
			v = opened
		}
		s.First = n
		return v, s.bound(confirm)
	}
	if n <= 1 || (n <= restartLow && s.Last-n >= restartLow) {
		confirm = append(confirm, s.Holes...)
		s.Holes = s.Holes[:0]
		s.begin(1, o.at)
		s.Last = n
		if n > 1 {
			s.Holes = append(s.Holes, hole{First: 1, Last: n - 1, Opened: o.at, Deadline: o.due, After: o.id})
		}
		return restarted, confirm
	}
	return duplicate, confirm
}

// begin notes that a run of numbers begins at first, received at.
func (s *stream) begin(first int64, at time.Time) { s.First, s.Began = first, at }

// leave remembers how far the current epoch went, before a newer one
// takes over.
func (s *stream) leave() {
	for i, p := range s.Past {
		if p.Epoch == s.Epoch { // came back to an epoch left before
			s.Past = append(s.Past[:i], s.Past[i+1:]...)
			break
		}
	}
	s.Past = append(s.Past, pastEpoch{Epoch: s.Epoch, Last: max(s.Last, s.pastLast(s.Epoch))})
	if k := len(s.Past) - maxPastEpochs; k > 0 {
		s.Past = append(s.Past[:0], s.Past[k:]...)
	}
}

// pastLast is how far a left epoch went (0: not remembered).
func (s *stream) pastLast(epoch int64) int64 {
	for _, p := range s.Past {
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
	for i := range s.Past {
		p := &s.Past[i]
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
	if k := len(s.Holes) - maxHoles; k > 0 {
		confirm = append(confirm, s.Holes[:k]...)
		s.Holes = append(s.Holes[:0], s.Holes[k:]...)
	}
	return confirm
}

// fill removes n from the hole that holds it, shrinking or splitting it.
func (s *stream) fill(n int64) bool {
	for i := range s.Holes {
		h := &s.Holes[i]
		if n < h.First || n > h.Last {
			continue
		}
		switch {
		case h.First == h.Last:
			s.Holes = append(s.Holes[:i], s.Holes[i+1:]...)
		case n == h.First:
			h.First++
		case n == h.Last:
			h.Last--
		default:
			upper := *h
			upper.First = n + 1
			h.Last = n - 1
			s.Holes = append(s.Holes, hole{})
			copy(s.Holes[i+2:], s.Holes[i+1:])
			s.Holes[i+1] = upper
		}
		return true
	}
	return false
}

// due removes and appends to confirm the holes whose deadline is at or
// before now.
func (s *stream) due(now time.Time, confirm []hole) []hole {
	keep := s.Holes[:0]
	for _, h := range s.Holes {
		if !h.Deadline.After(now) {
			confirm = append(confirm, h)
		} else {
			keep = append(keep, h)
		}
	}
	clear(s.Holes[len(keep):])
	s.Holes = keep
	return confirm
}

// retire removes the parts of holes within [first, last]: during recovery
// a journaled gap alert says they were already reported.
func (s *stream) retire(first, last int64) {
	var out []hole
	for _, h := range s.Holes {
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
	s.Holes = out
}
