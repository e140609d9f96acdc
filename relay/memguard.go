package relay

import (
	"log/slog"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/logthrottle"
	"github.com/prometheus/client_golang/prometheus"
)

// memoryGuard looks at the runtime's memory every second and does two
// jobs the runtime does not do by itself.
//
// It keeps [limits] memory from costing more than it saves. The soft limit
// (GOMEMLIMIT) makes the collector run more often as the heap nears it;
// when the live heap itself needs more than half of it (large correlation
// state, many agents), the collector would run almost without pause: make
// bench's tcp-mixed-rules took ~40 % more CPU per message at 128MiB. So the
// guard sets the limit in force to the larger of [limits] memory and what
// Go's default collector (GOGC=100) would let the heap reach — twice the
// live heap, plus the runtime's memory outside the heap — logs a warning
// (rate-limited) and exports it (nomen_limit{limit="memory_bytes"},
// go_gc_gomemlimit_bytes). Below half the limit nothing changes: the
// budgets keep the live heap there. With $GOMEMLIMIT set it leaves the
// limit alone.
//
// And it gives memory back to the system once a burst is over. After a
// burst (a thousand connections that each sent a few messages, an output
// that caught up) a relay that goes quiet allocates next to nothing, so
// no collection comes to free what the burst left, the goroutines' stacks
// stay as deep as decoding made them, and the runtime's scavenger keeps
// what the last collection's goal allows: tens of MiB of resident memory
// for nothing, until the forced collection two minutes later and the slow
// scavenging after it. So when the process has been quiet for
// quietTicks (allocating less than quietAllocs a second) and holds at least
// returnAtLeast more memory than after the last return, the guard collects
// and returns the free memory at once (debug.FreeOSMemory): one collection
// of a heap that is mostly free, at a moment with nothing else to do.
type memoryGuard struct {
	configured int64 // [limits] memory; 0: $GOMEMLIMIT is in force, not adjusted
	gauge      prometheus.Gauge
	warn       *logthrottle.Logger
	read       func() memoryFigures // the runtime's figures; tests inject theirs
	set        func(int64) int64    // debug.SetMemoryLimit
	free       func()               // debug.FreeOSMemory
	inForce    int64
	heapFloor  *heapFloor // [limits] heap_floor (gcfloor.go), stopped with the guard

	lastAllocs int64 // allocs at the last check
	quiet      int   // checks in a row that saw less than quietAllocs allocated
	heldAfter  int64 // held after the last return (or at start)
	stop       chan struct{}
	done       sync.WaitGroup
	// panics guards each check: one that panics is skipped (background.go).
	panics *taskGuard
}

// memoryFigures are what the guard reads from the runtime.
type memoryFigures struct {
	live    int64 // the live heap, as of the last collection
	nonHeap int64 // the runtime's memory outside heap spans (stacks, metadata, ...)
	held    int64 // all the runtime's memory not returned to the system (resident, or may be)
	allocs  int64 // bytes allocated since the start, cumulative
}

// memoryGuardEvery is how often the guard looks.
const memoryGuardEvery = time.Second

// When the guard gives memory back (see memoryGuard).
const (
	quietAllocs   = 1 << 20 // a second with less allocated than this is quiet
	quietTicks    = 2       // quiet seconds in a row before a return
	returnAtLeast = 8 << 20 // memory held beyond the level after the last return
)

// newMemoryGuard makes a guard; configured is [limits] memory, 0 when
// $GOMEMLIMIT is in force; panics counts and logs a check that panicked.
func newMemoryGuard(configured int64, gauge prometheus.Gauge, log *slog.Logger, panics *taskGuard) *memoryGuard {
	g := &memoryGuard{configured: configured, inForce: configured, gauge: gauge,
		warn: logthrottle.New(log, 10*time.Minute), read: runtimeMemory, set: debug.SetMemoryLimit,
		free: debug.FreeOSMemory, stop: make(chan struct{}), panics: panics}
	f := g.read()
	g.lastAllocs, g.heldAfter = f.allocs, f.held
	return g
}

// start checks every memoryGuardEvery until close.
func (g *memoryGuard) start() {
	g.done.Add(1)
	go func() {
		defer g.done.Done()
		t := time.NewTicker(memoryGuardEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				g.tick()
			case <-g.stop:
				return
			}
		}
	}()
}

func (g *memoryGuard) close() {
	close(g.stop)
	g.done.Wait()
	if g.heapFloor != nil {
		g.heapFloor.stop()
	}
}

// tick is one check; a check that panics is skipped (counted and
// logged): the next comes a second later.
func (g *memoryGuard) tick() { g.panics.run(g.check) }

// check does both jobs with the latest figures.
func (g *memoryGuard) check() {
	f := g.read()
	if g.configured > 0 {
		g.adjustLimit(f)
	}
	g.returnWhenQuiet(f)
}

// adjustLimit sets the limit in force.
func (g *memoryGuard) adjustLimit(f memoryFigures) {
	want := max(g.configured, 2*f.live+f.nonHeap)
	if want == g.inForce {
		return
	}
	g.inForce = want
	g.set(want)
	g.gauge.Set(float64(want))
	if want > g.configured {
		g.warn.Warn("the live heap needs more memory than [limits] memory allows without the collector running constantly; the limit in force is raised (raise [limits] memory, or lower what holds state: correlation max_keys, agents)",
			"memory", g.configured, "limit_in_force", want, "live_heap", f.live)
	}
}

// returnWhenQuiet gives memory back after a burst (see memoryGuard).
func (g *memoryGuard) returnWhenQuiet(f memoryFigures) {
	allocated := f.allocs - g.lastAllocs
	g.lastAllocs = f.allocs
	if allocated >= quietAllocs {
		g.quiet = 0
		return
	}
	g.quiet++
	if f.held < g.heldAfter {
		g.heldAfter = f.held // the runtime returned some itself
	}
	if g.quiet < quietTicks || f.held-g.heldAfter < returnAtLeast {
		return
	}
	g.free()
	g.heldAfter = g.read().held
}

// runtimeMemory reads the runtime's figures.
func runtimeMemory() memoryFigures {
	s := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/heap/allocs:bytes"},
	}
	metrics.Read(s)
	v := func(i int) int64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(s[i].Value.Uint64())
	}
	return memoryFigures{
		live:    v(0),
		nonHeap: max(v(1)-v(2)-v(3)-v(4)-v(5), 0),
		held:    v(1) - v(5),
		allocs:  v(6),
	}
}
