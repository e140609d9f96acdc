package correlate

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
)

// panicky stands for a rule with a bug: applying it to an event with
// event.code "poison" panics.
type panicky struct{ b ruleBase }

func (r *panicky) base() *ruleBase { return &r.b }
func (r *panicky) selectors() []selector {
	return []selector{{where: map[string]any{"event.code": "poison"}}}
}
func (r *panicky) apply(*Engine, *event.Event, uint64, int) {
	panic("index out of range [3] with length 3")
}
func (r *panicky) tick(*Engine, time.Time)    {}
func (r *panicky) retire(*event.Event)        {}
func (r *panicky) size() int                  { return 0 }
func (r *panicky) save() any                  { return nil }
func (r *panicky) load(json.RawMessage) error { return nil }

// withPanicky puts a panicky rule before the engine's own.
func withPanicky(t *testing.T, en *Engine) {
	t.Helper()
	rules := append([]rule{&panicky{b: ruleBase{name: "buggy", hash: "buggy"}}}, en.rules...)
	idx, err := buildIndex(rules)
	if err != nil {
		t.Fatal(err)
	}
	en.rules, en.idx, en.memo = rules, idx, idx.conds.newMemo()
}

// TestPanicSkipsCorrelationOfOneEvent: a rule that panics on an event
// stops neither the engine nor the batch: the event goes on as it came,
// the events after it are correlated (the threshold fires on them), and
// the panic is counted in nomen_stage_panics_total{stage="correlate"} and
// logged once per interval with the rule and the stack.
func TestPanicSkipsCorrelationOfOneEvent(t *testing.T) {
	p, logged := loggedBruteforce(t)
	withPanicky(t, p.en)

	poison := func() *event.Event {
		e := failure(p.now, "10.0.0.9")
		e.SetStr("event.code", "poison")
		return e
	}
	batch := []*event.Event{poison(), failure(p.now, "10.0.0.1"), poison(), failure(p.now, "10.0.0.1"), failure(p.now, "10.0.0.1")}
	in := append([]*event.Event(nil), batch...)
	out := p.en.Process(batch)
	if len(out) != len(in)+1 {
		t.Fatalf("got %d events, want the batch's %d and one finding", len(out), len(in))
	}
	for i, e := range in {
		if out[i] != e {
			t.Errorf("event %d is not the one handed in", i)
		}
	}
	if f := out[len(in)]; f.Str("rule.name") != "bf" || f.Str("source.ip") != "10.0.0.1" {
		t.Errorf("finding %s for %s, want bf for 10.0.0.1", f.Str("rule.name"), f.Str("source.ip"))
	}
	if got := labelled(t, p.reg, "nomen_stage_panics_total", "stage", "correlate"); got != 2 {
		t.Errorf("nomen_stage_panics_total{stage=correlate} = %v, want 2", got)
	}
	log := logged.String()
	if n := strings.Count(log, "processing an event panicked"); n != 1 {
		t.Errorf("%d log lines for two panics in one interval, want 1:\n%s", n, log)
	}
	if !strings.Contains(log, "rule=buggy") || !strings.Contains(log, "guard_test.go") {
		t.Errorf("log line without the rule or the stack:\n%s", log)
	}

	// The poison's own source was never counted: two more failures from
	// it are not a threshold of three.
	if got := p.send(failure(p.now, "10.0.0.9"), failure(p.now, "10.0.0.9")); len(got) != 0 {
		t.Errorf("findings %v, want none", got)
	}
}

// reloadPanicky stands for a rule with a bug that a reload finds: armed,
// its base panics once, when the engine switches to a reloaded
// configuration (replace reads every running rule's base first).
type reloadPanicky struct {
	panicky
	armed bool
}

func (r *reloadPanicky) base() *ruleBase {
	if r.armed {
		r.armed = false
		panic("nil map dereference in a rule's reload")
	}
	return &r.b
}

// TestReloadPanicKeepsTheOldRules: a panic while the pipeline goroutine
// switches to a reloaded [correlate] stops neither the engine nor the
// batch: the old rules go on (a threshold of 3, not the reload's 2), the
// panic is counted in nomen_stage_panics_total{stage="correlate"} and
// logged with its stack; the next reload applies.
func TestReloadPanicKeepsTheOldRules(t *testing.T) {
	p, logged := loggedBruteforce(t)
	en := p.en
	buggy := &reloadPanicky{panicky: panicky{b: ruleBase{name: "buggy", hash: "buggy"}}}
	rules := append([]rule{buggy}, en.rules...)
	idx, err := buildIndex(rules)
	if err != nil {
		t.Fatal(err)
	}
	en.rules, en.idx, en.memo = rules, idx, idx.conds.newMemo()

	two := decode(t, strings.Replace(bruteforce, "count = 3", "count = 2", 1))
	buggy.armed = true
	if err := en.Reload(two); err != nil {
		t.Fatal(err)
	}
	if got := p.send(failure(p.now, "10.0.0.1"), failure(p.now, "10.0.0.1")); len(got) != 0 {
		t.Fatalf("findings after two failures: %d, want none (the old threshold of 3)", len(got))
	}
	if got := p.send(failure(p.now, "10.0.0.1")); len(got) != 1 {
		t.Fatalf("findings after three failures: %d, want 1", len(got))
	}
	if got := labelled(t, p.reg, "nomen_stage_panics_total", "stage", "correlate"); got != 1 {
		t.Errorf("nomen_stage_panics_total{stage=correlate} = %v, want 1", got)
	}
	if log := logged.String(); !strings.Contains(log, "keeps the old one") || !strings.Contains(log, "guard_test.go") {
		t.Errorf("log without the reload or the stack:\n%s", log)
	}

	if err := en.Reload(two); err != nil {
		t.Fatal(err)
	}
	if got := p.send(failure(p.now, "10.0.0.2"), failure(p.now, "10.0.0.2")); len(got) != 1 {
		t.Errorf("findings after two failures once reloaded: %d, want 1", len(got))
	}
}

// loggedBruteforce is a pipe through the bruteforce rule whose engine logs
// into the returned buffer, for tests that read what a panic logged.
func loggedBruteforce(t *testing.T) (*pipe, *bytes.Buffer) {
	var logged bytes.Buffer
	p := &pipe{t: t, now: t0, reg: prometheus.NewRegistry()}
	en, err := New(decode(t, bruteforce), Options{Registerer: p.reg, Log: slog.New(slog.NewTextHandler(&logged, nil)),
		Now: func() time.Time { return p.now }, SnapshotEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	p.en = en
	return p, &logged
}
