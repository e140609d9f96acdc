package relay

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// startTestRelay starts a relay on doc (a config with {{dir}} for a
// temporary directory) and stops it when the test ends.
func startTestRelay(t *testing.T, doc string) *Relay {
	t.Helper()
	return stopAtEnd(t, startRelay(t, strings.ReplaceAll(doc, "{{dir}}", t.TempDir()), io.Discard))
}

// startRelay starts a relay on the configuration doc that logs to log.
func startRelay(t *testing.T, doc string, log io.Writer) *Relay {
	t.Helper()
	cfg, err := ParseConfigData("t.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	r := New(cfg, slog.New(slog.NewTextHandler(log, nil)), NewRegistry())
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

// tcpToFileConfig ends the smallest configuration a relay starts with:
// a tcp listener and a file output ({{dir}}/events.jsonl).
const tcpToFileConfig = `[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
[[output]]
name = "archive"
type = "file"
path = "{{dir}}/events.jsonl"
`

// stopAtEnd stops r when the test ends.
func stopAtEnd(t *testing.T, r *Relay) *Relay {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
	return r
}

// seriesOf returns every series of reg as `name{k=v,...}` (labels sorted).
func seriesOf(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, lp := range m.GetLabel() {
				labels = append(labels, lp.GetName()+"="+lp.GetValue())
			}
			sort.Strings(labels)
			v := m.GetCounter().GetValue() + m.GetGauge().GetValue()
			got[mf.GetName()+"{"+strings.Join(labels, ",")+"}"] = v
		}
	}
	return got
}

// TestSeriesExistFromStart: every labelled series nomen knows of is
// exported (at 0) by a relay just started, so that alerts built on
// increase() see the first increment and dashboards show 0, not "no data".
func TestSeriesExistFromStart(t *testing.T) {
	r := startTestRelay(t, `
state_dir = "{{dir}}/state"
[metrics]
listen = ""
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[listener]]
name = "agents"
protocol = "agent"
address = "127.0.0.1:0"
plaintext_for_testing = true
[[output]]
name = "archive"
type = "file"
path = "{{dir}}/events.jsonl"
[[correlate.threshold]]
name = "bruteforce"
where = { "event.outcome" = "failure" }
group_by = ["source.ip"]
count = 5
window = "60s"
`)
	got := seriesOf(t, r.Registry())
	want := []string{
		"nomen_config_reloads_total{result=success}",
		"nomen_config_reloads_total{result=failure}",
		"nomen_sequence_loss_reports_total{reason=audit-log-cleared}",
		"nomen_sequence_loss_reports_total{reason=audit-loss}",
		"nomen_sequence_loss_reports_total{reason=agent-declared-gap}",
		"nomen_agent_gaps_total{reason=cleared}",
		"nomen_agent_gaps_total{reason=overwritten}",
		"nomen_agent_gaps_total{reason=unreadable}",
		"nomen_agent_protocol_errors_total{reason=not_allowed}",
		"nomen_agent_protocol_errors_total{reason=max_connections}",
		"nomen_agent_protocol_errors_total{reason=tls}",
		"nomen_agent_protocol_errors_total{reason=malformed}",
		"nomen_agent_protocol_errors_total{reason=frame_size}",
		"nomen_agent_protocol_errors_total{reason=identity}",
		"nomen_dropped_events_total{reason=queue_full,stage=listener}",
		"nomen_dropped_events_total{reason=socket_buffer,stage=listener}",
		"nomen_dropped_events_total{reason=stopping,stage=listener}",
		"nomen_dropped_events_total{reason=append_failed,stage=journal}",
		"nomen_dropped_events_total{reason=disk_budget,stage=journal}",
		"nomen_state_snapshots_total{result=success,stage=sequence}",
		"nomen_state_snapshots_total{result=failure,stage=sequence}",
		"nomen_state_snapshots_total{result=success,stage=correlate}",
		"nomen_state_snapshots_total{result=failure,stage=correlate}",
		"nomen_stage_panics_total{stage=sequence}",
		"nomen_stage_panics_total{stage=correlate}",
		"nomen_output_panics_total{output=archive}",
		"nomen_output_stop_panics_total{output=archive}",
		"nomen_output_worker_panics_total{output=archive}",
		"nomen_background_panics_total{task=memory_guard}",
		"nomen_agent_panics_total{step=read}",
		"nomen_agent_panics_total{step=deliver}",
		"nomen_background_panics_total{task=agent_accept}",
		"nomen_background_panics_total{task=api_serve}",
		"nomen_background_panics_total{task=tier_leases}",
		"nomen_background_panics_total{task=tier_state}",
		"nomen_background_panics_total{task=journal_read_ahead}",
		"nomen_background_panics_total{task=api_request}",
		"nomen_background_panics_total{task=pipeline}",
		"nomen_background_panics_total{task=wait_durable}",
		"nomen_agent_panics_total{step=session}",
		"nomen_dropped_events_total{reason=panic,stage=pipeline}",
	}
	for _, l := range []string{"tcp", "udp"} {
		want = append(want,
			"nomen_parse_failures_total{format=rfc5424,listener="+l+"}",
			"nomen_parse_failures_total{format=rfc3164,listener="+l+"}",
			"nomen_received_events_total{listener="+l+"}",
			"nomen_received_bytes_total{listener="+l+"}",
			"nomen_truncated_messages_total{listener="+l+"}",
			"nomen_listener_rejected_total{listener="+l+",reason=not_allowed}",
		)
	}
	want = append(want,
		"nomen_listener_connections{listener=tcp}",
		"nomen_framing_errors_total{kind=bad_length,listener=tcp}",
		"nomen_framing_errors_total{kind=incomplete,listener=tcp}",
		"nomen_listener_rejected_total{listener=tcp,reason=max_connections}",
		"nomen_listener_panics_total{listener=tcp}",
	)
	for _, s := range want {
		v, ok := got[s]
		switch {
		case !ok:
			t.Errorf("%s is not exported at start", s)
		case v != 0:
			t.Errorf("%s = %v at start, want 0", s, v)
		}
	}
	if v := got["nomen_config_last_reload_success_timestamp_seconds{}"]; v == 0 {
		t.Errorf("nomen_config_last_reload_success_timestamp_seconds is not set at start")
	}
}
