package gateway

import (
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

func decoder(t *testing.T, name string) *ecs.Decoder {
	t.Helper()
	for _, d := range Decoders() {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no decoder %s", name)
	return nil
}

func parsed(line string) *event.Event {
	e := event.New(normtest.Received)
	parse.New(parse.Options{Location: time.UTC}).Parse([]byte(line), e)
	return e
}

// A Check Point body in the SD position parses as invalid STRUCTURED-DATA;
// decoded, the event no longer says so.
func TestCheckPointWithdrawsSDError(t *testing.T) {
	e := parsed(`<134>1 2024-04-05T19:34:38Z gw-cp-01 CheckPoint 7076 - [action:"Accept"; src:"10.1.2.3"; dst:"198.51.100.20"]`)
	if !e.Has(parse.FieldParseError) {
		t.Fatal("the parser no longer reports the Log Exporter body: this test has lost its point")
	}
	d := decoder(t, "checkpoint")
	if !d.Sniff(e) || !d.Decode(e) {
		t.Fatal("not decoded")
	}
	if e.Has(parse.FieldParseError) || normtest.Str(e, "source.ip") != "10.1.2.3" {
		t.Errorf("fields %v", e.Fields)
	}
}

// Malformed: recognised, counted, and nothing but the reason is set.
func TestMalformedSetsOnlyTheReason(t *testing.T) {
	for name, line := range map[string]string{
		"cef":      `<134>Apr  5 19:40:00 fw CEF:0|Example|EdgeWall|9.1|traffic:deny`,
		"leef":     `<134>Apr  5 19:40:00 waf LEEF:2.0|Example|WebShield`,
		"paloalto": `<14>Apr  5 19:50:00 pa 1,2024/04/05 19:50:00,013201000117,THREAT,url,2561,2024/04/05 19:49:59,10.1.2.3`,
		"fortinet": `<189>date=2024-04-05 time=20:01:05 devname="FGT" logid="0000000013" type="traffic" msg="open`,
		"junos":    `<14>Apr  5 19:44:00 srx RT_FLOW: RT_FLOW_SESSION_DENY: session denied`,
	} {
		e := parsed(line)
		if !decoder(t, name).Decode(e) {
			t.Errorf("%s: not recognised: %s", name, line)
			continue
		}
		if len(e.Fields) != 1 || !strings.HasPrefix(normtest.Str(e, parse.FieldParseError), name+": malformed") {
			t.Errorf("%s: fields %v", name, e.Fields)
		}
	}
}

// An event-mode Junos line carries the daemon's name as program: found by
// its tag.
func TestJunosEventModeSniff(t *testing.T) {
	e := parsed(`<14>Apr  5 19:36:00 srx-01 flowd_octeon_hm: RT_FLOW_SESSION_DENY: session denied 192.0.2.45/40211->203.0.113.9/23 0x0 junos-telnet 6(0) default-deny untrust trust UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN policy deny`)
	d := decoder(t, "junos")
	if !d.Sniff(e) || !d.Decode(e) {
		t.Fatal("not decoded")
	}
	if normtest.Str(e, "nomen.rule") != "junos.rt_flow_session_deny" || normtest.Str(e, "source.ip") != "192.0.2.45" {
		t.Errorf("fields %v", e.Fields)
	}
	for _, line := range []string{"<14>Apr  5 19:36:00 h app: session denied", "<14>Apr  5 19:36:00 h app: RT_FLOW_SESSION_DENIED: x"} {
		if d.Sniff(parsed(line)) {
			t.Errorf("sniffed %s", line)
		}
	}
}

func TestJSONTimestamp(t *testing.T) {
	// No time in the header: the object's RFC 3339 @timestamp is the event's.
	e := event.New(normtest.Received)
	e.Time, e.AppName, e.Message = normtest.Received, "app", `{"@timestamp":"2024-04-05T19:34:38.5Z","x":1}`
	decodeJSON(e)
	if want := time.Date(2024, 4, 5, 19, 34, 38, 5e8, time.UTC); !e.Time.Equal(want) || e.Has("json.app.@timestamp") {
		t.Errorf("time %v, fields %v", e.Time, e.Fields)
	}
	// An RFC 3339 time names its instant: it wins over a header time, which
	// a relay may have written (every road gives the same @timestamp).
	header := time.Date(2026, 4, 5, 19, 34, 38, 0, time.UTC)
	e = event.New(normtest.Received)
	e.Time, e.AppName, e.Message = header, "app", `{"@timestamp":"2024-04-05T19:34:38Z"}`
	decodeJSON(e)
	if !e.Time.Equal(time.Unix(1712345678, 0)) || e.Has("json.app.@timestamp") {
		t.Errorf("RFC 3339 over a header time: time %v, fields %v", e.Time, e.Fields)
	}
	// A number could be seconds or milliseconds: kept under the namespace.
	e = event.New(normtest.Received)
	e.Time, e.AppName, e.Message = normtest.Received, "app", `{"@timestamp":1712345678}`
	decodeJSON(e)
	if !e.Has("json.app.@timestamp") || e.Time.Equal(time.Unix(1712345678, 0)) {
		t.Errorf("number: time %v, fields %v", e.Time, e.Fields)
	}
}

func TestJSONLimits(t *testing.T) {
	deep := strings.Repeat(`{"a":`, jsonMaxDepth+2) + "1" + strings.Repeat("}", jsonMaxDepth+2)
	e := event.New(normtest.Received)
	e.AppName, e.Message = "App 1", deep
	if !decodeJSON(e) {
		t.Fatal("not decoded")
	}
	key := "json.app_1" + strings.Repeat(".a", jsonMaxDepth) // objects 1-8 are walked, the 9th is kept whole
	if v, ok := e.Field(key); !ok || v.Type != event.TypeJSON || v.Str != `{"a":{"a":1}}` {
		t.Errorf("%s = %+v; fields %v", key, v, e.Fields)
	}

	var b strings.Builder
	b.WriteString("{")
	for i := range jsonMaxFields + 10 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + `":` + "1")
	}
	b.WriteString("}")
	e = event.New(normtest.Received)
	e.AppName, e.Message = "app", b.String()
	decodeJSON(e)
	if n := len(e.Fields) - 1; n > jsonMaxFields { // - nomen.rule
		t.Errorf("%d fields set, limit %d", n, jsonMaxFields)
	}

	e = event.New(normtest.Received)
	e.Message = `{"a":"` + strings.Repeat("x", jsonMaxBytes) + `"}`
	if decodeJSON(e) {
		t.Error("a message over the size limit was decoded")
	}
}

func TestJSONValues(t *testing.T) {
	e := event.New(normtest.Received)
	e.AppName = "svc"
	e.Message = `{"s":"a\"b","i":-7,"f":1.5e3,"t":true,"n":null,"l":["x","y"],"m":[1,{"z":2}],"e":[],"o":{},` +
		`"source":{"ip":"::ffff:10.1.2.3","port":70000},"key with space":"v","":"empty key"}`
	if !decodeJSON(e) {
		t.Fatal("not decoded")
	}
	want := map[string]string{"json.svc.s": `a"b`, "json.svc.i": "-7", "json.svc.f": "1500", "json.svc.t": "true",
		"json.svc.l": "x,y", "json.svc.m": `[1,{"z":2}]`, "source.ip": "10.1.2.3", "json.svc.source.port": "70000",
		"json.svc.key_with_space": "v", "json.svc._": "empty key", "nomen.rule": "json", "related.ip": "10.1.2.3"}
	if len(e.Fields) != len(want) {
		t.Errorf("fields %v", e.Fields)
	}
	for k, v := range want {
		if got := normtest.Str(e, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// The Log Exporter's structured-data form: the fields are the params of a
// Fields@1.3.6.1.4.1.2620 element, the message is empty.
func TestCheckPointStructuredData(t *testing.T) {
	e := parsed(`<134>1 2024-04-05T19:34:38Z 192.0.2.1 CP-GW - Log [Fields@1.3.6.1.4.1.2620 action="Drop" inzone="External" outzone="Internal" src="198.51.100.7" dst="10.1.2.3" proto="6" sport_svc="40112" svc="3389" xlatesrc="0.0.0.0" rule_name="Block RDP" ProductName="VPN-1 & FireWall-1"]`)
	d := decoder(t, "checkpoint")
	if !d.Gate.Also(e) || !d.Sniff(e) || !d.Decode(e) {
		t.Fatal("not decoded")
	}
	for k, v := range map[string]string{"source.ip": "198.51.100.7", "destination.ip": "10.1.2.3", "source.port": "40112",
		"destination.port": "3389", "network.transport": "tcp", "rule.name": "Block RDP", "event.action": "connection-denied",
		"observer.ingress.zone": "External"} {
		if got := normtest.Str(e, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if e.Has("source.nat.ip") {
		t.Error("xlatesrc 0.0.0.0 became source.nat.ip")
	}
	other := parsed(`<134>1 2024-04-05T19:34:38Z host app - - [exampleSDID@32473 iut="3"] hello`)
	if d.Sniff(other) {
		t.Error("another element taken for Check Point's")
	}
}

// Check Point's conn_direction is the perimeter's (inbound/outbound...),
// ifdir the packet's on the interface (ingress/egress): an outgoing DNS
// query logged "inbound" on the LAN interface is outbound.
func TestCheckPointDirection(t *testing.T) {
	d := decoder(t, "checkpoint")
	for line, want := range map[string]string{
		`<134>1 2024-04-05T19:34:38Z gw CheckPoint 7076 - [action:"Accept"; conn_direction:"Outgoing"; ifdir:"inbound"; ifname:"eth1"; src:"10.1.2.3"; dst:"192.0.2.53"]`: "outbound",
		`<134>1 2024-04-05T19:34:38Z gw CheckPoint 7076 - [action:"Accept"; conn_direction:"Internal"; ifdir:"inbound"; src:"10.1.2.3"; dst:"10.1.9.9"]`:                  "internal",
		`<134>1 2024-04-05T19:34:38Z gw CheckPoint 7076 - [action:"Drop"; ifdir:"inbound"; ifname:"eth0"; src:"198.51.100.7"; dst:"10.1.2.3"]`:                            "ingress",
		`<134>1 2024-04-05T19:34:38Z gw CheckPoint 7076 - [action:"Accept"; ifdir:"outbound"; ifname:"eth0"; src:"10.1.2.3"; dst:"198.51.100.7"]`:                         "egress",
	} {
		e := parsed(line)
		if !d.Sniff(e) || !d.Decode(e) {
			t.Fatalf("%s: not decoded", line)
		}
		if got := normtest.Str(e, "network.direction"); got != want {
			t.Errorf("%s: network.direction %q, want %q", line, got, want)
		}
	}
}
