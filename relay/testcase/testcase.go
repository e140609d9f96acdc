// Package testcase builds the events of the embedded tests that
// correlation rules ([[correlate.KIND.test]]) and outputs ([[output.test]])
// carry in nomen.toml, and compares what they produce with what a test
// expects. `nomen check` runs them (relay/check_correlate.go).
//
// An event is written as a TOML table, either
//
//   - { "@line" = "<38>Nov 22 10:15:02 web1 sshd[392]: ..." }: a raw
//     syslog line (or a bare message), parsed and normalized as a listener
//     would (ParseLine);
//   - a table of fields: quoted dotted ECS keys with string, integer,
//     float, boolean or string-list values, taken as they are (not
//     normalized); "@timestamp" (RFC 3339) is the event's time.
//
// (A table, not a bare string: nomen.toml is decoded strictly, and the
// TOML decoder checks the keys of tables in an array only when the array
// holds nothing but tables.)
//
// An expectation is a filter table (relay/filter, as where): field =
// value or list of values (any matches), "*" globs, "!" for absent.
package testcase

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
)

// ParseLine turns a raw line received at the given time into a normalized
// event (the relay's decode step).
type ParseLine func(line string, received time.Time) *event.Event

// Event builds one test event from its table. at is its receive time, and
// its time when it carries none.
func Event(spec map[string]any, at time.Time, parse ParseLine) (*event.Event, error) {
	if line, ok := spec["@line"]; ok {
		s, isStr := line.(string)
		switch {
		case !isStr:
			return nil, fmt.Errorf("@line: want a string, got %T", line)
		case len(spec) > 1:
			return nil, fmt.Errorf("@line: a raw line has no other keys (its fields come from parsing it)")
		case parse == nil:
			return nil, fmt.Errorf("@line: a raw line is not accepted here")
		}
		return parse(s, at), nil
	}
	return fieldsEvent(Flatten(spec), at)
}

func fieldsEvent(fields map[string]any, at time.Time) (*event.Event, error) {
	e := event.New(at)
	e.Time = at
	e.Input = "test"
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		v := fields[k]
		if k == "@timestamp" {
			s, ok := v.(string)
			t, err := time.Parse(time.RFC3339Nano, s)
			if !ok || err != nil {
				return nil, fmt.Errorf("@timestamp: want an RFC 3339 time such as \"2026-11-22T10:00:00Z\", got %v", v)
			}
			e.Time, e.Received = t, t
			continue
		}
		val, err := event.ValueOf(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		e.Set(k, val)
	}
	return e, nil
}

// Flatten turns TOML dotted keys written without quotes (event.code = 1,
// which TOML reads as nested tables) into the dotted field names they mean.
func Flatten(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			out[prefix+k] = v
		}
	}
	walk("", m)
	return out
}

// Mismatches compares e with an expectation (a filter table) and returns
// one line per condition it fails; an expectation that does not compile
// is an error.
func Mismatches(e *event.Event, expect map[string]any) ([]string, error) {
	f, err := filter.Compile(Flatten(expect))
	if err != nil {
		return nil, err
	}
	return f.Mismatches(e), nil
}

// Summary names an event in a failure message: its rule.name (or
// event.action) and message.
func Summary(e *event.Event) string {
	what := e.Str("rule.name")
	if what == "" {
		what = e.Str("event.action")
	}
	return strings.TrimSpace(fmt.Sprintf("%s %q", what, e.Message))
}

// Epoch is when a test's first event happens, unless it carries a time.
var Epoch = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
