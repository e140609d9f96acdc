package relay

import (
	"bytes"
	"log/slog"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestLimitsDerivedDefaults: the budgets derive from [limits] memory
// unless set; explicit values win.
func TestLimitsDerivedDefaults(t *testing.T) {
	cfg, err := ParseConfigData("t.toml", []byte(minimalConfig+"\n[limits]\nmemory = \"256MiB\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	l := cfg.Limits
	if l.JournalMemoryTail != 16<<20 || l.JournalBlockCache != 8<<20 || l.HeapFloor != 256<<20/10 || cfg.Pipeline.QueueEvents != 8192 {
		t.Errorf("derived from 256MiB: tail %d, cache %d, heap floor %d, queue_events %d", l.JournalMemoryTail, l.JournalBlockCache, l.HeapFloor, cfg.Pipeline.QueueEvents)
	}
	cfg, err = ParseConfigData("t.toml", []byte(minimalConfig+`
[limits]
memory = "1GiB"
journal_memory_tail = "1MiB"
journal_block_cache = "2MiB"
heap_floor = "32MiB"
[pipeline]
queue_events = 500
`))
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.Limits; l.JournalMemoryTail != 1<<20 || l.JournalBlockCache != 2<<20 || l.HeapFloor != 32<<20 || cfg.Pipeline.QueueEvents != 500 {
		t.Errorf("explicit values: %+v, queue_events %d", l, cfg.Pipeline.QueueEvents)
	}
	cfg, err = ParseConfigData("t.toml", []byte(minimalConfig))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Limits.Memory != DefaultMemoryLimit || cfg.Pipeline.QueueEvents != DefaultMemoryLimit/16/queueEventCost {
		t.Errorf("defaults: %+v, queue_events %d", cfg.Limits, cfg.Pipeline.QueueEvents)
	}
	_, err = ParseConfigData("t.toml", []byte(minimalConfig+"\n[limits]\nmemory = \"1MiB\"\n"))
	if err == nil || !strings.Contains(err.Error(), "limits.memory") {
		t.Errorf("memory = 1MiB: %v, want an error", err)
	}
	_, err = ParseConfigData("t.toml", []byte(minimalConfig+"\n[limits]\nmemory = \"64MiB\"\nheap_floor = \"40MiB\"\n"))
	if err == nil || !strings.Contains(err.Error(), "limits.heap_floor") {
		t.Errorf("heap_floor above half of memory: %v, want an error", err)
	}
}

const limitsRelayConfig = `
state_dir = "{{dir}}/state"
[metrics]
listen = ""
[limits]
memory = "300MiB"
` + tcpToFileConfig

// TestStartSetsMemoryLimit: Start sets the runtime's soft memory limit
// (GOMEMLIMIT) from [limits] memory and exports every budget.
func TestStartSetsMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	r := startTestRelay(t, limitsRelayConfig)
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Errorf("memory limit %d after start, want %d", got, 300<<20)
	}
	series := seriesOf(t, r.Registry())
	for name, want := range map[string]float64{
		"memory_bytes":              300 << 20,
		"journal_memory_tail_bytes": 300 << 20 / 16,
		"journal_block_cache_bytes": 300 << 20 / 32,
		"pipeline_queue_events":     300 << 20 / 16 / queueEventCost,
		"heap_floor_bytes":          300 << 20 / 10,
	} {
		if got := series["nomen_limit{limit="+name+"}"]; got != want {
			t.Errorf("nomen_limit{limit=%s} = %v, want %v", name, got, want)
		}
	}
}

// TestEnvironmentMemoryLimitWins: with $GOMEMLIMIT set, the runtime
// already applied it and [limits] memory leaves it alone.
func TestEnvironmentMemoryLimitWins(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	debug.SetMemoryLimit(1 << 30) // what the runtime did at start with this environment
	r := startTestRelay(t, limitsRelayConfig)
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("memory limit %d, want $GOMEMLIMIT's %d", got, 1<<30)
	}
	if got := seriesOf(t, r.Registry())["nomen_limit{limit=memory_bytes}"]; got != 1<<30 {
		t.Errorf("nomen_limit{limit=memory_bytes} = %v, want the limit in force", got)
	}
}

// TestMemoryGuard: the limit in force is [limits] memory while the live
// heap fits in half of it, rises to what Go's default collector would
// allow when it does not (so that the collector does not run constantly),
// with a warning, and comes back down when the live heap shrinks.
func TestMemoryGuard(t *testing.T) {
	if f := runtimeMemory(); f.live <= 0 || f.nonHeap <= 0 || f.held <= f.live || f.allocs <= 0 {
		t.Errorf("the runtime's figures: %+v", f)
	}
	var log bytes.Buffer
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{Name: "g"})
	g := newMemoryGuard(100, gauge, slog.New(slog.NewTextHandler(&log, nil)), nil)
	var live, nonHeap, set int64
	g.read = func() memoryFigures { return memoryFigures{live: live, nonHeap: nonHeap} }
	g.set = func(n int64) int64 { set = n; return 0 }
	g.free = func() {}
	live, nonHeap = 40, 10 // fits: 2*40+10 <= 100
	g.check()
	if set != 0 || g.inForce != 100 {
		t.Fatalf("live heap 40 of 100: limit set to %d (in force %d)", set, g.inForce)
	}
	live = 70
	g.check()
	if set != 150 || g.inForce != 150 || gaugeValue(gauge) != 150 {
		t.Fatalf("live heap 70 of 100: limit %d, gauge %v; want 2*70+10 = 150", set, gaugeValue(gauge))
	}
	if !strings.Contains(log.String(), "raise [limits] memory") {
		t.Errorf("no warning logged: %q", log.String())
	}
	live = 20
	g.check()
	if set != 100 || gaugeValue(gauge) != 100 {
		t.Fatalf("live heap 20 again: limit %d, gauge %v; want [limits] memory, 100", set, gaugeValue(gauge))
	}
}

// TestMemoryGuardReturnsAfterBurst: once a burst is over (the process
// allocates next to nothing for quietTicks seconds) and the runtime holds
// returnAtLeast more than after the last return, the guard gives the
// memory back, once; not while the process is busy, not for less, and
// with $GOMEMLIMIT in force (no limit to adjust) as well.
func TestMemoryGuardReturnsAfterBurst(t *testing.T) {
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{Name: "g"})
	var f memoryFigures
	f.held = 30 << 20
	returns := 0
	g := newMemoryGuard(0, gauge, slog.New(slog.DiscardHandler), nil)
	g.read = func() memoryFigures { return f }
	g.set = func(int64) int64 { t.Fatal("the limit was set with $GOMEMLIMIT in force"); return 0 }
	g.free = func() { returns++; f.held = 31 << 20 } // what is live stays
	g.lastAllocs, g.heldAfter = 0, f.held
	tick := func(allocated, held int64) {
		t.Helper()
		f.allocs += allocated
		if held != 0 {
			f.held = held
		}
		g.check()
	}
	tick(50<<20, 70<<20) // the burst
	tick(40<<20, 0)
	tick(0, 0) // quiet: one second
	if returns != 0 {
		t.Fatalf("%d returns while busy or after one quiet second", returns)
	}
	tick(100<<10, 0) // quiet: two seconds
	if returns != 1 {
		t.Fatalf("%d returns after the burst, want 1", returns)
	}
	for range 10 {
		tick(0, 0)
	}
	if returns != 1 {
		t.Fatalf("%d returns while nothing happens, want still 1", returns)
	}
	tick(5<<20, 36<<20) // a small burst: 5 MiB more held
	tick(0, 0)
	tick(0, 0)
	if returns != 1 {
		t.Fatalf("%d returns after holding 5 MiB more, want still 1", returns)
	}
	tick(20<<20, 60<<20)
	for range 3 {
		tick(0, 0)
	}
	if returns != 2 {
		t.Fatalf("%d returns after the second burst, want 2", returns)
	}
}

// TestEnvironmentGOGCWins: with $GOGC set, [limits] heap_floor leaves the
// collector alone and is exported as 0.
func TestEnvironmentGOGCWins(t *testing.T) {
	t.Setenv("GOGC", "100")
	before := debug.SetGCPercent(123)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	r := startTestRelay(t, limitsRelayConfig)
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("GOGC %d with $GOGC set, want it left alone (123)", got)
	}
	if got, ok := seriesOf(t, r.Registry())["nomen_limit{limit=heap_floor_bytes}"]; !ok || got != 0 {
		t.Errorf("nomen_limit{limit=heap_floor_bytes} = %v (%v), want 0", got, ok)
	}
}

func gaugeValue(g prometheus.Gauge) float64 {
	var m dto.Metric
	g.Write(&m)
	return m.GetGauge().GetValue()
}
