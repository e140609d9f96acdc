package correlate

import (
	"fmt"
	"strings"
	"time"

	"github.com/nomenhq/nomen/internal/config"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/stage"
	"github.com/nomenhq/nomen/relay/testcase"
	"github.com/prometheus/client_golang/prometheus"
)

// RuleTest is one embedded test of a rule, [[correlate.KIND.test]] after
// the rule's table (or of the process tracking, [[correlate.process.test]]):
//
//	[[correlate.threshold.test]]
//	lines = [
//	  "<38>Nov 22 10:15:01 web1 sshd[392]: Failed password for bob from 10.0.0.5 port 4711 ssh2",
//	  "@advance 90s",
//	  ...
//	]
//	expect = [ { "rule.name" = "auth-bruteforce", "source.ip" = "10.0.0.5" } ]
//
// The input goes, in order, through the rule alone (a fresh engine with
// no other rule) in event time (stage.EventClock): Lines are raw syslog
// lines, Events tables (package relay/testcase: fields, or "@line" for a
// raw line, or { "@advance" = "90s" }); a test has one or the other. An
// event without a time of its own comes one second after the previous
// one, the first at testcase.Epoch; "@advance D" moves the clock on by D
// with no event (a window closing). Expect lists every finding, in order,
// as filter tables; expect_none = true says there is none.
type RuleTest struct {
	Lines      []string         `toml:"lines"`
	Events     []map[string]any `toml:"events"`
	Expect     []map[string]any `toml:"expect"`
	ExpectNone bool             `toml:"expect_none"`
}

// TestFailure is one failed embedded test.
type TestFailure struct {
	// Kind is match, threshold, pair, first_seen or process; Index the
	// rule's position among the [[correlate.KIND]] tables (0-based), Test
	// the test's among the rule's (1-based).
	Kind  string
	Rule  string
	Index int
	Test  int
	// Seq is the test's position among all the tests of its kind, in
	// file order (0-based): the Seq-th [[correlate.KIND.test]] header.
	Seq  int
	Diff []string
}

// ruleTests is one rule's tests and the config that holds the rule alone.
type ruleTests struct {
	first int // Seq of the first test
	kind  string
	name  string
	index int
	tests []RuleTest
	alone Config
}

func (c Config) withTests() []ruleTests {
	off := false
	var out []ruleTests
	seq := map[string]int{}
	add := func(kind string, i int, r *Rule, alone Config) {
		if len(r.Test) > 0 {
			alone.Process.Enabled = &off
			out = append(out, ruleTests{first: seq[kind], kind: kind, name: r.Name, index: i, tests: r.Test, alone: alone})
			seq[kind] += len(r.Test)
		}
	}
	for i := range c.Match {
		add("match", i, &c.Match[i].Rule, Config{Match: c.Match[i : i+1]})
	}
	for i := range c.Threshold {
		add("threshold", i, &c.Threshold[i].Rule, Config{Threshold: c.Threshold[i : i+1]})
	}
	for i := range c.Pair {
		add("pair", i, &c.Pair[i].Rule, Config{Pair: c.Pair[i : i+1]})
	}
	for i := range c.FirstSeen {
		add("first_seen", i, &c.FirstSeen[i].Rule, Config{FirstSeen: c.FirstSeen[i : i+1]})
	}
	if len(c.Process.Test) > 0 {
		on := true
		p := c.Process
		p.Enabled = &on
		out = append(out, ruleTests{kind: "process", name: ruleProcess, tests: p.Test, alone: Config{Process: p}})
	}
	return out
}

// Tests returns the number of embedded tests.
func (c Config) Tests() int {
	n := 0
	for _, r := range c.withTests() {
		n += len(r.tests)
	}
	return n
}

// RunTests runs every embedded test; parse turns a raw line into a
// normalized event. The configuration must be valid (Validate).
func (c Config) RunTests(parse testcase.ParseLine) []TestFailure {
	var out []TestFailure
	for _, r := range c.withTests() {
		for j, t := range r.tests {
			if diff := runTest(r.alone, t, parse); len(diff) > 0 {
				out = append(out, TestFailure{Kind: r.kind, Rule: r.name, Index: r.index, Test: j + 1, Seq: r.first + j, Diff: diff})
			}
		}
	}
	return out
}

// runTest replays one test and returns its differences.
func runTest(alone Config, t RuleTest, parse testcase.ParseLine) []string {
	input := t.Events
	for _, l := range t.Lines {
		input = append(input, map[string]any{"@line": l})
	}
	switch {
	case len(t.Lines) > 0 && len(t.Events) > 0:
		return []string{"lines and events: a test has one or the other"}
	case len(input) == 0:
		return []string{"no lines and no events"}
	case t.ExpectNone && len(t.Expect) > 0:
		return []string{"expect and expect_none = true contradict each other: keep one"}
	case !t.ExpectNone && len(t.Expect) == 0:
		return []string{"no expect (the findings) and no expect_none = true"}
	}
	var clock stage.EventClock
	en, err := New(alone, Options{Registerer: prometheus.NewRegistry(), Now: clock.Now, SnapshotEvery: -1})
	if err != nil {
		return []string{err.Error()}
	}
	clock.Stages = []stage.Stage{en}
	defer clock.Close()
	var found []*event.Event
	at := testcase.Epoch
	for i, spec := range input {
		if d, ok, err := advance(spec); err != nil {
			return []string{fmt.Sprintf("input %d: %v", i+1, err)}
		} else if ok {
			found = append(found, clock.Advance(d)...)
			at = clock.Now().Add(time.Second)
			continue
		}
		e, err := testcase.Event(spec, at, parse)
		if err != nil {
			return []string{fmt.Sprintf("input %d: %v", i+1, err)}
		}
		found = append(found, clock.Add(e)...)
		at = clock.Now().Add(time.Second)
	}
	return compareFindings(found, t.Expect)
}

// advance reads an "@advance D" line or { "@advance" = "D" } table.
func advance(spec map[string]any) (time.Duration, bool, error) {
	v, ok := spec["@advance"]
	if !ok {
		line, _ := spec["@line"].(string)
		if v, ok = strings.CutPrefix(line, "@advance "); !ok {
			return 0, false, nil
		}
	}
	s, _ := v.(string)
	d, err := config.ParseDuration(strings.TrimSpace(s))
	if err != nil || d <= 0 || len(spec) > 1 {
		return 0, false, fmt.Errorf("@advance %v: want a positive duration such as \"90s\", alone", v)
	}
	return d, true, nil
}

// compareFindings checks the findings against the expectations, in order.
func compareFindings(found []*event.Event, expect []map[string]any) []string {
	var diff []string
	for i, want := range expect {
		if i >= len(found) {
			break
		}
		d, err := testcase.Mismatches(found[i], want)
		if err != nil {
			return []string{fmt.Sprintf("expect %d: %v", i+1, err)}
		}
		for _, line := range d {
			diff = append(diff, fmt.Sprintf("finding %d (%s): %s", i+1, testcase.Summary(found[i]), line))
		}
	}
	if len(found) != len(expect) {
		diff = append(diff, fmt.Sprintf("got %d finding(s), want %d", len(found), len(expect)))
		for i, f := range found {
			diff = append(diff, fmt.Sprintf("  finding %d: %s", i+1, testcase.Summary(f)))
		}
	}
	return diff
}
