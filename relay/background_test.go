package relay

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/syncbuf"
	"github.com/prometheus/client_golang/prometheus"
)

// TestMemoryGuardSurvivesAPanickingCheck: a check of the memory guard
// that panics (here reading the runtime's figures) is skipped, counted in
// nomen_background_panics_total{task=memory_guard} and logged with the
// stack; the next check does its job.
func TestMemoryGuardSurvivesAPanickingCheck(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{Name: "g"})
	g := newMemoryGuard(100, gauge, logger, m.taskGuard(taskMemoryGuard, logger))
	var set int64
	g.set = func(n int64) int64 { set = n; return 0 }
	g.free = func() {}
	g.read = func() memoryFigures { panic("runtime/metrics: unknown sample") }
	g.tick()
	if got := seriesOf(t, reg)["nomen_background_panics_total{task=memory_guard}"]; got != 1 {
		t.Errorf("nomen_background_panics_total{task=memory_guard} = %v, want 1", got)
	}
	if out := log.String(); !strings.Contains(out, "background task panicked") || !strings.Contains(out, "task=memory_guard") ||
		!strings.Contains(out, "background_test.go") {
		t.Errorf("want the panic logged with its task and stack:\n%s", out)
	}
	g.read = func() memoryFigures { return memoryFigures{live: 70, nonHeap: 10} }
	g.tick()
	if set != 150 {
		t.Errorf("the check after the panic set the limit to %d, want 2*70+10 = 150", set)
	}
}

// TestKeepRunningStartsOverAfterAPanic: a background loop that panics
// (the agent listeners' accept loop, the tier's lease keeper) runs again
// after the backoff, each panic counted and logged, until it returns; a
// cancelled context ends the wait to run it again.
func TestKeepRunningStartsOverAfterAPanic(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	var log syncbuf.Buffer
	g := m.taskGuard(taskTierLeases, slog.New(slog.NewTextHandler(&log, nil)))
	runs := 0
	g.keepRunning(context.Background(), func() {
		runs++
		if runs <= 2 {
			panic("partition: index out of range")
		}
	})
	if runs != 3 {
		t.Errorf("the loop ran %d times, want 3 (two panicked)", runs)
	}
	if got := seriesOf(t, reg)["nomen_background_panics_total{task=tier_leases}"]; got != 2 {
		t.Errorf("nomen_background_panics_total{task=tier_leases} = %v, want 2", got)
	}
	if !strings.Contains(log.String(), "task=tier_leases") {
		t.Errorf("the panic is not logged:\n%s", log.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	runs = 0
	g.keepRunning(ctx, func() { runs++; panic("again") })
	if runs != 1 {
		t.Errorf("with its context ended the loop ran %d times, want 1 (no wait, no second run)", runs)
	}
}
