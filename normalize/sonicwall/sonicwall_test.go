package sonicwall

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
)

var seeds = []string{
	`id=firewall sn=0017C5A1B2C3 time="2026-03-02 10:15:41 UTC" fw=203.0.113.5 pri=6 c=1024 gcat=6 m=537 msg="Connection Closed" srcMac=00:17:c5:aa:bb:01 src=192.0.2.10:51234:X0:pc7.example.com srcZone=LAN natSrc=203.0.113.5:40112 dst=198.51.100.7:443:X1 dstZone=WAN natDst=198.51.100.7:443 usr="jdoe" proto=tcp/https sent=1935 rcvd=1577 spkt=10 rpkt=8 cdur=2183 rule="15 (LAN->WAN)" app=49177 appName='General HTTPS' n=4242 fw_action="NA" dpi=0`,
	`id=edge-fw sn=0017C5A1B2C3 time="2026-03-02 10:16:02" fw=203.0.113.5 pri=3 c=4 m=14 msg="Web site access denied" n=77 src=192.0.2.11:50001:X0 dst=198.51.100.20:80:X1 proto=tcp/http dstname=games.example.net arg=/play?level=3 code=12 Category="Games"`,
	`192.0.2.1 id=firewall sn=0017C5A1B2C3 time="2026-03-02 10:17:00 UTC" fw=203.0.113.5 pri=1 c=32 m=609 msg="IPS Prevention Alert: WEB-ATTACKS Example Exploit" msg="IPS Prevention Alert: WEB-ATTACKS Example Exploit" sid=9001 ipscat="WEB-ATTACKS Example Exploit" ipspri=1 n=5 src=198.51.100.66:41000:X1 dst=:8080:X0 dstV6=2001:db8::80 fw_action="drop"`,
	`id=firewall sn=0017C5A1B2C3 time="2026-03-02 10:18:00 UTC" fw=203.0.113.5 pri=1 c=32 m=30 msg="Administrator login denied due to bad credentials" sess="Web" n=3 usr="admin" src=192.0.2.50::X0 dst=192.0.2.1:443:X0 proto=tcp/https`,
}

func decode(t *testing.T, msg string) (map[string]string, vendor.Class, vendor.Status) {
	t.Helper()
	got := map[string]string{}
	class, st := Decode("", msg, func(k, v string, kind vendor.Kind) {
		if _, dup := got[k]; dup {
			t.Errorf("%s emitted twice", k)
		}
		got[k] = v
	})
	return got, class, st
}

func TestConnectionClosed(t *testing.T) {
	got, class, st := decode(t, seeds[0])
	if st != vendor.Decoded || class.Action != "connection-teardown" {
		t.Fatalf("status %v class %+v", st, class)
	}
	for k, want := range map[string]string{
		"observer.name": "firewall", "observer.serial_number": "0017C5A1B2C3", "observer.ip": "203.0.113.5",
		"@timestamp": "2026-03-02 10:15:41 UTC", "event.severity": "6", "event.code": "537",
		"source.ip": "192.0.2.10", "source.port": "51234", "observer.ingress.interface.name": "X0",
		"source.domain": "pc7.example.com", "source.mac": "00:17:c5:aa:bb:01", "observer.ingress.zone": "LAN",
		"source.nat.ip": "203.0.113.5", "source.nat.port": "40112", "destination.ip": "198.51.100.7",
		"destination.port": "443", "observer.egress.interface.name": "X1", "observer.egress.zone": "WAN",
		"destination.nat.ip": "198.51.100.7", "destination.nat.port": "443", "user.name": "jdoe",
		"network.transport": "tcp", "network.protocol": "https", "source.bytes": "1935", "destination.bytes": "1577",
		"source.packets": "10", "destination.packets": "8", "rule.name": "15 (LAN->WAN)",
		"appName": "General HTTPS", "cdur": "2183", "fw_action": "NA", "gcat": "6", "msg": "Connection Closed",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
}

func TestWebBlocked(t *testing.T) {
	got, class, _ := decode(t, seeds[1])
	if class.Action != "web-request-blocked" {
		t.Fatalf("class %+v", class)
	}
	for k, want := range map[string]string{
		"url.domain": "games.example.net", "url.path": "/play", "url.query": "level=3",
		"time": "2026-03-02 10:16:02", "observer.name": "edge-fw", "Category": "Games",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if got["@timestamp"] != "" {
		t.Errorf("a local time without zone became @timestamp %q", got["@timestamp"])
	}
}

func TestIPSAfterHostWord(t *testing.T) {
	if !Sniff(seeds[2]) {
		t.Fatal("not sniffed after the relay's host word")
	}
	_, class, _ := decode(t, seeds[2])
	if class.Action != "intrusion-detected" || len(class.Type) != 2 {
		t.Fatalf("class %+v", class)
	}
	got, _, _ := decode(t, seeds[2])
	if got["destination.ip"] != "2001:db8::80" || got["destination.port"] != "8080" || got["sid"] != "9001" {
		t.Errorf("fields %v", got)
	}
}

func TestLoginFailed(t *testing.T) {
	got, class, _ := decode(t, seeds[3])
	if class.Action != "logon-failed" || class.Outcome != "failure" {
		t.Fatalf("class %+v", class)
	}
	if got["user.name"] != "admin" || got["source.ip"] != "192.0.2.50" || got["source.port"] != "" {
		t.Errorf("fields %v", got)
	}
}

// A value that is not what its tag says stays under sonicwall.<tag>.
func TestBadValuesStayRaw(t *testing.T) {
	got, _, _ := decode(t, `id=firewall sn=1 fw=not-an-ip m=98 src=2001:db8::1:443 dst=10.0.0.1:99999:X1 natSrc=nope usr="Unknown (SSO failed)" proto=weird/x/y sent=-1`)
	for k, want := range map[string]string{
		"fw": "not-an-ip", "src": "2001:db8::1:443", "dst": "10.0.0.1:99999:X1", "natSrc": "nope",
		"usr": "Unknown (SSO failed)", "sent": "-1",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	for _, k := range []string{"observer.ip", "source.ip", "destination.ip", "destination.port", "source.nat.ip", "user.name", "source.bytes"} {
		if got[k] != "" {
			t.Errorf("%s = %q from a bad value", k, got[k])
		}
	}
}

func TestNotMine(t *testing.T) {
	for msg, want := range map[string]vendor.Status{
		`id=1 name=x`:                                      vendor.NotMine,
		`user id=5 sn=1 m=2`:                               vendor.Decoded,
		`a=b id=firewall sn=1 m=2`:                         vendor.NotMine,
		`id=firewall sn=1 m=98 msg="Connection Opened`:     vendor.Decoded,
		`id=firewall sn=1 fw=192.0.2.1 msg="x" pri=5`:      vendor.Decoded,
		`id=firewall sn=1 m=98 appName='General HTTPS`:     vendor.Decoded,
		`id=firewall  sn=1  m=98  msg="Connection Opened"`: vendor.Decoded,
	} {
		got, _, st := decode(t, msg)
		if st != want {
			t.Errorf("%q: %v, want %v", msg, st, want)
		}
		if st != vendor.Decoded && len(got) > 0 {
			t.Errorf("%q: %v emitted %v", msg, st, got)
		}
	}
}

// A line cut inside a quoted value keeps what it has; the cut value goes
// under its own tag, never to ECS, and decides nothing.
func TestCutLine(t *testing.T) {
	got, class, st := decode(t, `id=firewall sn=1 fw=192.0.2.1 pri=6 m=98 src=192.0.2.7:5000:X0 usr="adm`)
	if st != vendor.Decoded || class.Action != "connection-built" {
		t.Fatalf("status %v class %+v", st, class)
	}
	if got["usr"] != "adm" || got["user.name"] != "" || got["source.ip"] != "192.0.2.7" {
		t.Errorf("fields %v", got)
	}
	_, class, _ = decode(t, `id=firewall sn=1 fw=192.0.2.1 pri=6 msg="x" m="98`)
	if !class.Empty() {
		t.Errorf("a cut m= classified: %+v", class)
	}
}

func TestCatalogClasses(t *testing.T) {
	for _, row := range catalogRows {
		if err := ecs.CheckClass(row.class); err != nil {
			t.Errorf("%v: %v", row.ids, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		vendortest.Check(t, func(emit vendor.Emit) (vendor.Class, vendor.Status) {
			return Decode("", msg, emit)
		}, msg)
	})
}

func BenchmarkDecode(b *testing.B) {
	emit := func(string, string, vendor.Kind) {}
	b.ReportAllocs()
	for b.Loop() {
		if _, st := Decode("", seeds[0], emit); st != vendor.Decoded {
			b.Fatal(st)
		}
	}
}

// An ICMP event has no ports: what src=/dst= print in their place (the
// ICMP type, or the ports of the datagram an ICMP error quotes) is not
// source.port/destination.port; a UDP one's are.
func TestICMPNoPorts(t *testing.T) {
	const head = `id=firewall sn=0017C5000001 time="2024-04-05 19:34:38 UTC" fw=203.0.113.1 pri=5 c=256 m=38 `
	for _, msg := range []string{
		head + `msg="ICMP packet dropped" n=1 src=198.51.100.9:8:X1 dst=203.0.113.1:0:X1 proto=icmp type=8 code=0`,
		head + `msg="ICMP packet dropped" n=2 src=198.51.100.9:1026:X1 dst=203.0.113.1:6822:X1 type=3 code=3`,
	} {
		got, _, _ := decode(t, msg)
		if got["source.ip"] != "198.51.100.9" || got["destination.ip"] != "203.0.113.1" {
			t.Errorf("%s: addresses %v", msg, got)
		}
		if p, ok := got["source.port"]; ok {
			t.Errorf("%s: source.port %q, want none", msg, p)
		}
		if p, ok := got["destination.port"]; ok {
			t.Errorf("%s: destination.port %q, want none", msg, p)
		}
	}
	got, _, _ := decode(t, head+`msg="UDP packet dropped" n=3 src=198.51.100.9:1026:X1 dst=203.0.113.1:53:X1 proto=udp/dns`)
	if got["source.port"] != "1026" || got["destination.port"] != "53" {
		t.Errorf("udp: ports %q %q", got["source.port"], got["destination.port"])
	}
}

// A management connection the firewall let through (m=526) is an allowed
// connection, with the administrator as the user.
func TestManagementRequestAllowed(t *testing.T) {
	got, class, _ := decode(t, `id=firewall sn=0040103CE114 time="2024-04-05 19:34:38 UTC" fw=203.0.113.1 pri=5 c=16 m=526 msg="Web management request allowed" app=12 sess="Web" n=927 usr="admin" src=198.51.100.9:65058:X1 dst=203.0.113.1:443:X1 proto=tcp/https rule="15 (WAN->WAN)" fw_action="mgmt"`)
	if class.Action != "connection-allowed" || got["user.name"] != "admin" || got["destination.port"] != "443" {
		t.Errorf("%+v %v", class, got)
	}
}
