package decode

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func newRules(t *testing.T) Rules {
	t.Helper()
	n, err := normalize.New(normalize.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return Fixed(n)
}

// TestFrameCounts: frames are parsed and normalized, and the step's
// series count them: received events and bytes (at Flush), truncations,
// parse failures by format, events by decoder.
func TestFrameCounts(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	in := NewInput(Options{Input: "udp", Location: time.UTC, Rules: newRules(t), Metrics: m})
	d := in.Decoder()
	lines := []string{
		"<38>Nov 22 10:00:00 host1 sshd[123]: Failed password for root from 10.0.0.1 port 22 ssh2",
		"<13>1 - - - - -", // RFC 5424 without a message: kept, marked as a parse error
		"<13>Nov 22 10:00:01 host1 someapp: hello",
	}
	now := time.Date(2026, 11, 22, 10, 0, 2, 0, time.UTC)
	bytes, failures := 0, 0
	decoders := map[string]int{}
	for i, l := range lines {
		e := d.Frame([]byte(l), i == 2, "10.0.0.9:514", now)
		if e.Input != "udp" || e.Peer != "10.0.0.9:514" || !e.Received.Equal(now) || e.Original != l {
			t.Fatalf("frame %d: input %q peer %q received %v original %q", i, e.Input, e.Peer, e.Received, e.Original)
		}
		if e.Has("nomen.parse_error") {
			failures++
		}
		bytes += len(l)
		decoders[in.opts.Rules.Load().Normalize(e)]++ // the same normalizer again: same decoder
	}
	if failures == 0 {
		t.Fatal("the test needs a line that does not parse")
	}
	if value(t, m.Received.WithLabelValues("udp")) != 0 {
		t.Error("received counted before Flush")
	}
	d.Flush()
	check := func(name string, c prometheus.Collector, want float64) {
		t.Helper()
		if got := value(t, c); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("received", m.Received.WithLabelValues("udp"), float64(len(lines)))
	check("bytes", m.ReceivedBytes.WithLabelValues("udp"), float64(bytes))
	check("truncated", m.Truncated.WithLabelValues("udp"), 1)
	check("parse failures", m.ParseFailures.WithLabelValues("udp", "rfc5424"), float64(failures))
	if len(decoders) < 2 {
		t.Fatalf("want a recognised and an unrecognised line, got decoders %v", decoders)
	}
	for name, n := range decoders {
		if name == "" {
			name = "none"
		}
		check("normalized{"+name+"}", m.Normalized.WithLabelValues(name), float64(n))
	}
}

// TestRecordInput: an input of records only normalizes; it exports
// received and bytes (counted by the input itself), not truncations.
func TestRecordInput(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	in := NewRecordInput(Options{Input: "agents", Rules: newRules(t), Metrics: m})
	e := event.New(time.Now())
	e.Format = "agent"
	e.Message = "hello"
	events, _ := in.ReceivedCounters() // the agent server counts, once the records are durable
	in.Normalize([]*event.Event{e, e})
	if got := value(t, m.Normalized.WithLabelValues("none")); got != 2 {
		t.Errorf("normalized{none} = %v, want 2", got)
	}
	events.Add(2)
	series := map[string][]string{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				series[mf.GetName()] = append(series[mf.GetName()], l.GetValue())
			}
		}
	}
	if got := series["nomen_received_events_total"]; len(got) != 1 || got[0] != "agents" {
		t.Errorf("received series for %v, want agents", got)
	}
	if got := series["nomen_truncated_messages_total"]; len(got) != 0 {
		t.Errorf("truncated series for %v, want none", got)
	}
}

// TestNoMetrics: nomen parse and nomen check decode without counting.
func TestNoMetrics(t *testing.T) {
	d := NewInput(Options{Input: "stdin", Location: time.UTC, Rules: newRules(t)}).Decoder()
	e := d.Frame([]byte("<13>Nov 22 10:00:01 host1 someapp: hello"), true, "", time.Now())
	d.Flush()
	if e.AppName != "someapp" || e.Message != "hello" {
		t.Errorf("parsed app %q message %q", e.AppName, e.Message)
	}
}

// value reads a counter.
func value(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 1)
	c.Collect(ch)
	var d dto.Metric
	if err := (<-ch).Write(&d); err != nil {
		t.Fatal(err)
	}
	return d.GetCounter().GetValue()
}

// panickingRules stands for a decoder with a bug: normalizing panics.
type panickingRules struct{}

func (panickingRules) Load() *normalize.Normalizer { panic("index out of range [7] with length 7") }

// TestPanicKeepsMessageRaw: a message whose decoding panics does not stop
// the relay and is not lost: it is kept raw with nomen.parse_error,
// counted as unrecognised and in nomen_decode_panics_total, and logged
// with the stack; the next message decodes as usual. On both paths: a
// listener's frames and the agent's records (which keep the fields the
// agent server set).
func TestPanicKeepsMessageRaw(t *testing.T) {
	const line = "<38>Nov 22 10:00:00 host1 sshd[123]: Failed password for root from 10.0.0.1 port 22 ssh2"
	check := func(t *testing.T, e *event.Event, m *Metrics, listener string, logged *bytes.Buffer, fields int) {
		t.Helper()
		if e.Original != line || e.Message != line {
			t.Errorf("original %q message %q, want the line", e.Original, e.Message)
		}
		if len(e.Fields) != fields {
			t.Errorf("fields %v, want nomen.parse_error and the input's own (%d in all)", e.Fields, fields)
		}
		if v, _ := e.Get("nomen.parse_error"); v.String() != panicError {
			t.Errorf("nomen.parse_error %q", v.String())
		}
		if got := value(t, m.Panics.WithLabelValues(listener)); got != 1 {
			t.Errorf("panics counted %v, want 1", got)
		}
		if got := value(t, m.Normalized.WithLabelValues("none")); got != 1 {
			t.Errorf("normalized{none} %v, want 1", got)
		}
		if !strings.Contains(logged.String(), "decoding a message panicked") || !strings.Contains(logged.String(), "panickingRules") {
			t.Errorf("log without the panic and its stack:\n%s", logged.String())
		}
	}
	t.Run("frames", func(t *testing.T) {
		m := NewMetrics(prometheus.NewRegistry())
		var logged bytes.Buffer
		in := NewInput(Options{Input: "udp", Location: time.UTC, Rules: panickingRules{}, Metrics: m,
			Log: slog.New(slog.NewTextHandler(&logged, nil))})
		d := in.Decoder()
		e := d.Frame([]byte(line), false, "10.0.0.9:514", time.Now())
		d.Flush()
		check(t, e, m, "udp", &logged, 1)
		in.opts.Rules = newRules(t) // the next message, without the bug
		if dec := d.Decode([]byte(line), &event.Event{}); dec != "sshd" {
			t.Errorf("next message decoded by %q, want sshd", dec)
		}
	})
	t.Run("records", func(t *testing.T) {
		m := NewMetrics(prometheus.NewRegistry())
		var logged bytes.Buffer
		in := NewRecordInput(Options{Input: "agents", Rules: panickingRules{}, Metrics: m,
			Log: slog.New(slog.NewTextHandler(&logged, nil))})
		e := &event.Event{Original: line, Message: line}
		e.SetStr("host.name", "ws01")
		in.Normalize([]*event.Event{e})
		check(t, e, m, "agents", &logged, 2)
		if v, _ := e.Get("host.name"); v.String() != "ws01" {
			t.Errorf("host.name the agent set: %q", v.String())
		}
	})
}
