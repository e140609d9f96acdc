package relay

import (
	"runtime/debug"
	"strings"
	"testing"
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
