package stage

import (
	"slices"
	"unsafe"

	"github.com/nomenhq/nomen/relay/event"
)

// FieldPass is one pass over each event's fields shared by the two stages
// (sequence tracking leads, correlation follows): each would otherwise
// pass over every field of every event to find its own keys (~360 and
// ~640 instructions an event, issue #17), and most of those keys are the
// same. The following stage's keys start with the leading stage's
// (SetFollow); the leading stage scans the batch with an index of them
// (Scan) and reads its own keys' answers at the start of each row (Row);
// the following stage takes its keys' positions from the same rows
// (Follow) for the events still as they were scanned, and makes its own
// pass for the others (findings added, fields added, a reload between).
//
// Both stages run on the pipeline's goroutine (see the protocol above), so
// it needs no locks. The zero value is not usable; call NewFieldPass.
type FieldPass struct {
	lead []string
	idx  *event.KeyIndex // the following stage's keys; nil: not shared
	gen  int             // changes with the index (SetFollow)

	// The rows of the last Scan, consumed by Follow until Done: per event
	// the index's answers (width each), whether a key was repeated, and
	// the event scanned, by address and number of fields. The address is
	// not a pointer: the batch keeps the events alive until Done, and
	// keeping pointers here would cost write barriers and keep the last
	// batch alive.
	scanGen int
	width   int
	rows    []int32
	scanned []scanned
}

// scanned is what Follow checks of an event against the one scanned.
type scanned struct {
	ev       uintptr // its address (0: none)
	nf       int32   // its number of fields
	repeated bool    // a key of the index was set more than once
}

// NewFieldPass returns a pass for the leading stage's keys; the following
// stage sets the index with SetFollow.
func NewFieldPass(lead ...string) *FieldPass {
	return &FieldPass{lead: slices.Clone(lead)}
}

// LeadKeys returns the leading stage's keys, with which the following
// stage's must start.
func (p *FieldPass) LeadKeys() []string { return p.lead }

// SetFollow sets the following stage's keys (at most event.MaxKeyIndex):
// rows of a Scan made before are not handed to Follow. Keys that do not
// start with LeadKeys, or nil, leave each stage to its own pass (Scan
// reports false).
func (p *FieldPass) SetFollow(keys []string) {
	p.gen++
	p.idx = nil
	if len(keys) >= len(p.lead) && slices.Equal(keys[:len(p.lead)], p.lead) {
		p.idx = event.NewKeyIndex(keys...)
	}
	p.Done()
}

// Scan finds both stages' keys in every event of batch. It reports false
// if the pass is not shared (then no rows are made).
func (p *FieldPass) Scan(batch []*event.Event) bool {
	p.Done()
	if p.idx == nil {
		return false
	}
	w := p.idx.Len()
	p.scanGen, p.width = p.gen, w
	p.rows = slices.Grow(p.rows[:0], len(batch)*w)[:len(batch)*w]
	p.scanned = slices.Grow(p.scanned[:0], len(batch))[:len(batch)]
	for i, e := range batch {
		if e == nil { // a bug's: the stages' guards report it
			p.scanned[i] = scanned{}
			continue
		}
		rep := p.idx.Find(e, p.rows[i*w:(i+1)*w])
		p.scanned[i] = scanned{ev: uintptr(unsafe.Pointer(e)), nf: int32(len(e.Fields)), repeated: rep}
	}
	return true
}

// Row returns the answers for the event at i in the batch scanned: per
// key of the index (LeadKeys first), the position in its fields of the
// key's last field, -1 if none.
func (p *FieldPass) Row(i int) []int32 { return p.rows[i*p.width : (i+1)*p.width] }

// Move tells the pass that the leading stage moved the event at from to
// to in the batch (it drops events: agent duplicates).
func (p *FieldPass) Move(from, to int) {
	if from == to || from >= len(p.scanned) {
		return
	}
	copy(p.Row(to), p.Row(from))
	p.scanned[to], p.scanned[from] = p.scanned[from], scanned{}
}

// Follow returns the row of e, at i in the batch (as Row), if the last
// Scan made it for e as it is now (the same event, its fields as they
// were, the keys those of the last SetFollow), and whether a key of the
// index was repeated in e (then the row holds each key's last field, as
// event.KeyIndex.Find does).
func (p *FieldPass) Follow(i int, e *event.Event) (row []int32, repeated, ok bool) {
	if i >= len(p.scanned) || p.scanGen != p.gen {
		return nil, false, false
	}
	s := &p.scanned[i]
	if s.ev == 0 || s.ev != uintptr(unsafe.Pointer(e)) || s.nf != int32(len(e.Fields)) {
		return nil, false, false
	}
	return p.Row(i), s.repeated, true
}

// Done forgets the rows of the last Scan: the following stage calls it at
// the end of its batch, so that no later batch is answered from them.
func (p *FieldPass) Done() {
	p.rows, p.scanned = p.rows[:0], p.scanned[:0]
}
