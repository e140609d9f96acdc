package output

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/internal/syncbuf"
)

// TestFailureLogCountsTheRun: a failing output logs its first failure at
// once, then one line per logEvery whose failures is the run's count so
// far (an operator reading "failures=2 failing_for=2m" took it for the
// total), and the recovery with the run's total.
func TestFailureLogCountsTheRun(t *testing.T) {
	var buf syncbuf.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	var f failureLog
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	err := errors.New("connect: connection refused")
	step := logEvery / 3
	for i := range 9 { // 9 failures, step apart: lines at the first, the 4th and the 7th
		f.failed(log, start.Add(time.Duration(i)*step), err, 0)
	}
	f.recovered(log, start.Add(9*step))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{`msg="output: failed, retrying"`,
		fmt.Sprintf("failures=4 failing_for=%v", 3*step), fmt.Sprintf("failures=7 failing_for=%v", 6*step),
		`msg="output: delivering again" failures=9`}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d %q does not say %q", i+1, lines[i], w)
		}
	}
}
