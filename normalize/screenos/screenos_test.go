package screenos

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/vendor"
	"github.com/nomenhq/nomen/normalize/vendortest"
)

const trafficHead = `NetScreen device_id=0185012011000123 [Root]system-notification-00257(traffic): `

var seeds = []string{
	trafficHead + `start_time="2026-06-02 14:53:30" duration=92 policy_id=12 service=msrpc Endpoint Mapper(tcp) proto=6 src zone=Untrust dst zone=Trust action=Permit sent=4820 rcvd=183004 src=198.51.100.7 dst=192.0.2.80 src_port=51312 dst_port=443 src-xlated ip=198.51.100.7 port=51312 dst-xlated ip=10.1.1.80 port=443 session_id=90211 reason=Close - TCP FIN`,
	trafficHead + `start_time="2026-06-02 14:56:11" duration=0 policy_id=7 service=icmp proto=1 src zone=Untrust dst zone=DMZ action=Deny sent=0 rcvd=0 src=203.0.113.66 dst=192.0.2.9 icmp type=8`,
	`NetScreen device_id=fw1 [Root]system-emergency-00005: SYN flood! From 203.0.113.66:40123 to 192.0.2.80:80, proto TCP (zone Untrust, int ethernet0/0). Occurred 1 times.`,
	`NetScreen device_id=fw1 [Root]system-information-00536: IKE 203.0.113.200 Phase 2: Completed negotiations.`,
}

func decode(t *testing.T, msg string) (map[string]string, vendor.Class, vendor.Status) {
	t.Helper()
	got := map[string]string{}
	class, st := Decode("fw1", msg, func(k, v string, kind vendor.Kind) {
		if _, dup := got[k]; dup {
			t.Errorf("%s emitted twice", k)
		}
		got[k] = v
	})
	return got, class, st
}

func TestTraffic(t *testing.T) {
	got, class, st := decode(t, seeds[0])
	if st != vendor.Decoded || class.Action != "connection-teardown" {
		t.Fatalf("status %v class %+v", st, class)
	}
	for k, want := range map[string]string{
		"service": "msrpc Endpoint Mapper(tcp)", "network.transport": "6", "source.ip": "198.51.100.7",
		"observer.ingress.zone": "Untrust", "observer.egress.zone": "Trust", "source.nat.port": "51312",
		"destination.nat.ip": "10.1.1.80", "destination.nat.port": "443", "event.reason": "Close - TCP FIN",
		"session.start_time": "2026-06-02 14:53:30", "event.duration": "92", "rule.id": "12",
		"event.code": "00257", "log.level": "notification", "device.id": "0185012011000123", "device.name": "fw1", "host.name": "fw1",
		"vsys": "Root", "source.bytes": "4820", "destination.bytes": "183004",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	got, class, _ = decode(t, seeds[1])
	if class.Action != "connection-denied" || got["icmp.type"] != "8" || got["destination.ip"] != "192.0.2.9" {
		t.Errorf("icmp deny: %+v %v", class, got)
	}
}

func TestAttack(t *testing.T) {
	got, class, _ := decode(t, seeds[2])
	if class.Action != "intrusion-detected" {
		t.Fatalf("class %+v", class)
	}
	for k, want := range map[string]string{
		"rule.name": "SYN flood", "source.ip": "203.0.113.66", "source.port": "40123", "destination.port": "80",
		"network.transport": "TCP", "observer.ingress.interface.name": "ethernet0/0", "attack.count": "1",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
}

// A value that is not what its key says is kept under screenos.* by its
// own name, never in the ECS field.
func TestBadValuesStayRaw(t *testing.T) {
	got, _, _ := decode(t, trafficHead+`action=Deny src=not-an-address dst=192.0.2.1 src_port=70000 dst_port=443`)
	if got["source.ip"] != "" || got["src"] != "not-an-address" || got["source.port"] != "" || got["src_port"] != "70000" {
		t.Errorf("bad values: %v", got)
	}
}

func TestNotMineAndMalformed(t *testing.T) {
	for msg, want := range map[string]vendor.Status{
		"NetScreen is a firewall":                           vendor.NotMine,
		"device_id=1 [Root]system-notification-00257: x":    vendor.NotMine,
		"NetScreen device_id=1 system-notification":         vendor.Malformed,
		"NetScreen device_id=1 [Root system-notice-1: x":    vendor.Malformed,
		"NetScreen device_id=1 [Root]system-notice-abc: x":  vendor.Malformed,
		"NetScreen device_id=1 [Root]system-notice-00100: ": vendor.Decoded,
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
			return Decode("fw1", msg, emit)
		}, msg, "fw1")
	})
}

func BenchmarkDecode(b *testing.B) {
	emit := func(string, string, vendor.Kind) {}
	b.ReportAllocs()
	for b.Loop() {
		if _, st := Decode("fw1", seeds[0], emit); st != vendor.Decoded {
			b.Fatal(st)
		}
	}
}
