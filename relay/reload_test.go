package relay

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/internal/syncbuf"
	dto "github.com/prometheus/client_model/go"
)

// panickySink is an output type with a bug that a reload finds: building
// its sink panics.
type panickySink struct {
	Path string `toml:"path"`
}

func (*panickySink) Validate() error { return nil }
func (*panickySink) NewSink(forward.Runtime) (forward.Sink, error) {
	panic("assignment to entry in nil map")
}

// TestReloadPanicKeepsServing: a reload that panics (adding an output of
// a type whose sink panics when built) is a failed reload, counted as
// one, logged with the stack; the relay goes on serving with the
// configuration it had (the running output still writes what arrives);
// and the next reload works (no lock is left held).
func TestReloadPanicKeepsServing(t *testing.T) {
	outputTypes = append(outputTypes, outputType{name: "panicky", config: func() forward.Config { return new(panickySink) }})
	t.Cleanup(func() { outputTypes = outputTypes[:len(outputTypes)-1] })

	dir := t.TempDir()
	path := filepath.Join(dir, "nomen.toml")
	conf := func(extra string) {
		if err := os.WriteFile(path, []byte(tcpToFiles(dir, "old")+extra), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var logged syncbuf.Buffer
	r := stopAtEnd(t, startRelay(t, tcpToFiles(dir, "old"), &logged))
	send := func(msg string, lines int) {
		t.Helper()
		sendLines(t, r, msg)
		if !waitLines(t, dir, map[string]int{"old": lines}) {
			t.Fatalf("%q did not reach the output", msg)
		}
	}
	send("one", 1)

	conf("[[output]]\nname = \"bad\"\ntype = \"panicky\"\n")
	if err := r.ReloadFrom(context.Background(), path); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("reload = %v, want the panic's error", err)
	}
	if got := reloads(t, r, "failure"); got != 1 {
		t.Errorf("nomen_config_reloads_total{result=failure} = %v, want 1", got)
	}
	if log := logged.String(); !strings.Contains(log, "reload panicked") || !strings.Contains(log, "reload_test.go") {
		t.Errorf("log without the panic or its stack:\n%s", log)
	}
	send("two", 2) // still serving, with the running output

	conf("")
	if err := r.ReloadFrom(context.Background(), path); err != nil {
		t.Fatalf("the reload after: %v", err)
	}
	if got := reloads(t, r, "success"); got != 1 {
		t.Errorf("nomen_config_reloads_total{result=success} = %v, want 1", got)
	}
	send("three", 3)
}

func reloads(t *testing.T, r *Relay, result string) float64 {
	t.Helper()
	var m dto.Metric
	if err := r.metrics.ConfigReloads.WithLabelValues(result).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// TestOutputStopPanic: a panic while a reload stops a changed output
// (injected through runningOutput.stop) is that output's failed stop,
// counted and logged with its stack, not the end of the process. If the
// panic left the worker running, the output runs on as it was and still
// delivers; once a stop panics after the worker stopped, its
// replacement starts and goes on from its cursor.
func TestOutputStopPanic(t *testing.T) {
	dir := t.TempDir()
	var logged syncbuf.Buffer
	r := stopAtEnd(t, startRelay(t, tcpToFiles(dir, "out"), &logged))
	changed, err := ParseConfigData("t.toml", []byte(tcpToFiles(dir, "out")+"batch_size = 7\n"))
	if err != nil {
		t.Fatal(err)
	}
	send := func(msg string, lines int) {
		t.Helper()
		sendLines(t, r, msg)
		if !waitLines(t, dir, map[string]int{"out": lines}) {
			t.Fatalf("%q did not reach the output", msg)
		}
	}
	stopPanics := func() float64 {
		t.Helper()
		var m dto.Metric
		if err := r.outputMetrics.StopPanics.WithLabelValues("out").Write(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetCounter().GetValue()
	}
	send("one", 1)

	old := r.outputs["out"]
	old.stop = func(context.Context) error { panic("before the worker stopped") }
	if err := r.Reload(context.Background(), changed); err != nil {
		t.Fatalf("reload: %v", err)
	}
	if got := stopPanics(); got != 1 {
		t.Errorf("nomen_output_stop_panics_total{output=out} = %v, want 1", got)
	}
	if log := logged.String(); !strings.Contains(log, "stopping an output panicked") || !strings.Contains(log, "before the worker stopped") ||
		!strings.Contains(log, "reload_test.go") || !strings.Contains(log, "runs on as it was") {
		t.Errorf("log without the panic, its stack or what became of the output:\n%s", log)
	}
	if r.outputs["out"] != old {
		t.Fatal("the output whose worker still runs was forgotten")
	}
	send("two", 2) // the old output still delivers

	old.stop = func(ctx context.Context) error {
		old.w.Stop(ctx)
		panic("after the worker stopped")
	}
	if err := r.Reload(context.Background(), changed); err != nil {
		t.Fatalf("reload: %v", err)
	}
	if got := stopPanics(); got != 2 {
		t.Errorf("nomen_output_stop_panics_total{output=out} = %v, want 2", got)
	}
	if r.outputs["out"] == old || r.outputs["out"].cfg.Common.BatchSize != 7 {
		t.Fatal("the stopped output was not replaced by the changed one")
	}
	send("three", 3) // the new output, from the cursor
	if linesReached(t, dir, map[string]int{"out": 4}) {
		t.Error("an event was delivered twice")
	}
}
