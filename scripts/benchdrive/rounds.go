package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// With -rounds N the scenarios run N times in turn (a, b, a, b, ...) and
// each is summarized as medians with min..max, together with its CPU per
// message relative to the first scenario's in the same round: the
// comparison issue #17 asks for (tcp-mixed against tcp-mixed-rules,
// interleaved pairs, median of 5) on a machine whose load drifts from one
// run to the next. The load average is sampled before every run.

// rounds collects the results of every round, per scenario.
type rounds struct {
	names []string
	runs  map[string][]result // the scenario's successful runs
	rel   map[string][]float64
	loads []float64 // 1-minute load average before each run
}

func newRounds(names []string) *rounds {
	return &rounds{names: names, runs: map[string][]result{}, rel: map[string][]float64{}}
}

// sampleLoad records the load average before a run.
func (rs *rounds) sampleLoad() {
	if l, ok := loadAverage(); ok {
		rs.loads = append(rs.loads, l)
	}
}

// add records one round: r[i] is the result of names[i], nil if it failed.
func (rs *rounds) add(r []*result) {
	for i, name := range rs.names {
		if r[i] == nil {
			continue
		}
		rs.runs[name] = append(rs.runs[name], *r[i])
		if first := r[0]; i > 0 && first != nil && first.cpu > 0 && first.msgs > 0 {
			rs.rel[name] = append(rs.rel[name], 100*(r[i].cpu/r[i].msgs/(first.cpu/first.msgs)-1))
		}
	}
}

// print writes the summary.
func (rs *rounds) print() {
	fmt.Printf("\nmedians (min..max) of %s; load average %s\n", countRuns(rs), spread(rs.loads, "%.1f"))
	fmt.Printf("%-16s %24s %20s %22s  %s\n", "scenario", "msg/s", "CPU µs/msg", "RSS MiB", "CPU/msg vs "+rs.names[0])
	for _, name := range rs.names {
		runs := rs.runs[name]
		if len(runs) == 0 {
			continue
		}
		var rate, cpu, rss []float64
		for _, r := range runs {
			rate = append(rate, r.rate)
			cpu = append(cpu, 1e6*r.cpu/r.msgs)
			rss = append(rss, r.rssMiB)
		}
		rel := ""
		if len(rs.rel[name]) > 0 {
			rel = spread(rs.rel[name], "%+.0f") + " %"
		}
		fmt.Printf("%-16s %24s %20s %22s  %s\n", name, spread(rate, "%.0f"), spread(cpu, "%.2f"), spread(rss, "%.0f"), rel)
	}
}

func countRuns(rs *rounds) string {
	n := len(rs.runs[rs.names[0]])
	return strconv.Itoa(n) + " rounds"
}

// spread formats the median of xs and their range: "12.3 (11.0..14.1)".
func spread(xs []float64, format string) string {
	if len(xs) == 0 {
		return "-"
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return fmt.Sprintf(format+" ("+format+".."+format+")", med, s[0], s[len(s)-1])
}

// loadAverage is the 1-minute load average (Linux).
func loadAverage() (float64, bool) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0, false
	}
	l, err := strconv.ParseFloat(f[0], 64)
	return l, err == nil
}
