package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

const loggerConfig = headConfig + `[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:0"
[[listener]]
name = "tcp"
protocol = "tcp"
address = "127.0.0.1:0"
[[listener]]
name = "local"
protocol = "unix"
address = "{{.Dir}}/log.sock"
` + archiveOutput

// TestLoggerEndToEnd sends with util-linux logger over every transport and
// framing it has, and checks each message arrives once with its fields.
func TestLoggerEndToEnd(t *testing.T) {
	logger := needCommand(t, "logger")
	n := startNomen(t, loggerConfig)
	type send struct {
		name, listener, format string
		args                   []string
	}
	udp, tcp := n.port("udp"), n.port("tcp")
	sends := []send{
		{"udp-5424", "udp", "rfc5424", []string{"-n", "127.0.0.1", "-P", udp, "-d", "--rfc5424"}},
		{"udp-3164", "udp", "rfc3164", []string{"-n", "127.0.0.1", "-P", udp, "-d", "--rfc3164"}},
		{"tcp-lf-5424", "tcp", "rfc5424", []string{"-n", "127.0.0.1", "-P", tcp, "-T", "--rfc5424"}},
		{"tcp-lf-3164", "tcp", "rfc3164", []string{"-n", "127.0.0.1", "-P", tcp, "-T", "--rfc3164"}},
		{"tcp-octet-5424", "tcp", "rfc5424", []string{"-n", "127.0.0.1", "-P", tcp, "-T", "--octet-count", "--rfc5424"}},
		{"tcp-octet-3164", "tcp", "rfc3164", []string{"-n", "127.0.0.1", "-P", tcp, "-T", "--octet-count", "--rfc3164"}},
		{"unix", "local", "rfc3164", []string{"-u", filepath.Join(n.dir, "log.sock"), "--rfc3164"}},
	}
	const perSend = 5
	for _, s := range sends {
		for i := 0; i < perSend; i++ {
			args := append([]string{"-t", "e2etag", "-p", "auth.warning"}, s.args...)
			args = append(args, fmt.Sprintf("token %s-%d done", s.name, i))
			run(t, logger, args...)
		}
	}
	want := len(sends) * perSend
	docs := waitJSONLines(t, filepath.Join(n.dir, "events.jsonl"), want, 20*time.Second)
	byMsg := map[string][]map[string]any{}
	for _, d := range docs {
		byMsg[getStr(d, "message")] = append(byMsg[getStr(d, "message")], d)
	}
	for _, s := range sends {
		for i := 0; i < perSend; i++ {
			msg := fmt.Sprintf("token %s-%d done", s.name, i)
			got := byMsg[msg]
			if len(got) != 1 {
				t.Errorf("%s: %d events with message %q, want exactly 1", s.name, len(got), msg)
				continue
			}
			d := got[0]
			for field, want := range map[string]string{
				"process.name":             "e2etag",
				"log.syslog.facility.name": "auth",
				"log.syslog.severity.name": "warning",
				"nomen.format":             s.format,
				"nomen.input":              s.listener,
				"observer.product":         "nomen",
				"event.kind":               "event",
			} {
				if got := getStr(d, field); got != want {
					t.Errorf("%s: %s = %q, want %q", s.name, field, got, want)
				}
			}
			if getStr(d, "event.original") == "" || getStr(d, "@timestamp") == "" || getStr(d, "event.created") == "" {
				t.Errorf("%s: missing original/timestamps: %v", s.name, d)
			}
		}
	}
	if len(docs) != want {
		t.Errorf("%d events in the output, want %d", len(docs), want)
	}
	if got := n.metric("nomen_received_events_total", `listener="tcp"`); got != 4*perSend {
		t.Errorf("nomen_received_events_total{listener=tcp} = %v, want %d", got, 4*perSend)
	}
}
