package normalize

import (
	"math"
	"math/bits"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// sniffIndex lays the sniffers' gates (ecs.SniffGate) out for dispatch.
// Bit k of a mask stands for decoders[k], so that a mask's bits, taken
// from the lowest, keep the sniffers' order (first match wins). An
// unrecognised line runs through it; what it does per message is a few
// mask operations, one search per marker, and a call per sniffer whose
// gate the line passes. (A loop that tested each gate in turn cost as
// much per gate as calling a cheap sniffer.) Arrays, not slices: an
// index masked to their size needs no bounds check.
type sniffIndex struct {
	n        int
	decoders [maxSniffers]*ecs.Decoder
	open     uint64      // zero gates: every event
	first    [256]uint64 // by the message's first byte: gates whose First holds it
	checked  uint64      // gates with a marker or an Also, tested when First did not admit
	// The markers gates look for, each with its window (the message's
	// length at most: math.MaxInt for none) and its gates, which share
	// its search. A slot without gates is never searched.
	marker       [maxMarkers]byte
	markerWindow [maxMarkers]int
	markerUsers  [maxMarkers]uint64
	nMarkers     int
	withAlso     uint64
	also         [maxSniffers]func(e *event.Event) bool
}

const (
	maxSniffers = 64 // bits of a mask
	maxMarkers  = 8
)

func (x *sniffIndex) add(d *ecs.Decoder) {
	k := x.n
	if k == maxSniffers {
		panic("normalize: more than 64 sniffers; widen sniffIndex's masks")
	}
	x.n++
	x.decoders[k] = d
	bit := uint64(1) << k
	g := d.Gate
	if g.First == "" && g.Marker == 0 && g.Also == nil {
		x.open |= bit
		return
	}
	for i := 0; i < len(g.First); i++ {
		x.first[g.First[i]] |= bit
	}
	if g.Also != nil {
		x.checked |= bit
		x.withAlso |= bit
		x.also[k] = g.Also
	}
	if g.Marker == 0 {
		return
	}
	x.checked |= bit
	window := g.Window
	if window <= 0 {
		window = math.MaxInt
	}
	j := 0
	for j < x.nMarkers && (x.marker[j] != g.Marker || x.markerWindow[j] != window) {
		j++
	}
	if j == x.nMarkers {
		if j == maxMarkers {
			panic("normalize: more than 8 sniff markers; widen sniffIndex.marker")
		}
		x.marker[j], x.markerWindow[j] = g.Marker, window
		x.nMarkers++
	}
	x.markerUsers[j] |= bit
}

// passed returns those of the pending sniffers (their gates' First did
// not admit e) whose marker or Also does. Each marker is searched for
// once, for all its users; Also is asked only of a gate its marker left
// refusing.
func (x *sniffIndex) passed(pending uint64, e *event.Event) (pass uint64) {
	m := e.Message
	for j := range x.markerUsers {
		users := x.markerUsers[j] & pending
		if users == 0 {
			continue
		}
		w := m
		if len(w) > x.markerWindow[j] {
			w = w[:x.markerWindow[j]]
		}
		if strings.IndexByte(w, x.marker[j]) >= 0 {
			pass |= users
		}
	}
	for rest := x.withAlso & pending &^ pass; rest != 0; rest &= rest - 1 {
		k := bits.TrailingZeros64(rest) & (maxSniffers - 1)
		if x.also[k](e) {
			pass |= 1 << k
		}
	}
	return pass
}

// sniff tries the sniffers whose gate e passes, in order, and returns the
// name of the first whose Sniff and Decode take e ("" if none).
func (n *Normalizer) sniff(e *event.Event, tr *Trace) string {
	x := &n.sniffers
	cand := x.open
	if m := e.Message; m != "" {
		cand |= x.first[m[0]]
	}
	if pending := x.checked &^ cand; pending != 0 {
		cand |= x.passed(pending, e)
	}
	for ; cand != 0; cand &= cand - 1 {
		d := x.decoders[bits.TrailingZeros64(cand)&(maxSniffers-1)]
		if d.Sniff(e) && tr.tried(d, StepSniff, "", d.Decode(e)) {
			return d.NameFor(e)
		}
	}
	return ""
}
