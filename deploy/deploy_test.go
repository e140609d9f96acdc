package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestRulesPromtool runs `promtool check rules` and `promtool test rules`
// (.ci/run installs promtool from Debian's prometheus package).
func TestRulesPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (.ci/run installs it from Debian's prometheus package)")
	}
	for _, args := range [][]string{
		{"check", "rules", "nomen-rules.yml"},
		{"test", "rules", "nomen-rules.test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "prometheus"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

var (
	reAlert     = regexp.MustCompile(`^\s*- alert:\s*(\S+)\s*$`)
	reAlertName = regexp.MustCompile(`^\s*alertname:\s*(\S+)\s*$`)
	reExpLabels = regexp.MustCompile(`^\s*- exp_labels:`)
	reExpNone   = regexp.MustCompile(`^\s*exp_alerts:\s*\[\]\s*$`)
)

// TestEveryAlertTested: each alert of nomen-rules.yml has a unit test case
// where it fires and one where it must stay quiet, and the tests name no
// alert the rules lack.
func TestEveryAlertTested(t *testing.T) {
	var alerts []string
	sc := bufio.NewScanner(bytes.NewReader(Rules))
	for sc.Scan() {
		if m := reAlert.FindStringSubmatch(sc.Text()); m != nil {
			alerts = append(alerts, m[1])
		}
	}
	if len(alerts) == 0 {
		t.Fatal("no alert found in nomen-rules.yml")
	}
	tests := readFile(t, "prometheus/nomen-rules.test.yml")
	tested, fires, quiet := map[string]bool{}, map[string]bool{}, map[string]bool{}
	current := ""
	sc = bufio.NewScanner(bytes.NewReader(tests))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case reAlertName.MatchString(line):
			current = reAlertName.FindStringSubmatch(line)[1]
			tested[current] = true
		case reExpLabels.MatchString(line):
			fires[current] = true
		case reExpNone.MatchString(line):
			quiet[current] = true
		}
	}
	known := map[string]bool{}
	for _, a := range alerts {
		known[a] = true
		if !fires[a] {
			t.Errorf("alert %s has no test case where it fires", a)
		}
		if !quiet[a] {
			t.Errorf("alert %s has no test case where it must not fire (exp_alerts: [])", a)
		}
	}
	for a := range tested {
		if !known[a] {
			t.Errorf("nomen-rules.test.yml tests alert %s, which nomen-rules.yml lacks", a)
		}
	}
}

// panel is the part of a Grafana panel this test reads.
type panel struct {
	ID         int               `json:"id"`
	Type       string            `json:"type"`
	Title      string            `json:"title"`
	Datasource *datasource       `json:"datasource"`
	GridPos    map[string]int    `json:"gridPos"`
	Targets    []json.RawMessage `json:"targets"`
	Panels     []panel           `json:"panels"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type target struct {
	Datasource *datasource `json:"datasource"`
	Expr       string      `json:"expr"`
	RefID      string      `json:"refId"`
}

// TestDashboard checks what Grafana cannot be asked here: the dashboard is
// JSON, its data source is the variable ${datasource} everywhere (no data
// source id of one Grafana), every query is filtered by $job and $instance,
// and panel ids are unique.
func TestDashboard(t *testing.T) {
	var d struct {
		Title      string  `json:"title"`
		UID        string  `json:"uid"`
		Panels     []panel `json:"panels"`
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query any    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(Dashboard, &d); err != nil {
		t.Fatalf("grafana/nomen.json: %v", err)
	}
	if d.Title == "" || d.UID == "" {
		t.Error("the dashboard needs a title and a uid")
	}
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.Type
		if v.Name == "datasource" && v.Query != "prometheus" {
			t.Errorf("variable datasource: query %v, want prometheus", v.Query)
		}
	}
	for name, typ := range map[string]string{"datasource": "datasource", "job": "query", "instance": "query"} {
		if vars[name] != typ {
			t.Errorf("variable %s: type %q, want %q", name, vars[name], typ)
		}
	}
	// Only the variable and Grafana's built-in annotation source are named.
	for _, m := range regexp.MustCompile(`"uid":\s*"([^"]*)"`).FindAllSubmatch(Dashboard, -1) {
		if uid := string(m[1]); uid != "${datasource}" && uid != "-- Grafana --" && uid != d.UID {
			t.Errorf("data source uid %q: use the variable ${datasource}", uid)
		}
	}
	ids := map[int]string{}
	queries := 0
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if other, dup := ids[p.ID]; dup || p.ID == 0 {
				t.Errorf("panel %q: id %d (also %q)", p.Title, p.ID, other)
			}
			ids[p.ID] = p.Title
			if p.GridPos["w"] == 0 || p.GridPos["h"] == 0 {
				t.Errorf("panel %q: no size in gridPos", p.Title)
			}
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			if p.Datasource == nil || p.Datasource.UID != "${datasource}" {
				t.Errorf("panel %q: datasource %+v, want uid ${datasource}", p.Title, p.Datasource)
			}
			if len(p.Targets) == 0 {
				t.Errorf("panel %q has no query", p.Title)
			}
			for _, raw := range p.Targets {
				var q target
				if err := json.Unmarshal(raw, &q); err != nil {
					t.Fatal(err)
				}
				queries++
				if q.Datasource == nil || q.Datasource.UID != "${datasource}" {
					t.Errorf("panel %q query %s: datasource %+v, want uid ${datasource}", p.Title, q.RefID, q.Datasource)
				}
				if n := strings.Count(q.Expr, `job=~"$job", instance=~"$instance"`); n == 0 || n != len(metricName.FindAllString(q.Expr, -1)) {
					t.Errorf("panel %q query %s: every series must be filtered by $job and $instance: %s", p.Title, q.RefID, q.Expr)
				}
			}
		}
	}
	walk(d.Panels)
	if queries == 0 {
		t.Error("the dashboard has no query")
	}
}

// TestMetricNames: the extraction finds the names both files use, whole.
func TestMetricNames(t *testing.T) {
	names := MetricNames()
	for _, want := range []string{"nomen_output_lag_events", "nomen_dropped_events_total", "nomen_config_reloads_total", "nomen_agent_connections"} {
		if len(names[want]) != 2 {
			t.Errorf("%s: found in %v, want both the dashboard and the rules", want, names[want])
		}
	}
	for name := range names {
		if strings.HasSuffix(name, "_") {
			t.Errorf("%q: a name cut short", name)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
