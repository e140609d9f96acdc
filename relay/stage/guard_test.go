package stage

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/internal/panics"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestGuardEachGoesOn: a panic on one item is reported and Each goes on
// with the next; the log says it once per interval, with the stack.
func TestGuardEachGoesOn(t *testing.T) {
	var logged bytes.Buffer
	c := PanicCounter("test")
	g := NewGuard("test", c, slog.New(slog.NewTextHandler(&logged, nil)))
	var done, failed []int
	g.Each(6, func(i int) {
		if i == 1 || i == 4 {
			panic("bad item")
		}
		done = append(done, i)
	}, func(i int, p *panics.Panic) []any {
		failed = append(failed, i)
		return []any{"item", i}
	})
	if want := []int{0, 2, 3, 5}; !slices.Equal(done, want) {
		t.Errorf("done %v, want %v", done, want)
	}
	if want := []int{1, 4}; !slices.Equal(failed, want) {
		t.Errorf("failed %v, want %v", failed, want)
	}
	if got := count(t, c); got != 2 {
		t.Errorf("counted %v panics, want 2", got)
	}
	out := logged.String()
	if n := strings.Count(out, "processing an event panicked"); n != 1 {
		t.Errorf("%d log lines in one interval, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "item=1") || !strings.Contains(out, "guard_test.go") {
		t.Errorf("log line without the item or the stack:\n%s", out)
	}
}

func TestGuardDo(t *testing.T) {
	c := PanicCounter("test")
	g := NewGuard("test", c, nil)
	g.Do(func() { panic("tick") })
	ran := false
	g.Do(func() { ran = true })
	if !ran || count(t, c) != 1 {
		t.Errorf("ran %v, counted %v; want true, 1", ran, count(t, c))
	}
}

// TestGuardReload: a panicking switch to a reloaded configuration is
// counted and logged with the stage and the stack, and does not reach the
// caller (the pipeline goroutine).
func TestGuardReload(t *testing.T) {
	var logged bytes.Buffer
	c := PanicCounter("test")
	g := NewGuard("test", c, slog.New(slog.NewTextHandler(&logged, nil)))
	g.Reload(func() { panic("bad rule") }, "rules", 3)
	if count(t, c) != 1 {
		t.Errorf("counted %v, want 1", count(t, c))
	}
	if out := logged.String(); !strings.Contains(out, "keeps the old one") || !strings.Contains(out, "rules=3") ||
		!strings.Contains(out, "stage=test") || !strings.Contains(out, "panic=\"bad rule\"") {
		t.Errorf("log line without the reload, its args, the stage or the panic:\n%s", out)
	}
}

func count(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
