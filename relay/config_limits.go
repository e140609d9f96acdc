package relay

import (
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/nomenhq/nomen/internal/config"
)

// LimitsConfig is the [limits] section: how much memory nomen aims to
// use, and the budgets of the parts that hold events in memory, which
// derive from it unless set. Every budget has a gauge (configs/nomen.toml
// names them); none of them trades away a guarantee: the journal is still
// written (and fsynced as configured) before any output sees an event, and
// a budget that is used up makes senders wait or, for datagrams, counts
// drops, exactly as the pipeline queue always did.
type LimitsConfig struct {
	// Memory is the Go runtime's soft memory limit (GOMEMLIMIT), set at
	// start, unless the environment sets GOMEMLIMIT, which then wins
	// (default 128MiB). The collector runs more often as the heap nears
	// it, instead of letting it grow to twice what is live; when the live
	// heap needs more than half of it, the limit in force rises
	// (memguard.go).
	Memory config.ByteSize `toml:"memory"`
	// JournalMemoryTail bounds the recent events, not yet delivered by
	// every output, that the journal keeps in memory for outputs that
	// keep up (default memory/16); an output further behind reads the
	// journal from disk.
	JournalMemoryTail config.ByteSize `toml:"journal_memory_tail"`
	// JournalBlockCache bounds the decoded blocks kept for outputs that
	// read from disk (default memory/32).
	JournalBlockCache config.ByteSize `toml:"journal_block_cache"`
	// HeapFloor is the heap the collector lets grow before it collects
	// while the live heap is small (default memory/10): Go's default
	// collects at twice the live heap, at least 4 MiB, which for a relay
	// whose live heap is a few MiB means a collection every ~35 ms at
	// 100,000 datagrams a second, ~25 % of its CPU (gcfloor.go). $GOGC
	// in the environment wins.
	HeapFloor config.ByteSize `toml:"heap_floor"`
}

// Defaults and bounds of [limits].
const (
	DefaultMemoryLimit = 128 << 20
	minMemoryLimit     = 16 << 20
	// queueEventCost is what an event waiting in the pipeline queue is
	// taken to cost (a ~250-byte message, decoded, with its ECS fields),
	// from which pipeline.queue_events derives: memory/16 of them.
	queueEventCost = 2 << 10
	// minQueueEvents keeps a derived queue able to hold a few full batches.
	minQueueEvents = 1024
)

func (l *LimitsConfig) setDefaults() {
	if l.Memory == 0 {
		l.Memory = DefaultMemoryLimit
	}
	if l.JournalMemoryTail == 0 {
		l.JournalMemoryTail = l.Memory / 16
	}
	if l.JournalBlockCache == 0 {
		l.JournalBlockCache = l.Memory / 32
	}
	if l.HeapFloor == 0 {
		l.HeapFloor = l.Memory / 10
	}
}

// defaultQueueEvents is pipeline.queue_events unless configured.
func (l *LimitsConfig) defaultQueueEvents() int {
	return max(int(l.Memory/16/queueEventCost), minQueueEvents)
}

func (l *LimitsConfig) validate() error {
	if l.Memory < minMemoryLimit {
		return fmt.Errorf("limits.memory %d: want at least %d (16MiB)", l.Memory, minMemoryLimit)
	}
	if l.JournalMemoryTail < 0 || l.JournalBlockCache < 0 || l.HeapFloor < 0 {
		return fmt.Errorf("limits: journal_memory_tail, journal_block_cache and heap_floor must not be negative")
	}
	if l.HeapFloor > l.Memory/2 {
		return fmt.Errorf("limits.heap_floor %d: want at most half of limits.memory (%d)", l.HeapFloor, l.Memory/2)
	}
	return nil
}

// applyLimits sets the runtime's soft memory limit from [limits] memory,
// unless $GOMEMLIMIT set it, starts the guard that keeps it from costing
// too much and gives memory back after bursts (memguard.go), keeps the
// collector from running for a small heap's sake ([limits] heap_floor,
// unless $GOGC is set: gcfloor.go), and exports every budget in force as
// nomen_limit{limit}.
func applyLimits(cfg *Config, log *slog.Logger, m *Metrics) *memoryGuard {
	g := m.Limits
	panics := m.taskGuard(taskMemoryGuard, log)
	memory := g.WithLabelValues("memory_bytes")
	g.WithLabelValues("journal_memory_tail_bytes").Set(float64(cfg.Limits.JournalMemoryTail))
	g.WithLabelValues("journal_block_cache_bytes").Set(float64(cfg.Limits.JournalBlockCache))
	g.WithLabelValues("pipeline_queue_events").Set(float64(cfg.Pipeline.QueueEvents))
	floor := int64(cfg.Limits.HeapFloor)
	if env := os.Getenv("GOGC"); env != "" {
		log.Info("GOGC is set in the environment; [limits] heap_floor is not applied", "GOGC", env)
		floor = 0
	}
	g.WithLabelValues("heap_floor_bytes").Set(float64(floor))
	configured := int64(cfg.Limits.Memory)
	if env := os.Getenv("GOMEMLIMIT"); env != "" {
		log.Info("GOMEMLIMIT is set in the environment; [limits] memory is not applied", "GOMEMLIMIT", env)
		memory.Set(float64(debug.SetMemoryLimit(-1)))
		configured = 0
	} else {
		debug.SetMemoryLimit(configured)
		memory.Set(float64(configured))
	}
	guard := newMemoryGuard(configured, memory, log, panics)
	guard.heapFloor = startHeapFloor(floor)
	guard.start()
	return guard
}
