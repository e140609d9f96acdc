package output

import (
	"fmt"
	"strings"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/nomenhq/nomen/relay/testcase"
)

// Passes reports whether the output takes e: where matches (or is empty)
// and where_not does not (or is empty), as the worker decides.
func Passes(where, whereNot filter.Filter, e *event.Event) bool {
	return (where.Empty() || where.Match(e)) && (whereNot.Empty() || !whereNot.Match(e))
}

// FilterFailure is one failed [[output.test]]: Test is its position
// among the output's tests (1-based).
type FilterFailure struct {
	Test int
	Msg  string
}

// FilterTests runs the output's [[output.test]] cases; parse turns a raw
// line into a normalized event.
func (c Common) FilterTests(parse testcase.ParseLine) []FilterFailure {
	where, whereNot, err := c.Filters()
	if err != nil {
		return []FilterFailure{{1, err.Error()}}
	}
	var out []FilterFailure
	for i, t := range c.Test {
		if t.Event == nil || t.Match == nil {
			out = append(out, FilterFailure{i + 1, "needs event = {...} and match = true or false"})
			continue
		}
		e, err := testcase.Event(t.Event, testcase.Epoch, parse)
		if err != nil {
			out = append(out, FilterFailure{i + 1, fmt.Sprintf("event: %v", err)})
			continue
		}
		if got := Passes(where, whereNot, e); got != *t.Match {
			out = append(out, FilterFailure{i + 1, fmt.Sprintf("match = %t, want %t%s", got, *t.Match, why(where, whereNot, e, got))})
		}
	}
	return out
}

// why explains a wrong verdict: the where conditions that failed, or that
// where_not matched; or, for an event let through, that nothing stopped it.
func why(where, whereNot filter.Filter, e *event.Event, passed bool) string {
	switch {
	case passed:
		return " (where matches it, where_not does not)"
	case !where.Empty() && !where.Match(e):
		return "\n  where: " + strings.Join(where.Mismatches(e), "\n  where: ")
	}
	return " (where_not matches it: " + whereNot.String() + ")"
}
