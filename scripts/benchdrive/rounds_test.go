package main

import (
	"math"
	"testing"
)

func TestSpread(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want string
	}{
		{[]float64{3, 1, 2}, "2 (1..3)"},
		{[]float64{4, 1, 3, 2}, "2.5 (1..4)"},
		{[]float64{7}, "7 (7..7)"},
		{nil, "-"},
	} {
		if got := spread(tc.xs, "%g"); got != tc.want {
			t.Errorf("spread(%v) = %q, want %q", tc.xs, got, tc.want)
		}
	}
}

// CPU per message is compared within a round, to the first scenario's;
// a failed run leaves its round out of that comparison.
func TestRoundsRelative(t *testing.T) {
	rs := newRounds([]string{"plain", "rules"})
	rs.add([]*result{{cpu: 10, msgs: 1e6}, {cpu: 15, msgs: 1e6}})
	rs.add([]*result{{cpu: 8, msgs: 1e6}, {cpu: 10, msgs: 1e6}})
	rs.add([]*result{nil, {cpu: 30, msgs: 1e6}})
	got := rs.rel["rules"]
	if len(got) != 2 || math.Abs(got[0]-50) > 1e-9 || math.Abs(got[1]-25) > 1e-9 {
		t.Errorf("relative CPU per message = %v, want [50 25]", got)
	}
	if len(rs.runs["rules"]) != 3 || len(rs.runs["plain"]) != 2 {
		t.Errorf("runs kept: %d rules, %d plain", len(rs.runs["rules"]), len(rs.runs["plain"]))
	}
}
