package correlate

import (
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize"
	relaydecode "github.com/nomenhq/nomen/relay/decode"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/testcase"
)

func parseLines(t *testing.T) testcase.ParseLine {
	norm, err := normalize.New(normalize.Config{})
	if err != nil {
		t.Fatal(err)
	}
	dec := relaydecode.NewInput(relaydecode.Options{Input: "test", Location: time.UTC, Rules: relaydecode.Fixed(norm)}).Decoder()
	return func(line string, at time.Time) *event.Event {
		e := event.New(at)
		dec.Decode([]byte(line), e)
		return e
	}
}

// The shipped examples test every rule kind, and their tests pass.
func TestExampleRuleTests(t *testing.T) {
	cfg, _ := loadSections(t, examples)
	kinds := map[string]bool{}
	for _, r := range cfg.Correlate.withTests() {
		kinds[r.kind] = true
	}
	for _, k := range []string{"match", "threshold", "pair", "first_seen", "process"} {
		if !kinds[k] {
			t.Errorf("examples.toml has no test of a %s rule", k)
		}
	}
	for _, f := range cfg.Correlate.RunTests(parseLines(t)) {
		t.Errorf("%s %s test %d: %s", f.Kind, f.Rule, f.Test, strings.Join(f.Diff, "; "))
	}
}

// A wrong expectation fails with what differs; the failure names the
// rule and the test's position among its kind's tests.
func TestRuleTestFailures(t *testing.T) {
	five := func(ip string) []string {
		var l []string
		for i := range 5 {
			l = append(l, "<38>Nov 22 10:15:0"+string(rune('1'+i))+" web1 sshd[392]: Failed password for root from "+ip+" port 22 ssh2")
		}
		return l
	}
	rule := ThresholdRule{Rule: Rule{Name: "brute"}, Where: map[string]any{"event.category": "authentication", "event.outcome": "failure"},
		GroupBy: []string{"source.ip"}, Count: 5, Window: 60e9}
	rule.Test = []RuleTest{
		{Lines: five("10.0.0.5"), Expect: []map[string]any{{"rule.name": "brute", "source.ip": "10.0.0.5"}}},
		{Lines: five("10.0.0.5"), Expect: []map[string]any{{"source.ip": "10.0.0.9"}}},
		{Lines: five("10.0.0.5")[:4], Expect: []map[string]any{{"rule.name": "brute"}}},
		{Lines: five("10.0.0.5"), ExpectNone: true},
		{Lines: []string{five("10.0.0.5")[0], "@advance 2m", five("10.0.0.5")[1]}, ExpectNone: true},
		{Lines: five("10.0.0.5")},
	}
	failures := Config{Threshold: []ThresholdRule{rule}}.RunTests(parseLines(t))
	want := map[int]string{
		2: `source.ip: got "10.0.0.5", want 10.0.0.9`,
		3: "got 0 finding(s), want 1",
		4: "got 1 finding(s), want 0",
		6: "no expect",
	}
	if len(failures) != len(want) {
		t.Fatalf("failures: %+v", failures)
	}
	for _, f := range failures {
		if w, ok := want[f.Test]; !ok || !strings.Contains(strings.Join(f.Diff, "\n"), w) || f.Seq != f.Test-1 || f.Rule != "brute" {
			t.Errorf("test %d: %+v, want %q", f.Test, f, w)
		}
	}
}
