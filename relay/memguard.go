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

// memoryGuard keeps [limits] memory from costing more than it saves. The
// soft limit (GOMEMLIMIT) makes the collector run more often as the heap
// nears it; when the live heap itself needs more than half of it (large
// correlation state, many agents), the collector would run almost without
// pause: make bench's tcp-mixed-rules took ~40 % more CPU per message at
// 128MiB. So every second the guard sets the limit in force to the larger
// of [limits] memory and what Go's default collector (GOGC=100) would let
// the heap reach — twice the live heap, plus the runtime's memory outside
// the heap — logs a warning (rate-limited) and exports it
// (nomen_limit{limit="memory_bytes"}, go_gc_gomemlimit_bytes). Below half
// the limit nothing changes: the budgets keep the live heap there.
type memoryGuard struct {
	configured int64
	gauge      prometheus.Gauge
	warn       *logthrottle.Logger
	read       func() (live, nonHeap int64) // the runtime's figures; tests inject theirs
	set        func(int64) int64            // debug.SetMemoryLimit
	inForce    int64
	stop       chan struct{}
	done       sync.WaitGroup
}

// memoryGuardEvery is how often the guard looks at the live heap.
const memoryGuardEvery = time.Second

func newMemoryGuard(configured int64, gauge prometheus.Gauge, log *slog.Logger) *memoryGuard {
	return &memoryGuard{configured: configured, inForce: configured, gauge: gauge,
		warn: logthrottle.New(log, 10*time.Minute), read: runtimeMemory, set: debug.SetMemoryLimit,
		stop: make(chan struct{})}
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
				g.check()
			case <-g.stop:
				return
			}
		}
	}()
}

func (g *memoryGuard) close() {
	close(g.stop)
	g.done.Wait()
}

// check sets the limit in force from the latest figures.
func (g *memoryGuard) check() {
	live, nonHeap := g.read()
	want := max(g.configured, 2*live+nonHeap)
	if want == g.inForce {
		return
	}
	g.inForce = want
	g.set(want)
	g.gauge.Set(float64(want))
	if want > g.configured {
		g.warn.Warn("the live heap needs more memory than [limits] memory allows without the collector running constantly; the limit in force is raised (raise [limits] memory, or lower what holds state: correlation max_keys, agents)",
			"memory", g.configured, "limit_in_force", want, "live_heap", live)
	}
}

// runtimeMemory reads the live heap (as of the last collection) and the
// memory the runtime holds outside heap spans (stacks, metadata, ...).
func runtimeMemory() (live, nonHeap int64) {
	s := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(s)
	v := func(i int) int64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(s[i].Value.Uint64())
	}
	return v(0), max(v(1)-v(2)-v(3)-v(4)-v(5), 0)
}
