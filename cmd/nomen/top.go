package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

type topOptions struct {
	api      apiFlags
	interval time.Duration
	count    int
	plain    bool
}

// topCmd draws a screen of nomen's metrics every interval.
func topCmd(o topOptions, stdout, stderr io.Writer) int {
	if o.interval < 100*time.Millisecond {
		fmt.Fprintln(stderr, "nomen top: -interval must be at least 100ms")
		return 2
	}
	t, err := o.api.target()
	if err != nil {
		fmt.Fprintln(stderr, "nomen top:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var prev *metricSample
	tick := time.NewTicker(o.interval)
	defer tick.Stop()
	for n := 1; ; n++ {
		cur, err := scrape(ctx, t)
		var b strings.Builder
		if !o.plain {
			b.WriteString("\x1b[H") // home; each line clears its rest, the screen's rest at the end
		}
		header := fmt.Sprintf("nomen top  %s  %s  every %s", t.base, time.Now().UTC().Format("2006-01-02T15:04:05Z"), o.interval)
		if err != nil {
			writeLines(&b, []string{header, "", "reading /metrics: " + err.Error()}, o.plain)
		} else {
			writeLines(&b, append([]string{header + "  version " + cur.label("nomen_build_info", "version")}, topScreen(prev, cur)...), o.plain)
			prev = cur
		}
		if !o.plain {
			b.WriteString("\x1b[J")
		} else {
			b.WriteString("\n")
		}
		if _, err := io.WriteString(stdout, b.String()); err != nil {
			return 1
		}
		if o.count > 0 && n >= o.count {
			if err != nil {
				return 1 // a script's `top -count 1` must see that nomen could not be read
			}
			return 0
		}
		select {
		case <-ctx.Done():
			return 0
		case <-tick.C:
		}
	}
}

func writeLines(b *strings.Builder, lines []string, plain bool) {
	for _, l := range lines {
		b.WriteString(l)
		if !plain {
			b.WriteString("\x1b[K")
		}
		b.WriteString("\n")
	}
}

// metricSample is one reading of /metrics.
type metricSample struct {
	at   time.Time
	fams map[string]*dto.MetricFamily
}

func scrape(ctx context.Context, t *apiTarget) (*metricSample, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
	if err := t.authorize(req, true); err != nil && t.metricsAuth {
		return nil, err
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s", resp.Status)
	}
	at := time.Now()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, err
	}
	return &metricSample{at: at, fams: fams}, nil
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return 0
}

// group sums a family's series by the values of labels, joined by "/".
func (s *metricSample) group(name string, labels ...string) map[string]float64 {
	out := map[string]float64{}
	f := s.fams[name]
	if f == nil {
		return out
	}
	for _, m := range f.Metric {
		var key []string
		for _, l := range labels {
			v := ""
			for _, lp := range m.Label {
				if lp.GetName() == l {
					v = lp.GetValue()
				}
			}
			key = append(key, v)
		}
		out[strings.Join(key, "/")] += metricValue(m)
	}
	return out
}

// label is a label's value on a family's first series.
func (s *metricSample) label(name, label string) string {
	for k := range s.group(name, label) {
		return k
	}
	return "?"
}

// rate is the per-second increase of v since prev's reading, or "-"
// without one (the first screen) or across a restart (a counter fell).
func rate(prev, cur *metricSample, v, before float64, seen bool) string {
	if prev == nil || !seen || v < before {
		return "-"
	}
	return strconv.FormatFloat((v-before)/cur.at.Sub(prev.at).Seconds(), 'f', 1, 64)
}

// topScreen is the screen's body: tables of listeners, outputs, drops,
// findings and gaps.
// Long because it is the screen, table after table, read top to bottom.
func topScreen(prev, cur *metricSample) []string {
	var lines []string
	table := func(title string, cols []string, rows [][]string) {
		w := 20 // the first column: wide enough for every name
		for _, r := range rows {
			w = max(w, len(r[0])+3)
		}
		lines = append(lines, "")
		head := fmt.Sprintf("%-*s", w, title)
		for _, c := range cols {
			head += fmt.Sprintf(" %11s", c)
		}
		lines = append(lines, head)
		if len(rows) == 0 {
			lines = append(lines, "  (none)")
		}
		for _, r := range rows {
			l := fmt.Sprintf("%-*s", w, "  "+r[0])
			for _, c := range r[1:] {
				l += fmt.Sprintf(" %11s", c)
			}
			lines = append(lines, l)
		}
	}
	// rows makes one row per key of cur's family: rate and total.
	counterRows := func(name string, labels ...string) (keys []string, rates, totals map[string]string) {
		now := cur.group(name, labels...)
		var before map[string]float64
		if prev != nil {
			before = prev.group(name, labels...)
		}
		rates, totals = map[string]string{}, map[string]string{}
		for k, v := range now {
			keys = append(keys, k)
			b, seen := before[k]
			rates[k] = rate(prev, cur, v, b, seen)
			totals[k] = number(v)
		}
		slices.Sort(keys)
		return keys, rates, totals
	}

	keys, evRate, evTotal := counterRows("nomen_received_events_total", "listener")
	_, byRate, _ := counterRows("nomen_received_bytes_total", "listener")
	var rows [][]string
	for _, k := range keys {
		rows = append(rows, []string{k, evRate[k], orDash(byRate[k]), evTotal[k]})
	}
	table("LISTENER", []string{"EVENTS/S", "BYTES/S", "EVENTS"}, rows)

	keys, outRate, outTotal := counterRows("nomen_output_events_total", "output")
	lag := cur.group("nomen_output_lag_events", "output")
	failures := cur.group("nomen_output_failures_total", "output")
	dead := cur.group("nomen_output_deadletter_events_total", "output")
	// STATE: the nomen_output_state series at 1 (ok, failing, cannot_open,
	// config_error, deadletter_full), so that a growing lag shows why;
	// last, as its values are wider than a column.
	state := map[string]string{}
	for k, v := range cur.group("nomen_output_state", "output", "state") {
		if out, st, ok := strings.Cut(k, "/"); ok && v == 1 {
			state[out] = st
		}
	}
	rows = nil
	for _, k := range keys {
		rows = append(rows, []string{k, outRate[k], number(lag[k]), outTotal[k], number(failures[k]), number(dead[k]), orDash(state[k])})
	}
	table("OUTPUT", []string{"EVENTS/S", "LAG", "DELIVERED", "FAILURES", "DEADLETTER", "STATE"}, rows)

	rows = nil
	keys, dropRate, dropTotal := counterRows("nomen_dropped_events_total", "stage", "reason")
	for _, k := range keys {
		if dropTotal[k] != "0" {
			rows = append(rows, []string{k, dropRate[k], dropTotal[k]})
		}
	}
	table("DROPPED stage/reason", []string{"EVENTS/S", "EVENTS"}, rows)

	rows = nil
	keys, fRate, fTotal := counterRows("nomen_findings_total", "rule")
	for _, k := range keys {
		rows = append(rows, []string{k, fRate[k], fTotal[k]})
	}
	table("FINDINGS rule", []string{"PER S", "FINDINGS"}, rows)

	rows = nil
	for _, g := range []struct{ label, metric string }{
		{"sequence gaps", "nomen_sequence_gaps_total"},
		{"missing events", "nomen_missing_events_total"},
		{"agent gaps", "nomen_agent_gaps_total"},
	} {
		if cur.fams[g.metric] == nil {
			continue
		}
		_, r, t := counterRows(g.metric)
		rows = append(rows, []string{g.label, r[""], t[""]})
	}
	table("GAPS", []string{"PER S", "TOTAL"}, rows)
	return lines
}

// number shows a value exactly as /metrics has it (counts are integers).
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
