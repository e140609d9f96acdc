// Package deploy holds what runs beside nomen rather than in it: the Grafana
// dashboard (grafana/nomen.json) and the Prometheus alerting rules
// (prometheus/nomen-rules.yml, unit-tested by prometheus/nomen-rules.test.yml).
// The Debian package installs them as examples. The package's Go code only
// lets tests read them: its own tests check their shape and run promtool;
// cmd/nomen's TestDeployMetricsExported checks every metric they use against
// a running nomen.
package deploy

import (
	_ "embed"
	"regexp"
	"sort"
)

// Dashboard is grafana/nomen.json.
//
//go:embed grafana/nomen.json
var Dashboard []byte

// Rules is prometheus/nomen-rules.yml.
//
//go:embed prometheus/nomen-rules.yml
var Rules []byte

// metricName matches the names of nomen's own series and of the Go and
// process collectors it registers. Prometheus's own series (up) are not
// nomen's to export.
var metricName = regexp.MustCompile(`\b(?:nomen|process|go)_[a-z0-9_]+\b`)

// MetricNames returns every metric name the dashboard and the rules mention
// (in queries, descriptions and comments alike), each with the files that
// mention it.
func MetricNames() map[string][]string {
	names := map[string][]string{}
	for _, f := range []struct {
		name string
		data []byte
	}{{"grafana/nomen.json", Dashboard}, {"prometheus/nomen-rules.yml", Rules}} {
		seen := map[string]bool{}
		for _, m := range metricName.FindAll(f.data, -1) {
			if n := string(m); !seen[n] {
				seen[n] = true
				names[n] = append(names[n], f.name)
			}
		}
	}
	for _, files := range names {
		sort.Strings(files)
	}
	return names
}
