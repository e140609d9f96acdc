package status

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Snapshot is the JSON of /v1/status.
type Snapshot struct {
	// TimeMS is when it was taken, in Unix milliseconds (the browser
	// computes rates by it, not by its own clock).
	TimeMS int64 `json:"time_ms"`
	// Metrics holds every nomen_* family (and the few process_* ones in
	// extraFamilies) by name: its series with their labels and value.
	Metrics map[string][]Series `json:"metrics"`
	// Alerts are the latest journaled alerts, newest first.
	Alerts []Alert `json:"alerts"`
}

// Series is one labelled value of a metric family.
type Series struct {
	Labels map[string]string `json:"labels,omitempty"`
	Value  float64           `json:"value"`
}

// Alert is what the page shows of an alert event.
type Alert struct {
	ID       uint64 `json:"id"`
	Time     string `json:"time"`
	Kind     string `json:"kind"` // "finding" or "gap" (a sequence gap or a loss a source declared)
	Rule     string `json:"rule"`
	Severity string `json:"severity,omitempty"`
	Message  string `json:"message"`
	Host     string `json:"host,omitempty"`
	Key      string `json:"key,omitempty"`
	Count    string `json:"count,omitempty"`
}

// extraFamilies are the families besides nomen_* that the page shows.
var extraFamilies = map[string]bool{
	"process_start_time_seconds":    true,
	"process_resident_memory_bytes": true,
}

// maxMessage bounds an alert's message on the page, in bytes.
const maxMessage = 500

// Take reads the registry and the alerts at now. On a registry error it
// returns what was gathered with the error.
func Take(g prometheus.Gatherer, alerts func() []*event.Event, now time.Time) (Snapshot, error) {
	s := Snapshot{TimeMS: now.UnixMilli(), Metrics: map[string][]Series{}, Alerts: []Alert{}}
	fams, err := g.Gather()
	for _, f := range fams {
		if !strings.HasPrefix(f.GetName(), "nomen_") && !extraFamilies[f.GetName()] {
			continue
		}
		list := []Series{}
		for _, m := range f.GetMetric() {
			v, ok := value(f.GetType(), m)
			if !ok {
				continue
			}
			sr := Series{Value: v}
			if len(m.GetLabel()) > 0 {
				sr.Labels = make(map[string]string, len(m.GetLabel()))
				for _, l := range m.GetLabel() {
					sr.Labels[l.GetName()] = l.GetValue()
				}
			}
			list = append(list, sr)
		}
		s.Metrics[f.GetName()] = list
	}
	if alerts != nil {
		for _, e := range alerts() {
			s.Alerts = append(s.Alerts, alertOf(e))
		}
	}
	return s, err
}

// value is a counter's, gauge's or untyped metric's value; histograms and
// summaries (nomen has none) and values JSON cannot hold are left out.
func value(t dto.MetricType, m *dto.Metric) (float64, bool) {
	var v float64
	switch t {
	case dto.MetricType_COUNTER:
		v = m.GetCounter().GetValue()
	case dto.MetricType_GAUGE:
		v = m.GetGauge().GetValue()
	case dto.MetricType_UNTYPED:
		v = m.GetUntyped().GetValue()
	default:
		return 0, false
	}
	return v, !math.IsNaN(v) && !math.IsInf(v, 0)
}

// alertOf summarises an alert: a correlation finding (relay/correlate),
// or a gap or loss (relay/sequence, relay/agent: they set nomen.gap.*).
func alertOf(e *event.Event) Alert {
	a := Alert{
		ID:       e.ID,
		Time:     e.Time.UTC().Format(time.RFC3339),
		Kind:     "finding",
		Rule:     e.Str("rule.name"),
		Severity: e.Str("event.severity"),
		Message:  truncate(e.Message, maxMessage),
		Host:     e.Str("host.name"),
		Key:      e.Str("nomen.finding.key"),
		Count:    e.Str("nomen.finding.count"),
	}
	if stream := e.Str("nomen.gap.stream"); stream != "" || e.Str("event.dataset") == "nomen.sequence" {
		a.Kind = "gap"
		a.Key = stream
		a.Count = e.Str("nomen.gap.count")
	}
	if a.Rule == "" {
		a.Rule = e.Str("event.action")
	}
	if a.Message == "" {
		a.Message = truncate(e.Str("rule.description"), maxMessage)
	}
	return a
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
