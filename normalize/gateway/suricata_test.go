package gateway

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// The EVE decoder takes a record by its top-level event_type only: JSON
// without one, or with one only inside a member, is the JSON decoder's.
func TestSuricataNotEVE(t *testing.T) {
	for _, msg := range []string{
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","msg":"no type"}`,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","alert":{"event_type":"alert"}}`,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":7}`,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":""}`,
		`{"timestamp":"x","note":"\"event_type\":\"alert\""}`,
		`<Notice> - This is Suricata version 7.0.8 RELEASE running in SYSTEM mode`,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":"alert"`, // truncated
	} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = "suricata", msg
		if decodeSuricata(e) {
			t.Errorf("decodeSuricata(%s) = true", msg)
		}
		if len(e.Fields) != 0 {
			t.Errorf("decodeSuricata(%s) set %v", msg, e.Fields)
		}
	}
}

// An alert's type follows its action; an action Suricata does not
// document gives "info", never "allowed" or "denied".
func TestSuricataAlertAction(t *testing.T) {
	for action, want := range map[string]string{"allowed": "allowed", "blocked": "denied", "pass": "info"} {
		e := event.New(normtest.Received)
		e.Message = `{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":"alert","src_ip":"10.0.0.1","alert":{"signature_id":1,"action":"` + action + `"}}`
		if !decodeSuricata(e) {
			t.Fatalf("%s: not decoded", action)
		}
		if got := normtest.Str(e, "event.type"); !strings.Contains(got, want) {
			t.Errorf("%s: event.type %s, want %s", action, got, want)
		}
		if normtest.Str(e, "event.kind") != "alert" || normtest.Str(e, "rule.id") != "1" {
			t.Errorf("%s: kind %q rule.id %q", action, normtest.Str(e, "event.kind"), normtest.Str(e, "rule.id"))
		}
	}
}

// FuzzSuricata: no panic, untouched when refused, and a message is taken
// when it is one valid JSON object with a non-empty string event_type
// (checked where the key occurs once, so the oracle's last-wins reading
// of a duplicate key cannot disagree).
//
//	go test ./normalize/gateway -run '^$' -fuzz FuzzSuricata -fuzztime 60s
func FuzzSuricata(f *testing.F) {
	normtest.Seeds(f, "suricata")
	f.Add(`{"event_type":"alert","alert":{"action":"blocked","signature":"\"},\"src_ip\":\"1.2.3.4"}}`)
	f.Add(`{"event_type" : "dns" , "dns" : { } }`)
	f.Fuzz(func(t *testing.T, msg string) {
		normtest.FuzzDecode(t, "suricata", decodeSuricata, "suricata", msg)
		e := event.New(normtest.Received)
		e.AppName, e.Message = "suricata", msg
		got := decodeSuricata(e)
		body := strings.TrimRight(msg, " \t\r\n")
		var m map[string]json.RawMessage
		valid := len(body) <= jsonMaxBytes && strings.HasPrefix(body, "{") && json.Unmarshal([]byte(body), &m) == nil
		if got && !valid {
			t.Fatalf("decodeSuricata(%q) took invalid JSON", msg)
		}
		if !valid || strings.Count(body, `"event_type"`) != 1 {
			return
		}
		var typ string
		want := json.Unmarshal(m["event_type"], &typ) == nil && typ != "" && m["event_type"][0] == '"'
		if got != want {
			t.Fatalf("decodeSuricata(%q) = %v, want %v", msg, got, want)
		}
	})
}

// BenchmarkSuricata: the EVE decoder on an alert and a flow record,
// against the generic JSON decoder that took them before (json.*).
func BenchmarkSuricata(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"alert", 0}, {"flow", 2}} {
		line := normtest.Line(b, "suricata/eve/input.txt", c.n)
		b.Run("eve/"+c.name, func(b *testing.B) { normtest.BenchDecoder(b, decodeSuricata, line) })
		b.Run("json/"+c.name, func(b *testing.B) { normtest.BenchDecoder(b, decodeJSON, line) })
	}
}
