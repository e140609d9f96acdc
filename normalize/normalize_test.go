package normalize

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// msgEvent builds an event as the parser leaves it.
func msgEvent(prog, msg string) *event.Event {
	e := event.New(normtest.Received)
	e.AppName, e.Message = prog, msg
	return e
}

// User rules take precedence over the built-in decoders.
func TestRulesBeforeBuiltins(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.toml"), []byte(`
[[rule]]
name = "local.sshd"
program = "sshd"
pattern = "Failed password for {u:word} from {src:ip} port {p:uint} ssh2"
fields = { "event.action" = "local_override" }
map = { u = "user.name" }
`), 0o644)
	n, err := New(Config{Rules: []string{filepath.Join(dir, "*.toml")}})
	if err != nil {
		t.Fatal(err)
	}
	e := msgEvent("sshd", "Failed password for root from 192.0.2.1 port 22 ssh2")
	if got := n.Normalize(e); got != "local.sshd" || e.Str("event.action") != "local_override" {
		t.Errorf("got %q action %q", got, e.Str("event.action"))
	}
	e = msgEvent("sshd", "Failed password for invalid user x from 192.0.2.1 port 22 ssh2")
	if got := n.Normalize(e); got != "sshd" {
		t.Errorf("built-in fallback: got %q", got)
	}
}

// TestExactFor: the shape filter in front of the program map lets every
// program a decoder names through (long ones included), and the map
// decides the rest.
func TestExactFor(t *testing.T) {
	n := newNormalizer(builtins())
	for prog, ds := range n.exact {
		if got := n.exactFor(prog); len(got) != len(ds) || got[0] != ds[0] {
			t.Errorf("exactFor(%q): %d decoders, want %d", prog, len(got), len(ds))
		}
	}
	long := newNormalizer([]*ecs.Decoder{{Name: "long", Programs: []string{strings.Repeat("x", 70)}}})
	if len(long.exactFor(strings.Repeat("x", 70))) != 1 || long.exactFor(strings.Repeat("x", 69)) != nil || long.exactFor("x") != nil || long.exactFor("") != nil {
		t.Error("exactFor with a program of 70 bytes")
	}
}

// TestIOSUptimeAlone: an IOS line stamped with its uptime and no
// sequence number ("service timestamps log uptime"), with or without its
// host in front, reaches the IOS decoder: the parser takes the uptime for
// the Cisco header.
func TestIOSUptimeAlone(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	for line, action := range map[string]string{
		"<187>00:00:46: %LINK-3-UPDOWN: Interface GigabitEthernet0/2, changed state to up":                     "interface-up",
		"<189>1w2d: %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/2, changed state to down": "line-protocol-down",
		"<189>rtr-1: 00:01:01: %SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.9.9.9)":           "configured",
	} {
		e := event.New(normtest.Received)
		p.Parse([]byte(line), e)
		if name := n.Normalize(e); name != "cisco_ios" || e.Str("event.action") != action {
			t.Errorf("%s: decoder %q, event.action %q, want %q", line, name, e.Str("event.action"), action)
		}
	}
}

// TestFortiGateWithoutDate: a FortiGate/FortiProxy line whose date= a
// collector kept apart starts with time=; it is still the fortinet
// decoder's, its time from eventtime=.
func TestFortiGateWithoutDate(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	e := event.New(normtest.Received)
	parse.New(parse.Options{Location: time.UTC}).Parse([]byte(`<189>time=20:32:10 devname="FPX-01" devid="FPX4HETA00000001" eventtime=1712349130000000000 tz="+0000" logid="0317013312" type="utm" subtype="webfilter" eventtype="ftgd_allow" level="notice" vd="root" srcip=10.1.100.15 srcport=50126 dstip=198.51.100.33 dstport=443 proto=6 action="passthrough" hostname="docs.example.com" url="https://docs.example.com/"`), e)
	if name := n.Normalize(e); name != "fortinet" || e.Str("event.action") != "web-request-allowed" || !e.Time.Equal(time.Unix(1712349130, 0)) {
		t.Errorf("decoder %q, event.action %q, @timestamp %v", name, e.Str("event.action"), e.Time)
	}
}

// TestCheckPointSplunkWithoutHeader: a Log Exporter line in its splunk
// format sent without a syslog tag ("time=<epoch>|..." or "|hostname=..."
// first) is Check Point's, although FortiGate lines may start with time=
// too.
func TestCheckPointSplunkWithoutHeader(t *testing.T) {
	n, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	p := parse.New(parse.Options{Location: time.UTC})
	for _, line := range []string{
		`<134>Apr  5 19:50:00 gw-cp-02 time=1712346600|hostname=gw-cp-02|product=Firewall|action=Drop|src=198.51.100.70|dst=10.1.2.30|proto=6|s_port=40500|service=23|`,
		`<134>Apr  5 19:50:00 gw-cp-02 |hostname=gw-cp-02|product=Firewall|action=Drop|src=198.51.100.70|dst=10.1.2.30|proto=6|s_port=40500|service=23|`,
	} {
		e := event.New(normtest.Received)
		p.Parse([]byte(line), e)
		if name := n.Normalize(e); name != "checkpoint" || e.Str("event.action") != "connection-denied" || e.Str("source.ip") != "198.51.100.70" {
			t.Errorf("%s: decoder %q, event.action %q, source.ip %q", line, name, e.Str("event.action"), e.Str("source.ip"))
		}
	}
}
