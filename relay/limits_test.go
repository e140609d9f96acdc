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
	if l.JournalMemoryTail != 16<<20 || l.JournalBlockCache != 8<<20 || cfg.Pipeline.QueueEvents != 8192 {
		t.Errorf("derived from 256MiB: tail %d, cache %d, queue_events %d", l.JournalMemoryTail, l.JournalBlockCache, cfg.Pipeline.QueueEvents)
	}
	cfg, err = ParseConfigData("t.toml", []byte(minimalConfig+`
[limits]
memory = "1GiB"
journal_memory_tail = "1MiB"
journal_block_cache = "2MiB"
[pipeline]
queue_events = 500
`))
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.Limits; l.JournalMemoryTail != 1<<20 || l.JournalBlockCache != 2<<20 || cfg.Pipeline.QueueEvents != 500 {
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
}

const limitsRelayConfig = `
state_dir = "{{dir}}/state"
[metrics]
listen = ""
[limits]
memory = "300MiB"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
[[output]]
name = "archive"
type = "file"
path = "{{dir}}/events.jsonl"
`

// TestStartSetsMemoryLimit: Start sets the runtime's soft memory limit
// (GOMEMLIMIT) from [limits] memory and exports every budget.
func TestStartSetsMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
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
	if live, nonHeap := runtimeMemory(); live <= 0 || nonHeap <= 0 {
		t.Errorf("the runtime's figures: live heap %d, outside the heap %d", live, nonHeap)
	}
	var log bytes.Buffer
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{Name: "g"})
	g := newMemoryGuard(100, gauge, slog.New(slog.NewTextHandler(&log, nil)))
	var live, nonHeap, set int64
	g.read = func() (int64, int64) { return live, nonHeap }
	g.set = func(n int64) int64 { set = n; return 0 }
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

func gaugeValue(g prometheus.Gauge) float64 {
	var m dto.Metric
	g.Write(&m)
	return m.GetGauge().GetValue()
}
