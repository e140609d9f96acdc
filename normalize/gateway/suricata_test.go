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

// A line forwarded bare from a file (no program suricata) is EVE only in
// EVE's shape: a flow or packet member, or the engine's statistics.
// Another program's JSON that begins with "timestamp" and names an
// event_type stays the JSON decoder's.
func TestSuricataBareNeedsEVEShape(t *testing.T) {
	for msg, want := range map[string]bool{
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":"login","user":"alice","ip":"10.0.0.1"}`: false,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":"alert","message":"disk full"}`:          false,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":"stats","stats":"x"}`:                    false,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","flow_id":1,"event_type":"flow","src_ip":"10.0.0.1"}`: true,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":"anomaly","src_ip":"10.0.0.1"}`:          true,
		`{"timestamp":"2026-11-30T08:00:00.000000+0000","event_type":"stats","stats":{"uptime":1}}`:           true,
	} {
		e := event.New(normtest.Received)
		e.AppName, e.Message = "app", msg
		if got := decodeSuricata(e); got != want {
			t.Errorf("decodeSuricata(%s) from program app = %v, want %v", msg, got, want)
		}
		e = event.New(normtest.Received)
		e.AppName, e.Message = "suricata", msg
		if !decodeSuricata(e) {
			t.Errorf("decodeSuricata(%s) from program suricata = false", msg)
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

// A member name given twice in one object is read at its first place, by
// the walker as by the event_type and action readers: a later copy sets
// nothing, in EVE as in JSON in syslog.
func TestJSONDuplicateMemberFirstWins(t *testing.T) {
	e := event.New(normtest.Received)
	e.AppName = "suricata"
	e.Message = `{"event_type":"alert","src_ip":"10.0.0.1","alert":{"action":"allowed","signature":"real"},"src_ip":"6.6.6.6","alert":{"action":"blocked","signature":"copy"},"event_type":"drop"}`
	if !decodeSuricata(e) {
		t.Fatal("not decoded")
	}
	for k, want := range map[string]string{"source.ip": "10.0.0.1", "rule.name": "real", "event.type": "allowed",
		"suricata.eve.alert.action": "allowed", "suricata.eve.event_type": "alert"} {
		if got := normtest.Str(e, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	j := event.New(normtest.Received)
	j.AppName, j.Message = "app", `{"source.ip":"10.0.0.1","user":{"name":"alice"},"source":{"ip":"6.6.6.6"},"user":{"name":"mallory"}}`
	if !decodeJSON(j) {
		t.Fatal("JSON not decoded")
	}
	if got := normtest.Str(j, "source.ip"); got != "10.0.0.1" {
		t.Errorf("JSON source.ip = %q, want the first", got)
	}
	if got := normtest.Str(j, "user.name"); got != "alice" {
		t.Errorf("JSON user.name = %q, want the first", got)
	}
}

// Past the walker's inline names (32), a duplicate is still found.
func TestJSONDuplicateMemberWideObject(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"event_type":"flow","src_ip":"10.0.0.1","flow":{"state":"closed"}`)
	for i := 0; i < 40; i++ {
		b.WriteString(`,"k` + strings.Repeat("x", i) + `":1`)
	}
	b.WriteString(`,"nested":{"a":1},"src_ip":"6.6.6.6","flow":{"bytes_toserver":9}}`)
	e := event.New(normtest.Received)
	e.AppName, e.Message = "suricata", b.String()
	if !decodeSuricata(e) {
		t.Fatal("not decoded")
	}
	if got := normtest.Str(e, "source.ip"); got != "10.0.0.1" {
		t.Errorf("source.ip = %q, want the first", got)
	}
	if e.Has("source.bytes") {
		t.Error("the second flow object set source.bytes")
	}
}

// Only a 20-byte colon-separated hex fingerprint is a SHA-1 hash.
func TestSuricataSHA1Fingerprint(t *testing.T) {
	for in, want := range map[string]string{
		"3f:a9:00:1b:c2:7d:44:e5:91:0a:bb:cd:ef:12:34:56:78:9a:bc:de": "3FA9001BC27D44E5910ABBCDEF123456789ABCDE",
		"3f:a9:00:1b:c2:7d:44:e5:91:0a:bb:cd:ef:12:34:56:78:9a:bc":    "", // 19 bytes
		"3f-a9-00-1b-c2-7d-44-e5-91-0a-bb-cd-ef-12-34-56-78-9a-bc-de": "",
		"3g:a9:00:1b:c2:7d:44:e5:91:0a:bb:cd:ef:12:34:56:78:9a:bc:de": "",
	} {
		got, ok := sha1Fingerprint(in)
		if got != want || ok != (want != "") {
			t.Errorf("sha1Fingerprint(%q) = %q, %v, want %q", in, got, ok, want)
		}
	}
}

// An alert's src_ip is the packet's source: its flow's toserver counts
// are the source's only in a to_server alert, the destination's in a
// to_client one, and nobody's when the direction is not given.
func TestSuricataAlertFlowCountsByDirection(t *testing.T) {
	for dir, want := range map[string][2]string{
		`"direction":"to_server",`: {"5", "7"},
		`"direction":"to_client",`: {"7", "5"},
		``:                         {"", ""},
	} {
		e := event.New(normtest.Received)
		e.AppName = "suricata"
		e.Message = `{"event_type":"alert","src_ip":"10.0.0.1","dest_ip":"10.0.0.2",` + dir +
			`"alert":{"action":"allowed","signature_id":1},"flow":{"pkts_toserver":5,"pkts_toclient":7}}`
		if !decodeSuricata(e) {
			t.Fatalf("%s: not decoded", dir)
		}
		if got := [2]string{normtest.Str(e, "source.packets"), normtest.Str(e, "destination.packets")}; got != want {
			t.Errorf("%s: source/destination.packets %v, want %v", dir, got, want)
		}
	}
}
