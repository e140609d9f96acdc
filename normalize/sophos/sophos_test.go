package sophos

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
)

var seeds = []string{
	`device="SFW" date=2026-03-02 time=10:15:41 timezone="CET" device_name="XG230" device_id=C2300000000001 log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed" status="Allow" priority=Information duration=42 fw_rule_id=7 user_name="jdoe" in_interface="Port1" out_interface="Port2" src_mac=00:1a:2b:3c:4d:5e src_ip=192.0.2.10 dst_ip=198.51.100.7 protocol="TCP" src_port=51234 dst_port=443 sent_pkts=10 recv_pkts=8 sent_bytes=1935 recv_bytes=1577 tran_src_ip=203.0.113.5 tran_src_port=40112 tran_dst_ip= tran_dst_port=0 srczone="LAN" dstzone="WAN" connevent="Stop" connid="1234"`,
	`device_name="SFW" timestamp="2026-03-02T10:15:41+0100" device_model="XGS2100" device_serial_id="X21000000000001" log_id="010102600002" log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" log_version=1 severity="Information" fw_rule_id="0" in_interface="Port2" src_mac="00:00:00:00:00:00" src_ip="198.51.100.66" dst_ip="203.0.113.5" protocol="TCP" src_port=40111 dst_port=23`,
	`device="SFW" date=2026-03-02 time=10:20:00 timezone="CET" device_name="XG230" device_id=C2300000000001 log_id=062910617701 log_type="Event" log_component="Firewall Authentication" log_subtype="Authentication" status="Failed" priority=Information user_name="mallory" usergroupname="" auth_client="CTA" auth_mechanism="AD" reason="Wrong credentials" src_ip=192.0.2.77 message="User mallory failed to login to Client"`,
}

func decode(t *testing.T, msg string) (map[string]string, vendor.Class, vendor.Status) {
	t.Helper()
	got := map[string]string{}
	class, st := Decode("", msg, func(k, v string, kind vendor.Kind) { got[k] = v })
	return got, class, st
}

func TestFirewallOldSpelling(t *testing.T) {
	got, class, st := decode(t, seeds[0])
	if st != vendor.Decoded || class.Action != "connection-teardown" {
		t.Fatalf("status %v class %+v", st, class)
	}
	for k, want := range map[string]string{
		"observer.name": "XG230", "device_id": "C2300000000001", "event.code": "010101600001", "log.level": "Information",
		"event.duration": "42", "rule.id": "7", "user.name": "jdoe", "observer.ingress.interface.name": "Port1",
		"observer.egress.interface.name": "Port2", "source.mac": "00:1a:2b:3c:4d:5e", "source.ip": "192.0.2.10",
		"destination.ip": "198.51.100.7", "network.transport": "TCP", "source.port": "51234", "destination.port": "443",
		"source.packets": "10", "destination.packets": "8", "source.bytes": "1935", "destination.bytes": "1577",
		"source.nat.ip": "203.0.113.5", "source.nat.port": "40112", "tran_dst_port": "0",
		"observer.ingress.zone": "LAN", "observer.egress.zone": "WAN", "date": "2026-03-02", "timezone": "CET",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if got["destination.nat.port"] != "" || got["destination.nat.ip"] != "" {
		t.Errorf("an unset translation became a field: %v", got)
	}
}

func TestFirewallNewSpelling(t *testing.T) {
	got, class, _ := decode(t, seeds[1])
	if class.Action != "connection-denied" {
		t.Fatalf("class %+v", class)
	}
	for k, want := range map[string]string{
		"observer.serial_number": "X21000000000001", "device_model": "XGS2100", "log.level": "Information",
		"@timestamp": "2026-03-02T10:15:41+0100", "fw_rule_id": "0", "src_mac": "00:00:00:00:00:00",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if got["rule.id"] != "" || got["source.mac"] != "" {
		t.Errorf("rule 0 or a zero MAC became a field: %v", got)
	}
}

func TestAuthentication(t *testing.T) {
	got, class, _ := decode(t, seeds[2])
	if class.Action != "logon-failed" || got["user.name"] != "mallory" || got["reason"] != "Wrong credentials" {
		t.Fatalf("class %+v fields %v", class, got)
	}
}

// A line cut inside a quoted value keeps what it has; the cut value goes
// under its own key, never to ECS, and decides nothing.
func TestCutLine(t *testing.T) {
	got, class, st := decode(t, `device="SFW" log_type="Firewall" log_subtype="Denied" src_ip=192.0.2.7 user_name="mal`)
	if st != vendor.Decoded || class.Action != "connection-denied" {
		t.Fatalf("status %v class %+v", st, class)
	}
	if got["user_name"] != "mal" || got["user.name"] != "" || got["source.ip"] != "192.0.2.7" {
		t.Errorf("fields %v", got)
	}
	_, class, _ = decode(t, `device="SFW" log_type="Firewall" log_subtype="Allow`)
	if !class.Empty() {
		t.Errorf("a cut log_subtype classified: %+v", class)
	}
}

func TestClasses(t *testing.T) {
	for _, c := range []struct {
		f    facts
		want string
	}{
		{facts{typ: "Firewall", subtype: "Allowed", event: "Start"}, "connection-built"},
		{facts{typ: "Firewall", subtype: "Allowed"}, "connection-allowed"},
		{facts{typ: "IDP", subtype: "Drop"}, "intrusion-detected"},
		{facts{typ: "Anti-Virus", subtype: "Virus"}, "malware-detected"},
		{facts{typ: "Content Filtering", component: "HTTP", subtype: "Denied"}, "web-request-blocked"},
		{facts{typ: "Content Filtering", component: "Application", subtype: "Denied"}, "application-blocked"},
		{facts{typ: "Event", subtype: "Authentication", status: "Successful", message: "User jdoe logged in successfully to SSLVPN"}, "logged-in"},
		{facts{typ: "Event", subtype: "Authentication", status: "Successful", message: "User jdoe logged out"}, ""},
		{facts{typ: "Event", subtype: "System"}, ""},
	} {
		if got := classify(&c.f); got.Action != c.want {
			t.Errorf("%+v: %q, want %q", c.f, got.Action, c.want)
		}
	}
}

func TestNotMine(t *testing.T) {
	for msg, want := range map[string]vendor.Status{
		`device="SFW" date=2026-03-02`:                                vendor.NotMine,
		`device_name="x" log_id=1`:                                    vendor.NotMine,
		`log_type="Firewall" device="SFW"`:                            vendor.NotMine,
		`device="SFW" log_type="Firewall" message="cut here`:          vendor.Decoded,
		`device_name="SFW" log_type="Firewall" log_subtype="Allowed"`: vendor.Decoded,
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
