package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/relay/event"
)

// TestFailure is one failed [[rule.test]] of a user rule.
type TestFailure struct {
	File  string
	Line  int // of the [[rule.test]] header, 0 if unknown
	Rule  string
	Test  int // 1-based, within the rule
	Input string
	Diff  []string // one line per difference
}

// String formats the failure for `nomen check`:
//
//	rules/myapp.toml:14: rule "myapp.login.failure" test 2 failed
//	  input: <38>Jul  1 10:00:00 web1 myapp[7]: LOGIN FAILED user=bob from 10.0.0.1
//	  source.port: got "22" (string), want 22 (int)
func (f TestFailure) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: rule %q test %d failed\n  input: %s", f.File, f.Line, f.Rule, f.Test, f.Input)
	for _, d := range f.Diff {
		b.WriteString("\n  ")
		b.WriteString(d)
	}
	return b.String()
}

// Tests returns the number of embedded tests.
func (rs *Set) Tests() int {
	if rs == nil {
		return 0
	}
	n := 0
	for _, r := range rs.rules {
		n += len(r.tests)
	}
	return n
}

// RunTests runs every rule's embedded tests: parseLine turns a test's input
// (a syslog line or a bare message) into an event, the rule set is applied,
// and the test passes when this rule (not another, not none) matched and
// every expected field has its value and every absent one is missing.
func (rs *Set) RunTests(parseLine func(string) *event.Event) []TestFailure {
	if rs == nil {
		return nil
	}
	var out []TestFailure
	for _, r := range rs.rules {
		for i, t := range r.tests {
			e := parseLine(t.input)
			got := rs.Apply(ecs.ProgramKey(e.AppName), e)
			var diff []string
			switch {
			case got == "":
				diff = append(diff, fmt.Sprintf("no rule matched (program %q, message %q)", e.AppName, e.Message))
			case got != r.name:
				diff = append(diff, fmt.Sprintf("matched by rule %q instead", got))
			default:
				diff = compareExpect(e, t)
			}
			if len(diff) > 0 {
				out = append(out, TestFailure{File: r.file, Line: t.line, Rule: r.name, Test: i + 1, Input: t.input, Diff: diff})
			}
		}
	}
	return out
}

func compareExpect(e *event.Event, t ruleTest) []string {
	var diff []string
	keys := make([]string, 0, len(t.expect))
	for k := range t.expect {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		want, err := event.ValueOf(t.expect[k])
		if err != nil {
			diff = append(diff, fmt.Sprintf("%s: bad expected value: %v", k, err))
			continue
		}
		got, ok := e.Get(k)
		switch {
		case !ok:
			diff = append(diff, fmt.Sprintf("%s: missing, want %s", k, formatValue(want)))
		case !sameValue(got, want):
			diff = append(diff, fmt.Sprintf("%s: got %s, want %s", k, formatValue(got), formatValue(want)))
		}
	}
	for _, k := range t.absent {
		if got, ok := e.Get(k); ok {
			diff = append(diff, fmt.Sprintf("%s: got %s, want absent", k, formatValue(got)))
		}
	}
	return diff
}

func sameValue(a, b event.Value) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case event.TypeStrings:
		return slices.Equal(a.List, b.List)
	case event.TypeInt, event.TypeBool:
		return a.Num == b.Num
	case event.TypeFloat:
		return a.F == b.F
	}
	return a.Str == b.Str
}

// formatValue writes v as TOML would, with its type when that can confuse.
func formatValue(v event.Value) string {
	switch v.Type {
	case event.TypeString:
		return strconv.Quote(v.Str) + " (string)"
	case event.TypeInt:
		return strconv.FormatInt(v.Num, 10) + " (int)"
	case event.TypeFloat:
		return strconv.FormatFloat(v.F, 'g', -1, 64) + " (float)"
	case event.TypeBool:
		return v.String()
	case event.TypeStrings:
		q := make([]string, len(v.List))
		for i, s := range v.List {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return v.String()
}
