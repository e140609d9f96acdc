// Package sinktest holds what the sinks' tests share: events built from
// specs (golden cases' input.jsonl, realistic samples) and the conformance
// suite every sink runs against a real receiver (Run).
package sinktest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// CounterValue reads a counter.
func CounterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

// Received is event.created of generated events: fixed, so that golden
// files are stable.
var Received = time.Date(2026, 11, 22, 10, 15, 2, 125_000_000, time.UTC)

// Spec is one line of a golden case's input.jsonl: a raw message as
// received, plus the fields a decoder would have set (kept independent of
// package normalize so that the sinks' golden files change only when the
// sinks do).
type Spec struct {
	Raw      string         `json:"raw"`
	Received string         `json:"received,omitempty"`
	Input    string         `json:"input,omitempty"`
	Peer     string         `json:"peer,omitempty"`
	Fields   map[string]any `json:"fields,omitempty"`
}

// BuildEvent parses spec.Raw and sets its fields like a decoder.
func BuildEvent(t testing.TB, id uint64, spec Spec) *event.Event {
	t.Helper()
	recv := Received
	if spec.Received != "" {
		var err error
		if recv, err = time.Parse(time.RFC3339Nano, spec.Received); err != nil {
			t.Fatalf("received %q: %v", spec.Received, err)
		}
	}
	e := event.New(recv)
	parse.New(parse.Options{Location: time.UTC}).Parse([]byte(spec.Raw), e)
	e.ID = id
	e.Input, e.Peer = spec.Input, spec.Peer
	if e.Input == "" {
		e.Input = "syslog-tcp"
	}
	keys := make([]string, 0, len(spec.Fields))
	for k := range spec.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := spec.Fields[k].(type) {
		case string:
			e.SetStr(k, v)
		case float64:
			if v == float64(int64(v)) {
				e.SetInt(k, int64(v))
			} else {
				e.Set(k, event.Float(v))
			}
		case bool:
			e.Set(k, event.Bool(v))
		case []any:
			var items []string
			for _, it := range v {
				items = append(items, fmt.Sprint(it))
			}
			e.SetList(k, items...)
		default:
			t.Fatalf("field %s: unsupported value %T", k, v)
		}
	}
	return e
}

// LoadSpecs reads a golden case's input.jsonl.
func LoadSpecs(t testing.TB, path string) []Spec {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var specs []Spec
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var s Spec
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("%s: %v: %s", path, err, line)
		}
		specs = append(specs, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return specs
}

// LoadEvents builds the events of a golden case, IDs from 1.
func LoadEvents(t testing.TB, path string) []*event.Event {
	t.Helper()
	var evs []*event.Event
	for i, s := range LoadSpecs(t, path) {
		evs = append(evs, BuildEvent(t, uint64(i+1), s))
	}
	return evs
}

// SampleSpecs are realistic events used by the integration tests and
// benchmarks: about 900 bytes of ECS JSON each, like the DESIGN.md example.
var SampleSpecs = []Spec{
	{
		Raw:  "<38>Nov 22 10:15:02 web1 sshd[392]: Failed password for invalid user ftp from 10.0.0.5 port 49786 ssh2",
		Peer: "10.0.0.9:514",
		Fields: map[string]any{
			"event.kind": "event", "event.category": []any{"authentication"}, "event.type": []any{"start"},
			"event.action": "ssh_login", "event.outcome": "failure", "event.provider": "sshd",
			"user.name": "ftp", "source.ip": "10.0.0.5", "source.port": float64(49786),
			"related.ip": []any{"10.0.0.5"}, "related.user": []any{"ftp"}, "nomen.rule": "sshd.auth.failure",
		},
	},
	{
		Raw:  `<86>1 2026-11-22T10:15:03.201Z db2 sudo 5120 - [meta sequenceId="17"] alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart postgresql`,
		Peer: "10.0.0.12:40112",
		Fields: map[string]any{
			"event.kind": "event", "event.category": []any{"process"}, "event.type": []any{"start"},
			"event.action": "sudo", "event.outcome": "success", "user.name": "alice",
			"user.target.name": "root", "process.command_line": "/usr/bin/systemctl restart postgresql",
			"related.user": []any{"alice", "root"}, "nomen.rule": "sudo.command",
		},
	},
	{
		Raw:  "<166>Nov 22 2026 10:15:04: %ASA-6-302013: Built inbound TCP connection 90301 for outside:198.51.100.7/51234 (198.51.100.7/51234) to inside:192.0.2.10/443 (192.0.2.10/443)",
		Peer: "10.0.0.1:514",
		Fields: map[string]any{
			"event.kind": "event", "event.category": []any{"network"}, "event.type": []any{"connection", "start"},
			"event.action": "built-connection", "event.outcome": "success", "event.code": "302013",
			"source.ip": "198.51.100.7", "source.port": float64(51234), "destination.ip": "192.0.2.10",
			"destination.port": float64(443), "network.transport": "tcp", "network.direction": "inbound",
			"observer.vendor": "Cisco", "cisco.asa.connection_id": "90301",
		},
	},
}

// SampleEvents returns n events cycling through SampleSpecs, IDs from first.
func SampleEvents(t testing.TB, first uint64, n int) []*event.Event {
	t.Helper()
	evs := make([]*event.Event, n)
	for i := range evs {
		evs[i] = BuildEvent(t, first+uint64(i), SampleSpecs[i%len(SampleSpecs)])
	}
	return evs
}

// WithIDs returns shallow copies of evs renumbered from first (events are
// shared and must not be modified; copies are cheap for benchmarks).
func WithIDs(evs []*event.Event, first uint64) []*event.Event {
	out := make([]*event.Event, len(evs))
	for i, e := range evs {
		c := *e
		c.ID = first + uint64(i)
		out[i] = &c
	}
	return out
}

// SeqEvents returns n events from ID first whose raw text carries the ID,
// so a test can check which events a receiver holds.
func SeqEvents(first uint64, n int) []*event.Event {
	evs := make([]*event.Event, n)
	for i := range evs {
		id := first + uint64(i)
		e := event.New(Received)
		e.ID = id
		e.Original = fmt.Sprintf("<13>Nov 22 10:15:02 host1 app: seq=%08d %s", id, strings.Repeat("x", 100))
		evs[i] = e
	}
	return evs
}

// MustWrite writes batch to s or fails t.
func MustWrite(t testing.TB, s forward.Sink, batch []*event.Event) {
	t.Helper()
	if err := s.Write(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
}

// TrickyEvent has characters every format must escape.
func TrickyEvent(t testing.TB, id uint64) *event.Event {
	e := BuildEvent(t, id, Spec{
		Raw: `<85>1 2026-11-22T10:17:00.5Z gw1 auth-svc 42 LOGIN [origin ip="192.0.2.1" note="a \"quoted\" \] bracket"] user a=b|c\d "x" logged in`,
		Fields: map[string]any{
			"event.category": []any{"authentication"}, "event.action": "logon|remote",
			"event.outcome": "success", "user.name": `dom\al=ice`, "source.ip": "192.0.2.55",
			"source.port": float64(5022), "rule.name": "first]logon",
		},
	})
	return e
}
