package relay

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// heapFloor keeps the collector from running for a small heap's sake
// ([limits] heap_floor).
//
// A relay's live heap is a few MiB while its outputs keep up (the queue,
// the memory tail's recent events, the stages' state), and Go's default
// collector (GOGC=100) collects whenever the heap has doubled, at 4 MiB
// at least: at 100,000 datagrams a second (~460 bytes allocated each) a
// collection every ~35 ms, ~16 a second, about a quarter of nomen's CPU,
// each with a mark worker wanting a CPU at once, just when a busy host
// gives nomen little of it (an execution trace of the harness's
// udp-100000 showed a mark worker running 45 ms while the datagram reader
// waited for a CPU: docs/performance.md, thirteenth session).
//
// So while twice the live heap is below the floor, GOGC is raised until
// the collector's goal is the floor (gcPercentFor), and set back to 100
// once the live heap has grown to half of it. The goal is fixed at the end
// of each collection from the heap found live then, so it is adjusted
// then: after every collection (a finalizer, re-armed each time, runs
// once the collection that found its object unreachable is over), not on
// a timer, which would let a heap that grew meanwhile have a goal of
// several times the floor until the next tick. The price is resident
// memory: up to the floor for the heap instead of twice the live heap.
type heapFloor struct {
	floor      int64
	live       func() int64  // the live heap as of the last collection
	setPercent func(int) int // debug.SetGCPercent

	mu      sync.Mutex
	percent int  // GOGC set (0: none yet)
	restore int  // GOGC before
	stopped bool // stop ran: the finalizer no longer re-arms
}

// startHeapFloor sets GOGC for the floor now and after every collection
// until stop; floor 0 does nothing.
func startHeapFloor(floor int64) *heapFloor {
	h := &heapFloor{floor: floor, live: func() int64 { return runtimeMemory().live }, setPercent: debug.SetGCPercent}
	if floor > 0 {
		h.adjust()
		h.arm()
	}
	return h
}

// sentinel is garbage as soon as arm returns; its finalizer runs after the
// collection that finds it so. It holds a pointer, so it is never one of
// the tiny allocations that share a block (whose finalizers may wait).
type sentinel struct{ h *heapFloor }

func (h *heapFloor) arm() {
	runtime.SetFinalizer(&sentinel{h}, func(s *sentinel) {
		if s.h.adjust() {
			s.h.arm()
		}
	})
}

// adjust sets GOGC for the live heap; false once stopped, or with no
// floor.
func (h *heapFloor) adjust() bool {
	if h.floor <= 0 {
		return false
	}
	live := h.live()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return false
	}
	if want := gcPercentFor(live, h.floor); want != h.percent {
		prev := h.setPercent(want)
		if h.percent == 0 {
			h.restore = prev
		}
		h.percent = want
	}
	return true
}

// stop sets GOGC back to what it was before.
func (h *heapFloor) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return
	}
	h.stopped = true
	if h.percent != 0 {
		h.setPercent(h.restore)
	}
}

// minHeap is the Go runtime's minimum heap goal at GOGC=100; it scales
// with GOGC.
const minHeap = 4 << 20

// gcPercentFor is the GOGC whose heap goal is floor for a live heap of
// live bytes (0: no collection yet), or 100 once twice the live heap
// reaches it. The goal is live*(1+GOGC/100), and at least
// minHeap*GOGC/100, so GOGC = floor*100/minHeap is all that a small heap
// needs; more would only let a heap that grows before the next
// collection overshoot the floor further.
func gcPercentFor(live, floor int64) int {
	if 2*live >= floor {
		return 100
	}
	p := floor * 100 / minHeap
	if live > 0 {
		p = min(p, floor*100/live-100)
	}
	return int(max(p, 100))
}
