package forward

import (
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestMetricsSurviveRebuilds: a sink built again (a reload) or a second
// output of the same type shares the vector; each output has its series.
func TestMetricsSurviveRebuilds(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	const name, help = "nomen_test_things_total", "Things."
	a1 := Runtime{Name: "a", Metrics: m}.Counter(name, help)
	a1.Add(2)
	a2 := Runtime{Name: "a", Metrics: m}.Counter(name, help) // rebuilt on reload
	a2.Inc()
	Runtime{Name: "b", Metrics: m}.Counter(name, help).Inc()
	v := Runtime{Name: "a", Metrics: m}.CounterVec("nomen_test_bytes_total", "Bytes.", "storage")
	v.WithLabelValues("inline").Add(5)

	got := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, s := range f.GetMetric() {
			key := f.GetName()
			for _, l := range s.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			got[key] = s.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"nomen_test_things_total output=a":               3,
		"nomen_test_things_total output=b":               1,
		"nomen_test_bytes_total output=a storage=inline": 5,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("gathered %v, want %v", got, want)
	}
}

func TestMetricsDeclaredTwiceDifferentlyPanics(t *testing.T) {
	m := NewMetrics(nil)
	Runtime{Name: "a", Metrics: m}.Counter("nomen_test_x_total", "X.")
	defer func() {
		if recover() == nil {
			t.Fatal("a second declaration with other labels did not panic")
		}
	}()
	Runtime{Name: "a", Metrics: m}.CounterVec("nomen_test_x_total", "X.", "kind")
}

func TestRuntimeWithoutMetricsOrLogger(t *testing.T) {
	rt := Runtime{Name: "a"}
	rt.Counter("nomen_test_y_total", "Y.").Inc() // counted, not registered
	rt.Log().Info("discarded")
}
